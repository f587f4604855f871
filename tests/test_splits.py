"""Per-seed splits: stratified by genre, by song, artists on one side, deterministic."""

import pandas as pd
import pytest

from sepconv.corpus.genres import corpus_table
from sepconv.errors import SplitError
from sepconv.learning.splits import check_splittable, split_songs


@pytest.fixture
def default_corpus():
    genres = {"house": 14, "deep-house": 12, "techno": 12, "trance": 10, "drum-and-bass": 10}
    return corpus_table({**genres, "dubstep": 8}, songs_per_artist=2)


def test_split_is_stratified_disjoint_and_complete(default_corpus):
    split = split_songs(default_corpus, seed=7)
    assert list(split["song"]) == list(default_corpus["song"])
    assert set(split["subset"]) == {"train", "test"}
    counts = split.groupby(["genre", "subset"]).size().unstack()
    sizes = default_corpus["genre"].value_counts()
    for genre, n in sizes.items():
        # each artist has 2 songs, so a genre's test count is within one song of 20%
        assert abs(counts.loc[genre, "test"] - 0.2 * n) <= 1.0
        assert counts.loc[genre, "train"] >= 1
    assert 0.15 <= (split["subset"] == "test").mean() <= 0.25


def test_artists_stay_on_one_side(default_corpus):
    for seed in range(1, 21):
        split = split_songs(default_corpus, seed).merge(default_corpus[["song", "artist"]])
        sides = split.groupby("artist")["subset"].nunique()
        assert (sides == 1).all(), sides[sides > 1]


def test_same_seed_same_split_and_seeds_differ(default_corpus):
    a, b = split_songs(default_corpus, 3), split_songs(default_corpus, 3)
    pd.testing.assert_frame_equal(a, b)
    tests = {
        tuple(split_songs(default_corpus, s).query("subset == 'test'")["song"]) for s in range(10)
    }
    assert len(tests) == 10


def test_songs_without_artist_are_split_one_by_one():
    table = pd.DataFrame(
        {"song": [f"s{i}" for i in range(10)], "genre": ["a"] * 5 + ["b"] * 5, "artist": ""}
    )
    split = split_songs(table, seed=1)
    assert split.groupby("genre")["subset"].apply(lambda s: (s == "test").sum()).tolist() == [1, 1]


def test_a_genre_with_one_song_is_an_error():
    table = pd.DataFrame({"song": ["a", "b", "c"], "genre": ["x", "x", "y"], "artist": ""})
    with pytest.raises(SplitError, match=r"too few: y \(1\)"):
        split_songs(table, seed=1)


def test_a_genre_by_a_single_artist_is_an_error():
    table = pd.DataFrame(
        {"song": list("abcd"), "genre": ["x", "x", "y", "y"], "artist": ["p", "p", "q", "r"]}
    )
    with pytest.raises(SplitError, match="genre 'x': all 2 songs are by one artist"):
        check_splittable(table)
