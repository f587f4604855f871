"""The training curves: every model's loss and macro F1 by epoch on the training, validation
and test songs, mean and interval over the seeds, each selection rule's epoch marked."""

import pandas as pd

from sepconv.evaluation import plots
from sepconv.steps import run_step


def main(snakemake, log):
    history = pd.read_csv(snakemake.input.history, sep="\t")
    metrics = pd.read_csv(snakemake.input.metrics, sep="\t")
    trials = metrics["seed"].nunique()
    level = 1 - snakemake.params.statistics["alpha"]
    subsets = ", ".join(history["subset"].unique())
    figure = plots.training_curves(
        history,
        metrics,
        f"Loss and macro F1 by epoch ({subsets}): mean and {level:.0%} interval over "
        f"{trials} trials; vertical lines: each selection rule's median epoch",
        level=level,
    )
    plots.save(
        figure, snakemake.output.png, snakemake.output.pdf, int(snakemake.params.figures["dpi"])
    )
    log.info(
        "%d runs' epochs drawn (%s)",
        history.groupby(["separator", "model", "seed"]).ngroups,
        subsets,
    )


run_step(snakemake, main)
