import shutil
import subprocess

import numpy as np
import pytest
import soundfile as sf

from sepconv.errors import InputError
from sepconv.signal.audio import SongReader, read_header, to_stereo
from sepconv.signal.segments import (
    auto_start,
    check_not_silent,
    cut_song,
    read_segments,
    segment_samples,
)


def load_song(path: str) -> tuple[np.ndarray, int]:
    """A whole song as stored, through the reader's blocks."""
    reader = SongReader(path, read_header(path).sample_rate or 1)
    return np.concatenate(list(reader.source_blocks())), reader.source_rate


def test_segment_length_gives_paper_frames():
    assert segment_samples(22_050, 458, 512, 22_050) == 233_984
    assert segment_samples(44_100, 458, 512, 22_050) == 467_968
    assert segment_samples(48_000, 458, 512, 22_050) == round(233_984 * 48_000 / 22_050)


def test_auto_start_finds_loudest_window(rng):
    sr, n = 1000, 3000
    audio = 0.01 * rng.standard_normal((10_000, 2)).astype(np.float32)
    audio[6000:9000] *= 50
    assert auto_start(audio, sr, n, step_s=0.5) == 6000
    assert auto_start(audio[:2000], sr, n) == 0


def test_a_segment_past_the_end_is_an_error_unless_padded(tmp_path):
    path = tmp_path / "song.wav"
    sf.write(path, np.ones((100, 2), np.float32), 10, subtype="FLOAT")
    with pytest.raises(InputError, match=r"song\.wav is too short.*segment\.pad"):
        read_segments(SongReader(str(path), 10, block_frames=7), [50], 80)
    (padded,) = read_segments(SongReader(str(path), 10, block_frames=7), [50], 80, pad=True)
    assert padded.shape == (80, 2) and padded[:50].all() and not padded[50:].any()


def whole_song_segments(path, sr, n, start, per_song, step_s, pad):
    """The segments as cut from the whole song in memory: read at once, resampled at once,
    the loudest window from one cumulative sum, the segments sliced and zero-padded."""
    import soxr

    from sepconv.signal.segments import segment_starts

    audio, sr_in = sf.read(path, dtype="float32", always_2d=True)
    audio = to_stereo(audio)
    if sr_in != sr:
        size = int(np.ceil(len(audio) * sr / sr_in))
        audio = soxr.resample(audio, sr_in, sr, quality="HQ")[:size]
        audio = np.pad(audio, [(0, size - len(audio)), (0, 0)])
    if start == "auto" and per_song == 1:
        power = np.square(audio, dtype=np.float64).mean(axis=1)
        cumulative = np.concatenate([[0.0], np.cumsum(power)])
        step = max(1, int(round(step_s * sr)))
        starts = np.arange(0, len(power) - n + 1, step)
        energy = cumulative[starts + n] - cumulative[starts]
        first = int(starts[int(np.argmax(energy))]) if len(power) > n else 0
    else:
        first = 0 if start == "auto" else int(round(start * sr))
    starts = segment_starts(first, len(audio), n, per_song)
    segments = [audio[s : s + n] for s in starts]
    assert pad or all(len(segment) == n for segment in segments)
    return [np.pad(x, [(0, n - len(x)), (0, 0)]) for x in segments], starts


@pytest.mark.parametrize(
    "rate,channels,subtype,start,per_song,pad",
    [
        (22_050, 1, "PCM_16", "auto", 1, False),  # mono, resampled up
        (48_000, 2, "FLOAT", "auto", 1, False),  # resampled down
        (44_100, 2, "PCM_24", "auto", 1, False),  # at the segments' rate
        (22_050, 2, "PCM_16", "auto", 3, False),  # evenly spread
        (16_000, 1, "PCM_16", 0.7, 2, False),  # from the sheet's start
        (44_100, 2, "FLOAT", 1.6, 1, True),  # past the end, padded
    ],
)
def test_block_by_block_segments_equal_the_whole_song_s(
    tmp_path, rng, rate, channels, subtype, start, per_song, pad
):
    """Reading in blocks (here 1,000 frames, so that windows and segments straddle them)
    changes no sample and no start."""
    seconds, sr, n, step = 2.3, 44_100, 44_100, 0.05
    t = np.arange(int(seconds * rate)) / rate
    loudness = 1 + 4 * np.exp(-(((t - 1.4) / 0.2) ** 2))  # a loud part at 1.4 s
    audio = 0.05 * loudness[:, None] * rng.standard_normal((len(t), channels))
    path = tmp_path / "song.wav"
    sf.write(path, audio.astype(np.float32), rate, subtype=subtype)
    expected, expected_starts = whole_song_segments(str(path), sr, n, start, per_song, step, pad)
    reader = SongReader(str(path), sr, block_frames=1_000)
    segments, starts, _ = cut_song(reader, n, start, per_song, step, pad=pad)
    assert starts == expected_starts
    assert all(np.array_equal(a, b) for a, b in zip(segments, expected, strict=True))
    assert reader.source_frames == len(t) and reader.frames == int(np.ceil(len(t) * sr / rate))


def test_to_stereo():
    mono = np.arange(4, dtype=np.float32)[:, None]
    assert to_stereo(mono).shape == (4, 2)
    with pytest.raises(InputError, match="3 channels"):
        to_stereo(np.zeros((4, 3)), "x.wav")


def test_silent_segment_is_an_error():
    with pytest.raises(InputError, match="silent"):
        check_not_silent(np.zeros((100, 2)), "quiet.wav")


def test_load_song_errors_name_the_file(tmp_path, rng):
    junk = tmp_path / "junk.wav"
    junk.write_bytes(rng.bytes(2000))
    with pytest.raises(InputError, match="cannot decode audio file .*junk.wav"):
        load_song(str(junk))
    nan = tmp_path / "nan.wav"
    sf.write(nan, np.array([0.0, np.nan, 0.1], np.float32), 8000, subtype="FLOAT")
    with pytest.raises(InputError, match="NaN"):
        load_song(str(nan))


