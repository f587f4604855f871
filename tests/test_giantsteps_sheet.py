from pathlib import Path

from giantsteps_sheet import Track, build_rows, slug


def test_sheet_rows_keep_chosen_genres_capped_and_reproducible(tmp_path):
    tracks = []
    for i in range(10):
        for genre in ("House", "Drum & Bass", "Electro House"):
            path = tmp_path / f"{i}-{slug(genre)}.mp3"
            path.write_bytes(b"")
            tracks.append(Track(f"{i}{slug(genre)}", str(path), [genre], [f"artist {i % 3}"]))
    rows = build_rows(tracks, ["House", "Drum & Bass"], per_genre=4)
    assert [r["genre"] for r in rows].count("house") == 4
    assert [r["genre"] for r in rows].count("drum-and-bass") == 4
    assert all(r["genre"] != "electro-house" for r in rows)
    assert rows == build_rows(list(reversed(tracks)), ["House", "Drum & Bass"], per_genre=4)
    assert all(r["artist"].startswith("artist ") and Path(r["path"]).is_absolute() for r in rows)
