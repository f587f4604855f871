"""The cluster path against a real scheduler: a throw-away single-node SLURM on this machine
(``tools/slurm_local.sh``), the workflow submitted through ``--profile profiles/slurm`` to
completion, training on the node's fake GPU.

Needs root and Debian's slurmctld, slurmd, slurm-client and munge (``.ci/run`` installs
them); without them the test is skipped and says why.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from workflow_utils import REPO, SNAKEMAKE, TINY

pytestmark = pytest.mark.workflow

SCRIPT = REPO / "tools" / "slurm_local.sh"
CONFIG = {
    **TINY,
    "song_blocks": 1,
    "separators": ["hpss"],
    "trials": 2,
    "epochs": 1,
    "models": {"mix-conv": {"enabled": False}, "stems3-conv": {"enabled": False}},
}
TRAININGS = [f"hpss/{m}/seeds1-2/seed{s}" for m in ("novox-conv", "stems3-sepconv") for s in (1, 2)]


def _why_not() -> str | None:
    if os.geteuid() != 0:
        return "starting the SLURM daemons needs root"
    missing = [
        c for c in ("munged", "slurmctld", "slurmd", "sbatch", "squeue") if not shutil.which(c)
    ]
    if missing:
        return f"{', '.join(missing)} not installed: run 'tools/slurm_local.sh install' (Debian)"
    conf = Path("/etc/slurm/slurm.conf")
    if conf.exists() and "sepconv tools/slurm_local.sh" not in conf.read_text():
        return "this machine has its own /etc/slurm/slurm.conf; the test does not touch it"
    return None


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    why = _why_not()
    if why:
        pytest.skip(why)
    state = tmp_path_factory.mktemp("slurm")
    up = subprocess.run([SCRIPT, "up", state], capture_output=True, text=True, timeout=120)
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        yield state
    finally:
        subprocess.run([SCRIPT, "down", state], capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def slurm_run(cluster, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("slurm-run")
    overlay = workdir / "overlay.yaml"
    overlay.write_text(yaml.safe_dump(CONFIG))
    # without an accounting database there is no sacct: squeue reports on jobs for
    # MinJobAge (300 s) after they end. Snakemake answers SIGTERM by waiting for its
    # running jobs, so the time limit ends with SIGKILL after 30 s more.
    # Table 1 and the tests: the steps of every kind of job (per-song blocks, tensors,
    # training on the GPU, local rules), without the separation quality's oracle stems
    cmd = [
        *("timeout", "-k", "30", "900", SNAKEMAKE),
        *("results/table1.md", "results/significance.tsv"),
        *("--profile", REPO / "profiles" / "slurm"),
        *("--snakefile", REPO / "Snakefile", "--directory", workdir),
        *("--slurm-status-command", "squeue", "--slurm-init-seconds-before-status-checks", "5"),
        *("--configfile", overlay),
    ]
    env = {k: v for k, v in os.environ.items() if k != "CUDA_VISIBLE_DEVICES"}
    proc = subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, timeout=960, env=env
    )
    (workdir / "snakemake.out").write_text(proc.stdout + proc.stderr)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-8000:]
    return workdir, proc.stdout + proc.stderr


def test_the_workflow_completes_through_slurm(slurm_run):
    workdir, _ = slurm_run
    for name in ("metrics.tsv", "table1.tsv", "significance.tsv"):
        assert (workdir / "results" / name).stat().st_size > 0
    runs = workdir / "results" / "runs"
    assert sorted(str(p.relative_to(runs)) for p in runs.rglob("*.json")) == sorted(
        f"{run}.json" for run in TRAININGS
    )


def test_jobs_are_grouped_into_few_submissions(slurm_run):
    """The per-song steps of the 6 songs' one block (synthesis, segments, hpss stems,
    spectrograms) in one submission, one per stacked tensor and one per training job (2
    models x seeds 1-2): 5 submissions where ungrouped jobs would make 8."""
    _, out = slurm_run
    submitted = [line for line in out.splitlines() if "has been submitted with SLURM jobid" in line]
    assert len(submitted) == 5, "\n".join(submitted)
    assert sum("group_per_song" in line for line in submitted) == 1
    assert sum("rule_train_model" in line for line in submitted) == 2


def test_training_uses_the_gpu_slurm_gave_it(slurm_run):
    workdir, _ = slurm_run
    for run in TRAININGS:
        log = (workdir / "logs" / "runs" / f"{run.rsplit('/', 1)[0]}.log").read_text()
        assert "GPU set by the scheduler or the caller: CUDA_VISIBLE_DEVICES=0" in log
        lease = {"how": "given", "visible": "0", "device": None, "slot": None}
        assert f"GPU lease {json.dumps(lease)}" in log