def test_a_wav_cut_short_is_truncated_but_a_streamed_header_is_not(tmp_path, rng):
    whole = tmp_path / "whole.wav"
    sf.write(whole, 0.1 * rng.standard_normal(8000).astype(np.float32), 8000, subtype="PCM_16")
    data = whole.read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(data[:-4000])
    with pytest.raises(
        InputError, match=r"cut\.wav is truncated: its header declares 16,000 bytes"
    ):
        load_song(str(cut))
    # a streamed WAV declares a placeholder size (0xFFFFFFFF) and is read whole
    streamed = tmp_path / "streamed.wav"
    offset = data.index(b"data") + 4
    streamed.write_bytes(data[:offset] + b"\xff\xff\xff\xff" + data[offset + 4 :])
    audio, sr = load_song(str(streamed))
    assert audio.shape == (8000, 1) and sr == 8000


@pytest.mark.parametrize(
    "fmt,subtype,rates",
    [
        ("WAV", "PCM_16", (8_000, 22_050, 44_100, 48_000)),
        ("WAV", "FLOAT", (96_000,)),
        ("FLAC", "PCM_24", (16_000, 44_100, 48_000)),
        ("OGG", "VORBIS", (22_050, 44_100, 48_000)),
        ("MP3", "MPEG_LAYER_III", (22_050, 44_100, 48_000)),
        ("AIFF", "PCM_16", (44_100,)),
    ],
)
@pytest.mark.parametrize("channels", [1, 2])
def test_every_supported_format_rate_and_layout_decodes(tmp_path, fmt, subtype, rates, channels):
    for sr in rates:
        t = np.arange(sr) / sr  # one second
        tone = 0.5 * np.sin(2 * np.pi * 440 * t)
        audio = np.stack([tone] * channels, axis=1).astype(np.float32)
        path = tmp_path / f"song-{sr}-{channels}.{fmt.lower()}"
        sf.write(path, audio, sr, format=fmt, subtype=subtype)
        decoded, decoded_sr = load_song(str(path))
        assert decoded_sr == sr and decoded.shape[1] == channels
        # lossy codecs pad a little at the ends
        assert abs(decoded.shape[0] - sr) <= (0 if fmt in ("WAV", "FLAC", "AIFF") else 2_400)
        assert 0.3 < np.sqrt(np.mean(np.square(decoded))) < 0.4  # the tone's RMS, 0.354


FFMPEG = shutil.which("ffmpeg")


@pytest.mark.skipif(not FFMPEG, reason="ffmpeg is not installed (apt-get install ffmpeg)")
@pytest.mark.parametrize("suffix,codec", [("m4a", "aac"), ("aac", "aac"), ("wma", "wmav2")])
@pytest.mark.parametrize("channels", [1, 2])
def test_formats_libsndfile_lacks_decode_through_ffmpeg(tmp_path, suffix, codec, channels):
    for sr in (22_050, 44_100, 48_000):
        t = np.arange(sr) / sr  # one second
        audio = np.stack([0.5 * np.sin(2 * np.pi * 440 * t)] * channels, axis=1)
        source = tmp_path / f"source-{sr}-{channels}.wav"
        sf.write(source, audio.astype(np.float32), sr, subtype="PCM_16")
        path = tmp_path / f"song-{sr}-{channels}.{suffix}"
        cmd = [FFMPEG, "-loglevel", "error", "-y", "-i", source, "-c:a", codec, path]
        subprocess.run(cmd, check=True)
        with pytest.raises(sf.LibsndfileError):
            sf.info(path)  # the format is one that libsndfile does not read
        decoded, decoded_sr = load_song(str(path))
        assert decoded.dtype == np.float32
        assert decoded_sr == sr and decoded.shape[1] == channels
        assert abs(decoded.shape[0] - sr) <= 4_096  # encoder priming and padding
        assert 0.3 < np.sqrt(np.mean(np.square(decoded))) < 0.4  # the tone's RMS, 0.354


def test_without_ffmpeg_an_unknown_format_says_what_to_install(tmp_path, monkeypatch, rng):
    import audioread.ffdec

    monkeypatch.setattr(audioread.ffdec, "available", lambda: False)
    monkeypatch.setattr(audioread, "available_backends", lambda **_: [])
    junk = tmp_path / "song.m4a"
    junk.write_bytes(rng.bytes(2000))
    with pytest.raises(InputError) as err:
        load_song(str(junk))
    assert str(err.value) == (
        f"cannot decode audio file {junk}: not in a format that libsndfile recognises "
        "(wav, flac, ogg, mp3, ...), and ffmpeg, which decodes more (m4a, aac, ...), "
        "is not installed"
    )


def test_segment_starts_spread_evenly_and_pieces_split_them_again():
    from sepconv.signal.segments import segment_starts, split_segments

    assert segment_starts(500, 10_000, 1_000, 1) == [500]  # the paper's one segment
    assert segment_starts(0, 10_000, 1_000, 3) == [0, 4500, 9000]
    assert segment_starts(1_000, 2_500, 1_000, 3) == [1000, 1250, 1500]  # overlapping
    assert segment_starts(2_000, 2_500, 1_000, 2) == [2000, 2000]  # none fits after the start
    audio = np.arange(12).reshape(6, 2)
    parts = split_segments(audio, 2)
    assert len(parts) == 3 and parts[2].tolist() == [[8, 9], [10, 11]]
    with pytest.raises(InputError, match="not a whole number of segments of 4"):
        split_segments(audio, 4, "x.wav")
