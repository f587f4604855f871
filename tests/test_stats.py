"""Statistics: the tests against scipy and by hand, Holm, Table 1 and significance tables."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sepconv.errors import InputError
from sepconv.evaluation.confusion import mean_confusion
from sepconv.evaluation.stats import (
    compare,
    corrected_resampled_ttest,
    holm,
    metrics_table,
    significance,
    summarise,
    table1_markdown,
)
from sepconv.learning import runs

RNG = np.random.default_rng(0)
A = RNG.uniform(0.4, 0.8, size=20)
B = A - RNG.normal(0.05, 0.05, size=20)


def test_welch_and_wilcoxon_match_scipy():
    result = compare(A, B, n_train=53, n_test=13)
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
    result = compare(A, B, n_train=53, n_test=13)
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
    table = significance(small_metrics, baseline="base")
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
