"""One seeded train/test split of the songs, shared by every model and separator, with a
validation part of the training songs where config `validation` asks for one."""

from sepconv.corpus.labels import read_labels
from sepconv.learning.splits import save_split, split_songs
from sepconv.steps import run_step


def main(snakemake, log):
    seed = int(snakemake.wildcards.seed)
    table = read_labels(snakemake.input.songs)
    validation = float(getattr(snakemake.params, "validation", 0.0))
    split = split_songs(table, seed, float(snakemake.params.test_size), validation)
    counts = split.groupby(["genre", "subset"]).size().unstack(fill_value=0)
    log.info("seed %d: %s", seed, counts.to_dict(orient="index"))
    save_split(snakemake.output.tsv, split)


run_step(snakemake, main)
