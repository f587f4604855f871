"""The genre-pair experiment's tables: per pair the accuracy of each model, and the gain of a
model over the baseline beside how much the baseline confuses the pair.

The runs (:data:`sepconv.learning.pairs.COLUMNS`, one row per pair, seed and selection) are
aggregated by :func:`summarise` (the matrix) and :func:`gains`.
"""

from __future__ import annotations

import pandas as pd

from ..names import SELECTIONS
from .stats import comparisons


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
