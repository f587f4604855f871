"""The environments: conda files that Snakemake can build, pins that agree with uv.lock, and
the learned separators' locks as inputs of the rules that run in them."""

import re
import shutil

import conda_env
import pytest
import yaml
from workflow_utils import run_snakemake


def test_conda_environment_files_are_buildable(repo):
    for name in ("main.yaml", "spleeter.yaml", "demucs.yaml"):
        env = yaml.safe_load((repo / "envs" / name).read_text())
        assert set(env) == {"channels", "dependencies"}, name
        assert "conda-forge" in env["channels"]
        assert any(str(dep).startswith("python=3.11") for dep in env["dependencies"])
        # Snakemake copies only the YAML file: nothing may refer to a file beside it
        pip = [dep for dep in env["dependencies"] if isinstance(dep, dict)]
        for section in pip:
            assert not [line for line in section["pip"] if line.startswith("-")], name


@pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not on PATH")
def test_conda_pins_match_the_lock(repo):
    env = yaml.safe_load((repo / "envs" / "main.yaml").read_text())
    (pip,) = [dep["pip"] for dep in env["dependencies"] if isinstance(dep, dict)]
    locked = conda_env.locked_requirements()
    assert pip == locked, "envs/main.yaml is out of date: run uv run python tools/conda_env.py"
    assert len(locked) > 100 and all(re.match(r"^[A-Za-z0-9_.-]+==\S+", line) for line in locked)
    assert (repo / "envs" / "main.yaml").read_text() == conda_env.render(locked)


@pytest.mark.workflow
def test_the_separators_locks_are_inputs_of_their_rules(repo, tmp_path):
    """Each learned separator's rules take its lock as an input and run its own script in its
    own project. The rules are made in a loop; the dry run shows the commands as the rules
    were defined, and the runs of tests/test_workflow_spleeter.py and test_workflow_demucs.py
    show them as their jobs format them, after the loop."""
    proc = run_snakemake(
        tmp_path,
        "results/mels/spleeter/0.sha256",  # the 4 songs: one block of the per-song steps
        "results/mels/demucs/0.sha256",
        "--dry-run",
        "--printshellcmds",
        config={
            "dataset": {"synthetic": {"genres": {"house": 2, "techno": 2}, "songs_per_artist": 1}},
            "separators": ["spleeter", "demucs"],
            "song_blocks": 1,
            "spleeter": {"blocks": 1},
            "demucs": {"blocks": 1},
        },
    )
    jobs = re.findall(
        r"^(?:local)?rule (\w+):\n((?:    .*\n)+)Shell command: (.*)$", proc.stdout, re.M
    )
    inputs = {rule: re.search(r"^    input: (.*)$", block, re.M) for rule, block, _ in jobs}
    shells = {rule: shell for rule, _, shell in jobs}
    for separator in ("spleeter", "demucs"):
        lock = str(repo / "envs" / separator / "uv.lock")
        project = f"--project {repo / 'envs' / separator} "
        for rule in (f"get_{separator}_model", f"separate_{separator}"):
            assert lock in inputs[rule][1].split(", "), rule
            script = f"{repo / 'workflow' / 'scripts' / rule}.py "
            assert project in shells[rule] and script in shells[rule], shells[rule]
            assert f"/{separator}/" in shells[rule].split(" --log ")[1], shells[rule]
