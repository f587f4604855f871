"""Cut a song's segments, each the length that gives exactly n_frames mel frames; stored back
to back in one file (one segment: the paper's protocol)."""

import numpy as np

from sepconv.io import write_audio, write_json
from sepconv.signal.audio import load_song, resample, to_stereo
from sepconv.signal.segments import auto_start, check_not_silent, cut_segment, segment_starts
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
    start_s = snakemake.params.start
    if start_s == "auto":
        first = 0 if per_song > 1 else auto_start(audio, sr, n, seg["search_step"])
        rule = "evenly spread" if per_song > 1 else "loudest window"
    else:
        first = int(round(float(start_s) * sr))
        rule = "evenly spread from the sample sheet's start" if per_song > 1 else "sample sheet"
    starts = segment_starts(first, len(audio), n, per_song)
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
    write_json(
        snakemake.output.info,
        {
            "song": snakemake.wildcards.song,
            "source": path,
            "source_rate": sr_in,
            "start_s": starts[0] / sr,
            "start_sample": starts[0],
            "start_rule": rule,
            "segments": len(starts),
            "start_samples": starts,
            "starts_s": [start / sr for start in starts],
            "sample_rate": sr,
            "n_samples": n,
            "rms_dbfs": round(levels[0], 3),
            "rms_dbfs_each": [round(level, 3) for level in levels],
        },
    )


run_step(snakemake, main)
