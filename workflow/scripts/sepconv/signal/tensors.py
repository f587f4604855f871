"""The stacked feature tensor of one (separator, representation), and its file.

``results/tensors/{separator}/{representation}.npz`` holds ``X`` float32
``(N, n_mels, n_frames, C)``, ``y`` int ``(N,)`` (an index into ``genres``), ``song`` ``(N,)``
(the song of each row), ``segment`` int ``(N,)`` (the row's segment of its song, from 0; a
song gives ``segment.per_song`` rows), ``genres`` ``(G,)`` and ``channels`` ``(C,)``. Every
reader and writer goes through :class:`Tensor`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..io import write_npz
from .features import MelFile


@dataclass(frozen=True)
class Tensor:
    X: np.ndarray  # (N, n_mels, n_frames, C) float32
    y: np.ndarray  # (N,) int64, index into genres
    song: np.ndarray  # (N,) song ids
    genres: np.ndarray  # (G,) sorted genre names
    channels: np.ndarray  # (C,) channel names
    segment: np.ndarray | None = None  # (N,) segment of the row's song; None: all 0

    def __post_init__(self):
        if self.segment is None:
            object.__setattr__(self, "segment", np.zeros(len(self.y), dtype=np.int64))

    @classmethod
    def stack(
        cls, mels: Iterable[MelFile], channels: list[str], genre_of: Mapping[str, str]
    ) -> Tensor:
        """Stack per-song spectrograms: one row per segment of each song of ``mels`` (in the
        order given, a song's segments in order), its channels in the order of ``channels``,
        labelled with ``genre_of[song]``."""
        mels = list(mels)
        missing = [m.song for m in mels if m.song not in genre_of]
        if missing:
            raise InputError(f"songs without a genre in the song table: {', '.join(missing)}")
        X = np.concatenate([np.stack([m[c] for c in channels], axis=-1) for m in mels])
        songs = [m.song for m in mels for _ in range(m.segments)]
        labels = [genre_of[s] for s in songs]
        genres = np.array(sorted(set(labels)))
        return cls(
            X=X.astype(np.float32),
            y=np.searchsorted(genres, labels).astype(np.int64),
            song=np.array(songs),
            genres=genres,
            channels=np.array(channels),
            segment=np.array([k for m in mels for k in range(m.segments)], dtype=np.int64),
        )

    @property
    def songs(self) -> np.ndarray:
        """The distinct songs, in the order of their first rows."""
        _, first = np.unique(self.song, return_index=True)
        return self.song[np.sort(first)]

    def save(self, path) -> None:
        write_npz(
            path,
            X=self.X,
            y=self.y,
            song=self.song,
            segment=self.segment,
            genres=self.genres,
            channels=self.channels,
        )

    @classmethod
    def load(cls, path) -> Tensor:
        with np.load(path) as npz:
            fields = {name: npz[name] for name in ("X", "y", "song", "genres", "channels")}
            # files written before segments per song hold one row per song
            return cls(**fields, segment=npz["segment"] if "segment" in npz else None)
