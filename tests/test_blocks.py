"""Blocks of seeds and songs: fixed by seed numbers, and songs that stay in their block as the
collection changes; the block record's save and load."""

import random

import pytest

from sepconv.blocks import (
    item_files,
    jump_hash,
    load_record,
    save_record,
    seed_blocks,
    song_block,
    song_blocks,
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


def test_song_blocks_spread_songs_evenly():
    blocks = song_blocks(SONGS, 4)
    assert list(blocks) == ["0", "1", "2", "3"]
    assert sorted(s for songs in blocks.values() for s in songs) == SONGS
    assert all(70 <= len(songs) <= 130 for songs in blocks.values())
    assert song_blocks(SONGS[:1], 4) == {song_block(SONGS[0], 4): SONGS[:1]}  # no empty blocks
    assert set(song_blocks(SONGS, 1)) == {"0"}


def test_a_song_stays_in_its_block_whatever_else_comes_or_goes():
    before = song_blocks(SONGS, 8)
    shuffled = random.Random(1).sample(SONGS, len(SONGS))
    after = song_blocks([*shuffled[:300], "a-new-song"], 8)  # 100 removed, one added
    block_of = {song: name for name, songs in after.items() for song in songs}
    for name, songs in before.items():
        assert all(block_of.get(song, name) == name for song in songs)
    # one more block: songs move only into the new block
    moved = {s for s in SONGS if song_block(s, 9) != song_block(s, 8)}
    assert moved and all(song_block(s, 9) == "8" for s in moved)
    assert 20 <= len(moved) <= 70  # about 1/9 of the songs


def test_block_records_round_trip_and_name_missing_files(tmp_path):
    stems = [tmp_path / f"{stem}.wav" for stem in ("bass", "drums")]
    for path in stems:
        path.write_bytes(b"RIFF")
    record = tmp_path / "block.tsv"
    save_record(record, [("song-a", str(stems[0]), 2.5), ("song-a", str(stems[1]), 2.5)])
    assert load_record(record) == [
        {"item": "song-a", "file": str(stems[0]), "seconds": "2.500"},
        {"item": "song-a", "file": str(stems[1]), "seconds": "2.500"},
    ]
    assert item_files(record, "song-a") == [str(p) for p in stems]
    with pytest.raises(InputError, match=f"block record {record} lists nothing for song-b"):
        item_files(record, "song-b")
    stems[1].unlink()
    with pytest.raises(InputError, match=f"delete {record} to run that block again"):
        item_files(record, "song-a")
    (tmp_path / "other.tsv").write_text("song\tpath\n")
    with pytest.raises(InputError, match="is not a block record"):
        load_record(tmp_path / "other.tsv")


def test_one_job_per_song_and_the_block_count_of_songs_per_job():
    from sepconv.blocks import block_count

    assert song_blocks(["b", "a"], None) == {"b": ["b"], "a": ["a"]}
    assert song_block("a", None) == "a"
    assert block_count(66, 1) is None
    assert block_count(66, 8) == 9 and block_count(64, 8) == 8 and block_count(3, 8) == 1
    assert block_count(2048, 8, 256) == 256 and block_count(10_000, 8, 256) == 256
    assert block_count(66, 8, 256) == 9 and block_count(66, 1, 256) is None


def test_a_block_runs_every_song_and_names_the_ones_that_fail(tmp_path, caplog):
    import logging

    from sepconv.blocks import ItemFiles, run_songs

    log = logging.getLogger("test")

    def do(song):
        if song == "bad":
            raise InputError(f"{song}.wav is too short")
        if song == "bug":
            raise KeyError("x")
        path = tmp_path / f"{song}.npz"
        path.write_bytes(b"x")
        return [str(path)]

    rows = run_songs(["a", "b"], do, log, what="x block", block="3", source=str)
    assert [row[:2] for row in rows] == [
        ("a", str(tmp_path / "a.npz")),
        ("b", str(tmp_path / "b.npz")),
    ]
    with caplog.at_level(logging.INFO), pytest.raises(InputError) as err:
        run_songs(
            ["bad", "a", "bug", "c"],
            do,
            log,
            what="x block",
            block="3",
            source=lambda s: f"{s}.wav",
            error=InputError,
        )
    assert str(err.value) == (
        "2 of 4 song(s) of x block 3 failed: bad (bad.wav): bad.wav is too short; "
        "bug (bug.wav): KeyError: 'x'. The files of the other 2 song(s) are written; the "
        "block runs again next time"
    )
    assert (tmp_path / "c.npz").exists()  # after both failures
    assert "bad (song 1 of 4) failed" in caplog.text and "c: song 4 of 4 done in" in caplog.text
    # one job per song: the song's own message
    with pytest.raises(InputError, match=r"^bad\.wav is too short$"):
        run_songs(["bad"], do, log, what="x block", block="bad", source=str, error=InputError)
    # the files of several records, by song
    save_record(tmp_path / "1.tsv", rows[:1])
    save_record(tmp_path / "2.tsv", rows[1:])
    files = ItemFiles([tmp_path / "1.tsv", tmp_path / "2.tsv"])
    assert files.items() == ["a", "b"] and files.of("b") == [str(tmp_path / "b.npz")]
    with pytest.raises(InputError, match="lists z"):
        files.of("z")


def test_a_separator_s_blocks_are_unions_of_the_per_song_blocks():
    from sepconv.blocks import PER_SONG, SongBlocks

    songs = [f"song-{i:03d}" for i in range(66)]
    blocks = SongBlocks(songs, {PER_SONG: 9, "spleeter": 2})
    for name in blocks.names("spleeter"):
        inside = blocks.songs("spleeter", name)
        per_song = {blocks.block_of(PER_SONG, s) for s in inside}
        assert sorted(inside) == sorted(
            s for block in per_song for s in blocks.songs(PER_SONG, block)
        )
    # a new song: one block of each step gains it, every other block keeps its songs
    grown = SongBlocks([*songs, "song-new"], {PER_SONG: 9, "spleeter": 2})
    for step in (PER_SONG, "spleeter"):
        changed = [n for n in grown.names(step) if grown.songs(step, n) != blocks.songs(step, n)]
        assert changed == [grown.block_of(step, "song-new")]
    # one job per song: a separator's blocks are those of the songs' ids, as without blocks
    alone = SongBlocks(songs, {PER_SONG: None, "spleeter": 2})
    assert alone.names(PER_SONG) == songs
    assert all(alone.block_of("spleeter", s) == song_block(s, 2) for s in songs)
