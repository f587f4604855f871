"""Blocks of seeds and songs: fixed by seed numbers, and songs whose block depends on their
id and the counts alone; a block folder's listing, and a block job's loop."""

import logging
import random
import subprocess

import pytest

from sepconv.blocks import (
    PER_SONG,
    Block,
    SongBlocks,
    item_of,
    items_in,
    jump_hash,
    learned_block,
    listing_path,
    read_listing,
    seed_blocks,
    song_block,
    write_listing,
)
from sepconv.errors import InputError

SONGS = [f"song-{i:04d}" for i in range(400)]


def test_seed_blocks_are_fixed_by_their_seed_numbers():
    assert seed_blocks(5, 2) == {"1-2": [1, 2], "3-4": [3, 4], "5-5": [5]}
    six, four = seed_blocks(6, 2), seed_blocks(4, 2)
    assert {name: six[name] for name in four} == four  # more trials leave earlier blocks
    assert seed_blocks(3, 10) == {"1-3": [1, 2, 3]}
    assert seed_blocks(3, 1) == {"1-1": [1], "2-2": [2], "3-3": [3]}
    assert list(seed_blocks(50, 25)) == ["1-25", "26-50"]
    with pytest.raises(ValueError):
        seed_blocks(3, 0)


def test_jump_hash_matches_the_published_algorithm():
    # what the paper's C++ function (Lamping & Veach 2014, Figure 1), compiled, returns
    assert [jump_hash(key, 1) for key in range(5)] == [0, 0, 0, 0, 0]
    assert [jump_hash(1, n) for n in (10, 1000, 65536)] == [6, 549, 21134]
    assert [jump_hash(0xDEAD10CC, n) for n in (10, 1000, 65536)] == [5, 361, 6591]
    assert [jump_hash(2**64 - 1, n) for n in (10, 1000, 65536)] == [9, 313, 18311]
    assert [jump_hash(123456789, n) for n in (10, 1000, 65536)] == [7, 294, 42483]
    with pytest.raises(ValueError):
        jump_hash(1, 0)


def test_songs_spread_evenly_over_the_blocks_and_no_block_is_empty():
    blocks = SongBlocks(SONGS, 4)
    assert blocks.names(PER_SONG) == ["0", "1", "2", "3"]
    assert sorted(s for b in blocks.names(PER_SONG) for s in blocks.songs(PER_SONG, b)) == SONGS
    assert all(70 <= len(blocks.songs(PER_SONG, b)) <= 130 for b in blocks.names(PER_SONG))
    one = SongBlocks(SONGS[:1], 4)
    assert one.names(PER_SONG) == [song_block(SONGS[0], 4)]
    with pytest.raises(InputError, match=r"songs has no block 9: its blocks are \d"):
        one.songs(PER_SONG, "9")


@pytest.mark.parametrize("songs", [1, 7, 8, 9, 66, 73, 2048, 2049])
def test_a_song_s_block_never_depends_on_how_many_songs_there_are(songs):
    """The song that crosses any multiple of a count, at sizes small and large: every other
    song stays where it was, in every step's blocks."""
    names = SONGS[:songs] if songs <= len(SONGS) else [f"s{i}" for i in range(songs)]
    before = SongBlocks(names, 8, {"spleeter": 2})
    after = SongBlocks([*names, "a-new-song"], 8, {"spleeter": 2})
    for step in (PER_SONG, "spleeter"):
        changed = [
            block
            for block in after.names(step)
            if block not in before.names(step)
            or after.songs(step, block) != before.songs(step, block)
        ]
        assert changed == [after.block_of(step, "a-new-song")]


def test_removing_songs_changes_only_the_blocks_that_lose_one():
    before = SongBlocks(SONGS, 8)
    kept = random.Random(1).sample(SONGS, 300)
    after = SongBlocks(kept, 8)
    removed = set(SONGS) - set(kept)
    for block in before.names(PER_SONG):
        lost = removed.intersection(before.songs(PER_SONG, block))
        unchanged = block in after.names(PER_SONG) and sorted(
            after.songs(PER_SONG, block)
        ) == sorted(before.songs(PER_SONG, block))
        assert unchanged == (not lost)


def test_a_count_that_grows_by_one_moves_songs_only_into_the_new_block():
    moved = {s for s in SONGS if song_block(s, 9) != song_block(s, 8)}
    assert moved and all(song_block(s, 9) == "8" for s in moved)
    assert 20 <= len(moved) <= 70  # about 1/9 of the songs


