"""Benchmark the whole experiment, and its training against a plain single-process loop.

    uv run python tools/benchmark_experiment.py                     # the default experiment
    uv run python tools/benchmark_experiment.py --configfile my.yaml --cores 4
    uv run python tools/benchmark_experiment.py --no-loop           # the workflow only

In a fresh temporary folder it runs ``snakemake --cores N`` on the default config (or the
overlays given) from nothing, then prints:

- the wall time of the run and of each stage (corpus, separation, spectrograms and tensors,
  training, aggregation): from the first job of the stage's rules to the last, read from
  Snakemake's job records (stages overlap, as the scheduler runs what is ready);
- per rule, the number of jobs and the median and total job time of its ``benchmark:`` files;
- where a training job's time goes: the process's start and imports up to the loaded tensor,
  building the model, and per run: preparing the data, resetting the model, the epochs (and
  the test-set predictions within them), the rest (metrics, writing); the job's overhead (its
  time minus its epochs) and peak memory;
- the same (separator, model, seed) runs done by a plain loop in one Python process over the
  library's training function (:func:`sepconv.learning.training.train_run`), with as many
  threads as the workflow had cores, its imports included; and the headline ratio, the
  workflow's training stage over that loop. The loop's metrics are compared with the
  workflow's (threads change the floating-point order, so they agree closely, not exactly).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmark_features import REPO, run_stage, snakemake_command

#: Stages of the experiment, by the rules they hold (training rules: `train_model_seeds*`).
STAGES = {
    "corpus": ("synthesize_song", "write_song_table", "segment_song"),
    "separation": ("separate_oracle", "separate_hpss", "separate_spleeter", "spleeter_model"),
    "spectrograms and tensors": ("compute_mel", "stack_tensor"),
    "training": ("split_songs", "train_model"),
    "aggregation": (
        "collect_metrics",
        "make_table1",
        "test_significance",
        "plot_figures",
        "measure_separation",
        "plot_quality",
    ),
}


def rule_family(rule: str) -> str:
    """The rule name with a training rule's seed block left out."""
    return re.sub(r"_seeds\d+_\d+$", "", rule)


def stage_of(rule: str) -> str | None:
    family = rule_family(rule)
    return next((stage for stage, rules in STAGES.items() if family in rules), None)


def planned_benchmarks(workdir: Path, overlays: list[Path], cores: int) -> dict[str, str]:
    """Benchmark file -> rule, from a dry run of the whole experiment."""
    command = snakemake_command(workdir, overlays, cores, "--dry-run")
    out = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True).stdout
    mapping, rule = {}, None
    for line in out.splitlines():
        if match := re.match(r"^(?:local)?rule (\S+):$", line.strip()):
            rule = match.group(1)
        elif line.strip().startswith("benchmark:") and rule:
            mapping[line.split(":", 1)[1].strip()] = rule
    return mapping


def job_spans(workdir: Path) -> dict[str, list[tuple[float, float]]]:
    """(start, end) of every finished job, by rule, from Snakemake's records of its outputs
    (one per output file; the files of one job share its hash)."""
    jobs: dict[tuple[str, int], tuple[float, float]] = {}
    for path in (workdir / ".snakemake" / "metadata").iterdir():
        record = json.loads(path.read_text())
        if record.get("starttime") and record.get("endtime"):
            key = (record["rule"], record["job_hash"])
            start, end = jobs.get(key, (record["starttime"], record["endtime"]))
            jobs[key] = (min(start, record["starttime"]), max(end, record["endtime"]))
    spans: dict[str, list[tuple[float, float]]] = {}
    for (rule, _), span in jobs.items():
        spans.setdefault(rule, []).append(span)
    return {rule: sorted(values) for rule, values in spans.items()}


def benchmark_rows(workdir: Path, mapping: dict[str, str]) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {}
    for path, rule in mapping.items():
        with (workdir / path).open() as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                row["path"] = path
                rows.setdefault(rule_family(rule), []).append(row)
    return rows


def records(workdir: Path) -> list[dict]:
    return [
        json.loads(path.read_text())
        for path in sorted((workdir / "results" / "runs").rglob("seed*.json"))
    ]


def median(values) -> float:
    values = list(values)
    return statistics.median(values) if values else float("nan")


