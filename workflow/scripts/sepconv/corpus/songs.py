"""The song table: one row per labelled song, from the synthetic corpus or a sample sheet.

Columns: ``song`` (id, usable as a file name), ``genre``, ``artist`` (may be empty),
``path`` (the audio file; for the synthetic corpus, where the workflow writes it),
``start`` (segment start in seconds; empty = automatic), one column per stem (``bass``,
``drums``, ``other``, ``vocals``: the reference stem files, empty where the data set has none),
``has_stems`` (all four exist, so the ``oracle`` separator and the separation quality can use
them) and ``origin`` (where the song was listed: the sample sheet's line or the file's place
in the folder, for error messages).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import yaml

from ..errors import SheetError
from ..names import MIXTURE, STEMS
from .genres import corpus_table

COLUMNS = ["song", "genre", "artist", "path", "start", *STEMS, "has_stems", "origin"]
SHEET_REQUIRED = ["song", "path", "genre"]
SHEET_OPTIONAL = ["start", "artist", *STEMS]
#: The JSON schema of a song table row; it holds the song id's pattern too.
SCHEMA = Path(__file__).resolve().parents[3] / "schemas" / "songs.schema.yaml"
SONG_ID = re.compile(yaml.safe_load(SCHEMA.read_text())["properties"]["song"]["pattern"])


#: What :func:`suspect_rows` checks column by column; a schema that uses another keyword has
#: every row validated in full.
_COLUMN_KEYWORDS = {"type", "pattern", "minLength", "description"}
_TYPES = {
    "string": lambda v: isinstance(v, str),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
}


def suspect_rows(table: pd.DataFrame, schema: dict) -> pd.Series:
    """The rows of ``table`` that may break the row ``schema``, found column by column (the
    schema's types, patterns and lengths, for every row at once): validating only these
    rows with Snakemake's ``validate`` gives its message for the first bad one, where
    validating all 10,000 rows one by one takes seconds. Every row is suspect when the schema
    uses a keyword this does not check."""
    suspect = pd.Series(False, index=table.index)
    for column in schema.get("required", []):
        if column not in table.columns:
            return pd.Series(True, index=table.index)
    for column, rules in schema.get("properties", {}).items():
        if column not in table.columns:
            continue
        if set(rules) - _COLUMN_KEYWORDS or rules.get("type") not in _TYPES:
            return pd.Series(True, index=table.index)
        values = table[column]
        is_type = _TYPES[rules["type"]]
        good = pd.Series(
            [is_type(v.item() if hasattr(v, "item") else v) for v in values], index=table.index
        )
        if "pattern" in rules:
            good &= values.astype(str).str.contains(rules["pattern"], regex=True)
        if "minLength" in rules:
            good &= values.astype(str).str.len() >= rules["minLength"]
        suspect |= ~good
    return suspect


def synthetic_table(synthetic: dict, corpus_file: Callable[[str, str], str]) -> pd.DataFrame:
    """The song table of the embedded corpus (config ``dataset.synthetic``); a song's audio
    and its stems are ``corpus_file(song, name)`` (``name``: ``mixture`` or a stem), where the
    workflow writes them."""
    table = corpus_table(synthetic["genres"], synthetic["songs_per_artist"])
    for name, column in [(MIXTURE, "path"), *zip(STEMS, STEMS, strict=True)]:
        table[column] = [corpus_file(song, name) for song in table["song"]]
    table["start"] = float("nan")
    table["has_stems"] = True
    table["origin"] = [f"dataset.synthetic song {song}" for song in table["song"]]
    return table[COLUMNS]


def read_sheet(path: str | Path, check_files: bool = True) -> pd.DataFrame:
    """Read and check a tab-separated sample sheet.

    Required columns: ``song``, ``path``, ``genre``; optional: ``start`` (seconds), ``artist``,
    and ``bass``, ``drums``, ``other``, ``vocals``: the song's reference stems (as MUSDB18
    holds them), all four or none per song, which sum to the song's audio. Relative audio
    paths are taken relative to the sheet's directory. Raises
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
        given = [stem for stem in STEMS if row.get(stem, "")]
        if given and len(given) < len(STEMS):
            absent = [stem for stem in STEMS if stem not in given]
            raise SheetError(
                f"{where(i)}: song {song!r} names reference stems for {', '.join(given)} but "
                f"not for {', '.join(absent)}; give all four stems or none"
            )
        for column, what in [("path", "audio file"), *((stem, f"{stem} stem") for stem in given)]:
            audio = Path(row[column])
            if not audio.is_absolute():
                audio = path.parent / audio
            if check_files and not audio.is_file():
                raise SheetError(f"{where(i)}: {what} {audio} of song {song!r} does not exist")
            if check_files and not os.access(audio, os.R_OK):
                raise SheetError(f"{where(i)}: {what} {audio} of song {song!r} is not readable")
            sheet.loc[i, column] = str(audio)

    table = pd.DataFrame(
        {
            "song": sheet["song"],
            "genre": sheet["genre"],
            "artist": sheet["artist"] if "artist" in sheet.columns else "",
            "path": sheet["path"],
            "start": starts,
            **{stem: sheet[stem] if stem in sheet.columns else "" for stem in STEMS},
            "origin": [where(i) for i in range(len(sheet))],
        }
    )
    table["has_stems"] = (table[list(STEMS)] != "").all(axis=1)
    return table[COLUMNS]


