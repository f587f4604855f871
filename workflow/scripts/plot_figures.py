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
    trials = metrics["seed"].nunique()
    selection = snakemake.wildcards.selection
    if selection not in set(metrics["selection"]):
        raise InputError(f"{snakemake.input.metrics} has no rows of selection {selection}")
    note = f"{trials} trials, selection: {selection}"
    draw = {
        "f1": lambda: plots.distributions(
            metrics, "f1_macro", baseline, selection, f"Macro F1 over {note}"
        ),
        "accuracy": lambda: plots.distributions(
            metrics, "accuracy", baseline, selection, f"Accuracy over {note}"
        ),
        "paired_differences": lambda: plots.paired_differences(
            significance, metrics, baseline, selection, f"Paired differences, {note}"
        ),
        "confusion": lambda: plots.confusion_matrices(
            matrices, selection, f"Mean row-normalised confusion, {note}"
        ),
        "genres": lambda: plots.genre_differences(
            genres, selection, f"Per-genre F1: model − {baseline}, mean over {note}"
        ),
    }
    for name in FIGURES:  # the rule declares these outputs
        figure = draw[name]()
        plots.save(figure, snakemake.output[f"{name}_png"], snakemake.output[f"{name}_pdf"], dpi)
        log.info("%s (%s) written", name, selection)


run_step(snakemake, main)
