"""Snakemake itself, on a tiny synthetic corpus, up to the stacked tensors."""

import json

import numpy as np
import pytest
import soundfile as sf
from workflow_utils import TINY, run_snakemake

from sepconv.signal.features import MelFile
from sepconv.signal.tensors import Tensor

pytestmark = pytest.mark.workflow
SONGS = ["house-01", "house-02", "house-03", "techno-01", "techno-02", "techno-03"]


@pytest.fixture(scope="module")
def tensors_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("tensors")
    config = {**TINY, "separators": ["oracle", "hpss"]}
    run_snakemake(workdir, "tensors", config=config)
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
        tensor = Tensor.load(tensors_run / f"results/tensors/{separator}/{representation}.npz")
        X = tensor.X
        assert X.shape == (6, 128, 458, len(channels)) and X.dtype == np.float32
        assert tensor.channels.tolist() == channels
        assert tensor.song.tolist() == SONGS
        assert tensor.genres.tolist() == ["house", "techno"]
        assert tensor.y.tolist() == [0, 0, 0, 1, 1, 1]
        assert np.all(np.isfinite(X))
    assert not (tensors_run / "results/tensors/none/stems3.npz").exists()


def test_stacked_channels_are_the_per_song_spectrograms(tensors_run):
    X = Tensor.load(tensors_run / "results/tensors/hpss/stems3.npz").X
    mels = MelFile.load(tensors_run / "results/mels/hpss/techno-02.npz")
    assert (mels.song, mels.separator) == ("techno-02", "hpss")
    for c, stem in enumerate(["bass", "drums", "other"]):
        np.testing.assert_array_equal(X[4, :, :, c], mels[stem])
    assert mels.channels == ("bass", "drums", "other", "vocals", "bass+drums+other")
    assert MelFile.load(tensors_run / "results/mels/none/techno-02.npz").channels == ("mixture",)
    assert (
        "bass+drums+other"
        in MelFile.load(tensors_run / "results/mels/oracle/house-01.npz").channels
    )


def test_segments_and_stems(tensors_run):
    for song in SONGS:
        segment, sr = sf.read(tensors_run / f"results/segments/{song}.wav", dtype="float32")
        assert sr == 44_100 and segment.shape == (467_968, 2)
        info = json.loads((tensors_run / f"results/segments/{song}.json").read_text())
        assert info["start_rule"] == "loudest window"
        for separator in ("oracle", "hpss"):
            stems = [
                sf.read(
                    tensors_run / f"results/stems/{separator}/{song}/{stem}.wav", dtype="float32"
                )[0]
                for stem in ("bass", "drums", "other", "vocals")
            ]
            np.testing.assert_allclose(sum(s.astype(np.float64) for s in stems), segment, atol=1e-5)


def test_every_job_logged_and_benchmarked(tensors_run):
    logs = list((tensors_run / "logs").rglob("*.log"))
    benchmarks = list((tensors_run / "benchmarks").rglob("*.tsv"))
    # per song: corpus, segment, 2 separators, 3 mels (none, oracle, hpss); the song table;
    # 7 tensors (mix once, 3 per separator)
    assert len(logs) == len(benchmarks) == 6 * 7 + 1 + 7
    assert all("done in" in log.read_text() for log in logs)


def test_nothing_left_to_do(tensors_run):
    proc = run_snakemake(
        tensors_run, "tensors", "--dry-run", config={**TINY, "separators": ["oracle", "hpss"]}
    )
    assert "Nothing to be done" in proc.stdout + proc.stderr


def test_oracle_needs_ground_truth_stems(tmp_path):
    for name in ("a", "b", "c", "d"):
        sf.write(tmp_path / f"{name}.wav", np.zeros((100, 2), np.float32), 44_100)
    sheet = tmp_path / "songs.tsv"
    sheet.write_text("song\tpath\tgenre\na\ta.wav\tx\nb\tb.wav\tx\nc\tc.wav\ty\nd\td.wav\ty\n")
    proc = run_snakemake(
        tmp_path / "run",
        "tensors",
        "--dry-run",
        check=False,
        config={"dataset": {"source": "sheet", "sheet": str(sheet)}, "separators": ["oracle"]},
    )
    assert proc.returncode != 0
    assert "separator 'oracle' needs ground-truth stems" in proc.stderr + proc.stdout


def test_benchmark_tool_reads_job_times_and_si_sdr(tensors_run):

    import benchmark_features

    times = benchmark_features.job_times(tensors_run)
    assert {folder: len(v) for folder, v in times.items()} == {
        ".": 1,  # the song table
        "corpus": 6,
        "mels/hpss": 6,
        "mels/none": 6,
        "mels/oracle": 6,
        "segments": 6,
        "stems/hpss": 6,
        "stems/oracle": 6,
        "tensors/hpss": 3,
        "tensors/none": 1,
        "tensors/oracle": 3,
    }
    assert all(t > 0 for values in times.values() for t in values)
    si_sdr = benchmark_features.hpss_si_sdr(tensors_run)
    assert set(si_sdr) <= {"bass", "drums", "other", "vocals"} and {"bass", "drums"} <= set(si_sdr)
    assert all(np.isfinite(value) and count <= 6 for value, count in si_sdr.values())
    assert si_sdr["bass"][1] == 6
