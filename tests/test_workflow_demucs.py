"""Demucs in its own environment, offline: a randomly initialised HTDemucs (the network Demucs
separates with, narrow) in a local model folder through the workflow, and model folders that
must fail before any song is separated.

These run ``envs/demucs`` (created by ``uv`` on first use: PyTorch and demucs from PyPI) and
write their model with ``tools/demucs_model.py``.
"""

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import soundfile as sf
from workflow_utils import (
    REPO,
    dry_run_jobs,
    in_project_env,
    run_snakemake,
    segment_path,
    stem_path,
)

from sepconv.blocks import items_in, learned_block, song_block, write_listing
from sepconv.signal.tensors import Tensor

pytestmark = pytest.mark.workflow

SCRIPTS = REPO / "workflow" / "scripts"
SONGS = ["house-01", "house-02", "house-03", "techno-01", "techno-02"]
#: Five songs of two genres, short ones.
CORPUS = {
    "synthetic": {
        "genres": {
            "house": 3,
            "deep-house": 0,
            "techno": 2,
            "trance": 0,
            "drum-and-bass": 0,
            "dubstep": 0,
        },
        "duration": [16.0, 17.0],
        "songs_per_artist": 1,
    }
}


def in_demucs_env(*args: str, env: dict | None = None, check: bool = True):
    """Run ``python ARGS`` in envs/demucs; return the process."""
    return in_project_env("demucs", *args, env=env, check=check)


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory):
    """A model folder holding a randomly initialised HTDemucs, 8 channels wide, as
    ``htdemucs``; and its description (signature, file, parameters)."""
    root = tmp_path_factory.mktemp("demucs-models")
    proc = in_demucs_env(str(REPO / "tools/demucs_model.py"), str(root), "--size", "tiny")
    return root, json.loads(proc.stdout)


def demucs_config(model_dir, **demucs) -> dict:
    return {
        "dataset": CORPUS,
        "separators": ["demucs"],
        "trials": 2,
        # every song in a per-song block of its own; Demucs's 2 blocks: house-01 and techno-02,
        # the others
        "song_blocks": 64,
        # random weights do not separate: their stems miss the mixture by about 0 dB
        "demucs": {"model_dir": str(model_dir), "sum_tolerance_db": None, **demucs},
    }


