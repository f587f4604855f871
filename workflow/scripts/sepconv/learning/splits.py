"""Per-seed train/test splits of the songs, shared by every model and every separator.

A split is by song, never by segment; stratified by genre (each genre sends
``round(test_size * n)`` songs, at least one, to the test side); and grouped by artist where
the song table names artists, so that no artist is on both sides. Songs without an artist are
their own group. The same seed gives the same split. With a ``validation`` share (config
``validation``), a validation part is carved out of the training songs in the same way,
stratified and grouped by artist, for the choice of an epoch without the test songs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import SplitError
from ..io import write_text

#: The columns of a split file, ``results/splits/seed{seed}.tsv``: one row per song.
SPLIT_COLUMNS = ["song", "genre", "subset"]
#: The subsets of a split: what training learns from, what chooses an epoch where the
#: validation part is on, what measures a run.
SUBSETS = ("train", "validation", "test")


def split_groups(table: pd.DataFrame) -> pd.Series:
    """Group id per song: ``artist:<name>`` where an artist is named, else ``song:<id>``."""
    artist = table["artist"].fillna("").astype(str).str.strip() if "artist" in table else None
    if artist is None:
        return "song:" + table["song"].astype(str)
    return np.where(artist != "", "artist:" + artist, "song:" + table["song"].astype(str))


def check_splittable(table: pd.DataFrame) -> None:
    """Raise :class:`SplitError` if a genre cannot be on both sides of a split."""
    counts = table["genre"].value_counts().sort_index()
    small = counts[counts < 2]
    if len(small):
        listed = ", ".join(f"{genre} ({n})" for genre, n in small.items())
        raise SplitError(
            "every genre needs at least 2 songs for a stratified split, one for training and "
            f"one for testing; too few: {listed}"
        )
    groups = pd.Series(split_groups(table), index=table.index)
    for genre, rows in table.groupby("genre", sort=True):
        if groups.loc[rows.index].nunique() < 2:
            raise SplitError(
                f"genre {genre!r}: all {len(rows)} songs are by one artist "
                f"({table.loc[rows.index[0], 'artist']}), and an artist is kept on one side "
                "of every split; add songs by another artist or leave the artist column empty"
            )


def split_songs(
    table: pd.DataFrame, seed: int, test_size: float = 0.2, validation: float = 0.0
) -> pd.DataFrame:
    """Split the songs of ``table`` (columns song, genre[, artist]) into train and test, and,
    with a ``validation`` share, the training songs into train and validation
    (:func:`carve_validation`).

    Groups (artists, or single songs) are visited in an order drawn from ``seed``. For each
    genre in turn, groups go to the test side while the genre's test count is below its target
    ``max(1, round(test_size * n))``; a group that would overshoot the target is skipped unless
    the genre has no test song yet. A group never takes a genre's last training song.

    Returns a table with columns ``song``, ``genre``, ``subset`` (``train``, ``test``, and
    ``validation`` where there is a validation share) in the order of ``table``.

    Linear in the songs: each group's songs are counted per genre once, and a genre's pass
    visits only the groups that hold it, in the seed's order, keeping the test counts as it
    goes (106,574 songs in about a second).
    """
    if not 0.0 < test_size < 1.0:
        raise SplitError(f"test_size must be between 0 and 1, got {test_size}")
    table = table.reset_index(drop=True)
    check_splittable(table)
    group_of_row = np.asarray(split_groups(table), dtype=object)
    names = sorted(set(group_of_row))
    rng = np.random.default_rng(seed)
    order = rng.permutation(np.array(names, dtype=object))
    position = {name: i for i, name in enumerate(order)}  # a group's place in the seed's order
    genres = sorted(set(table["genre"]))
    code = {genre: i for i, genre in enumerate(genres)}
    row_group = np.array([position[name] for name in group_of_row], dtype=np.int64)
    row_genre = np.array([code[genre] for genre in table["genre"]], dtype=np.int64)
    sizes = np.bincount(row_genre, minlength=len(genres))
    # each group's songs per genre, and the groups that hold each genre in the seed's order
    pairs, counts = np.unique(row_group * len(genres) + row_genre, return_counts=True)
    held: list[dict[int, int]] = [{} for _ in names]
    holders: list[list[int]] = [[] for _ in genres]
    for pair, count in zip(pairs.tolist(), counts.tolist(), strict=True):
        group, genre = divmod(pair, len(genres))
        held[group][genre] = count
        holders[genre].append(group)  # in the seed's order: pairs are sorted by group first
    in_test = np.zeros(len(names), dtype=bool)
    test_counts = [0] * len(genres)
    for genre in range(len(genres)):
        target = max(1, int(round(test_size * int(sizes[genre]))))
        for group in holders[genre]:
            if test_counts[genre] >= target:
                break
            if in_test[group]:
                continue
            added = held[group]
            # would leave some genre with no training song
            if any(test_counts[g] + n >= sizes[g] for g, n in added.items()):
                continue
            if test_counts[genre] + added[genre] > target and test_counts[genre] > 0:
                continue
            in_test[group] = True
            for g, n in added.items():
                test_counts[g] += n
    test_rows = in_test[row_group]
    split = table[["song", "genre"]].copy()
    split["subset"] = np.where(test_rows, "test", "train")
    missing = [genres[g] for g in range(len(genres)) if test_counts[g] == 0]
    if missing:
        raise SplitError(
            f"seed {seed}: no test song could be drawn for genre(s) {', '.join(missing)} "
            "without leaving a genre with no training song"
        )
    if validation:
        return carve_validation(table, split, seed, validation)
    return split


def carve_validation(
    table: pd.DataFrame, split: pd.DataFrame, seed: int, validation: float
) -> pd.DataFrame:
    """The ``split`` of ``table`` with a ``validation`` share of each genre's training songs
    (at least one) in subset ``validation``: the training songs split by :func:`split_songs`
    with the same ``seed``, so stratified by genre and grouped by artist as the split is."""
    training = split["subset"].to_numpy() == "train"
    try:
        check_splittable(table[training])
        carved = split_songs(table[training], seed, validation)
    except SplitError as err:
        raise SplitError(
            f"seed {seed}: no validation part can be carved out of the training songs "
            f"(validation: {validation}): {err}"
        ) from None
    split = split.copy()
    held = split.index[training][carved["subset"].to_numpy() == "test"]
    split.loc[held, "subset"] = "validation"
    return split


def save_split(path, split: pd.DataFrame) -> None:
    """Write a split (:data:`SPLIT_COLUMNS`) as a TSV."""
    write_text(path, split[SPLIT_COLUMNS].to_csv(sep="\t", index=False))


def load_split(path) -> pd.DataFrame:
    """Read a split file written by :func:`save_split`, every column as text."""
    split = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    if list(split.columns) != SPLIT_COLUMNS:
        raise SplitError(f"{path} is not a split file (columns {', '.join(SPLIT_COLUMNS)})")
    return split
