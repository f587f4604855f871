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


def quadratic_split(table: pd.DataFrame, seed: int, test_size: float = 0.2) -> pd.DataFrame:
    """The algorithm as it was first written (visiting every group for every genre and
    recounting the table at each visit): the reference the linear one must match split for
    split, so that existing results keep their splits."""
    import numpy as np

    from sepconv.learning.splits import split_groups

    table = table.reset_index(drop=True)
    groups = pd.Series(split_groups(table), index=table.index)
    rng = np.random.default_rng(seed)
    order = list(rng.permutation(np.array(sorted(groups.unique()), dtype=object)))
    genre_sizes = table["genre"].value_counts()
    in_test = pd.Series(False, index=table.index)

    def counts(mask: pd.Series) -> pd.Series:
        return table.loc[mask, "genre"].value_counts().reindex(genre_sizes.index, fill_value=0)

    for genre in sorted(genre_sizes.index):
        target = max(1, int(round(test_size * genre_sizes[genre])))
        for group in order:
            test_counts = counts(in_test)
            if test_counts[genre] >= target:
                break
            members = (groups == group) & ~in_test
            if not (members & (table["genre"] == genre)).any():
                continue
            added = counts(members)
            after = test_counts + added
            if (after >= genre_sizes).any():
                continue
            if after[genre] > target and test_counts[genre] > 0:
                continue
            in_test |= members
    split = table[["song", "genre"]].copy()
    split["subset"] = np.where(in_test, "test", "train")
    return split


def sheet_with_artists(n_songs: int, n_genres: int, seed: int) -> pd.DataFrame:
    """A sheet as users bring them: a quarter as many artists as songs, an artist mostly in
    one genre but now and then in another, one song in eight without an artist."""
    import numpy as np

    rng = np.random.default_rng(seed)
    artists = max(2 * n_genres, n_songs // 4)
    home = rng.integers(0, n_genres, size=artists)
    artist = rng.integers(0, artists, size=n_songs)
    genre = np.where(rng.random(n_songs) < 0.9, home[artist], rng.integers(0, n_genres, n_songs))
    names = np.where(rng.random(n_songs) < 0.125, "", [f"artist {a}" for a in artist])
    return pd.DataFrame(
        {
            "song": [f"song{i:05d}" for i in rng.permutation(n_songs)],
            "genre": [f"genre{g:02d}" for g in genre],
            "artist": names,
        }
    )


def test_splits_are_those_of_the_first_algorithm_on_the_default_corpus(default_corpus):
    for seed in range(1, 51):
        pd.testing.assert_frame_equal(
            split_songs(default_corpus, seed), quadratic_split(default_corpus, seed)
        )


@pytest.mark.parametrize(
    ("n_songs", "n_genres", "test_size"), [(120, 4, 0.2), (300, 10, 0.2), (90, 3, 0.35)]
)
def test_splits_are_those_of_the_first_algorithm_on_sheets_with_artists(
    n_songs, n_genres, test_size
):
    for seed in range(1, 9):
        table = sheet_with_artists(n_songs, n_genres, seed)
        check_splittable(table)
        pd.testing.assert_frame_equal(
            split_songs(table, seed, test_size), quadratic_split(table, seed, test_size)
        )
    no_artists = table.assign(artist="")
    pd.testing.assert_frame_equal(
        split_songs(no_artists, 3, test_size), quadratic_split(no_artists, 3, test_size)
    )


def test_a_validation_part_is_carved_out_of_the_training_songs(default_corpus):
    """Disjoint from the test songs and from the songs trained on; stratified (each genre
    holds out about its share of its training songs, at least one); grouped by artist (an artist
    on one side of every pair of parts); the same for the same seed; and the test side that
    of the split without one."""
    for seed in (1, 2, 3):
        split = split_songs(default_corpus, seed, validation=0.125)
        plain = split_songs(default_corpus, seed)
        assert set(split["subset"]) == {"train", "validation", "test"}
        pd.testing.assert_series_equal(split["subset"] == "test", plain["subset"] == "test")
        for genre, group in split.groupby("genre"):
            training = int((plain.loc[group.index, "subset"] == "train").sum())
            held = int((group["subset"] == "validation").sum())
            # a genre's first group may overshoot its target by one: artists of two songs
            assert 1 <= held <= max(1, round(0.125 * training)) + 1, genre
            assert (group["subset"] == "train").sum() >= 1
        sides = split.merge(default_corpus[["song", "artist"]]).groupby("artist")["subset"]
        assert (sides.nunique() == 1).all()
        pd.testing.assert_frame_equal(split, split_songs(default_corpus, seed, validation=0.125))


def test_a_validation_part_needs_training_songs_of_two_artists_in_every_genre():
    table = pd.DataFrame(
        {
            "song": [f"s{i}" for i in range(8)],
            "genre": ["a"] * 4 + ["b"] * 4,
            "artist": ["p", "p", "q", "r", "s", "t", "u", "v"],
        }
    )
    assert (split_songs(table, 1, validation=0.3)["subset"] == "validation").sum() == 2
    # genre a: artists p (three songs) and q (one): the test side takes one of them, which
    # leaves the training songs to a single artist
    lonely = table.assign(artist=["p", "p", "p", "q", "s", "t", "u", "v"])
    with pytest.raises(SplitError, match=r"seed 1: no validation part can be carved out"):
        split_songs(lonely, 1, validation=0.3)
