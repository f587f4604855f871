"""The paper's introductory experiment: every pair of genres as a binary task.

For each pair, the songs of the two genres, each seed's shared split restricted to them
(the splits are stratified by genre, so both genres keep training and test songs), class
weights from the training side, the model's epochs and every selection rule: the protocol of
the main experiment on a two-genre problem. Low accuracy marks genres the model confuses;
the gain of a model on stems over the baseline, pair by pair, says whether stems help most on
the similar pairs.

A job trains one block of pairs (config ``pairs.pairs_per_job``) on one block of seeds
(``seeds_per_job``) of one (separator, model):
``results/pairs/runs/{separator}/{model}/pairs{pairs}/seeds{seeds}.tsv`` holds one row per
(pair, seed, selection) (:data:`COLUMNS`); :mod:`sepconv.evaluation.pairs` aggregates them.
"""

from __future__ import annotations

import itertools
import time

import numpy as np
import pandas as pd

#: Columns of a (separator, model)'s pair runs.
COLUMNS = [
    "separator",
    "model",
    "genre_a",
    "genre_b",
    "seed",
    "selection",
    "epoch",
    "accuracy",
    "f1_macro",
    "n_train",
    "n_test",
]


def genre_pairs(genres) -> list[tuple[str, str]]:
    """Every unordered pair of ``genres``, in sorted order."""
    return list(itertools.combinations(sorted(str(g) for g in genres), 2))


def pair_rows(tensor, genre_a: str, genre_b: str):
    """The rows of ``tensor`` of the two genres (indices into ``tensor.X``, which stays where
    it is), their labels (0 for ``genre_a``, 1 for ``genre_b``) and their songs."""
    genres = [str(g) for g in tensor.genres]
    a, b = genres.index(genre_a), genres.index(genre_b)
    rows = np.flatnonzero((tensor.y == a) | (tensor.y == b))
    return rows, (tensor.y[rows] == b).astype(np.int64), tensor.song[rows]


def train_pairs(
    trainer,
    tensor,
    pairs: list[tuple[str, str]],
    splits: dict[int, pd.DataFrame],
    separator: str,
    model: str,
    log=None,
):
    """Train ``trainer`` (a :class:`~sepconv.learning.training.Trainer` of 2 classes) on
    each of the genre ``pairs`` and every seed of ``splits``, reading the pair's rows of the
    tensor in place; the rows of :data:`COLUMNS`."""
    rows = []
    start = time.perf_counter()
    for number, (genre_a, genre_b) in enumerate(pairs, start=1):
        pair, y, songs = pair_rows(tensor, genre_a, genre_b)
        kept = set(str(s) for s in songs)
        for seed, split in splits.items():
            split = split[split["song"].astype(str).isin(kept)]
            result = trainer.run(tensor.X, y, songs, split, seed, rows=pair, moments=tensor.moments)
            for selection, chosen in result["selections"].items():
                rows.append(
                    {
                        "separator": separator,
                        "model": model,
                        "genre_a": genre_a,
                        "genre_b": genre_b,
                        "seed": seed,
                        "selection": selection,
                        "epoch": chosen["epoch"],
                        "accuracy": chosen["accuracy"],
                        "f1_macro": chosen["f1_macro"],
                        "n_train": result["n_train"],
                        "n_test": result["n_test"],
                    }
                )
        if log is not None:
            last = [r for r in rows if (r["genre_a"], r["genre_b"]) == (genre_a, genre_b)]
            accuracy = np.mean([r["accuracy"] for r in last if r["selection"] == "last_epoch"])
            log.info(
                "pair %d/%d %s / %s: %d songs, %d seeds, mean last-epoch accuracy %.3f (%.0f s)",
                number,
                len(pairs),
                genre_a,
                genre_b,
                len(y),
                len(splits),
                accuracy,
                time.perf_counter() - start,
            )
    return pd.DataFrame(rows, columns=COLUMNS)
