"""Snakemake itself, on a tiny synthetic corpus, up to the stacked tensors."""

import json

import numpy as np
import pytest
import soundfile as sf
from workflow_utils import TINY, mel_path, run_snakemake, segment_path, song_folder, stem_path

from sepconv.blocks import PER_SONG, SongBlocks
from sepconv.layout import corpus_file
from sepconv.names import STEMS
from sepconv.signal.mels import MelFile
from sepconv.signal.tensors import Tensor

pytestmark = pytest.mark.workflow
#: the per-song steps in 3 blocks of the 6 songs
CONFIG = {**TINY, "separators": ["oracle", "hpss"], "song_blocks": 3}
SONGS = ["house-01", "house-02", "house-03", "techno-01", "techno-02", "techno-03"]
BLOCKS = len(SongBlocks(SONGS, 3).names(PER_SONG))


@pytest.fixture(scope="module")
def tensors_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("tensors")
    config = CONFIG
    run_snakemake(workdir, "tensors", "results/separation/quality.tsv", config=config)
    return workdir


def test_tensor_shapes_and_contents(tensors_run):
    expected = {
        ("none", "mix"): ["mixture"],
        ("oracle", "novox"): ["bass+drums+other"],
        ("hpss", "novox"): ["bass+drums+other"],
        ("oracle", "stems3"): ["bass", "drums", "other"],
        ("hpss", "stems3"): ["bass", "drums", "other"],
        ("hpss", "stems4"): ["bass", "drums", "other", "vocals"],
    }
    for (separator, representation), channels in expected.items():
        tensor = Tensor.open(tensors_run / f"results/tensors/{separator}/{representation}.npy")
        X = tensor.X
        assert X.shape == (6, 128, 458, len(channels)) and X.dtype == np.float32
        assert tensor.channels.tolist() == channels
        assert tensor.song.tolist() == SONGS
        assert tensor.genres.tolist() == ["house", "techno"]
        assert tensor.y.tolist() == [0, 0, 0, 1, 1, 1]
        assert np.all(np.isfinite(X))
    assert not (tensors_run / "results/tensors/none/stems3.npy").exists()


def test_stacked_channels_are_the_per_song_spectrograms(tensors_run):
    X = Tensor.open(tensors_run / "results/tensors/hpss/stems3.npy").X
    mels = MelFile.load(mel_path(tensors_run, "hpss", "techno-02"))
    assert (mels.song, mels.separator) == ("techno-02", "hpss")
    for c, stem in enumerate(["bass", "drums", "other"]):
        np.testing.assert_array_equal(X[4, :, :, c], mels[stem][0])
    assert mels.channels == ("bass", "drums", "other", "vocals", "bass+drums+other")
    assert MelFile.load(mel_path(tensors_run, "none", "techno-02")).channels == ("mixture",)
    assert "bass+drums+other" in MelFile.load(mel_path(tensors_run, "oracle", "house-01")).channels


def test_segments_and_stems(tensors_run):
    for song in SONGS:
        segment, sr = sf.read(segment_path(tensors_run, song), dtype="float32")
        assert sr == 44_100 and segment.shape == (467_968, 2)
        info = json.loads(segment_path(tensors_run, song).with_suffix(".json").read_text())
        assert info["start_rule"] == "loudest window"
        for separator in ("oracle", "hpss"):
            stems = [
                sf.read(stem_path(tensors_run, separator, song, stem), dtype="float32")[0]
                for stem in STEMS
            ]
            np.testing.assert_allclose(sum(s.astype(np.float64) for s in stems), segment, atol=1e-5)


def test_every_job_logged_and_benchmarked(tensors_run):
    logs = list((tensors_run / "logs").rglob("*.log"))
    benchmarks = list((tensors_run / "benchmarks").rglob("*.tsv"))
    # per block: corpus, segments, 2 separators, 3 mels (none, oracle, hpss), hpss's
    # separation quality; the song table; 7 tensors (mix once, 3 per separator); the quality
    # table
    assert len(logs) == len(benchmarks) == BLOCKS * 8 + 1 + 7 + 1
    assert all("done in" in log.read_text() for log in logs)


def test_nothing_left_to_do(tensors_run):
    proc = run_snakemake(tensors_run, "tensors", "--dry-run", config=CONFIG)
    assert "Nothing to be done" in proc.stdout + proc.stderr


