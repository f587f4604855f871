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
  raising the number of blocks from n to n + 1 moves songs only into the new block.

Light to import (the standard library and ``sepconv.io``'s atomic writes): the separators' own
environments import it too.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import InputError
from .io import write_text

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


def song_block(song: str, blocks: int) -> str:
    """The block (``"0"`` .. ``str(blocks - 1)``) that separates ``song``."""
    key = int.from_bytes(hashlib.sha256(song.encode("utf-8")).digest()[:8], "big")
    return str(jump_hash(key, blocks))


def song_blocks(songs: Iterable[str], blocks: int) -> dict[str, list[str]]:
    """The non-empty blocks of ``songs``, by name in numeric order, each with its songs in
    the order given."""
    grouped: dict[str, list[str]] = {}
    for song in songs:
        grouped.setdefault(song_block(song, blocks), []).append(song)
    return {name: grouped[name] for name in sorted(grouped, key=int)}


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


class SongBlocks:
    """The blocks of songs of the steps that separate a block of songs per job.

    ``counts`` maps such a step (a separator) to its number of blocks; :meth:`songs` and
    :meth:`block_of` answer for it.
    """

    def __init__(self, songs: Iterable[str], counts: dict[str, int]):
        self.counts = dict(counts)
        self._blocks = {step: song_blocks(songs, n) for step, n in self.counts.items()}

    def __contains__(self, step: str) -> bool:
        return step in self.counts

    def names(self, step: str) -> list[str]:
        """The blocks of ``step`` that hold songs."""
        return list(self._blocks[step])

    def block_of(self, step: str, song: str) -> str:
        return song_block(song, self.counts[step])

    def songs(self, step: str, block: str) -> list[str]:
        """The songs of one block; an error naming the blocks there are for one without."""
        if block not in self._blocks[step]:
            raise InputError(
                f"{step} has no block {block}: of its {self.counts[step]} block(s), "
                f"{', '.join(self._blocks[step])} hold songs"
            )
        return self._blocks[step][block]
