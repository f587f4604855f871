"""Gain against separation quality: the points, the monotone fit, the threshold."""

import numpy as np
import pandas as pd
import pytest

from sepconv.evaluation.gain import first_reaching, isotonic, relate
from sepconv.names import STEMS

SEPARATORS = {"ladder-1": 0.0, "ladder-0.9": 3.0, "hpss": 4.0, "ladder-0.5": 12.0, "ladder-0": 19.0}


def quality_table(rng, songs=40):
    """Per-song SI-SDR improvements around each separator's level, and the oracle's none."""
    rows = []
    for separator, level in SEPARATORS.items():
        for k in range(songs):
            for stem in STEMS:
                value = level + rng.normal(0, 1.0) if stem != "vocals" or k % 2 else np.nan
                rows.append(
                    {
                        "separator": separator,
                        "song": f"s{k:02d}",
                        "genre": "g",
                        "stem": stem,
                        "si_sdr": value,
                        "si_sdr_mixture": 0.0,
                        "si_sdr_improvement": value,
                    }
                )
    return pd.DataFrame(rows)


def significance_table(gains, se=0.02, detectable=0.06):
    rows = []
    for separator, gain in gains.items():
        half = 2.0 * se
        rows.append(
            {
                "selection": "min_test_loss",
                "metric": "f1_macro",
                "model": "stems3-conv",
                "separator": separator,
                "trials": 20,
                "mean_diff": gain,
                "diff_ci_low": gain - half,
                "diff_ci_high": gain + half,
                "se_corrected": se,
                "p_better": 0.5,
                "detectable_diff": detectable,
            }
        )
    return pd.DataFrame(rows)


def test_the_fit_is_monotone_and_the_reading_interpolates():
    x = np.array([0.0, 3.0, 4.0, 12.0, 19.0])
    fitted = isotonic(x, np.array([0.0, 0.03, 0.01, 0.08, 0.12]), np.ones(5))
    assert np.all(np.diff(fitted) >= 0) and fitted[1] == fitted[2] == pytest.approx(0.02)
    assert first_reaching(x, fitted, 0.05) == pytest.approx(4.0 + (0.05 - 0.02) / 0.06 * 8.0)
    assert np.isnan(first_reaching(x, fitted, 0.5))
    assert first_reaching(x, fitted, -1.0) == float("-inf")


def test_relate_places_each_separator_and_reads_the_threshold(rng):
    quality = quality_table(rng)
    gains = {"ladder-1": 0.0, "ladder-0.9": 0.01, "hpss": 0.02, "ladder-0.5": 0.1, "ladder-0": 0.14}
    significance = significance_table({**gains, "oracle": 0.15})
    points, thresholds = relate(quality, significance, "novox-conv", ["stems3-conv"])
    hpss = points.set_index("separator").loc["hpss"]
    # the median over every (song, stem) with a reference, as summary.tsv's `all` row
    finite = quality.query("separator == 'hpss'")["si_sdr_improvement"].dropna()
    assert hpss["quality_median"] == pytest.approx(finite.median())
    assert hpss["quality_ci_low"] < hpss["quality_median"] < hpss["quality_ci_high"]
    assert hpss["songs"] == 40 and hpss["gain"] == 0.02
    oracle = points.set_index("separator").loc["oracle"]
    assert np.isnan(oracle["quality_median"]) and oracle["gain"] == 0.15  # beside the fit
    (row,) = thresholds.itertuples(index=False)
    # the fit crosses 0.06 between hpss (4 dB, 0.02) and ladder-0.5 (12 dB, 0.10): at 8 dB
    assert row.quality_threshold == pytest.approx(8.0, abs=0.3)
    assert row.threshold_ci_low < row.quality_threshold < row.threshold_ci_high
    assert row.reading.startswith(
        f"the gain reaches the detectable 0.060 at {row.quality_threshold:.1f} dB ["
    )
    # the same with a seed: the same tables
    again = relate(quality, significance, "novox-conv", ["stems3-conv"])
    pd.testing.assert_frame_equal(again[1], thresholds)


def test_a_gain_that_never_reaches_the_detectable_difference_is_out_of_range(rng):
    quality = quality_table(rng)
    significance = significance_table(dict.fromkeys(SEPARATORS, 0.0), detectable=0.2)
    _, thresholds = relate(quality, significance, "novox-conv", ["stems3-conv"])
    (row,) = thresholds.itertuples(index=False)
    assert np.isnan(row.quality_threshold) and row.share_out_of_range > 0.99
    assert row.reading.startswith("out of range: the fitted gain is never 0.200")


def test_a_gain_reached_near_the_lowest_quality_keeps_the_low_side_of_its_interval(rng):
    """Resamples whose fit is already above the line count at their lowest quality, so the
    interval reaches down there instead of leaving those draws out."""
    quality = quality_table(rng)
    gains = {
        "ladder-1": 0.055,
        "ladder-0.9": 0.065,
        "hpss": 0.07,
        "ladder-0.5": 0.1,
        "ladder-0": 0.14,
    }
    _, thresholds = relate(quality, significance_table(gains), "novox-conv", ["stems3-conv"])
    (row,) = thresholds.itertuples(index=False)
    assert 0.0 < row.quality_threshold < 3.0
    assert row.threshold_ci_low == pytest.approx(0.0, abs=0.5)  # the lowest rung's quality
    assert row.share_out_of_range == 0.0


def test_one_separator_with_a_quality_is_too_few_to_fit(rng):
    quality = quality_table(rng).query("separator == 'hpss'")
    significance = significance_table({"hpss": 0.05, "oracle": 0.15})
    points, thresholds = relate(quality, significance, "novox-conv", ["stems3-conv"])
    assert list(points["separator"]) == ["hpss", "oracle"]
    (row,) = thresholds.itertuples(index=False)
    assert np.isnan(row.quality_threshold) and row.separators == 1
    assert row.reading == "too few separators with a measured quality to fit"


def test_the_figure_shows_the_paper_s_rule_and_the_validation_s_where_there_is_one(rng):
    """The figure's rows: the paper's selection, and the epoch of minimum validation loss
    where the runs have one (never the last epoch); the caption counts songs and splits."""
    from sepconv.evaluation import plots
    from sepconv.evaluation.gain import figure_caption, figure_selections

    quality = quality_table(rng)
    gains = {"hpss": 0.02, "ladder-0.5": 0.1, "ladder-0": 0.14}
    plain = significance_table(gains)
    both = pd.concat(
        [plain, plain.assign(selection="last_epoch"), plain.assign(selection="min_val_loss")]
    )
    points, thresholds = relate(quality, plain, "novox-conv", ["stems3-conv"])
    assert figure_selections(points) == ["min_test_loss"]
    assert figure_caption(points, 0.95, 0.8).startswith("40 songs with reference stems, 20 splits")
    points, thresholds = relate(quality, both, "novox-conv", ["stems3-conv"])
    assert figure_selections(points) == ["min_test_loss", "min_val_loss"]
    shown = points[points["selection"].isin(figure_selections(points))]
    figure = plots.gain_against_quality(shown, thresholds, "title", "caption")
    titles = [ax.get_title() for ax in figure.axes if ax.get_visible()]
    assert len(titles) == 2 and titles[0].startswith("stems3-conv, min_test_loss")
    assert titles[1].startswith("stems3-conv, min_val_loss")
