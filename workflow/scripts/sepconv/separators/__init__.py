"""Separators: each turns one segment into the four stems (:data:`~sepconv.names.STEMS`),
written into the block's folder at the segment's rate and length
(:func:`sepconv.layout.stem_file`).

- :mod:`~sepconv.separators.oracle` -- the data set's ground-truth stems, cut like the segment
- :mod:`~sepconv.separators.ladder` -- stems of controlled quality made from the ground truth
- :mod:`~sepconv.separators.hpss` -- librosa DSP (soft masks that sum to the mixture)
- :mod:`~sepconv.separators.spleeter` -- Deezer's pretrained networks (in ``envs/spleeter``)
- :mod:`~sepconv.separators.demucs` -- Hybrid Transformer Demucs (in ``envs/demucs``)
- :mod:`~sepconv.separators.learned` -- what the two learned separators share
- :mod:`~sepconv.separators.quality` -- SI-SDR against reference stems

Every separator's stems pass :func:`check_stems`, or a learned separator's
:func:`~sepconv.separators.learned.check_separation` (Spleeter's band-limited).
"""

from __future__ import annotations

import numpy as np

from ..errors import SeparationError
from ..names import STEMS


def check_stems(
    stems: dict[str, np.ndarray],
    mixture: np.ndarray,
    tolerance: float = 1e-4,
) -> float:
    """Check that stems sum back to the mixture; return the largest absolute deviation.

    Raises :class:`~sepconv.errors.SeparationError` when a stem is missing, has another
    shape, or the sum deviates by more than ``tolerance`` (in full-scale units).
    """
    missing = [s for s in STEMS if s not in stems]
    if missing:
        raise SeparationError(f"missing stems: {', '.join(missing)}")
    for stem in STEMS:
        if stems[stem].shape != mixture.shape:
            raise SeparationError(
                f"stem {stem} has shape {stems[stem].shape}, the mixture {mixture.shape}"
            )
    total = sum(stems[s].astype(np.float64) for s in STEMS)
    deviation = float(np.max(np.abs(total - mixture)))
    if deviation > tolerance:
        raise SeparationError(f"stems do not sum to the mixture (max deviation {deviation:.3g})")
    return deviation
