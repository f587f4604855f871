"""Snakemake itself, on a tiny synthetic corpus: splits, training runs, results, report."""

import json
import os
import re
import shutil
import signal
import subprocess
import time

import pandas as pd
import pytest
from workflow_utils import TINY, dry_run_jobs, processes_running, run_snakemake, snakemake_command

from sepconv.blocks import read_listing

pytestmark = pytest.mark.workflow
MODELS = ["mix-conv", "novox-conv", "stems3-conv", "stems3-sepconv"]
SMALL = {"filters": [4, 8], "batch_size": 2}
CONFIG = {
    **TINY,
    "song_blocks": 1,
    "separators": ["hpss"],
    "trials": 2,
    "seeds_per_job": 2,
    "epochs": 1,
    "models": {name: SMALL for name in MODELS},
}


@pytest.fixture(scope="module")
def runs_dir(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("runs")
    run_snakemake(workdir, config=CONFIG)  # the default target: everything
    return workdir


def test_one_run_per_model_and_seed(runs_dir):
    runs = sorted(
        p.relative_to(runs_dir / "results/runs").as_posix() for p in runs_dir.rglob("seed*.json")
    )
    expected = sorted(
        f"{'none' if model == 'mix-conv' else 'hpss'}/{model}/seeds1-2/seed{seed}.json"
        for model in MODELS
        for seed in (1, 2)
    )
    assert runs == expected


def test_run_records(runs_dir):
    run = json.loads(
        (runs_dir / "results/runs/hpss/stems3-sepconv/seeds1-2/seed2.json").read_text()
    )
    assert (run["separator"], run["model"], run["seed"]) == ("hpss", "stems3-sepconv", 2)
    assert run["channels"] == ["bass", "drums", "other"]
    assert run["hyperparameters"]["conv"] == "separable"
    assert run["hyperparameters"]["epochs"] == 1 and "enabled" not in run["hyperparameters"]
    assert run["history"]["epoch"] == [1] and len(run["history"]["test_accuracy"]) == 1
    for name in ("min_test_loss", "last_epoch"):
        selection = run["selections"][name]
        assert selection["rule"] and selection["epoch"] == 1
        assert 0 <= selection["accuracy"] <= 1 and 0 <= selection["f1_macro"] <= 1
        assert len(selection["confusion"]) == 2
    assert run["params"] > 0
    assert run["backend"] == "tensorflow" and run["device"] == "cpu"
    assert {"keras", "tensorflow", "numpy"} <= set(run["versions"])
    # nothing that changes from run to run: the timings and the GPU lease are in the log
    assert not {"wall_time_s", "job", "timings_s", "epoch_times_s", "gpu_lease"} & set(run)
    log = (runs_dir / "logs/runs/hpss/stems3-sepconv/seeds1-2.log").read_text()
    assert "no GPU visible to this job: training on CPU" in log
    assert "seed 1, last_epoch" in log and "seed 2, last_epoch" in log
    timings = [
        json.loads(line.split(" timings ", 1)[1])
        for line in log.splitlines()
        if " timings {" in line
    ]
    assert [t["seed"] for t in timings] == [1, 2] and timings[1]["position"] == 1
    assert set(timings[0]["timings_s"]) == {"prepare", "reset", "epochs", "predict"}


def test_every_model_uses_the_seed_split(runs_dir):
    """A record holds what the tables read; its test songs are the split file's: as many,
    and as many of each genre (the rows of its confusion matrix)."""
    for seed in (1, 2):
        split = pd.read_csv(runs_dir / f"results/splits/seed{seed}.tsv", sep="\t")
        assert list(split.columns) == ["song", "genre", "subset"]
        test = split[split["subset"] == "test"]
        per_genre = test["genre"].value_counts().sort_index().tolist()
        records = list(runs_dir.glob(f"results/runs/*/*/*/seed{seed}.json"))
        assert len(records) == len(MODELS)
        for path in records:
            record = json.loads(path.read_text())
            assert "test_songs" not in record
            assert (record["n_test"], record["n_train"]) == (len(test), len(split) - len(test))
            for chosen in record["selections"].values():
                assert [sum(row) for row in chosen["confusion"]] == per_genre


def test_changed_hyperparameter_retrains_only_that_model(runs_dir):
    config = {**CONFIG, "models": {**CONFIG["models"], "stems3-sepconv": {**SMALL, "l2": 0.01}}}
    proc = run_snakemake(runs_dir, "runs", "--dry-run", config=config)
    assert dry_run_jobs(proc)[0] == {"train_model": 1, "runs": 1}
    outputs = re.findall(r"^\s*output: (.+)$", proc.stdout, re.MULTILINE)
    folder = "results/runs/hpss/stems3-sepconv/seeds1-2"
    assert outputs == [f"{folder}, {folder}.sha256"]


def test_more_trials_add_only_the_new_seeds(runs_dir):
    # seeds 1-2 are one block; seed 3 starts the next
    proc = run_snakemake(runs_dir, "runs", "--dry-run", config={**CONFIG, "trials": 3})
    assert dry_run_jobs(proc)[0] == {"split_songs": 1, "train_model": 4, "runs": 1}
    assert set(re.findall(r"wildcards: .*seeds=(\S+)", proc.stdout)) == {"3-3"}


def test_training_jobs_take_the_settings_given_for_train_model(runs_dir):
    proc = run_snakemake(
        runs_dir,
        "runs",
        "--dry-run",
        "--forceall",
        "--set-threads",
        "train_model=2",
        "--set-resources",
        "train_model:mem_mb=1234",
        config={**CONFIG, "trials": 3},
    )
    text = proc.stdout
    jobs = re.findall(r"^rule (train_model):$(.*?)^\s*resources: ([^\n]*)$", text, re.M | re.S)
    assert len(jobs) == 8  # 4 (separator, model) x seeds 1-2 and 3-3
    for _, body, resources in jobs:
        assert "threads: 2" in body
        assert "mem_mb=1234" in resources


def test_a_training_block_s_folder_holds_its_seeds_run_records(runs_dir):
    folder = "results/runs/hpss/stems3-conv/seeds1-2"
    assert [os.path.relpath(p, runs_dir) for p in read_listing(runs_dir / folder)] == [
        f"{folder}/seed{seed}.json" for seed in (1, 2)
    ]


def test_a_disabled_model_is_not_trained(runs_dir):
    models = {**CONFIG["models"], "mix-conv": {**SMALL, "enabled": False}}
    proc = run_snakemake(runs_dir, "runs", "--dry-run", config={**CONFIG, "models": models})
    assert "Nothing to be done" in proc.stdout + proc.stderr


def test_results_tables_and_figures(runs_dir):
    results = runs_dir / "results"
    metrics = pd.read_csv(results / "metrics.tsv", sep="\t")
    assert len(metrics) == 8 * 2  # runs x selections
    assert set(metrics["selection"]) == {"min_test_loss", "last_epoch"}
    table = pd.read_csv(results / "table1.tsv", sep="\t")
    assert len(table) == 4 * 2 and table.loc[table["baseline"], "model"].unique() == ["novox-conv"]
    assert (table["trials"] == 2).all()
    markdown = (results / "table1.md").read_text()
    assert "| Model | Separator | Accuracy | F1 |" in markdown and "novox-conv†" in markdown
    sig = pd.read_csv(results / "significance.tsv", sep="\t")
    assert len(sig) == 2 * 2 * 3  # selections x metrics x models other than the baseline
    assert {"p_corrected", "p_corrected_holm", "p_wilcoxon", "p_welch_independent"} <= set(sig)
    assert {"p_worse", "p_equivalent", "p_better", "detectable_diff"} <= set(sig)
    figures = sorted(p.name for p in (results / "figures").iterdir())
    # 5 figures x 2 selections x (png, pdf), the separation quality beside the gains, the
    # gains against the quality, and the training curves
    assert len(figures) == 5 * 2 * 2 + 2 + 2 + 2 and "separation_quality.png" in figures
    assert "gain_quality.png" in figures and "curves.png" in figures
    assert all((results / "figures" / name).stat().st_size > 1000 for name in figures)


def test_report(runs_dir):
    run_snakemake(runs_dir, "--report", "results/report.html", config=CONFIG)
    html = (runs_dir / "results/report.html").read_text()
    assert len(html) > 100_000
    for text in (
        "table1.tsv",
        "significance.tsv",
        "f1_min_test_loss.png",
        "Nadeau-Bengio",
        "genre_differences.tsv",
        "separation_quality.png",
        "summary.tsv",
        "region of practical equivalence",
        "curves.png",
    ):
        assert text in html


def test_a_figure_setting_redraws_only_the_figures(runs_dir):
    proc = run_snakemake(runs_dir, "--dry-run", config={**CONFIG, "figures": {"dpi": 72}})
    assert dry_run_jobs(proc)[0] == {
        "plot_figures": 2,
        "plot_curves": 1,
        "plot_quality": 1,
        "relate_gain_quality": 1,
        "all": 1,
    }


def _default_sigint():
    # a command started in the background by a non-interactive shell (`cmd &`) inherits SIGINT
    # ignored, and Python then leaves it ignored: Snakemake must see Ctrl-C as a terminal gives it
    signal.signal(signal.SIGINT, signal.SIG_DFL)


#: The interrupted run trains one seed per job, so that its resumed metrics, compared with the
#: first run's (blocks of two seeds), also show that a seed gives the same metrics alone in its
#: job as after another seed in one process, and that a second complete run repeats the first.
ONE_SEED_PER_JOB = {**CONFIG, "seeds_per_job": 1}


def _start(workdir):
    return subprocess.Popen(
        snakemake_command(workdir, config=ONE_SEED_PER_JOB),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_default_sigint,
    )


def _wait_for_training(proc, workdir, timeout=600):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = processes_running("train_model.py", workdir)
        if pids:
            return pids
        assert proc.poll() is None, "the run ended before any training started"
        time.sleep(0.2)
    raise AssertionError("no training job started")


def _copy_before_training(runs_dir, workdir):
    """A copy of the finished run (its times and Snakemake's records kept) without its training
    runs, so that what follows plans the training jobs and what reads them."""
    shutil.copytree(runs_dir, workdir, symlinks=True, ignore=shutil.ignore_patterns("locks"))
    shutil.rmtree(workdir / "results/runs")
    (workdir / "results/metrics.tsv").unlink()


def test_interrupted_runs_resume_to_identical_results(runs_dir, tmp_path):
    tmp_path = tmp_path / "run"
    _copy_before_training(runs_dir, tmp_path)
    # Ctrl-C to Snakemake while a training job runs
    proc = _start(tmp_path)
    _wait_for_training(proc, tmp_path)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=300) != 0
    # resume; a training job is killed outright
    proc = _start(tmp_path)
    os.kill(_wait_for_training(proc, tmp_path)[0], signal.SIGKILL)
    assert proc.wait(timeout=900) != 0
    # resume to the end
    run_snakemake(tmp_path, config=ONE_SEED_PER_JOB)
    first = (runs_dir / "results/metrics.tsv").read_bytes()
    assert (tmp_path / "results/metrics.tsv").read_bytes() == first
    assert not [p for p in (tmp_path / "results").rglob("*") if ".tmp" in p.name]


