"""Gather every training run into the metrics table, the per-genre F1 table and the mean
confusion matrices."""

from sepconv.evaluation import confusion
from sepconv.evaluation.stats import genre_table, metrics_table
from sepconv.io import write_text
from sepconv.learning import runs
from sepconv.steps import run_step


def main(snakemake, log):
    records = [runs.load(path) for path in snakemake.input.runs]
    metrics = metrics_table(records)
    log.info(
        "%d runs, %d rows: %s",
        len(records),
        len(metrics),
        metrics.groupby(["selection", "separator", "model"]).size().to_dict(),
    )
    write_text(snakemake.output.tsv, metrics.to_csv(sep="\t", index=False, float_format="%.6g"))
    genres = genre_table(records)
    write_text(snakemake.output.genres, genres.to_csv(sep="\t", index=False, float_format="%.6g"))
    confusion.save(snakemake.output.confusion, confusion.mean_confusion(records))


run_step(snakemake, main)
