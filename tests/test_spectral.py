"""The NumPy STFT, inverse STFT and soft mask against librosa's."""

import librosa
import numpy as np
import pytest

from sepconv.signal.spectral import istft, softmask, stft


@pytest.mark.parametrize("n_fft,hop", [(2048, 1024), (1024, 256)])
def test_stft_and_istft_equal_librosa(rng, n_fft, hop):
    audio = (0.2 * rng.standard_normal((2, 30_011))).astype(np.float32)
    spectrum = stft(audio, n_fft, hop)
    expected = librosa.stft(audio, n_fft=n_fft, hop_length=hop)
    assert spectrum.shape == expected.shape and spectrum.dtype == np.complex64
    np.testing.assert_allclose(spectrum, expected, atol=1e-4)
    mask = rng.uniform(size=spectrum.shape[1:]).astype(np.float32)
    np.testing.assert_allclose(
        istft(spectrum * mask, n_fft, hop, 30_011),
        librosa.istft(expected * mask, n_fft=n_fft, hop_length=hop, length=30_011),
        atol=1e-6,
    )
    np.testing.assert_allclose(istft(spectrum, n_fft, hop, 30_011), audio, atol=1e-6)


def test_softmask_equals_librosa(rng):
    x = rng.uniform(size=(50, 40)).astype(np.float32)
    ref = rng.uniform(size=(50, 40)).astype(np.float32)
    x[0, :5] = ref[0, :5] = 0.0  # both zero: split evenly
    for power in (1.0, 2.0):
        np.testing.assert_allclose(
            softmask(x, ref, power),
            librosa.util.softmask(x, ref, power=power, split_zeros=True),
            atol=1e-6,
        )
