"""The genre-pair experiment's tables and figures: mean accuracy per pair, and each model's
gain over the baseline per pair with its correlation to the baseline's confusion."""

import pandas as pd

from sepconv.evaluation import plots
from sepconv.evaluation.pairs import gains, summarise
from sepconv.io import write_table
from sepconv.steps import run_step


def main(snakemake, log):
    runs = pd.concat([pd.read_csv(path, sep="\t") for path in snakemake.input.runs])
    baseline = snakemake.params.baseline
    summary = summarise(runs)
    gain = gains(runs, baseline)
    for path, table in (
        (snakemake.output.runs, runs),
        (snakemake.output.matrix, summary),
        (snakemake.output.gains, gain),
    ):
        write_table(path, table)
    dpi = int(snakemake.params.figures["dpi"])
    for selection, png, pdf in zip(
        snakemake.params.selections, snakemake.output.png, snakemake.output.pdf, strict=True
    ):
        figure = plots.pair_matrices(
            summary,
            gain,
            baseline,
            selection,
            f"Genre pairs as binary tasks, selection: {selection}",
        )
        plots.save(figure, png, pdf, dpi)
    if not gain.empty:
        for (selection, separator, model), group in gain.groupby(
            ["selection", "separator", "model"], sort=False
        ):
            log.info(
                "%s, %s on %s: mean accuracy gain over %s %+.3f over %d pairs; Spearman rho "
                "(baseline accuracy, gain) %.2f (p %.3g)",
                selection,
                model,
                separator,
                baseline,
                group["gain"].mean(),
                len(group),
                group["rho_confusion_gain"].iloc[0],
                group["p_rho"].iloc[0],
            )


run_step(snakemake, main)
