"""The Demucs separator's checks, without PyTorch (the main environment): model folders, the
folding of a 6-source model, and the refusal of stems that are no separation, through the
separation step's own code with the model call replaced."""

import hashlib
import importlib.util
import json
import logging
from types import SimpleNamespace

import numpy as np
import pytest
import soundfile as sf
from workflow_utils import REPO

from sepconv.blocks import write_listing
from sepconv.config import defaults
from sepconv.errors import InputError, SeparationError
from sepconv.names import STEMS
from sepconv.separators.demucs import (
    Settings,
    check_separation,
    fold_stems,
    missing_model_message,
    model_files,
    model_folder,
    model_problem,
)


def write_network(folder, sig, content=b"weights", checksum=None):
    """A network file named as Demucs names them: SIG-<first 8 hex digits of its SHA-256>."""
    folder.mkdir(parents=True, exist_ok=True)
    checksum = checksum or hashlib.sha256(content).hexdigest()[:8]
    path = folder / f"{sig}-{checksum}.th"
    path.write_bytes(content)
    return path


def test_model_folders(tmp_path):
    folder = tmp_path / "demucs"
    assert model_problem(folder, "htdemucs") == f"{folder} does not exist"
    folder.mkdir()
    assert model_problem(folder, "htdemucs") == (
        f"{folder} has no htdemucs.yaml (the model's list of networks)"
    )
    (folder / "htdemucs.yaml").write_text("weights: [1]\n")
    assert model_problem(folder, "htdemucs") == (
        f"{folder / 'htdemucs.yaml'} lists no signatures under 'models'"
    )
    (folder / "htdemucs.yaml").write_text("models: ['955717e8']\n")
    assert model_problem(folder, "htdemucs") == (
        f"{folder} has no weights 955717e8-<checksum>.th (htdemucs lists 955717e8)"
    )
    (folder / "955717e8.th").write_bytes(b"weights")
    assert model_problem(folder, "htdemucs") == (
        f"{folder / '955717e8.th'} has no checksum in its name: a released network is named "
        "955717e8-<first 8 hex digits of its SHA-256>.th, so that it can be checked"
    )
    (folder / "955717e8.th").unlink()
    good = write_network(folder, "955717e8")
    assert model_problem(folder, "htdemucs") is None
    assert model_files(folder, "htdemucs") == [folder / "htdemucs.yaml", good]
    good.write_bytes(b"weights, cut shor")  # an interrupted copy
    actual = hashlib.sha256(b"weights, cut shor").hexdigest()[:8]
    assert model_problem(folder, "htdemucs") == (
        f"{good} does not match its checksum: its SHA-256 begins {actual}, its name says "
        f"{good.name[9:17]} (a corrupt or incomplete file)"
    )
    good.unlink()
    write_network(folder, "955717e8")
    write_network(folder, "955717e8", b"other weights")
    assert model_problem(folder, "htdemucs").startswith(
        f"{folder} has 2 files for network 955717e8 ("
    )


def test_a_bag_checks_every_network_and_a_signature_names_one(tmp_path):
    folder = tmp_path / "demucs"
    sigs = ["f7e0c4bc", "d12395a8", "92cfc3b6", "04573f0d"]
    networks = [write_network(folder, sig, sig.encode()) for sig in sigs]
    (folder / "htdemucs_ft.yaml").write_text(f"models: {sigs}\nweights: [[1, 0, 0, 0]]\n")
    assert model_files(folder, "htdemucs_ft") == [folder / "htdemucs_ft.yaml", *networks]
    assert model_files(folder, "d12395a8") == [networks[1]]  # demucs -n SIG
    networks[3].write_bytes(b"zeros")
    assert model_problem(folder, "htdemucs_ft").startswith(f"{networks[3]} does not match")


def test_missing_model_message_says_where_to_put_it(tmp_path):
    message = missing_model_message("htdemucs", tmp_path, "it is empty")
    assert message.startswith("demucs model 'htdemucs' is not usable: it is empty. ")
    assert "https://dl.fbaipublicfiles.com/demucs/" in message
    assert f"into {tmp_path}, or point config demucs.model_dir" in message
    url = "https://dl.fbaipublicfiles.com/demucs/hybrid_transformer/955717e8-8726e21a.th"
    assert f"download {url} and copy" in missing_model_message("htdemucs", tmp_path, "x", [url])


def test_model_folder():
    assert str(model_folder(None)) == "resources/demucs"
    assert str(model_folder("/models/demucs")) == "/models/demucs"


def test_six_sources_fold_guitar_and_piano_into_other(rng):
    separated = {s: rng.standard_normal((10, 2)).astype(np.float32) for s in STEMS}
    separated |= {s: rng.standard_normal((10, 2)).astype(np.float32) for s in ("guitar", "piano")}
    stems = fold_stems(separated)
    assert list(stems) == list(STEMS)
    expected = separated["other"] + separated["guitar"] + separated["piano"]
    np.testing.assert_allclose(stems["other"], expected, rtol=1e-6)
    with pytest.raises(SeparationError, match="demucs gave an unexpected stem 'strings'"):
        fold_stems({**separated, "strings": separated["bass"]})
    with pytest.raises(SeparationError, match="demucs gave no vocals stem"):
        fold_stems({s: separated[s] for s in ("bass", "drums", "other")})


