"""Demucs separation of a block of songs into bass, drums, other and vocals.

Runs in ``envs/demucs`` (``uv run --project envs/demucs``), called by the ``separate_demucs``
rule's shell command; see ``sepconv.separators.demucs``. The model is loaded once, then
separates every song of the block's segment folders, one after another, into the block's
folder of stems (``sepconv.blocks.Block``).
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
from sepconv.separators.demucs import (  # noqa: E402
    Settings,
    check_separation,
    fold_stems,
    import_backend,
    load_separator,
    missing_model_message,
    model_files,
)
from sepconv.steps import run_command  # noqa: E402


def main(args, log):
    started = time.perf_counter()
    folder = Path(args.model_folder)
    try:
        model_files(folder, args.model)
    except InputError as err:
        raise InputError(missing_model_message(args.model, folder, str(err))) from None
    segments = items_in(args.segments)
    settings = Settings.from_config(json.loads(args.settings))
    tolerance_db = json.loads(args.sum_tolerance_db)
    log.info("block %s: %d song(s): %s", args.block, len(segments), ", ".join(segments))
    gpu.for_job(args, log)  # before PyTorch starts
    importing = time.perf_counter()
    import_backend()
    loading = time.perf_counter()
    log.info("PyTorch and demucs imported in %.2f s", loading - importing)
    separator = load_separator(folder, args.model, settings, args.threads)
    loaded = time.perf_counter()
    log.info(
        "model %s (sources %s) loaded from %s onto %s in %.2f s; %s; sum tolerance %s dB",
        args.model,
        ", ".join(separator.sources),
        folder,
        separator.device,
        loaded - loading,
        settings,
        tolerance_db,
    )
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
        separator="demucs",
        # Demucs's random shifts are drawn from the song's id
        separate=lambda song, waveform: fold_stems(separator.separate(waveform, seed=song)),
        check=lambda stems, waveform: check_separation(stems, waveform, tolerance_db),
        timings=timings,
        start=START,
    )


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="demucs model name or signature")
    parser.add_argument(
        "--settings", default="{}", help="JSON: shifts, overlap, split, segment (config demucs)"
    )
    parser.add_argument(
        "--sum-tolerance-db", default="null", help="JSON: the stems' largest residual, or null"
    )
    learned.add_block_arguments(parser)
    return parser.parse_args(argv)


if __name__ == "__main__":
    run_command(main, parse(), "separate_demucs", "block")
