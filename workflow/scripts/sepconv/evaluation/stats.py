"""Aggregate training runs: the metrics table, Table 1 and the significance tests.

Every model is trained on the same split of each seed, so models are compared *paired by
seed*. The primary test is Nadeau & Bengio's corrected resampled t-test (2003): the J training
sets overlap, so the per-split differences are correlated and a plain paired t-test is badly
anti-conservative (Dietterich 1998); the correction inflates the variance by
``n_test / n_train``. The paired Wilcoxon signed-rank test is given as a distribution-free
check, and the independent two-sample Welch t-test as the test the paper's p-values most
likely come from (it ignores the pairing and the overlap). Holm's step-down method adjusts
each test's p-values across the comparisons of one (selection, metric) family.

Beside the tests: the Bayesian correlated t-test (Corani & Benavoli 2015; Benavoli et al.
2017), whose posterior of the mean difference is a Student t with the corrected standard
error, gives the probabilities that the model is worse than, practically equivalent to
(within the region of practical equivalence, ``rope``) or better than the baseline; and the
smallest difference the design detects with the given power (:func:`detectable_difference`),
which says how large an effect a null result rules out.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from ..learning import runs
from ..names import HISTORY, METRICS, NO_SEPARATOR, SEGMENT_METRICS, SELECTIONS

#: the paper's selection rule first
SELECTION_ORDER = list(SELECTIONS)


def metrics_table(records: Iterable[dict]) -> pd.DataFrame:
    """The metrics table: one row per run and selection rule, sorted by selection (the
    paper's first), model, separator and seed."""
    rows = [row for record in records for row in runs.metric_rows(record)]
    extra = [
        column
        for column in runs.SEGMENT_COLUMNS + runs.VALIDATION_COLUMNS
        if any(column in row for row in rows)
    ]
    metrics = pd.DataFrame(rows, columns=runs.METRIC_COLUMNS + extra)
    rank = {name: i for i, name in enumerate(SELECTION_ORDER)}
    metrics = metrics.sort_values(
        ["selection", "model", "separator", "seed"],
        key=lambda c: c.map(lambda v: rank.get(v, len(rank))) if c.name == "selection" else c,
        kind="stable",
    )
    return metrics.reset_index(drop=True)


#: Columns of the history table: one row per run, epoch and subset (``train``,
#: ``validation`` where one was held out, ``test``): its loss, accuracy and macro F1
#: (:data:`~sepconv.names.HISTORY` says what each is).
HISTORY_COLUMNS = ["separator", "model", "seed", "epoch", "subset", "loss", "accuracy", "f1_macro"]


def history_table(records: Iterable[dict]) -> pd.DataFrame:
    """Every run's epochs (:data:`HISTORY_COLUMNS`, the figures of
    :data:`~sepconv.names.HISTORY`). Records without a subset's figures (no validation part;
    records written before macro F1 was kept per epoch) leave its rows out."""
    rows = []
    for record in records:
        history = record["history"]
        for subset, (loss, accuracy, f1) in HISTORY.items():
            if f1 not in history:
                continue
            for k, epoch in enumerate(history["epoch"]):
                rows.append(
                    {
                        "separator": record["separator"],
                        "model": record["model"],
                        "seed": int(record["seed"]),
                        "epoch": int(epoch),
                        "subset": subset,
                        "loss": float(history[loss][k]),
                        "accuracy": float(history[accuracy][k]),
                        "f1_macro": float(history[f1][k]),
                    }
                )
    table = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    return table.sort_values(
        ["separator", "model", "seed", "subset", "epoch"], kind="stable"
    ).reset_index(drop=True)


#: Columns of the per-genre table: one row per run, selection rule and genre.
GENRE_COLUMNS = ["separator", "model", "seed", "selection", "genre", "f1", "n_train", "n_test"]


def per_class_f1(confusion) -> np.ndarray:
    """F1 of each class from a confusion matrix (rows true, columns predicted):
    ``2 TP / (2 TP + FP + FN)``; NaN for a class neither in the test set nor predicted."""
    counts = np.asarray(confusion, dtype=np.float64)
    tp = np.diag(counts)
    denominator = counts.sum(axis=0) + counts.sum(axis=1)
    return np.divide(2 * tp, denominator, out=np.full_like(tp, np.nan), where=denominator > 0)


def genre_table(records: Iterable[dict]) -> pd.DataFrame:
    """Per-genre F1 of every run at each selection rule (:data:`GENRE_COLUMNS`), from the
    runs' confusion matrices; sorted like the metrics table."""
    rows = []
    for record in records:
        for selection, chosen in record["selections"].items():
            for genre, f1 in zip(record["genres"], per_class_f1(chosen["confusion"]), strict=True):
                rows.append(
                    {
                        "separator": record["separator"],
                        "model": record["model"],
                        "seed": int(record["seed"]),
                        "selection": selection,
                        "genre": genre,
                        "f1": float(f1),
                        "n_train": int(record["n_train"]),
                        "n_test": int(record["n_test"]),
                    }
                )
    genres = pd.DataFrame(rows, columns=GENRE_COLUMNS)
    rank = {name: i for i, name in enumerate(SELECTION_ORDER)}
    return genres.sort_values(
        ["selection", "model", "separator", "genre", "seed"],
        key=lambda c: c.map(lambda v: rank.get(v, len(rank))) if c.name == "selection" else c,
        kind="stable",
    ).reset_index(drop=True)


def metrics_of(table: pd.DataFrame) -> dict[str, str]:
    """The metrics a table holds, with their labels: :data:`METRICS` (per song), then the
    :data:`SEGMENT_METRICS` where songs had several segments."""
    return {
        **METRICS,
        **{name: text for name, text in SEGMENT_METRICS.items() if name in table.columns},
    }


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float, float]:
    """Mean, sample standard deviation and the t-based ``level`` interval of the mean."""
    values = np.asarray(values, dtype=np.float64)
    n = len(values)
    mean = float(values.mean())
    if n < 2:
        return mean, float("nan"), float("nan"), float("nan")
    sd = float(values.std(ddof=1))
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / np.sqrt(n)
    return mean, sd, mean - half, mean + half