def print_training(runs: list[dict], rows: list[dict]) -> None:
    """Where a training job's time goes (medians over jobs or runs)."""
    jobs: dict[tuple, list[dict]] = {}
    for run in runs:
        jobs.setdefault((run["separator"], run["model"], tuple(run["job"]["seeds"])), []).append(
            run
        )
    job_s = [float(row["s"]) for row in rows]
    rss = [float(row["max_rss"]) for row in rows]
    epochs_per_job = [sum(r["timings_s"]["epochs"] for r in block) for block in jobs.values()]
    overhead = [
        float(row["s"]) - epochs
        for row, epochs in zip(sorted(rows, key=lambda r: r["path"]), _by_path(jobs), strict=True)
    ]
    seeds = median(len(block) for block in jobs.values())
    print(f"\ntraining: {len(jobs)} jobs of {seeds:g} seeds (median), {len(runs)} runs")
    print(f"  job time                                 median {median(job_s):7.2f} s")
    print(f"  job overhead (job time minus its epochs) median {median(overhead):7.2f} s")
    print(f"  job peak memory (max_rss)                median {median(rss):7.0f} MB")
    print(f"  epochs per job                           median {median(epochs_per_job):7.2f} s")
    print("  per job, once:")
    print(
        "    process start, imports, backend, tensor "
        f"{median(block[0]['job']['startup_s'] for block in jobs.values()):7.2f} s"
    )
    print(
        "    building the model                      "
        f"{median(block[0]['job']['build_s'] for block in jobs.values()):7.2f} s"
    )
    print("  per run (median):")
    parts = {
        "preparing data (split, standardise)": [r["timings_s"]["prepare"] for r in runs],
        "resetting the model": [r["timings_s"]["reset"] for r in runs],
        "epochs": [r["timings_s"]["epochs"] for r in runs],
        "  of which test-set predictions": [r["timings_s"]["predict"] for r in runs],
        "  first epoch": [r["epoch_times_s"][0] for r in runs],
        "  a later epoch": [median(r["epoch_times_s"][1:]) for r in runs if r["epoch_times_s"][1:]],
        "the rest (metrics, record)": [
            r["wall_time_s"]
            - r["timings_s"]["prepare"]
            - r["timings_s"]["reset"]
            - r["timings_s"]["epochs"]
            for r in runs
        ],
        "a run in all": [r["wall_time_s"] for r in runs],
    }
    for name, values in parts.items():
        print(f"    {name:<38} {median(values):7.3f} s")


def _by_path(jobs: dict[tuple, list[dict]]) -> list[float]:
    """Each job's epoch seconds, in the order of its benchmark file's path."""
    keyed = {
        f"benchmarks/runs/{sep}/{model}/seeds{seeds[0]}-{seeds[-1]}.tsv": sum(
            r["timings_s"]["epochs"] for r in block
        )
        for (sep, model, seeds), block in jobs.items()
    }
    return [keyed[path] for path in sorted(keyed)]


