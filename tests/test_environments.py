import shutil
import subprocess

import pytest


@pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not on PATH")
def test_conda_requirements_match_the_lock(repo):
    exported = subprocess.run(
        [
            "uv",
            "export",
            "--no-dev",
            "--no-hashes",
            "--no-emit-project",
            "--frozen",
            "--format",
            "requirements-txt",
            "--quiet",
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pinned = (repo / "envs" / "main-requirements.txt").read_text()

    def pins(text):
        return sorted(
            line
            for line in text.splitlines()
            if line and not line.startswith("#") and not line.lstrip().startswith("#")
        )

    assert pins(pinned) == pins(exported), (
        "envs/main-requirements.txt is out of date; regenerate it as envs/main.yaml says"
    )