def _snapshot(workdir):
    """(mtime, size) of every file the workflow wrote (results, logs, benchmarks)."""
    files = {}
    for top in ("results", "logs", "benchmarks"):
        for path in (workdir / top).rglob("*"):
            if path.is_file():
                stat = path.stat()
                files[str(path.relative_to(workdir))] = (stat.st_mtime_ns, stat.st_size)
    return files


def _declared(proc) -> set[str]:
    """Outputs, logs and benchmarks of the jobs a run started; every job must be forced."""
    text = proc.stdout + proc.stderr
    blocks = re.findall(r"^(?:local)?rule \w+:\n((?:    .*\n)+)", text, re.MULTILINE)
    assert blocks, text
    files = set()
    for block in blocks:
        fields = dict(re.findall(r"^    (\w+): (.*)$", block, re.MULTILINE))
        assert fields["reason"] == "Forced execution", block
        for key in ("output", "log", "benchmark"):
            files.update(f for f in fields.get(key, "").split(", ") if f)
    return files


# Re-run one job of every rule, in groups of jobs that do not depend on each other, the
# downstream groups first (a re-run job leaves what is downstream of it out of date).
FORCED = [
    ["results/corpus/0.sha256"],  # the 6 songs are one block of the per-song steps
    ["results/segments/0.sha256"],
    ["results/songs.tsv"],
    ["results/splits/seed1.tsv", "results/stems/hpss/0.sha256", "results/mels/none/0.sha256"],
    ["results/mels/hpss/0.sha256"],
    ["results/tensors/hpss/stems3.npy", "results/runs/hpss/novox-conv/seeds1-2.sha256"],
    ["results/metrics.tsv"],
    ["results/table1.md", "results/significance.tsv"],
    ["results/figures/f1_last_epoch.png"],
]


