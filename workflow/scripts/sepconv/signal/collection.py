"""Checking a collection of songs once, before any per-song job.

Every song file of a sample sheet or folder is checked from its header (libsndfile's, or
ffmpeg's through audioread): it decodes, is not truncated, holds samples, is long enough for
its segment (unless ``segment.pad``), and is not the same file as another song. A header costs
well under a millisecond for WAV and FLAC, so 10,000 songs take seconds; the headers are
cached by path, size and modification time in a JSON file, so a later run, or a cluster job
that loads the workflow again, reads only files that changed. What shows only in the audio
itself (NaN samples, a silent segment) is checked by the job that cuts the segment.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from ..blocks import file_sha256
from .audio import Header, read_header
from .segments import too_short


def _stat_key(path: str) -> list[int]:
    stat = os.stat(path)
    return [stat.st_size, stat.st_mtime_ns]


def read_headers(paths: list[str], cache: str | Path | None = None) -> dict[str, Header]:
    """The header of every file in ``paths``, from ``cache`` where the file is unchanged."""
    cached = {}
    if cache is not None and Path(cache).is_file():
        try:
            cached = json.loads(Path(cache).read_text())
        except ValueError:
            cached = {}
    headers, fresh = {}, {}
    for path in paths:
        key = _stat_key(path)
        entry = cached.get(path)
        if entry is not None and entry["stat"] == key:
            headers[path] = Header(**entry["header"])
        else:
            headers[path] = read_header(path)
        fresh[path] = {"stat": key, "header": asdict(headers[path])}
    if cache is not None and fresh != {p: cached.get(p) for p in paths}:
        from ..io import write_json

        write_json(cache, {**cached, **fresh})
    return headers


def duplicates(paths: list[str]) -> dict[str, str]:
    """``{path: first path with the same bytes}`` for every file that repeats an earlier one
    (files of equal size only are hashed)."""
    by_size: dict[int, list[str]] = {}
    for path in paths:
        by_size.setdefault(os.stat(path).st_size, []).append(path)
    repeats = {}
    for group in by_size.values():
        if len(group) < 2:
            continue
        first: dict[str, str] = {}
        for path in group:
            digest = file_sha256(path)
            if digest in first and os.path.realpath(path) != os.path.realpath(first[digest]):
                repeats[path] = first[digest]
            first.setdefault(digest, path)
    return repeats


def check_collection(
    songs: pd.DataFrame, segment_s: float, pad: bool, cache: str | Path | None = None
) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Check every song of the table (columns song, path, start, origin).

    ``segment_s`` is the segment's length in seconds. Returns a table (index: song) with
    ``duration_s``, ``sample_rate``, ``channels`` and ``short`` (the file ends before its
    segment does), and the problems: ``(song, line)``, each line naming where the song is
    listed, the file, what is wrong and, where it helps, what to do.
    """
    paths = list(songs["path"])
    headers = read_headers(paths, cache)
    song_of = dict(zip(songs["path"], songs["song"], strict=True))
    repeats = duplicates([p for p in paths if headers[p].problem is None])
    rows, problems = [], []
    for _, song in songs.iterrows():
        header = headers[song["path"]]
        start = 0.0 if pd.isna(song["start"]) else float(song["start"])
        need = start + segment_s
        short = header.problem is None and header.duration_s < need
        rows.append({"song": song["song"], **asdict(header), "short": short})
        if header.problem:
            problems.append((song["song"], f"{song['origin']}: {header.problem}"))
        elif short and not pad:
            line = too_short(song["path"], need, header.duration_s)
            problems.append((song["song"], f"{song['origin']}: {line}"))
        if song["path"] in repeats:
            first = repeats[song["path"]]
            line = (
                f"{song['path']} has the same bytes as {first} (song {song_of[first]}); "
                "list each recording once"
            )
            problems.append((song["song"], f"{song['origin']}: {line}"))
    table = pd.DataFrame(rows).set_index("song", drop=False)
    # in the order of the sheet's lines or the folder's paths (numbers compared as numbers)
    problems.sort(key=lambda problem: re.sub(r"\d+", lambda m: m[0].zfill(12), problem[1]))
    return table, problems


def problems_message(problems: list[tuple[str, str]]) -> str:
    """One error for every problem of a collection (:func:`check_collection`'s)."""
    n = len(problems)
    head = f"{n} song file{'s' if n > 1 else ''} cannot be used; fix or remove them and run "
    head += "again, or set dataset.bad_files: skip to leave them out (with --keep-going, "
    head += "every other song is processed):"
    return "\n".join([head, *(f"  {line}" for _, line in problems)])
