import numpy as np
import pytest

from sepconv.config import channel_stems, representation_separators
from sepconv.errors import ConfigError, InputError
from sepconv.signal.features import MelParams, channel_audio, log_mel
from sepconv.signal.mels import MelFile
from sepconv.signal.tensors import Tensor, row_moments, rows_path, stack_tensor

PARAMS = MelParams.from_config()


@pytest.mark.parametrize("sr", [22_050, 44_100])
def test_log_mel_shape_and_dtype(rng, sr):
    n = round(233_984 * sr / 22_050)
    audio = (0.1 * rng.standard_normal((n, 2))).astype(np.float32)
    mel = log_mel(audio, sr, PARAMS)
    assert mel.shape == (128, 458) and mel.dtype == np.float32
    assert np.all(np.isfinite(mel))


def test_log_mel_is_absolute_db(rng):
    audio = (0.1 * rng.standard_normal(233_984)).astype(np.float32)
    loud, quiet = log_mel(audio, 22_050, PARAMS), log_mel(audio * 0.1, 22_050, PARAMS)
    np.testing.assert_allclose(loud - quiet, 20.0, atol=1e-3)  # 10x amplitude = +20 dB
    assert log_mel(np.zeros(233_984, np.float32), 22_050, PARAMS).max() == pytest.approx(-100.0)


def test_params_default_to_the_schema_and_frames_follow_them():
    assert (PARAMS.sample_rate, PARAMS.n_mels, PARAMS.n_frames) == (22_050, 128, 458)
    assert PARAMS.segment_samples(44_100) == 467_968
    params = MelParams.from_config({"n_frames": 100, "n_mels": 64})
    mel = log_mel(np.ones(params.n_samples, np.float32), 22_050, params)
    assert mel.shape == (64, 100)


def test_channels():
    assert channel_stems("mixture") == []
    assert channel_stems("bass+drums+other") == ["bass", "drums", "other"]
    with pytest.raises(ConfigError):
        channel_stems("bass+piano")
    assert representation_separators(["mixture"], ["hpss"]) == ["none"]
    assert representation_separators(["mixture", "vocals"], ["hpss", "oracle"]) == [
        "hpss",
        "oracle",
    ]
    stems = {
        s: np.full(3, i + 1, np.float32) for i, s in enumerate(["bass", "drums", "other", "vocals"])
    }
    np.testing.assert_array_equal(channel_audio(stems, "bass+other"), [4, 4, 4])


def mel_file(song, offset, separator="hpss"):
    channels = ("bass", "drums", "other", "bass+drums+other")
    mels = np.stack([np.full((2, 3), offset + i + 1.0, np.float32) for i in range(4)])
    return MelFile(song=song, separator=separator, channels=channels, mels=mels)


def test_mel_file_round_trip(tmp_path):
    written = mel_file("a1", 10)
    written.save(tmp_path / "a1.npz")
    read = MelFile.load(tmp_path / "a1.npz")
    assert (read.song, read.separator, read.channels) == ("a1", "hpss", written.channels)
    np.testing.assert_array_equal(read.mels, written.mels)
    assert read.segments == 1 and read.mels.shape == (1, 4, 2, 3)
    np.testing.assert_array_equal(read["drums"], np.full((1, 2, 3), 12.0))
    with pytest.raises(KeyError, match="a1 \\(hpss\\) have no channel 'vocals'"):
        read["vocals"]


def saved(tmp_path, mels):
    """``{song: path}`` of MelFiles written to ``tmp_path``."""
    files = {}
    for mel in mels:
        files[mel.song] = str(tmp_path / f"{mel.song}.npz")
        mel.save(files[mel.song])
    return files


def test_tensor_stacks_by_song_and_channel_into_a_file_training_maps(tmp_path):
    mels = [mel_file(f"s{i}", 10 * i) for i in range(4)]
    genre_of = {"s0": "y", "s1": "x", "s2": "y", "s3": "x"}
    tensor = stack_tensor(tmp_path / "t.npy", saved(tmp_path, mels), ["other", "bass"], genre_of)
    assert tensor.X.shape == (4, 2, 3, 2) and tensor.X.dtype == np.float32
    assert isinstance(tensor.X, np.memmap)  # opened from its file, not held
    assert tensor.X[2, 0, 0].tolist() == [23.0, 21.0]  # channel order as asked
    assert tensor.genres.tolist() == ["x", "y"] and tensor.y.tolist() == [1, 0, 1, 0]
    assert tensor.song.tolist() == ["s0", "s1", "s2", "s3"]
    assert tensor.channels.tolist() == ["other", "bass"]
    # a plain .npy file, and its rows file beside it
    np.testing.assert_array_equal(np.load(tmp_path / "t.npy"), tensor.X)
    assert rows_path(tmp_path / "t.npy") == str(tmp_path / "t.rows.npz")
    read = Tensor.open(tmp_path / "t.npy")
    for name in ("X", "y", "song", "genres", "channels", "segment", "sums", "squares"):
        np.testing.assert_array_equal(getattr(read, name), getattr(tensor, name))
    # each row's moments, as training standardises from them
    sums, squares = row_moments(np.asarray(tensor.X))
    np.testing.assert_array_equal(tensor.sums, sums)
    np.testing.assert_array_equal(tensor.squares, squares)
    assert tensor.sums[2].tolist() == [23.0 * 6, 21.0 * 6]


