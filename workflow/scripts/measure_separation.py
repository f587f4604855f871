"""Separation quality of one block of a separator's songs: its stems against the reference
stems of each song that has them (SI-SDR, and its improvement over the mixture as the
estimate)."""

import pandas as pd

from sepconv import layout
from sepconv.blocks import items_in
from sepconv.io import read_audio
from sepconv.names import STEMS
from sepconv.separators.quality import QUALITY_COLUMNS, save_quality, song_quality
from sepconv.steps import run_step


def main(snakemake, log):
    separator = snakemake.wildcards.separator
    estimates = items_in(snakemake.input.estimates)
    segments = items_in(snakemake.input.segments)
    references = items_in(snakemake.input.references)
    rows = []
    # the songs with reference stems that the segment jobs cut (all of them, unless
    # dataset.bad_files: skip left some out)
    songs = {song: genre for song, genre in snakemake.params.songs.items() if song in segments}
    for song, genre in songs.items():
        mixture, _ = read_audio(layout.segment_file(segments[song], song))
        reference = {
            stem: read_audio(layout.stem_file(references[song], song, stem))[0] for stem in STEMS
        }
        estimate = {
            stem: read_audio(layout.stem_file(estimates[song], song, stem))[0] for stem in STEMS
        }
        for row in song_quality(estimate, reference, mixture):
            rows.append({"separator": separator, "song": song, "genre": genre, **row})
        log.info(
            "%s: SI-SDR improvement %s dB",
            song,
            {row["stem"]: round(row["si_sdr_improvement"], 2) for row in rows[-len(STEMS) :]},
        )
    save_quality(snakemake.output.tsv, pd.DataFrame(rows, columns=QUALITY_COLUMNS), exact=True)


run_step(snakemake, main)
