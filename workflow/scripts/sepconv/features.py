"""Log-mel spectrograms and the stacked feature tensors.

A *channel* is named by what it is the spectrogram of: ``mixture``, a stem (``bass``), or a
sum of stems in the time domain (``bass+drums+other``, the paper's no-vocals spectrogram).
A *representation* is an ordered list of channels (config ``representations``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import STEMS
from .audio import resample
from .constants import ANALYSIS_RATE, HOP_LENGTH, N_FFT, N_FRAMES, N_MELS, segment_samples

MIXTURE = "mixture"


@dataclass(frozen=True)
class MelParams:
    """Settings of the mel analysis (config key ``features``)."""

    sample_rate: int = ANALYSIS_RATE
    n_fft: int = N_FFT
    hop_length: int = HOP_LENGTH
    n_mels: int = N_MELS
    n_frames: int = N_FRAMES
    fmin: float = 0.0
    fmax: float | None = None
    amin: float = 1e-10  # floor of the power before the log (-100 dB)

    @property
    def n_samples(self) -> int:
        """Samples at ``sample_rate`` that give exactly ``n_frames`` frames."""
        return segment_samples(self.sample_rate, self.n_frames, self.hop_length, self.sample_rate)


def channel_stems(channel: str) -> list[str]:
    """The stems a channel sums (``[]`` for ``mixture``); raises ``ValueError`` if unknown."""
    if channel == MIXTURE:
        return []
    parts = channel.split("+")
    unknown = [p for p in parts if p not in STEMS]
    if unknown or len(set(parts)) != len(parts):
        raise ValueError(
            f"channel {channel!r}: expected 'mixture' or stems joined by '+' ({', '.join(STEMS)})"
        )
    return parts


def needs_separator(channels: list[str]) -> bool:
    """Whether a representation uses any stem (``mix`` does not: it is separator ``none``)."""
    return any(c != MIXTURE for c in channels)


def analysis_signal(audio: np.ndarray, sr: int, params: MelParams | None = None) -> np.ndarray:
    """Mono float32 signal at the analysis rate, exactly ``params.n_samples`` long.

    ``audio`` is ``(n_samples,)`` or ``(n_samples, n_channels)`` at ``sr`` Hz; channels are
    averaged, the signal is resampled (soxr) and trimmed or zero-padded at its end.
    """
    import librosa

    params = params or MelParams()
    mono = audio.mean(axis=1) if audio.ndim == 2 else audio
    mono = resample(mono.astype(np.float32), sr, params.sample_rate)
    return librosa.util.fix_length(mono, size=params.n_samples)


def log_mel(audio: np.ndarray, sr: int, params: MelParams | None = None) -> np.ndarray:
    """Log-power mel spectrogram, dB re 1.0, of shape ``(n_mels, n_frames)``, float32.

    ``audio`` is brought to the analysis rate by :func:`analysis_signal` (a no-op for a mono
    signal already at that rate and length), so the frame count is ``params.n_frames``.
    The reference is absolute (1.0, not each spectrogram's maximum), so a quiet stem stays
    quiet relative to a loud one; powers below ``amin`` are floored (-100 dB by default).
    """
    import librosa

    params = params or MelParams()
    mono = analysis_signal(audio, sr, params)
    power = librosa.feature.melspectrogram(
        y=mono,
        sr=params.sample_rate,
        n_fft=params.n_fft,
        hop_length=params.hop_length,
        n_mels=params.n_mels,
        fmin=params.fmin,
        fmax=params.fmax,
        power=2.0,
    )
    mel = librosa.power_to_db(power, ref=1.0, amin=params.amin, top_db=None)
    assert mel.shape == (params.n_mels, params.n_frames), mel.shape
    return mel.astype(np.float32)


def channel_audio(stems: dict[str, np.ndarray], channel: str) -> np.ndarray:
    """Time-domain signal of a stem channel: the sum of its stems."""
    parts = channel_stems(channel)
    if not parts:
        raise ValueError("the mixture channel is computed from the segment, not from stems")
    total = stems[parts[0]].astype(np.float64)
    for part in parts[1:]:
        total = total + stems[part]
    return total.astype(np.float32)


def stack(mels: list[dict[str, np.ndarray]], channels: list[str]) -> np.ndarray:
    """Stack per-song spectrograms into ``X`` of shape ``(n_songs, n_mels, n_frames, C)``.

    ``mels[i][channel]`` is song i's ``(n_mels, n_frames)`` spectrogram of that channel;
    the channel axis is last and follows the order of ``channels``.
    """
    return np.stack([np.stack([m[c] for c in channels], axis=-1) for m in mels]).astype(np.float32)
