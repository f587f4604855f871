"""The song table that the splits and the tensors read: song, genre and artist of each song
that has its segments; and the songs left out (dataset.bad_files: skip), with their reasons."""

import pandas as pd

from sepconv.blocks import items_in, listed_folder
from sepconv.corpus.labels import LABEL_COLUMNS, read_excluded, write_excluded, write_labels
from sepconv.errors import InputError
from sepconv.steps import run_step


def main(snakemake, log):
    table = pd.DataFrame(snakemake.params.songs, columns=LABEL_COLUMNS)
    # the songs each block's segment job cut, from the listings (the folders may be gone)
    cut = items_in([listed_folder(listing) for listing in snakemake.input.segments], check=False)
    excluded = pd.concat(
        [pd.DataFrame(snakemake.params.excluded)]
        + [read_excluded(path) for path in snakemake.input.excluded],
        ignore_index=True,
    )
    if len(excluded):
        genre_of = dict(zip(table["song"], table["genre"], strict=True))
        excluded["genre"] = [
            genre or genre_of.get(song, "")
            for song, genre in zip(excluded["song"], excluded["genre"], strict=True)
        ]
        for row in excluded.itertuples():
            log.warning("%s left out (%s): %s", row.song, row.found, row.reason)
    uncut = sorted(set(table["song"]) - set(cut) - set(excluded.get("song", [])))
    if uncut:
        raise InputError(
            f"{len(uncut)} song(s) have no segments and were not left out: "
            f"{', '.join(uncut[:5])}; delete results/segments to cut every block again"
        )
    table = table[table["song"].isin(cut)]  # a genre left too small: the splits say so
    log.info("%d songs: %s", len(table), table["genre"].value_counts().sort_index().to_dict())
    log.info("%d song(s) left out", len(excluded))
    write_labels(snakemake.output.tsv, table)
    write_excluded(snakemake.output.excluded, excluded)


run_step(snakemake, main)