def plain_loop(workdir: Path, overlays: list[Path], threads: int) -> dict:
    """Run the loop in a fresh process (the backend's threads are fixed at its start)."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--loop-in",
        str(workdir),
        "--threads",
        str(threads),
        *(["--configfile", *map(str, overlays)] if overlays else []),
    ]
    start = time.perf_counter()
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"the plain loop failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall_s"] = time.perf_counter() - start
    return result


def loop_main(workdir: Path, overlays: list[Path], threads: int) -> None:
    """What a user would write instead: load each tensor once, loop over models and seeds."""
    start = time.perf_counter()
    from sepconv.learning import backend

    backend.configure(threads=threads)
    import pandas as pd

    from sepconv.config import enabled_models, load_config
    from sepconv.learning.models import ModelSpec
    from sepconv.learning.training import train_run
    from sepconv.signal.tensors import Tensor

    imports = time.perf_counter() - start
    config = load_config(*overlays)
    models = enabled_models(config)
    f1 = {}
    tensors = {}
    for run in records(workdir):
        entry = models[run["model"]]
        path = workdir / "results" / "tensors" / run["separator"] / f"{entry['representation']}.npz"
        if path not in tensors:
            tensors[path] = Tensor.load(path)
        tensor = tensors[path]
        split = pd.read_csv(
            workdir / "results" / "splits" / f"seed{run['seed']}.tsv", sep="\t", dtype=str
        )
        result = train_run(
            tensor.X,
            tensor.y,
            tensor.song,
            split,
            ModelSpec.from_config(entry),
            run["seed"],
            n_classes=len(tensor.genres),
        )
        key = f"{run['separator']}/{run['model']}/{run['seed']}"
        f1[key] = result["selections"]["last_epoch"]["f1_macro"]
    print(json.dumps({"imports_s": imports, "runs": len(f1), "f1": f1}))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--configfile", action="append", default=[], type=Path, help="overlay(s)")
    parser.add_argument(
        "--workdir", type=Path, default=None, help="default: a temporary folder, removed after"
    )
    parser.add_argument("--no-loop", action="store_true", help="time the workflow only")
    parser.add_argument("--loop-in", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    overlays = [path.resolve() for path in args.configfile]
    if args.loop_in:
        loop_main(args.loop_in, overlays, args.threads)
        return

    with tempfile.TemporaryDirectory(prefix="sepconv-experiment-") as tmp:
        workdir = (args.workdir or Path(tmp)).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        if any(workdir.iterdir()):
            parser.error(f"--workdir {workdir} is not empty: the benchmark starts from nothing")
        mapping = planned_benchmarks(workdir, overlays, args.cores)
        print(
            f"{len(mapping)} jobs with a benchmark file planned; running on {args.cores} cores",
            flush=True,
        )
        wall = run_stage(workdir, overlays, args.cores, [])
        spans = job_spans(workdir)
        rows = benchmark_rows(workdir, mapping)
        runs = records(workdir)

        first = min(start for values in spans.values() for start, _ in values)
        print(
            f"\nexperiment: {wall:.1f} s wall ({wall / 60:.1f} min), "
            f"{len(mapping)} jobs with a benchmark file"
        )
        print(f"{'stage':<26} {'from':>7} {'to':>7} {'span':>7} {'job time':>9}")
        stage_spans = {}
        for stage in STAGES:
            values = [span for rule, v in spans.items() if stage_of(rule) == stage for span in v]
            if not values:
                continue
            begin = min(s for s, _ in values) - first
            end = max(e for _, e in values) - first
            stage_spans[stage] = end - begin
            total = sum(
                float(row["s"])
                for family, family_rows in rows.items()
                if stage_of(family) == stage
                for row in family_rows
            )
            print(f"{stage:<26} {begin:>7.1f} {end:>7.1f} {end - begin:>7.1f} {total:>9.1f}")

        print(f"\n{'rule':<20} {'jobs':>5} {'median s':>9} {'total s':>8} {'peak MB':>8}")
        for family, family_rows in sorted(rows.items(), key=lambda kv: stage_of(kv[0]) or ""):
            seconds = [float(row["s"]) for row in family_rows]
            rss = max(float(row["max_rss"]) for row in family_rows)
            print(
                f"{family:<20} {len(seconds):>5} {median(seconds):>9.2f} {sum(seconds):>8.1f}"
                f" {rss:>8.0f}"
            )
        print_training(runs, rows.get("train_model", []))

        if args.no_loop:
            return
        print(f"\nthe plain loop: {len(runs)} runs in one process, {args.cores} threads ...")
        loop = plain_loop(workdir, overlays, args.cores)
        training = stage_spans["training"]
        print(
            f"plain loop: {loop['wall_s']:.1f} s ({loop['imports_s']:.1f} s of imports), "
            f"{loop['wall_s'] / loop['runs']:.2f} s per run"
        )
        print(f"workflow training stage: {training:.1f} s")
        print(f"ratio workflow training stage / plain loop: {training / loop['wall_s']:.2f}")
        differences = [
            abs(
                loop["f1"][f"{r['separator']}/{r['model']}/{r['seed']}"]
                - r["selections"]["last_epoch"]["f1_macro"]
            )
            for r in runs
        ]
        same = sum(d == 0 for d in differences)
        print(
            f"last-epoch macro F1, loop against workflow: {same} of {len(differences)} runs "
            f"identical, largest difference {max(differences):.3f}, mean of the loop "
            f"{statistics.fmean(loop['f1'].values()):.4f} against "
            f"{statistics.fmean(r['selections']['last_epoch']['f1_macro'] for r in runs):.4f}"
        )


if __name__ == "__main__":
    main()
