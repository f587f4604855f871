"""Build a sample sheet for the GiantSteps key dataset (Knees et al. 2015) with mirdata.

The paper took five closely related EDM genres from the GiantSteps+ EDM key dataset; which
five it does not say. This keeps the tracks whose first Beatport genre is one of ``--genres``,
at most ``--per-genre`` of each (chosen by a seeded shuffle, so the sheet is reproducible),
with the first listed artist, so that the workflow keeps each artist on one side of a split.
Run it where the internet is reachable (mirdata is not a dependency of the workflow):

    uvx --with mirdata python tools/giantsteps_sheet.py --data-home data/giantsteps \\
        --download --out config/giantsteps.tsv
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

DEFAULT_GENRES = ["House", "Deep House", "Techno", "Trance", "Drum & Bass"]


@dataclass(frozen=True)
class Track:
    track_id: str
    audio_path: str
    genres: list[str]
    artists: list[str]


def slug(text: str) -> str:
    """``Drum & Bass`` -> ``drum-and-bass``: usable as a genre label and in song ids."""
    text = text.lower().replace("&", "and")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def build_rows(
    tracks: Iterable[Track], genres: list[str], per_genre: int, seed: int = 2021
) -> list[dict[str, str]]:
    """Sheet rows (song, path, genre, artist) for ``tracks`` of the chosen genres."""
    by_genre: dict[str, list[Track]] = defaultdict(list)
    for track in tracks:
        if track.genres and track.genres[0] in genres and Path(track.audio_path).exists():
            by_genre[track.genres[0]].append(track)
    rows = []
    for genre in genres:
        chosen = sorted(by_genre[genre], key=lambda t: t.track_id)
        random.Random(f"{seed}-{genre}").shuffle(chosen)
        for track in sorted(chosen[:per_genre], key=lambda t: t.track_id):
            rows.append(
                {
                    "song": f"{slug(genre)}-{slug(track.track_id)}",
                    "path": str(Path(track.audio_path).resolve()),
                    "genre": slug(genre),
                    "artist": track.artists[0] if track.artists else "",
                }
            )
    return rows


def load_tracks(data_home: str, download: bool) -> list[Track]:
    import mirdata

    dataset = mirdata.initialize("giantsteps_key", data_home=data_home)
    if download:
        dataset.download()
    tracks = []
    for track_id, track in dataset.load_tracks().items():
        meta = track.genres or {}
        tracks.append(
            Track(track_id, track.audio_path, meta.get("genres", []), track.artists or [])
        )
    return tracks


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-home", required=True, help="where mirdata keeps the dataset")
    parser.add_argument("--download", action="store_true", help="fetch it first (about 1 GB)")
    parser.add_argument("--genres", nargs="+", default=DEFAULT_GENRES, help="Beatport genres")
    parser.add_argument("--per-genre", type=int, default=12, help="songs kept per genre")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--out", required=True, help="the sample sheet to write (TSV)")
    args = parser.parse_args(argv)
    rows = build_rows(
        load_tracks(args.data_home, args.download), args.genres, args.per_genre, args.seed
    )
    counts = {g: sum(r["genre"] == slug(g) for r in rows) for g in args.genres}
    small = [g for g, n in counts.items() if n < 2]
    if small:
        sys.exit(f"too few tracks (< 2) for genre(s) {', '.join(small)}; check --genres")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", newline="") as fh:
        writer = csv.DictWriter(fh, ["song", "path", "genre", "artist"], delimiter="\t")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{args.out}: {len(rows)} songs, {counts}")


if __name__ == "__main__":
    main()
