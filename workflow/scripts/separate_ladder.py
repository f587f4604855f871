"""The ladder's separation of a block of songs at one rung (``ladder-S``): the reference
stems' ideal ratio mask on the mixture's STFT, blended toward the uniform mask with strength
S (``sepconv.separators.ladder``); each segment on its own, a song's stems stored back to
back like its segments."""

from sepconv import layout
from sepconv.blocks import Block, items_in
from sepconv.errors import SeparationError
from sepconv.io import read_audio, write_audio
from sepconv.names import STEMS
from sepconv.separators.check import check_stems
from sepconv.separators.ladder import LadderParams, separate_segments, strength
from sepconv.steps import run_step


def main(snakemake, log):
    separator = snakemake.wildcards.separator
    rung = strength(separator)
    params = LadderParams.from_config(snakemake.params.ladder)
    log.info("%s: strength %g, %s", separator, rung, params)
    n_samples = int(snakemake.params.n_samples)
    segments = items_in(snakemake.input.segments)
    references = items_in(snakemake.input.references)
    folder = snakemake.output.folder
    what = f"{separator} block {snakemake.wildcards.block}"
    with Block(folder, log, what=what, error=SeparationError) as block:
        for song, source in segments.items():
            path = layout.segment_file(source, song)
            with block.item(song, source=path):
                segment, sr = read_audio(path)
                reference = {
                    stem: read_audio(layout.stem_file(references[song], song, stem))[0]
                    for stem in STEMS
                }
                stems = separate_segments(segment, reference, n_samples, rung, params, path)
                deviation = check_stems(stems, segment, tolerance=1e-4)
                log.info("%s: stems sum to the segment within %.2g", song, deviation)
                for stem in STEMS:
                    write_audio(layout.stem_file(folder, song, stem), stems[stem], sr)


run_step(snakemake, main)
