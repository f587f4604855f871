"""The stacked feature tensor of one (separator, representation), and its file.

``results/tensors/{separator}/{representation}.npz`` holds ``X`` float32
``(N, n_mels, n_frames, C)``, ``y`` int ``(N,)`` (an index into ``genres``), ``song`` ``(N,)``,
``genres`` ``(G,)`` and ``channels`` ``(C,)``. Every reader and writer goes through
:class:`Tensor`.
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

    @classmethod
    def stack(
        cls, mels: Iterable[MelFile], channels: list[str], genre_of: Mapping[str, str]
    ) -> Tensor:
        """Stack per-song spectrograms: row i is song i of ``mels`` (in the order given),
        its channels in the order of ``channels``, labelled with ``genre_of[song]``."""
        mels = list(mels)
        songs = [m.song for m in mels]
        missing = [s for s in songs if s not in genre_of]
        if missing:
            raise InputError(f"songs without a genre in the song table: {', '.join(missing)}")
        X = np.stack([np.stack([m[c] for c in channels], axis=-1) for m in mels])
        labels = [genre_of[s] for s in songs]
        genres = np.array(sorted(set(labels)))
        return cls(
            X=X.astype(np.float32),
            y=np.searchsorted(genres, labels).astype(np.int64),
            song=np.array(songs),
            genres=genres,
            channels=np.array(channels),
        )

    def save(self, path) -> None:
        write_npz(
            path, X=self.X, y=self.y, song=self.song, genres=self.genres, channels=self.channels
        )

    @classmethod
    def load(cls, path) -> Tensor:
        with np.load(path) as npz:
            return cls(**{name: npz[name] for name in ("X", "y", "song", "genres", "channels")})
