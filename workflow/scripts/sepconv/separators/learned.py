"""What the learned separators (Spleeter, Demucs) share: their input, the folding of extra
stems into ``other``, the refusal of stems that are no separation, and the block step that
loads a model once and separates a block of songs with it (its arguments, and its loop over
the songs, :func:`separate_block`).

Both run networks trained on 44.1 kHz stereo, in environments of their own; this module needs
only NumPy (and soxr when a segment must be resampled), so every environment imports it.
"""

from __future__ import annotations

import argparse
import json
import logging
import time

import numpy as np

from ..errors import SeparationError
from ..names import STEMS

#: The rate and channels the learned separators' models work at.
SAMPLE_RATE = 44_100
#: A stem whose difference from the mixture is below this (dB relative to the mixture's
#: energy) is a copy of it.
COPY_DB = -40.0


def to_model_input(audio: np.ndarray, sr: int) -> np.ndarray:
    """A ``(n, channels)`` segment as a learned separator's input: stereo (mono is copied to
    both channels) at 44.1 kHz (resampled with soxr's high quality, as librosa does)."""
    from ..signal.audio import to_stereo  # light: librosa is imported only by its resample()

    audio = to_stereo(audio, "the segment")
    if sr != SAMPLE_RATE:
        import soxr

        audio = soxr.resample(audio, sr, SAMPLE_RATE, quality="HQ")
    return np.ascontiguousarray(audio, dtype=np.float32)


def fold_stems(
    separated: dict[str, np.ndarray], separator: str, into_other: tuple[str, ...]
) -> dict[str, np.ndarray]:
    """A model's stems as the workflow's four: the stems in ``into_other`` (a 5stems
    Spleeter's piano, a 6-source Demucs's guitar and piano) are added to ``other``."""
    missing = [s for s in STEMS if s not in separated]
    if missing:
        raise SeparationError(f"{separator} gave no {', '.join(missing)} stem")
    stems = {s: np.asarray(separated[s], dtype=np.float32) for s in STEMS}
    for name in separated:
        if name in STEMS:
            continue
        if name not in into_other:
            raise SeparationError(f"{separator} gave an unexpected stem {name!r}")
        stems["other"] = stems["other"] + np.asarray(separated[name], dtype=np.float32)
    return stems


def check_separation(
    stems: dict[str, np.ndarray],
    mixture: np.ndarray,
    target: np.ndarray,
    *,
    separator: str,
    tolerance_db: float | None,
    bound: str,
    cause: str,
) -> dict[str, float]:
    """Refuse stems that copy the mixture or do not sum back to ``target``; return the
    figures: the residual of the sum and each stem's level, in dB relative to the mixture.

    ``target`` is what the stems must sum to (the mixture, or the part of it the model
    covers), within ``tolerance_db`` (None: the residual is measured, not checked);
    ``bound`` says where that limit comes from in the message, ``cause`` what gives copies.
    A stem equal to the mixture (within :data:`COPY_DB`) is allowed alone (a song can be all
    drums), not for every stem.
    """
    mix = mixture.astype(np.float64)
    energy = max(float(np.sum(mix**2)), 1e-20)

    def db(x: np.ndarray) -> float:
        return float(10 * np.log10(max(float(np.sum(x**2)), 1e-20) / energy))

    for stem in STEMS:
        if stems[stem].shape != mixture.shape:
            raise SeparationError(
                f"{separator}'s {stem} stem has shape {stems[stem].shape}, "
                f"the segment {mixture.shape}"
            )
    copies = [s for s in STEMS if db(stems[s].astype(np.float64) - mix) < COPY_DB]
    if len(copies) == len(STEMS):
        raise SeparationError(
            f"every {separator} stem is a copy of the mixture: the model gave no separation "
            f"({cause})"
        )
    total = sum(stems[s].astype(np.float64) for s in STEMS)
    residual = db(total - target.astype(np.float64))
    if tolerance_db is not None and residual > tolerance_db:
        raise SeparationError(
            f"{separator}'s stems do not sum to the mixture: the residual is {residual:.1f} dB "
            f"relative to the mixture (at most {tolerance_db:.0f} dB {bound})"
        )
    return {"residual_db": residual, **{f"{s}_db": db(stems[s]) for s in STEMS}}


