"""Separators that need no trained model: ``hpss`` (librosa DSP) and ``oracle`` checks.

``hpss`` splits a mixture into bass, drums, other and vocals with soft masks on its STFT:

1. harmonic-percussive separation (median filtering, Fitzgerald 2010) of the magnitude:
   the percussive mask gives ``drums``;
2. the harmonic part is split into a repeating background and a non-repeating foreground by
   nearest-neighbour filtering (librosa's vocal separation recipe, after Rafii and Pardo 2012);
   the foreground inside the vocal band gives ``vocals``;
3. the harmonic background below ``bass_cutoff`` (a smooth 4th-order crossover) gives ``bass``;
4. ``other`` is the mixture minus the three, so the four stems sum to the mixture exactly.

The masks are computed once from the mid (mean) channel and applied to each channel, which
keeps the stereo image and halves the work.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import STEMS


@dataclass(frozen=True)
class HpssParams:
    """Settings of the ``hpss`` separator (config key ``hpss``)."""

    n_fft: int = 2048
    hop_length: int = 1024
    kernel_size: int = 31  # median filter length (frames and bins) for harmonic/percussive
    power: float = 2.0  # soft mask exponent
    bass_cutoff: float = 180.0  # Hz
    vocal_band: tuple[float, float] = (150.0, 8000.0)  # Hz
    vocal_margin: float = 2.0  # foreground must exceed background by this factor
    nn_width_s: float = 2.0  # frames closer in time than this are not neighbours


def _softmask(x: np.ndarray, ref: np.ndarray, power: float) -> np.ndarray:
    import librosa

    return librosa.util.softmask(x, ref, power=power, split_zeros=True)


def hpss_masks(magnitude: np.ndarray, sr: int, params: HpssParams) -> dict[str, np.ndarray]:
    """Soft masks ``{stem: (n_bins, n_frames)}`` for bass, drums and vocals, each in [0, 1].

    ``other`` is the remainder ``1 - bass - drums - vocals``, which is never negative.
    """
    import librosa

    harmonic, percussive = librosa.decompose.hpss(
        magnitude, kernel_size=params.kernel_size, power=params.power, mask=False
    )
    drums = _softmask(percussive, harmonic, params.power)
    harmonic_mask = 1.0 - drums
    harm = magnitude * harmonic_mask

    # librosa needs 1 <= width < (n_frames - 1) // 2; short inputs get a narrower exclusion
    width = min(
        max(1, int(round(params.nn_width_s * sr / params.hop_length))), (harm.shape[1] - 1) // 2 - 1
    )
    if width >= 1:
        background = librosa.decompose.nn_filter(
            harm, aggregate=np.median, metric="cosine", width=width
        )
        background = np.minimum(harm, background)
    else:  # too few frames to find repetitions: everything counts as background
        background = harm
    foreground = harm - background
    vocal_fg = _softmask(foreground, params.vocal_margin * background, params.power)

    freqs = librosa.fft_frequencies(sr=sr, n_fft=params.n_fft)[:, None]
    lo, hi = params.vocal_band
    in_band = ((freqs >= lo) & (freqs <= hi)).astype(magnitude.dtype)
    vocals = harmonic_mask * vocal_fg * in_band
    low = 1.0 / (1.0 + (freqs / params.bass_cutoff) ** 4)
    bass = (harmonic_mask - vocals) * low
    return {"bass": bass, "drums": drums, "vocals": vocals}


def separate_hpss(
    mixture: np.ndarray, sr: int, params: HpssParams | None = None
) -> dict[str, np.ndarray]:
    """Separate ``(n_samples, n_channels)`` audio at ``sr`` Hz into the four stems.

    Returns ``{stem: (n_samples, n_channels) float32}``; the stems sum to ``mixture``
    (``other`` is the remainder in the time domain).
    """
    import librosa

    params = params or HpssParams()
    n = mixture.shape[0]
    spec = librosa.stft(
        mixture.T.astype(np.float32), n_fft=params.n_fft, hop_length=params.hop_length
    )  # (channels, bins, frames)
    masks = hpss_masks(np.abs(spec).mean(axis=0), sr, params)
    stems = {}
    for stem in ("bass", "drums", "vocals"):
        audio = librosa.istft(
            spec * masks[stem][None], hop_length=params.hop_length, n_fft=params.n_fft, length=n
        )
        stems[stem] = audio.T.astype(np.float32)
    other = mixture.astype(np.float64) - sum(stems[s].astype(np.float64) for s in stems)
    stems["other"] = other.astype(np.float32)
    return {stem: stems[stem] for stem in STEMS}


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


def check_stems(
    stems: dict[str, np.ndarray],
    mixture: np.ndarray,
    tolerance: float = 1e-4,
) -> float:
    """Check that stems sum back to the mixture; return the largest absolute deviation.

    Raises ``ValueError`` when a stem is missing, has another shape, or the sum deviates by
    more than ``tolerance`` (in full-scale units).
    """
    missing = [s for s in STEMS if s not in stems]
    if missing:
        raise ValueError(f"missing stems: {', '.join(missing)}")
    for stem in STEMS:
        if stems[stem].shape != mixture.shape:
            raise ValueError(
                f"stem {stem} has shape {stems[stem].shape}, the mixture {mixture.shape}"
            )
    total = sum(stems[s].astype(np.float64) for s in STEMS)
    deviation = float(np.max(np.abs(total - mixture)))
    if deviation > tolerance:
        raise ValueError(f"stems do not sum to the mixture (max deviation {deviation:.3g})")
    return deviation
