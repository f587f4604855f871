"""Benchmark planning: a dry run of the default experiment on the synthetic corpus scaled up,
and what its largest jobs ask for.

    uv run python tools/benchmark_planning.py                   # 1x, 10x and 50x the corpus
    uv run python tools/benchmark_planning.py --scale 1 10 --repeats 3 --configfile my.yaml
    uv run python tools/benchmark_planning.py --scale 10 --profile 25
    uv run python tools/benchmark_planning.py --songs 106574 --requests --configfile large.yaml

For each scale (or each ``--songs`` count: the default genres' shares of that many songs), in
a fresh temporary folder, it writes an overlay that multiplies the songs per genre of the
default synthetic corpus, runs ``snakemake --dry-run`` (nothing computed, so every job of the
experiment is planned), and prints the songs, the jobs planned, the median wall time of
``--repeats`` runs and the milliseconds per job. Every invocation of the workflow pays this:
a dry run, a run, a resumed run, a report. With ``--requests`` it runs one more dry run that
prints every job, and gives per rule the largest ``mem_mb`` and ``runtime`` any of its jobs
asks for (what a cluster is asked for). With ``--profile N`` it runs the last scale once more
under cProfile and prints the N functions with the most cumulative time, and the share of the
time spent in the workflow's own files (rules and library).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def genres_for(songs: int) -> dict[str, int]:
    """Songs per genre of a synthetic corpus of exactly ``songs`` songs, in the default
    corpus's shares (largest remainders rounded up)."""
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    genres = config["dataset"]["synthetic"]["genres"]
    total = sum(genres.values())
    shares = {genre: count * songs / total for genre, count in genres.items()}
    counts = {genre: int(share) for genre, share in shares.items()}
    by_remainder = sorted(shares, key=lambda genre: shares[genre] - counts[genre], reverse=True)
    for genre in by_remainder[: songs - sum(counts.values())]:
        counts[genre] += 1
    return counts


def scaled_overlay(scale: int, folder: Path, songs: int | None = None) -> Path:
    """An overlay with ``scale`` times the default corpus's songs per genre, or ``songs``
    songs in its shares."""
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    genres = config["dataset"]["synthetic"]["genres"]
    if songs is None:
        counts = {genre: count * scale for genre, count in genres.items()}
    else:
        counts = genres_for(songs)
    overlay = folder / f"scale{scale if songs is None else songs}.yaml"
    overlay.write_text(yaml.safe_dump({"dataset": {"synthetic": {"genres": counts}}}))
    return overlay


def largest_requests(workdir: Path, overlays: list[Path]) -> dict[str, dict[str, int]]:
    """Per rule, the largest ``mem_mb`` and ``runtime`` (minutes) that any of its jobs asks
    for, from a dry run that prints every job."""
    cmd = [
        *(sys.executable, "-m", "snakemake", "--dry-run", "--cores", "2"),
        *("--snakefile", str(REPO / "Snakefile"), "--directory", str(workdir)),
        "--configfile",
        *map(str, overlays),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"dry run failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    largest: dict[str, dict[str, int]] = {}
    rule = None
    for line in proc.stdout.splitlines():
        if match := re.match(r"^(?:local)?rule (\w+):$", line.strip()):
            rule = match[1]
        elif line.strip().startswith("resources:") and rule:
            values = dict(re.findall(r"(mem_mb|runtime)=(\d+)", line))
            for key, value in values.items():
                entry = largest.setdefault(rule, {"mem_mb": 0, "runtime": 0, "jobs": 0})
                entry[key] = max(entry[key], int(value))
            if values:
                largest[rule]["jobs"] += 1
    return largest


def dry_run(workdir: Path, overlays: list[Path], profile_out: Path | None = None) -> tuple:
    """(seconds, jobs planned) of one dry run in ``workdir``."""
    snakemake = ["-m", "snakemake"]
    if profile_out:  # cProfile runs a script, not a module
        snakemake = [
            "-m",
            "cProfile",
            "-o",
            str(profile_out),
            str(Path(sys.executable).parent / "snakemake"),
        ]
    cmd = [
        *(sys.executable, *snakemake, "--dry-run", "--quiet", "rules", "--cores", "2"),
        *("--snakefile", str(REPO / "Snakefile"), "--directory", str(workdir)),
        "--configfile",
        *map(str, overlays),
    ]
    began = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - began
    if proc.returncode != 0:
        raise SystemExit(f"dry run failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    total = re.search(r"^total\s+(\d+)$", proc.stdout + proc.stderr, re.MULTILINE)
    return seconds, int(total[1]) if total else 0


def print_profile(path: Path, top: int) -> None:
    import pstats

    stats = pstats.Stats(str(path))
    total = max(stats.total_tt, 1e-9)
    own = sum(
        row[2]  # own time of each function
        for (file, _, _), row in stats.stats.items()
        if "/workflow/" in file or file.endswith(("Snakefile", ".smk"))
    )
    print(
        f"  profile: {total:.1f} s in all, {own:.1f} s ({own / total:.0%}) in the workflow's files"
    )
    stats.sort_stats("cumulative").print_stats(top)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument(
        "--songs", type=int, nargs="*", default=None, help="collection sizes, in place of --scale"
    )
    parser.add_argument(
        "--requests", action="store_true", help="the largest mem_mb and runtime of each rule"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--configfile", action="append", default=[], type=Path, help="overlay(s)")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="top N functions")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sepconv-plan-") as tmp:
        tmp = Path(tmp)
        print("  songs  jobs  median s  ms/job")
        sizes = [(None, n) for n in args.songs] if args.songs else [(s, None) for s in args.scale]
        for scale, count in sizes:
            overlays = [*args.configfile, scaled_overlay(scale, tmp, count)]
            workdir = tmp / f"work{scale or count}"
            runs = [dry_run(workdir, overlays) for _ in range(args.repeats)]
            seconds = statistics.median(s for s, _ in runs)
            jobs = runs[0][1]
            songs = sum(
                yaml.safe_load(overlays[-1].read_text())["dataset"]["synthetic"]["genres"].values()
            )
            print(
                f"{songs:7d} {jobs:5d} {seconds:9.1f} {1000 * seconds / max(jobs, 1):7.1f}",
                flush=True,
            )
            if args.requests:
                largest = largest_requests(workdir, overlays)
                print(f"    {'rule':<20} {'jobs':>5} {'largest mem_mb':>14} {'runtime min':>11}")
                for rule, entry in sorted(largest.items(), key=lambda item: -item[1]["runtime"]):
                    print(
                        f"    {rule:<20} {entry['jobs']:>5} {entry['mem_mb']:>14,} "
                        f"{entry['runtime']:>11,}"
                    )
                top = max(largest.values(), key=lambda entry: entry["runtime"])
                memory = max(entry["mem_mb"] for entry in largest.values())
                print(
                    f"    largest: {memory:,} MB, {top['runtime']:,} min "
                    f"({top['runtime'] / 60:.1f} h)",
                    flush=True,
                )
        if args.profile:
            out = tmp / "plan.prof"
            dry_run(tmp / "profiled", overlays, out)
            print_profile(out, args.profile)


if __name__ == "__main__":
    main()
