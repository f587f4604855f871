import numpy as np
import pytest

from sepconv.errors import SeparationError
from sepconv.names import STEMS
from sepconv.separators.check import check_stems
from sepconv.separators.hpss import HpssParams, harmonic_percussive, nn_median, separate_hpss
from sepconv.separators.quality import si_sdr

SR = 44_100


def energy(x):
    return float(np.sum(np.square(x, dtype=np.float64)))


@pytest.fixture(scope="module")
def click_and_sine():
    n = 4 * SR
    t = np.arange(n) / SR
    clicks = np.zeros(n)
    for start in range(0, n, SR // 4):  # a click every 250 ms
        clicks[start : start + 64] = np.hanning(64) * 0.8
    sine = 0.3 * np.sin(2 * np.pi * 55.0 * t)
    return clicks, sine


def test_hpss_stems_sum_to_mixture(rng):
    mixture = (0.1 * rng.standard_normal((3 * SR, 2))).astype(np.float32)
    stems = separate_hpss(mixture, SR, HpssParams.from_config())
    assert list(stems) == list(STEMS)
    assert all(stems[s].shape == mixture.shape and stems[s].dtype == np.float32 for s in STEMS)
    assert check_stems(stems, mixture, tolerance=1e-6) <= 1e-6


def test_hpss_puts_clicks_in_drums_and_low_sine_in_bass(click_and_sine):
    clicks, sine = click_and_sine
    mixture = np.stack([clicks + sine] * 2, axis=1).astype(np.float32)
    stems = separate_hpss(mixture, SR, HpssParams.from_config())

    # correlation of each stem with each source: most of the click energy lands in drums,
    # most of the sine's in bass
    def share(stem, source):
        est = stems[stem][:, 0].astype(np.float64)
        return np.dot(est, source) / np.dot(source, source)

    assert share("drums", clicks) > 0.7
    assert share("bass", sine) > 0.8
    assert share("bass", clicks) < 0.2
    assert share("drums", sine) < 0.1


def test_harmonic_percussive_equals_librosa(rng):
    import librosa.decompose

    magnitude = np.abs(rng.standard_normal((257, 120))).astype(np.float32)
    magnitude[:, ::10] += 3.0  # clicks
    magnitude[40] += 2.0  # a steady tone
    ours = harmonic_percussive(magnitude, 17, 2.0)
    theirs = librosa.decompose.hpss(magnitude, kernel_size=17, power=2.0, mask=False)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_nn_median_is_median_of_most_similar_frames_outside_the_band(rng):
    spectrogram = np.abs(rng.standard_normal((12, 40)))
    width, k = 3, 5
    out = nn_median(spectrogram, width, k)
    unit = spectrogram / np.linalg.norm(spectrogram, axis=0)
    for frame in range(40):
        candidates = [j for j in range(40) if abs(j - frame) >= width]
        ranked = sorted(candidates, key=lambda j: -float(unit[:, frame] @ unit[:, j]))
        expected = np.median(spectrogram[:, ranked[:k]], axis=1)
        np.testing.assert_allclose(out[:, frame], expected, rtol=1e-12)
    # neighbours chosen on other features: the median of a band of bins
    band = nn_median(spectrogram[:4], width, k, by=spectrogram)
    np.testing.assert_allclose(band, out[:4], rtol=1e-12)


def test_nn_median_keeps_a_repeating_background_and_drops_a_one_off_event(rng):
    pattern = np.abs(rng.standard_normal((64, 8)))  # one bar, repeated 12 times
    background = np.tile(pattern, 12) + 0.01 * np.abs(rng.standard_normal((64, 96)))
    spectrogram = background.copy()
    spectrogram[30:34, 50:53] += 5.0  # a note that happens once
    filtered = nn_median(spectrogram, width=4, k=9)  # each frame has 11 repeats
    assert np.max(np.abs(filtered[30:34, 50:53] - background[30:34, 50:53])) < 0.1
    assert np.max(np.abs(filtered - background)) < 0.1


def test_nn_median_refuses_a_width_that_leaves_no_neighbours():
    with pytest.raises(ValueError, match="no neighbours"):
        nn_median(np.ones((4, 5)), width=3)
    with pytest.raises(ValueError, match="by has 6 frames, the spectrogram 5"):
        nn_median(np.ones((4, 5)), width=1, by=np.ones((4, 6)))


def test_check_stems_refuses_stems_that_do_not_sum():
    mixture = np.ones((10, 2), np.float32)
    stems = {s: mixture / 4 for s in STEMS}
    check_stems(stems, mixture)
    stems["other"] = stems["other"] * 0
    with pytest.raises(SeparationError, match="do not sum"):
        check_stems(stems, mixture)


def test_si_sdr(rng):
    ref = rng.standard_normal(1000)
    assert si_sdr(3.0 * ref, ref) > 100  # scale-invariant
    noisy = ref + 0.1 * rng.standard_normal(1000)
    assert si_sdr(noisy, ref) == pytest.approx(20.0, abs=1.0)
    assert np.isnan(si_sdr(ref, np.zeros(1000)))
