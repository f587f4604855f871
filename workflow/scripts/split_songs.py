"""One seeded train/test split of the songs, shared by every model and separator."""

import pandas as pd

from sepconv.io import write_text
from sepconv.splits import SplitError, split_songs
from sepconv.steps import StepError, run_step


def main(snakemake, log):
    seed = int(snakemake.wildcards.seed)
    table = pd.DataFrame(
        {
            "song": snakemake.params.songs,
            "genre": snakemake.params.genres,
            "artist": snakemake.params.artists,
        }
    )
    try:
        split = split_songs(table, seed, float(snakemake.params.test_size))
    except SplitError as err:
        raise StepError(str(err)) from None
    counts = split.groupby(["genre", "subset"]).size().unstack(fill_value=0)
    log.info("seed %d: %s", seed, counts.to_dict(orient="index"))
    write_text(snakemake.output.tsv, split.to_csv(sep="\t", index=False))


run_step(snakemake, main)
