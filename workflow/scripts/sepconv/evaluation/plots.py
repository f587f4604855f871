"""Figures of the results, with seaborn: distributions, paired differences, confusion.

matplotlib and seaborn are imported when a figure is drawn (the Agg backend: no display).
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..io import atomic_path
from ..names import FIGURES, METRICS, NO_SEPARATOR, SELECTIONS
from .stats import comparisons, paired

if TYPE_CHECKING:
    import matplotlib.pyplot as plt


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    return plt, sns


def label(separator: str, model: str) -> str:
    return model if separator == NO_SEPARATOR else f"{model} ({separator})"


def distributions(
    metrics: pd.DataFrame, metric: str, baseline: str, selection: str, title: str
) -> plt.Figure:
    """One panel per comparison: the metric's distribution over trials for the model and the
    baseline, dashed lines at the means (the paper's Figure 1 for F1)."""
    plt, sns = _pyplot()
    sel = metrics[metrics["selection"] == selection]
    pairs = comparisons(sel, baseline)
    n = max(1, len(pairs))
    cols = min(n, 3)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.4 * rows), squeeze=False)
    for ax in axes.flat[len(pairs) :]:
        ax.set_visible(False)
    palette = sns.color_palette("colorblind", 2)
    for ax, (separator, model, base_separator) in zip(axes.flat, pairs, strict=False):
        model_runs, base_runs = paired(sel, separator, model, baseline, base_separator)
        groups = {
            label(separator, model): model_runs,
            label(base_separator, baseline) + " †": base_runs,
        }
        data = pd.concat([g.assign(which=name) for name, g in groups.items()])
        bins = np.linspace(0, 1, 21)
        sns.histplot(
            data=data,
            x=metric,
            hue="which",
            bins=bins,
            stat="density",
            element="step",
            common_norm=False,
            kde=len(data) > 4,
            palette=palette,
            ax=ax,
        )
        for color, group in zip(palette, groups.values(), strict=True):
            ax.axvline(group[metric].mean(), color=color, linestyle="--", linewidth=1.5)
        ax.set_xlim(0, 1)
        ax.set_xlabel(METRICS[metric])
        ax.set_title(f"{label(separator, model)} vs {baseline}", fontsize=10)
        if ax.get_legend() is not None:
            sns.move_legend(ax, "upper left", title=None, fontsize=8, frameon=False)
        ax.set_ylim(0, ax.get_ylim()[1] * 1.3)  # room for the legend
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def paired_differences(
    significance: pd.DataFrame, metrics: pd.DataFrame, baseline: str, selection: str, title: str
) -> plt.Figure:
    """Per-split differences (model - baseline) of each comparison, with the mean and its
    corrected 95% interval."""
    plt, sns = _pyplot()
    sel = metrics[metrics["selection"] == selection]
    pairs = comparisons(sel, baseline)
    several = len({base_separator for _, _, base_separator in pairs}) > 1

    def name(separator, model, base_separator):
        text = label(separator, model)
        return f"{text} vs {base_separator}" if several else text

    rows = []
    for separator, model, base_separator in pairs:
        model_runs, base_runs = paired(sel, separator, model, baseline, base_separator)
        for metric in METRICS:
            diff = model_runs[metric] - base_runs[metric]
            rows += [
                {
                    "comparison": name(separator, model, base_separator),
                    "metric": METRICS[metric],
                    "diff": d,
                }
                for d in diff
            ]
    data = pd.DataFrame(rows, columns=["comparison", "metric", "diff"])
    grid = sns.catplot(
        data=data,
        x="diff",
        y="comparison",
        col="metric",
        kind="strip",
        alpha=0.5,
        height=max(2.5, 0.6 * data["comparison"].nunique() + 1.2),
        aspect=1.4,
        color=sns.color_palette("colorblind")[0],
    )
    sig = significance[significance["selection"] == selection]
    order = list(dict.fromkeys(data["comparison"]))
    for ax, metric in zip(grid.axes.flat, METRICS, strict=False):
        ax.axvline(0, color="grey", linewidth=1)
        for _, row in sig[sig["metric"] == metric].iterrows():
            y = order.index(name(row["separator"], row["model"], row["baseline_separator"]))
            low = row["mean_diff"] - row["diff_ci_low"]
            high = row["diff_ci_high"] - row["mean_diff"]
            ax.errorbar(
                row["mean_diff"], y, xerr=[[low], [high]], fmt="D", color="black", capsize=4
            )
        ax.set_xlabel(f"{METRICS[metric]}: model − {baseline} (per split)")
    grid.set_titles("")
    grid.figure.suptitle(title, fontsize=11)
    grid.figure.tight_layout()
    return grid.figure


