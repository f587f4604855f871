"""The song table that the splits and the tensors read: song, genre and artist of each song."""

import pandas as pd

from sepconv.corpus.songs import LABEL_COLUMNS, write_labels
from sepconv.steps import run_step


def main(snakemake, log):
    table = pd.DataFrame(snakemake.params.songs, columns=LABEL_COLUMNS)
    log.info("%d songs: %s", len(table), table["genre"].value_counts().sort_index().to_dict())
    write_labels(snakemake.output.tsv, table)


run_step(snakemake, main)
