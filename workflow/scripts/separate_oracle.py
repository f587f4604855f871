"""Oracle separation: the ground-truth stems, cut at the segment's start."""

import json

from sepconv.io import read_audio, write_audio
from sepconv.names import STEMS
from sepconv.separators.oracle import reference_stems
from sepconv.steps import run_step


def main(snakemake, log):
    info = json.loads(open(snakemake.input.info).read())
    segment, sr = read_audio(snakemake.input.segment)
    stems, deviation = reference_stems(
        list(snakemake.input.stems), segment, sr, info["start_sample"], snakemake.wildcards.song
    )
    log.info("stems cut at %.3f s; they sum to the segment within %.2g", info["start_s"], deviation)
    for stem, path in zip(STEMS, snakemake.output.stems, strict=True):
        write_audio(path, stems[stem], sr)


run_step(snakemake, main)
