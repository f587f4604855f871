import os

import numpy as np
import pytest

from sepconv.io import atomic_path, read_audio, write_audio, write_npz, write_text


def test_atomic_path_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out" / "x.npz"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"partial")
            raise RuntimeError("interrupted")
    assert not target.exists()
    assert list(target.parent.iterdir()) == []


def test_atomic_path_keeps_old_file_until_success(tmp_path):
    target = tmp_path / "x.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("new")
            assert target.read_text() == "old"
            raise RuntimeError
    assert target.read_text() == "old"


def test_audio_round_trip_is_exact(tmp_path, rng):
    audio = rng.standard_normal((1000, 2)).astype(np.float32)
    write_audio(tmp_path / "a.wav", audio, 44_100)
    back, sr = read_audio(tmp_path / "a.wav")
    assert sr == 44_100 and back.tobytes() == audio.tobytes()


def test_npz_keeps_suffix(tmp_path):
    write_npz(tmp_path / "m.npz", a=np.arange(3))
    assert np.load(tmp_path / "m.npz")["a"].tolist() == [0, 1, 2]
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]


def test_atomic_writes_get_the_usual_file_mode(tmp_path):
    old = os.umask(0o022)
    try:
        write_text(tmp_path / "a.txt", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o644
