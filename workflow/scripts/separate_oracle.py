"""Oracle separation of a block of songs: each song's reference stems, cut at each of its
segments' starts."""

import numpy as np

from sepconv import blocks
from sepconv.errors import SeparationError
from sepconv.io import read_audio, write_audio
from sepconv.names import STEMS
from sepconv.separators.oracle import reference_stems
from sepconv.signal.segments import load_record, split_segments
from sepconv.steps import run_step


def separate(song, references, segment_path, info_path, stems_pattern, log):
    """Cut one song's reference stems like its segments and write them; return the files."""
    info = load_record(info_path)
    segment, sr = read_audio(segment_path)
    starts = info["start_samples"]
    pieces = split_segments(segment, info["n_samples"], segment_path)
    parts = reference_stems(list(references), pieces, sr, starts, song)
    for start, (_, deviation) in zip(starts, parts, strict=True):
        log.info(
            "%s: stems cut at %.3f s; they sum to the segment within %.2g",
            song,
            start / sr,
            deviation,
        )
    files = [stems_pattern.format(song=song, stem=stem) for stem in STEMS]
    for stem, path in zip(STEMS, files, strict=True):
        write_audio(path, np.concatenate([stems[stem] for stems, _ in parts]), sr)
    return files


def main(snakemake, log):
    references = snakemake.params.references
    segments = blocks.ItemFiles(snakemake.input.segments)
    rows = blocks.run_songs(
        list(references),
        lambda song: separate(
            song,
            references[song],
            *segments.of(song),
            snakemake.params.stems,
            log,
        ),
        log,
        what="oracle block",
        block=snakemake.wildcards.block,
        source=lambda song: ", ".join(references[song]),
        error=SeparationError,
    )
    blocks.save_record(snakemake.output.tsv, rows)


run_step(snakemake, main)
