"""Oracle separation: the ground-truth stems, cut at the segment's start."""

import json

from sepconv import STEMS
from sepconv.audio import cut_segment, load_song, resample, to_stereo
from sepconv.io import read_audio, write_audio
from sepconv.separation import check_stems
from sepconv.steps import StepError, run_step


def main(snakemake, log):
    info = json.loads(open(snakemake.input.info).read())
    segment, sr = read_audio(snakemake.input.segment)
    stems = {}
    for stem, path in zip(STEMS, snakemake.input.stems, strict=True):
        audio, sr_in = load_song(path)
        audio = resample(to_stereo(audio, path), sr_in, sr)
        stems[stem] = cut_segment(
            audio, info["start_sample"], info["n_samples"], path=path, sr=sr, pad=True
        )
    try:
        deviation = check_stems(stems, segment, tolerance=1e-4)
    except ValueError as err:
        raise StepError(f"ground-truth stems of {snakemake.wildcards.song}: {err}") from None
    log.info("stems cut at %.3f s; they sum to the segment within %.2g", info["start_s"], deviation)
    for stem, path in zip(STEMS, snakemake.output.stems, strict=True):
        write_audio(path, stems[stem], sr)


run_step(snakemake, main)