def test_no_step_writes_or_deletes_what_it_does_not_own(runs_dir):
    for targets in reversed(FORCED):
        before = _snapshot(runs_dir)
        owned = _declared(run_snakemake(runs_dir, *targets, "--force", config=CONFIG))
        after = _snapshot(runs_dir)
        assert set(targets) <= owned
        # a block job's folder output holds its files: every file inside it is its own
        folders = [path for path in owned if (runs_dir / path).is_dir()]
        owned |= {f for f in after if any(f.startswith(folder + "/") for folder in folders)}
        assert set(before) <= set(after), "a step deleted a file it does not own"
        changed = {f for f in after if before.get(f) != after[f]}
        assert changed - owned == set()
        assert set(targets) <= changed


def test_the_experiment_benchmark_reads_a_finished_run(runs_dir, tmp_path, capsys):
    import benchmark_experiment as bench

    overlay = runs_dir / "overlay.yaml"  # the run's own config
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    mapping = bench.planned_benchmarks(fresh, [overlay], cores=2)
    assert {rule for rule in mapping.values() if "train" in rule} == {"train_model"}
    rows = bench.benchmark_rows(runs_dir, mapping)
    assert len(rows["train_model"]) == 4 and len(rows["split_songs"]) == 2
    assert bench.stage_of("train_model") == "training"
    assert bench.stage_of("separate_hpss") == "separation"
    spans = bench.job_spans(runs_dir)
    assert len(spans["train_model"]) == 4
    runs = bench.records(runs_dir)
    bench.print_training(runs, rows["train_model"])
    assert "training: 4 jobs of 2 seeds (median), 8 runs" in capsys.readouterr().out

    bench.loop_main(runs_dir, [overlay], threads=2)
    loop = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert loop["runs"] == 8 and loop["imports_s"] >= 0
    for run in runs:
        key = f"{run['separator']}/{run['model']}/{run['seed']}"
        assert 0 <= loop["f1"][key] <= 1