def test_a_tensor_holds_one_row_per_segment_of_each_song(tmp_path):
    """Two songs of three segments: six rows, a song's segments together and in order, each
    row recording its song and segment."""
    mels = []
    for i, song in enumerate(["s0", "s1"]):
        segments = np.stack([mel_file(song, 100 * i + 10 * k).mels[0] for k in range(3)])
        mels.append(
            MelFile(song=song, separator="hpss", channels=mel_file(song, 0).channels, mels=segments)
        )
    assert mels[0].segments == 3 and mels[0]["bass"].shape == (3, 2, 3)
    files = saved(tmp_path, mels)
    assert MelFile.segments_in(files["s0"]) == 3
    tensor = stack_tensor(tmp_path / "t.npy", files, ["bass"], {"s0": "x", "s1": "y"})
    assert tensor.X.shape == (6, 2, 3, 1)
    assert tensor.song.tolist() == ["s0"] * 3 + ["s1"] * 3
    assert tensor.segment.tolist() == [0, 1, 2, 0, 1, 2] and tensor.y.tolist() == [0] * 3 + [1] * 3
    assert tensor.X[4, 0, 0, 0] == 100 + 10 + 1  # song 1, segment 1, bass
    assert tensor.songs.tolist() == ["s0", "s1"]


def test_stacking_names_a_song_without_a_genre_and_a_file_of_another_shape(tmp_path):
    files = saved(tmp_path, [mel_file("s0", 0), mel_file("s1", 1)])
    with pytest.raises(InputError, match="songs without a genre in the song table: s1"):
        stack_tensor(tmp_path / "t.npy", files, ["bass"], {"s0": "x"})
    other = MelFile(
        song="s1", separator="hpss", channels=("bass",), mels=np.zeros((1, 2, 4), np.float32)
    )
    other.save(files["s1"])
    with pytest.raises(InputError, match=r"s1.npz: spectrograms of shape \(1, 2, 4\)"):
        stack_tensor(tmp_path / "t.npy", files, ["bass"], {"s0": "x", "s1": "y"})
    assert not (tmp_path / "t.npy").exists()  # nothing that looks complete


@pytest.mark.parametrize(
    "settings",
    [{}, {"n_fft": 1024, "hop_length": 256, "n_mels": 64, "fmin": 30.0, "fmax": 8000.0}],
)
def test_log_mel_equals_librosa(rng, settings):
    import librosa

    params = MelParams.from_config({**settings, "n_frames": 200})
    n = params.segment_samples(44_100)
    audio = (0.2 * rng.standard_normal((n, 2))).astype(np.float32)
    mono = librosa.util.fix_length(
        librosa.resample(audio.mean(axis=1), orig_sr=44_100, target_sr=22_050, res_type="soxr_hq"),
        size=params.n_samples,
    )
    power = librosa.feature.melspectrogram(
        y=mono,
        sr=22_050,
        n_fft=params.n_fft,
        hop_length=params.hop_length,
        n_mels=params.n_mels,
        fmin=params.fmin,
        fmax=params.fmax,
    )
    expected = librosa.power_to_db(power, ref=1.0, amin=1e-10, top_db=None)
    np.testing.assert_allclose(log_mel(audio, 44_100, params), expected, atol=1e-3)


def test_resample_equals_librosa(rng):
    import librosa

    from sepconv.signal.audio import resample

    audio = rng.standard_normal((30_001, 2)).astype(np.float32)
    for sr_out in (22_050, 48_000):
        expected = librosa.resample(
            audio, orig_sr=44_100, target_sr=sr_out, axis=0, res_type="soxr_hq"
        )
        np.testing.assert_allclose(resample(audio, 44_100, sr_out), expected, atol=1e-6)
