"""Blocks of work: one job for several songs or seeds, its files in one folder.

A job that starts Python and its libraries, or loads a model, pays for that once per block
instead of once per item. One rule runs every block of a step, with a wildcard naming the
block, so that threads, resources and groups given for that rule reach all of its jobs.

**Which block.** A song's block depends on its id and on counts the user sets, never on how
many songs there are (:class:`SongBlocks`):

- the per-song steps (synthesis, segments, ``oracle``, ``hpss``, the ladder's rungs,
  spectrograms, separation quality) spread the songs over ``song_blocks`` blocks: a song's
  block is the jump consistent hash (Lamping & Veach 2014) of the first 8 bytes of the
  SHA-256 of its id;
- a learned separator (Spleeter, Demucs) deals the per-song blocks out over its own
  ``blocks`` in turn (per-song block ``b`` goes to block ``b mod blocks``), so each of its
  blocks is a union of per-song blocks, as even as they allow, and reads only their
  segments; it cannot have more blocks that hold songs than ``song_blocks``.

So adding songs changes exactly the blocks that gain one, removing songs the blocks that lose
one, at every collection size; changing a count is what moves songs (the jump hash moves a
song only into a new block when ``song_blocks`` grows by one; a learned separator's count
deals its per-song blocks out anew). Seeds go in blocks fixed by their
numbers (:func:`seed_blocks`: ``1-25``, ``26-50``, ...).

**Its files.** A block job writes everything into one folder, a Snakemake ``directory()``
output, and then the folder's **listing** beside it (``FOLDER.sha256``: the SHA-256 and the
path of every file, as ``sha256sum`` writes them; :func:`write_listing`). What reads a block
takes both as inputs and finds the block's items through the listing (:func:`items_in`);
the folder itself is marked ``ancient`` there, so that the listing alone says whether the
block's content changed: a block made again with the same bytes re-runs nothing after it.

**Its loop.** A block job runs its items one after another inside :class:`Block`: an item
that fails is logged with its reason and the others go on; the job then fails with one
message naming every failed item, and Snakemake removes the block's folder, so the next run
makes the whole block again.

Light to import (the standard library): the separators' own environments import it too.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import InputError, SepconvError

#: The scheme of blocks of the per-song steps, by this name in :class:`SongBlocks`; a learned
#: separator's scheme goes by the separator's name.
PER_SONG = "songs"
#: The suffix of a block folder's listing: ``results/segments/3`` -> ``results/segments/3.sha256``.
LISTING_SUFFIX = ".sha256"


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


@functools.lru_cache(maxsize=1 << 20)
def song_block(song: str, blocks: int) -> str:
    """The per-song block (``"0"`` .. ``str(blocks - 1)``) of the song id ``song``: the jump
    hash of the first 8 bytes of its SHA-256 (remembered: the song table and the blocks of
    every step ask it of each song)."""
    key = int.from_bytes(hashlib.sha256(song.encode("utf-8")).digest()[:8], "big")
    return str(jump_hash(key, blocks))


def learned_block(per_song_block: str, blocks: int) -> str:
    """The block of a learned separator with ``blocks`` blocks that runs the songs of
    ``per_song_block``: the per-song blocks dealt out in turn, so that they spread evenly."""
    return str(int(per_song_block) % blocks)


class SongBlocks:
    """Which block holds each song, in each scheme of blocks: the per-song steps' and each
    learned separator's.

    ``per_song`` is the number of blocks of the per-song steps (config ``song_blocks``);
    ``learned`` maps each learned separator to its number of blocks (``spleeter.blocks``).
    Only blocks that hold songs exist (:meth:`names`); they are named by number and listed
    in numeric order, each with its songs in the order given.
    """

    def __init__(self, songs: Iterable[str], per_song: int, learned: dict[str, int] | None = None):
        self.per_song = int(per_song)
        self.learned = dict(learned or {})
        self._block = {song: song_block(song, self.per_song) for song in songs}
        self._schemes: dict[str, dict[str, list[str]]] = {PER_SONG: {}}
        for song, block in self._block.items():
            self._schemes[PER_SONG].setdefault(block, []).append(song)
        for scheme, count in self.learned.items():
            grouped: dict[str, list[str]] = {}
            for block in sorted(self._schemes[PER_SONG], key=int):
                grouped.setdefault(learned_block(block, count), []).append(block)
            self._schemes[scheme] = grouped
        self._schemes[PER_SONG] = _numeric(self._schemes[PER_SONG])
        for scheme in self.learned:
            self._schemes[scheme] = _numeric(self._schemes[scheme])

    def __contains__(self, scheme: str) -> bool:
        return scheme in self._schemes

    def scheme(self, separator: str) -> str:
        """The scheme of blocks a separator's jobs run in: its own (a learned separator), or
        the per-song steps' (:data:`PER_SONG`)."""
        return separator if separator in self.learned else PER_SONG

    def names(self, scheme: str) -> list[str]:
        """The blocks of ``scheme`` that hold songs."""
        return list(self._schemes[scheme])

    def block_of(self, scheme: str, song: str) -> str:
        block = self._block[song]
        return block if scheme == PER_SONG else learned_block(block, self.learned[scheme])

    def per_song_blocks(self, scheme: str, block: str) -> list[str]:
        """The per-song blocks that make up ``block`` of ``scheme`` (itself for PER_SONG)."""
        self._check(scheme, block)
        return [block] if scheme == PER_SONG else list(self._schemes[scheme][block])

    def songs(self, scheme: str, block: str) -> list[str]:
        """The songs of one block; an error naming the blocks there are for one without."""
        return [
            song
            for part in self.per_song_blocks(scheme, block)
            for song in self._schemes[PER_SONG][part]
        ]

    def changed(self, other: SongBlocks, scheme: str = PER_SONG) -> set[str]:
        """The blocks of ``scheme`` whose songs differ between these blocks and ``other``
        (another song list under the same counts): the blocks a change of songs runs again."""

        def songs(blocks: SongBlocks, name: str) -> list[str]:
            return blocks.songs(scheme, name) if name in blocks.names(scheme) else []

        names = set(self.names(scheme)) | set(other.names(scheme))
        return {name for name in names if songs(self, name) != songs(other, name)}

    def _check(self, scheme: str, block: str) -> None:
        if block not in self._schemes[scheme]:
            raise InputError(
                f"{scheme} has no block {block}: its blocks are {', '.join(self._schemes[scheme])}"
            )


