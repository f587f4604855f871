"""The decisions behind the workflow's input functions (sepconv.plan), without Snakemake."""

import pandas as pd
import pytest

from sepconv.blocks import SongBlocks, song_block
from sepconv.errors import InputError
from sepconv.names import FIGURES
from sepconv.plan import may_be_short, mel_channels, quality_plan, segment_settings

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


def test_song_blocks_answer_for_each_blocked_step():
    names = [f"song-{i}" for i in range(20)]
    blocks = SongBlocks(names, {"spleeter": 3})
    assert "spleeter" in blocks and "hpss" not in blocks
    assert blocks.names("spleeter") == ["0", "1", "2"]
    for name in blocks.names("spleeter"):
        assert all(blocks.block_of("spleeter", s) == name for s in blocks.songs("spleeter", name))
    assert blocks.block_of("spleeter", "song-3") == song_block("song-3", 3)
    few = SongBlocks(["house-01"], {"spleeter": 4})
    with pytest.raises(InputError, match=r"spleeter has no block 7: its blocks are \d"):
        few.songs("spleeter", "7")


def test_every_figure_has_a_caption():
    from pathlib import Path

    report = Path(__file__).resolve().parents[1] / "workflow" / "report"
    assert all((report / f"{figure}.rst").is_file() for figure in FIGURES)
