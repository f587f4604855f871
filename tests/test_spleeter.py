"""The spleeter separator's checks, without TensorFlow (the main environment)."""

import numpy as np
import pytest

from sepconv.errors import InputError, SeparationError
from sepconv.names import STEMS
from sepconv.separators.learned import to_model_input
from sepconv.separators.spleeter import (
    check_separation,
    checkpoint_problem,
    fold_stems,
    missing_model_message,
    model_root,
)


def write_checkpoint(folder, data=b"weights"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "checkpoint").write_text('model_checkpoint_path: "model"\n')
    (folder / "model.index").write_bytes(b"index")
    (folder / "model.data-00000-of-00001").write_bytes(data)


def test_checkpoint_problems(tmp_path):
    folder = tmp_path / "4stems"
    assert checkpoint_problem(folder) == f"{folder} does not exist"
    folder.mkdir()
    (folder / ".probe").write_text("OK")  # what spleeter leaves after a failed download
    assert checkpoint_problem(folder) == f"{folder} has no 'checkpoint' file"
    write_checkpoint(folder, data=b"")
    assert checkpoint_problem(folder) == f"{folder} lacks the weights model.data-*"
    write_checkpoint(folder)
    assert checkpoint_problem(folder) is None
    (folder / "model.index").unlink()
    assert checkpoint_problem(folder) == f"{folder} lacks the weights index model.index"


def test_missing_model_message_says_where_to_put_it(tmp_path):
    message = missing_model_message("4stems", tmp_path / "4stems", "it is empty")
    assert "releases/download/v1.4.0/4stems.tar.gz" in message
    assert f"unpack it into {tmp_path / '4stems'}" in message and "MODEL_PATH" in message


def test_model_root(monkeypatch):
    monkeypatch.delenv("MODEL_PATH", raising=False)
    assert str(model_root(None)) == "resources/spleeter"
    monkeypatch.setenv("MODEL_PATH", "/models")
    assert str(model_root(None)) == "/models" and str(model_root("/x")) == "/x"


def test_five_stems_fold_piano_into_other(rng):
    separated = {s: rng.standard_normal((10, 2)) for s in (*STEMS, "piano")}
    stems = fold_stems(separated)
    assert set(stems) == set(STEMS)
    np.testing.assert_allclose(stems["other"], separated["other"] + separated["piano"], rtol=1e-6)
    with pytest.raises(SeparationError, match="no vocals stem"):
        fold_stems({s: separated[s] for s in ("bass", "drums", "other")})


def test_separation_checks(rng):
    sr = 44_100
    mixture = (0.1 * rng.standard_normal((sr, 2))).astype(np.float32)
    shares = rng.dirichlet(np.ones(4), size=mixture.shape).transpose(2, 0, 1)
    band_limited = np.fft.irfft(
        np.where((np.fft.rfftfreq(sr, 1 / sr) <= 11_025)[:, None], np.fft.rfft(mixture, axis=0), 0),
        n=sr,
        axis=0,
    )
    # stems that split the band-limited mixture pass
    stems = {s: (band_limited * w).astype(np.float32) for s, w in zip(STEMS, shares, strict=True)}
    levels = check_separation(stems, mixture, sr, cutoff=11_025)
    assert levels["residual_db"] < -60
    # copies of the mixture do not
    with pytest.raises(SeparationError, match="every spleeter stem is a copy of the mixture"):
        check_separation({s: mixture for s in STEMS}, mixture, sr, cutoff=11_025)
    # nor stems that do not sum back
    half = {s: 0.5 * stems[s] for s in STEMS}
    with pytest.raises(
        SeparationError, match=r"do not sum to the mixture: the residual is -9\.0 dB"
    ):
        check_separation(half, mixture, sr, cutoff=11_025)
    # one stem may be the whole mixture (a song of drums only)
    drums_only = {s: np.zeros_like(mixture) for s in STEMS} | {"drums": band_limited}
    check_separation(drums_only, mixture, sr, cutoff=11_025)


def test_model_input_is_stereo_at_44k(rng):
    mono = rng.standard_normal((22_050, 1)).astype(np.float32)
    stereo = to_model_input(mono, 22_050)
    assert stereo.shape == (44_100, 2) and stereo.dtype == np.float32
    np.testing.assert_array_equal(stereo[:, 0], stereo[:, 1])
    with pytest.raises(InputError, match="3 channels"):
        to_model_input(np.zeros((10, 3), np.float32), 44_100)
