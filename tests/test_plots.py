"""The figures: which comparisons they draw, the panels, and the data on the axes."""

import numpy as np
import pandas as pd
import pytest

from sepconv.config import defaults
from sepconv.evaluation import confusion, plots
from sepconv.evaluation.stats import comparisons, significance

SEEDS = [1, 2, 3, 4]


@pytest.fixture
def metrics():
    """Two separators; mix-conv on `none`; the baseline novox-conv on both separators."""
    rows = []
    models = [
        ("none", "mix-conv", 0.30),
        ("hpss", "novox-conv", 0.40),
        ("oracle", "novox-conv", 0.45),
        ("hpss", "stems3-conv", 0.50),
        ("oracle", "stems3-conv", 0.60),
    ]
    for selection in ("min_test_loss", "last_epoch"):
        for separator, model, level in models:
            for seed in SEEDS:
                value = level + 0.01 * seed + (0.05 if selection == "min_test_loss" else 0.0)
                rows.append(
                    {
                        "separator": separator,
                        "model": model,
                        "seed": seed,
                        "selection": selection,
                        "epoch": 3,
                        "accuracy": value,
                        "f1_macro": value - 0.1,
                        "test_loss": 1.0,
                        "n_train": 40,
                        "n_test": 10,
                        "params": 100,
                    }
                )
    return pd.DataFrame(rows)


def test_comparisons_pair_each_model_with_the_baseline_of_its_separator(metrics):
    assert comparisons(metrics, "novox-conv") == [
        ("none", "mix-conv", "hpss"),
        ("hpss", "stems3-conv", "hpss"),
        ("none", "mix-conv", "oracle"),
        ("oracle", "stems3-conv", "oracle"),
    ]
    table = significance(metrics, "novox-conv", defaults("statistics"))
    pairs = table[["separator", "model", "baseline_separator"]].drop_duplicates()
    assert list(pairs.itertuples(index=False, name=None)) == comparisons(metrics, "novox-conv")


def test_distributions_draw_one_panel_per_comparison_with_the_means(metrics):
    fig = plots.distributions(metrics, "f1_macro", "novox-conv", "last_epoch", "F1")
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == [
        "mix-conv vs novox-conv",
        "stems3-conv (hpss) vs novox-conv",
        "mix-conv vs novox-conv",
        "stems3-conv (oracle) vs novox-conv",
    ]
    # dashed lines at the means of the model and of the baseline
    means = sorted(line.get_xdata()[0] for line in axes[3].lines if line.get_linestyle() == "--")
    assert means == pytest.approx([0.45 + 0.025 - 0.1, 0.60 + 0.025 - 0.1])
    plots._pyplot()[0].close(fig)


def test_paired_differences_plot_every_split_and_the_corrected_interval(metrics):
    table = significance(metrics, "novox-conv", defaults("statistics"))
    fig = plots.paired_differences(table, metrics, "novox-conv", "min_test_loss", "diffs")
    accuracy_axis = fig.axes[0]
    points = np.concatenate([c.get_offsets()[:, 0] for c in accuracy_axis.collections[:4]])
    # every model's per-split difference is constant here: mix -0.10 (hpss), -0.15 (oracle);
    # stems3 +0.10 (hpss), +0.15 (oracle)
    assert np.unique(np.round(points, 6)).tolist() == [-0.15, -0.1, 0.1, 0.15]
    assert len(points) == 4 * len(SEEDS)
    labels = [t.get_text() for t in accuracy_axis.get_yticklabels()]
    assert labels == [
        "mix-conv vs hpss",
        "stems3-conv (hpss) vs hpss",
        "mix-conv vs oracle",
        "stems3-conv (oracle) vs oracle",
    ]
    plots._pyplot()[0].close(fig)


def test_confusion_panels_and_file_round_trip(tmp_path):
    records = [
        {
            "separator": "hpss",
            "model": model,
            "genres": ["a", "b"],
            "selections": {"last_epoch": {"confusion": matrix}},
        }
        for model, matrix in (("m1", [[2, 0], [1, 1]]), ("m2", [[1, 1], [0, 2]]))
    ]
    matrices = confusion.mean_confusion(records)
    confusion.save(tmp_path / "confusion.json", matrices)
    read = confusion.load(tmp_path / "confusion.json")
    assert read.keys() == matrices.keys()
    np.testing.assert_allclose(read[("last_epoch", "hpss", "m1")]["matrix"], [[1, 0], [0.5, 0.5]])
    fig = plots.confusion_matrices(read, "last_epoch", "confusion")
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["m1 (hpss)", "m2 (hpss)"]
    values = [float(t.get_text()) for t in visible[1].texts]
    assert values == [0.5, 0.5, 0.0, 1.0]
    plots.save(fig, tmp_path / "c.png", tmp_path / "c.pdf", dpi=50)
    assert (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "c.pdf").read_bytes()[:4] == b"%PDF"


