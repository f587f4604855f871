import pytest

from sepconv.corpus.songs import load_song_table, read_sheet
from sepconv.errors import SheetError
from sepconv.names import STEMS


def write_sheet(tmp_path, text, files=("a.wav", "b.wav", "c.wav", "d.wav")):
    for name in files:
        (tmp_path / name).write_bytes(b"")
    path = tmp_path / "songs.tsv"
    path.write_text(text)
    return path


GOOD = (
    "song\tpath\tgenre\tstart\tartist\ns1\ta.wav\tx\t12.5\tA\ns2\tb.wav\tx\t\tB\n"
    "s3\tc.wav\ty\t\t\ns4\td.wav\ty\t0\tA\n"
)


def test_read_good_sheet(tmp_path):
    table = read_sheet(write_sheet(tmp_path, GOOD))
    assert list(table["song"]) == ["s1", "s2", "s3", "s4"]
    assert table["start"].iloc[0] == 12.5 and table["start"].isna().tolist() == [
        False,
        True,
        True,
        False,
    ]
    assert table["path"].iloc[0] == str(tmp_path / "a.wav")  # relative to the sheet
    assert not table["has_stems"].any()


@pytest.mark.parametrize(
    "text, message",
    [
        ("song\tgenre\ns1\tx\n", "lacks column.*path"),
        ("song\tpath\tgenre\tlabel\ns1\ta.wav\tx\tq\n", "unknown column.*label"),
        (
            "song\tpath\tgenre\ns1\ta.wav\tx\ns1\tb.wav\tx\n",
            "line 3: duplicate song id 's1'.*line 2",
        ),
        ("song\tpath\tgenre\nbad/id\ta.wav\tx\n", "line 2: song id 'bad/id' is not usable"),
        (
            "song\tpath\tgenre\ns1\tmissing.wav\tx\n",
            "line 2: audio file .*missing.wav .*does not exist",
        ),
        ("song\tpath\tgenre\tstart\ns1\ta.wav\tx\tsoon\n", "line 2: start 'soon'"),
        ("song\tpath\tgenre\tstart\ns1\ta.wav\tx\t-3\n", "line 2: start .* must be >= 0"),
        ("song\tpath\tgenre\ns1\ta.wav\t\n", "line 2: song 's1' has no genre"),
    ],
)
def test_bad_sheets_name_file_and_line(tmp_path, text, message):
    path = write_sheet(tmp_path, text)
    with pytest.raises(SheetError, match=message) as err:
        read_sheet(path)
    assert str(path) in str(err.value)


def test_synthetic_table():
    table = load_song_table(
        {
            "source": "synthetic",
            "synthetic": {"genres": {"house": 2, "techno": 3}, "songs_per_artist": 2},
        },
        lambda song, name: f"results/corpus/{song}/{name}.wav",
    )
    assert list(table.index) == ["house-01", "house-02", "techno-01", "techno-02", "techno-03"]
    assert table["has_stems"].all()
    assert table.loc["techno-03", "path"] == "results/corpus/techno-03/mixture.wav"
    assert table.loc["techno-03", "drums"] == "results/corpus/techno-03/drums.wav"


STEM_FILES = [f"{song}-{stem}.wav" for song in ("a", "b") for stem in STEMS]


def test_sheet_with_reference_stems(tmp_path):
    """A MUSDB18-style sheet names each song's four stems; a song without them leaves the four
    cells empty and has no reference."""
    text = (
        "song\tpath\tgenre\tbass\tdrums\tother\tvocals\n"
        "s1\ta.wav\tx\ta-bass.wav\ta-drums.wav\ta-other.wav\ta-vocals.wav\n"
        "s2\tb.wav\tx\t\t\t\t\n"
    )
    table = read_sheet(write_sheet(tmp_path, text, files=("a.wav", "b.wav", *STEM_FILES)))
    assert table["has_stems"].tolist() == [True, False]
    assert table.loc[0, "vocals"] == str(tmp_path / "a-vocals.wav")
    assert table.loc[1, "bass"] == ""


@pytest.mark.parametrize(
    "cells, message",
    [
        (
            "a-bass.wav\ta-drums.wav\t\t",
            "line 2: song 's1' names reference stems for bass, drums but not for other, "
            "vocals; give all four stems or none",
        ),
        (
            "a-bass.wav\ta-drums.wav\ta-other.wav\tnone.wav",
            "line 2: vocals stem .*none.wav of song 's1' does not exist",
        ),
    ],
)
def test_bad_reference_stems_name_the_line(tmp_path, cells, message):
    text = f"song\tpath\tgenre\tbass\tdrums\tother\tvocals\ns1\ta.wav\tx\t{cells}\n"
    path = write_sheet(tmp_path, text, files=("a.wav", *STEM_FILES))
    with pytest.raises(SheetError, match=message):
        read_sheet(path)


def test_the_example_sheet_reads(repo):
    table = read_sheet(repo / "config" / "songs.example.tsv", check_files=False)
    assert list(table["song"]) == ["track-001", "track-002", "track-003", "track-004"]
    assert table["start"].isna().tolist() == [False, True, False, True]
    assert list(table["artist"]) == ["Artist A", "Artist B", "Artist C", ""]


def test_the_rows_that_may_break_the_schema_are_found_column_by_column():
    """What the workflow validates row by row with Snakemake's validate: only these."""
    import numpy as np
    import yaml

    from sepconv.corpus.songs import SCHEMA, suspect_rows

    table = load_song_table(
        {
            "source": "synthetic",
            "synthetic": {"genres": {"house": 3, "techno": 3}, "songs_per_artist": 2},
        },
        lambda song, name: f"results/corpus/{song}/{name}.wav",
    )
    schema = yaml.safe_load(SCHEMA.read_text())
    assert not suspect_rows(table, schema).any()
    table["start"] = table["start"].astype(object)
    table.loc["house-02", "song"] = "-starts-with-a-dash"
    table.loc["house-03", "genre"] = ""
    table.loc["techno-01", "start"] = "soon"
    table.loc["techno-02", "path"] = np.nan
    suspect = suspect_rows(table, schema)
    assert list(table.index[suspect]) == ["house-02", "house-03", "techno-01", "techno-02"]
    # a keyword it does not check: every row is validated
    schema["properties"]["genre"]["enum"] = ["house"]
    assert suspect_rows(table, schema).all()
