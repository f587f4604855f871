import numpy as np
import pytest

from sepconv.corpus.genres import GENRES, corpus_table
from sepconv.corpus.render import synthesize_song
from sepconv.names import STEMS


@pytest.fixture(scope="module")
def song():
    return synthesize_song("trance-01", "trance", "trance-artist1", seed=7, duration=(20, 22))


def test_stems_sum_to_mixture(song):
    stems, mixture, _ = song
    assert set(stems) == set(STEMS)
    total = sum(stems[s].astype(np.float64) for s in STEMS)
    assert mixture.dtype == np.float32 and mixture.ndim == 2 and mixture.shape[1] == 2
    np.testing.assert_allclose(total, mixture, atol=1e-6)
    assert np.max(np.abs(mixture)) <= 0.9


def test_same_config_gives_same_bytes(song):
    stems, mixture, info = synthesize_song(
        "trance-01", "trance", "trance-artist1", seed=7, duration=(20, 22)
    )
    assert mixture.tobytes() == song[1].tobytes()
    assert all(stems[s].tobytes() == song[0][s].tobytes() for s in STEMS)
    assert info == song[2]


def test_other_seed_or_song_differs(song):
    _, other_seed, _ = synthesize_song(
        "trance-01", "trance", "trance-artist1", seed=8, duration=(20, 22)
    )
    _, other_song, _ = synthesize_song(
        "trance-02", "trance", "trance-artist1", seed=7, duration=(20, 22)
    )
    assert other_seed.shape != song[1].shape or not np.array_equal(other_seed, song[1])
    assert other_song.shape != song[1].shape or not np.array_equal(other_song, song[1])


def test_song_form_and_tempo(song):
    stems, mixture, info = song
    lo, hi = GENRES["trance"].tempo
    assert lo - 8 <= info["bpm"] <= hi + 8  # widened by difficulty 0.5 * 8 BPM at most
    bars = info["bars"]
    assert bars["intro"] >= 1 and bars["build"] >= 1
    # the drop is long enough to hold a whole 10.6 s segment
    assert info["duration_s"] - info["drop_start_s"] > 11.0
    # no bass before the drop: the build is what it builds to
    drop = int(info["drop_start_s"] * 44100)
    assert (
        np.max(np.abs(stems["bass"][: drop - 4410])) < 1e-6 < np.max(np.abs(stems["bass"][drop:]))
    )


def test_vocals_stem_silent_without_vocals():
    for i in range(1, 12):
        stems, _, info = synthesize_song(f"house-{i:02d}", "house", "a", seed=1, duration=(20, 20))
        peak = np.max(np.abs(stems["vocals"]))
        assert (peak > 0) == info["vocals"]


def test_difficulty_zero_keeps_genre_parts():
    for i in range(6):
        *_, info = synthesize_song(
            f"dubstep-{i}", "dubstep", "a", difficulty=0.0, duration=(20, 20)
        )
        assert set(info["parts"].values()) == {"dubstep"}


def test_corpus_table_counts_ids_and_artists():
    table = corpus_table({"house": 3, "techno": 2, "trance": 0}, songs_per_artist=2)
    assert list(table["song"]) == ["house-01", "house-02", "house-03", "techno-01", "techno-02"]
    assert list(table["artist"]) == [
        "house-artist1",
        "house-artist1",
        "house-artist2",
        "techno-artist1",
        "techno-artist1",
    ]
    with pytest.raises(KeyError, match="unknown synthetic genre"):
        corpus_table({"polka": 2})


def test_frequency_domain_filters():
    from sepconv.corpus.dsp import bandpass, fft_size, highpass, lowpass, resonances

    sizes = sorted(2**a * 3**b * 5**c for a in range(22) for b in range(14) for c in range(10))
    for n in [1, 2, 7, 97, 1000, 22_050, 1_349_646]:
        assert fft_size(n) == next(s for s in sizes if s >= n)

    sr = 44_100
    t = np.arange(sr) / sr

    def gain(filtered, tone):  # steady-state amplitude ratio, away from the edges
        middle = slice(sr // 4, 3 * sr // 4)
        return np.std(filtered[middle]) / np.std(tone[middle])

    low, high = np.sin(2 * np.pi * 100 * t), np.sin(2 * np.pi * 5000 * t)
    assert gain(lowpass(low, 1000, sr), low) > 0.99
    assert gain(lowpass(high, 1000, sr, order=2), high) < 0.05  # 2nd order: 1/25 at 5 kHz
    assert abs(gain(lowpass(low, 100, sr), low) - 2**-0.5) < 0.01  # -3 dB at the cutoff
    assert gain(highpass(low, 1000, sr), low) < 0.02
    assert gain(highpass(high, 1000, sr), high) > 0.99
    assert (
        gain(bandpass(low, 1000, 3000, sr), low) < 0.02
        and gain(bandpass(high, 1000, 3000, sr), high) < 0.4
    )
    peak = np.sin(2 * np.pi * 700 * t)
    assert abs(gain(resonances(peak, [(700.0, 90.0, 0.5)], sr), peak) - 0.5) < 0.01
    assert gain(resonances(high, [(700.0, 90.0, 1.0)], sr), high) < 0.02
    stereo = np.stack([low, high], axis=1)  # filtered along time, channel by channel
    both = lowpass(stereo, 1000, sr)
    np.testing.assert_allclose(both[:, 0], lowpass(low, 1000, sr), atol=1e-12)
