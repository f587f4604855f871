"""Sound sources, envelopes, filters and mixing helpers of the synthetic corpus.

Filters act on whole notes in the frequency domain (see :func:`apply_response`).
"""

from __future__ import annotations

import numpy as np

# --------------------------------------------------------------------------------------------
# Sound sources


def midi_hz(note: float) -> float:
    return 440.0 * 2.0 ** ((note - 69.0) / 12.0)


def saw_wave(phase: np.ndarray) -> np.ndarray:
    return 2.0 * (phase - np.floor(phase + 0.5))


def osc(
    freq: float | np.ndarray,
    n: int,
    sr: int,
    shape: str,
    rng: np.random.Generator,
    detune: float = 0.0,
    voices: int = 1,
) -> np.ndarray:
    """``voices`` detuned oscillators of ``shape`` (sine, saw, square) summed, peak about 1."""
    t = np.arange(n) / sr
    out = np.zeros(n)
    for v in range(voices):
        spread = 0.0 if voices == 1 else (v / (voices - 1) - 0.5) * 2.0
        f = np.asarray(freq) * (1.0 + detune * spread)
        phase = np.cumsum(np.broadcast_to(f, (n,))) / sr if np.ndim(f) else f * t
        phase = phase + rng.random()
        if shape == "sine":
            out += np.sin(2 * np.pi * phase)
        elif shape == "saw":
            out += saw_wave(phase)
        elif shape == "square":
            out += np.sign(np.sin(2 * np.pi * phase))
        else:
            raise ValueError(shape)
    return out / voices


def envelope(
    n: int, sr: int, attack: float, decay: float, sustain: float, release: float
) -> np.ndarray:
    """ADSR envelope over ``n`` samples; the release starts ``release`` seconds before the end."""
    t = np.arange(n) / sr
    total = n / sr
    env = np.where(
        t < attack,
        t / max(attack, 1e-4),
        sustain + (1 - sustain) * np.exp(-(t - attack) / max(decay, 1e-4)),
    )
    return env * np.clip((total - t) / max(release, 1e-4), 0, 1)


# Filters act on whole notes, so they are applied in the frequency domain: the spectrum of the
# zero-padded note times a Butterworth or resonator magnitude response (zero phase), with
# NumPy's FFT. A song costs about 0.15 s more than with scipy.signal's IIR filters, and its job
# saves the 0.7 s import of scipy.signal. The padding (93 ms at 44.1 kHz) outlasts every
# response here, so nothing wraps around; the output is cut to the input's length.
PAD_S = 0.093


def fft_size(n: int) -> int:
    """The smallest ``2**a * 3**b * 5**c >= n``: sizes pocketfft transforms fastest."""
    best = 1 << (n - 1).bit_length()
    power5 = 1
    while power5 < best:
        power35 = power5
        while power35 < best:
            size = power35 << max(0, (n - 1) // power35).bit_length()  # times a power of 2
            best = min(best, size)
            power35 *= 3
        power5 *= 5
    return best


def apply_response(x: np.ndarray, response, sr: int) -> np.ndarray:
    """``x`` (along its first axis) filtered by the magnitude ``response(frequencies)``."""
    n = x.shape[0]
    n_fft = fft_size(n + int(PAD_S * sr))
    gain = response(np.fft.rfftfreq(n_fft, 1.0 / sr))
    spectrum = np.fft.rfft(x, n_fft, axis=0)
    spectrum *= gain if x.ndim == 1 else gain[:, None]
    return np.fft.irfft(spectrum, n_fft, axis=0)[:n]


def butterworth(f: np.ndarray, cutoff: float, order: int, high: bool = False) -> np.ndarray:
    ratio = np.divide(cutoff, f, out=np.full_like(f, np.inf), where=f > 0) if high else f / cutoff
    return 1.0 / np.sqrt(1.0 + ratio ** (2 * order))


def lowpass(x: np.ndarray, cutoff: float, sr: int, order: int = 2) -> np.ndarray:
    cutoff = min(cutoff, 0.45 * sr)
    return apply_response(x, lambda f: butterworth(f, cutoff, order), sr)


def highpass(x: np.ndarray, cutoff: float, sr: int, order: int = 2) -> np.ndarray:
    return apply_response(x, lambda f: butterworth(f, cutoff, order, high=True), sr)


def bandpass(x: np.ndarray, lo: float, hi: float, sr: int) -> np.ndarray:
    hi = min(hi, 0.45 * sr)
    return apply_response(x, lambda f: butterworth(f, lo, 2, high=True) * butterworth(f, hi, 2), sr)


def resonances(x: np.ndarray, peaks: list[tuple[float, float, float]], sr: int) -> np.ndarray:
    """Sum of 2-pole resonances ``(centre Hz, bandwidth Hz, gain)`` (vowel formants)."""

    def response(f):
        total = np.zeros_like(f)
        for centre, bandwidth, gain in peaks:
            detune = np.divide(
                f**2 - centre**2, f * bandwidth, out=np.full_like(f, np.inf), where=f > 0
            )
            total += gain / np.sqrt(1.0 + detune**2)
        return total

    return apply_response(x, response, sr)


def add_at(buf: np.ndarray, start: int, sig: np.ndarray, gain: float = 1.0) -> None:
    if start >= len(buf):
        return
    end = min(len(buf), start + len(sig))
    buf[start:end] += gain * sig[: end - start]


def pan_stereo(mono: np.ndarray, pan: float) -> np.ndarray:
    """Constant-power pan of a mono signal; ``pan`` in [-1, 1]. Returns ``(n, 2)``."""
    angle = (pan + 1) * np.pi / 4
    return np.stack([np.cos(angle) * mono, np.sin(angle) * mono], axis=1) * np.sqrt(2)


def widen_stereo(mono: np.ndarray, sr: int, delay_s: float) -> np.ndarray:
    """Stereo from mono by a short inter-channel delay (Haas effect)."""
    d = int(delay_s * sr)
    right = np.concatenate([np.zeros(d), mono[: len(mono) - d]]) if d else mono
    return np.stack([mono, right], axis=1)


# --------------------------------------------------------------------------------------------
# The song
