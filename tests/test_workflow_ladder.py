"""The ladder of separators through Snakemake: every rung's stems, of falling quality, the
same whichever block makes them; and the overlay that runs the ladder plans every rung."""

import re

import numpy as np
import pandas as pd
import pytest
import soundfile as sf
from workflow_utils import REPO, TINY, dry_run_jobs, run_snakemake, segment_path, stem_path

from sepconv.names import STEMS

pytestmark = pytest.mark.workflow
RUNGS = ["ladder-0", "ladder-0.5", "ladder-1"]
CONFIG = {**TINY, "separators": ["hpss", *RUNGS], "song_blocks": 3}
SONGS = ["house-01", "house-02", "house-03", "techno-01", "techno-02", "techno-03"]


@pytest.fixture(scope="module")
def ladder_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("ladder")
    run_snakemake(workdir, "results/separation/quality.tsv", config=CONFIG)
    return workdir


def test_the_top_rung_is_a_quarter_of_the_mixture_sample_for_sample(ladder_run):
    for song in SONGS:
        segment, _ = sf.read(segment_path(ladder_run, song), dtype="float32")
        for stem in STEMS:
            audio, sr = sf.read(stem_path(ladder_run, "ladder-1", song, stem), dtype="float32")
            assert sr == 44_100
            np.testing.assert_array_equal(audio, segment * np.float32(0.25))


def test_quality_falls_down_the_ladder(ladder_run):
    summary = pd.read_csv(ladder_run / "results/separation/summary.tsv", sep="\t")
    every = summary[summary["stem"] == "all"].set_index("separator")["si_sdr_improvement_median"]
    assert every["ladder-0"] > every["ladder-0.5"] > every["ladder-1"]
    assert every["ladder-1"] == pytest.approx(0.0, abs=1e-3)  # the mixture, as an estimate
    assert every["ladder-0"] > 10.0  # the ideal ratio mask


def test_a_rung_s_stems_are_the_same_whichever_block_makes_them(ladder_run, tmp_path):
    """All six songs in one block instead of three blocks: the same files, byte for byte."""
    config = {**CONFIG, "separators": ["ladder-0.5"], "song_blocks": 1}
    run_snakemake(tmp_path, "results/stems/ladder-0.5/0.sha256", config=config)
    for song in SONGS:
        for stem in STEMS:
            alone = stem_path(tmp_path, "ladder-0.5", song, stem).read_bytes()
            assert alone == stem_path(ladder_run, "ladder-0.5", song, stem).read_bytes()


def test_the_ladder_overlay_plans_every_rung(tmp_path):
    proc = run_snakemake(
        tmp_path, "--dry-run", "--configfile", str(REPO / "config" / "ladder.yaml")
    )
    counts = dry_run_jobs(proc)[0]
    rungs = sorted(set(re.findall(r"wildcards: separator=(ladder-[\d.]+), block=", proc.stdout)))
    assert rungs == ["ladder-0", "ladder-0.5", "ladder-0.75", "ladder-0.9", "ladder-1"]
    assert counts["separate_ladder"] == 5 * 8  # every rung in every block
    assert counts["train_model"] == 7 * 2  # 7 separators x (the baseline, stems3-conv)
    assert counts["relate_gain_quality"] == 1


def test_without_a_stems_model_the_gain_against_quality_is_not_planned(tmp_path):
    """Only one-spectrogram models: the quality is measured, no gain is set against it."""
    config = {
        **TINY,
        "separators": ["oracle", "hpss"],
        "models": {"stems3-conv": {"enabled": False}, "stems3-sepconv": {"enabled": False}},
    }
    proc = run_snakemake(tmp_path, "--dry-run", config=config)
    counts = dry_run_jobs(proc)[0]
    assert counts["collect_quality"] == 1 and "relate_gain_quality" not in counts
    config["models"] = {"stems3-sepconv": {"enabled": False}}  # stems3-conv back
    proc = run_snakemake(tmp_path, "--dry-run", config=config)
    assert "rule relate_gain_quality:" in proc.stdout