def _numeric(grouped: dict[str, list]) -> dict[str, list]:
    return {name: grouped[name] for name in sorted(grouped, key=int)}


# A block's folder and its listing


def listing_path(folder: str | os.PathLike) -> str:
    """Where the listing of a block folder lies: beside it, ``FOLDER.sha256``."""
    return f"{os.fspath(folder).rstrip('/')}{LISTING_SUFFIX}"


def listed_folder(listing: str | os.PathLike) -> str:
    """The block folder a listing lists (:func:`listing_path`'s inverse)."""
    listing = os.fspath(listing)
    if not listing.endswith(LISTING_SUFFIX):
        raise ValueError(f"a listing ends in {LISTING_SUFFIX}: {listing}")
    return listing[: -len(LISTING_SUFFIX)]


def _files(folder: Path) -> list[Path]:
    """The files under ``folder``, sorted, without hidden ones (Snakemake's
    ``.snakemake_timestamp``, an atomic write's temporary file)."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(root) / name for name in sorted(files) if not name.startswith(".")]
    return found


def file_sha256(path: str | os.PathLike) -> str:
    """The SHA-256 of a file's bytes, in hex (the one file digest of the library: listings,
    a collection's repeated files, a Demucs model's checksum)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def write_listing(folder: str | os.PathLike) -> str:
    """Write the listing of ``folder``: one line ``SHA256  PATH`` per file (the path relative
    to the folder; what ``sha256sum`` writes, so ``cd FOLDER && sha256sum -c ../NAME.sha256``
    checks it); return its path."""
    from .io import write_text

    folder = Path(folder)
    lines = [
        f"{file_sha256(path)}  {path.relative_to(folder).as_posix()}\n" for path in _files(folder)
    ]
    path = listing_path(folder)
    write_text(path, "".join(lines))
    return path


def item_of(relative: str) -> str:
    """The item (song or seed) a file of a block folder belongs to: its first folder
    (``house-01/bass.wav``), or its name without the extension (``house-01.wav``)."""
    first, _, rest = relative.partition("/")
    return first if rest else first.rsplit(".", 1)[0]


