"""The ``oracle`` separator: the data set's ground-truth stems, cut like the segment."""

from __future__ import annotations

import numpy as np

from ..errors import SeparationError
from ..names import STEMS
from ..signal.audio import SongReader
from ..signal.segments import read_segments
from .check import check_stems

#: How close reference stems read from files (rounded to 16 bits, resampled) must sum to the
#: song: the energy of the difference at least this far below the song's.
MIN_SUM_SNR_DB = 40.0


def reference_stems(
    paths: list[str], segments: list[np.ndarray], sr: int, starts: list[int], song: str
) -> list[tuple[dict[str, np.ndarray], float]]:
    """The stems in ``paths`` (one file per stem, in :data:`STEMS` order), brought to
    ``sr`` Hz stereo and cut at each of ``starts`` to the length of the segment there (each
    file read once, block by block), which they must sum to (within 1e-4 of full scale, or
    :data:`MIN_SUM_SNR_DB`). Returns, per segment, the stems and their largest deviation
    from it."""
    n = len(segments[0])
    cut = {
        stem: read_segments(SongReader(path, sr), starts, n, pad=True)
        for stem, path in zip(STEMS, paths, strict=True)
    }
    return [
        _checked({stem: cut[stem][i] for stem in STEMS}, segment, song)
        for i, segment in enumerate(segments)
    ]


def _checked(
    stems: dict[str, np.ndarray], segment: np.ndarray, song: str
) -> tuple[dict[str, np.ndarray], float]:
    try:
        deviation = check_stems(stems, segment, tolerance=np.inf)
    except SeparationError as err:
        raise SeparationError(f"ground-truth stems of {song}: {err}") from None
    residual = segment - sum(stems[stem].astype(np.float64) for stem in STEMS)
    snr = 10 * np.log10(
        (np.sum(np.square(segment)) + 1e-12) / (np.sum(np.square(residual)) + 1e-12)
    )
    if deviation > 1e-4 and snr < MIN_SUM_SNR_DB:
        raise SeparationError(
            f"ground-truth stems of {song} do not sum to its audio: the sum is {snr:.1f} dB "
            f"from it (max deviation {deviation:.3g}; at least {MIN_SUM_SNR_DB:.0f} dB needed); "
            "are they this song's stems, aligned at its start?"
        )
    return stems, deviation