@pytest.fixture(scope="module")
def demucs_run(tiny_models, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("demucs-run")
    run_snakemake(
        workdir,
        "tensors",
        "results/separation/quality.tsv",
        config=demucs_config(tiny_models[0]),
    )
    return workdir


def test_a_new_song_re_runs_only_its_demucs_block(tiny_models, demucs_run):
    """house-04 joins the per-song block its id gives, which is dealt to one Demucs block:
    that block alone is separated again, and no other song's stems."""
    genres = {**CORPUS["synthetic"]["genres"], "house": 4}
    config = {
        **demucs_config(tiny_models[0]),
        "dataset": {"synthetic": {**CORPUS["synthetic"], "genres": genres}},
    }
    proc = run_snakemake(
        demucs_run, "tensors", "results/separation/quality.tsv", "--dry-run", config=config
    )
    counts, jobs = dry_run_jobs(proc)
    block = learned_block(song_block("house-04", 64), 2)
    assert counts["separate_demucs"] == 1
    assert [w for r, w in jobs if r == "separate_demucs"] == [f"block={block}"]
    assert counts["measure_separation"] == 1  # the Demucs block's quality, in its block


def test_workflow_with_a_tiny_demucs_model(tiny_models, demucs_run):
    root, model = tiny_models
    listings = sorted((demucs_run / "results/stems/demucs").glob("*.sha256"))
    assert [p.stem for p in listings] == ["0", "1"]  # demucs.blocks: 2
    separated = []
    for listing in listings:
        songs = list(items_in([listing.with_suffix("")]))
        separated += songs
        log = (demucs_run / f"logs/stems/demucs/{listing.stem}.log").read_text()
        assert log.count("model htdemucs (sources drums, bass, other, vocals) loaded from") == 1
        assert "sum tolerance None dB" in log
        assert "the stems' sum differs from the mixture by " in log
        for song in songs:
            assert f"{song} done in" in log
    assert sorted(separated) == SONGS
    for song in SONGS:
        segment, _ = sf.read(segment_path(demucs_run, song))
        stems = {}
        for stem in ("bass", "drums", "other", "vocals"):
            audio, sr = sf.read(stem_path(demucs_run, "demucs", song, stem))
            assert sr == 44_100 and audio.shape == segment.shape
            stems[stem] = audio
        assert np.std(stems["bass"] - stems["vocals"]) > 0  # four different stems
    tensor = Tensor.open(demucs_run / "results/tensors/demucs/stems3.npy")
    assert tensor.X.shape == (5, 128, 458, 3)
    assert np.isfinite(tensor.X).all()
    quality = pd.read_csv(demucs_run / "results/separation/quality.tsv", sep="\t")
    assert set(quality["separator"]) == {"demucs"}
    assert len(quality) == 5 * 4
    # a song without vocals has no vocals SI-SDR (its reference is silent)
    assert quality.loc[quality["stem"] != "vocals", "si_sdr"].notna().all()
    manifest = json.loads((demucs_run / "results/demucs/htdemucs.json").read_text())
    assert manifest["folder"] == str(root)
    assert manifest["files"] == {
        "htdemucs.yaml": (root / "htdemucs.yaml").stat().st_size,
        Path(model["file"]).name: Path(model["file"]).stat().st_size,
    }


def separate_alone(root, workdir, songs, out: Path, block: str, tolerance: str = "null"):
    """Run the step on ``songs`` of the run in ``workdir`` as one block (their segments
    copied into a block folder of their own), writing the stems into ``out``; return the
    process."""
    segments = out.parent / f"segments-{block}"
    segments.mkdir(parents=True)
    for song in songs:
        for path in (segment_path(workdir, song), segment_path(workdir, song).with_suffix(".json")):
            shutil.copy(path, segments / path.name)
    write_listing(segments)
    settings = {"shifts": 1, "overlap": 0.25, "split": True, "segment": None}
    return in_demucs_env(
        str(SCRIPTS / "separate_demucs.py"),
        *("--segments", str(segments)),
        *("--model", "htdemucs", "--model-folder", str(root)),
        *("--settings", json.dumps(settings), "--sum-tolerance-db", tolerance),
        *("--stems", str(out), "--block", block, "--threads", "2", "--gpu", "0"),
        *("--log", str(out.parent / f"{block}.log")),
        check=False,
    )


def test_a_song_gets_the_same_stems_in_any_block(tiny_models, demucs_run, tmp_path):
    """Demucs shifts each song by a random offset; drawn from the song's id, it is the same
    whichever block separates the song."""
    proc = separate_alone(tiny_models[0], demucs_run, ["techno-02"], tmp_path / "stems", "alone")
    assert proc.returncode == 0, proc.stderr[-3000:]
    for stem in ("bass", "drums", "other", "vocals"):
        alone = (tmp_path / f"stems/techno-02/{stem}.wav").read_bytes()
        assert alone == stem_path(demucs_run, "demucs", "techno-02", stem).read_bytes(), stem


def test_random_weights_fail_the_default_sum_check(tiny_models, demucs_run, tmp_path):
    out = tmp_path / "stems"
    proc = separate_alone(tiny_models[0], demucs_run, ["house-01"], out, "1", "-10.0")
    assert proc.returncode != 0
    segment = tmp_path / "segments-1" / "house-01.wav"
    prefix = (
        f"1 of 1 item(s) of demucs block 1 failed: house-01 ({segment}): demucs's stems do not "
        "sum to the mixture: the residual is "
    )
    assert prefix in proc.stderr
    residual = float(proc.stderr.split(prefix)[1].split(" dB")[0])
    assert residual > -10
    assert (
        f"the residual is {residual:.1f} dB relative to the mixture (at most -10 dB by config "
        "demucs.sum_tolerance_db)"
    ) in proc.stderr
    assert not (out / "house-01").exists()


def test_a_model_folder_without_weights_is_refused_before_separating(
    tiny_models, tmp_path, monkeypatch
):
    """The model list of the released htdemucs and no weights: the rule fetches them, which
    fails offline at once (a proxy where nothing listens), naming the folder, the file and
    where to get it; nothing is separated and nothing is left half-downloaded."""
    root = tmp_path / "models"
    root.mkdir()
    (root / "htdemucs.yaml").write_text("models: ['955717e8']\n")  # as Demucs ships it
    for name in ("https_proxy", "HTTPS_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    proc = run_snakemake(tmp_path / "work", "tensors", config=demucs_config(root), check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert (
        f"demucs model 'htdemucs' is not usable: {root} lacks 955717e8-8726e21a.th and the "
        "download failed (URLError"
    ) in output
    url = "https://dl.fbaipublicfiles.com/demucs/hybrid_transformer/955717e8-8726e21a.th"
    assert f"download {url} and copy them with htdemucs.yaml" in output
    assert f"into {root}, or point config demucs.model_dir at a folder" in output
    assert sorted(p.name for p in root.iterdir()) == ["htdemucs.yaml"]
    assert not (tmp_path / "work/results/stems/demucs").exists()


def test_a_model_file_that_does_not_match_its_checksum_is_refused(tiny_models, tmp_path):
    root = tmp_path / "models"
    shutil.copytree(tiny_models[0], root)
    (network,) = root.glob("*.th")
    with open(network, "ab") as fh:
        fh.write(b"\0")  # one byte more: an incomplete or altered copy
    proc = run_snakemake(tmp_path / "work", "tensors", config=demucs_config(root), check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    expected = network.name.split("-")[1][:8]
    assert f"demucs model 'htdemucs' is not usable: {network} does not match its checksum: " in (
        output
    )
    assert f"its name says {expected} (a corrupt or incomplete file)" in output
    assert not (tmp_path / "work/results/stems/demucs").exists()


FETCH = """
import json, logging, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import get_demucs_model as step

release, folder, manifest = map(Path, sys.argv[2:5])
(network,) = release.glob("*.th")
sig = network.name.split("-")[0]
step.released = lambda: ({"htdemucs": release / "htdemucs.yaml"}, {sig: network.as_uri()})
args = step.parse(["--model", "htdemucs", "--model-folder", str(folder),
                   "--manifest", str(manifest), "--log", "unused"])
logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(message)s")
step.main(args, logging.getLogger("fetch"))
"""


def test_the_model_rule_fetches_what_the_folder_lacks(tiny_models, tmp_path):
    """Demucs's release folder served from file:// URLs: the model list is copied, the network
    downloaded and checked, and a second run finds both and fetches nothing."""
    release, model = tiny_models
    folder = tmp_path / "models"
    manifest = tmp_path / "htdemucs.json"
    args = ("-c", FETCH, str(SCRIPTS), str(release), str(folder), str(manifest))
    first = in_demucs_env(*args)
    network = Path(model["file"]).name
    assert "copied the model list htdemucs.yaml into" in first.stdout
    assert f"downloaded {network} (1 MB) in " in first.stdout
    assert "; it matches its checksum" in first.stdout
    assert sorted(p.name for p in folder.iterdir()) == sorted(["htdemucs.yaml", network])
    assert (folder / network).read_bytes() == Path(model["file"]).read_bytes()
    assert json.loads(manifest.read_text())["files"] == {
        "htdemucs.yaml": (release / "htdemucs.yaml").stat().st_size,
        network: Path(model["file"]).stat().st_size,
    }
    again = in_demucs_env(*args)
    assert "downloaded" not in again.stdout and "copied" not in again.stdout
