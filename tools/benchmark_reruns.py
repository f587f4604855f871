"""What a change re-runs, on a finished run: the dry runs a user would make after adding or
removing songs, after editing a docstring, after editing code.

    uv run snakemake --cores all --directory RUN          # a finished run first
    uv run python tools/benchmark_reruns.py --workdir RUN  # then this
    uv run python tools/benchmark_reruns.py --workdir RUN --genre trance --songs 6

For k = 1 .. ``--songs`` it writes an overlay with k more (then k fewer) songs of ``--genre``
of the synthetic corpus, runs ``snakemake --dry-run`` in ``RUN`` and prints, per per-song rule,
the jobs planned beside the blocks that gain (or lose) a song by ``sepconv.blocks``: each
must be at most k. Then, in a copy of the workflow's files (the repository is not touched),
it edits the first docstring of ``sepconv/errors.py`` and, separately, adds a line of code to
``sepconv/separators/hpss.py``, and prints what each dry run plans.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
#: The rules with one job per block of songs (a learned separator's blocks for its own).
PER_SONG = (
    "synthesize_song",
    "segment_song",
    "separate_oracle",
    "separate_hpss",
    "separate_spleeter",
    "separate_demucs",
    "compute_mel",
    "measure_separation",
)


def dry_run(workdir: Path, overlays: list[Path], snakefile: Path = REPO / "Snakefile") -> dict:
    """Rule -> jobs planned by a dry run of the default target in ``workdir``."""
    command = [
        *(sys.executable, "-m", "snakemake", "--dry-run", "--quiet", "rules", "--cores", "2"),
        *("--snakefile", str(snakefile), "--directory", str(workdir)),
        *(["--configfile", *map(str, overlays)] if overlays else []),
    ]
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"dry run failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    text = proc.stdout + proc.stderr
    return {m[1]: int(m[2]) for m in re.finditer(r"^(\w+)\s+(\d+)$", text, re.MULTILINE)}


def changed_blocks(config: dict, before: list[str], after: list[str]) -> dict[str, int]:
    """Step -> the blocks whose songs differ between two song lists (``songs`` for the
    per-song steps, and each learned separator of ``config``)."""
    from sepconv.blocks import PER_SONG as SONGS
    from sepconv.blocks import SongBlocks
    from sepconv.plan import LEARNED

    learned = {s: config[s]["blocks"] for s in LEARNED if s in config["separators"]}
    old = SongBlocks(before, config["song_blocks"], learned)
    new = SongBlocks(after, config["song_blocks"], learned)
    return {step: len(old.changed(new, step)) for step in (SONGS, *learned)}


def song_ids(config: dict) -> list[str]:
    from sepconv.corpus.genres import corpus_table

    synthetic = config["dataset"]["synthetic"]
    return list(corpus_table(synthetic["genres"], synthetic["songs_per_artist"])["song"])


def print_plans(workdir: Path, overlays: list[Path], genre: str, songs: int, tmp: Path) -> None:
    from sepconv.checks import load_config

    config = load_config(*overlays)
    base = dict(config["dataset"]["synthetic"]["genres"])
    rules = [r for r in PER_SONG if r in _rules_of(config)]
    print(f"{'songs':>6} {'blocks':>7}  " + " ".join(f"{r[:18]:>18}" for r in rules))
    for sign in (1, -1):
        for k in range(1, songs + 1):
            count = base[genre] + sign * k
            if count < 3:  # a genre needs songs by two artists on each side of a split
                break
            overlay = tmp / f"songs{sign * k:+d}.yaml"
            genres = {**base, genre: count}
            overlay.write_text(yaml.safe_dump({"dataset": {"synthetic": {"genres": genres}}}))
            changed = load_config(*overlays, overlay)
            blocks = changed_blocks(config, song_ids(config), song_ids(changed))
            plan = dry_run(workdir, [*overlays, overlay])
            cells = " ".join(f"{plan.get(r, 0):>18}" for r in rules)
            learned = ", ".join(f"{s} {n}" for s, n in blocks.items() if s != "songs")
            print(
                f"{sign * k:>+6} {blocks['songs']:>7}  {cells}"
                + (f"  (learned blocks changed: {learned})" if learned else ""),
                flush=True,
            )


def _rules_of(config: dict) -> set[str]:
    rules = {"segment_song", "separate_oracle", "compute_mel", "measure_separation"}
    if config["dataset"]["source"] == "synthetic":
        rules.add("synthesize_song")
    rules |= {f"separate_{s}" for s in config["separators"]}
    return rules


def print_edits(workdir: Path, overlays: list[Path], tmp: Path) -> None:
    """Dry runs after a docstring edit and after a code edit, in a copy of the workflow."""
    copy = tmp / "workflow-copy"
    copy.mkdir()
    shutil.copy(REPO / "Snakefile", copy / "Snakefile")
    for folder in ("workflow", "config", "envs", "profiles"):
        shutil.copytree(
            REPO / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__", ".venv")
        )
    library = copy / "workflow" / "scripts" / "sepconv"
    errors = library / "errors.py"
    text = errors.read_text()
    errors.write_text(text.replace('"""', '"""An edited docstring. ', 1))
    plan = dry_run(workdir, overlays, copy / "Snakefile")
    print(f"\na docstring of sepconv/errors.py edited: {sum(plan.values())} jobs planned {plan}")
    errors.write_text(text)
    hpss = library / "separators" / "hpss.py"
    hpss.write_text(hpss.read_text() + "\nEDITED = True\n")
    plan = dry_run(workdir, overlays, copy / "Snakefile")
    print(f"a line of code added to sepconv/separators/hpss.py: {plan}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, required=True, help="a finished run's folder")
    parser.add_argument("--configfile", action="append", default=[], type=Path, help="overlay(s)")
    parser.add_argument("--genre", default="house")
    parser.add_argument("--songs", type=int, default=12, help="up to this many more and fewer")
    args = parser.parse_args(argv)
    overlays = [path.resolve() for path in args.configfile]
    workdir = args.workdir.resolve()
    nothing = dry_run(workdir, overlays)
    if nothing:
        raise SystemExit(f"{workdir} is not a finished run of this config: {nothing} planned")
    with tempfile.TemporaryDirectory(prefix="sepconv-reruns-") as tmp:
        print_plans(workdir, overlays, args.genre, args.songs, Path(tmp))
        print_edits(workdir, overlays, Path(tmp))


if __name__ == "__main__":
    main()