def test_genre_difference_heatmap():
    differences = pd.DataFrame(
        [
            {
                "selection": "last_epoch",
                "genre": genre,
                "model": model,
                "separator": separator,
                "baseline_separator": base_separator,
                "mean_diff": diff,
            }
            for (separator, model, base_separator), diffs in {
                ("hpss", "stems3-conv", "hpss"): (0.1, -0.2),
                ("none", "mix-conv", "hpss"): (0.0, 0.05),
            }.items()
            for genre, diff in zip(("house", "techno"), diffs, strict=True)
        ]
    )
    fig = plots.genre_differences(differences, "last_epoch", "genres")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "stems3-conv (hpss)",
        "mix-conv vs hpss",
    ]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["house", "techno"]
    assert [t.get_text() for t in ax.texts] == ["+0.10", "-0.20", "+0.00", "+0.05"]
    plots._pyplot()[0].close(fig)


def test_quality_beside_gain(metrics):
    quality = pd.DataFrame(
        [
            {"separator": "hpss", "song": f"s{i}", "stem": stem, "si_sdr_improvement": value}
            for i in range(3)
            for stem, value in (("bass", 3.0 + i), ("drums", -2.0 - i), ("vocals", np.nan))
        ]
    )
    table = significance(metrics, "novox-conv", defaults("statistics"))
    fig = plots.quality_and_gain(quality, table, "novox-conv", "last_epoch", "f1_macro", "q")
    left, right = fig.axes[:2]
    assert [t.get_text() for t in left.get_xticklabels()] == ["bass", "drums"]  # NaN left out
    assert [t.get_text() for t in right.get_xticklabels()] == ["hpss", "oracle"]
    # one point per (model, separator): stems3-conv's gain over the baseline on each separator
    (points,) = [line for line in right.lines if line.get_marker() == "o"]
    gains = table.query(
        "selection == 'last_epoch' and metric == 'f1_macro' and model == 'stems3-conv'"
    )
    np.testing.assert_allclose(np.asarray(points.get_ydata(), float), gains["mean_diff"])
    plots._pyplot()[0].close(fig)


def test_pair_matrices_draw_accuracy_and_gain_panels():
    from pair_runs import pair_runs

    from sepconv.evaluation.pairs import gains, summarise

    pairs = [("a", "b"), ("a", "c"), ("b", "c")]
    runs = pair_runs(dict(zip(pairs, (0.6, 0.8, 0.9), strict=True)), dict.fromkeys(pairs, 0.1))
    fig = plots.pair_matrices(summarise(runs), gains(runs, "base"), "base", "last_epoch", "p")
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title().split("\n")[0] for ax in axes] == [
        "accuracy: base (hpss)",
        "accuracy: stems (hpss)",
        "gain: stems (hpss) − base",
    ]
    # symmetric matrices: each pair twice, the diagonal empty
    assert sorted(t.get_text() for t in axes[0].texts) == [
        "0.60",
        "0.60",
        "0.80",
        "0.80",
        "0.90",
        "0.90",
    ]
    assert {t.get_text() for t in axes[2].texts} == {"+0.10"}
    plots._pyplot()[0].close(fig)


def test_training_curves_draw_every_subset_and_mark_each_selection(metrics):
    """A row of (loss, F1) panels per (separator, model), a line per subset, a vertical line
    per selection rule at its median epoch."""
    from sepconv.evaluation.stats import history_table

    records = []
    for separator, model in (("hpss", "stems3-conv"), ("none", "mix-conv")):
        for seed in SEEDS:
            history = {"epoch": [1, 2, 3]}
            for key in ("loss", "test_loss", "val_loss"):
                history[key] = [1.0 - 0.1 * k for k in range(3)]
            for key in ("accuracy", "test_accuracy", "val_accuracy"):
                history[key] = [0.4, 0.5, 0.6]
            for key in ("f1_macro", "test_f1_macro", "val_f1_macro"):
                history[key] = [0.3, 0.4, 0.5]
            records.append(
                {"separator": separator, "model": model, "seed": seed, "history": history}
            )
    history = history_table(records)
    assert len(history) == 2 * len(SEEDS) * 3 * 3  # runs x subsets x epochs
    assert list(history.columns)[:5] == ["separator", "model", "seed", "epoch", "subset"]
    # a record without validation figures (none held out) gives no validation rows
    for record in records:
        for key in ("val_loss", "val_accuracy", "val_f1_macro"):
            del record["history"][key]
    assert set(history_table(records)["subset"]) == {"train", "test"}
    figure = plots.training_curves(history, metrics, "curves")
    axes = [ax for ax in figure.axes if ax.get_visible()]
    assert len(axes) == 2 * 2
    assert len(axes[0].get_lines()) == 3 + 2  # train, validation, test; two selections
