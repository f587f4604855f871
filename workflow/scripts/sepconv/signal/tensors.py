"""The stacked feature tensor of one (separator, representation), and its two files.

``results/tensors/{separator}/{representation}.npy`` holds ``X`` float32
``(N, n_mels, n_frames, C)``, one row per segment of each song, as a plain ``.npy`` file:
written row by row while the songs' spectrograms are read one at a time
(:func:`stack_tensor`), and memory-mapped by training (:meth:`Tensor.open`), which reads the
rows of each batch and nothing else. So neither job holds the tensor: the page cache does.

Beside it, ``{representation}.rows.npz`` (:func:`rows_path`) describes every row: ``y`` int
``(N,)`` (an index into ``genres``), ``song`` ``(N,)``, ``segment`` int ``(N,)`` (the row's
segment of its song, from 0), ``sums`` and ``squares`` float64 ``(N, C)`` (each row's sum and
sum of squares per channel over mels and frames: :func:`row_moments`, from which training
standardises with the statistics of any set of rows without reading them again),
``genres`` ``(G,)`` and ``channels`` ``(C,)``. Every reader and writer goes through this
module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..io import atomic_path, write_npz
from .mels import MelFile

#: The suffix of a tensor's rows file: ``stems3.npy`` -> ``stems3.rows.npz``.
ROWS_SUFFIX = ".rows.npz"


def rows_path(path) -> str:
    """The rows file of the tensor file ``path`` (``X.npy`` -> ``X.rows.npz``)."""
    path = str(path)
    if not path.endswith(".npy"):
        raise ValueError(f"a tensor file ends in .npy: {path}")
    return path[: -len(".npy")] + ROWS_SUFFIX


def row_moments(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row (sample) and channel of ``X`` ``(N, n_mels, n_frames, C)``: the sum and the sum
    of squares over mels and frames, in float64, a row at a time (so a memory-mapped ``X`` is
    read, never held). They give the statistics of any set of rows."""
    sums = np.empty((len(X), X.shape[-1]), dtype=np.float64)
    squares = np.empty_like(sums)
    for i, row in enumerate(X):
        row = np.ascontiguousarray(row).astype(np.float64)
        sums[i] = row.sum(axis=(0, 1))
        squares[i] = np.square(row).sum(axis=(0, 1))
    return sums, squares


@dataclass(frozen=True)
class Tensor:
    """A tensor's rows: ``X`` (memory-mapped by :meth:`open`) and what each row is."""

    X: np.ndarray  # (N, n_mels, n_frames, C) float32
    y: np.ndarray  # (N,) int64, index into genres
    song: np.ndarray  # (N,) song ids
    genres: np.ndarray  # (G,) sorted genre names
    channels: np.ndarray  # (C,) channel names
    segment: np.ndarray  # (N,) segment of the row's song
    sums: np.ndarray  # (N, C) float64: row_moments
    squares: np.ndarray  # (N, C) float64

    @property
    def moments(self) -> tuple[np.ndarray, np.ndarray]:
        return self.sums, self.squares

    @property
    def songs(self) -> np.ndarray:
        """The distinct songs, in the order of their first rows."""
        _, first = np.unique(self.song, return_index=True)
        return self.song[np.sort(first)]

    @classmethod
    def open(cls, path) -> Tensor:
        """The tensor of the file ``path`` (``.npy``) and its rows file, ``X`` memory-mapped
        read-only."""
        X = np.load(path, mmap_mode="r")
        with np.load(rows_path(path)) as rows:
            fields = {name: rows[name] for name in ("y", "song", "genres", "channels")}
            fields.update({name: rows[name] for name in ("segment", "sums", "squares")})
        if len(fields["y"]) != len(X) or X.ndim != 4:
            raise InputError(
                f"{path} holds X of shape {X.shape} and {rows_path(path)} describes "
                f"{len(fields['y'])} rows: make the tensor again"
            )
        return cls(X=X, **fields)


def stack_tensor(
    path, mel_files: Mapping[str, str], channels: list[str], genre_of: Mapping[str, str]
) -> Tensor:
    """Stack per-song spectrogram files into the tensor file ``path`` and its rows file.

    ``mel_files`` maps each song to its :class:`~sepconv.signal.mels.MelFile`, in the
    order of the rows: one row per segment of each song, a song's segments in order, its
    channels in the order of ``channels``, labelled with ``genre_of[song]``. The files are
    read twice, once for their headers (the row count), then one song at a time, each
    song's rows written into the memory-mapped output and its row moments taken; a job
    holds one song's spectrograms whatever the number of songs. Returns the written tensor,
    opened from its files.
    """
    missing = [song for song in mel_files if song not in genre_of]
    if missing:
        raise InputError(f"songs without a genre in the song table: {', '.join(missing)}")
    segments = {song: MelFile.segments_in(file) for song, file in mel_files.items()}
    labels = [genre_of[song] for song in mel_files]
    genres = np.array(sorted(set(labels)))
    first = next(iter(mel_files.values()), None)
    if first is None:
        raise InputError("no spectrograms to stack")
    shape = MelFile.load(first)[channels[0]].shape[1:]
    n_rows = sum(segments.values())
    sums = np.empty((n_rows, len(channels)), dtype=np.float64)
    squares = np.empty_like(sums)
    with atomic_path(path) as tmp:
        X = np.lib.format.open_memmap(
            tmp, mode="w+", dtype=np.float32, shape=(n_rows, *shape, len(channels))
        )
        row = 0
        for song, file in mel_files.items():
            mel = MelFile.load(file)
            rows = np.stack([mel[c] for c in channels], axis=-1).astype(np.float32)
            if rows.shape[1:3] != shape or len(rows) != segments[song]:
                raise InputError(
                    f"{file}: spectrograms of shape {rows.shape[:3]}, expected "
                    f"({segments[song]}, {shape[0]}, {shape[1]}) like the other songs'"
                )
            X[row : row + len(rows)] = rows
            sums[row : row + len(rows)], squares[row : row + len(rows)] = row_moments(rows)
            row += len(rows)
        X.flush()
        del X
    write_npz(
        rows_path(path),
        y=np.searchsorted(genres, np.repeat(labels, list(segments.values()))).astype(np.int64),
        song=np.repeat(np.array(list(mel_files)), list(segments.values())),
        segment=np.concatenate([np.arange(k, dtype=np.int64) for k in segments.values()]),
        sums=sums,
        squares=squares,
        genres=genres,
        channels=np.array(channels),
    )
    return Tensor.open(path)
