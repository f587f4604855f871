"""Stack per-song spectrograms into one tensor X (N, n_mels, n_frames, C) per representation."""

import numpy as np

from sepconv.features import MIXTURE, stack
from sepconv.io import write_npz
from sepconv.steps import run_step


def main(snakemake, log):
    separator = snakemake.wildcards.separator
    channels = list(snakemake.params.channels)
    keys = [c if c == MIXTURE else f"{separator}/{c}" for c in channels]
    songs = list(snakemake.params.songs)
    genres_of_song = list(snakemake.params.genres)
    mels = []
    for path in snakemake.input.mels:
        with np.load(path) as npz:
            mels.append({key: npz[key] for key in keys})
    X = stack(mels, keys)
    genres = np.array(sorted(set(genres_of_song)))
    y = np.searchsorted(genres, genres_of_song).astype(np.int64)
    counts = dict(zip(*np.unique(genres_of_song, return_counts=True), strict=True))
    log.info(
        "X %s %s, channels %s; %d songs in %d genres: %s",
        X.shape,
        X.dtype,
        keys,
        len(songs),
        len(genres),
        counts,
    )
    write_npz(
        snakemake.output.npz,
        X=X,
        y=y,
        song=np.array(songs),
        genres=genres,
        channels=np.array(channels),
    )


run_step(snakemake, main)