#: File name extensions read as songs in a folder data set (what libsndfile and, through
#: ffmpeg, audioread decode); other files are skipped and counted.
AUDIO_EXTENSIONS = frozenset(
    ".wav .wave .flac .ogg .oga .opus .mp3 .aif .aiff .aifc .au .snd .caf .w64 .m4a .mp4 "
    ".aac .wma".split()
)


def file_safe_id(text: str) -> str:
    """One path part as part of a song id: characters outside letters, digits, '.', '_' and
    '-' become '-', runs of '-' one, and no leading '.' or '-' (folder levels are then
    joined with '--')."""
    song = re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9_.-]", "-", text))
    return song.lstrip(".-") or "song"


def read_folder(root: str | Path) -> tuple[pd.DataFrame, dict[str, int]]:
    """The song table of a folder data set, ``ROOT/genre/[artist/...]/song.ext``.

    The first folder level is the genre; a second level, where there is one, the artist
    (GTZAN's ``genres/blues/blues.00000.wav`` has none). A song's id is its path below the
    genre, without the extension, made file-safe (``blues.00000``, ``Artist-A--Track-1``),
    prefixed with the genre where two genres hold the same name, so ids stay stable when
    files are added. Files with other extensions are skipped; returns the table and the
    count of skipped files per extension. Raises :class:`SheetError` naming the files when
    two songs would get one id.
    """
    root = Path(root)
    if not root.is_dir():
        raise SheetError(f"dataset.folder {root} is not a folder")
    rows, skipped = [], {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root)
        if path.suffix.lower() not in AUDIO_EXTENSIONS or path.name.startswith("."):
            key = path.suffix.lower() or "(no extension)"
            skipped[key] = skipped.get(key, 0) + 1
            continue
        if len(relative.parts) < 2:
            raise SheetError(
                f"dataset.folder {root}: {relative} is not inside a genre folder; the layout "
                "is ROOT/genre/[artist/]song.ext"
            )
        genre, *middle = relative.parts[:-1]
        rows.append(
            {
                "genre": genre,
                "artist": middle[0] if middle else "",
                "name": "--".join(file_safe_id(part) for part in [*middle, path.stem]),
                "path": str(path.resolve()),
                "origin": f"dataset.folder {root}: {relative}",
            }
        )
    if not rows:
        raise SheetError(
            f"dataset.folder {root} holds no audio files ({', '.join(sorted(AUDIO_EXTENSIONS))})"
        )
    table = pd.DataFrame(rows)
    names = table.groupby("name")["genre"].transform("nunique")
    table["song"] = [
        name if n == 1 else f"{file_safe_id(genre)}--{name}"
        for name, genre, n in zip(table["name"], table["genre"], names, strict=True)
    ]
    clashes = table[table["song"].duplicated(keep=False)]
    if len(clashes):
        listed = "; ".join(
            f"{song}: {', '.join(group['origin'].str.split(': ', n=1).str[1])}"
            for song, group in clashes.groupby("song")
        )
        raise SheetError(
            f"dataset.folder {root}: files that would share a song id ({listed}); "
            "rename one of each"
        )
    table["start"] = float("nan")
    for stem in STEMS:
        table[stem] = ""
    table["has_stems"] = False
    return table[COLUMNS], skipped


def table_source(dataset: dict) -> str:
    """How errors name where the song table comes from."""
    if dataset["source"] == "synthetic":
        return "dataset.synthetic.genres"
    if dataset["source"] == "folder":
        return f"dataset.folder {dataset['folder']}"
    return f"sample sheet {dataset['sheet']}"


def load_song_table(
    dataset: dict, corpus_file: Callable[[str, str], str], log=None
) -> pd.DataFrame:
    """The song table for config ``dataset``, indexed and sorted by song id; synthetic songs'
    files are ``corpus_file(song, name)`` (see :func:`synthetic_table`). ``log`` (a
    callable) is told how many files a folder data set skipped."""
    if dataset["source"] == "synthetic":
        table = synthetic_table(dataset["synthetic"], corpus_file)
    elif dataset["source"] == "folder":
        if not dataset.get("folder"):
            raise SheetError("dataset.source is 'folder' but dataset.folder names no folder")
        table, skipped = read_folder(dataset["folder"])
        if log is not None:
            counts = ", ".join(f"{n} {ext}" for ext, n in sorted(skipped.items())) or "none"
            log(
                f"dataset.folder {dataset['folder']}: {len(table)} songs in "
                f"{table['genre'].nunique()} genres; skipped files that are not audio: {counts}"
            )
    else:
        if not dataset.get("sheet"):
            raise SheetError("dataset.source is 'sheet' but dataset.sheet names no file")
        table = read_sheet(dataset["sheet"])
    return table.set_index("song", drop=False).sort_index()
