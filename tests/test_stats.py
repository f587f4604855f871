"""Statistics: the tests against scipy and by hand, Holm, Table 1 and significance tables."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sepconv.config import defaults
from sepconv.errors import InputError
from sepconv.evaluation.confusion import mean_confusion
from sepconv.evaluation.stats import (
    bayesian_correlated_ttest,
    compare,
    corrected_p_of_paired_p,
    corrected_resampled_ttest,
    detectable_difference,
    genre_differences,
    genre_table,
    holm,
    metrics_table,
    per_class_f1,
    significance,
    summarise,
    table1_markdown,
)
from sepconv.learning import runs

RNG = np.random.default_rng(0)
A = RNG.uniform(0.4, 0.8, size=20)
B = A - RNG.normal(0.05, 0.05, size=20)
SETTINGS = defaults("statistics")


def test_welch_and_wilcoxon_match_scipy():
    result = compare(A, B, n_train=53, n_test=13, **SETTINGS)
    welch = stats.ttest_ind(A, B, equal_var=False)
    assert result["t_welch_independent"] == pytest.approx(welch.statistic)
    assert result["p_welch_independent"] == pytest.approx(welch.pvalue)
    wilcoxon = stats.wilcoxon(A, B)
    assert result["wilcoxon_stat"] == pytest.approx(wilcoxon.statistic)
    assert result["p_wilcoxon"] == pytest.approx(wilcoxon.pvalue)
    assert result["effect_dz"] == pytest.approx(np.mean(A - B) / np.std(A - B, ddof=1))


def test_corrected_resampled_ttest_by_hand():
    d = [0.1, 0.2, -0.05, 0.15, 0.0]
    # mean 0.08; squared deviations 0.0004 + 0.0144 + 0.0169 + 0.0049 + 0.0064 = 0.043,
    # var = 0.043 / 4 = 0.01075; correction 1/J + n_test/n_train = 1/5 + 10/40 = 0.45
    t, p, se = corrected_resampled_ttest(d, n_train=40, n_test=10)
    assert se == pytest.approx(math.sqrt(0.45 * 0.01075))
    assert t == pytest.approx(0.08 / math.sqrt(0.45 * 0.01075))  # 1.1502
    assert t == pytest.approx(1.15021, abs=1e-5)
    assert p == pytest.approx(2 * stats.t.sf(t, df=4))
    # the correction makes it more conservative than the plain paired t-test
    assert p > stats.ttest_1samp(d, 0.0).pvalue


def test_corrected_interval_in_compare():
    result = compare(A, B, n_train=53, n_test=13, **SETTINGS)
    d = A - B
    se = math.sqrt((1 / 20 + 13 / 53) * d.var(ddof=1))
    half = stats.t.ppf(0.975, 19) * se
    assert result["diff_ci_low"] == pytest.approx(d.mean() - half)
    assert result["diff_ci_high"] == pytest.approx(d.mean() + half)


def test_holm_worked_example():
    # sorted: 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 = 0.04 -> max so far 0.06
    np.testing.assert_allclose(holm([0.01, 0.04, 0.03, 0.005]), [0.03, 0.06, 0.06, 0.02])
    np.testing.assert_allclose(holm([0.5, 0.9]), [1.0, 1.0])
    assert np.isnan(holm([0.01, np.nan])[1]) and holm([0.01, np.nan])[0] == pytest.approx(0.01)


@pytest.fixture
def small_metrics():
    rows = []
    values = {"base": [0.5, 0.6, 0.7], "better": [0.6, 0.8, 0.7], "mix": [0.4, 0.5, 0.6]}
    for model, accs in values.items():
        separator = "none" if model == "mix" else "hpss"
        for seed, acc in enumerate(accs, start=1):
            for selection in ("min_test_loss", "last_epoch"):
                rows.append(
                    {
                        "separator": separator,
                        "model": model,
                        "seed": seed,
                        "selection": selection,
                        "epoch": 6,
                        "accuracy": acc,
                        "f1_macro": acc - 0.1,
                        "test_loss": 1.0,
                        "n_train": 40,
                        "n_test": 10,
                        "params": 100,
                    }
                )
    return pd.DataFrame(rows)


def test_table1_from_a_small_metrics_file(small_metrics):
    table = summarise(small_metrics, baseline="base")
    row = table.query("selection == 'last_epoch' and model == 'better'").iloc[0]
    assert row["trials"] == 3 and not row["baseline"]
    assert row["accuracy_mean"] == pytest.approx(0.7)
    assert row["accuracy_sd"] == pytest.approx(0.1)
    half = stats.t.ppf(0.975, 2) * 0.1 / math.sqrt(3)
    assert row["accuracy_ci_low"] == pytest.approx(0.7 - half)
    assert row["f1_macro_mean"] == pytest.approx(0.6)
    assert table.query("model == 'base'")["baseline"].all()
    markdown = table1_markdown(table, "base")
    assert "| Model | Separator | Accuracy | F1 | Parameters | Trials |" in markdown
    assert "| base† | hpss | 0.600 ± 0.100 [" in markdown
    assert markdown.count("## ") == 2


def test_significance_from_a_small_metrics_file(small_metrics):
    table = significance(small_metrics, baseline="base", settings=SETTINGS)
    assert len(table) == 2 * 2 * 2  # selections x metrics x (better, mix)
    row = table.query("selection == 'last_epoch' and metric == 'accuracy' and model == 'better'")
    row = row.iloc[0]
    d = np.array([0.1, 0.2, 0.0])
    t, p, _ = corrected_resampled_ttest(d, 40, 10)
    assert row["mean_diff"] == pytest.approx(0.1)
    assert row["t_corrected"] == pytest.approx(t) and row["p_corrected"] == pytest.approx(p)
    mix = table.query("selection == 'last_epoch' and metric == 'accuracy' and model == 'mix'")
    assert mix.iloc[0]["separator"] == "none" and mix.iloc[0]["baseline_separator"] == "hpss"
    family = table.query("selection == 'last_epoch' and metric == 'accuracy'")
    np.testing.assert_allclose(family["p_corrected_holm"], holm(family["p_corrected"]))


def test_metrics_table_and_mean_confusion_from_run_records(tmp_path):
    paths = []
    for seed in (1, 2):
        run = {
            "separator": "hpss",
            "model": "m",
            "seed": seed,
            "genres": ["a", "b"],
            "n_train": 8,
            "n_test": 2,
            "params": 10,
            "selections": {
                name: {"epoch": 3, "accuracy": 0.5, "f1_macro": 0.4, "test_loss": 0.9,
                       "confusion": [[1, 0], [1, 0]] if seed == 1 else [[1, 0], [0, 1]]}
                for name in ("min_test_loss", "last_epoch")
            },
        }  # fmt: skip
        path = tmp_path / f"seed{seed}.json"
        path.write_text(json.dumps(run))
        paths.append(path)
    records = [runs.load(path) for path in paths]
    metrics, confusion = metrics_table(records), mean_confusion(records)
    assert len(metrics) == 4 and set(metrics["selection"]) == {"min_test_loss", "last_epoch"}
    np.testing.assert_allclose(
        confusion[("last_epoch", "hpss", "m")]["matrix"], [[1.0, 0.0], [0.5, 0.5]]
    )


def test_run_record_round_trip_and_missing_fields(tmp_path):
    selection = {"epoch": 2, "accuracy": 0.5, "f1_macro": 0.25, "test_loss": 1.5, "confusion": []}
    record = runs.make_record(
        separator="hpss",
        model="m",
        seed=3,
        representation="stems3",
        channels=np.array(["bass", "drums", "other"]),
        genres=np.array(["a", "b"]),
        hyperparameters={"conv": "standard"},
        result={"n_train": 8, "n_test": 2, "params": 10, "selections": {"last_epoch": selection}},
        wall_time_s=1.0,
    )
    runs.save(tmp_path / "seed3.json", record)
    read = runs.load(tmp_path / "seed3.json")
    assert read == record and read["channels"] == ["bass", "drums", "other"]
    assert runs.metric_rows(read) == [
        {"separator": "hpss", "model": "m", "seed": 3, "selection": "last_epoch", "epoch": 2,
         "accuracy": 0.5, "f1_macro": 0.25, "test_loss": 1.5, "n_train": 8, "n_test": 2,
         "params": 10}
    ]  # fmt: skip
    (tmp_path / "bad.json").write_text('{"separator": "hpss"}')
    with pytest.raises(InputError, match="bad.json lacks model, seed, genres"):
        runs.load(tmp_path / "bad.json")


def test_bayesian_correlated_ttest_matches_baycomp():
    """The posterior of Benavoli et al. (2017) as the `baycomp` package computes it: its
    correction 1/n + 1/(folds - 1) equals ours with n_test/n_train = 1/(folds - 1) (here 20
    differences in 4 runs of 5 folds: 10 test and 40 training songs)."""
    from baycomp import CorrelatedTTest

    for rope in (0.0, 0.01, 0.05):
        ours = bayesian_correlated_ttest(A - B, n_train=40, n_test=10, rope=rope)
        theirs = CorrelatedTTest.probs(B, A, rope=rope, runs=4)
        if rope == 0.0:  # baycomp gives (left, right) without a rope
            theirs = (theirs[0], 0.0, theirs[1])
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)
    worse, equivalent, better = bayesian_correlated_ttest(A - B, 40, 10, 0.01)
    assert better > 0.9 and worse < 0.01 and worse + equivalent + better == pytest.approx(1.0)
    # a mirrored difference swaps worse and better
    assert bayesian_correlated_ttest(B - A, 40, 10, 0.01) == pytest.approx(
        (better, equivalent, worse)
    )
    assert bayesian_correlated_ttest(np.zeros(5), 40, 10, 0.01) == (0.0, 1.0, 0.0)


def test_detectable_difference_has_the_asked_power():
    se, trials = 0.02, 50
    delta = detectable_difference(se, trials, power=0.8, alpha=0.05)
    crit = stats.t.isf(0.025, trials - 1)
    reach = stats.nct.sf(crit, trials - 1, delta / se) + stats.nct.cdf(
        -crit, trials - 1, delta / se
    )
    assert reach == pytest.approx(0.8, abs=1e-6)
    # close to the normal approximation (z_0.975 + z_0.8) * se for many trials
    assert delta == pytest.approx((1.95996 + 0.84162) * se, rel=0.03)
    assert detectable_difference(se, trials, power=0.9) > delta
    assert detectable_difference(se, 3) > detectable_difference(se, 50)  # fewer df, larger
    assert math.isnan(detectable_difference(0.0, 50))


def test_corrected_p_of_a_paired_p():
    """A paired t-test's p over J random splits, recomputed with the corrected variance: on
    differences whose plain paired t-test gives p, the corrected test gives the same."""
    d = RNG.normal(0.02, 0.1, size=50)
    d = d - d.mean() + stats.t.isf(0.02, 49) * d.std(ddof=1) / math.sqrt(50)  # p = 0.04
    assert stats.ttest_1samp(d, 0.0).pvalue == pytest.approx(0.04)
    _, p_corrected, _ = corrected_resampled_ttest(d, n_train=80, n_test=20)
    assert corrected_p_of_paired_p(0.04, 50, 0.2) == pytest.approx(p_corrected)
    assert corrected_p_of_paired_p(0.04, 50, 0.2) == pytest.approx(0.568, abs=0.001)


def test_per_genre_f1_and_differences():
    # rows true, columns predicted: class 0 2 TP, 1 FN; class 1 1 TP, 1 FP; class 2 absent
    matrix = [[2, 1, 0], [0, 1, 0], [0, 0, 0]]
    f1 = per_class_f1(matrix)
    assert f1[0] == pytest.approx(2 * 2 / (2 * 2 + 0 + 1))
    assert f1[1] == pytest.approx(2 * 1 / (2 * 1 + 1 + 0))
    assert math.isnan(f1[2])

    def record(model, seed, confusion):
        chosen = {"confusion": confusion}
        return {
            "separator": "hpss",
            "model": model,
            "seed": seed,
            "genres": ["a", "b", "c"],
            "n_train": 40,
            "n_test": 10,
            "selections": {"min_test_loss": chosen, "last_epoch": chosen},
        }

    perfect = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    records = [
        *(record("base", seed, matrix) for seed in (1, 2, 3)),
        *(record("stems", seed, perfect) for seed in (1, 2, 3)),
    ]
    genres = genre_table(records)
    assert len(genres) == 2 * 3 * 2 * 3  # models x seeds x selections x genres
    diffs = genre_differences(genres, "base")
    a = diffs.query("selection == 'last_epoch' and genre == 'a'").iloc[0]
    assert a["model"] == "stems" and a["trials"] == 3
    assert a["f1_model"] == pytest.approx(1.0) and a["mean_diff"] == pytest.approx(1 - 0.8)
    assert a["diff_ci_low"] == pytest.approx(a["mean_diff"])  # no variance over the seeds
    c = diffs.query("selection == 'last_epoch' and genre == 'c'").iloc[0]
    assert c["trials"] == 0 and math.isnan(c["mean_diff"])  # undefined for the baseline


def test_genre_pairs_tables():
    from pair_runs import pair_runs

    from sepconv.evaluation.pairs import gains, summarise
    from sepconv.learning.pairs import genre_pairs

    assert genre_pairs(["c", "a", "b"]) == [("a", "b"), ("a", "c"), ("b", "c")]
    # the baseline confuses (a, b) most; the model gains most there
    base = {("a", "b"): 0.6, ("a", "c"): 0.8, ("b", "c"): 0.9}
    gain = {("a", "b"): 0.2, ("a", "c"): 0.1, ("b", "c"): 0.0}
    runs = pair_runs(base, gain, jitter=0.01)
    summary = summarise(runs)
    assert len(summary) == 2 * 3 and (summary["trials"] == 2).all()
    row = summary.query("model == 'base' and genre_a == 'a' and genre_b == 'b'").iloc[0]
    assert row["accuracy_mean"] == pytest.approx(0.615)
    table = gains(runs, "base")
    assert len(table) == 3 and set(table["model"]) == {"stems"}
    np.testing.assert_allclose(table["gain"], [0.2, 0.1, 0.0], atol=1e-12)
    np.testing.assert_allclose(table["accuracy_baseline"], [0.615, 0.815, 0.915])
    assert table["rho_confusion_gain"].iloc[0] == pytest.approx(-1.0)


def test_segment_metrics_reach_table1_and_the_tests(small_metrics):
    """Where songs had several segments the metrics table has per-segment columns; Table 1
    and the significance tests then give both units, the tests with the songs' n_test."""
    metrics = small_metrics.assign(
        segment_accuracy=small_metrics["accuracy"] - 0.05,
        segment_f1_macro=small_metrics["f1_macro"] - 0.05,
    )
    table = summarise(metrics, baseline="base")
    assert {"segment_accuracy_mean", "segment_f1_macro_ci_high"} <= set(table.columns)
    markdown = table1_markdown(table, "base")
    assert (
        "| Model | Separator | Accuracy | F1 | Accuracy per segment | F1 per segment | "
        "Parameters | Trials |" in markdown
    )
    assert "| base† | hpss | 0.600 ± 0.100 [" in markdown and "| 0.550 ± 0.100 [" in markdown
    tests = significance(metrics, baseline="base", settings=SETTINGS)
    assert set(tests["metric"]) == {"accuracy", "f1_macro", "segment_accuracy", "segment_f1_macro"}
    row = tests.query("selection == 'last_epoch' and metric == 'segment_accuracy'")
    row = row.query("model == 'better'").iloc[0]
    _, p, _ = corrected_resampled_ttest(np.array([0.1, 0.2, 0.0]), 40, 10)
    assert row["p_corrected"] == pytest.approx(p)
    # one segment per song: the columns and the table as before
    assert "Accuracy per segment" not in table1_markdown(summarise(small_metrics, "base"), "base")


def test_metrics_table_adds_segment_columns_only_where_records_have_them():
    def record(seed, segments):
        chosen = {"epoch": 1, "accuracy": 0.5, "f1_macro": 0.4, "test_loss": 1.0}
        if segments:
            chosen.update(segment_accuracy=0.45, segment_f1_macro=0.35)
        return {
            "separator": "hpss",
            "model": "m",
            "seed": seed,
            "n_train": 8,
            "n_test": 2,
            "params": 10,
            "selections": {"last_epoch": chosen},
        }

    assert "segment_accuracy" not in metrics_table([record(1, False)]).columns
    table = metrics_table([record(1, True), record(2, True)])
    assert table["segment_f1_macro"].tolist() == [0.35, 0.35]
