"""Write envs/main.yaml, the main environment as a conda environment, from uv.lock.

    uv run python tools/conda_env.py          # rewrite envs/main.yaml
    uv run python tools/conda_env.py --check  # exit 1 when envs/main.yaml is out of date

Snakemake builds a rule's conda environment from the YAML file alone (it copies nothing the
file refers to), so every pin of the lock is written into the file itself, under ``pip:``.
tests/test_environments.py checks that the file matches the lock.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "envs" / "main.yaml"
HEADER = """\
# The main environment as a conda environment, for `snakemake --sdm conda` and for sites that
# deploy software through conda. Written by tools/conda_env.py from uv.lock (do not edit:
# run `uv run python tools/conda_env.py` after changing the lock); its Python packages are
# exactly the lock's. The usual way to run the workflow is `uv run snakemake`, which needs no
# conda. Jobs find the workflow's library (workflow/scripts/sepconv) beside their scripts.
channels:
  - conda-forge
  - nodefaults
dependencies:
  - python=3.11
  - pip
  - ffmpeg  # decodes M4A, AAC, WMA, ... for audioread
  - pip:
"""


def locked_requirements() -> list[str]:
    """The lock's packages of the main environment (no dev tools), as pip requirements."""
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
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        line.strip()
        for line in exported.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def render(requirements: list[str]) -> str:
    return HEADER + "".join(f'      - "{line}"\n' for line in requirements)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if stale")
    args = parser.parse_args(argv)
    text = render(locked_requirements())
    if args.check:
        if TARGET.read_text() != text:
            sys.exit(f"{TARGET} is out of date with uv.lock: run uv run python {__file__}")
        print(f"{TARGET} matches uv.lock")
        return
    TARGET.write_text(text)
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
