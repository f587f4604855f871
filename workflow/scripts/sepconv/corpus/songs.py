"""The song table: one row per labelled song, from the synthetic corpus or a sample sheet.

Columns: ``song`` (id, usable as a file name), ``genre``, ``artist`` (may be empty),
``path`` (the audio file; for the synthetic corpus, where the workflow writes it),
``start`` (segment start in seconds; empty = automatic) and ``has_stems`` (ground-truth stems
exist, so the ``oracle`` separator can be used).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from ..errors import SheetError
from .genres import corpus_table

COLUMNS = ["song", "genre", "artist", "path", "start", "has_stems"]
SHEET_REQUIRED = ["song", "path", "genre"]
SHEET_OPTIONAL = ["start", "artist"]
SONG_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
#: Columns of ``results/songs.tsv``, what the splits and the tensors read of the table.
LABEL_COLUMNS = ["song", "genre", "artist"]


def synthetic_table(synthetic: dict, mixture_path: str) -> pd.DataFrame:
    """The song table of the embedded corpus (config ``dataset.synthetic``); a song's audio
    is ``mixture_path`` with ``{song}`` filled in (where the workflow writes it)."""
    table = corpus_table(synthetic["genres"], synthetic["songs_per_artist"])
    table["path"] = [mixture_path.format(song=song) for song in table["song"]]
    table["start"] = float("nan")
    table["has_stems"] = True
    return table[COLUMNS]


def read_sheet(path: str | Path, check_files: bool = True) -> pd.DataFrame:
    """Read and check a tab-separated sample sheet.

    Required columns: ``song``, ``path``, ``genre``; optional: ``start`` (seconds), ``artist``.
    Relative audio paths are taken relative to the sheet's directory. Raises
    :class:`SheetError` naming the sheet and the 1-based line of the first problem.
    """
    path = Path(path)
    if not path.is_file():
        raise SheetError(f"sample sheet {path} does not exist")
    try:
        sheet = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, comment="#")
    except Exception as err:
        raise SheetError(f"sample sheet {path} cannot be read as TSV: {err}") from None
    sheet.columns = [c.strip() for c in sheet.columns]
    missing = [c for c in SHEET_REQUIRED if c not in sheet.columns]
    if missing:
        raise SheetError(
            f"sample sheet {path} lacks column(s) {', '.join(missing)}; "
            f"it needs {', '.join(SHEET_REQUIRED)} (optional: "
            f"{', '.join(SHEET_OPTIONAL)}), tab-separated, with a header line"
        )
    unknown = [c for c in sheet.columns if c not in SHEET_REQUIRED + SHEET_OPTIONAL]
    if unknown:
        raise SheetError(f"sample sheet {path} has unknown column(s) {', '.join(unknown)}")
    sheet = sheet.apply(lambda col: col.str.strip())
    if len(sheet) == 0:
        raise SheetError(f"sample sheet {path} lists no songs")

    def where(i: int) -> str:
        return f"sample sheet {path}, line {i + 2}"

    seen: dict[str, int] = {}
    starts = []
    for i, row in sheet.iterrows():
        song = row["song"]
        if not SONG_ID.match(song):
            raise SheetError(
                f"{where(i)}: song id {song!r} is not usable as a file name "
                "(letters, digits, '.', '_', '-'; not starting with '.' or '-')"
            )
        if song in seen:
            raise SheetError(
                f"{where(i)}: duplicate song id {song!r} (first on line {seen[song] + 2})"
            )
        seen[song] = i
        if not row["genre"]:
            raise SheetError(f"{where(i)}: song {song!r} has no genre")
        if not row["path"]:
            raise SheetError(f"{where(i)}: song {song!r} has no path")
        start = row.get("start", "")
        if start:
            try:
                value = float(start)
            except ValueError:
                raise SheetError(
                    f"{where(i)}: start {start!r} of song {song!r} is not a number of seconds"
                ) from None
            if not value >= 0:
                raise SheetError(f"{where(i)}: start of song {song!r} must be >= 0 seconds")
            starts.append(value)
        else:
            starts.append(float("nan"))
        audio = Path(row["path"])
        if not audio.is_absolute():
            audio = path.parent / audio
        if check_files and not audio.is_file():
            raise SheetError(f"{where(i)}: audio file {audio} of song {song!r} does not exist")
        if check_files and not os.access(audio, os.R_OK):
            raise SheetError(f"{where(i)}: audio file {audio} of song {song!r} is not readable")
        sheet.loc[i, "path"] = str(audio)

    table = pd.DataFrame(
        {
            "song": sheet["song"],
            "genre": sheet["genre"],
            "artist": sheet["artist"] if "artist" in sheet.columns else "",
            "path": sheet["path"],
            "start": starts,
            "has_stems": False,
        }
    )
    return table[COLUMNS]


def table_source(dataset: dict) -> str:
    """How errors name where the song table comes from."""
    if dataset["source"] == "synthetic":
        return "dataset.synthetic.genres"
    return f"sample sheet {dataset['sheet']}"


def load_song_table(dataset: dict, mixture_path: str) -> pd.DataFrame:
    """The song table for config ``dataset``, indexed and sorted by song id; synthetic songs'
    audio is at ``mixture_path`` (see :func:`synthetic_table`)."""
    if dataset["source"] == "synthetic":
        table = synthetic_table(dataset["synthetic"], mixture_path)
    else:
        if not dataset.get("sheet"):
            raise SheetError("dataset.source is 'sheet' but dataset.sheet names no file")
        table = read_sheet(dataset["sheet"])
    return table.set_index("song", drop=False).sort_index()


def write_labels(path, table: pd.DataFrame) -> None:
    """Write ``results/songs.tsv``: the :data:`LABEL_COLUMNS` of every song, sorted."""
    from ..io import write_text

    labels = table[LABEL_COLUMNS].fillna("").sort_values("song")
    write_text(path, labels.to_csv(sep="\t", index=False))


def read_labels(path) -> pd.DataFrame:
    """Read ``results/songs.tsv`` (:func:`write_labels`)."""
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
