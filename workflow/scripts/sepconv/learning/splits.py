"""Per-seed train/test splits of the songs, shared by every model and every separator.

A split is by song, never by segment; stratified by genre (each genre sends
``round(test_size * n)`` songs, at least one, to the test side); and grouped by artist where
the song table names artists, so that no artist is on both sides. Songs without an artist are
their own group. The same seed gives the same split.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import SplitError
from ..io import write_text

#: The columns of a split file, ``results/splits/seed{seed}.tsv``: one row per song.
SPLIT_COLUMNS = ["song", "genre", "subset"]


def _groups(table: pd.DataFrame) -> pd.Series:
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
    groups = pd.Series(_groups(table), index=table.index)
    for genre, rows in table.groupby("genre", sort=True):
        if groups.loc[rows.index].nunique() < 2:
            raise SplitError(
                f"genre {genre!r}: all {len(rows)} songs are by one artist "
                f"({table.loc[rows.index[0], 'artist']}), and an artist is kept on one side "
                "of every split; add songs by another artist or leave the artist column empty"
            )


def split_songs(table: pd.DataFrame, seed: int, test_size: float = 0.2) -> pd.DataFrame:
    """Split the songs of ``table`` (columns song, genre[, artist]) into train and test.

    Groups (artists, or single songs) are visited in an order drawn from ``seed``. For each
    genre in turn, groups go to the test side while the genre's test count is below its target
    ``max(1, round(test_size * n))``; a group that would overshoot the target is skipped unless
    the genre has no test song yet. A group never takes a genre's last training song.

    Returns a table with columns ``song``, ``genre``, ``subset`` (``train`` or ``test``) in the
    order of ``table``.
    """
    if not 0.0 < test_size < 1.0:
        raise SplitError(f"test_size must be between 0 and 1, got {test_size}")
    table = table.reset_index(drop=True)
    check_splittable(table)
    groups = pd.Series(_groups(table), index=table.index)
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
            if (after >= genre_sizes).any():  # would leave some genre with no training song
                continue
            if after[genre] > target and test_counts[genre] > 0:
                continue
            in_test |= members
    split = table[["song", "genre"]].copy()
    split["subset"] = np.where(in_test, "test", "train")
    missing = sorted(set(table["genre"]) - set(split.loc[in_test, "genre"]))
    if missing:
        raise SplitError(
            f"seed {seed}: no test song could be drawn for genre(s) {', '.join(missing)} "
            "without leaving a genre with no training song"
        )
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
