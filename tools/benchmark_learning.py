"""Benchmark the learning half at the sizes of real collections: stacking a tensor and one
training job, their peak private memory, time and disk.

    uv run python tools/benchmark_learning.py                          # 1,000 and 10,000 songs
    uv run python tools/benchmark_learning.py --songs 100000 --representation mix
    uv run python tools/benchmark_learning.py --songs 1000 --per-song 3
    uv run python tools/benchmark_learning.py --checkout /path/to/other/checkout --songs 1000

For each collection size it makes, in a fresh folder, what the per-song half would leave
behind for that many synthetic songs (the default corpus's genres scaled up): every song's
spectrogram file in its block's folder with the folder's listing (random log-mel values, made
directly, without synthesis or separation) and the song table. Then it runs the workflow's
own rules on them (``snakemake --allowed-rules stack_tensor split_songs train_model``, the
target one training job: seeds 1-1 of one model, one epoch) with ``--cores 2``, and prints
for the stacking and the training job: the peak private memory of the job's process
(``RssAnon``, polled from ``/proc`` every 20 ms: what a job holds itself; memory-mapped file
pages are the page cache's and are not counted), its peak resident memory (``VmHWM``,
those pages included), its time from its ``benchmark:`` file, and the disk taken by the
spectrograms and by the tensor.

``--representation stems3`` (the default) stacks the bass, drums and other channels of
``hpss`` spectrogram files of four channels and trains ``stems3-conv``; ``mix`` stacks the
one-channel mixture spectrograms (separator ``none``) and trains ``mix-conv``, a quarter of
the disk: 100,000 songs take about 46 GB. ``--checkout`` runs another checkout's workflow
with its own environment (``CHECKOUT/.venv``) on the same files, to set a change beside what
it replaced.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import yaml
from benchmark_planning import genres_for

REPO = Path(__file__).resolve().parents[1]
#: What each representation stacks and trains.
SETUPS = {
    "stems3": {"separator": "hpss", "channels": ["bass", "drums", "other"], "model": "stems3-conv"},
    "mix": {"separator": "none", "channels": ["mixture"], "model": "mix-conv"},
}


def overlay(songs: int, per_song: int, representation: str) -> dict:
    """A config of about ``songs`` synthetic songs (the default genres' shares) that stacks
    ``representation`` and trains its model for one seed of one epoch."""
    setup = SETUPS[representation]
    model = setup["model"]
    default_models = yaml.safe_load((REPO / "config" / "config.yaml").read_text())["models"]
    return {
        "dataset": {"synthetic": {"genres": genres_for(songs)}},
        "separators": ["hpss"],
        "segment": {"per_song": per_song},
        "representations": {representation: setup["channels"]},
        # the default models stay in the config (mappings merge): switched off
        "models": {
            **{name: {"enabled": False} for name in default_models},
            model: {"representation": representation},
        },
        "baseline": model,
        "trials": 2,
        "seeds_per_job": 1,
        "epochs": 1,
    }


def make_spectrograms(workdir: Path, config_path: Path, representation: str) -> dict:
    """Every song's spectrogram file, the block folders' listings and the song table, where
    the per-song half would leave them; returns the songs, rows and bytes written."""
    from sepconv import layout
    from sepconv.blocks import write_listing
    from sepconv.checks import load_config
    from sepconv.corpus.labels import write_labels
    from sepconv.plan import Plan, load_songs
    from sepconv.signal.features import MelParams
    from sepconv.signal.mels import MelFile

    config = load_config(config_path)
    songs = load_songs(config)
    params = MelParams.from_config(config["features"])
    plan = Plan(config, songs, "benchmark", params.segment_samples(44_100))
    separator = SETUPS[representation]["separator"]
    channels = tuple(plan.mel_channels(separator))
    per_song = config["segment"]["per_song"]
    rng = np.random.default_rng(0)
    written = 0
    for block in plan.block_names(separator):
        folder = workdir / layout.MEL_FOLDER.format(separator=separator, block=block)
        folder.mkdir(parents=True)
        for song in plan.block_songs(block, separator):
            shape = (per_song, len(channels), params.n_mels, params.n_frames)
            mels = (rng.standard_normal(shape, dtype=np.float32) * 12 - 40).astype(np.float32)
            path = layout.mel_file(folder, song)
            MelFile(song=song, separator=separator, channels=channels, mels=mels).save(path)
            written += os.path.getsize(path)
        write_listing(folder)
    write_labels(workdir / "results" / "songs.tsv", songs.reset_index(drop=True))
    return {"songs": len(songs), "rows": len(songs) * per_song, "bytes": written}


class PeakMemory(threading.Thread):
    """Polls ``/proc`` for the step scripts that Snakemake runs under ``root`` (from
    ``ROOT/.snakemake/scripts/tmpXXXX.STEP.py``) and keeps each process's peak ``RssAnon``
    and ``VmHWM`` in kB, by rule (a step script is named after its rule)."""

    SCRIPT = re.compile(r"/\.snakemake/scripts/tmp[^/.]*\.(\w+)\.py")

    def __init__(self, root: Path, interval: float = 0.02):
        super().__init__(daemon=True)
        self.root, self.interval = str(root), interval
        self.peaks: dict[str, dict[int, dict[str, int]]] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            for entry in os.scandir("/proc"):
                if not entry.name.isdigit():
                    continue
                try:
                    with open(f"/proc/{entry.name}/cmdline", "rb") as handle:
                        cmdline = handle.read().decode(errors="replace")
                    match = self.SCRIPT.search(cmdline)
                    if self.root not in cmdline or match is None:
                        continue
                    with open(f"/proc/{entry.name}/status") as handle:
                        status = dict(
                            line.split(":", 1) for line in handle.read().splitlines() if ":" in line
                        )
                except OSError:
                    continue
                if "RssAnon" not in status or "VmHWM" not in status:
                    continue  # a process that is ending has no memory left to count
                jobs = self.peaks.setdefault(match[1], {})
                peak = jobs.setdefault(int(entry.name), {"anon": 0, "hwm": 0})
                peak["anon"] = max(peak["anon"], int(status["RssAnon"].split()[0]))
                peak["hwm"] = max(peak["hwm"], int(status["VmHWM"].split()[0]))
            time.sleep(self.interval)

    def largest(self, rule: str, key: str = "anon") -> float:
        """The largest peak of ``key`` of any job of ``rule``, MB."""
        return max((peak[key] for peak in self.peaks.get(rule, {}).values()), default=0) / 1024


def job_seconds(workdir: Path, folder: str) -> float:
    """The seconds of the one job whose ``benchmark:`` file lies under ``benchmarks/folder``."""
    (path,) = (workdir / "benchmarks" / folder).rglob("*.tsv")
    with path.open() as handle:
        return float(next(csv.DictReader(handle, delimiter="\t"))["s"])


def disk(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def measure(workdir: Path, songs: int, per_song: int, representation: str, checkout: Path):
    setup = SETUPS[representation]
    config_path = workdir / "overlay.yaml"
    config_path.write_text(yaml.safe_dump(overlay(songs, per_song, representation)))
    start = time.perf_counter()
    made = make_spectrograms(workdir, config_path, representation)
    making = time.perf_counter() - start
    target = f"results/runs/{setup['separator']}/{setup['model']}/seeds1-1.sha256"
    command = [  # the target first: --allowed-rules takes every word after it
        str(checkout / ".venv" / "bin" / "snakemake"),
        target,
        *("--snakefile", str(checkout / "Snakefile"), "--directory", str(workdir)),
        *("--cores", "2", "--configfile", str(config_path), "--quiet", "rules"),
        *("--allowed-rules", "stack_tensor", "split_songs", "train_model"),
    ]
    watcher = PeakMemory(workdir)
    watcher.start()
    began = time.perf_counter()
    proc = subprocess.run(command, cwd=workdir, capture_output=True, text=True)
    wall = time.perf_counter() - began
    watcher.done.set()
    watcher.join()
    if proc.returncode != 0:
        raise SystemExit(f"snakemake failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")
    tensors = workdir / "results" / "tensors"
    rows = []
    for rule, folder in (("stack_tensor", "tensors"), ("train_model", "runs")):
        rows.append(
            {
                "rule": rule,
                "anon_mb": watcher.largest(rule, "anon"),
                "hwm_mb": watcher.largest(rule, "hwm"),
                "seconds": job_seconds(workdir, folder),
            }
        )
    return made, making, wall, disk(tensors), rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--songs", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--per-song", type=int, default=1, help="segments per song")
    parser.add_argument("--representation", choices=sorted(SETUPS), default="stems3")
    parser.add_argument("--checkout", type=Path, default=REPO, help="the workflow to run")
    parser.add_argument(
        "--workdir", type=Path, default=None, help="default: a temporary folder, removed after"
    )
    args = parser.parse_args(argv)
    root = args.workdir or Path(tempfile.mkdtemp(prefix="sepconv-learning-"))
    print(
        f"checkout {args.checkout}; {args.representation}, {args.per_song} segment(s) a song; "
        f"folders under {root}",
        flush=True,
    )
    header = (
        f"{'songs':>8} {'rows':>8} {'mels GB':>8} {'tensor GB':>9}  {'job':<13} "
        f"{'RssAnon MB':>10} {'VmHWM MB':>9} {'job s':>8}"
    )
    print(header)
    print("-" * len(header), flush=True)
    try:
        for songs in args.songs:
            workdir = root / f"songs{songs}x{args.per_song}"
            if workdir.exists():
                shutil.rmtree(workdir)
            workdir.mkdir(parents=True)
            made, making, wall, tensor_bytes, rows = measure(
                workdir, songs, args.per_song, args.representation, args.checkout.resolve()
            )
            for number, row in enumerate(rows):
                sizes = (
                    f"{made['songs']:>8,} {made['rows']:>8,} {made['bytes'] / 1e9:>8.2f} "
                    f"{tensor_bytes / 1e9:>9.2f}"
                    if number == 0
                    else " " * 36
                )
                print(
                    f"{sizes}  {row['rule']:<13} {row['anon_mb']:>10,.0f} {row['hwm_mb']:>9,.0f} "
                    f"{row['seconds']:>8.1f}"
                )
            print(
                f"{'':>36}  (spectrograms made in {making:.0f} s; snakemake {wall:.0f} s)",
                flush=True,
            )
            if args.workdir is None:
                shutil.rmtree(workdir)
    finally:
        if args.workdir is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
