"""Gather every training run into the metrics table and the mean confusion matrices."""

from sepconv.io import write_json, write_text
from sepconv.stats import read_runs
from sepconv.steps import run_step


def main(snakemake, log):
    metrics, confusion = read_runs(snakemake.input.runs)
    log.info(
        "%d runs, %d rows: %s",
        len(snakemake.input.runs),
        len(metrics),
        metrics.groupby(["selection", "separator", "model"]).size().to_dict(),
    )
    write_text(snakemake.output.tsv, metrics.to_csv(sep="\t", index=False, float_format="%.6g"))
    write_json(
        snakemake.output.confusion,
        [
            {
                "selection": selection,
                "separator": separator,
                "model": model,
                "genres": entry["genres"],
                "matrix": entry["matrix"].round(6).tolist(),
            }
            for (selection, separator, model), entry in confusion.items()
        ],
    )


run_step(snakemake, main)
