"""Benchmark the whole experiment, its training and its learned separation against plain
single-process loops.

    uv run python tools/benchmark_experiment.py                     # the default experiment
    uv run python tools/benchmark_experiment.py --configfile my.yaml --cores 4
    uv run python tools/benchmark_experiment.py --no-loop           # the workflow only
    uv run python tools/benchmark_experiment.py --separation-only --configfile learned.yaml

In a fresh temporary folder it runs ``snakemake --cores N`` on the default config (or the
overlays given) from nothing, then prints:

- the wall time of the run and of each stage (corpus, separation, spectrograms and tensors,
  training, aggregation): from the first job of the stage's rules to the last, read from
  Snakemake's job records (stages overlap, as the scheduler runs what is ready);
- per rule, the number of jobs, the median and total job time and the largest peak memory
  of its ``benchmark:`` files (``max_rss``: memory-mapped file pages included), and the
  largest peak private memory of any of its jobs' processes (``RssAnon``, polled from
  ``/proc`` while the workflow runs); then the disk that ``results/`` takes, folder by folder;
- where a training job's time goes: the process's start and imports up to the loaded tensor,
  building the model, and per run: preparing the data, resetting the model, the epochs (and
  the test-set predictions within them), the rest (metrics, writing); the job's overhead (its
  time minus its epochs) and peak memory;
- the same (separator, model, seed) runs done by a plain loop in one Python process over the
  library's training function (:func:`sepconv.learning.training.train_run`), with as many
  threads as the workflow had cores, its imports included; and the headline ratio, the
  workflow's training stage over that loop. The loop's metrics are compared with the
  workflow's (threads change the floating-point order, so they agree closely, not exactly);
- where Spleeter separates, where a block job's time goes: the process's start (``uv run``
  and Python), the imports, TensorFlow's import, building and restoring the model, and per
  song: reading, separating, checking and writing.

With ``--separation-only`` it runs the corpus and the segments first, then each learned
separator's stage on its own (``--until separate_spleeter``, ``--until separate_demucs``, in
the order of ``separators``), timed from its first job's start to its last one's end, with
where a block job's time goes; then the same segments separated the way a user would without
the workflow: for Spleeter a plain loop in one Python process of envs/spleeter
(tools/spleeter_loop.py) that loads the same model once, its stems compared with the
workflow's; for Demucs its own command line (``python -m demucs.separate``) given every
segment at once; each with as many threads as the workflow had cores. With both separators
listed, it ends with their time per song in a block job side by side.
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
from benchmark_learning import PeakMemory

#: Stages of the experiment, by the rules they hold.
STAGES = {
    "corpus": ("synthesize_song", "write_song_table", "segment_song"),
    "separation": (
        "separate_oracle",
        "separate_hpss",
        "separate_ladder",
        "separate_spleeter",
        "get_spleeter_model",
        "separate_demucs",
        "get_demucs_model",
    ),
    "spectrograms and tensors": ("compute_mel", "stack_tensor"),
    "training": ("split_songs", "train_model"),
    "aggregation": (
        "collect_metrics",
        "make_table1",
        "test_significance",
        "plot_figures",
        "measure_separation",
        "collect_quality",
        "plot_quality",
        "relate_gain_quality",
    ),
}


def stage_of(rule: str) -> str | None:
    return next((stage for stage, rules in STAGES.items() if rule in rules), None)


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
                rows.setdefault(rule, []).append(row)
    return rows


def records(workdir: Path) -> list[dict]:
    """Every run record of a finished run, each with its timings from its training job's
    log (the records hold none: ``sepconv.learning.runs.TIMINGS``) under ``timing``."""
    timings = {}
    for log in sorted((workdir / "logs" / "runs").glob("*/*/seeds*.log")):
        separator, model = log.parent.parent.name, log.parent.name
        seeds = log.stem.removeprefix("seeds")
        for line in log.read_text().splitlines():
            if " timings {" in line:
                timing = json.loads(line.split(" timings ", 1)[1])
                timings[(separator, model, timing["seed"])] = {**timing, "seeds": seeds}
    runs = []
    for path in sorted((workdir / "results" / "runs").rglob("seed*.json")):
        run = json.loads(path.read_text())
        run["timing"] = timings[(run["separator"], run["model"], run["seed"])]
        runs.append(run)
    return runs


def song_files(workdir: Path, kind: str) -> dict[str, str]:
    """Song -> the block folder of a finished run that holds its files: ``segments``, or a
    separator's stems (``stems/spleeter``), found through the blocks' listings."""
    from sepconv.blocks import items_in

    folders = sorted(p for p in (workdir / "results" / kind).iterdir() if p.is_dir())
    return items_in(folders)


def median(values) -> float:
    values = list(values)
    return statistics.median(values) if values else float("nan")


def print_training(runs: list[dict], rows: list[dict]) -> None:
    """Where a training job's time goes (medians over jobs or runs)."""
    jobs: dict[tuple, list[dict]] = {}
    for run in runs:
        jobs.setdefault((run["separator"], run["model"], run["timing"]["seeds"]), []).append(run)
    job_s = [float(row["s"]) for row in rows]
    rss = [float(row["max_rss"]) for row in rows]
    epochs_per_job = [
        sum(r["timing"]["timings_s"]["epochs"] for r in block) for block in jobs.values()
    ]
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
        f"{median(block[0]['timing']['startup_s'] for block in jobs.values()):7.2f} s"
    )
    print(
        "    building the model                      "
        f"{median(block[0]['timing']['build_s'] for block in jobs.values()):7.2f} s"
    )
    print("  per run (median):")
    timing = [r["timing"] for r in runs]
    parts = {
        "preparing data (split, standardise)": [t["timings_s"]["prepare"] for t in timing],
        "resetting the model": [t["timings_s"]["reset"] for t in timing],
        "epochs": [t["timings_s"]["epochs"] for t in timing],
        "  of which test-set predictions": [t["timings_s"]["predict"] for t in timing],
        "  first epoch": [t["epoch_times_s"][0] for t in timing],
        "  a later epoch": [
            median(t["epoch_times_s"][1:]) for t in timing if t["epoch_times_s"][1:]
        ],
        "the rest (metrics, record)": [
            t["wall_time_s"]
            - t["timings_s"]["prepare"]
            - t["timings_s"]["reset"]
            - t["timings_s"]["epochs"]
            for t in timing
        ],
        "a run in all": [t["wall_time_s"] for t in timing],
    }
    for name, values in parts.items():
        print(f"    {name:<38} {median(values):7.3f} s")


