"""The check every separator's stems pass: they sum back to their mixture."""

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


def energy_shares(stems: dict[str, np.ndarray], mixture: np.ndarray) -> dict[str, float]:
    """Each stem's energy as a share of the mixture's (for the log: where a separator puts
    the sound)."""
    total = max(float(np.sum(np.square(mixture, dtype=np.float64))), 1e-12)
    return {s: float(np.sum(np.square(stems[s], dtype=np.float64))) / total for s in STEMS}
