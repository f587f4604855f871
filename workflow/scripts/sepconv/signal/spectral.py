"""Short-time Fourier transforms and soft masks, in NumPy.

The same as ``librosa.stft`` and ``librosa.istft`` with their defaults (a periodic Hann
window of ``n_fft`` samples, frames centred on multiples of the hop with zero padding) and
``librosa.util.softmask`` (the tests compare them), without importing librosa, which costs a
per-song job more than its analysis.
"""

from __future__ import annotations

import numpy as np


def hann(n: int) -> np.ndarray:
    """The periodic Hann window of ``n`` samples (float64)."""
    return 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(n) / n)


def stft(signal: np.ndarray, n_fft: int, hop_length: int) -> np.ndarray:
    """STFT of ``(..., n_samples)`` audio: ``(..., 1 + n_fft // 2, n_frames)`` complex64,
    ``n_frames = 1 + n_samples // hop_length``."""
    width = [(0, 0)] * (signal.ndim - 1) + [(n_fft // 2, n_fft // 2)]
    padded = np.pad(np.asarray(signal, dtype=np.float32), width)
    n_frames = 1 + (padded.shape[-1] - n_fft) // hop_length
    frames = np.lib.stride_tricks.sliding_window_view(padded, n_fft, axis=-1)
    frames = frames[..., ::hop_length, :][..., :n_frames, :]
    spectrum = np.fft.rfft(frames * hann(n_fft).astype(np.float32), axis=-1)
    return np.swapaxes(spectrum, -1, -2).astype(np.complex64)


def istft(spectrum: np.ndarray, n_fft: int, hop_length: int, length: int) -> np.ndarray:
    """The signal of an STFT made by :func:`stft`, ``(..., length)`` float32: windowed
    overlap-add, divided by the summed squared windows, the centring padding cut off."""
    window = hann(n_fft)
    n_frames = min(spectrum.shape[-1], int(np.ceil((length + 2 * (n_fft // 2)) / hop_length)))
    frames = np.fft.irfft(np.swapaxes(spectrum[..., :n_frames], -1, -2), n=n_fft, axis=-1)
    frames = frames * window
    total = n_fft + hop_length * (n_frames - 1)
    signal = np.zeros((*spectrum.shape[:-2], total))
    window_sum = np.zeros(total)
    for i in range(n_frames):
        signal[..., i * hop_length : i * hop_length + n_fft] += frames[..., i, :]
        window_sum[i * hop_length : i * hop_length + n_fft] += window**2
    nonzero = window_sum > np.finfo(np.float32).tiny
    signal[..., nonzero] /= window_sum[nonzero]
    signal = signal[..., n_fft // 2 : n_fft // 2 + length]
    if signal.shape[-1] < length:
        signal = np.pad(signal, [(0, 0)] * (signal.ndim - 1) + [(0, length - signal.shape[-1])])
    return signal.astype(np.float32)


def softmask(x: np.ndarray, reference: np.ndarray, power: float) -> np.ndarray:
    """``x**p / (x**p + reference**p)`` computed stably, 0.5 where both are zero: a soft mask
    for ``x`` against ``reference`` (non-negative arrays of one shape)."""
    x = np.asarray(x)
    dtype = np.result_type(x.dtype, np.float32)
    peak = np.maximum(x, reference).astype(dtype)
    zero = peak < np.finfo(dtype).tiny
    peak[zero] = 1.0
    mask = (x / peak) ** power
    other = (reference / peak) ** power
    good = ~zero
    mask[good] /= mask[good] + other[good]
    mask[zero] = 0.5
    return mask.astype(dtype)
