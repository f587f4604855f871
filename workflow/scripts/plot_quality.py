"""Each separator's separation quality beside its classification gain over the baseline."""

import pandas as pd

from sepconv.evaluation import plots
from sepconv.names import SELECTIONS
from sepconv.steps import run_step


def main(snakemake, log):
    quality = pd.read_csv(snakemake.input.quality, sep="\t")
    significance = pd.read_csv(snakemake.input.significance, sep="\t")
    selection = next(iter(SELECTIONS))  # the paper's rule
    figure = plots.quality_and_gain(
        quality,
        significance,
        snakemake.params.baseline,
        selection,
        "f1_macro",
        f"Separation quality and classification gain (macro F1, selection: {selection})",
    )
    plots.save(
        figure, snakemake.output.png, snakemake.output.pdf, int(snakemake.params.figures["dpi"])
    )
    log.info("separation quality figure written")


run_step(snakemake, main)
