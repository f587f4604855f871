"""What a change re-runs: a new separator plans only its own spectrograms, and an edited
library module re-runs exactly the jobs whose steps import it, and what depends on them.

The workflow is copied into a temporary folder so that its library can be edited there.
"""

import re
import shutil

import pytest
from workflow_utils import REPO, TINY, run_snakemake

pytestmark = pytest.mark.workflow
#: blocks of about 4 songs: the 6 songs in 2 blocks, and 7 still in 2
CONFIG = {**TINY, "separators": ["hpss"], "songs_per_job": 4}
BLOCKS = 2


def plan(proc) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Job counts per rule, and (rule, wildcards) of every job, of a dry run."""
    text = proc.stdout
    table = text.split("Job stats:")[1].split("total")[0]
    counts = {m[1]: int(m[2]) for m in re.finditer(r"^(\w+)\s+(\d+)$", table, re.MULTILINE)}
    jobs = re.findall(r"^(?:local)?rule (\w+):\n(?:\s+.*\n)*?\s+wildcards: ([^\n]*)", text, re.M)
    return counts, jobs


@pytest.fixture(scope="module")
def copy_run(tmp_path_factory):
    """A copy of the workflow, run to the tensors on the tiny corpus with hpss."""
    copy = tmp_path_factory.mktemp("workflow")
    shutil.copy(REPO / "Snakefile", copy / "Snakefile")
    for folder in ("workflow", "config", "envs", "profiles"):
        shutil.copytree(
            REPO / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__", ".venv")
        )
    workdir = copy / "run"
    run_snakemake(workdir, "tensors", config=CONFIG, snakefile=copy / "Snakefile")
    return copy, workdir


def test_a_new_separator_plans_only_its_own_spectrograms(copy_run):
    copy, workdir = copy_run
    config = {**CONFIG, "separators": ["hpss", "oracle"]}
    proc = run_snakemake(
        workdir, "tensors", "--dry-run", config=config, snakefile=copy / "Snakefile"
    )
    counts, jobs = plan(proc)
    assert counts == {
        "separate_oracle": BLOCKS,
        "compute_mel": BLOCKS,
        "stack_tensor": 3,  # oracle's novox, stems3, stems4
        "tensors": 1,
    }
    mels = [wildcards for rule, wildcards in jobs if rule == "compute_mel"]
    assert all("separator=oracle" in w for w in mels)


def test_an_edited_library_module_reruns_the_jobs_that_import_it(copy_run):
    copy, workdir = copy_run
    snakefile = copy / "Snakefile"
    hpss = copy / "workflow/scripts/sepconv/separators/hpss.py"
    original = hpss.read_text()
    try:
        hpss.touch()  # newer, same content: nothing to do
        proc = run_snakemake(workdir, "tensors", "--dry-run", config=CONFIG, snakefile=snakefile)
        assert "Nothing to be done" in proc.stdout + proc.stderr
        hpss.write_text(original + "\n# an edit\n")
        proc = run_snakemake(workdir, "tensors", "--dry-run", config=CONFIG, snakefile=snakefile)
        counts, jobs = plan(proc)
        assert counts == {
            "separate_hpss": BLOCKS,
            "compute_mel": BLOCKS,
            "stack_tensor": 3,  # hpss's novox, stems3, stems4; not the mixture's
            "tensors": 1,
        }
        mels = [wildcards for rule, wildcards in jobs if rule == "compute_mel"]
        assert all("separator=hpss" in w for w in mels)
        assert sorted(w.split("block=")[1] for w in mels) == ["0", "1"]
    finally:
        hpss.write_text(original)


def test_a_new_song_plans_one_job_per_step(copy_run):
    """House-04 joins one of the 2 blocks: that block's per-song jobs, and what holds every
    song (the song table, the tensors)."""
    copy, workdir = copy_run
    genres = {**TINY["dataset"]["synthetic"]["genres"], "house": 4}
    config = {
        **CONFIG,
        "dataset": {"synthetic": {**TINY["dataset"]["synthetic"], "genres": genres}},
    }
    proc = run_snakemake(
        workdir, "tensors", "--dry-run", config=config, snakefile=copy / "Snakefile"
    )
    counts, jobs = plan(proc)
    assert counts == {
        "synthesize_song": 1,
        "write_song_table": 1,
        "segment_song": 1,
        "separate_hpss": 1,
        "compute_mel": 2,  # the mixture's and the hpss stems' spectrograms of its block
        "stack_tensor": 4,
        "tensors": 1,
    }
