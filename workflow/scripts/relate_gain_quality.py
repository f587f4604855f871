"""Classification gain against separation quality: every separator's quality (median SI-SDR
improvement, interval over songs) beside each stems model's paired gain over the baseline
(corrected interval), a monotone fit through them and the quality at which the gain becomes
detectable with the configured power (``sepconv.evaluation.gain``)."""

import pandas as pd

from sepconv.evaluation import plots
from sepconv.evaluation.gain import relate
from sepconv.io import write_table
from sepconv.names import SELECTIONS
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
    selection = next(iter(SELECTIONS))  # the paper's rule
    chosen = (points["selection"] == selection) & (points["metric"] == "f1_macro")
    picked = (thresholds["selection"] == selection) & (thresholds["metric"] == "f1_macro")
    songs = int(points.loc[chosen, "songs"].fillna(0).max()) if chosen.any() else 0
    trials = int(points.loc[chosen, "trials"].fillna(0).max()) if chosen.any() else 0
    figure = plots.gain_against_quality(
        points[chosen],
        thresholds[picked],
        f"Macro F1 gain over {baseline} against separation quality (selection: {selection})",
        f"{songs} songs with reference stems, {trials} splits; quality: median over songs and "
        f"stems, {level:.0%} bootstrap interval over songs; gain: paired mean difference, "
        f"{level:.0%} interval of the corrected resampled t-test; fit: isotonic, weighted by "
        f"the inverse variances; threshold: where the fit reaches the difference detectable "
        f"with {power:.0%} power",
        level=level,
        power=power,
    )
    plots.save(
        figure, snakemake.output.png, snakemake.output.pdf, int(snakemake.params.figures["dpi"])
    )


run_step(snakemake, main)
