"""Benchmark the per-song half of the workflow: corpus, segments, separation, spectrograms.

    uv run python tools/benchmark_features.py                      # oracle and hpss, 2 cores
    uv run python tools/benchmark_features.py --separators hpss --cores 4

Runs Snakemake itself in a fresh working directory on the default corpus (or the config
overlays given), in two timed stages: the corpus alone (``--until synthesize_song``), then the
``tensors`` target. It prints the wall time of each stage and, per rule, the number of jobs and
the median, mean and total job time read from the rules' ``benchmark:`` files. With both
``oracle`` and ``hpss`` it also prints the median SI-SDR per stem of hpss against the oracle
stems (silent reference stems, e.g. the vocals of songs without vocals, are left out).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def snakemake_command(workdir: Path, overlays: list[Path], cores: int, *args: str) -> list[str]:
    """The command that runs the repository's workflow in ``workdir`` with ``overlays``."""
    return [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(REPO / "Snakefile"),
        "--directory",
        str(workdir),
        "--cores",
        str(cores),
        *args,
        *(["--configfile", *map(str, overlays)] if overlays else []),
    ]


def run_stage(workdir: Path, overlays: list[Path], cores: int, target: list[str]) -> float:
    """Run Snakemake on ``target`` in ``workdir``; return the wall time in seconds."""
    command = snakemake_command(workdir, overlays, cores, *target, "--quiet", "rules")
    start = time.perf_counter()
    if subprocess.run(command, cwd=REPO).returncode != 0:
        sys.exit(f"benchmark stopped: snakemake {' '.join(target)} failed (its messages are above)")
    return time.perf_counter() - start


def job_times(workdir: Path) -> dict[str, list[float]]:
    """Job wall times in seconds, by benchmark folder (``corpus``, ``stems/hpss``, ...)."""
    times: dict[str, list[float]] = {}
    for path in sorted((workdir / "benchmarks").rglob("*.tsv")):
        folder = str(path.parent.relative_to(workdir / "benchmarks"))
        with path.open() as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                times.setdefault(folder, []).append(float(row["s"]))
    return times


def separation_quality(workdir: Path) -> list[dict]:
    """The workflow's separation quality summary (``results/separation/summary.tsv``: per
    separator and stem, the median SI-SDR against the oracle's stems)."""
    with (workdir / "results/separation/summary.tsv").open() as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--separators", nargs="+", default=["oracle", "hpss"])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--configfile", action="append", default=[], type=Path, help="overlay(s)")
    parser.add_argument(
        "--workdir", type=Path, default=None, help="default: a temporary folder, removed after"
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="sepconv-bench-") as tmp:
        workdir = (args.workdir or Path(tmp)).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        if any(workdir.iterdir()):
            parser.error(f"--workdir {workdir} is not empty: the benchmark starts from nothing")
        overlay = workdir / "benchmark.yaml"
        overlay.write_text(yaml.safe_dump({"separators": args.separators}))
        overlays = [path.resolve() for path in args.configfile] + [overlay]

        corpus_s = run_stage(workdir, overlays, args.cores, ["--until", "synthesize_song"])
        rest_s = run_stage(workdir, overlays, args.cores, ["tensors"])
        times = job_times(workdir)
        n_songs = len((workdir / "results/songs.tsv").read_text().splitlines()) - 1

        print(f"\n{n_songs} songs, separators {', '.join(args.separators)}, {args.cores} cores")
        print(f"corpus (--until synthesize_song): {corpus_s:7.1f} s wall")
        print(f"then the tensors target:          {rest_s:7.1f} s wall")
        print(f"in all:                           {corpus_s + rest_s:7.1f} s wall")
        print(f"per song, after the corpus:       {rest_s / n_songs:7.2f} s wall\n")
        print(f"{'job times (s)':<16} {'jobs':>5} {'median':>7} {'mean':>7} {'total':>8}")
        for folder, values in times.items():
            print(
                f"{folder:<16} {len(values):>5} {statistics.median(values):>7.2f}"
                f" {statistics.fmean(values):>7.2f} {sum(values):>8.1f}"
            )
        if "oracle" in args.separators and set(args.separators) - {"oracle"}:
            # measured after the timed stages, by the workflow's own rule
            run_stage(workdir, overlays, args.cores, ["results/separation/quality.tsv"])
            print("\nagainst the oracle's stems, median SI-SDR (dB), the mixture's, improvement:")
            for row in separation_quality(workdir):
                print(
                    f"  {row['separator']:<9} {row['stem']:<7} {float(row['si_sdr_median']):6.2f}"
                    f" {float(row['si_sdr_mixture_median']):6.2f}"
                    f" {float(row['si_sdr_improvement_median']):+6.2f}  ({row['songs']} songs)"
                )


if __name__ == "__main__":
    main()