def test_a_separator_s_blocks_are_unions_of_the_per_song_blocks():
    songs = [f"song-{i:03d}" for i in range(66)]
    blocks = SongBlocks(songs, 9, {"spleeter": 2})
    assert blocks.scheme("spleeter") == "spleeter" and blocks.scheme("hpss") == PER_SONG
    for name in blocks.names("spleeter"):
        inside = blocks.songs("spleeter", name)
        parts = blocks.per_song_blocks("spleeter", name)
        assert {blocks.block_of(PER_SONG, s) for s in inside} == set(parts)
        assert sorted(inside) == sorted(s for part in parts for s in blocks.songs(PER_SONG, part))
        assert all(learned_block(part, 2) == name for part in parts)


@pytest.mark.parametrize("count", [2, 3, 8])
def test_a_separator_s_blocks_take_the_per_song_blocks_in_turn(count):
    """8 per-song blocks over 2, 3 or 8 blocks of a separator: 4 and 4, 3, 3 and 2, 1 each."""
    songs = [f"song-{i:04d}" for i in range(2000)]
    blocks = SongBlocks(songs, 8, {"demucs": count})
    sizes = sorted(len(blocks.per_song_blocks("demucs", name)) for name in blocks.names("demucs"))
    assert len(sizes) == count and sizes[-1] - sizes[0] <= 1 and sum(sizes) == 8


def test_a_listing_is_what_sha256sum_checks_and_finds_each_item(tmp_path):
    folder = tmp_path / "3"
    (folder / "house-01").mkdir(parents=True)
    (folder / "house-01" / "bass.wav").write_bytes(b"bass")
    (folder / "blues.00001.npz").write_bytes(b"mel")
    (folder / ".snakemake_timestamp").write_bytes(b"")  # hidden files are not listed
    path = write_listing(folder)
    assert path == str(tmp_path / "3.sha256") == listing_path(folder)
    check = subprocess.run(
        ["sha256sum", "--check", "--strict", path], cwd=folder, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert read_listing(folder) == [f"{folder}/blues.00001.npz", f"{folder}/house-01/bass.wav"]
    assert items_in([folder]) == {"blues.00001": str(folder), "house-01": str(folder)}
    assert item_of("house-01/drums.wav") == "house-01" and item_of("seed12.json") == "seed12"
    (folder / "house-01" / "bass.wav").unlink()
    with pytest.raises(InputError, match=f"listed in {path} is missing: delete {folder}"):
        read_listing(folder)
    with pytest.raises(InputError, match="has no listing"):
        read_listing(tmp_path / "4")


def test_the_same_files_give_the_same_listing(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name / "x").mkdir(parents=True)
        (tmp_path / name / "x" / "y.wav").write_bytes(b"same")
    assert (
        open(write_listing(tmp_path / "a"), "rb").read()
        == open(write_listing(tmp_path / "b"), "rb").read()
    )


def test_a_block_runs_every_item_and_names_the_ones_that_fail(tmp_path, caplog):
    log = logging.getLogger("test")
    with Block(tmp_path / "ok", log, what="x block 3") as block:
        for song in ("a", "b"):
            with block.item(song):
                (tmp_path / "ok" / f"{song}.npz").write_bytes(b"x")
    assert read_listing(tmp_path / "ok") == [f"{tmp_path}/ok/a.npz", f"{tmp_path}/ok/b.npz"]

    with caplog.at_level(logging.INFO), pytest.raises(InputError) as err:
        with Block(tmp_path / "bad", log, what="x block 3", error=InputError) as block:
            for song in ("bad", "a", "bug", "c"):
                with block.item(song, source=f"{song}.wav"):
                    if song == "bad":
                        raise InputError(f"{song}.wav is too short")
                    if song == "bug":
                        raise KeyError("x")
                    (tmp_path / "bad" / f"{song}.npz").write_bytes(b"x")
    assert str(err.value) == (
        "2 of 4 item(s) of x block 3 failed: bad (bad.wav): bad.wav is too short; "
        "bug (bug.wav): KeyError: 'x'. The block runs again, whole, next time"
    )
    assert (tmp_path / "bad" / "c.npz").exists()  # the loop went on after both failures
    assert not (tmp_path / "bad.sha256").exists()  # no listing: the block is not whole
    assert "bad failed: bad.wav is too short" in caplog.text and "c done in" in caplog.text
    assert "KeyError" in caplog.text  # a bug's traceback goes to the log