@pytest.fixture(scope="module")
def validation_run(tmp_path_factory):
    """The tiny corpus with a validation part (one song of each genre's two training songs),
    two models of two epochs: everything."""
    workdir = tmp_path_factory.mktemp("validation")
    synthetic = {**TINY["dataset"]["synthetic"], "songs_per_artist": 1}  # an artist a song
    config = {
        **CONFIG,
        "dataset": {"synthetic": synthetic},
        "validation": 0.3,
        "epochs": 2,
        "models": {
            "mix-conv": {**SMALL, "enabled": False},
            "novox-conv": SMALL,
            "stems3-conv": SMALL,
            "stems3-sepconv": {**SMALL, "enabled": False},
        },
    }
    run_snakemake(workdir, config=config)
    return workdir


def test_a_validation_part_is_held_out_of_every_split_and_chooses_a_third_epoch(validation_run):
    results = validation_run / "results"
    for seed in (1, 2):
        split = pd.read_csv(results / f"splits/seed{seed}.tsv", sep="\t")
        sides = split.groupby(["genre", "subset"]).size().unstack()
        assert (sides[["train", "validation", "test"]] == 1).all().all()  # 3 songs a genre
        held = set(split.loc[split["subset"] == "validation", "song"])
        records = list(results.glob(f"runs/*/*/*/seed{seed}.json"))
        assert len(records) == 2  # every model of the seed reads the same split
        for path in records:
            record = json.loads(path.read_text())
            assert (record["n_train"], record["n_validation"], record["n_test"]) == (2, 2, 2)
            assert len(record["history"]["val_loss"]) == 2
            assert set(record["selections"]) == {"min_test_loss", "last_epoch", "min_val_loss"}
        assert held and not held & set(split.loc[split["subset"] != "validation", "song"])
    metrics = pd.read_csv(results / "metrics.tsv", sep="\t")
    assert list(metrics["selection"].unique()) == ["min_test_loss", "last_epoch", "min_val_loss"]
    assert (metrics["n_validation"] == 2).all() and (metrics["n_train"] == 2).all()
    assert (
        "## min_val_loss: epoch of minimum validation loss" in (results / "table1.md").read_text()
    )
    significance = pd.read_csv(results / "significance.tsv", sep="\t")
    assert "min_val_loss" in set(significance["selection"])
    assert (results / "figures/f1_min_val_loss.png").stat().st_size > 10_000
    history = pd.read_csv(results / "history.tsv", sep="\t")
    assert set(history["subset"]) == {"train", "validation", "test"}
    assert len(history) == 2 * 2 * 3 * 2  # runs x seeds x subsets x epochs
    assert (results / "figures/curves.png").stat().st_size > 10_000


def test_without_a_validation_part_the_runs_are_measured_as_before(runs_dir):
    """No validation songs, two selections, the metrics table's columns of before, and the
    training curves of the training and test songs."""
    split = pd.read_csv(runs_dir / "results/splits/seed1.tsv", sep="\t")
    assert set(split["subset"]) == {"train", "test"}
    metrics = pd.read_csv(runs_dir / "results/metrics.tsv", sep="\t")
    assert list(metrics.columns) == [
        "separator",
        "model",
        "seed",
        "selection",
        "epoch",
        "accuracy",
        "f1_macro",
        "test_loss",
        "n_train",
        "n_test",
        "params",
    ]
    assert list(metrics["selection"].unique()) == ["min_test_loss", "last_epoch"]
    history = pd.read_csv(runs_dir / "results/history.tsv", sep="\t")
    assert set(history["subset"]) == {"train", "test"}
    assert (runs_dir / "results/figures/curves.png").stat().st_size > 10_000
