"""The workflow used as a Snakemake module from another folder, as snakedeploy and the
workflow catalog deploy it: `module` + `use rule * from ... as sepconv_*`."""

import subprocess

import pytest
from workflow_utils import REPO, SNAKEMAKE, dry_run_jobs

from sepconv.blocks import song_block

pytestmark = pytest.mark.workflow


def user_workflow(folder, overlay: str = ""):
    (folder / "Snakefile").write_text(
        f"""configfile: "{REPO}/config/config.yaml"


config["dataset"] = config.get("dataset", {{}})
{overlay}


module sepconv:
    snakefile:
        "{REPO}/Snakefile"
    config:
        config


use rule * from sepconv as sepconv_*
"""
    )


def snakemake(folder, *args):
    proc = subprocess.run(
        [str(SNAKEMAKE), *args, "--cores", "2"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


def test_the_default_experiment_plans_as_a_module(tmp_path):
    user_workflow(tmp_path)
    counts = dry_run_jobs(snakemake(tmp_path, "sepconv_all", "--dry-run"))[0]
    # mix-conv once, the three models on separated stems per separator (oracle, hpss): 7
    # (separator, model) pairs, 50 seeds in blocks of 25
    assert {rule: n for rule, n in counts.items() if "train_model" in rule} == {
        "sepconv_train_model": 14
    }
    # the mixture's, oracle's and hpss's per block of songs: 66 songs in 8 blocks
    assert counts["sepconv_compute_mel"] == 3 * 8
    assert counts["sepconv_measure_separation"] == 8  # hpss's, a block at a time
    assert counts["sepconv_collect_quality"] == 1
    assert counts["sepconv_split_songs"] == 50


def test_a_module_job_runs_from_another_folder(tmp_path):
    user_workflow(
        tmp_path,
        'config["dataset"]["synthetic"] = {"genres": {"house": 2, "techno": 2, "deep-house": 0, '
        '"trance": 0, "drum-and-bass": 0, "dubstep": 0}, "duration": [16.0, 17.0], '
        '"songs_per_artist": 1}',
    )
    block = song_block("house-01", 8)
    snakemake(tmp_path, f"results/mels/hpss/{block}.sha256")
    assert (tmp_path / f"results/mels/hpss/{block}/house-01.npz").stat().st_size > 100_000
    assert "done in" in (tmp_path / f"logs/stems/hpss/{block}.log").read_text()
