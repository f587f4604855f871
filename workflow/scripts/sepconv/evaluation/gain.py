"""Classification gain against separation quality: how good must the stems be?

For every separator of a run, two figures side by side:

- its **quality**: the median SI-SDR improvement over the mixture of its stems against the
  reference stems, over every (song, stem) with a reference (what
  ``results/separation/summary.tsv`` gives for ``all`` stems), with a 95% interval from a
  bootstrap over songs (a song's stems are resampled together);
- each stems model's **gain** over the baseline on the same splits: the mean paired
  difference, its corrected 95% interval, P(better) and the difference the design detects
  with 80% power (from ``results/significance.tsv``).

Through the points a **monotone fit** (isotonic regression of the gain on the quality,
weighted by the inverse squared corrected standard errors), and the quality at which the
fitted gain first reaches the detectable difference: read off the fit (linear between the
fitted points), with an interval at the configured level from a parametric bootstrap (each
gain drawn from its corrected t distribution, each quality from its bootstrap over songs,
the fit and the reading redone; a draw already above the line at its lowest quality counts
there, one that never reaches it as out of range), or said to be out of the range the
separators span. The oracle's stems are the references: it has no quality to
place, so it is reported beside the fit, not in it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..names import ORACLE, SELECTIONS, VALIDATION_SELECTION

#: Bootstrap resamples, for the quality's interval and for the threshold's.
RESAMPLES = 2000
#: Columns of the points table: one row per (selection, metric, model, separator).
POINT_COLUMNS = [
    "selection",
    "metric",
    "model",
    "separator",
    "baseline",
    "songs",
    "quality_median",
    "quality_ci_low",
    "quality_ci_high",
    "trials",
    "gain",
    "gain_ci_low",
    "gain_ci_high",
    "p_better",
    "detectable_diff",
    "fitted_gain",
]
#: Columns of the threshold table: one row per (selection, metric, model).
THRESHOLD_COLUMNS = [
    "selection",
    "metric",
    "model",
    "baseline",
    "separators",
    "detectable_diff",
    "quality_threshold",
    "threshold_ci_low",
    "threshold_ci_high",
    "share_out_of_range",
    "reading",
]


def song_values(quality: pd.DataFrame) -> dict[str, dict[str, np.ndarray]]:
    """Per separator, per song: its stems' finite SI-SDR improvements (dB)."""
    finite = quality[np.isfinite(quality["si_sdr_improvement"])]
    return {
        separator: {
            song: part["si_sdr_improvement"].to_numpy(dtype=np.float64)
            for song, part in group.groupby("song", sort=True)
        }
        for separator, group in finite.groupby("separator", sort=False)
    }


