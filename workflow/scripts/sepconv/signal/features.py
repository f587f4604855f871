"""Log-mel spectrograms, and their file: one per (separator, song).

A *channel* is named by what it is the spectrogram of: ``mixture``, a stem (``bass``), or a
sum of stems in the time domain (``bass+drums+other``, the paper's no-vocals spectrogram).
A *representation* is an ordered list of channels (config ``representations``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import channel_stems, defaults
from ..names import MIXTURE
from .audio import fix_length, resample
from .segments import segment_samples
from .spectral import stft


@dataclass(frozen=True)
class MelParams:
    """Settings of the mel analysis (config key ``features``; defaults in the schema)."""

    sample_rate: int
    n_fft: int
    hop_length: int
    n_mels: int
    n_frames: int
    fmin: float
    fmax: float | None
    amin: float = 1e-10  # floor of the power before the log (-100 dB); not configurable

    @classmethod
    def from_config(cls, features: dict | None = None) -> MelParams:
        """From config ``features``; keys it lacks take the schema's defaults."""
        return cls(**{**defaults("features"), **(features or {})})

    @property
    def n_samples(self) -> int:
        """Samples at ``sample_rate`` that give exactly ``n_frames`` frames."""
        return segment_samples(self.sample_rate, self.n_frames, self.hop_length, self.sample_rate)

    def segment_samples(self, sr: int) -> int:
        """Samples at ``sr`` Hz of a segment that gives exactly ``n_frames`` frames."""
        return segment_samples(sr, self.n_frames, self.hop_length, self.sample_rate)


def analysis_signal(audio: np.ndarray, sr: int, params: MelParams) -> np.ndarray:
    """Mono float32 signal at the analysis rate, exactly ``params.n_samples`` long.

    ``audio`` is ``(n_samples,)`` or ``(n_samples, n_channels)`` at ``sr`` Hz; channels are
    averaged, the signal is resampled (soxr) and trimmed or zero-padded at its end.
    """
    mono = audio.mean(axis=1) if audio.ndim == 2 else audio
    mono = resample(mono.astype(np.float32), sr, params.sample_rate)
    return fix_length(mono, params.n_samples)


def log_mel(audio: np.ndarray, sr: int, params: MelParams) -> np.ndarray:
    """Log-power mel spectrogram, dB re 1.0, of shape ``(n_mels, n_frames)``, float32.

    ``audio`` is brought to the analysis rate by :func:`analysis_signal` (a no-op for a mono
    signal already at that rate and length), so the frame count is ``params.n_frames``.
    The reference is absolute (1.0, not each spectrogram's maximum), so a quiet stem stays
    quiet relative to a loud one; powers below ``amin`` are floored (-100 dB by default).

    The same as ``librosa.power_to_db(librosa.feature.melspectrogram(...), ref=1.0)`` (centred
    periodic-Hann frames, zero padding, Slaney mel filters; the tests compare the two), in
    NumPy: a spectrogram job then starts without importing librosa, which costs more than the
    analysis itself.
    """
    mono = analysis_signal(audio, sr, params)
    power = mel_filterbank(
        params.sample_rate, params.n_fft, params.n_mels, params.fmin, params.fmax
    ) @ power_spectrogram(mono, params.n_fft, params.hop_length)
    mel = 10.0 * np.log10(np.maximum(power, params.amin))
    assert mel.shape == (params.n_mels, params.n_frames), mel.shape
    return mel.astype(np.float32)


def power_spectrogram(signal: np.ndarray, n_fft: int, hop_length: int) -> np.ndarray:
    """``|STFT|**2`` of a mono signal, ``(1 + n_fft // 2, n_frames)`` float32."""
    return np.square(np.abs(stft(signal, n_fft, hop_length))).astype(np.float32)


def _hz_to_mel(hz):
    """Slaney's mel scale: linear below 1 kHz, logarithmic above."""
    hz = np.asarray(hz, dtype=np.float64)
    linear = hz / (200.0 / 3)
    logstep = np.log(6.4) / 27.0
    log = 15.0 + np.log(np.maximum(hz, 1000.0) / 1000.0) / logstep
    return np.where(hz >= 1000.0, log, linear)


def _mel_to_hz(mel):
    mel = np.asarray(mel, dtype=np.float64)
    linear = mel * (200.0 / 3)
    logstep = np.log(6.4) / 27.0
    log = 1000.0 * np.exp(logstep * (mel - 15.0))
    return np.where(mel >= 15.0, log, linear)


def mel_filterbank(sr: int, n_fft: int, n_mels: int, fmin: float, fmax: float | None) -> np.ndarray:
    """Triangular Slaney-normalised mel filters, ``(n_mels, 1 + n_fft // 2)`` float32, as
    ``librosa.filters.mel`` makes them (``fmax`` None: half of ``sr``)."""
    fmax = sr / 2.0 if fmax is None else fmax
    fft_hz = np.fft.rfftfreq(n_fft, d=1.0 / sr)
    edges = _mel_to_hz(np.linspace(_hz_to_mel(fmin), _hz_to_mel(fmax), n_mels + 2))
    widths = np.diff(edges)
    ramps = np.subtract.outer(edges, fft_hz)
    rising = -ramps[:-2] / widths[:-1, None]
    falling = ramps[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(rising, falling))
    weights *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    return weights.astype(np.float32)


def channel_audio(stems: dict[str, np.ndarray], channel: str) -> np.ndarray:
    """Time-domain signal of a stem channel: the sum of its stems."""
    parts = channel_stems(channel)
    if not parts:
        raise ValueError("the mixture channel is computed from the segment, not from stems")
    total = stems[parts[0]].astype(np.float64)
    for part in parts[1:]:
        total = total + stems[part]
    return total.astype(np.float32)


def segment_mels(
    signals: tuple[np.ndarray, int] | dict[str, np.ndarray], params: MelParams, channels: list[str]
) -> np.ndarray:
    """``(C, n_mels, n_frames)`` log-mel spectrograms of one segment's ``channels``: of the
    mixture, given ``signals`` = ``(audio, sr)`` and channels ``[mixture]``; else of each stem
    channel, given the stems at the analysis rate (``{stem: (n,)}``, see
    :func:`analysis_signal`)."""
    if list(channels) == [MIXTURE]:
        audio, sr = signals
        return np.stack([log_mel(audio, sr, params)])
    return np.stack(
        [log_mel(channel_audio(signals, c), params.sample_rate, params) for c in channels]
    )


def song_mels(sources: list[str], channels: list[str], params: MelParams) -> np.ndarray:
    """The ``(K, C, n_mels, n_frames)`` log-mel spectrograms of a song's K segments: of its
    segments file (``sources``: one file, ``channels``: ``[mixture]``), or of each channel of
    its stems (``sources``: the four stem files in :data:`~sepconv.names.STEMS` order; each
    stem brought to the analysis rate once per segment, then summed where a channel sums
    stems, since resampling is linear)."""
    from ..io import read_audio
    from ..names import STEMS
    from .segments import split_segments

    if list(channels) == [MIXTURE]:
        (path,) = sources
        audio, sr = read_audio(path)
        each = [(piece, sr) for piece in split_segments(audio, params.segment_samples(sr), path)]
    else:
        stems = {}
        for stem, path in zip(STEMS, sources, strict=True):
            audio, sr = read_audio(path)
            stems[stem] = [
                analysis_signal(piece, sr, params)
                for piece in split_segments(audio, params.segment_samples(sr), path)
            ]
        each = [{stem: stems[stem][k] for stem in STEMS} for k in range(len(stems[STEMS[0]]))]
    return np.stack([segment_mels(signals, params, channels) for signals in each])
