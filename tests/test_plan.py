"""The decisions behind the workflow's input functions (sepconv.plan), without Snakemake."""

import pandas as pd
import pytest

from sepconv.blocks import learned_block, song_block
from sepconv.errors import ConfigError, InputError, SplitError
from sepconv.names import FIGURES
from sepconv.plan import (
    Plan,
    load_songs,
    may_be_short,
    mel_channels,
    quality_plan,
    segment_settings,
)

SEGMENT = {"per_song": 1, "search_step": 0.5, "pad": False}


def songs(has_stems):
    return pd.DataFrame({"has_stems": has_stems}, index=[f"s{i}" for i in range(len(has_stems))])


def test_quality_is_measured_for_every_separator_but_the_oracle():
    measured, on, line = quality_plan(["oracle", "hpss", "spleeter"], songs([True, False]), "x")
    assert (measured, on, line) == (["hpss", "spleeter"], ["s0"], None)


def test_without_reference_stems_or_with_the_oracle_alone_quality_says_why():
    assert quality_plan(["hpss"], songs([False, False]), "sheet a.tsv") == (
        [],
        [],
        "separation quality not measured: no song of sheet a.tsv has reference stems "
        "(sheet columns bass, drums, other, vocals); results/separation/quality.tsv is not made",
    )
    measured, on, line = quality_plan(["oracle"], songs([True]), "x")
    assert (measured, on) == ([], ["s0"])
    assert line == (
        "separation quality not measured: `separators` lists only the oracle, whose stems are "
        "the references; results/separation/quality.tsv is not made"
    )


def test_mel_channels_are_the_stems_then_each_sum_a_representation_uses():
    representations = {
        "mix": ["mixture"],
        "novox": ["bass+drums+other"],
        "stems3": ["bass", "drums", "other"],
        "pair": ["drums+bass", "bass+drums+other"],
    }
    assert mel_channels("none", representations) == ["mixture"]
    assert mel_channels("hpss", representations) == [
        "bass",
        "drums",
        "other",
        "vocals",
        "bass+drums+other",
        "drums+bass",
    ]


def test_a_song_may_be_short_by_its_header_or_its_shortest_synthetic_length():
    assert may_be_short(None, 10.61, shortest_s=24.0) is False
    assert may_be_short(20.0, 10.61, shortest_s=24.0) is True  # its start leaves 4 s
    assert may_be_short(None, 10.61, shortest_s=10.0) is True
    header = pd.Series({"short": False, "problem": ""})
    assert may_be_short(None, 10.61, header) is False
    assert may_be_short(None, 10.61, header.replace({False: True})) is True
    assert may_be_short(None, 10.61, pd.Series({"short": False, "problem": "truncated"}))


def test_segment_settings_name_only_what_a_song_depends_on():
    assert segment_settings(SEGMENT, None, False, 44_100) == {
        "sample_rate": 44_100,
        "search_step": 0.5,
    }
    assert segment_settings(SEGMENT, 12.0, False, 44_100) == {"sample_rate": 44_100}
    assert segment_settings(SEGMENT, 12.0, True, 44_100) == {"sample_rate": 44_100, "pad": False}
    several = {**SEGMENT, "per_song": 3}
    assert segment_settings(several, None, False, 22_050) == {
        "sample_rate": 22_050,
        "per_song": 3,
    }


def plan_of(overlay=None, **extra):
    """The plan of the default config with ``overlay`` merged over it (no Snakemake)."""
    from sepconv.checks import load_config, merge, validate_config

    config = merge(load_config(), overlay or {})
    validate_config(config)
    songs = load_songs(config)
    return Plan(config, songs, "dataset.synthetic.genres", 467_712, **extra)


