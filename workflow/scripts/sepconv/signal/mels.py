"""The spectrogram file of one song under one separator (``results/mels/{separator}/{block}/
{song}.npz``): every channel of every segment; written by the spectrogram step
(:mod:`sepconv.signal.features` computes them), read by stacking."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..io import write_npz


@dataclass(frozen=True)
class MelFile:
    """The log-mel spectrograms of one song's segments under one separator (``none``: the
    mixture's).

    Stored as ``results/mels/{separator}/{block}/{song}.npz`` with ``mels`` float32
    ``(K, C, n_mels, n_frames)`` (K segments, C channels; a ``(C, n_mels, n_frames)`` array is
    taken as one segment), ``channels`` ``(C,)``, ``song`` and ``separator``.
    """

    song: str
    separator: str
    channels: tuple[str, ...]
    mels: np.ndarray

    def __post_init__(self):
        if self.mels.ndim == 3:
            object.__setattr__(self, "mels", self.mels[np.newaxis])

    @property
    def segments(self) -> int:
        return int(self.mels.shape[0])

    def __getitem__(self, channel: str) -> np.ndarray:
        """The ``(K, n_mels, n_frames)`` spectrograms of ``channel``, one per segment."""
        try:
            return self.mels[:, self.channels.index(channel)]
        except ValueError:
            raise KeyError(
                f"the spectrograms of {self.song} ({self.separator}) have no channel "
                f"{channel!r}; they have {', '.join(self.channels)}"
            ) from None

    def save(self, path) -> None:
        write_npz(
            path,
            mels=self.mels.astype(np.float32),
            channels=np.array(self.channels),
            song=np.array(self.song),
            separator=np.array(self.separator),
        )

    @staticmethod
    def segments_in(path) -> int:
        """The number of segments in the file ``path``, read from its header alone."""
        with np.load(path) as npz, npz.zip.open("mels.npy") as member:
            version = np.lib.format.read_magic(member)
            read_header = {
                (1, 0): np.lib.format.read_array_header_1_0,
                (2, 0): np.lib.format.read_array_header_2_0,
            }[version]
            shape = read_header(member)[0]
        return 1 if len(shape) == 3 else int(shape[0])

    @classmethod
    def load(cls, path) -> MelFile:
        with np.load(path) as npz:
            return cls(
                song=str(npz["song"]),
                separator=str(npz["separator"]),
                channels=tuple(str(c) for c in npz["channels"]),
                mels=npz["mels"],
            )