def quality_draws(per_song: dict[str, np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """:data:`RESAMPLES` bootstrap medians over songs (each draw resamples songs with
    replacement and takes the median of all their stems' values)."""
    songs = list(per_song.values())
    draws = np.empty(RESAMPLES)
    for i in range(RESAMPLES):
        picked = rng.integers(0, len(songs), len(songs))
        draws[i] = np.median(np.concatenate([songs[k] for k in picked]))
    return draws


def isotonic(x: np.ndarray, y: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The weighted isotonic (non-decreasing) fit of ``y`` on ``x``, at ``x``."""
    from sklearn.isotonic import IsotonicRegression

    return IsotonicRegression(increasing=True).fit(x, y, sample_weight=weights).predict(x)


def first_reaching(x: np.ndarray, fitted: np.ndarray, level: float) -> float:
    """The smallest quality at which the fitted curve (linear between the points, sorted by
    ``x``) reaches ``level``; NaN when it never does, -inf when it does at the lowest point."""
    order = np.argsort(x)
    x, fitted = x[order], fitted[order]
    if fitted[0] >= level:
        return float("-inf")
    for k in range(1, len(x)):
        if fitted[k] >= level:
            x0, x1, y0, y1 = x[k - 1], x[k], fitted[k - 1], fitted[k]
            return float(x1 if y1 == y0 else x0 + (level - y0) * (x1 - x0) / (y1 - y0))
    return float("nan")


def relate(
    quality: pd.DataFrame,
    significance: pd.DataFrame,
    baseline: str,
    models: list[str],
    seed: int = 0,
    alpha: float = 0.05,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The points table and the threshold table (see the module) for the stems ``models``
    compared with ``baseline`` in ``significance``, every selection and metric there, from
    the per-song ``quality`` table. ``seed`` seeds every bootstrap."""
    rng = np.random.default_rng(seed)
    values = song_values(quality)
    placed = {}
    for separator, per_song in values.items():
        draws = quality_draws(per_song, rng)
        everything = np.concatenate(list(per_song.values()))
        placed[separator] = {
            "songs": len(per_song),
            "quality_median": float(np.median(everything)),
            "quality_ci_low": float(np.quantile(draws, alpha / 2)),
            "quality_ci_high": float(np.quantile(draws, 1 - alpha / 2)),
            "draws": draws,
        }
    points, thresholds = [], []
    rows = significance[significance["model"].isin(models)]
    for (selection, metric, model), group in rows.groupby(
        ["selection", "metric", "model"], sort=False
    ):
        group = group[group["separator"].isin(list(placed) + [ORACLE])]
        on_axis = group[group["separator"].isin(placed)]
        x = np.array([placed[s]["quality_median"] for s in on_axis["separator"]])
        y = on_axis["mean_diff"].to_numpy(dtype=np.float64)
        se = on_axis["se_corrected"].to_numpy(dtype=np.float64)
        weights = 1.0 / np.maximum(se, 1e-6) ** 2
        fitted = isotonic(x, y, weights) if len(x) >= 2 else y.copy()
        detectable = float(np.nanmedian(on_axis["detectable_diff"])) if len(x) else np.nan
        for row in group.itertuples(index=False):
            where = placed.get(row.separator)
            points.append(
                {
                    "selection": selection,
                    "metric": metric,
                    "model": model,
                    "separator": row.separator,
                    "baseline": baseline,
                    "songs": where["songs"] if where else np.nan,
                    "quality_median": where["quality_median"] if where else np.nan,
                    "quality_ci_low": where["quality_ci_low"] if where else np.nan,
                    "quality_ci_high": where["quality_ci_high"] if where else np.nan,
                    "trials": int(row.trials),
                    "gain": float(row.mean_diff),
                    "gain_ci_low": float(row.diff_ci_low),
                    "gain_ci_high": float(row.diff_ci_high),
                    "p_better": float(row.p_better),
                    "detectable_diff": float(row.detectable_diff),
                    "fitted_gain": (
                        float(fitted[list(on_axis["separator"]).index(row.separator)])
                        if where
                        else np.nan
                    ),
                }
            )
        thresholds.append(
            _threshold(
                selection,
                metric,
                model,
                baseline,
                on_axis,
                placed,
                x,
                fitted,
                weights,
                detectable,
                rng,
                alpha,
            )
        )
    return (
        pd.DataFrame(points, columns=POINT_COLUMNS),
        pd.DataFrame(thresholds, columns=THRESHOLD_COLUMNS),
    )


def _threshold(
    selection, metric, model, baseline, on_axis, placed, x, fitted, weights, detectable, rng, alpha
) -> dict:
    """The threshold row of one model (see :func:`relate`)."""
    row = {
        "selection": selection,
        "metric": metric,
        "model": model,
        "baseline": baseline,
        "separators": len(x),
        "detectable_diff": detectable,
        "quality_threshold": np.nan,
        "threshold_ci_low": np.nan,
        "threshold_ci_high": np.nan,
        "share_out_of_range": np.nan,
    }
    if len(x) < 2 or not np.isfinite(detectable):
        return {**row, "reading": "too few separators with a measured quality to fit"}
    threshold = first_reaching(x, fitted, detectable)
    y = on_axis["mean_diff"].to_numpy(dtype=np.float64)
    se = on_axis["se_corrected"].to_numpy(dtype=np.float64)
    df = on_axis["trials"].to_numpy() - 1
    draws = np.stack([placed[s]["draws"] for s in on_axis["separator"]], axis=1)
    found = []
    for i in range(RESAMPLES):
        gains = y + se * stats.t.rvs(df, random_state=rng)
        qualities = draws[i]
        reached = first_reaching(qualities, isotonic(qualities, gains, weights), detectable)
        # a draw whose fit is already above the line reaches it at or below its lowest
        # quality: censored there, not dropped, so the interval keeps its low side
        found.append(qualities.min() if reached == float("-inf") else reached)
    found = np.array(found)
    inside = found[np.isfinite(found)]
    share_out = 1.0 - len(inside) / len(found)  # the draws that never reach it
    row["share_out_of_range"] = share_out
    if not np.isfinite(threshold):
        below = "below the lowest quality" if threshold == float("-inf") else "above the highest"
        reading = (
            f"out of range: the fitted gain is {'already' if threshold < 0 else 'never'} "
            f"{detectable:.3f} ({below} measured)"
        )
        return {**row, "reading": reading}
    low, high = np.quantile(inside, [alpha / 2, 1 - alpha / 2]) if len(inside) else (np.nan, np.nan)
    reading = (
        f"the gain reaches the detectable {detectable:.3f} at {threshold:.1f} dB "
        f"[{low:.1f}, {high:.1f}]"
        + (f"; {share_out:.0%} of the resamples never reach it" if share_out > 0.005 else "")
    )
    return {
        **row,
        "quality_threshold": threshold,
        "threshold_ci_low": float(low),
        "threshold_ci_high": float(high),
        "reading": reading,
    }


def figure_selections(points: pd.DataFrame) -> list[str]:
    """The selection rules the gain-against-quality figure shows: the paper's, and beside it
    the epoch of minimum validation loss where the runs have one."""
    paper = next(iter(SELECTIONS))
    return [s for s in (paper, VALIDATION_SELECTION) if s in set(points["selection"])]


def figure_caption(points: pd.DataFrame, level: float, power: float) -> str:
    """What the figure of :func:`relate`'s ``points`` shows, for the line under it."""
    shown = points[points["selection"].isin(figure_selections(points))]
    songs = int(shown["songs"].fillna(0).max()) if len(shown) else 0
    trials = int(shown["trials"].fillna(0).max()) if len(shown) else 0
    return (
        f"{songs} songs with reference stems, {trials} splits; quality: median over songs and "
        f"stems, {level:.0%} bootstrap interval over songs; gain: paired mean difference, "
        f"{level:.0%} interval of the corrected resampled t-test; fit: isotonic, weighted by "
        f"the inverse variances; threshold: where the fit reaches the difference detectable "
        f"with {power:.0%} power"
    )
