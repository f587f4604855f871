"""HPSS separation (librosa DSP) of a block of songs into bass, drums, other and vocals: each
segment on its own, a song's stems stored back to back like its segments."""

from sepconv import layout
from sepconv.blocks import Block, items_in
from sepconv.errors import SeparationError
from sepconv.io import read_audio, write_audio
from sepconv.names import STEMS
from sepconv.separators.check import check_stems, energy_shares
from sepconv.separators.hpss import HpssParams, separate_segments
from sepconv.steps import run_step


def main(snakemake, log):
    params = HpssParams.from_config(snakemake.params.hpss)
    log.info("%s", params)
    n_samples = int(snakemake.params.n_samples)
    folder = snakemake.output.folder
    what = f"hpss block {snakemake.wildcards.block}"
    with Block(folder, log, what=what, error=SeparationError) as block:
        for song, segments in items_in(snakemake.input.segments).items():
            path = layout.segment_file(segments, song)
            with block.item(song, source=path):
                segment, sr = read_audio(path)
                stems = separate_segments(segment, sr, n_samples, params, path)
                deviation = check_stems(stems, segment, tolerance=1e-4)
                shares = energy_shares(stems, segment)
                log.info(
                    "%s: energy shares %s; stems sum to the segment within %.2g",
                    song,
                    {s: round(v, 3) for s, v in shares.items()},
                    deviation,
                )
                for stem in STEMS:
                    write_audio(layout.stem_file(folder, song, stem), stems[stem], sr)


run_step(snakemake, main)