def _by_path(jobs: dict[tuple, list[dict]]) -> list[float]:
    """Each job's epoch seconds, in the order of its benchmark file's path."""
    keyed = {
        f"benchmarks/runs/{sep}/{model}/seeds{seeds}.tsv": sum(
            r["timing"]["timings_s"]["epochs"] for r in block
        )
        for (sep, model, seeds), block in jobs.items()
    }
    return [keyed[path] for path in sorted(keyed)]


#: What a learned separator's job imports once it has its GPU lease.
BACKENDS = {"spleeter": "TensorFlow and spleeter imports", "demucs": "PyTorch and demucs imports"}


def separation_jobs(workdir: Path, rows: list[dict]) -> list[dict]:
    """Each learned separator's block job: its benchmark row and the timings its log ends
    with."""
    jobs = []
    for row in sorted(rows, key=lambda r: r["path"]):
        log = workdir / Path(row["path"].replace("benchmarks/", "logs/", 1)).with_suffix(".log")
        lines = [line for line in log.read_text().splitlines() if " timings {" in line]
        timings = json.loads(lines[-1].split(" timings ", 1)[1])
        jobs.append({"s": float(row["s"]), "max_rss": float(row["max_rss"]), **timings})
    return jobs


def print_separation(jobs: list[dict], separator: str = "spleeter") -> None:
    """Where a learned separator's block job's time goes (medians over jobs or songs)."""
    songs = [song for job in jobs for song in job["songs"]]
    print(f"\n{separator} separation: {len(jobs)} jobs, {len(songs)} songs")
    print(
        f"  job time                                   median {median(j['s'] for j in jobs):7.2f} s"
    )
    print(
        "  job peak memory (max_rss)                  "
        f"median {median(j['max_rss'] for j in jobs):7.0f} MB"
    )
    print("  per job, once:")
    once = {
        "process start (uv run, Python)": [j["s"] - j["script_s"] for j in jobs],
        "the step's imports": [j["imports_s"] for j in jobs],
        "model check, GPU lease": [j["setup_s"] for j in jobs],
        BACKENDS[separator]: [j["backend_s"] for j in jobs],
        "building and restoring the model": [j["model_s"] for j in jobs],
    }
    for name, values in once.items():
        print(f"    {name:<40} {median(values):7.2f} s")
    print("  per song (median):")
    for name, key in (
        ("reading the segment", "read_s"),
        ("separating", "separate_s"),
        ("checking and writing the stems", "write_s"),
        ("a song in all", "song_s"),
    ):
        print(f"    {name:<40} {median(song[key] for song in songs):7.3f} s")


