"""The ``oracle`` separator: the data set's ground-truth stems, cut like the segment."""

from __future__ import annotations

import numpy as np

from ..errors import SeparationError
from ..names import STEMS
from ..signal.audio import load_song, resample, to_stereo
from ..signal.segments import cut_segment
from . import check_stems


def reference_stems(
    paths: list[str], segment: np.ndarray, sr: int, start: int, song: str
) -> tuple[dict[str, np.ndarray], float]:
    """The stems in ``paths`` (one file per stem, in :data:`STEMS` order), brought to
    ``sr`` Hz stereo and cut at sample ``start`` to the length of ``segment``, which they must
    sum to. Returns the stems and their largest deviation from the segment."""
    stems = {}
    for stem, path in zip(STEMS, paths, strict=True):
        audio, sr_in = load_song(path)
        audio = resample(to_stereo(audio, path), sr_in, sr)
        stems[stem] = cut_segment(audio, start, len(segment), path=path, sr=sr, pad=True)
    try:
        deviation = check_stems(stems, segment, tolerance=1e-4)
    except SeparationError as err:
        raise SeparationError(f"ground-truth stems of {song}: {err}") from None
    return stems, deviation
