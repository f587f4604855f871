"""Every model against the baseline, paired by seed: corrected t, Wilcoxon, Welch, Holm."""

import pandas as pd

from sepconv.evaluation.stats import significance
from sepconv.io import write_text
from sepconv.steps import run_step


def main(snakemake, log):
    metrics = pd.read_csv(snakemake.input.metrics, sep="\t")
    baseline = snakemake.params.baseline
    table = significance(metrics, baseline)
    write_text(snakemake.output.tsv, table.to_csv(sep="\t", index=False, float_format="%.6g"))
    for _, row in table.iterrows():
        log.info(
            "%s %s: %s (%s) - %s = %+.3f [%+.3f, %+.3f], p corrected %.3g (Holm %.3g)",
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
        )


run_step(snakemake, main)
