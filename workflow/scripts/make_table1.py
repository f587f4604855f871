"""Table 1: mean, sd and 95% interval of accuracy and macro F1 per model and selection rule."""

import pandas as pd

from sepconv.evaluation.stats import summarise, table1_markdown
from sepconv.io import write_table, write_text
from sepconv.steps import run_step


def main(snakemake, log):
    metrics = pd.read_csv(snakemake.input.metrics, sep="\t")
    baseline = snakemake.params.baseline
    table = summarise(metrics, baseline)
    write_table(snakemake.output.tsv, table)
    markdown = table1_markdown(table, baseline)
    write_text(snakemake.output.md, markdown)
    log.info("\n%s", markdown)


run_step(snakemake, main)
