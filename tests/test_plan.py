"""The decisions behind the workflow's input functions (sepconv.plan), without Snakemake."""

import pandas as pd
import pytest

from sepconv.blocks import learned_block, song_block
from sepconv.errors import ConfigError, InputError
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
    from sepconv.config import load_config, merge, validate_config

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
    # runtime: 10 minutes and a quarter of a minute per segment
    demucs = plan.block_names("demucs")[0]
    runtime = plan.separation_runtime("demucs", demucs, 0.25)
    assert runtime == 10 + -(-len(plan.block_songs(demucs, "demucs")) // 4)
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