def confusion_matrices(confusion: dict, selection: str, title: str) -> plt.Figure:
    """Mean row-normalised confusion matrix of each model over the trials."""
    plt, sns = _pyplot()
    keys = sorted((k for k in confusion if k[0] == selection), key=lambda k: (k[2], k[1]))
    n = max(1, len(keys))
    cols = min(n, 4)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 4.0 * rows), squeeze=False)
    for ax in axes.flat[len(keys) :]:
        ax.set_visible(False)
    for ax, key in zip(axes.flat, keys, strict=False):
        entry = confusion[key]
        sns.heatmap(
            pd.DataFrame(entry["matrix"], index=entry["genres"], columns=entry["genres"]),
            vmin=0,
            vmax=1,
            annot=True,
            fmt=".2f",
            cmap="Blues",
            cbar=False,
            square=True,
            ax=ax,
            annot_kws={"fontsize": 7},
        )
        ax.set_title(label(key[1], key[2]), fontsize=10)
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def _difference_heatmap(matrix: pd.DataFrame, ax, fontsize: int, **kwargs) -> None:
    """A heatmap of differences: red above 0, blue below, symmetric about 0 (at least ±0.05),
    each cell annotated with its sign."""
    _, sns = _pyplot()
    values = np.abs(matrix.to_numpy(dtype=np.float64))
    limit = max(0.05, float(np.nanmax(values)) if np.isfinite(values).any() else 0.05)
    sns.heatmap(
        matrix,
        vmin=-limit,
        vmax=limit,
        center=0,
        cmap="RdBu_r",
        annot=True,
        fmt="+.2f",
        ax=ax,
        annot_kws={"fontsize": fontsize},
        **kwargs,
    )


def genre_differences(differences: pd.DataFrame, selection: str, title: str) -> plt.Figure:
    """Mean per-genre F1 difference (model - baseline) of each comparison: one heatmap row per
    comparison, one column per genre, red where the model gains."""
    plt, sns = _pyplot()
    sel = differences[differences["selection"] == selection].copy()
    sel["comparison"] = [
        f"{label(sep, model)} vs {base_sep}" if sep == NO_SEPARATOR else label(sep, model)
        for sep, model, base_sep in zip(
            sel["separator"], sel["model"], sel["baseline_separator"], strict=True
        )
    ]
    matrix = sel.pivot_table(
        index="comparison", columns="genre", values="mean_diff", sort=False, dropna=False
    )
    fig, ax = plt.subplots(
        figsize=(1.1 * max(3, matrix.shape[1]) + 3, 0.55 * max(2, matrix.shape[0]) + 1.6)
    )
    _difference_heatmap(matrix, ax, 8, cbar_kws={"label": "F1 difference"})
    ax.set_xlabel("genre")
    ax.set_ylabel("")
    ax.set_title(title, fontsize=11)
    fig.tight_layout()
    return fig


