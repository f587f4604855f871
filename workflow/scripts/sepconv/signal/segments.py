"""Segments: their length, where they start, cutting and checking them.

A segment is ``segment_samples(...)`` samples long (233,984 at 22,050 Hz, 10.61 s, for the
paper's 458 frames at hop 512), the length that gives exactly ``n_frames`` centred mel frames
at the analysis rate. A song gives ``segment.per_song`` segments (:func:`segment_starts`),
stored back to back in one file, ``results/segments/{block}/{song}.wav``; :func:`split_segments`
splits such a file (or a separator's stem of it) into its segments again. The segments' record,
``results/segments/{block}/{song}.json``, is :func:`segment_record`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable

import numpy as np

from ..errors import InputError
from ..io import write_json
from .audio import SongReader


def segment_samples(sr: int, n_frames: int, hop_length: int, analysis_rate: int) -> int:
    """Number of samples at ``sr`` Hz of a segment that gives ``n_frames`` mel frames.

    With centred frames, ``n`` samples give ``1 + n // hop_length`` frames, so the segment is
    ``(n_frames - 1) * hop_length`` samples at the analysis rate (233,984 samples, 10.61 s,
    for the paper's 458 frames at hop 512 and 22,050 Hz), and the same duration at ``sr``.
    """
    n_analysis = (n_frames - 1) * hop_length
    return int(round(n_analysis * sr / analysis_rate))


def auto_start(audio: np.ndarray, sr: int, n_samples: int, step_s: float = 0.5) -> int:
    """Start sample of the loudest window of ``n_samples`` of ``audio`` (:func:`loudest_start`
    of one block)."""
    return loudest_start([audio], sr, n_samples, step_s)[0]


def loudest_start(
    blocks: Iterable[np.ndarray], sr: int, n_samples: int, step_s: float = 0.5
) -> tuple[int, int]:
    """Start sample of the loudest window of ``n_samples`` in the audio given as consecutive
    ``blocks``, searched on a ``step_s`` grid, and the audio's length in samples.

    The window with the highest mean power (over channels) wins; ties go to the earliest.
    For an EDM track this is the drop, the part a listener would pick as characteristic.
    Only the running sum of the power at the grid's points is kept, so the memory does not
    grow with the audio's length; the sums are the ones a cumulative sum over the whole
    audio gives, to the last bit.
    """
    step = max(1, int(round(step_s * sr)))
    total, length = 0.0, 0
    at_start, at_end = [0.0], []  # cumulative power at k * step and at k * step + n_samples
    for block in blocks:
        power = np.square(block, dtype=np.float64)
        power = power.mean(axis=1) if power.ndim == 2 else power
        # cumulative[j] is the sum of the power before sample length + j
        cumulative = np.cumsum(np.concatenate([[total], power]))
        for points, offset in ((at_start, 0), (at_end, n_samples)):
            k_first = max(0, -(-(length + 1 - offset) // step))
            k_last = (length + len(power) - offset) // step
            indices = np.arange(k_first, k_last + 1) * step + offset - length
            points.extend(cumulative[indices].tolist())
        total, length = float(cumulative[-1]), length + len(power)
    if length <= n_samples:
        return 0, length
    windows = (length - n_samples) // step + 1
    energy = np.asarray(at_end[:windows]) - np.asarray(at_start[:windows])
    return int(np.argmax(energy)) * step, length


def segment_starts(first: int, n_audio: int, n_samples: int, per_song: int) -> list[int]:
    """Start samples of a song's ``per_song`` segments of ``n_samples``: ``[first]`` for one;
    for more, evenly spread from ``first`` to the last start that fits in ``n_audio`` samples
    (rounded to samples; they overlap where the song is shorter than ``per_song`` segments,
    and all start at ``first`` where not even one fits after it)."""
    if per_song < 1:
        raise ValueError(f"per_song must be at least 1, got {per_song}")
    if per_song == 1:
        return [int(first)]
    last = max(int(first), n_audio - n_samples)
    return [int(round(x)) for x in np.linspace(first, last, per_song)]


def cut_song(
    reader: SongReader,
    n_samples: int,
    start: str | float,
    per_song: int = 1,
    search_step: float = 0.5,
    pad: bool = False,
) -> tuple[list[np.ndarray], list[int], str]:
    """A song's segments, where they start (samples at ``reader.sr``) and by which rule: one
    segment at the sample sheet's ``start`` (seconds) or, with ``start="auto"``, at the
    loudest window (searched every ``search_step`` seconds, config ``segment.search_step``);
    several, evenly spread from there (the song's start for ``auto``) to its end
    (:func:`segment_starts`). The song is read block by block: once for one segment at a
    given start, twice where the starts depend on the whole song."""
    sr = reader.sr
    length = None
    if start == "auto" and per_song == 1:
        first, length = loudest_start(reader.blocks(), sr, n_samples, search_step)
        rule = "loudest window"
    elif start == "auto":
        first, rule = 0, "evenly spread"
    else:
        first = int(round(float(start) * sr))
        rule = "evenly spread from the sample sheet's start" if per_song > 1 else "sample sheet"
    if per_song > 1 and length is None:
        length = sum(len(block) for block in reader.blocks())
    starts = segment_starts(first, length or 0, n_samples, per_song)
    segments = read_segments(reader, starts, n_samples, pad=pad)
    return segments, starts, rule


def read_segments(
    reader: SongReader, starts: list[int], n_samples: int, *, pad: bool = False
) -> list[np.ndarray]:
    """The ``n_samples`` of the song of ``reader`` from each of ``starts`` (samples at its
    rate), read in one pass that keeps only the segments.

    A song too short for a segment is an error naming the file, unless ``pad`` is set, when
    the segment is zero-padded at its end.
    """
    for start in starts:
        if start < 0:
            raise InputError(f"{reader.path}: segment start must not be negative")
    segments = [np.zeros((n_samples, 2), np.float32) for _ in starts]
    length = 0
    for block in reader.blocks():
        for segment, start in zip(segments, starts, strict=True):
            a, b = max(start, length), min(start + n_samples, length + len(block))
            if a < b:
                segment[a - start : b - start] = block[a - length : b - length]
        length += len(block)
    for start in starts:
        if start + n_samples > length and not pad:
            sr = reader.sr
            raise InputError(too_short(reader.path, (start + n_samples) / sr, length / sr))
    return segments


def split_segments(audio: np.ndarray, n_samples: int, what: str = "audio") -> list[np.ndarray]:
    """The segments of ``audio`` stored back to back, ``n_samples`` each."""
    count, rest = divmod(len(audio), n_samples)
    if count < 1 or rest:
        raise InputError(
            f"{what}: {len(audio)} samples are not a whole number of segments of {n_samples}"
        )
    return [audio[i * n_samples : (i + 1) * n_samples] for i in range(count)]


def too_short(path: str, need: float, have: float, unit: str = " s") -> str:
    """The message for a song too short for its segment."""
    return (
        f"{path} is too short: the segment needs {need:.2f}{unit} from the song's start, "
        f"the file has {have:.2f}{unit} (set segment.pad: true to zero-pad short songs)"
    )


def check_not_silent(segment: np.ndarray, path: str, threshold_db: float = -80.0) -> float:
    """Raise if the segment's RMS level is below ``threshold_db`` dBFS; return the level."""
    rms = float(np.sqrt(np.mean(np.square(segment, dtype=np.float64))))
    level = 20 * np.log10(max(rms, 1e-12))
    if level < threshold_db:
        raise InputError(f"{path}: the segment is silent ({level:.1f} dBFS RMS)")
    return level


def segment_record(
    song: str,
    source: str,
    source_rate: int,
    starts: list[int],
    start_rule: str,
    sr: int,
    n_samples: int,
    levels_dbfs: list[float],
) -> dict:
    """The record of a song's segments, ``results/segments/{block}/{song}.json``: where each segment
    starts (samples at ``sr``, and seconds), by which rule, its length and its level."""
    return {
        "song": song,
        "source": source,
        "source_rate": source_rate,
        "start_s": starts[0] / sr,
        "start_sample": starts[0],
        "start_rule": start_rule,
        "segments": len(starts),
        "start_samples": list(starts),
        "starts_s": [start / sr for start in starts],
        "sample_rate": sr,
        "n_samples": n_samples,
        "rms_dbfs": round(levels_dbfs[0], 3),
        "rms_dbfs_each": [round(level, 3) for level in levels_dbfs],
    }


def save_record(path: str | os.PathLike, record: dict) -> None:
    """Write a segment record (:func:`segment_record`)."""
    write_json(path, record)


def load_record(path: str | os.PathLike) -> dict:
    """Read a segment record; records written before several segments per song (without
    ``start_samples``) give their one start there."""
    with open(path) as handle:
        record = json.load(handle)
    record.setdefault("start_samples", [record["start_sample"]])
    return record
