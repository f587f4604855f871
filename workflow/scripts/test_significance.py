"""Every model against the baseline, paired by seed: corrected t, Wilcoxon, Welch, Holm, the
Bayesian correlated t-test and the detectable difference; and the per-genre F1 differences."""

import pandas as pd

from sepconv.evaluation.stats import genre_differences, significance
from sepconv.io import write_table
from sepconv.steps import run_step


def main(snakemake, log):
    metrics = pd.read_csv(snakemake.input.metrics, sep="\t")
    baseline = snakemake.params.baseline
    settings = dict(snakemake.params.statistics)
    table = significance(metrics, baseline, settings)
    write_table(snakemake.output.tsv, table)
    for _, row in table.iterrows():
        log.info(
            "%s %s: %s (%s) - %s = %+.3f [%+.3f, %+.3f], p corrected %.3g (Holm %.3g); "
            "P(worse, equivalent within %g, better) = %.2f, %.2f, %.2f; detectable %.3f",
            row["selection"],
            row["metric"],
            row["model"],
            row["separator"],
            baseline,
            row["mean_diff"],
            row["diff_ci_low"],
            row["diff_ci_high"],
            row["p_corrected"],
            row["p_corrected_holm"],
            settings["rope"],
            row["p_worse"],
            row["p_equivalent"],
            row["p_better"],
            row["detectable_diff"],
        )
    genres = pd.read_csv(snakemake.input.genres, sep="\t")
    differences = genre_differences(genres, baseline, settings["alpha"])
    write_table(snakemake.output.genres, differences)
    log.info("per-genre F1 differences: %d rows", len(differences))


run_step(snakemake, main)
