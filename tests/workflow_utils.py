"""Run Snakemake itself on small configs in a temporary directory."""

import functools
import os
import re
import subprocess
import sys
from pathlib import Path

import audioread.ffdec
import yaml

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = Path(sys.executable).parent / "snakemake"

#: what a file that no decoder reads is called, by whether ffmpeg is installed
UNDECODABLE = (
    "neither libsndfile (wav, flac, ogg, mp3, ...) nor ffmpeg can decode it"
    if audioread.ffdec.available()
    else "not in a format that libsndfile recognises (wav, flac, ogg, mp3, ...), and ffmpeg, "
    "which decodes more (m4a, aac, ...), is not installed"
)

#: A tiny corpus: 3 songs in each of 2 genres, short songs.
TINY = {
    "dataset": {
        "synthetic": {
            "genres": {
                "house": 3,
                "deep-house": 0,
                "techno": 3,
                "trance": 0,
                "drum-and-bass": 0,
                "dubstep": 0,
            },
            "duration": [16.0, 17.0],
        }
    },
}


def snakemake_command(
    workdir: Path, *args: str, config: dict | None = None, snakefile: Path | None = None
) -> list[str]:
    """The command line that runs the workflow (``snakefile``, default the repository's) in
    ``workdir`` with ``config`` as the overlay."""
    workdir.mkdir(parents=True, exist_ok=True)
    # targets and flags first: --configfile takes every word after it
    cmd = [
        str(SNAKEMAKE),
        *args,
        "--snakefile",
        str(snakefile or REPO / "Snakefile"),
        "--directory",
        str(workdir),
        "--cores",
        "2",
    ]
    if config is not None:
        overlay = workdir / "overlay.yaml"
        overlay.write_text(yaml.safe_dump(config))
        cmd += ["--configfile", str(overlay)]
    return cmd


def run_snakemake(
    workdir: Path,
    *args: str,
    config: dict | None = None,
    check: bool = True,
    timeout: int = 900,
    snakefile: Path | None = None,
) -> subprocess.CompletedProcess:
    """Run the workflow in ``workdir`` with ``config`` as the overlay; return the process."""
    cmd = snakemake_command(workdir, *args, config=config, snakefile=snakefile)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"snakemake failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-6000:]}"
        )
    return proc


def processes_running(script: str, root: Path) -> list[int]:
    """Pids of the processes running the step script ``script`` of a run in ``root``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if script in cmdline and str(root) in cmdline:
            pids.append(int(entry.name))
    return pids


def in_project_env(
    project: str, *args: str, env: dict | None = None, check: bool = True, timeout: int = 1800
) -> subprocess.CompletedProcess:
    """Run ``python ARGS`` in a separator's uv project, ``envs/PROJECT`` (created on first use),
    with the workflow's library on the path; return the process."""
    cmd = ["uv", "run", "--quiet", "--locked", "--project", str(REPO / "envs" / project), "python"]
    environ = {k: v for k, v in {**os.environ, **(env or {})}.items() if k != "VIRTUAL_ENV"}
    environ["PYTHONPATH"] = str(REPO / "workflow" / "scripts")  # the library, not installed there
    proc = subprocess.run(
        [*cmd, *args], capture_output=True, text=True, env=environ, timeout=timeout
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")
    return proc


def song_folder(workdir: Path, kind: str, song: str) -> str:
    """The block folder of a finished run that holds ``song``'s files of ``kind``
    (``segments``, ``stems/hpss``, ``mels/none``, ...), found through the blocks' listings."""
    from sepconv.blocks import items_in

    folders = sorted(p for p in (workdir / "results" / kind).iterdir() if p.is_dir())
    return items_in(folders)[song]


def segment_path(workdir: Path, song: str) -> Path:
    from sepconv.layout import segment_file

    return Path(segment_file(song_folder(workdir, "segments", song), song))


def stem_path(workdir: Path, separator: str, song: str, stem: str) -> Path:
    from sepconv.layout import stem_file

    return Path(stem_file(song_folder(workdir, f"stems/{separator}", song), song, stem))


def mel_path(workdir: Path, separator: str, song: str) -> Path:
    from sepconv.layout import mel_file

    return Path(mel_file(song_folder(workdir, f"mels/{separator}", song), song))


def dry_run_jobs(proc) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """What a dry run plans (its process, or what it printed): the job count per rule (its
    'Job stats' table) and (rule, wildcards) of every job that has wildcards; nothing when
    there is nothing to be done."""
    text = proc if isinstance(proc, str) else proc.stdout + proc.stderr
    if "Job stats:" not in text:
        return {}, []
    table = text.split("Job stats:")[1].split("total")[0]
    counts = {m[1]: int(m[2]) for m in re.finditer(r"^(\w+)\s+(\d+)$", table, re.MULTILINE)}
    jobs = re.findall(r"^(?:local)?rule (\w+):\n(?:\s+.*\n)*?\s+wildcards: ([^\n]*)", text, re.M)
    return counts, jobs


def write_clip(path: Path, seconds: float, seed: int, sr: int = 22_050) -> Path:
    """A mono clip, a tone with noise whose pitch the seed sets, at a rate other than the
    segments' (so it resamples): a song for the tests of sheets and folders."""
    import numpy as np
    import soundfile as sf

    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * sr)) / sr
    tone = 0.3 * np.sin(2 * np.pi * (110 + 20 * seed) * t) * (1 + np.sin(2 * np.pi * 2 * t)) / 2
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, (tone + 0.05 * rng.standard_normal(t.size)).astype(np.float32), sr)
    return path


@functools.cache
def workflow_rules() -> frozenset[str]:
    """Every rule of the workflow, as Snakemake lists them (the learned separators' rules are
    made in a loop, so the rule files alone do not name them)."""
    proc = subprocess.run(
        [str(SNAKEMAKE), "--list-rules", "--snakefile", str(REPO / "Snakefile")],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    return frozenset(
        line.strip() for line in proc.stdout.splitlines() if re.fullmatch(r"\s*\w+", line)
    )
