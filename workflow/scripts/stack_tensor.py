"""Stack the per-song spectrograms of one separator (every block's folder) into the tensor of
one representation, row by row: the job holds one song's spectrograms at a time."""

import numpy as np

from sepconv import layout
from sepconv.blocks import items_in
from sepconv.corpus.labels import read_labels
from sepconv.errors import InputError
from sepconv.signal.tensors import rows_path, stack_tensor
from sepconv.steps import run_step


def main(snakemake, log):
    labels = read_labels(snakemake.input.songs)
    genre_of = dict(zip(labels["song"], labels["genre"], strict=True))
    folders = items_in(snakemake.input.mels)
    if sorted(folders) != sorted(genre_of):
        raise InputError(
            f"the spectrograms ({len(folders)} songs) and {snakemake.input.songs} "
            f"({len(genre_of)} songs) hold different songs"
        )
    # in the song table's order
    files = {song: layout.mel_file(folders[song], song) for song in labels["song"]}
    tensor = stack_tensor(snakemake.output.X, files, list(snakemake.params.channels), genre_of)
    counts = dict(zip(*np.unique(tensor.y, return_counts=True), strict=True))
    log.info(
        "X %s %s, channels %s, in %s and %s; %d songs (%d rows) in %d genres: rows %s",
        tensor.X.shape,
        tensor.X.dtype,
        list(tensor.channels),
        snakemake.output.X,
        rows_path(snakemake.output.X),
        len(tensor.songs),
        len(tensor.song),
        len(tensor.genres),
        {str(tensor.genres[k]): int(n) for k, n in counts.items()},
    )


run_step(snakemake, main)