def summarise(metrics: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Table 1: per (selection, separator, model), mean, sd and 95% CI of each metric."""
    rows = []
    for (selection, separator, model), group in metrics.groupby(
        ["selection", "separator", "model"], sort=False
    ):
        row = {
            "selection": selection,
            "separator": separator,
            "model": model,
            "baseline": model == baseline,
            "trials": len(group),
            "params": int(group["params"].iloc[0]),
        }
        for metric in metrics_of(metrics):
            mean, sd, low, high = mean_ci(group[metric].to_numpy())
            row.update(
                {
                    f"{metric}_mean": mean,
                    f"{metric}_sd": sd,
                    f"{metric}_ci_low": low,
                    f"{metric}_ci_high": high,
                }
            )
        rows.append(row)
    return pd.DataFrame(rows)


def corrected_resampled_ttest(
    differences: np.ndarray, n_train: int, n_test: int
) -> tuple[float, float, float]:
    """Nadeau & Bengio's corrected resampled t-test of paired per-split differences.

    ``t = mean(d) / sqrt((1/J + n_test/n_train) * var(d))`` with ``J - 1`` degrees of freedom
    (``var`` with ``ddof=1``). Returns ``(t, two-sided p, corrected standard error)``.
    """
    d = np.asarray(differences, dtype=np.float64)
    J = len(d)
    if J < 2:
        raise ValueError("the corrected resampled t-test needs at least 2 splits")
    se = float(np.sqrt((1.0 / J + n_test / n_train) * d.var(ddof=1)))
    mean = float(d.mean())
    if se == 0.0:
        return (0.0, 1.0, 0.0) if mean == 0.0 else (float(np.sign(mean) * np.inf), 0.0, 0.0)
    t = mean / se
    p = float(2 * stats.t.sf(abs(t), J - 1))
    return float(t), p, se


def bayesian_correlated_ttest(
    differences: np.ndarray, n_train: int, n_test: int, rope: float
) -> tuple[float, float, float]:
    """Posterior probabilities that the mean difference is below ``-rope``, within
    ``[-rope, rope]`` and above ``rope`` (worse, equivalent, better).

    The posterior is Student's t with ``J - 1`` degrees of freedom, located at ``mean(d)``
    with scale ``sqrt((1/J + rho/(1 - rho)) * var(d))``, ``rho = n_test / (n_train + n_test)``
    the correlation of overlapping training sets (so ``rho/(1-rho) = n_test/n_train``, the
    scale is the corrected standard error). A zero scale gives the point mass at the mean.
    """
    d = np.asarray(differences, dtype=np.float64)
    _, _, scale = corrected_resampled_ttest(d, n_train, n_test)
    mean = float(d.mean())
    if scale == 0.0:
        return float(mean < -rope), float(-rope <= mean <= rope), float(mean > rope)
    posterior = stats.t(len(d) - 1, loc=mean, scale=scale)
    worse = float(posterior.cdf(-rope))
    better = float(posterior.sf(rope))
    return worse, max(0.0, 1.0 - worse - better), better


def detectable_difference(se: float, trials: int, power: float = 0.8, alpha: float = 0.05) -> float:
    """The smallest true mean difference that the two-sided corrected t-test at level
    ``alpha`` finds with probability ``power``, for a corrected standard error ``se`` over
    ``trials`` splits (the test statistic is then non-central t with non-centrality
    ``difference / se``). NaN when ``se`` is zero or undefined."""
    if not np.isfinite(se) or se <= 0 or trials < 2:
        return float("nan")
    from scipy.optimize import brentq

    df = trials - 1
    crit = float(stats.t.isf(alpha / 2, df))

    def shortfall(nc: float) -> float:
        # the far tail below -crit is negligible where it matters, and nct's numerics can
        # give NaN for it there
        reach = stats.nct.sf(crit, df, nc) + np.nan_to_num(stats.nct.cdf(-crit, df, nc))
        return float(reach - power)

    high = crit + 2.0
    while not shortfall(high) >= 0:
        high *= 2
        if high > 1e4:
            return float("nan")
    return float(brentq(shortfall, 0.0, high) * se)


def corrected_p_of_paired_p(p: float, trials: int, test_size: float) -> float:
    """What a paired t-test's two-sided ``p`` over ``trials`` random splits with test share
    ``test_size`` becomes under Nadeau & Bengio's correction: the same mean and variance of
    the differences, the variance inflated from ``1/J`` to ``1/J + test/train``."""
    df = trials - 1
    t = float(stats.t.isf(p / 2, df))
    shrink = np.sqrt((1.0 / trials) / (1.0 / trials + test_size / (1.0 - test_size)))
    return float(2 * stats.t.sf(t * shrink, df))


def holm(p_values: Iterable[float]) -> np.ndarray:
    """Holm's step-down adjusted p-values (NaN stays NaN and does not count)."""
    p = np.asarray(list(p_values), dtype=np.float64)
    adjusted = np.full_like(p, np.nan)
    valid = np.flatnonzero(~np.isnan(p))
    m = len(valid)
    order = valid[np.argsort(p[valid], kind="stable")]
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, (m - rank) * p[index])
        adjusted[index] = min(1.0, running)
    return adjusted