def quality_and_gain(
    quality: pd.DataFrame,
    significance: pd.DataFrame,
    baseline: str,
    selection: str,
    metric: str,
    title: str,
) -> plt.Figure:
    """Left: each separator's SI-SDR improvement over the mixture per stem (songs with a
    reference). Right: each model's gain in ``metric`` over the baseline on the same
    separator, with the corrected interval: how separation quality turns into classification
    gain. The oracle (the references themselves) has no quality, only its gain."""
    plt, sns = _pyplot()
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [1.2, 1]}
    )
    finite = quality[np.isfinite(quality["si_sdr_improvement"])]
    sns.boxplot(
        data=finite,
        x="stem",
        y="si_sdr_improvement",
        hue="separator",
        palette="colorblind",
        ax=left,
        fliersize=2,
    )
    left.axhline(0, color="grey", linewidth=1)
    left.set_ylabel("SI-SDR improvement over the mixture (dB)")
    left.set_xlabel("stem")
    left.set_title("Separation quality, per song", fontsize=10)
    sig = significance[
        (significance["selection"] == selection)
        & (significance["metric"] == metric)
        & (significance["separator"] != NO_SEPARATOR)
    ]
    separators = list(dict.fromkeys(sig["separator"]))
    models = list(dict.fromkeys(sig["model"]))
    palette = sns.color_palette("colorblind", max(1, len(models)))
    width = 0.6 / max(1, len(models))
    for i, model in enumerate(models):
        rows = sig[sig["model"] == model].set_index("separator").reindex(separators)
        x = np.arange(len(separators)) + (i - (len(models) - 1) / 2) * width
        right.errorbar(
            x,
            rows["mean_diff"],
            yerr=[
                rows["mean_diff"] - rows["diff_ci_low"],
                rows["diff_ci_high"] - rows["mean_diff"],
            ],
            fmt="o",
            capsize=4,
            color=palette[i],
            label=model,
        )
    right.axhline(0, color="grey", linewidth=1)
    right.set_xticks(np.arange(len(separators)), separators)
    right.set_xlabel("separator")
    right.set_ylabel(f"{METRICS[metric]}: model − {baseline}")
    right.set_title("Classification gain over the baseline, corrected interval", fontsize=10)
    right.legend(fontsize=8, frameon=False)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def pair_matrices(
    summary: pd.DataFrame, gains: pd.DataFrame, baseline: str, selection: str, title: str
) -> plt.Figure:
    """The genre-pair experiment: per (separator, model), the mean accuracy of each pair as
    a symmetric genre x genre heatmap (low: genres the model confuses); then per comparison
    with the baseline, the mean gain on each pair, titled with Spearman's correlation
    between the baseline's accuracy and the gain."""
    plt, sns = _pyplot()
    sel = summary[summary["selection"] == selection]
    gain = gains[gains["selection"] == selection] if not gains.empty else gains
    genres = sorted(set(sel["genre_a"]) | set(sel["genre_b"]))
    panels = [("accuracy", key, group) for key, group in sel.groupby(["separator", "model"])]
    if not gain.empty:
        panels += [
            ("gain", key, group)
            for key, group in gain.groupby(["separator", "model", "baseline_separator"])
        ]
    cols = min(len(panels), 3)
    rows = -(-len(panels) // cols)
    size = 0.55 * len(genres) + 1.8
    fig, axes = plt.subplots(rows, cols, figsize=(size * cols + 1, size * rows), squeeze=False)
    for ax in axes.flat[len(panels) :]:
        ax.set_visible(False)
    for ax, (kind, key, group) in zip(axes.flat, panels, strict=False):
        matrix = pd.DataFrame(np.nan, index=genres, columns=genres)
        value = "accuracy_mean" if kind == "accuracy" else "gain"
        for _, row in group.iterrows():
            matrix.loc[row["genre_a"], row["genre_b"]] = row[value]
            matrix.loc[row["genre_b"], row["genre_a"]] = row[value]
        if kind == "accuracy":
            sns.heatmap(
                matrix,
                vmin=0.5,
                vmax=1,
                cmap="viridis",
                annot=True,
                fmt=".2f",
                cbar=False,
                square=True,
                ax=ax,
                annot_kws={"fontsize": 7},
            )
            ax.set_title(f"accuracy: {label(key[0], key[1])}", fontsize=9)
        else:
            _difference_heatmap(matrix, ax, 7, cbar=False, square=True)
            rho = group["rho_confusion_gain"].iloc[0]
            versus = f" vs {key[2]}" if key[0] == NO_SEPARATOR else ""
            ax.set_title(
                f"gain: {label(key[0], key[1])}{versus} − {baseline}\n"
                f"Spearman ρ(baseline accuracy, gain) = {rho:+.2f}",
                fontsize=9,
            )
        ax.tick_params(labelsize=7)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def save(fig: plt.Figure, png: str, pdf: str, dpi: int = 150) -> None:
    """Write a figure as PNG and PDF (each atomically) and close it."""
    plt, _ = _pyplot()

    for path, kwargs in ((png, {"dpi": dpi}), (pdf, {})):
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=str(path).rsplit(".", 1)[-1], bbox_inches="tight", **kwargs)
    plt.close(fig)