def add_block_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of a learned separator's block step besides its model's (the rule's
    shell command gives them)."""
    parser.add_argument(
        "--segments", nargs="+", required=True, help="the segment folders of the block's songs"
    )
    parser.add_argument("--model-folder", required=True, help="the folder holding the model")
    parser.add_argument("--stems", required=True, help="the block's folder of stems to write")
    parser.add_argument("--block", required=True, help="the block's name, for the log")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--gpu", type=int, default=1, help="0: run on CPU; 1: lease a GPU")
    parser.add_argument("--jobs-per-gpu", type=int, default=1, help="jobs sharing one GPU")
    parser.add_argument("--log", required=True)


def read_segment(path: str) -> tuple[np.ndarray, int, int]:
    """A song's segment as the model's input (:func:`to_model_input`), with the rate and
    channels it was stored at."""
    from ..io import read_audio

    segment, sr = read_audio(path)
    return to_model_input(segment, sr), sr, segment.shape[1]


def write_stems(folder: str, song: str, stems: dict[str, np.ndarray]) -> None:
    """Write a song's four stems into the block's folder, at the models' rate."""
    from ..io import write_audio
    from ..layout import stem_file

    for stem in STEMS:
        write_audio(stem_file(folder, song, stem), stems[stem], SAMPLE_RATE)


def log_song(
    log: logging.Logger,
    song: str,
    waveform: np.ndarray,
    sr: int,
    channels: int,
    seconds: float,
    levels: dict[str, float],
    covered: str = "",
) -> None:
    """One line per song: what was separated, how long it took, and how the stems add up
    (``covered`` says what part of the mixture they must sum to)."""
    log.info(
        "%s: %.2f s of audio (%d Hz, %d channel(s) -> 44.1 kHz stereo) separated in %.2f s; "
        "the stems' sum differs from the mixture%s by %.1f dB; stem levels %s",
        song,
        len(waveform) / SAMPLE_RATE,
        sr,
        channels,
        seconds,
        covered,
        levels["residual_db"],
        {s: round(levels[f"{s}_db"], 1) for s in STEMS},
    )


def log_timings(log: logging.Logger, timings: dict, songs: list[dict], start: float) -> None:
    """The job's one ``timings`` line: what it paid once (``timings``), every song's parts,
    and the script's time since ``start`` (a ``time.perf_counter()`` before its imports)."""
    script_s = time.perf_counter() - start
    log.info("timings %s", json.dumps({**timings, "songs": songs, "script_s": script_s}))


def separate_block(
    args: argparse.Namespace,
    log: logging.Logger,
    segments: dict[str, str],
    *,
    separator: str,
    separate,
    check,
    timings: dict,
    start: float,
    covered: str = "",
) -> None:
    """Separate every song of a block with a loaded model: each song's segment (``segments``:
    :func:`~sepconv.blocks.items_in` of ``--segments``) read as the model's input,
    ``separate(song, waveform)`` (the model's stems, folded into the four),
    ``check(stems, waveform)`` (the figures of :func:`check_separation`, or its error), the
    stems written into the block's folder (``--stems``) and one line logged; a song that fails
    is named and the others go on (:class:`~sepconv.blocks.Block`). Ends with the job's
    ``timings`` line: what it paid once and each song's parts."""
    from ..blocks import Block
    from ..layout import segment_file

    songs = []
    try:
        what = f"{separator} block {args.block}"
        with Block(args.stems, log, what=what, error=SeparationError) as block:
            for song, source in segments.items():
                path = segment_file(source, song)
                with block.item(song, source=path):
                    began = time.perf_counter()
                    waveform, sr, channels = read_segment(path)
                    read = time.perf_counter()
                    stems = separate(song, waveform)
                    done = time.perf_counter()
                    levels = check(stems, waveform)
                    write_stems(args.stems, song, stems)
                    written = time.perf_counter()
                    log_song(log, song, waveform, sr, channels, done - read, levels, covered)
                    songs.append(
                        {
                            "song": song,
                            "read_s": read - began,
                            "separate_s": done - read,
                            "write_s": written - done,
                            "song_s": written - began,
                        }
                    )
    finally:
        log_timings(log, timings, songs, start)
