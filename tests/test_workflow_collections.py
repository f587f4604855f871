"""Users' own collections: folder data sets, every bad file named before any job, and
segment settings that re-run only the songs they concern."""

import numpy as np
import pandas as pd
import pytest
import soundfile as sf
from workflow_utils import (
    UNDECODABLE,
    dry_run_jobs,
    run_snakemake,
    segment_path,
    stem_path,
    write_clip,
)

from sepconv.blocks import song_block

pytestmark = pytest.mark.workflow
SR = 22_050
SMALL = {"filters": [4, 8], "batch_size": 2}


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    """Four good songs in two genres, two of them with a start."""
    data = tmp_path_factory.mktemp("collection")
    for seed, song in enumerate(("a1", "a2", "b1", "b2")):
        write_clip(data / f"{song}.wav", 14.0, seed)
    return data


def write_sheet(data, rows):
    lines = ["song\tpath\tgenre\tstart"] + ["\t".join(row) for row in rows]
    (data / "songs.tsv").write_text("\n".join(lines) + "\n")
    return data / "songs.tsv"


GOOD = [("a1", "a1.wav", "x", "1.5"), ("a2", "a2.wav", "x", ""), ("b1", "b1.wav", "y", "")]
GOOD += [("b2", "b2.wav", "y", "2")]


#: enough blocks that each song of the sheet has one of its own
BLOCKS = 16


def sheet_config(sheet, **segment):
    return {
        "dataset": {"source": "sheet", "sheet": str(sheet)},
        "separators": ["hpss"],
        "segment": segment,
        "song_blocks": BLOCKS,
    }


