"""Benchmark the per-seed split of the songs at the sizes of real collections.

    uv run python tools/benchmark_splits.py                       # 1,000, 10,000 and 106,574 songs
    uv run python tools/benchmark_splits.py --songs 4000 --genres 16 --repeats 5

For each size it makes a song table as a sample sheet with artists gives it (a quarter as
many artists as songs over ``--genres`` genres, an artist now and then in a second genre, one
song in eight without an artist), then times, per seed, the split step's work: reading
``results/songs.tsv`` (written once to a temporary folder), splitting
(:func:`sepconv.learning.splits.split_songs`) and writing the split file; it prints the
median of ``--repeats`` seeds of each. Run it with another checkout's environment
(``/path/to/checkout/.venv/bin/python tools/benchmark_splits.py``) to time that checkout's
library on the same tables.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def song_table(n_songs: int, n_genres: int, seed: int = 0) -> pd.DataFrame:
    """Songs, genres and artists as a sample sheet with artists gives them."""
    rng = np.random.default_rng(seed)
    artists = max(2 * n_genres, n_songs // 4)
    home = rng.integers(0, n_genres, size=artists)
    artist = rng.integers(0, artists, size=n_songs)
    genre = np.where(rng.random(n_songs) < 0.9, home[artist], rng.integers(0, n_genres, n_songs))
    named = rng.random(n_songs) >= 0.125
    return pd.DataFrame(
        {
            "song": [f"song{i:06d}" for i in range(n_songs)],
            "genre": [f"genre{g:02d}" for g in genre],
            "artist": np.where(named, [f"artist {a}" for a in artist], ""),
        }
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--songs", type=int, nargs="*", default=[1000, 10000, 106574])
    parser.add_argument("--genres", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3, help="seeds timed per size")
    args = parser.parse_args(argv)

    from sepconv.corpus.labels import read_labels, write_labels
    from sepconv.learning.splits import save_split, split_songs

    print(f"{'songs':>8} {'artists':>8} {'read s':>7} {'split s':>8} {'write s':>8} {'test':>6}")
    with tempfile.TemporaryDirectory() as folder:
        for n_songs in args.songs:
            songs = Path(folder) / f"songs{n_songs}.tsv"
            write_labels(songs, song_table(n_songs, args.genres))
            reading, splitting, writing = [], [], []
            for seed in range(1, args.repeats + 1):
                start = time.perf_counter()
                table = read_labels(songs)
                read = time.perf_counter()
                split = split_songs(table, seed)
                done = time.perf_counter()
                save_split(Path(folder) / f"seed{seed}.tsv", split)
                reading.append(read - start)
                splitting.append(done - read)
                writing.append(time.perf_counter() - done)
            artists = table.loc[table["artist"] != "", "artist"].nunique()
            print(
                f"{n_songs:>8,} {artists:>8,} {statistics.median(reading):>7.2f} "
                f"{statistics.median(splitting):>8.2f} {statistics.median(writing):>8.2f} "
                f"{(split['subset'] == 'test').mean():>6.1%}",
                flush=True,
            )


if __name__ == "__main__":
    main()