def _wilcoxon(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    if np.all(a == b):
        return float("nan"), 1.0  # no non-zero difference: nothing to rank
    result = stats.wilcoxon(a, b)
    return float(result.statistic), float(result.pvalue)


#: Settings of the Bayesian test and the power analysis (config ``statistics``).
STATISTICS = ("rope", "power", "alpha")


def compare(
    model: np.ndarray,
    base: np.ndarray,
    n_train: int,
    n_test: int,
    rope: float,
    power: float,
    alpha: float,
) -> dict:
    """Every test of one model against the baseline on one metric (arrays paired by seed):
    the corrected t-test with its ``1 - alpha`` interval, Wilcoxon, Welch, the Bayesian
    correlated t-test with ``rope``, and the difference detectable with ``power``."""
    d = np.asarray(model, dtype=np.float64) - np.asarray(base, dtype=np.float64)
    J = len(d)
    t_nb, p_nb, se = corrected_resampled_ttest(d, n_train, n_test)
    half = float(stats.t.ppf(1 - alpha / 2, J - 1)) * se
    worse, equivalent, better = bayesian_correlated_ttest(d, n_train, n_test, rope)
    w_stat, p_w = _wilcoxon(np.asarray(model), np.asarray(base))
    welch = stats.ttest_ind(model, base, equal_var=False)
    sd = d.std(ddof=1)
    return {
        "trials": J,
        "mean_model": float(np.mean(model)),
        "mean_baseline": float(np.mean(base)),
        "mean_diff": float(d.mean()),
        "diff_ci_low": float(d.mean() - half),
        "diff_ci_high": float(d.mean() + half),
        "t_corrected": t_nb,
        "p_corrected": p_nb,
        "wilcoxon_stat": w_stat,
        "p_wilcoxon": p_w,
        "t_welch_independent": float(welch.statistic),
        "p_welch_independent": float(welch.pvalue),
        "effect_dz": float(d.mean() / sd) if sd > 0 else float("nan"),
        "se_corrected": se,
        "p_worse": worse,
        "p_equivalent": equivalent,
        "p_better": better,
        "detectable_diff": detectable_difference(se, J, power, alpha),
    }


def comparisons(metrics: pd.DataFrame, baseline: str) -> list[tuple[str, str, str]]:
    """(separator, model, baseline separator) of every comparison with the baseline.

    A model is compared with the baseline trained on its own separator; a model on separator
    ``none`` (the mixture) with the baseline of every separator the baseline was trained on.
    In the order of the baseline's separators, then of the models, as ``metrics`` lists them.
    """
    pairs = []
    models = metrics[["separator", "model"]].drop_duplicates()
    base_separators = metrics.loc[metrics["model"] == baseline, "separator"].unique()
    for base_separator in base_separators:
        for separator, model in models.itertuples(index=False, name=None):
            if model != baseline and separator in (base_separator, NO_SEPARATOR):
                pairs.append((separator, model, base_separator))
    return pairs


def paired(
    metrics: pd.DataFrame, separator: str, model: str, baseline: str, base_separator: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The runs of a model and of the baseline on the seeds both have, indexed by seed."""
    model_runs = metrics[(metrics["model"] == model) & (metrics["separator"] == separator)]
    base_runs = metrics[(metrics["model"] == baseline) & (metrics["separator"] == base_separator)]
    model_runs, base_runs = model_runs.set_index("seed"), base_runs.set_index("seed")
    seeds = model_runs.index.intersection(base_runs.index)
    return model_runs.loc[seeds], base_runs.loc[seeds]


def significance(metrics: pd.DataFrame, baseline: str, settings: dict) -> pd.DataFrame:
    """Every comparison with ``baseline`` (:func:`comparisons`), paired by seed, per
    selection and metric, with the ``settings`` of :data:`STATISTICS`. Holm adjusts within
    each (selection, metric)."""
    if baseline not in set(metrics["model"]):
        raise ValueError(f"baseline {baseline!r} has no runs")
    rows = []
    for selection, sel in metrics.groupby("selection", sort=False):
        for separator, model, base_separator in comparisons(sel, baseline):
            model_runs, base_runs = paired(sel, separator, model, baseline, base_separator)
            if len(base_runs) < 2:
                continue
            for metric in metrics_of(metrics):
                rows.append(
                    {
                        "selection": selection,
                        "metric": metric,
                        "model": model,
                        "separator": separator,
                        "baseline": baseline,
                        "baseline_separator": base_separator,
                        **compare(
                            model_runs[metric].to_numpy(),
                            base_runs[metric].to_numpy(),
                            int(base_runs["n_train"].iloc[0]),
                            int(base_runs["n_test"].iloc[0]),
                            **{key: settings[key] for key in STATISTICS},
                        ),
                    }
                )
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    for column in ("p_corrected", "p_wilcoxon", "p_welch_independent"):
        table[f"{column}_holm"] = table.groupby(["selection", "metric"])[column].transform(
            lambda p: holm(p.to_numpy())
        )
    return table


def table1_markdown(table: pd.DataFrame, baseline: str) -> str:
    """Table 1 in the paper's layout (Model | Accuracy | F1), one block per selection rule."""
    lines = ["# Table 1", ""]
    lines.append(
        "Mean ± standard deviation over the trials, [95% interval of the mean]. "
        f"† marks the baseline of the significance tests ({baseline})."
    )
    metrics = {
        name: text
        for name, text in {**METRICS, **SEGMENT_METRICS}.items()
        if f"{name}_mean" in table.columns
    }
    if len(metrics) > len(METRICS):
        lines.append(
            "Accuracy and F1 per song (the mean class probability over a song's segments), "
            "then of single segments."
        )
    for selection, block in table.groupby("selection", sort=False):
        lines += ["", f"## {selection}: {SELECTIONS.get(selection, selection)}", ""]
        lines += [
            f"| Model | Separator | {' | '.join(metrics.values())} | Parameters | Trials |",
            "| --- | --- | " + "--- | " * len(metrics) + "---: | ---: |",
        ]
        for _, row in block.iterrows():
            name = f"{row['model']}†" if row["baseline"] else row["model"]
            cells = [name, row["separator"]]
            for metric in metrics:
                cells.append(
                    f"{row[f'{metric}_mean']:.3f} ± {row[f'{metric}_sd']:.3f} "
                    f"[{row[f'{metric}_ci_low']:.3f}, {row[f'{metric}_ci_high']:.3f}]"
                )
            cells += [f"{row['params']:,}", str(row["trials"])]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def genre_differences(genres: pd.DataFrame, baseline: str, alpha: float = 0.05) -> pd.DataFrame:
    """Which genres gain: per comparison with ``baseline`` (:func:`comparisons`), selection
    and genre, the mean F1 of the model and of the baseline over the seeds both have, the
    mean paired difference and its corrected ``1 - alpha`` interval (seeds where the genre's
    F1 is undefined for either model are left out)."""
    rows = []
    for selection, sel in genres.groupby("selection", sort=False):
        for separator, model, base_separator in comparisons(sel, baseline):
            for genre, group in sel.groupby("genre", sort=False):
                model_runs, base_runs = paired(group, separator, model, baseline, base_separator)
                keep = model_runs["f1"].notna() & base_runs["f1"].notna()
                model_f1 = model_runs.loc[keep, "f1"].to_numpy()
                base_f1 = base_runs.loc[keep, "f1"].to_numpy()
                d = model_f1 - base_f1
                row = {
                    "selection": selection,
                    "genre": genre,
                    "model": model,
                    "separator": separator,
                    "baseline": baseline,
                    "baseline_separator": base_separator,
                    "trials": len(d),
                    "f1_model": float(model_f1.mean()) if len(d) else float("nan"),
                    "f1_baseline": float(base_f1.mean()) if len(d) else float("nan"),
                    "mean_diff": float(d.mean()) if len(d) else float("nan"),
                    "diff_ci_low": float("nan"),
                    "diff_ci_high": float("nan"),
                }
                if len(d) >= 2:
                    _, _, se = corrected_resampled_ttest(
                        d,
                        int(base_runs["n_train"].iloc[0]),
                        int(base_runs["n_test"].iloc[0]),
                    )
                    half = float(stats.t.ppf(1 - alpha / 2, len(d) - 1)) * se
                    row["diff_ci_low"] = row["mean_diff"] - half
                    row["diff_ci_high"] = row["mean_diff"] + half
                rows.append(row)
    return pd.DataFrame(rows)
