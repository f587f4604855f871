"""Separation quality: every separator's stems against the reference stems of each song that
has them (SI-SDR, and its improvement over the mixture as the estimate)."""

import pandas as pd

from sepconv.io import read_audio, write_table
from sepconv.names import STEMS
from sepconv.separators.quality import (
    QUALITY_COLUMNS,
    QUALITY_FLOAT_FORMAT,
    song_quality,
    summarise_quality,
)
from sepconv.steps import run_step


def main(snakemake, log):
    rows = []
    for entry in snakemake.params.files:
        mixture, _ = read_audio(entry["mixture"])
        references = {s: read_audio(p)[0] for s, p in zip(STEMS, entry["references"], strict=True)}
        estimates = {s: read_audio(p)[0] for s, p in zip(STEMS, entry["estimates"], strict=True)}
        for row in song_quality(estimates, references, mixture):
            rows.append(
                {
                    "separator": entry["separator"],
                    "song": entry["song"],
                    "genre": entry["genre"],
                    **row,
                }
            )
    quality = pd.DataFrame(rows, columns=QUALITY_COLUMNS)
    write_table(snakemake.output.tsv, quality, float_format=QUALITY_FLOAT_FORMAT)
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
