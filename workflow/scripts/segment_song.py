"""Cut one segment per song: the length that gives exactly n_frames mel frames."""

from sepconv.io import write_audio, write_json
from sepconv.signal.audio import load_song, resample, to_stereo
from sepconv.signal.segments import auto_start, check_not_silent, cut_segment
from sepconv.steps import run_step


def main(snakemake, log):
    path = str(snakemake.input.audio)
    seg = snakemake.params.segment
    sr = seg["sample_rate"]
    n = int(snakemake.params.n_samples)  # the length that gives the configured mel frames
    audio, sr_in = load_song(path)
    log.info(
        "read %s: %d samples, %d channel(s), %d Hz (%.2f s)",
        path,
        audio.shape[0],
        audio.shape[1],
        sr_in,
        audio.shape[0] / sr_in,
    )
    audio = resample(to_stereo(audio, path), sr_in, sr)
    start_s = snakemake.params.start
    if start_s == "auto":
        start = auto_start(audio, sr, n, seg["search_step"])
        rule = "loudest window"
    else:
        start = int(round(float(start_s) * sr))
        rule = "sample sheet"
    # `pad` reaches only songs that may be shorter than their segment (see the rule)
    segment = cut_segment(audio, start, n, path=path, sr=sr, pad=seg.get("pad", False))
    level = check_not_silent(segment, path)
    log.info(
        "segment: start %.3f s (%s), %d samples at %d Hz (%.3f s), %.1f dBFS RMS",
        start / sr,
        rule,
        n,
        sr,
        n / sr,
        level,
    )
    write_audio(snakemake.output.segment, segment, sr)
    write_json(
        snakemake.output.info,
        {
            "song": snakemake.wildcards.song,
            "source": path,
            "source_rate": sr_in,
            "start_s": start / sr,
            "start_sample": start,
            "start_rule": rule,
            "sample_rate": sr,
            "n_samples": n,
            "rms_dbfs": round(level, 3),
        },
    )


run_step(snakemake, main)