def read_listing(folder: str | os.PathLike, check: bool = True) -> list[str]:
    """The files of a block folder as its listing gives them (paths under ``folder``), each
    checked to exist (unless ``check`` is false: for a step that reads only the listing, of a
    folder that may be gone): a block folder is whole or it is made again."""
    folder = os.fspath(folder).rstrip("/")
    listing = listing_path(folder)
    try:
        with open(listing) as handle:
            relative = [line.rstrip("\n").split("  ", 1)[1] for line in handle if line.strip()]
    except FileNotFoundError:
        raise InputError(f"block folder {folder} has no listing {listing}") from None
    except IndexError:
        raise InputError(f"{listing} is not a listing of SHA-256 digests and paths") from None
    files = [f"{folder}/{name}" for name in relative]
    missing = [file for file in files if check and not os.path.isfile(file)]
    if missing:
        raise InputError(
            f"{', '.join(missing[:3])}{' and others' if len(missing) > 3 else ''} listed in "
            f"{listing} is missing: delete {folder} to make the block again"
        )
    return files


def items_in(folders: Iterable[str | os.PathLike], check: bool = True) -> dict[str, str]:
    """Every item (song or seed) of the block ``folders``, in the order of the folders and
    of their listings, with the folder that holds it: how a step finds its songs' files
    (``check``: see :func:`read_listing`)."""
    found: dict[str, str] = {}
    for folder in folders:
        folder = os.fspath(folder).rstrip("/")
        for file in read_listing(folder, check):
            found.setdefault(item_of(file[len(folder) + 1 :]), folder)
    return found


class Block:
    """A block job's loop over its items (songs or seeds)::

        with Block(snakemake.output.folder, log, what="hpss block 3") as block:
            for song, folder in blocks.items_in(snakemake.input.segments).items():
                with block.item(song, source=...):
                    ...  # read, compute, write into the block's folder

    :meth:`item` logs each item's time; an item that raises is logged with its reason (and,
    for anything that is not a :class:`~sepconv.errors.SepconvError`, its traceback) and
    the loop goes on. When the loop ends, one ``error`` names every failed item and its
    ``source``; when none failed, the folder's listing is written (:func:`write_listing`).
    An item that raises one of the ``skip`` errors is left out instead of failing: logged
    as a warning, its partial files removed, and listed in :attr:`skipped`.
    """

    def __init__(
        self,
        folder: str | os.PathLike,
        log: logging.Logger,
        *,
        what: str,
        error: type[SepconvError] = SepconvError,
        skip: tuple[type[SepconvError], ...] = (),
    ):
        self.folder = Path(folder)
        self.log = log
        self.what = what
        self.error = error
        self.skip = tuple(skip)
        self.done: list[str] = []
        self.failed: list[tuple[str, str, str]] = []
        #: (item, source, reason) of each item left out
        self.skipped: list[tuple[str, str, str]] = []

    def __enter__(self) -> Block:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self

    @contextlib.contextmanager
    def item(self, name: object, source: str = "") -> Iterator[None]:
        """Run one item's work; a failure is recorded and does not stop the loop."""
        began = time.perf_counter()
        try:
            yield
        except self.skip as err:  # a bad item, left out on request
            self.log.warning("%s left out: %s", name, err)
            for path in _files(self.folder):
                if item_of(path.relative_to(self.folder).as_posix()) == str(name):
                    path.unlink()
            self.skipped.append((str(name), source, str(err)))
            return
        except Exception as err:  # one item's failure must not lose the others
            known = isinstance(err, SepconvError)  # else a bug: its traceback goes to the log
            reason = str(err) if known else f"{type(err).__name__}: {err}"
            self.log.error("%s failed: %s", name, reason, exc_info=not known)
            self.failed.append((str(name), source, reason))
            return
        self.done.append(str(name))
        self.log.info("%s done in %.2f s", name, time.perf_counter() - began)

    def __exit__(self, kind, value, traceback) -> None:
        if kind is not None:
            return
        if self.failed:
            total = len(self.failed) + len(self.done)
            raise self.error(
                f"{len(self.failed)} of {total} item(s) of {self.what} failed: "
                + "; ".join(
                    f"{name} ({source}): {reason}" if source else f"{name}: {reason}"
                    for name, source, reason in self.failed
                )
                + ". The block runs again, whole, next time"
            )
        write_listing(self.folder)
        self.log.info(
            "%s: %d item(s), listed in %s%s",
            self.what,
            len(self.done),
            listing_path(self.folder),
            f"; {len(self.skipped)} left out" if self.skipped else "",
        )
