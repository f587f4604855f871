"""Every block's separation quality in one table, and its summary per separator and stem."""

from sepconv.io import write_table
from sepconv.separators.quality import (
    QUALITY_FLOAT_FORMAT,
    combine_quality,
    load_quality,
    save_quality,
    summarise_quality,
)
from sepconv.steps import run_step


def main(snakemake, log):
    tables = [load_quality(path) for path in snakemake.input.tables]
    separators = list(dict.fromkeys(table["separator"].iloc[0] for table in tables if len(table)))
    quality = combine_quality(tables, separators)
    save_quality(snakemake.output.tsv, quality)
    summary = summarise_quality(quality)
    write_table(snakemake.output.summary, summary, float_format=QUALITY_FLOAT_FORMAT)
    for _, row in summary.iterrows():
        log.info(
            "%s %s: median SI-SDR %.2f dB (mixture %.2f dB, improvement %+.2f dB), %d songs",
            row["separator"],
            row["stem"],
            row["si_sdr_median"],
            row["si_sdr_mixture_median"],
            row["si_sdr_improvement_median"],
            row["songs"],
        )


run_step(snakemake, main)
