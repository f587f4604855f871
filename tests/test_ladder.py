"""The ladder of separators of controlled quality: its endpoints, its order, its names."""

import numpy as np
import pytest

from sepconv.errors import ConfigError
from sepconv.names import STEMS
from sepconv.separators.check import check_stems
from sepconv.separators.ladder import LadderParams, is_rung, separate_ladder, strength
from sepconv.separators.quality import si_sdr, song_quality

SR = 44_100
PARAMS = LadderParams.from_config()


@pytest.fixture(scope="module")
def songs():
    """Three synthetic songs' drops, 5 s each: (mixture, reference stems), float32 stereo."""
    from sepconv.corpus.render import synthesize_song

    out = []
    for song, genre in (("house-01", "house"), ("techno-02", "techno"), ("trance-03", "trance")):
        stems, mixture, info = synthesize_song(song, genre, "a", seed=2021, sr=SR)
        start = int(info["drop_start_s"] * SR)
        cut = slice(start, start + 5 * SR)
        out.append((mixture[cut], {stem: stems[stem][cut] for stem in STEMS}))
    return out


def test_at_strength_one_every_stem_is_a_quarter_of_the_mixture_sample_for_sample(songs):
    mixture, references = songs[0]
    stems = separate_ladder(mixture, references, 1.0, PARAMS)
    for stem in STEMS:
        assert stems[stem].dtype == np.float32
        np.testing.assert_array_equal(stems[stem], mixture * np.float32(0.25))


def test_at_strength_zero_the_stems_are_the_ideal_ratio_mask_estimates(songs):
    """Near the references, not equal (a mask keeps the mixture's phase in every bin):
    stated here as at least 10 dB SI-SDR on every stem with a reference, against about 0 dB
    or less for the mixture itself."""
    for mixture, references in songs:
        stems = separate_ladder(mixture, references, 0.0, PARAMS)
        assert check_stems(stems, mixture, tolerance=1e-4) <= 1e-4  # masks sum to one
        for row in song_quality(stems, references, mixture):
            if np.isfinite(row["si_sdr"]):  # a silent reference (no vocals) has none
                assert row["si_sdr"] >= 10.0, row
                assert row["si_sdr_improvement"] >= 10.0, row
        # the mask by hand: |R_j|^2 / sum_k |R_k|^2 on the mixture's STFT
        from sepconv.signal.spectral import istft, stft

        spectrum = stft(mixture.T, PARAMS.n_fft, PARAMS.hop_length)
        power = {
            s: np.abs(stft(references[s].T, PARAMS.n_fft, PARAMS.hop_length)) ** 2 for s in STEMS
        }
        total = sum(power.values())
        bass = istft(
            spectrum * power["bass"] / np.maximum(total, 1e-30),
            PARAMS.n_fft,
            PARAMS.hop_length,
            len(mixture),
        ).T
        np.testing.assert_allclose(stems["bass"], bass, atol=1e-5)


def test_quality_falls_as_the_strength_rises(songs):
    """The median SI-SDR improvement over songs and stems, strictly decreasing in S."""
    medians = []
    for rung in (0.0, 0.25, 0.5, 0.75, 1.0):
        values = []
        for mixture, references in songs:
            stems = separate_ladder(mixture, references, rung, PARAMS)
            values += [
                row["si_sdr_improvement"]
                for row in song_quality(stems, references, mixture)
                if np.isfinite(row["si_sdr"])
            ]
        medians.append(float(np.median(values)))
    assert all(a > b for a, b in zip(medians, medians[1:], strict=False)), medians
    # a quarter of the mixture is the mixture itself, as an estimate: no improvement at all
    assert medians[-1] == pytest.approx(0.0, abs=1e-4)


def test_a_rung_is_linear_between_the_estimates_and_the_quarter(songs):
    mixture, references = songs[1]
    zero = separate_ladder(mixture, references, 0.0, PARAMS)
    half = separate_ladder(mixture, references, 0.5, PARAMS)
    for stem in STEMS:
        np.testing.assert_allclose(half[stem], 0.5 * zero[stem] + 0.125 * mixture, atol=1e-6)
    # si_sdr of the quarter against a reference is that of the mixture: scale-invariant
    assert si_sdr(0.25 * mixture, references["drums"]) == pytest.approx(
        si_sdr(mixture, references["drums"]), abs=1e-6
    )


def test_rung_names():
    assert [strength(name) for name in ("ladder-0", "ladder-0.25", "ladder-1", "ladder-1.0")] == [
        0.0,
        0.25,
        1.0,
        1.0,
    ]
    assert is_rung("ladder-0.5") and not is_rung("hpss")
    for bad in ("ladder-1.5", "ladder-.5", "ladder-x"):
        with pytest.raises(ConfigError, match=f"separators: '{bad}' is not a rung of the ladder"):
            strength(bad)
