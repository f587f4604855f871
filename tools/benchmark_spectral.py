"""Benchmark the workflow's spectral arithmetic against librosa's own functions, per song
inside a block job, and the imports each needs.

    uv run python tools/benchmark_spectral.py               # 8 songs, 5 repeats
    uv run python tools/benchmark_spectral.py --songs 16 --repeats 3

For each of ``--songs`` synthetic 10.6 s stereo segments it times, in one process (as a block
job runs its songs):

- the spectrograms of one song under a separator: the four stems brought to the analysis rate
  once, then the five stem channels (bass, drums, other, vocals, bass+drums+other) as log-mel
  spectrograms; with the library's functions (``sepconv.signal.features``) and with librosa's
  (``librosa.resample`` with soxr, ``librosa.feature.melspectrogram``, ``librosa.power_to_db``);
- the hpss separation of one song: with the library's STFT, inverse STFT and soft masks
  (``sepconv.signal.spectral``) and with librosa's (``librosa.stft``, ``librosa.istft``,
  ``librosa.util.softmask``), the rest of the separator the same.

Then, in fresh processes, the imports and first calls of each path (librosa loads its
submodules lazily, on first use; median of ``--repeats``). It prints the
median per-song times, their ratio, what the import adds per song in a block of ``--songs``
songs, and the largest difference between the two paths' outputs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import numpy as np

STEM_CHANNELS = ["bass", "drums", "other", "vocals", "bass+drums+other"]


def segments(songs: int, n: int, sr: int) -> list[dict[str, np.ndarray]]:
    """Random stereo stems of ``songs`` segments, shaped like a separator's."""
    rng = np.random.default_rng(0)
    t = np.arange(n) / sr
    out = []
    for song in range(songs):
        stems = {}
        for k, stem in enumerate(("bass", "drums", "other", "vocals")):
            tone = np.sin(2 * np.pi * (55 * (k + 1) + song) * t)[:, None]
            stems[stem] = (0.1 * tone + 0.02 * rng.standard_normal((n, 2))).astype(np.float32)
        out.append(stems)
    return out


def mels_library(stems, sr, params):
    from sepconv.signal.features import analysis_signal, segment_mels

    signals = {s: analysis_signal(a, sr, params) for s, a in stems.items()}
    return segment_mels(signals, params, STEM_CHANNELS)


def mels_librosa(stems, sr, params):
    import librosa

    signals = {
        s: librosa.util.fix_length(
            librosa.resample(
                a.mean(axis=1), orig_sr=sr, target_sr=params.sample_rate, res_type="soxr_hq"
            ),
            size=params.n_samples,
        )
        for s, a in stems.items()
    }
    out = []
    for channel in STEM_CHANNELS:
        audio = sum(signals[p].astype(np.float64) for p in channel.split("+")).astype(np.float32)
        power = librosa.feature.melspectrogram(
            y=audio,
            sr=params.sample_rate,
            n_fft=params.n_fft,
            hop_length=params.hop_length,
            n_mels=params.n_mels,
            fmin=params.fmin,
            fmax=params.fmax,
            power=2.0,
        )
        out.append(librosa.power_to_db(power, ref=1.0, amin=params.amin, top_db=None))
    return np.stack(out).astype(np.float32)


def hpss_with(stems, sr, params, use_librosa: bool):
    from sepconv.separators import hpss

    mixture = sum(stems.values())
    if not use_librosa:
        return hpss.separate_hpss(mixture, sr, params)
    import librosa

    saved = hpss.stft, hpss.istft, hpss.softmask
    hpss.stft = lambda x, n_fft, hop: librosa.stft(x, n_fft=n_fft, hop_length=hop)
    hpss.istft = lambda s, n_fft, hop, n: librosa.istft(s, hop_length=hop, n_fft=n_fft, length=n)
    hpss.softmask = lambda x, r, p: librosa.util.softmask(x, r, power=p)
    try:
        return hpss.separate_hpss(mixture, sr, params)
    finally:
        hpss.stft, hpss.istft, hpss.softmask = saved


def timed(fn, items) -> tuple[list[float], list]:
    seconds, results = [], []
    for item in items:
        began = time.perf_counter()
        results.append(fn(item))
        seconds.append(time.perf_counter() - began)
    return seconds, results


def import_seconds(statement: str, repeats: int) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    runs = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(runs)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--songs", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)

    import librosa  # noqa: F401  # imported once, as in a block job

    from sepconv.separators.hpss import HpssParams
    from sepconv.signal.features import MelParams

    mel_params, hpss_params = MelParams.from_config(), HpssParams.from_config()
    sr = 44_100
    n = mel_params.segment_samples(sr)
    songs = segments(args.songs, n, sr)
    # warm both paths up once (FFT plans, filter banks)
    mels_library(songs[0], sr, mel_params), mels_librosa(songs[0], sr, mel_params)
    rows = []
    for name, ours, theirs in (
        (
            "spectrograms",
            lambda s: mels_library(s, sr, mel_params),
            lambda s: mels_librosa(s, sr, mel_params),
        ),
        (
            "hpss",
            lambda s: hpss_with(s, sr, hpss_params, False),
            lambda s: hpss_with(s, sr, hpss_params, True),
        ),
    ):
        t_ours, out_ours = timed(ours, songs)
        t_theirs, out_theirs = timed(theirs, songs)
        if name == "hpss":
            diff = max(
                float(np.max(np.abs(a[k] - b[k])))
                for a, b in zip(out_ours, out_theirs, strict=True)
                for k in a
            )
        else:
            diff = max(
                float(np.max(np.abs(a - b))) for a, b in zip(out_ours, out_theirs, strict=True)
            )
        rows.append((name, statistics.median(t_ours), statistics.median(t_theirs), diff))

    # librosa loads its submodules lazily, on first use: time the imports and one first call
    # of every function each path uses, on a second of silence
    warm = "import numpy as np; y = np.zeros((22050, 2), np.float32); "
    library_import = import_seconds(
        warm + "from sepconv.signal import features as f, spectral as s; "
        "p = f.MelParams.from_config(); f.log_mel(y, 44100, p); "
        "x = s.stft(y.T, 2048, 512); s.istft(x, 2048, 512, 22050); s.softmask(y, y, 2.0)",
        args.repeats,
    )
    librosa_import = import_seconds(
        warm + "import librosa; m = y.mean(axis=1); "
        "r = librosa.resample(m, orig_sr=44100, target_sr=22050, res_type='soxr_hq'); "
        "librosa.power_to_db(librosa.feature.melspectrogram(y=r, sr=22050), ref=1.0); "
        "x = librosa.stft(y.T, n_fft=2048, hop_length=512); "
        "librosa.istft(x, hop_length=512, length=22050); librosa.util.softmask(y, y, power=2.0)",
        args.repeats,
    )
    extra = librosa_import - library_import
    print(f"{args.songs} songs of {n / sr:.2f} s, per song (medians), one process")
    print(f"{'':<14} {'library s':>10} {'librosa s':>10} {'ratio':>6}  largest difference")
    for name, ours, theirs, diff in rows:
        print(f"{name:<14} {ours:>10.3f} {theirs:>10.3f} {theirs / ours:>6.2f}  {diff:.3g}")
    print(
        f"imports and first calls: the library's {library_import:.2f} s, "
        f"librosa's {librosa_import:.2f} s "
        f"(+{extra:.2f} s, {extra / args.songs:.3f} s a song in a block of {args.songs})"
    )


if __name__ == "__main__":
    main()
