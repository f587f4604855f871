"""The song table's file, ``results/songs.tsv``: what the splits and the tensors read of each
song (song, genre, artist); and the tables of songs left out (``results/excluded.tsv`` and
each segment block's). Written and read by the steps; the song table itself is made when the
workflow loads (:mod:`sepconv.corpus.songs`)."""

from __future__ import annotations

import pandas as pd

from ..errors import InputError
from ..io import write_text

#: Columns of ``results/songs.tsv``, what the splits and the tensors read of the table.
LABEL_COLUMNS = ["song", "genre", "artist"]
#: Columns of ``results/excluded.tsv`` and of a segment block's exclusions
#: (``results/segments/{block}.excluded.tsv``): each song left out under ``dataset.bad_files:
#: skip``, its genre (empty in a block's table: the segment job does not read genres), its
#: file, where it was found bad (``header``: by the check of every file's header when the
#: workflow loads; ``segment``: by its segment job) and why.
EXCLUDED_COLUMNS = ["song", "genre", "path", "found", "reason"]


def labels_text(table: pd.DataFrame) -> str:
    """The text of ``results/songs.tsv``: the :data:`LABEL_COLUMNS` of every song, sorted."""
    labels = table[LABEL_COLUMNS].fillna("").sort_values("song")
    return labels.to_csv(sep="\t", index=False)


def write_labels(path, table: pd.DataFrame) -> None:
    """Write ``results/songs.tsv`` (:func:`labels_text`)."""
    write_text(path, labels_text(table))


def read_labels(path) -> pd.DataFrame:
    """Read ``results/songs.tsv`` (:func:`write_labels`)."""
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


def write_excluded(path, rows) -> None:
    """Write a table of songs left out (:data:`EXCLUDED_COLUMNS`; ``rows``: dicts or a
    DataFrame), sorted by song; a header alone where none was."""
    table = pd.DataFrame(rows, columns=EXCLUDED_COLUMNS).sort_values("song", kind="stable")
    write_text(path, table.to_csv(sep="\t", index=False))


def read_excluded(path) -> pd.DataFrame:
    """Read a table of songs left out (:func:`write_excluded`)."""
    table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    if list(table.columns) != EXCLUDED_COLUMNS:
        raise InputError(f"{path} is not a table of songs left out ({', '.join(EXCLUDED_COLUMNS)})")
    return table