def gain_against_quality(
    points: pd.DataFrame,
    thresholds: pd.DataFrame,
    title: str,
    caption: str,
    level: float = 0.95,
    power: float = 0.8,
) -> plt.Figure:
    """One panel per stems model and selection rule of ``points`` (a row of panels per
    selection, in their order): each separator's gain over the baseline (corrected ``level``
    interval) against its median SI-SDR improvement (interval over songs), the monotone fit
    through them, the difference the design detects with ``power`` (dashed) and the quality at
    which the fit reaches it (its interval shaded). The oracle, whose stems are the
    references, is marked at the right edge, outside the fit."""
    plt, sns = _pyplot()
    models = list(dict.fromkeys(points["model"]))
    selections = list(dict.fromkeys(points["selection"]))
    fig, axes = plt.subplots(
        len(selections),
        len(models),
        figsize=(6.4 * len(models), 4.8 * len(selections)),
        squeeze=False,
        sharey=True,
    )
    palette = sns.color_palette("colorblind", 3)
    panels = [
        (ax, model, selection)
        for row, selection in zip(axes, selections, strict=True)
        for ax, model in zip(row, models, strict=True)
    ]
    for ax, model, selection in panels:
        named = f"{model}, {selection}" if len(selections) > 1 else model
        rows = points[(points["model"] == model) & (points["selection"] == selection)]
        placed = rows[np.isfinite(rows["quality_median"])].sort_values("quality_median")
        ax.errorbar(
            placed["quality_median"],
            placed["gain"],
            xerr=[
                placed["quality_median"] - placed["quality_ci_low"],
                placed["quality_ci_high"] - placed["quality_median"],
            ],
            yerr=[placed["gain"] - placed["gain_ci_low"], placed["gain_ci_high"] - placed["gain"]],
            fmt="o",
            capsize=3,
            color=palette[0],
            label="separators",
        )
        # linear between the fitted points: the line the threshold is read off
        ax.plot(
            placed["quality_median"],
            placed["fitted_gain"],
            color=palette[0],
            alpha=0.6,
            label="monotone fit",
        )
        for k, row in enumerate(placed.itertuples(index=False)):
            ax.annotate(  # above and below in turn, so that close neighbours stay legible
                row.separator,
                (row.quality_median, row.gain),
                textcoords="offset points",
                xytext=(5, 5 if k % 2 == 0 else -11),
                fontsize=7,
            )
        right = placed["quality_ci_high"].max() if len(placed) else 0.0
        for row in rows[~np.isfinite(rows["quality_median"])].itertuples(index=False):
            x = right + 2.0
            ax.set_xlim(right=x + 4.0)
            ax.errorbar(
                [x],
                [row.gain],
                yerr=[[row.gain - row.gain_ci_low], [row.gain_ci_high - row.gain]],
                fmt="s",
                capsize=3,
                color=palette[2],
            )
            ax.annotate(
                f"{row.separator}\n(exact stems)",
                (x, row.gain),
                textcoords="offset points",
                xytext=(6, -3),
                fontsize=7,
                ha="left",
                va="center",
            )
        threshold = thresholds[
            (thresholds["model"] == model) & (thresholds["selection"] == selection)
        ]
        if len(threshold):
            t = threshold.iloc[0]
            ax.axhline(
                t["detectable_diff"],
                color=palette[1],
                linestyle="--",
                linewidth=1,
                label=f"detectable with {power:.0%} power ({t['detectable_diff']:.3f})",
            )
            if np.isfinite(t["quality_threshold"]):
                ax.axvline(t["quality_threshold"], color=palette[1], linewidth=1)
                ax.axvspan(
                    t["threshold_ci_low"], t["threshold_ci_high"], color=palette[1], alpha=0.12
                )
            ax.set_title(f"{named}\n" + textwrap.fill(t["reading"], 70), fontsize=8)
        else:
            ax.set_title(named, fontsize=9)
        ax.axhline(0, color="grey", linewidth=1)
        ax.set_xlabel("separation quality: median SI-SDR improvement over the mixture (dB)")
        ax.legend(fontsize=7, frameon=False, loc="upper left")
    for row in axes:
        row[0].set_ylabel(
            f"gain over {points['baseline'].iloc[0]} (paired, corrected {level:.0%} CI)"
        )
    fig.suptitle(title, fontsize=11)
    fig.text(0.5, -0.02, caption, ha="center", va="top", fontsize=8, wrap=True)
    fig.tight_layout()
    return fig


