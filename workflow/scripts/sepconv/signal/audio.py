"""Reading songs in any format, channel layout and resampling."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ..errors import InputError

#: Frames read from a song file at a time: 2**18 (6 s at 44.1 kHz, 2 MB of float32 stereo),
#: so that reading a song takes the same memory whatever its length.
BLOCK_FRAMES = 1 << 18


class SongReader:
    """A song file read in blocks of :data:`BLOCK_FRAMES` as float32 stereo at ``sr`` Hz, so
    that what a job holds does not grow with the song's length.

    libsndfile (through soundfile) reads wav, flac, ogg, mp3, aiff and more; a file in a
    format it does not recognise (m4a, aac, wma, ...) is decoded by audioread, which uses
    ffmpeg where it is installed. Mono is copied to both channels; the resampling is soxr's
    high quality, streamed, which gives every sample as resampling the whole song at once
    would (``librosa.resample(..., res_type="soxr_hq")``), ``ceil(frames * sr / source_rate)``
    samples in all.

    Opening raises :class:`InputError` naming the file when its header shows it cannot be
    used (undecodable, truncated: the header declares more audio than the file holds, empty)
    or it has more than two channels; :meth:`blocks` raises when it holds no samples, or NaN
    or infinite ones. After a pass, :attr:`source_frames` and :attr:`frames` are its length
    in the file and at ``sr``.
    """

    def __init__(self, path: str, sr: int, block_frames: int = BLOCK_FRAMES):
        header = read_header(path)
        if header.problem:
            raise InputError(header.problem)
        if header.channels not in (1, 2):
            raise InputError(f"{path} has {header.channels} channels; mono or stereo expected")
        self.path, self.sr, self.block_frames = path, int(sr), int(block_frames)
        self.source_rate, self.channels = header.sample_rate, header.channels
        self.source_frames: int | None = None
        self.frames: int | None = None

    def blocks(self) -> Iterator[np.ndarray]:
        """The song from its start, ``(n, 2)`` float32 blocks at :attr:`sr` Hz."""
        resampler = None
        if self.source_rate != self.sr:
            import soxr

            resampler = soxr.ResampleStream(
                self.source_rate, self.sr, 2, dtype="float32", quality="HQ"
            )
        n_out = 0
        pending = None  # one block held back, so that the last one is passed as last
        for raw in self.source_blocks():
            if pending is not None:
                out = resampler.resample_chunk(pending) if resampler else pending
                n_out += len(out)
                yield out
            pending = to_stereo(raw, self.path)
        if resampler is None:
            n_out += len(pending)
            yield pending
        else:
            target = int(np.ceil(self.source_frames * self.sr / self.source_rate))
            out = resampler.resample_chunk(pending, last=True)
            yield fix_length(out, max(0, target - n_out))  # soxr's flush, to the exact length
            n_out = target
        self.frames = n_out

    def source_blocks(self) -> Iterator[np.ndarray]:
        """The song from its start as stored: ``(n, channels)`` float32 blocks at
        :attr:`source_rate` Hz."""
        n_in = 0
        for raw in self._decoded_blocks():
            if not np.all(np.isfinite(raw)):
                raise InputError(f"audio file {self.path} holds NaN or infinite samples")
            n_in += len(raw)
            yield raw
        if not n_in:
            raise InputError(_empty_problem(self.path))
        self.source_frames = n_in

    def _decoded_blocks(self) -> Iterator[np.ndarray]:
        import soundfile as sf

        try:
            handle = sf.SoundFile(self.path)
        except Exception as err:  # soundfile raises LibsndfileError, RuntimeError, TypeError...
            if not _unrecognised(self.path, err):
                reason = _decode_reason(self.path, err)
                raise InputError(f"cannot decode audio file {self.path}: {reason}") from None
            yield from _audioread_blocks(self.path, self.block_frames)
            return
        with handle:
            while True:
                block = handle.read(self.block_frames, dtype="float32", always_2d=True)
                if not len(block):
                    return
                yield block


@dataclass(frozen=True)
class Header:
    """What a song file's header says, read without decoding its audio."""

    duration_s: float
    sample_rate: int
    channels: int
    problem: str | None = None  # why the file cannot be used, naming it; None when it can


def read_header(path: str) -> Header:
    """The header of a song file (libsndfile's, or ffmpeg's through audioread for formats
    libsndfile lacks), with the problem :class:`SongReader` would raise where the header shows
    one: undecodable, truncated, or empty. NaN samples and silence show only in the audio."""
    import soundfile as sf

    try:
        info = sf.info(path)
    except Exception as err:
        if not _unrecognised(path, err):
            reason = f"cannot decode audio file {path}: {_decode_reason(path, err)}"
            return Header(0.0, 0, 0, reason)
        return _header_with_audioread(path)
    problem = _truncation_problem(path, info.extra_info)
    if not problem and info.frames == 0:
        problem = _empty_problem(path)
    return Header(info.frames / info.samplerate, int(info.samplerate), info.channels, problem)