def spleeter_loop(workdir: Path, config: dict, songs: list[str], threads: int) -> dict:
    """The same songs separated by tools/spleeter_loop.py in one process of envs/spleeter."""
    manifest = json.loads(
        (workdir / "results/spleeter" / f"{config['spleeter']['model']}.json").read_text()
    )
    out = workdir / "spleeter-loop"
    command = [
        *("env", "-u", "VIRTUAL_ENV", f"PYTHONPATH={REPO / 'workflow' / 'scripts'}"),
        *("uv", "run", "--quiet", "--locked", "--project", str(REPO / "envs" / "spleeter")),
        *("python", str(REPO / "tools" / "spleeter_loop.py")),
        *("--model", config["spleeter"]["model"], "--model-folder", manifest["folder"]),
        *("--model-params", json.dumps(config["spleeter"]["model_params"])),
        *("--threads", str(threads), "--out", str(out)),
        *(segment_paths(workdir, songs)),
    ]
    result = timed_json_run(command, "the plain separation loop")
    result["largest_difference"] = largest_difference(workdir, out, "spleeter", songs)
    print(
        f"plain loop: {result['wall_s']:.1f} s ({result['imports_s']:.1f} s of imports, "
        f"{result['model_s']:.1f} s building and restoring the model, "
        f"{median(result['songs'].values()):.2f} s per song (median)); largest difference "
        f"from the workflow's stems {result['largest_difference']:.3g}"
    )
    return result


def demucs_cli(workdir: Path, config: dict, songs: list[str], threads: int) -> dict:
    """The same songs separated by Demucs's own command line (``python -m demucs.separate``,
    which loads the model once for every file it is given), with the same model, settings and
    threads. Its stems are not compared: it draws its random shifts unseeded and writes 16-bit
    files."""
    demucs = config["demucs"]
    manifest = json.loads((workdir / "results/demucs" / f"{demucs['model']}.json").read_text())
    command = [
        *("env", "-u", "VIRTUAL_ENV", f"OMP_NUM_THREADS={threads}"),
        *("uv", "run", "--quiet", "--locked", "--project", str(REPO / "envs" / "demucs")),
        *("python", "-m", "demucs.separate", "--repo", manifest["folder"], "-n", demucs["model"]),
        *("--shifts", str(demucs["shifts"]), "--overlap", str(demucs["overlap"]), "-d", "cpu"),
        *("-o", str(workdir / "demucs-cli")),
        *([] if demucs["split"] else ["--no-split"]),
        *([] if demucs["segment"] is None else ["--segment", str(demucs["segment"])]),
        *(segment_paths(workdir, songs)),
    ]
    began = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"demucs's command line failed:\n{proc.stderr[-3000:]}")
    wall = time.perf_counter() - began
    print(f"demucs's command line: {wall:.1f} s, {wall / len(songs):.2f} s per song (its mean)")
    return {"wall_s": wall}


def segment_paths(workdir: Path, songs: list[str]) -> list[str]:
    """The segment files of ``songs`` in a finished run."""
    from sepconv.layout import segment_file

    folders = song_files(workdir, "segments")
    return [segment_file(folders[song], song) for song in songs]


def largest_difference(workdir: Path, out: Path, separator: str, songs: list[str]) -> float:
    """The largest sample difference between a loop's stems in ``out`` and the workflow's."""
    import numpy as np
    import soundfile as sf

    from sepconv.layout import stem_file

    folders = song_files(workdir, f"stems/{separator}")
    return max(
        float(
            np.max(
                np.abs(
                    sf.read(out / song / f"{stem}.wav", dtype="float32")[0]
                    - sf.read(stem_file(folders[song], song, stem), dtype="float32")[0]
                )
            )
        )
        for song in songs
        for stem in ("bass", "drums", "other", "vocals")
    )


#: What a user would do instead of a learned separator's stage, on the same songs.
INSTEAD = {"spleeter": spleeter_loop, "demucs": demucs_cli}


