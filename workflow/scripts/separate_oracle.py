"""Oracle separation: the reference stems, cut at each segment's start."""

import numpy as np

from sepconv.io import read_audio, write_audio
from sepconv.names import STEMS
from sepconv.separators.oracle import reference_stems
from sepconv.signal.segments import load_record, split_segments
from sepconv.steps import run_step


def main(snakemake, log):
    info = load_record(snakemake.input.info)
    segment, sr = read_audio(snakemake.input.segment)
    starts = info["start_samples"]
    parts = []
    for start, piece in zip(
        starts, split_segments(segment, info["n_samples"], snakemake.input.segment), strict=True
    ):
        stems, deviation = reference_stems(
            list(snakemake.input.stems), piece, sr, start, snakemake.wildcards.song
        )
        log.info("stems cut at %.3f s; they sum to the segment within %.2g", start / sr, deviation)
        parts.append(stems)
    for stem, path in zip(STEMS, snakemake.output.stems, strict=True):
        write_audio(path, np.concatenate([part[stem] for part in parts]), sr)


run_step(snakemake, main)
