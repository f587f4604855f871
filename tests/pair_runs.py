"""Rows of the genre-pair experiment (``sepconv.learning.pairs.COLUMNS``) for tests."""

import pandas as pd


def pair_runs(accuracy: dict, gain: dict, jitter: float = 0.0, seeds=(1, 2)) -> pd.DataFrame:
    """Runs of a baseline ``base`` and a model ``stems`` on hpss at the last epoch: per pair
    ``(genre_a, genre_b)``, the baseline's ``accuracy[pair]`` and the model's that plus
    ``gain[pair]``, each plus ``jitter`` x seed; F1 without the jitter."""
    rows = []
    for (a, b), base in accuracy.items():
        for seed in seeds:
            for model, value in (("base", base), ("stems", base + gain[a, b])):
                rows.append(
                    {
                        "separator": "hpss",
                        "model": model,
                        "genre_a": a,
                        "genre_b": b,
                        "seed": seed,
                        "selection": "last_epoch",
                        "epoch": 1,
                        "accuracy": value + jitter * seed,
                        "f1_macro": value,
                        "n_train": 8,
                        "n_test": 2,
                    }
                )
    return pd.DataFrame(rows)
