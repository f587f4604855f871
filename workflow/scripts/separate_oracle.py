"""Oracle separation of a block of songs: each song's reference stems, cut at each of its
segments' starts."""

import numpy as np

from sepconv import layout
from sepconv.blocks import Block, items_in
from sepconv.errors import SeparationError
from sepconv.io import read_audio, write_audio
from sepconv.names import STEMS
from sepconv.separators.oracle import reference_stems
from sepconv.signal.segments import load_record, split_segments
from sepconv.steps import run_step


def main(snakemake, log):
    segments = items_in(snakemake.input.segments)
    folder = snakemake.output.folder
    what = f"oracle block {snakemake.wildcards.block}"
    with Block(folder, log, what=what, error=SeparationError) as block:
        for song, folder_in in segments.items():  # the songs the segment job cut
            references = snakemake.params.references[song]
            with block.item(song, source=", ".join(references)):
                info = load_record(layout.segment_info(folder_in, song))
                path = layout.segment_file(folder_in, song)
                segment, sr = read_audio(path)
                starts = info["start_samples"]
                pieces = split_segments(segment, info["n_samples"], path)
                parts = reference_stems(list(references), pieces, sr, starts, song)
                for start, (_, deviation) in zip(starts, parts, strict=True):
                    log.info(
                        "%s: stems cut at %.3f s; they sum to the segment within %.2g",
                        song,
                        start / sr,
                        deviation,
                    )
                for stem in STEMS:
                    audio = np.concatenate([stems[stem] for stems, _ in parts])
                    write_audio(layout.stem_file(folder, song, stem), audio, sr)


run_step(snakemake, main)