def test_a_sheet_without_stems_leaves_the_oracle_out(tmp_path):
    """The default separators on a sheet without reference stems: one log line each for the
    oracle and the quality, then a run of hpss alone; listing only the oracle is an error."""
    rng = np.random.default_rng(0)
    for name in ("a", "b", "c", "d"):
        sf.write(tmp_path / f"{name}.wav", rng.normal(0, 0.1, (12 * 8000, 2)), 8000)
    sheet = tmp_path / "songs.tsv"
    sheet.write_text("song\tpath\tgenre\na\ta.wav\tx\nb\tb.wav\tx\nc\tc.wav\ty\nd\td.wav\ty\n")
    dataset = {"source": "sheet", "sheet": str(sheet)}
    proc = run_snakemake(tmp_path / "run", "all", "--dry-run", config={"dataset": dataset})
    output = proc.stdout + proc.stderr
    assert (
        output.count(
            f"separator oracle left out: 4 of 4 songs of sample sheet {sheet} have no reference "
            "stems (sheet columns bass, drums, other, vocals), and the oracle needs every song's"
        )
        == 1
    )
    assert output.count("separation quality not measured: no song of sample sheet") == 1
    assert "separate_hpss" in output
    assert "separate_oracle" not in output and "measure_separation" not in output
    proc = run_snakemake(
        tmp_path / "run",
        "tensors",
        "--dry-run",
        check=False,
        config={"dataset": dataset, "separators": ["oracle"]},
    )
    assert proc.returncode != 0
    assert "separators: only 'oracle' is listed" in proc.stderr + proc.stdout


def test_benchmark_tool_reads_job_times_and_separation_quality(tensors_run):

    import benchmark_features

    times = benchmark_features.job_times(tensors_run)
    assert {folder: len(v) for folder, v in times.items()} == {
        ".": 1,  # the song table
        "corpus": BLOCKS,
        "mels/hpss": BLOCKS,
        "mels/none": BLOCKS,
        "mels/oracle": BLOCKS,
        "segments": BLOCKS,
        "stems/hpss": BLOCKS,
        "stems/oracle": BLOCKS,
        "tensors/hpss": 3,
        "tensors/none": 1,
        "tensors/oracle": 3,
        "separation": 1,
        "separation/hpss": BLOCKS,
    }
    assert all(t > 0 for values in times.values() for t in values)
    summary = {row["stem"]: row for row in benchmark_features.separation_quality(tensors_run)}
    assert set(summary) == {"bass", "drums", "other", "vocals", "all"}
    assert summary["bass"]["separator"] == "hpss" and summary["bass"]["songs"] == "6"
    assert all(np.isfinite(float(row["si_sdr_median"])) for row in summary.values())


def test_separation_quality_against_the_reference_stems(tensors_run):
    """One row per (separator, song, stem) for hpss (the oracle's stems are the references);
    a silent reference stem (a song without vocals) gives NaN, and the summary counts only
    finite values."""
    import pandas as pd

    quality = pd.read_csv(tensors_run / "results/separation/quality.tsv", sep="\t")
    assert len(quality) == 6 * 4 and set(quality["separator"]) == {"hpss"}
    assert sorted(quality["song"].unique()) == SONGS
    assert list(quality.columns) == [
        "separator",
        "song",
        "genre",
        "stem",
        "si_sdr",
        "si_sdr_mixture",
        "si_sdr_improvement",
    ]
    finite = quality.dropna()
    np.testing.assert_allclose(
        finite["si_sdr_improvement"], finite["si_sdr"] - finite["si_sdr_mixture"], atol=2e-4
    )
    assert finite.query("stem == 'bass'").shape[0] == 6
    summary = pd.read_csv(tensors_run / "results/separation/summary.tsv", sep="\t")
    bass = summary.query("stem == 'bass'").iloc[0]
    assert bass["songs"] == 6
    assert bass["si_sdr_median"] == pytest.approx(
        quality.query("stem == 'bass'")["si_sdr"].median(), abs=1e-3
    )
    assert summary.query("stem == 'all'").iloc[0]["values"] == len(finite)


def test_a_sheet_with_reference_stems_gets_the_oracle(tensors_run, tmp_path):
    """A MUSDB18-style sheet (the tiny corpus's own mixtures and stems): the oracle runs on
    the sheet's stems, and hpss is measured against them."""
    import pandas as pd

    lines = ["song\tpath\tgenre\tbass\tdrums\tother\tvocals"]
    for song in SONGS[:2] + SONGS[3:5]:
        folder = song_folder(tensors_run, "corpus", song)
        stems = "\t".join(corpus_file(folder, song, stem) for stem in STEMS)
        lines.append(f"{song}\t{corpus_file(folder, song, 'mixture')}\t{song[:-3]}\t{stems}")
    sheet = tmp_path / "songs.tsv"
    sheet.write_text("\n".join(lines) + "\n")
    config = {"dataset": {"source": "sheet", "sheet": str(sheet)}}
    run_snakemake(tmp_path / "run", "results/separation/quality.tsv", config=config)
    quality = pd.read_csv(tmp_path / "run/results/separation/quality.tsv", sep="\t")
    assert len(quality) == 4 * 4 and set(quality["separator"]) == {"hpss"}
    ours = pd.read_csv(tensors_run / "results/separation/quality.tsv", sep="\t")
    both = quality.merge(ours, on=["song", "stem"], suffixes=("", "_corpus"))
    np.testing.assert_allclose(both["si_sdr"], both["si_sdr_corpus"], atol=1e-3, equal_nan=True)
