"""Blocks of work: one job for several seeds or songs, each still with its own output files.

A job that loads something costly (the Keras backend and a traced model; a separator's
network) pays for it once per block instead of once per item. One rule runs every block of a
step, with a wildcard naming the block, so that threads, resources and groups given for that
rule reach all of its jobs. Snakemake declares a rule's outputs by pattern, and a block's items
vary, so the declared output of a block job is its **block record**: a TSV that lists what the
job wrote for each item (``item``, ``file``, ``seconds``). The items' own files (a run record,
a song's stems) lie at their usual paths; what reads them takes the block record as its input
and asks it for an item's files (:func:`item_files`).

Two kinds of block:

- **Seeds** (:func:`seed_blocks`): fixed by seed numbers, ``1-25``, ``26-50``, ...; more trials
  add blocks and leave the earlier ones as they were.
- **Songs** (:func:`song_block`): a song's block is a pure function of its id and the number
  of blocks, the jump consistent hash (Lamping & Veach 2014) of the first 8 bytes of the
  SHA-256 of the id. So a song never moves because another song comes or goes: adding a song
  changes only the block it joins, removing one changes none but its own (which loses it), and
  raising the number of blocks from n to n + 1 moves songs only into the new block. With no
  number of blocks (``None``: one job per song), a song is its own block, named by its id.

A block job runs its songs one after another through :func:`run_songs`: a song that fails is
logged with its reason and the others go on; the job then fails with one message naming
every failed song, and writes no block record, so the next run does the block again.

Light to import (the standard library and ``sepconv.io``'s atomic writes): the separators' own
environments import it too.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import os
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from .errors import InputError, SepconvError
from .io import write_text

#: The blocks of the per-song steps (segments, hpss, oracle, spectrograms), by this name in
#: :class:`SongBlocks`; a learned separator has its own, by its name.
PER_SONG = "songs"

#: The columns of a block record, one row per file a job wrote.
RECORD_COLUMNS = ("item", "file", "seconds")


def seed_blocks(trials: int, per_job: int) -> dict[str, list[int]]:
    """Seeds 1..``trials`` in blocks of ``per_job``, by name: ``{"1-25": [1, ..., 25],
    "26-50": [...], ...}``; the last block is shorter. A block is fixed by its seed numbers."""
    if trials < 1 or per_job < 1:
        raise ValueError(f"need trials >= 1 and per_job >= 1, got {trials} and {per_job}")
    blocks = {}
    for first in range(1, trials + 1, per_job):
        seeds = list(range(first, min(first + per_job, trials + 1)))
        blocks[f"{seeds[0]}-{seeds[-1]}"] = seeds
    return blocks


def jump_hash(key: int, buckets: int) -> int:
    """The jump consistent hash of the 64-bit ``key`` into ``buckets`` buckets (Lamping &
    Veach 2014, "A Fast, Minimal Memory, Consistent Hash Algorithm"): when ``buckets`` grows
    by one, a key either stays or moves to the new bucket."""
    if buckets < 1:
        raise ValueError(f"need at least one bucket, got {buckets}")
    bucket, candidate = -1, 0
    while candidate < buckets:
        bucket = candidate
        key = (key * 2862933555777941757 + 1) & 0xFFFFFFFFFFFFFFFF
        candidate = int((bucket + 1) * ((1 << 31) / ((key >> 33) + 1)))
    return bucket


def song_block(song: str, blocks: int | None) -> str:
    """The block (``"0"`` .. ``str(blocks - 1)``) of ``song``; the song itself for ``None``."""
    if blocks is None:
        return song
    key = int.from_bytes(hashlib.sha256(song.encode("utf-8")).digest()[:8], "big")
    return str(jump_hash(key, blocks))


def song_blocks(songs: Iterable[str], blocks: int | None) -> dict[str, list[str]]:
    """The non-empty blocks of ``songs``, by name in numeric order (in the order given for
    ``None``, one block per song), each with its songs in the order given."""
    return _grouped(songs, lambda song: song_block(song, blocks), numbered=blocks is not None)


def _grouped(songs: Iterable[str], block_of: Callable[[str], str], numbered: bool) -> dict:
    """``songs`` by ``block_of(song)``, each block's songs in the order given; the blocks in
    numeric order when ``numbered``, else in the order they first appear."""
    grouped: dict[str, list[str]] = {}
    for song in songs:
        grouped.setdefault(block_of(song), []).append(song)
    if not numbered:
        return grouped
    return {name: grouped[name] for name in sorted(grouped, key=int)}


def block_count(songs: int, songs_per_job: int, max_jobs: int | None = None) -> int | None:
    """The number of blocks that gives about ``songs_per_job`` songs a job (a hash spreads
    them, so blocks vary around it), at most ``max_jobs``: beyond ``songs_per_job * max_jobs``
    songs the blocks stay ``max_jobs`` and grow instead, so that a new song never changes the
    number of blocks. ``None`` (one job per song) for ``songs_per_job`` 1."""
    if songs_per_job < 1:
        raise ValueError(f"songs_per_job must be at least 1, got {songs_per_job}")
    if songs_per_job == 1:
        return None
    count = max(1, -(-songs // songs_per_job))
    return count if max_jobs is None else min(count, max_jobs)


def run_songs(
    songs: Sequence[str],
    do: Callable[[str], list[str]],
    log: logging.Logger,
    *,
    what: str,
    block: str,
    source: Callable[[str], str],
    error: type[SepconvError] = SepconvError,
) -> list[tuple[str, str, float]]:
    """Run ``do(song)``, which returns the files it wrote, for every song of a block, one
    after another; return the block record's rows.

    A song that fails is logged with its reason (and, for anything that is not a
    :class:`SepconvError`, its traceback) and the others go on; then one ``error`` names
    every failed song and its file (``source(song)``), and says that the other songs' files
    are written (``what`` and ``block`` name the block in it: ``"spleeter block" "3"``). A
    block that is one song (one job per song) fails with that song's reason alone.
    """
    rows, failed = [], []
    for number, song in enumerate(songs, start=1):
        began = time.perf_counter()
        try:
            files = do(song)
        except Exception as err:  # one song's failure must not lose the others
            known = isinstance(err, SepconvError)  # else a bug: its traceback goes to the log
            reason = str(err) if known else f"{type(err).__name__}: {err}"
            log.error(
                "%s (song %d of %d) failed: %s",
                song,
                number,
                len(songs),
                reason,
                exc_info=not known,
            )
            failed.append((song, reason))
            continue
        seconds = time.perf_counter() - began
        log.info("%s: song %d of %d done in %.2f s", song, number, len(songs), seconds)
        rows += [(song, path, seconds) for path in files]
    if failed:
        if list(songs) == [block]:  # one job per song: the rule's wildcards name the song
            raise error(failed[0][1])
        raise error(
            f"{len(failed)} of {len(songs)} song(s) of {what} {block} failed: "
            + "; ".join(f"{song} ({source(song)}): {reason}" for song, reason in failed)
            + f". The files of the other {len(songs) - len(failed)} song(s) are written; the "
            "block runs again next time"
        )
    return rows


def save_record(path: str | os.PathLike, rows: Sequence[tuple[object, str, float]]) -> None:
    """Write a block record: one ``(item, file, seconds)`` row per file the job wrote
    (``seconds``: the time the item took, repeated on each of its files)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(RECORD_COLUMNS)
    for item, file, seconds in rows:
        writer.writerow([item, file, f"{float(seconds):.3f}"])
    write_text(path, buffer.getvalue())


