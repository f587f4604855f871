"""Spleeter separation of one segment into bass, drums, other and vocals.

Runs in ``envs/spleeter`` (``uv run --project envs/spleeter``), called by the
``separate_spleeter`` rule's shell command; see ``sepconv.spleeter``.
"""

import argparse
import json
import time
from pathlib import Path

# the script's folder is first on sys.path (python runs it by its path), so `sepconv` is found
from sepconv.errors import InputError
from sepconv.io import read_audio, write_audio
from sepconv.learning import gpu
from sepconv.names import STEMS
from sepconv.separators.spleeter import (
    SAMPLE_RATE,
    check_separation,
    checkpoint_problem,
    cutoff_hz,
    fold_stems,
    load_separator,
    missing_model_message,
    model_params,
    to_model_input,
)
from sepconv.steps import run


def main(args, log):
    folder = Path(args.model_folder)
    problem = checkpoint_problem(folder)
    if problem:
        raise InputError(missing_model_message(args.model, folder, problem))
    params = model_params(args.model, json.loads(args.model_params))
    params["model_dir"] = str(folder)
    segment, sr = read_audio(args.segment)
    waveform = to_model_input(segment, sr)
    log.info(
        "segment %s: %d Hz, %d channel(s) -> 44.1 kHz stereo", args.segment, sr, segment.shape[1]
    )
    gpu.for_job(args, log)  # before TensorFlow starts
    start = time.perf_counter()
    separator = load_separator(params, folder, args.threads)
    loaded = time.perf_counter()
    log.info("model %s restored from %s in %.2f s", args.model, folder, loaded - start)
    separated = separator.separate(waveform)
    log.info(
        "separated %.2f s of audio in %.2f s",
        len(waveform) / SAMPLE_RATE,
        time.perf_counter() - loaded,
    )
    stems = fold_stems(separated)
    figures = check_separation(stems, waveform, SAMPLE_RATE, cutoff_hz(params))
    log.info(
        "stems sum to the mixture below %.0f Hz with a residual of %.1f dB; stem levels %s",
        cutoff_hz(params),
        figures["residual_db"],
        {s: round(figures[f"{s}_db"], 1) for s in STEMS},
    )
    out = Path(args.out_dir)
    for stem in STEMS:
        write_audio(out / f"{stem}.wav", stems[stem], SAMPLE_RATE)


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segment", required=True, help="the segment WAV")
    parser.add_argument("--model", required=True, help="spleeter model name (4stems, 5stems)")
    parser.add_argument("--model-folder", required=True, help="folder holding its checkpoint")
    parser.add_argument("--model-params", default="{}", help="JSON network overrides")
    parser.add_argument("--out-dir", required=True, help="where {stem}.wav are written")
    parser.add_argument("--song", required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--gpu", type=int, default=1, help="0: run on CPU; 1: lease a GPU")
    parser.add_argument("--jobs-per-gpu", type=int, default=1, help="jobs sharing one GPU")
    parser.add_argument("--log", required=True)
    return parser.parse_args(argv)


if __name__ == "__main__":
    args = parse()
    run(
        main,
        args,
        rule="separate_spleeter",
        wildcards={"song": args.song},
        threads=args.threads,
        log_path=args.log,
    )
