"""The figures: metric distributions (the paper's Figure 1), paired differences, confusion."""

import pandas as pd

from sepconv.errors import InputError
from sepconv.evaluation import confusion, plots
from sepconv.steps import run_step


def main(snakemake, log):
    metrics = pd.read_csv(snakemake.input.metrics, sep="\t")
    significance = pd.read_csv(snakemake.input.significance, sep="\t")
    genres = pd.read_csv(snakemake.input.genres, sep="\t")
    matrices = confusion.load(snakemake.input.confusion)
    baseline = snakemake.params.baseline
    dpi = int(snakemake.params.figures["dpi"])
    trials = metrics["seed"].nunique()
    selection = snakemake.wildcards.selection
    if selection not in set(metrics["selection"]):
        raise InputError(f"{snakemake.input.metrics} has no rows of selection {selection}")
    note = f"{trials} trials, selection: {selection}"
    figures = {
        "f1": plots.distributions(
            metrics, "f1_macro", baseline, selection, f"Macro F1 over {note}"
        ),
        "accuracy": plots.distributions(
            metrics, "accuracy", baseline, selection, f"Accuracy over {note}"
        ),
        "paired_differences": plots.paired_differences(
            significance, metrics, baseline, selection, f"Paired differences, {note}"
        ),
        "confusion": plots.confusion_matrices(
            matrices, selection, f"Mean row-normalised confusion, {note}"
        ),
        "genres": plots.genre_differences(
            genres, selection, f"Per-genre F1: model − {baseline}, mean over {note}"
        ),
    }
    for name, figure in figures.items():
        plots.save(figure, snakemake.output[f"{name}_png"], snakemake.output[f"{name}_pdf"], dpi)
        log.info("%s (%s) written", name, selection)


run_step(snakemake, main)
