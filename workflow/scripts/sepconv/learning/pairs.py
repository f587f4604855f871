"""The paper's introductory experiment: every pair of genres as a binary task.

For each pair, the songs of the two genres, each seed's shared split restricted to them
(the splits are stratified by genre, so both genres keep training and test songs), class
weights from the training side, the model's epochs and both selection rules: the protocol of
the main experiment on a two-genre problem. Low accuracy marks genres the model confuses;
the gain of a model on stems over the baseline, pair by pair, says whether stems help most on
the similar pairs.

A job trains one block of pairs (config ``pairs.pairs_per_job``) on one block of seeds
(``seeds_per_job``) of one (separator, model):
``results/pairs/runs/{separator}/{model}/pairs{pairs}/seeds{seeds}.tsv`` holds one row per
(pair, seed, selection) (:data:`COLUMNS`); :func:`summarise` and :func:`gains` aggregate
them.
"""

from __future__ import annotations

import itertools
import time

import numpy as np
import pandas as pd

from ..names import SELECTIONS

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


def summarise(runs: pd.DataFrame) -> pd.DataFrame:
    """Per (selection, separator, model, pair): trials, mean and sd of accuracy and F1."""
    rank = {name: i for i, name in enumerate(SELECTIONS)}
    table = (
        runs.groupby(["selection", "separator", "model", "genre_a", "genre_b"], sort=False)
        .agg(
            trials=("seed", "nunique"),
            accuracy_mean=("accuracy", "mean"),
            accuracy_sd=("accuracy", "std"),
            f1_macro_mean=("f1_macro", "mean"),
            f1_macro_sd=("f1_macro", "std"),
        )
        .reset_index()
    )
    return table.sort_values(
        ["selection", "separator", "model", "genre_a", "genre_b"],
        key=lambda c: c.map(rank) if c.name == "selection" else c,
        kind="stable",
    ).reset_index(drop=True)


def gains(runs: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Per comparison with ``baseline`` (as :func:`sepconv.evaluation.stats.comparisons`
    pairs them: a model with the baseline on its own separator, a mixture model with the
    baseline on each), selection and genre pair: the baseline's mean accuracy on the pair (low:
    genres it confuses), the model's, and the mean paired gain on the seeds both have; and,
    per comparison and selection, Spearman's correlation between the baseline's accuracy and
    the gain over the pairs (negative: the model gains most where the baseline confuses
    most), in ``rho_confusion_gain`` and ``p_rho``."""
    from scipy import stats

    from ..evaluation.stats import comparisons

    pair = ["genre_a", "genre_b", "seed"]
    rows = []
    for selection, sel in runs.groupby("selection", sort=False):
        for separator, model, base_separator in comparisons(sel, baseline):
            mine = sel[(sel["model"] == model) & (sel["separator"] == separator)]
            base = sel[(sel["model"] == baseline) & (sel["separator"] == base_separator)]
            merged = mine.merge(base[[*pair, "accuracy"]], on=pair, suffixes=("", "_baseline"))
            merged["gain"] = merged["accuracy"] - merged["accuracy_baseline"]
            table = (
                merged.groupby(["genre_a", "genre_b"], sort=True)
                .agg(
                    trials=("seed", "nunique"),
                    accuracy_baseline=("accuracy_baseline", "mean"),
                    accuracy_model=("accuracy", "mean"),
                    gain=("gain", "mean"),
                )
                .reset_index()
            )
            rho = p_rho = float("nan")
            if (
                len(table) >= 3
                and table["gain"].nunique() > 1
                and table["accuracy_baseline"].nunique() > 1
            ):
                result = stats.spearmanr(table["accuracy_baseline"], table["gain"])
                rho, p_rho = float(result.statistic), float(result.pvalue)
            for _, row in table.iterrows():
                rows.append(
                    {
                        "selection": selection,
                        "model": model,
                        "separator": separator,
                        "baseline": baseline,
                        "baseline_separator": base_separator,
                        **row.to_dict(),
                        "rho_confusion_gain": rho,
                        "p_rho": p_rho,
                    }
                )
    return pd.DataFrame(rows)
