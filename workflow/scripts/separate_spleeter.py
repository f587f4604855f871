"""Spleeter separation of a block of songs into bass, drums, other and vocals.

Runs in ``envs/spleeter`` (``uv run --project envs/spleeter``), called by the
``separate_spleeter`` rule's shell command; see ``sepconv.separators.spleeter``. The model is
built and restored once, then separates every song of the block's segment folders, one
after another, into the block's folder of stems (``sepconv.blocks.Block``).
"""

import time

START = time.perf_counter()  # before the heavy imports: what they cost is in the timings

import argparse  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402

# the script's folder is first on sys.path (python runs it by its path), so `sepconv` is found
from sepconv.blocks import items_in  # noqa: E402
from sepconv.errors import InputError  # noqa: E402
from sepconv.learning import gpu  # noqa: E402
from sepconv.separators import learned  # noqa: E402
from sepconv.separators.learned import SAMPLE_RATE  # noqa: E402
from sepconv.separators.spleeter import (  # noqa: E402
    check_separation,
    checkpoint_problem,
    cutoff_hz,
    fold_stems,
    import_backend,
    load_separator,
    missing_model_message,
    model_params,
)
from sepconv.steps import run_command  # noqa: E402


def main(args, log):
    started = time.perf_counter()
    folder = Path(args.model_folder)
    problem = checkpoint_problem(folder)
    if problem:
        raise InputError(missing_model_message(args.model, folder, problem))
    segments = items_in(args.segments)
    params = model_params(args.model, json.loads(args.model_params))
    params["model_dir"] = str(folder)
    log.info("block %s: %d song(s): %s", args.block, len(segments), ", ".join(segments))
    gpu.for_job(args, log)  # before TensorFlow starts
    importing = time.perf_counter()
    import_backend()
    loading = time.perf_counter()
    log.info("TensorFlow and spleeter imported in %.2f s", loading - importing)
    separator = load_separator(params, folder, args.threads)
    loaded = time.perf_counter()
    log.info("model %s built and restored from %s in %.2f s", args.model, folder, loaded - loading)
    cutoff = cutoff_hz(separator.params)
    timings = {
        "imports_s": started - START,
        "setup_s": importing - started,
        "backend_s": loading - importing,
        "model_s": loaded - loading,
    }
    learned.separate_block(
        args,
        log,
        segments,
        separator="spleeter",
        separate=lambda song, waveform: fold_stems(separator.separate(waveform)),
        check=lambda stems, waveform: check_separation(stems, waveform, SAMPLE_RATE, cutoff),
        timings=timings,
        start=START,
        covered=f" (below {cutoff:.0f} Hz)",
    )


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="spleeter model name (4stems, 5stems)")
    parser.add_argument("--model-params", default="{}", help="JSON network overrides")
    learned.add_block_arguments(parser)
    return parser.parse_args(argv)


if __name__ == "__main__":
    run_command(main, parse(), "separate_spleeter", "block")