def test_separation_checks(rng):
    mixture = rng.standard_normal((4410, 2)).astype(np.float32)
    parts = rng.dirichlet(np.ones(4), size=4410).astype(np.float32)
    stems = {s: mixture * parts[:, [i]] for i, s in enumerate(STEMS)}
    levels = check_separation(stems, mixture, tolerance_db=-10.0)
    assert levels["residual_db"] < -60
    with pytest.raises(SeparationError) as copies:
        check_separation({s: mixture for s in STEMS}, mixture, tolerance_db=None)
    assert str(copies.value) == (
        "every demucs stem is a copy of the mixture: the model gave no separation (Demucs's "
        "networks never give this: the model is not a separator)"
    )
    quiet = {s: stems[s] * 0.5 for s in STEMS}  # the sum misses 6 dB of the mixture
    with pytest.raises(SeparationError) as residual:
        check_separation(quiet, mixture, tolerance_db=-10.0)
    assert str(residual.value) == (
        "demucs's stems do not sum to the mixture: the residual is -6.0 dB relative to the "
        "mixture (at most -10 dB by config demucs.sum_tolerance_db)"
    )
    # without a tolerance the residual is measured and reported, not checked
    assert check_separation(quiet, mixture, tolerance_db=None)["residual_db"] == pytest.approx(
        -6.02, abs=0.01
    )


def test_settings_are_demucs_defaults_and_come_from_the_config():
    demucs = defaults("demucs")
    assert demucs["model"] == "htdemucs" and demucs["sum_tolerance_db"] == -10.0
    # demucs.api.Separator's own defaults
    assert Settings.from_config() == Settings(shifts=1, overlap=0.25, split=True, segment=None)
    settings = Settings.from_config({**demucs, "shifts": 2, "segment": 5.5})
    assert json.loads(settings.to_json()) == {
        "shifts": 2,
        "overlap": 0.25,
        "split": True,
        "segment": 5.5,
    }


def load_step():
    """The separation step script as a module (its imports are the library only)."""
    path = REPO / "workflow/scripts/separate_demucs.py"
    spec = importlib.util.spec_from_file_location("separate_demucs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_model_that_copies_the_mixture_fails_the_songs_job(tmp_path, monkeypatch, rng):
    """The step's own code, with the model call replaced by one that returns the mixture as
    every stem: the job fails, naming the song; the other song of the block is written."""
    step = load_step()
    folder = tmp_path / "models"
    write_network(folder, "955717e8")
    (folder / "htdemucs.yaml").write_text("models: ['955717e8']\n")
    segments = tmp_path / "segments"
    segments.mkdir()
    for song in ("house-01", "house-02"):
        noise = rng.standard_normal((22_050, 2)) * 0.1
        sf.write(segments / f"{song}.wav", noise, 22_050, subtype="FLOAT")
    write_listing(segments)

    def separate(waveform, seed):
        if seed == "house-01":
            return {s: waveform for s in STEMS}
        return {s: waveform / 4 for s in STEMS}

    model = SimpleNamespace(separate=separate, sources=list(STEMS), device="cpu")
    monkeypatch.setattr(step, "import_backend", lambda: None)
    monkeypatch.setattr(step, "load_separator", lambda *args: model)
    args = step.parse(
        [
            *("--segments", str(segments)),
            *("--model", "htdemucs", "--model-folder", str(folder)),
            *("--sum-tolerance-db", "-10", "--stems", str(tmp_path / "stems")),
            *("--block", "3", "--gpu", "0", "--log", str(tmp_path / "block.log")),
        ]
    )
    with pytest.raises(SeparationError) as failed:
        step.main(args, logging.getLogger("test"))
    assert str(failed.value) == (
        f"1 of 2 item(s) of demucs block 3 failed: house-01 ({segments / 'house-01.wav'}): "
        "every demucs stem is a copy of the mixture: the model gave no separation (Demucs's "
        "networks never give this: the model is not a separator). The block runs again, whole, "
        "next time"
    )
    assert not (tmp_path / "stems/house-01").exists()
    assert sorted(p.name for p in (tmp_path / "stems/house-02").iterdir()) == [
        f"{s}.wav" for s in sorted(STEMS)
    ]
    assert not (tmp_path / "stems.sha256").exists()


def test_the_step_refuses_a_model_folder_before_loading(tmp_path, monkeypatch):
    step = load_step()
    monkeypatch.setattr(step, "import_backend", lambda: pytest.fail("imported PyTorch"))
    folder = tmp_path / "models"
    path = write_network(folder, "955717e8", checksum="00000000")
    (folder / "htdemucs.yaml").write_text("models: ['955717e8']\n")
    args = step.parse(
        [
            *("--segments", "segments", "--model", "htdemucs"),
            *("--model-folder", str(folder), "--stems", "stems"),
            *("--block", "0", "--log", "b.log"),
        ]
    )
    with pytest.raises(InputError) as refused:
        step.main(args, logging.getLogger("test"))
    actual = hashlib.sha256(b"weights").hexdigest()[:8]
    assert str(refused.value).startswith(
        f"demucs model 'htdemucs' is not usable: {path} does not match its checksum: its "
        f"SHA-256 begins {actual}, its name says 00000000 (a corrupt or incomplete file). "
    )
