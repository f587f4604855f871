"""What a user would write instead of the workflow's Spleeter jobs: one Python process that
loads the model once and separates every segment in a loop (tools/benchmark_experiment.py
runs it, in envs/spleeter, with the library on PYTHONPATH).

    python tools/spleeter_loop.py --model-folder F --threads 2 --out DIR SEGMENT.wav ...

Prints one JSON line: the seconds of the imports, of building and restoring the model, and of
each song (reading, separating, writing its four stems to DIR/{song}/{stem}.wav).
"""

import time

START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402

import soundfile as sf  # noqa: E402
import tensorflow  # noqa: E402, F401
from spleeter.model import EstimatorSpecBuilder  # noqa: E402, F401

from sepconv.names import STEMS  # noqa: E402
from sepconv.separators.learned import SAMPLE_RATE, to_model_input  # noqa: E402
from sepconv.separators.spleeter import (  # noqa: E402
    fold_stems,
    load_separator,
    model_params,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("segments", nargs="+", type=Path)
    parser.add_argument("--model", default="4stems")
    parser.add_argument("--model-folder", required=True, type=Path)
    parser.add_argument("--model-params", default="{}")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args()
    imported = time.perf_counter()
    params = model_params(args.model, json.loads(args.model_params))
    params["model_dir"] = str(args.model_folder)
    separator = load_separator(params, args.model_folder, args.threads)
    loaded = time.perf_counter()
    songs = {}
    for segment in args.segments:
        began = time.perf_counter()
        audio, sr = sf.read(segment, dtype="float32", always_2d=True)
        stems = fold_stems(separator.separate(to_model_input(audio, sr)))
        folder = args.out / segment.stem
        folder.mkdir(parents=True, exist_ok=True)
        for stem in STEMS:
            sf.write(folder / f"{stem}.wav", stems[stem], SAMPLE_RATE, subtype="FLOAT")
        songs[segment.stem] = time.perf_counter() - began
    print(
        json.dumps(
            {
                "imports_s": imported - START,
                "model_s": loaded - imported,
                "songs": songs,
                "total_s": time.perf_counter() - START,
            }
        )
    )


if __name__ == "__main__":
    main()