def figure(
    name: str,
    metrics: pd.DataFrame,
    significance: pd.DataFrame,
    matrices: dict,
    genres: pd.DataFrame,
    baseline: str,
    selection: str,
):
    """The figure ``name`` of :data:`~sepconv.names.FIGURES` at one ``selection``, from the
    metrics table, the significance table, the mean confusion matrices and the per-genre
    differences: what the figures step draws for each of them."""
    note = f"{metrics['seed'].nunique()} trials, selection: {selection}"
    if name == "f1":
        return distributions(metrics, "f1_macro", baseline, selection, f"Macro F1 over {note}")
    if name == "accuracy":
        return distributions(metrics, "accuracy", baseline, selection, f"Accuracy over {note}")
    if name == "paired_differences":
        title = f"Paired differences, {note}"
        return paired_differences(significance, metrics, baseline, selection, title)
    if name == "confusion":
        return confusion_matrices(matrices, selection, f"Mean row-normalised confusion, {note}")
    if name == "genres":
        title = f"Per-genre F1: model − {baseline}, mean over {note}"
        return genre_differences(genres, selection, title)
    raise ValueError(f"no figure {name!r}; the figures are {', '.join(FIGURES)}")


#: The subsets of the curves, in the order drawn, with their line styles.
_CURVES = {"train": "-", "validation": "--", "test": ":"}


def training_curves(
    history: pd.DataFrame, metrics: pd.DataFrame, title: str, level: float = 0.95
) -> plt.Figure:
    """Per (separator, model) a row of two panels, loss and macro F1 by epoch: the mean over
    the seeds of the training (running mean over the epoch's batches), validation (where one
    was held out) and test figures, with a ``level`` t-interval; each selection rule's epoch
    (its median over the seeds, from ``metrics``) a vertical line."""
    from scipy import stats as scipy_stats

    plt, sns = _pyplot()
    runs = list(history.groupby(["separator", "model"], sort=True).groups)
    fig, axes = plt.subplots(
        max(1, len(runs)), 2, figsize=(9.5, 2.4 * max(1, len(runs)) + 0.8), squeeze=False
    )
    colours = dict(zip(_CURVES, sns.color_palette("colorblind", len(_CURVES)), strict=True))
    marks = dict(zip(SELECTIONS, sns.color_palette("dark", len(SELECTIONS)), strict=True))
    for row, (separator, model) in enumerate(runs):
        mine = history[(history["separator"] == separator) & (history["model"] == model)]
        chosen = metrics[(metrics["separator"] == separator) & (metrics["model"] == model)]
        for col, (value, name) in enumerate((("loss", "loss"), ("f1_macro", "macro F1"))):
            ax = axes[row][col]
            for subset, style in _CURVES.items():
                part = mine[mine["subset"] == subset]
                if part.empty:
                    continue
                by_epoch = part.groupby("epoch")[value]
                mean, sem, n = by_epoch.mean(), by_epoch.sem(), by_epoch.count()
                half = sem * scipy_stats.t.ppf((1 + level) / 2, np.maximum(n - 1, 1))
                ax.plot(mean.index, mean, style, color=colours[subset], label=subset)
                ax.fill_between(
                    mean.index, mean - half, mean + half, color=colours[subset], alpha=0.15
                )
            for selection, epochs in chosen.groupby("selection", sort=False)["epoch"]:
                ax.axvline(epochs.median(), color=marks.get(selection), lw=0.8, alpha=0.8)
                if row == 0 and col == 1:
                    ax.plot([], [], color=marks.get(selection), lw=0.8, label=selection)
            ax.set_ylabel(f"{label(separator, model)}\n{name}" if col == 0 else name)
            if row == len(runs) - 1:
                ax.set_xlabel("epoch")
    axes[0][1].legend(fontsize=7, loc="best")
    lines = textwrap.wrap(title, 110)
    fig.suptitle("\n".join(lines), fontsize=9)
    # room for the title's lines above the panels, in inches whatever the rows
    fig.tight_layout(rect=(0, 0, 1, 1 - (0.1 + 0.18 * len(lines)) / fig.get_figheight()))
    return fig
