"""Cut a song's segments, each the length that gives exactly n_frames mel frames; stored back
to back in one file (one segment: the paper's protocol)."""

import numpy as np

from sepconv.io import write_audio
from sepconv.signal.audio import load_song, resample, to_stereo
from sepconv.signal.segments import (
    check_not_silent,
    choose_starts,
    cut_segment,
    save_record,
    segment_record,
)
from sepconv.steps import run_step


def main(snakemake, log):
    path = str(snakemake.input.audio)
    seg = snakemake.params.segment
    sr = seg["sample_rate"]
    per_song = int(seg.get("per_song", 1))
    n = int(snakemake.params.n_samples)  # the length that gives the configured mel frames
    audio, sr_in = load_song(path)
    log.info(
        "read %s: %d samples, %d channel(s), %d Hz (%.2f s)",
        path,
        audio.shape[0],
        audio.shape[1],
        sr_in,
        audio.shape[0] / sr_in,
    )
    audio = resample(to_stereo(audio, path), sr_in, sr)
    starts, rule = choose_starts(
        audio, sr, n, snakemake.params.start, per_song, seg.get("search_step")
    )
    segments, levels = [], []
    for number, start in enumerate(starts, start=1):
        # `pad` reaches only songs that may be shorter than their segment (see the rule)
        segment = cut_segment(audio, start, n, path=path, sr=sr, pad=seg.get("pad", False))
        where = path if per_song == 1 else f"{path} (segment {number} of {per_song})"
        levels.append(check_not_silent(segment, where))
        segments.append(segment)
        log.info(
            "segment %d: start %.3f s (%s), %d samples at %d Hz (%.3f s), %.1f dBFS RMS",
            number,
            start / sr,
            rule,
            n,
            sr,
            n / sr,
            levels[-1],
        )
    write_audio(snakemake.output.segment, np.concatenate(segments), sr)
    save_record(
        snakemake.output.info,
        segment_record(snakemake.wildcards.song, path, sr_in, starts, rule, sr, n, levels),
    )


run_step(snakemake, main)
