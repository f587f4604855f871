"""Folder data sets and the header check of a collection (no Snakemake)."""

import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from sepconv.corpus.songs import file_safe_id, read_folder
from sepconv.errors import SheetError
from sepconv.signal.collection import check_collection, read_headers


def tone(path, seconds, sr=8_000, seed=0):
    rng = np.random.default_rng(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, 0.1 * rng.standard_normal(int(seconds * sr)).astype(np.float32), sr)


def test_folder_ids_genres_artists_and_skipped_files(tmp_path):
    tone(tmp_path / "house" / "Artist A" / "Track 1.wav", 1)
    tone(tmp_path / "house" / "Artist A" / "Live" / "Track 1.flac", 1, seed=1)
    tone(tmp_path / "techno" / "t.00001.wav", 1, seed=2)
    (tmp_path / "techno" / "notes.txt").write_text("x")
    (tmp_path / "techno" / ".hidden.wav").write_bytes(b"x")
    table, skipped = read_folder(tmp_path)
    assert list(table["song"]) == ["Artist-A--Live--Track-1", "Artist-A--Track-1", "t.00001"]
    assert list(table["genre"]) == ["house", "house", "techno"]
    assert list(table["artist"]) == ["Artist A", "Artist A", ""]
    assert skipped == {".txt": 1, ".wav": 1}
    assert table["origin"].iloc[2] == f"dataset.folder {tmp_path}: techno/t.00001.wav"
    assert file_safe_id("..a b//c") == "a-b-c"


def test_folder_names_that_clash(tmp_path):
    tone(tmp_path / "a" / "x y.wav", 1)
    tone(tmp_path / "a" / "x-y.wav", 1, seed=1)
    tone(tmp_path / "b" / "song.wav", 1, seed=2)
    tone(tmp_path / "c" / "song.wav", 1, seed=3)
    with pytest.raises(SheetError, match=r"share a song id \(x-y: a/x y.wav, a/x-y.wav\)"):
        read_folder(tmp_path)
    (tmp_path / "a" / "x y.wav").unlink()
    table, _ = read_folder(tmp_path)  # the same name in two genres: prefixed by the genre
    assert sorted(table["song"]) == ["b--song", "c--song", "x-y"]


def test_headers_are_cached_until_a_file_changes(tmp_path):
    tone(tmp_path / "a.wav", 2.0)
    cache = tmp_path / "headers.json"
    first = read_headers([str(tmp_path / "a.wav")], cache)
    assert first[str(tmp_path / "a.wav")].duration_s == pytest.approx(2.0)
    assert cache.is_file()
    tone(tmp_path / "a.wav", 3.0)  # new size: read again
    again = read_headers([str(tmp_path / "a.wav")], cache)
    assert again[str(tmp_path / "a.wav")].duration_s == pytest.approx(3.0)


def test_collection_flags_short_files_unless_padded(tmp_path):
    tone(tmp_path / "long.wav", 12.0)
    tone(tmp_path / "short.wav", 5.0, seed=1)
    songs = pd.DataFrame(
        {
            "song": ["long", "short"],
            "path": [str(tmp_path / "long.wav"), str(tmp_path / "short.wav")],
            "start": [3.0, np.nan],
            "origin": ["line 2", "line 3"],
        }
    )
    table, problems = check_collection(songs, 10.0, pad=False)
    assert table["short"].tolist() == [True, True]  # 3 + 10 s > 12 s; 10 s > 5 s
    assert [(song, line.split(":")[0]) for song, line in problems] == [
        ("long", "line 2"),
        ("short", "line 3"),
    ]
    table, problems = check_collection(songs, 10.0, pad=True)
    assert problems == [] and table["short"].tolist() == [True, True]
