"""What a configuration asks of a song table: the decisions behind the workflow's input
functions, as plain functions that the tests call without Snakemake.

``workflow/rules/common.smk`` wires them to rules; nothing here knows about Snakemake. Light to
import (pandas, no NumPy arithmetic), since the workflow imports it when it loads.
"""

from __future__ import annotations

import pandas as pd

from .names import MIXTURE, NO_SEPARATOR, ORACLE, STEMS


def load_songs(config: dict, corpus_file: str, log=None) -> pd.DataFrame:
    """The song table of a validated ``config``, checked against its schema and against the
    config (``sepconv.config.check``); raises one :class:`~sepconv.errors.InputError`
    naming the key, the file or the line. What the workflow does when it loads, before any
    job; ``corpus_file`` is where synthetic songs are written, ``log`` tells what a folder
    data set skipped."""
    from snakemake.exceptions import WorkflowError
    from snakemake.utils import validate

    from .config import check
    from .corpus.songs import SCHEMA, load_song_table, table_source
    from .errors import SheetError

    source = table_source(config["dataset"])
    songs = load_song_table(config["dataset"], corpus_file, log=log)
    try:
        validate(songs, SCHEMA)
    except WorkflowError as err:
        raise SheetError(f"{source}: {str(err).splitlines()[0]}") from None
    check(config, songs, source)
    return songs


def quality_plan(
    separators: list[str], songs: pd.DataFrame, source: str
) -> tuple[list[str], list[str], str | None]:
    """Which separators' stems are measured against reference stems, on which songs, and the
    one log line that says why nothing is measured (None when something is).

    Every separator but the oracle is measured, on the songs of ``songs`` (the song table,
    with its ``has_stems`` column) that have reference stems; the oracle's stems, cut like
    the segment, are the references.
    """
    with_stems = list(songs.index[songs["has_stems"]])
    measured = [s for s in separators if s != ORACLE] if with_stems else []
    if not with_stems:
        return (
            [],
            [],
            (
                f"separation quality not measured: no song of {source} has reference stems "
                f"(sheet columns {', '.join(STEMS)}); results/separation/quality.tsv is not made"
            ),
        )
    if not measured:
        return (
            [],
            with_stems,
            (
                "separation quality not measured: `separators` lists only the oracle, whose stems "
                "are the references; results/separation/quality.tsv is not made"
            ),
        )
    return measured, with_stems, None


def mel_channels(separator: str, representations: dict[str, list[str]]) -> list[str]:
    """The channels of a separator's spectrogram file: the mixture under ``none``; else each
    stem, then each sum of stems (``bass+drums+other``) that a representation uses."""
    if separator == NO_SEPARATOR:
        return [MIXTURE]
    channels = list(STEMS)
    for representation_channels in representations.values():
        for channel in representation_channels:
            if channel != MIXTURE and channel not in channels:
                channels.append(channel)
    return channels


def may_be_short(
    start: float | None,
    segment_s: float,
    audio: pd.Series | None = None,
    shortest_s: float | None = None,
) -> bool:
    """Whether a song may end before its segment does (then ``segment.pad`` matters to it):
    from its header facts ``audio`` (a row of ``check_collection``'s table: ``short``,
    ``problem``), or, for a synthetic song, from the shortest length it can have."""
    if audio is not None:
        return bool(audio["short"] or audio["problem"])
    need = segment_s + (0.0 if start is None or pd.isna(start) else float(start))
    return shortest_s < need


def segment_settings(segment: dict, start: float | None, short: bool, sample_rate: int) -> dict:
    """What cutting one song's segments depends on, from config ``segment``: the rate; the
    number of segments where it is more than one; the search grid only for a song without a
    ``start`` cut into one segment; ``pad`` only for a song that may be ``short``. So a
    changed setting re-runs only the songs it concerns."""
    settings = {"sample_rate": sample_rate}
    per_song = segment["per_song"]
    if per_song > 1:  # absent at 1: the paper's protocol keeps the segments' parameters
        settings["per_song"] = per_song
    if per_song == 1 and (start is None or pd.isna(start)):
        settings["search_step"] = segment["search_step"]
    if short:
        settings["pad"] = segment["pad"]
    return settings
