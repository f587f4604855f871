"""Classification gain against separation quality: every separator's quality (median SI-SDR
improvement, interval over songs) beside each stems model's paired gain over the baseline
(corrected interval), a monotone fit through them and the quality at which the gain becomes
detectable with the configured power (``sepconv.evaluation.gain``)."""

import pandas as pd

from sepconv.evaluation import plots
from sepconv.evaluation.gain import figure_caption, figure_selections, relate
from sepconv.io import write_table
from sepconv.separators.quality import load_quality
from sepconv.steps import run_step


def main(snakemake, log):
    quality = load_quality(snakemake.input.quality)
    significance = pd.read_csv(snakemake.input.significance, sep="\t")
    baseline = snakemake.params.baseline
    statistics = snakemake.params.statistics
    level, power = 1 - statistics["alpha"], statistics["power"]
    points, thresholds = relate(
        quality, significance, baseline, list(snakemake.params.models), alpha=statistics["alpha"]
    )
    write_table(snakemake.output.points, points)
    write_table(snakemake.output.thresholds, thresholds)
    for row in thresholds.itertuples(index=False):
        log.info("%s, %s, %s: %s", row.selection, row.metric, row.model, row.reading)
    selections = figure_selections(points)  # the paper's, and the validation's if any
    shown = points["selection"].isin(selections) & (points["metric"] == "f1_macro")
    read = thresholds["selection"].isin(selections) & (thresholds["metric"] == "f1_macro")
    figure = plots.gain_against_quality(
        points[shown],
        thresholds[read],
        f"Macro F1 gain over {baseline} against separation quality "
        f"(selection: {', '.join(selections)})",
        figure_caption(points, level, power),
        level=level,
        power=power,
    )
    plots.save(
        figure, snakemake.output.png, snakemake.output.pdf, int(snakemake.params.figures["dpi"])
    )


run_step(snakemake, main)