def load_record(path: str | os.PathLike) -> list[dict[str, str]]:
    """The rows of a block record, as written."""
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        if tuple(reader.fieldnames or ()) != RECORD_COLUMNS:
            raise InputError(f"{path} is not a block record (columns {', '.join(RECORD_COLUMNS)})")
        return list(reader)


def item_files(path: str | os.PathLike, item: object = None) -> list[str]:
    """The files the block job of record ``path`` wrote for ``item`` (every item's when
    None), in the order written; each one checked to exist."""
    rows = load_record(path)
    files = [row["file"] for row in rows if item is None or row["item"] == str(item)]
    if not files:
        raise InputError(f"block record {path} lists nothing for {item}")
    missing = [file for file in files if not Path(file).is_file()]
    if missing:
        raise InputError(
            f"{', '.join(missing)}, written by the job of {path}, is missing: "
            f"delete {path} to run that block again"
        )
    return files


class ItemFiles:
    """The files that the block jobs of several records wrote, by item: what a step that
    reads blocks' outputs takes as its input (the records) and asks for an item's files."""

    def __init__(self, records: Iterable[str | os.PathLike]):
        self._where: dict[str, str] = {}
        for record in records:
            for row in load_record(record):
                self._where.setdefault(row["item"], str(record))

    def items(self) -> list[str]:
        return list(self._where)

    def of(self, item: object) -> list[str]:
        """The files written for ``item``, in the order written, each checked to exist."""
        if str(item) not in self._where:
            raise InputError(
                f"no block record of {', '.join(sorted(set(self._where.values())))} lists {item}"
            )
        return item_files(self._where[str(item)], item)


class SongBlocks:
    """The blocks of songs of the per-song steps and of the learned separators.

    ``counts`` maps :data:`PER_SONG` (the per-song steps) and each learned separator to its
    number of blocks (``None`` for :data:`PER_SONG`: one per song). A song's per-song block
    is :func:`song_block` of its id; a learned separator's block is :func:`song_block` of the
    name of that per-song block, so each of its blocks is a union of per-song blocks and
    depends on their segments alone: a new song re-runs one block of every step. With one job
    per song, a separator's blocks are those of the songs' ids. :meth:`songs` and
    :meth:`block_of` answer for a step.
    """

    def __init__(self, songs: Iterable[str], counts: dict[str, int | None]):
        self.counts = dict(counts)
        songs = list(songs)
        per_song = self.counts.get(PER_SONG)
        self._per_song = {song: song_block(song, per_song) for song in songs}
        self._blocks = {
            step: _grouped(
                songs,
                lambda song, step=step: self.block_of(step, song),
                numbered=step != PER_SONG or per_song is not None,
            )
            for step in self.counts
        }

    def __contains__(self, step: str) -> bool:
        return step in self.counts

    def names(self, step: str) -> list[str]:
        """The blocks of ``step`` that hold songs."""
        return list(self._blocks[step])

    def block_of(self, step: str, song: str) -> str:
        per_song = self._per_song.get(song) or song_block(song, self.counts.get(PER_SONG))
        if step == PER_SONG:
            return per_song
        return song_block(per_song, self.counts[step])

    def songs(self, step: str, block: str) -> list[str]:
        """The songs of one block; an error naming the blocks there are for one without."""
        if block not in self._blocks[step]:
            raise InputError(
                f"{step} has no block {block}: its blocks are {', '.join(self._blocks[step])}"
            )
        return self._blocks[step][block]
