"""The figures: metric distributions (the paper's Figure 1), paired differences, confusion."""

import pandas as pd

from sepconv.errors import InputError
from sepconv.evaluation import confusion, plots
from sepconv.names import FIGURES
from sepconv.steps import run_step


def main(snakemake, log):
    metrics = pd.read_csv(snakemake.input.metrics, sep="\t")
    significance = pd.read_csv(snakemake.input.significance, sep="\t")
    genres = pd.read_csv(snakemake.input.genres, sep="\t")
    matrices = confusion.load(snakemake.input.confusion)
    baseline = snakemake.params.baseline
    dpi = int(snakemake.params.figures["dpi"])
    selection = snakemake.wildcards.selection
    if selection not in set(metrics["selection"]):
        raise InputError(f"{snakemake.input.metrics} has no rows of selection {selection}")
    for name in FIGURES:  # the rule declares these outputs
        figure = plots.figure(name, metrics, significance, matrices, genres, baseline, selection)
        plots.save(figure, snakemake.output[f"{name}_png"], snakemake.output[f"{name}_pdf"], dpi)
        log.info("%s (%s) written", name, selection)


run_step(snakemake, main)