def test_every_bad_file_is_named_in_one_error_before_any_job(collection, tmp_path):
    # the good songs copied beside the bad ones: the fixture's folder stays as it was
    folder = tmp_path / "collection"
    folder.mkdir()
    for song, *_ in GOOD:
        (folder / f"{song}.wav").write_bytes((collection / f"{song}.wav").read_bytes())
    collection = folder
    whole = (collection / "a1.wav").read_bytes()
    (collection / "cut.wav").write_bytes(whole[: len(whole) // 2])
    (collection / "text.wav").write_text("this is not audio\n" * 100)
    write_clip(collection / "short.wav", 9.0, 9)
    (collection / "copy.wav").write_bytes((collection / "b1.wav").read_bytes())
    rows = [
        *GOOD,
        ("cut", "cut.wav", "y", ""),
        ("text", "text.wav", "y", ""),
        ("short", "short.wav", "x", ""),
        ("copy", "copy.wav", "y", ""),
    ]
    sheet = write_sheet(collection, rows)
    proc = run_snakemake(tmp_path, "tensors", config=sheet_config(sheet), check=False)
    assert proc.returncode != 0
    d, s = collection, sheet
    expected = f"""4 song files cannot be used; fix or remove them and run again, or set dataset.bad_files: skip to leave them out (with --keep-going, every other song is processed):
  sample sheet {s}, line 6: audio file {d}/cut.wav is truncated: its header declares 617,400 bytes of audio, the file holds 308,678
  sample sheet {s}, line 7: cannot decode audio file {d}/text.wav: {UNDECODABLE}
  sample sheet {s}, line 8: {d}/short.wav is too short: the segment needs 10.61 s from the song's start, the file has 9.00 s (set segment.pad: true to zero-pad short songs)
  sample sheet {s}, line 9: {d}/copy.wav has the same bytes as {d}/b1.wav (song b1); list each recording once"""  # noqa: E501
    output = proc.stdout + proc.stderr
    assert expected in output, output
    assert not (tmp_path / "results").exists()  # no job ran


@pytest.fixture(scope="module")
def padded_run(collection, tmp_path_factory):
    """The good songs and one short song, run with --keep-going: the short one fails."""
    write_clip(collection / "short.wav", 9.0, 9)
    sheet = write_sheet(collection, [*GOOD, ("short", "short.wav", "x", "")])
    workdir = tmp_path_factory.mktemp("work")
    proc = run_snakemake(
        workdir, "tensors", "--keep-going", config=sheet_config(sheet), check=False
    )
    assert proc.returncode != 0 and "short.wav is too short" in proc.stdout + proc.stderr
    return sheet, workdir


PER_SONG = ("segment_song", "separate_hpss", "compute_mel")


def songs_of(jobs):
    """The songs of the blocks of the per-song jobs planned (each song its own block)."""
    song_of = {song_block(song, BLOCKS): song for song in ("a1", "a2", "b1", "b2", "short")}
    return sorted({song_of[w.split("block=")[1].split(",")[0]] for r, w in jobs if r in PER_SONG})


def test_turning_on_pad_plans_only_the_short_song(padded_run):
    sheet, workdir = padded_run
    proc = run_snakemake(workdir, "tensors", "--dry-run", config=sheet_config(sheet, pad=True))
    counts, jobs = dry_run_jobs(proc)
    assert songs_of(jobs) == ["short"]
    assert counts == {
        "segment_song": 1,
        "separate_hpss": 1,
        "compute_mel": 2,
        "stack_tensor": 4,
        "tensors": 1,
        # the run that failed on the short song left the song table unwritten
        "write_song_table": 1,
    }


def test_a_search_step_plans_only_songs_without_a_start(padded_run):
    sheet, workdir = padded_run
    config = sheet_config(sheet, pad=True, search_step=0.25)
    counts, jobs = dry_run_jobs(run_snakemake(workdir, "tensors", "--dry-run", config=config))
    assert songs_of(jobs) == ["a2", "b1", "short"]
    assert counts["segment_song"] == 3


def test_a_changed_start_plans_only_its_song(padded_run):
    sheet, workdir = padded_run
    run_snakemake(workdir, "tensors", config=sheet_config(sheet, pad=True))
    rows = [("a1", "a1.wav", "x", "2.5"), *GOOD[1:], ("short", "short.wav", "x", "")]
    write_sheet(sheet.parent, rows)
    try:
        proc = run_snakemake(workdir, "tensors", "--dry-run", config=sheet_config(sheet, pad=True))
    finally:
        write_sheet(sheet.parent, [*GOOD, ("short", "short.wav", "x", "")])
    counts, jobs = dry_run_jobs(proc)
    assert songs_of(jobs) == ["a1"] and counts["segment_song"] == 1


def test_the_pairs_target_on_a_tiny_sheet(tmp_path):
    """The genre-pair experiment on a sample sheet of 3 genres x 2 songs, in blocks of 2 pairs:
    every pair, seed, selection and model a row; each run sees only the pair's songs, one of
    each genre on each side; the tables and figures of the `pairs` target, and `all` without
    it."""
    lines = ["song\tpath\tgenre"]
    for genre_index, genre in enumerate(("ambient", "folk", "metal")):
        for i in range(2):
            write_clip(tmp_path / f"{genre}{i}.wav", 12.0, 2 * genre_index + i)
            lines.append(f"{genre}{i}\t{genre}{i}.wav\t{genre}")
    sheet = tmp_path / "songs.tsv"
    sheet.write_text("\n".join(lines) + "\n")
    config = {
        "dataset": {"source": "sheet", "sheet": str(sheet)},
        "separators": ["hpss"],
        "trials": 2,
        "epochs": 1,
        "models": {"novox-conv": SMALL, "stems3-conv": SMALL},
        "pairs": {"trials": 2, "pairs_per_job": 2},
    }
    work = tmp_path / "work"
    counts, _ = dry_run_jobs(run_snakemake(work, "--dry-run", config=config))
    assert "train_pairs" not in counts and "collect_pairs" not in counts
    counts, jobs = dry_run_jobs(run_snakemake(work, "pairs", "--dry-run", config=config))
    assert counts["train_pairs"] == 4  # 2 models x 2 blocks of pairs: 1-2 and 3-3
    assert {w for r, w in jobs if r == "train_pairs"} == {
        f"separator=hpss, model={model}, pairs={block}, seeds=1-2"
        for model in ("novox-conv", "stems3-conv")
        for block in ("1-2", "3-3")
    }
    run_snakemake(work, "pairs", config=config)
    runs = pd.read_csv(work / "results/pairs/runs.tsv", sep="\t")
    assert len(runs) == 3 * 2 * 2 * 2  # pairs x seeds x selections x models
    assert set(zip(runs["genre_a"], runs["genre_b"], strict=True)) == {
        ("ambient", "folk"),
        ("ambient", "metal"),
        ("folk", "metal"),
    }
    assert (runs["n_train"] == 2).all() and (runs["n_test"] == 2).all()
    assert set(runs["separator"]) == {"hpss"}
    matrix = pd.read_csv(work / "results/pairs/matrix.tsv", sep="\t")
    assert len(matrix) == 2 * 2 * 3 and (matrix["trials"] == 2).all()
    gains = pd.read_csv(work / "results/pairs/gains.tsv", sep="\t")
    assert len(gains) == 2 * 3 and set(gains["model"]) == {"stems3-conv"}
    mine = runs.query("model == 'stems3-conv' and selection == 'last_epoch'")
    base = runs.query("model == 'novox-conv' and selection == 'last_epoch'")
    gain = mine["accuracy"].mean() - base["accuracy"].mean()
    assert gains.query("selection == 'last_epoch'")["gain"].mean() == pytest.approx(gain, abs=1e-5)
    for selection in ("min_test_loss", "last_epoch"):
        assert (work / f"results/figures/pairs_{selection}.png").stat().st_size > 10_000
    log = (work / "logs/pairs/hpss/stems3-conv/pairs1-2/seeds1-2.log").read_text()
    assert "pairs 1-2, seeds 1-2: 2 genre pairs x 2 seeds = 4 runs of 1 epochs" in log
    assert "pair 2/2 ambient / metal: 4 songs, 2 seeds" in log
    log = (work / "logs/pairs/hpss/stems3-conv/pairs3-3/seeds1-2.log").read_text()
    assert "pair 1/1 folk / metal: 4 songs, 2 seeds" in log


def test_a_folder_in_the_gtzan_layout_with_several_segments_per_song(tmp_path):
    """A folder data set (GTZAN's layout, 12 s songs at 22.05 kHz) with `segment.per_song: 3`:
    the songs found and the files that are not audio named; three evenly spread segments per
    song, each a tensor row recording its song; every row of a song on its song's side of the
    split; the runs measured per song and per segment, both in metrics.tsv and Table 1."""
    import json

    from sepconv.signal.tensors import Tensor

    root = tmp_path / "genres"
    for genre_index, genre in enumerate(("blues", "jazz")):
        for i in range(3):
            write_clip(root / genre / f"{genre}.{i:05d}.wav", 12.0, 3 * genre_index + i)
    (root / "README.txt").write_text("not a song\n")
    (root / "blues" / "cover.jpg").write_bytes(b"\xff\xd8\xff")
    config = {
        "dataset": {"source": "folder", "folder": str(root)},
        "separators": ["hpss"],
        "segment": {"per_song": 3},
        "trials": 2,
        "epochs": 1,
        "models": {
            "mix-conv": {"enabled": False},
            "stems3-conv": {"enabled": False},
            "novox-conv": SMALL,
            "stems3-sepconv": SMALL,
        },
    }
    work = tmp_path / "work"
    proc = run_snakemake(work, "results/table1.md", config=config)
    assert "6 songs in 2 genres; skipped files that are not audio: 1 .jpg, 1 .txt" in (
        proc.stdout + proc.stderr
    )
    songs = pd.read_csv(work / "results/songs.tsv", sep="\t")
    assert list(songs["song"]) == [f"{g}.{i:05d}" for g in ("blues", "jazz") for i in range(3)]
    assert set(songs["genre"]) == {"blues", "jazz"}
    table = pd.read_csv(work / "results/table1.tsv", sep="\t")
    assert set(table["model"]) == {"novox-conv", "stems3-sepconv"} and (table["trials"] == 2).all()

    n = 467_968
    segment = segment_path(work, "blues.00000")
    info = json.loads(segment.with_suffix(".json").read_text())
    assert info["segments"] == 3 and info["start_samples"][0] == 0
    assert info["start_samples"][2] == round(12.0 * 44_100) - n
    assert sf.info(segment).frames == 3 * n
    assert sf.info(stem_path(work, "hpss", "blues.00000", "drums")).frames == 3 * n
    tensor = Tensor.open(work / "results/tensors/hpss/stems3.npy")
    assert tensor.X.shape[0] == 18 and tensor.segment.tolist() == [0, 1, 2] * 6
    for seed in (1, 2):
        split = pd.read_csv(work / f"results/splits/seed{seed}.tsv", sep="\t")
        record = json.loads(
            (work / f"results/runs/hpss/novox-conv/seeds1-2/seed{seed}.json").read_text()
        )
        n_test = int((split["subset"] == "test").sum())
        assert (record["n_train"], record["n_test"]) == (6 - n_test, n_test)
        assert record["n_train_segments"] == 3 * (6 - n_test)
        assert record["n_test_segments"] == 3 * n_test
        chosen = record["selections"]["last_epoch"]
        assert np.sum(chosen["confusion"]) == n_test
        assert np.sum(chosen["segment_confusion"]) == 3 * n_test
    metrics = pd.read_csv(work / "results/metrics.tsv", sep="\t")
    assert {"segment_accuracy", "segment_f1_macro"} <= set(metrics.columns)
    assert (metrics["n_train"] + metrics["n_test"] == 6).all()  # songs, not segments
    table1 = (work / "results/table1.md").read_text()
    assert "| Accuracy | F1 | Accuracy per segment | F1 per segment |" in table1
