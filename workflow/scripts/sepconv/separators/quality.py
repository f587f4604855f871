"""Separation quality: scale-invariant SDR of an estimated stem against its reference."""

from __future__ import annotations

import numpy as np


def si_sdr(estimate: np.ndarray, reference: np.ndarray, eps: float = 1e-12) -> float:
    """Scale-invariant signal-to-distortion ratio in dB (Le Roux et al. 2019).

    Both signals are flattened; a silent reference gives ``nan``.
    """
    est = np.asarray(estimate, dtype=np.float64).ravel()
    ref = np.asarray(reference, dtype=np.float64).ravel()
    ref_energy = np.dot(ref, ref)
    if ref_energy < eps:
        return float("nan")
    target = np.dot(est, ref) / ref_energy * ref
    noise = est - target
    return float(10 * np.log10((np.dot(target, target) + eps) / (np.dot(noise, noise) + eps)))