def test_the_plan_puts_each_song_in_the_block_its_id_gives():
    plan = plan_of({"song_blocks": 8, "separators": ["oracle", "hpss", "spleeter"]})
    assert plan.block_names() == [str(b) for b in range(8)]
    for block in plan.block_names():
        assert all(song_block(song, 8) == block for song in plan.block_songs(block))
    # the synthetic corpus's files are in the folder of the song's block
    assert plan.songs.loc["house-03", "path"] == (
        f"results/corpus/{song_block('house-03', 8)}/house-03/mixture.wav"
    )
    # a learned separator's block reads the segments of the per-song blocks it unites
    for block in plan.block_names("spleeter"):
        folders = plan.segment_folders(block, "spleeter")
        parts = [folder.rsplit("/", 1)[1] for folder in folders]
        assert all(learned_block(part, 2) == block for part in parts)
        assert sorted(plan.block_songs(block, "spleeter")) == sorted(
            song for part in parts for song in plan.block_songs(part)
        )
    assert plan.mel_source("none", "3") == "results/segments/3"
    assert plan.mel_source("spleeter", "1") == "results/stems/spleeter/1"
    assert plan.mel_folders("spleeter") == ["results/mels/spleeter/0", "results/mels/spleeter/1"]
    with pytest.raises(InputError, match="computed for separator.s. none, not hpss"):
        plan.mel_folders("hpss", "mix")


