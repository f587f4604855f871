import numpy as np
import pytest

from sepconv.features import (
    MelParams,
    channel_audio,
    channel_stems,
    log_mel,
    needs_separator,
    stack,
)


@pytest.mark.parametrize("sr", [22_050, 44_100])
def test_log_mel_shape_and_dtype(rng, sr):
    n = round(233_984 * sr / 22_050)
    audio = (0.1 * rng.standard_normal((n, 2))).astype(np.float32)
    mel = log_mel(audio, sr)
    assert mel.shape == (128, 458) and mel.dtype == np.float32
    assert np.all(np.isfinite(mel))


def test_log_mel_is_absolute_db(rng):
    audio = (0.1 * rng.standard_normal(233_984)).astype(np.float32)
    loud, quiet = log_mel(audio, 22_050), log_mel(audio * 0.1, 22_050)
    np.testing.assert_allclose(loud - quiet, 20.0, atol=1e-3)  # 10x amplitude = +20 dB
    assert log_mel(np.zeros(233_984, np.float32), 22_050).max() == pytest.approx(-100.0)


def test_frames_follow_params():
    params = MelParams(n_frames=100, n_mels=64)
    mel = log_mel(np.ones(params.n_samples, np.float32), 22_050, params)
    assert mel.shape == (64, 100)


def test_channels():
    assert channel_stems("mixture") == []
    assert channel_stems("bass+drums+other") == ["bass", "drums", "other"]
    with pytest.raises(ValueError):
        channel_stems("bass+piano")
    assert not needs_separator(["mixture"]) and needs_separator(["mixture", "vocals"])
    stems = {
        s: np.full(3, i + 1, np.float32) for i, s in enumerate(["bass", "drums", "other", "vocals"])
    }
    np.testing.assert_array_equal(channel_audio(stems, "bass+other"), [4, 4, 4])


def test_stack_channel_order():
    mels = [
        {
            "bass": np.full((2, 3), 10 * i + 1.0),
            "drums": np.full((2, 3), 10 * i + 2.0),
            "other": np.full((2, 3), 10 * i + 3.0),
        }
        for i in range(4)
    ]
    X = stack(mels, ["bass", "drums", "other"])
    assert X.shape == (4, 2, 3, 3) and X.dtype == np.float32
    assert X[2, 0, 0].tolist() == [21.0, 22.0, 23.0]
