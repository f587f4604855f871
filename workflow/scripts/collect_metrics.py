"""Gather every training run into the metrics table, the per-genre F1 table, the mean
confusion matrices and the history of every run's epochs."""

from sepconv.evaluation import confusion
from sepconv.evaluation.stats import genre_table, history_table, metrics_table
from sepconv.io import write_table
from sepconv.learning import runs
from sepconv.steps import run_step


def main(snakemake, log):
    records = [record for folder in snakemake.input.runs for record in runs.load_folder(folder)]
    metrics = metrics_table(records)
    log.info(
        "%d runs, %d rows: %s",
        len(records),
        len(metrics),
        metrics.groupby(["selection", "separator", "model"]).size().to_dict(),
    )
    write_table(snakemake.output.tsv, metrics)
    genres = genre_table(records)
    write_table(snakemake.output.genres, genres)
    confusion.save(snakemake.output.confusion, confusion.mean_confusion(records))
    write_table(snakemake.output.history, history_table(records))


run_step(snakemake, main)