def separation_only(workdir: Path, overlays: list[Path], cores: int) -> None:
    """Each learned separator's stage alone, in the order of `separators`, against what a
    user would do instead on the same songs; then their time per song side by side."""
    from sepconv.checks import load_config

    config = load_config(*overlays)
    learned = [separator for separator in config["separators"] if separator in INSTEAD]
    if not learned:
        sys.exit("no learned separator: list spleeter or demucs in `separators` (--configfile)")
    corpus = run_stage(workdir, overlays, cores, ["--until", "segment_song"])
    print(f"corpus and segments: {corpus:.1f} s wall", flush=True)
    mapping = planned_benchmarks(workdir, overlays, cores)
    per_song = {}
    for separator in learned:
        rule = f"separate_{separator}"
        wall = run_stage(workdir, overlays, cores, ["--until", rule])
        spans = job_spans(workdir).get(rule, [])
        stage = max(end for _, end in spans) - min(start for start, _ in spans)
        rows = benchmark_rows(workdir, {p: r for p, r in mapping.items() if r == rule})
        jobs = separation_jobs(workdir, rows.get(rule, []))
        print_separation(jobs, separator)
        songs = [song["song"] for job in jobs for song in job["songs"]]
        per_song[separator] = median(song["song_s"] for job in jobs for song in job["songs"])
        print(f"\ninstead: {len(songs)} songs in one process, {cores} threads ...", flush=True)
        instead = INSTEAD[separator](workdir, config, songs, cores)
        print(
            f"workflow {separator} stage: {stage:.1f} s from the first job's start to the last "
            f"one's end ({wall:.1f} s with Snakemake's own start and the model check)"
        )
        print(f"ratio {separator} stage / instead: {stage / instead['wall_s']:.2f}")
    if len(per_song) > 1:
        first, *others = learned
        for other in others:
            print(
                f"\na song in a block job (median): {other} {per_song[other]:.2f} s, {first} "
                f"{per_song[first]:.2f} s, ratio {per_song[other] / per_song[first]:.2f}"
            )


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
    return timed_json_run(command, "the plain loop")


def timed_json_run(command: list[str], what: str) -> dict:
    """Run ``command``; return the JSON of its last line of output, with ``wall_s``."""
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"{what} failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall_s"] = time.perf_counter() - start
    return result


def loop_main(workdir: Path, overlays: list[Path], threads: int) -> None:
    """What a user would write instead: load each tensor once, loop over models and seeds."""
    start = time.perf_counter()
    from sepconv.learning import backend

    backend.configure(threads=threads)

    import numpy as np

    from sepconv.checks import load_config
    from sepconv.config import enabled_models
    from sepconv.layout import TENSOR_FILE
    from sepconv.learning.models import ModelSpec
    from sepconv.learning.splits import load_split
    from sepconv.learning.training import train_run
    from sepconv.signal.tensors import Tensor

    imports = time.perf_counter() - start
    config = load_config(*overlays)
    models = enabled_models(config)
    f1 = {}
    tensors = {}
    for run in records(workdir):
        entry = models[run["model"]]
        path = workdir / TENSOR_FILE.format(
            separator=run["separator"], representation=entry["representation"]
        )
        if path not in tensors:  # a plain loop holds the tensor in memory
            tensors[path] = (np.load(path), Tensor.open(path))
        X, tensor = tensors[path]
        split = load_split(workdir / "results" / "splits" / f"seed{run['seed']}.tsv")
        result = train_run(
            X,
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
    parser.add_argument(
        "--separation-only",
        action="store_true",
        help="time each learned separator's stage alone against what a user would do instead",
    )
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
        if args.separation_only:
            separation_only(workdir, overlays, args.cores)
            return
        mapping = planned_benchmarks(workdir, overlays, args.cores)
        print(
            f"{len(mapping)} jobs with a benchmark file planned; running on {args.cores} cores",
            flush=True,
        )
        watcher = PeakMemory(workdir)
        watcher.start()
        wall = run_stage(workdir, overlays, args.cores, [])
        watcher.done.set()
        watcher.join()
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
                for rule, rule_rows in rows.items()
                if stage_of(rule) == stage
                for row in rule_rows
            )
            print(f"{stage:<26} {begin:>7.1f} {end:>7.1f} {end - begin:>7.1f} {total:>9.1f}")

        print(
            f"\n{'rule':<20} {'jobs':>5} {'median s':>9} {'total s':>8} {'max_rss MB':>10} "
            f"{'RssAnon MB':>10}"
        )
        for rule, rule_rows in sorted(rows.items(), key=lambda kv: stage_of(kv[0]) or ""):
            seconds = [float(row["s"]) for row in rule_rows]
            rss = max(float(row["max_rss"]) for row in rule_rows)
            print(
                f"{rule:<20} {len(seconds):>5} {median(seconds):>9.2f} {sum(seconds):>8.1f}"
                f" {rss:>10.0f} {watcher.largest(rule):>10.0f}"
            )
        print(
            "(max_rss: Snakemake's benchmark, mapped file pages included; RssAnon: the largest "
            "private memory of a job's process, polled from /proc)"
        )
        results = workdir / "results"
        sizes = {
            folder.name: sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
            for folder in sorted(results.iterdir())
            if folder.is_dir()
        }
        total = sum(p.stat().st_size for p in results.rglob("*") if p.is_file())
        print(
            f"results/: {total / 1e9:.2f} GB; "
            + ", ".join(f"{name} {size / 1e9:.2f} GB" for name, size in sizes.items())
        )
        for separator in BACKENDS:
            if rows.get(f"separate_{separator}"):
                jobs = separation_jobs(workdir, rows[f"separate_{separator}"])
                print_separation(jobs, separator)
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