def _truncation_problem(path: str, extra_info: str) -> str | None:
    truncated = _truncation(extra_info)
    if not truncated:
        return None
    declared, present = truncated
    return (
        f"audio file {path} is truncated: its header declares {declared:,} bytes of "
        f"audio, the file holds {present:,}"
    )


def _empty_problem(path: str) -> str:
    return f"audio file {path} holds no samples"


def _header_with_audioread(path: str) -> Header:
    import audioread

    try:
        with audioread.audio_open(path) as decoder:
            duration, sr, channels = decoder.duration, decoder.samplerate, decoder.channels
    except (audioread.DecodeError, OSError, EOFError):
        return Header(0.0, 0, 0, f"cannot decode audio file {path}: {_undecodable_reason()}")
    if not duration:
        return Header(0.0, int(sr), int(channels), _empty_problem(path))
    return Header(float(duration), int(sr), int(channels))


def _undecodable_reason() -> str:
    import audioread.ffdec

    formats = "wav, flac, ogg, mp3, ..."
    if audioread.ffdec.available():
        return f"neither libsndfile ({formats}) nor ffmpeg can decode it"
    return (
        f"not in a format that libsndfile recognises ({formats}), and ffmpeg, "
        "which decodes more (m4a, aac, ...), is not installed"
    )


def _unrecognised(path: str, err: Exception) -> bool:
    """Whether libsndfile failed because it knows no format for the file's bytes (it says
    "Format not recognised", or "not a regular file" of a file that exists, by what the
    bytes look like)."""
    import os

    text = str(err)
    return os.path.isfile(path) and (
        "Format not recognised" in text or "not a regular file" in text
    )


def _audioread_blocks(path: str, block_frames: int) -> Iterator[np.ndarray]:
    """Decode ``path`` with audioread (ffmpeg where installed) as float32 ``(n, channels)``
    blocks of about ``block_frames``."""
    import audioread

    try:
        with audioread.audio_open(path) as decoder:
            channels = decoder.channels
            frame_bytes = 2 * channels  # 16-bit little-endian PCM, channels interleaved
            held = b""
            for buffer in decoder:
                held += buffer
                if len(held) >= block_frames * frame_bytes:
                    whole = len(held) - len(held) % frame_bytes
                    yield _pcm16(held[:whole], channels)
                    held = held[whole:]
            whole = len(held) - len(held) % frame_bytes
            if whole:
                yield _pcm16(held[:whole], channels)
    except (audioread.DecodeError, OSError, EOFError) as err:
        raise InputError(f"cannot decode audio file {path}: {_undecodable_reason()}") from err


def _pcm16(data: bytes, channels: int) -> np.ndarray:
    audio = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0
    return audio.reshape(-1, channels)


def _decode_reason(path: str, err: Exception) -> str:
    """libsndfile's reason, without its ``Error opening 'PATH': `` prefix."""
    text = str(err)
    if text.startswith(f"Error opening {path!r}: "):
        text = text[len(f"Error opening {path!r}: ") :]
    return text


def _truncation(extra_info: str) -> tuple[int, int] | None:
    """(declared, present) bytes of a WAV or AIFF data chunk that the file cut short.

    libsndfile reads what is there and reports ``data : DECLARED (should be PRESENT)``; a
    declared size of 0xFFFFFFFF, which streaming writers leave, is a placeholder, not a cut.
    """
    import re

    match = re.search(r"^\s*(?:data|SSND)\s*:\s*(\d+)\s*\(should be (\d+)\)", extra_info, re.M)
    if not match:
        return None
    declared, present = int(match[1]), int(match[2])
    if declared <= present or declared >= 0xFFFFFFFF:
        return None
    return declared, present


def to_stereo(audio: np.ndarray, path: str = "") -> np.ndarray:
    """``(n, 1)`` or ``(n, 2)`` audio as ``(n, 2)``: mono is copied to both channels."""
    if audio.ndim == 1:
        audio = audio[:, None]
    channels = audio.shape[1]
    if channels == 1:
        return np.repeat(audio, 2, axis=1)
    if channels == 2:
        return audio
    raise InputError(f"{path or 'audio'} has {channels} channels; mono or stereo expected")


def resample(audio: np.ndarray, sr_in: int, sr_out: int) -> np.ndarray:
    """Resample ``(n_samples,)`` or ``(n_samples, n_channels)`` audio from ``sr_in`` to
    ``sr_out`` Hz with soxr's high quality, ``ceil(n_samples * sr_out / sr_in)`` samples long:
    what ``librosa.resample(..., res_type="soxr_hq")`` gives, without importing librosa."""
    if sr_in == sr_out:
        return audio
    import soxr

    resampled = soxr.resample(audio, sr_in, sr_out, quality="HQ")
    return fix_length(resampled, int(np.ceil(audio.shape[0] * sr_out / sr_in)))


def fix_length(audio: np.ndarray, size: int) -> np.ndarray:
    """``audio`` trimmed or zero-padded at its end to ``size`` samples (axis 0)."""
    if audio.shape[0] >= size:
        return audio[:size]
    width = [(0, size - audio.shape[0])] + [(0, 0)] * (audio.ndim - 1)
    return np.pad(audio, width)