def test_the_plan_s_jobs_name_what_they_depend_on():
    plan = plan_of({"song_blocks": 4, "separators": ["oracle", "hpss", "demucs"]})
    block = plan.block_names()[0]
    songs = plan.block_songs(block)
    assert list(plan.segment_jobs(block)) == songs
    assert plan.segment_jobs(block)[songs[0]]["segment"] == {
        "sample_rate": 44_100,
        "search_step": 0.5,
    }
    assert plan.corpus_folders(block) == [f"results/corpus/{block}"]
    assert plan.song_files(block, ["path"]) == []  # the corpus's files are in its folder
    assert list(plan.references(block)) == songs
    assert plan.synthesis_jobs(block)[songs[0]]["genre"] == plan.songs.loc[songs[0], "genre"]
    # runtime: 10 minutes and a quarter of a minute per segment; memory: the config's
    demucs = plan.block_names("demucs")[0]
    assert plan.resources("separate_demucs", block=demucs) == {
        "mem_mb": 4000,
        "runtime": 10 + -(-len(plan.block_songs(demucs, "demucs")) // 4),
    }
    # quality: every measured separator's blocks, against the oracle's stems of the same songs
    assert plan.quality_separators == ["hpss", "demucs"]
    assert [job for job in plan.quality_jobs() if job[0] == "demucs"] == [
        ("demucs", name) for name in plan.block_names("demucs")
    ]
    inputs = plan.quality_inputs("demucs", demucs)
    assert inputs["estimates"] == [f"results/stems/demucs/{demucs}"]
    assert inputs["references"] == [
        folder.replace("segments", "stems/oracle") for folder in inputs["segments"]
    ]
    assert plan.run_folders()[0] == "results/runs/none/mix-conv/seeds1-25"
    assert plan.run_ids()[:2] == ["none/mix-conv/1", "none/mix-conv/2"]
    with pytest.raises(InputError, match="seeds 3-9 is not a block of seeds"):
        plan.block_seeds("3-9")


def test_the_pairs_need_an_enabled_pair_model_only_when_asked_for():
    plan = plan_of(
        {
            "models": {"novox-conv": {"enabled": False}, "stems3-conv": {"enabled": False}},
            "baseline": "mix-conv",
        }
    )
    assert plan.pair_models() == []
    with pytest.raises(ConfigError, match="pairs.models: none of novox-conv, stems3-conv"):
        plan.pair_jobs()


def test_every_figure_has_a_caption():
    from pathlib import Path

    report = Path(__file__).resolve().parents[1] / "workflow" / "report"
    assert all((report / f"{figure}.rst").is_file() for figure in FIGURES)


def every_job(plan):
    """(rule, wildcards) of every job of a plan whose request grows with its work."""
    jobs = [("synthesize_song", {"block": b}) for b in plan.block_names()]
    jobs += [("segment_song", {"block": b}) for b in plan.block_names()]
    for separator in plan.separators:
        rule = {"oracle": "separate_oracle", "hpss": "separate_hpss"}.get(
            separator, f"separate_{separator}"
        )
        if separator.startswith("ladder-"):
            rule = "separate_ladder"
        jobs += [(rule, {"block": b, "separator": separator}) for b in plan.block_names(separator)]
    for separator in [*plan.separators, "none"]:
        jobs += [
            ("compute_mel", {"block": b, "separator": separator})
            for b in plan.block_names(separator)
        ]
    jobs += [("measure_separation", {"separator": s, "block": b}) for s, b in plan.quality_jobs()]
    jobs += [("stack_tensor", {"separator": s, "representation": r}) for s, r in plan.tensors()]
    jobs += [
        ("train_model", {"separator": s, "model": m, "seeds": b})
        for s, m, b in plan.training_jobs()
    ]
    jobs += [
        ("train_pairs", {"separator": s, "model": m, "pairs": p, "seeds": b})
        for s, m, p, b in plan.pair_jobs()
    ]
    return [(rule, wildcards, plan.resources(rule, **wildcards)) for rule, wildcards in jobs]


def test_requests_follow_the_work_a_job_is_given():
    """A job asks for the time its work takes (its units at the measured cost, with the
    margin) and memory that grows only by its rows' labels and moments."""
    from sepconv.resources import COSTS, MARGIN, MIN_MINUTES

    small = plan_of()
    genres = {"house": 14_000, "techno": 12_000, "trance": 10_000}
    large = plan_of({"dataset": {"synthetic": {"genres": genres}}})
    three = plan_of({"dataset": {"synthetic": {"genres": genres}}, "segment": {"per_song": 3}})
    job = {"separator": "hpss", "model": "stems3-conv", "seeds": "1-25"}
    # training: the seeds, the epochs and the rows, 25 seeds x 6 epochs x 36,030 songs
    cost = COSTS["train_model"]
    row = cost.seconds * 1.4  # three channels of a standard convolution
    assert len(large.songs) == 36_030  # the other genres of the default corpus stay
    expected = MARGIN * (cost.startup_s + 25 * 6 * 36_030 * row) / 60
    assert large.resources("train_model", **job)["runtime"] == pytest.approx(expected, abs=1)
    assert 2.5 < three.resources("train_model", **job)["runtime"] / expected < 3
    fewer = plan_of({"dataset": {"synthetic": {"genres": genres}}, "seeds_per_job": 5})
    assert fewer.resources("train_model", **{**job, "seeds": "1-5"})["runtime"] < expected / 4
    # its memory: TensorFlow's and a few batches, and a few kB a row
    memory = [plan.resources("train_model", **job)["mem_mb"] for plan in (small, large, three)]
    per_row = 1.5 * cost.kb_per_row / 1024  # MB, with the margin
    assert memory[1] - memory[0] == pytest.approx(36_000 * per_row, abs=100)
    assert memory[2] - memory[0] == pytest.approx(3 * 36_000 * per_row, abs=100)
    # a small job asks for the least there is
    assert small.resources("train_model", **job)["runtime"] == MIN_MINUTES
    # stacking: the rows and channels; a per-song step: its block's songs and segments
    stack = {"separator": "hpss", "representation": "stems3"}
    assert (
        three.resources("stack_tensor", **stack)["runtime"]
        > large.resources("stack_tensor", **stack)["runtime"]
        > small.resources("stack_tensor", **stack)["runtime"]
    )
    block = {"block": "0"}
    hpss = [plan.resources("separate_hpss", **block) for plan in (small, large, three)]
    assert hpss[0]["runtime"] < hpss[1]["runtime"] < hpss[2]["runtime"]
    assert hpss[0]["mem_mb"] == hpss[1]["mem_mb"] == hpss[2]["mem_mb"]
    songs = len(large.block_songs("0"))
    assert hpss[1]["runtime"] == pytest.approx(
        MARGIN * (5 + songs * COSTS["separate_hpss"].seconds) / 60, abs=1
    )
    # the genre pairs: a block of pairs trains only their songs' rows, on pairs.trials seeds
    blocks = plan_of({"dataset": {"synthetic": {"genres": genres}}, "pairs": {"pairs_per_job": 1}})
    assert blocks.block_pairs("1-1") == [("deep-house", "drum-and-bass")]  # 12 and 10 songs
    assert blocks.block_pairs("3-3") == [("deep-house", "house")]  # 12 and 14,000
    small_pair = {"separator": "hpss", "model": "stems3-conv", "pairs": "1-1", "seeds": "1-10"}
    assert blocks.resources("train_pairs", **small_pair)["runtime"] == MIN_MINUTES
    house = blocks.resources("train_pairs", **{**small_pair, "pairs": "3-3"})["runtime"]
    assert house == pytest.approx(MARGIN * (cost.startup_s + 10 * 6 * 14_012 * row) / 60, abs=1)


#: What the README names for a large collection on a cluster (its "Large collections").
LARGE = {
    "song_blocks": 128,
    "seeds_per_job": 2,
    "pairs": {"pairs_per_job": 1},
    "spleeter": {"blocks": 128},
    "demucs": {"blocks": 128},
}


def test_no_job_of_a_106574_song_plan_asks_for_more_than_a_common_node():
    """FMA-full's size, synthetic: with the README's settings for large collections, every
    job asks for at most 16 GB and 24 hours, Spleeter and Demucs separating too."""
    genres = {"house": 22606, "deep-house": 19377, "techno": 19377, "trance": 16147}
    genres |= {"drum-and-bass": 16147, "dubstep": 12920}
    assert sum(genres.values()) == 106_574
    plan = plan_of(
        {
            **LARGE,
            "dataset": {"synthetic": {"genres": genres}},
            "separators": ["oracle", "hpss", "spleeter", "demucs"],
        }
    )
    jobs = every_job(plan)
    assert {rule for rule, _, _ in jobs} >= {"train_model", "train_pairs", "separate_demucs"}
    memory = max(jobs, key=lambda job: job[2]["mem_mb"])
    runtime = max(jobs, key=lambda job: job[2]["runtime"])
    assert memory[2]["mem_mb"] <= 16_000, memory
    assert runtime[2]["runtime"] <= 24 * 60, runtime


def test_a_validation_part_adds_a_selection_and_a_split_setting_only_when_asked_for():
    plain = plan_of()
    assert plain.selections() == ["min_test_loss", "last_epoch"]
    assert plain.split_settings() == {"test_size": 0.2}  # the splits of a config without one
    held = plan_of({"validation": 0.125})
    assert held.selections() == ["min_test_loss", "last_epoch", "min_val_loss"]
    assert held.split_settings() == {"test_size": 0.2, "validation": 0.125}
    assert "curves" in plain.results() and "pairs" not in plain.results()


def test_a_validation_part_needs_three_artists_in_every_genre():
    """Checked when the workflow loads: one artist each for training, validation and test;
    the synthetic corpus's artists have two songs each."""

    def genres(deep_house):
        counts = {"house": 6, "deep-house": deep_house, "techno": 5, "trance": 0}
        return {"dataset": {"synthetic": {"genres": {**counts, "drum-and-bass": 0, "dubstep": 0}}}}

    plan_of({**genres(6), "validation": 0.3})  # 3 artists in each genre (techno: 2, 2, 1)
    plan_of(genres(4))  # 2 artists: enough without a validation part
    with pytest.raises(SplitError, match=r"at least 3 artists .* too few: deep-house \(2\)"):
        plan_of({**genres(4), "validation": 0.3})
