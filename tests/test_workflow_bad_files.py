"""Real collections have bad files: with `dataset.bad_files: skip` they are left out and listed
with their reasons, and the run goes on with every other song, those of a bad song's block
included; without it, the run stops naming them."""

import numpy as np
import pandas as pd
import pytest
import soundfile as sf
from workflow_utils import run_snakemake, write_clip

from sepconv.signal.tensors import Tensor

pytestmark = pytest.mark.workflow
SR = 22_050
SMALL = {"filters": [4, 8], "batch_size": 2}


GOOD = [f"{genre}.{i:05d}" for genre in ("blues", "jazz") for i in range(4)]


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    """A folder in GTZAN's layout: four good songs in each of two genres, a file that holds
    no audio (the check of every header finds it) and one whose audio holds a NaN sample
    (only its segment job finds it); one block holds them all."""
    root = tmp_path_factory.mktemp("bad") / "genres"
    for seed, song in enumerate(GOOD):
        write_clip(root / song.split(".")[0] / f"{song}.wav", 12.0, seed)
    sf.write(root / "blues" / "blues.empty.wav", np.zeros((0, 1), np.float32), SR)
    audio = np.full((12 * SR, 1), 0.1, np.float32)
    audio[5000] = np.nan
    sf.write(root / "jazz" / "jazz.nan.wav", audio, SR, subtype="FLOAT")
    return root


def config_for(root, **dataset):
    return {
        "dataset": {"source": "folder", "folder": str(root), **dataset},
        "separators": ["hpss"],
        "song_blocks": 1,
        "trials": 2,
        "epochs": 1,
        "models": {
            "mix-conv": {"enabled": False},
            "stems3-sepconv": {"enabled": False},
            "novox-conv": SMALL,
            "stems3-conv": SMALL,
        },
    }


def test_without_skip_the_run_stops_naming_every_bad_file(collection, tmp_path):
    empty, nan = collection / "blues" / "blues.empty.wav", collection / "jazz" / "jazz.nan.wav"
    proc = run_snakemake(tmp_path, "tensors", config=config_for(collection), check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "1 song file cannot be used; fix or remove them and run again, or set " in output
    assert "dataset.bad_files: skip to leave them out" in output
    assert f"blues/blues.empty.wav: audio file {empty} holds no samples" in output
    assert not (tmp_path / "results").exists()  # before any job
    # with --keep-going the segment job tries every song of the block: both are named
    proc = run_snakemake(
        tmp_path, "tensors", "--keep-going", config=config_for(collection), check=False
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "2 of 10 item(s) of segment block 0 failed" in output
    assert f"audio file {empty} holds no samples" in output
    assert f"audio file {nan} holds NaN or infinite samples" in output
    assert not (tmp_path / "results/songs.tsv").exists()


def test_with_skip_the_run_completes_without_them_and_lists_them(collection, tmp_path):
    empty, nan = collection / "blues" / "blues.empty.wav", collection / "jazz" / "jazz.nan.wav"
    proc = run_snakemake(tmp_path, config=config_for(collection, bad_files="skip"))
    assert "dataset.bad_files: skip: 1 song(s) left out" in proc.stdout + proc.stderr
    excluded = pd.read_csv(tmp_path / "results/excluded.tsv", sep="\t")
    assert list(excluded.columns) == ["song", "genre", "path", "found", "reason"]
    assert excluded[["song", "genre", "path", "found"]].values.tolist() == [
        ["blues.empty", "blues", str(empty), "header"],
        ["jazz.nan", "jazz", str(nan), "segment"],
    ]
    assert excluded["reason"].tolist() == [
        f"dataset.folder {collection}: blues/blues.empty.wav: audio file {empty} holds no samples",
        f"audio file {nan} holds NaN or infinite samples",
    ]
    # the good songs of that block are cut, separated, stacked and trained on
    songs = pd.read_csv(tmp_path / "results/songs.tsv", sep="\t")
    assert songs["song"].tolist() == GOOD
    for representation in ("stems3", "novox"):
        tensor = Tensor.open(tmp_path / f"results/tensors/hpss/{representation}.npy")
        assert tensor.song.tolist() == GOOD
    table = pd.read_csv(tmp_path / "results/table1.tsv", sep="\t")
    assert set(table["model"]) == {"novox-conv", "stems3-conv"} and (table["trials"] == 2).all()
    block = pd.read_csv(tmp_path / "results/segments/0.excluded.tsv", sep="\t")
    assert block["song"].tolist() == ["jazz.nan"]
    log = (tmp_path / "logs/segments/0.log").read_text()
    assert "jazz.nan left out: audio file" in log and "; 1 left out" in log
