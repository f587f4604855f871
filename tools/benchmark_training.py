"""Benchmark training: each model for one seed, with wall time and achieved/peak FLOP/s.

    uv run snakemake --cores all tensors        # the stacked tensors, once
    uv run python tools/benchmark_training.py   # then this, on the same results/

Per model it prints the wall time of the run (model build, training, test predictions), the
median time of an epoch after the first (which also traces and compiles), training samples
per second, and the ratio of achieved FLOP/s to the machine's measured single-precision
matrix-multiply peak on the same threads. FLOPs are counted from the model's layers
(:func:`sepconv.learning.models.forward_flops`); a training step is counted as 3 forward passes
(forward, and backward through activations and weights), a test song as 1 (one prediction
per epoch gives the test loss and the predicted classes). The peak is the median of
several 2048 x 2048 float32 matrix products through the same Keras backend.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from sepconv.learning import backend


def matmul_peak(keras, n: int = 2048, repeats: int = 7) -> float:
    """Median single-precision FLOP/s of an n x n matrix product on the configured backend."""
    import numpy as np

    rng = np.random.default_rng(0)
    a = keras.ops.convert_to_tensor(rng.standard_normal((n, n), dtype=np.float32))
    b = keras.ops.convert_to_tensor(rng.standard_normal((n, n), dtype=np.float32))
    keras.ops.convert_to_numpy(keras.ops.matmul(a, b))  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        keras.ops.convert_to_numpy(keras.ops.matmul(a, b))
        times.append(time.perf_counter() - start)
    return 2 * n**3 / statistics.median(times)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--results", default="results", help="the workflow's results directory")
    parser.add_argument("--configfile", action="append", default=[], help="overlay(s)")
    parser.add_argument("--separator", default=None, help="default: the first configured")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=None, help="default: the config's")
    parser.add_argument("--models", nargs="*", default=None, help="default: every enabled model")
    args = parser.parse_args(argv)

    runtime = backend.configure(threads=args.threads)
    import keras

    from sepconv.checks import load_config
    from sepconv.config import enabled_models
    from sepconv.corpus.songs import load_song_table
    from sepconv.layout import TENSOR_FILE
    from sepconv.learning.models import ModelSpec
    from sepconv.learning.splits import load_split, split_songs
    from sepconv.learning.training import train_run
    from sepconv.signal.tensors import Tensor

    config = load_config(*args.configfile)
    separator = args.separator or config["separators"][0]
    models = args.models or list(enabled_models(config))
    results = Path(args.results)
    split_path = results / "splits" / f"seed{args.seed}.tsv"
    if split_path.exists():
        split = load_split(split_path)
    else:
        table = load_song_table(config["dataset"], lambda song, name: "").reset_index(drop=True)
        split = split_songs(table, args.seed, config["test_size"])

    peak = matmul_peak(keras)
    print(
        f"backend {runtime['backend']} on {runtime['device']}, {args.threads} thread(s); "
        f"float32 matmul peak {peak / 1e9:.1f} GFLOP/s"
    )
    header = (
        f"{'model':<16} {'params':>7} {'MFLOP/fwd':>9} {'wall s':>7} {'epoch s':>7} "
        f"{'samples/s':>9} {'GFLOP/s':>8} {'of peak':>8}"
    )
    print(header)
    print("-" * len(header))
    for name in models:
        spec = ModelSpec.from_config(config["models"][name], args.epochs or config["epochs"])
        mix_only = config["representations"][spec.representation] == ["mixture"]
        tensor = results.parent / TENSOR_FILE.format(
            separator="none" if mix_only else separator, representation=spec.representation
        )
        if not tensor.exists():
            raise SystemExit(f"{tensor} is missing: run `uv run snakemake --cores all tensors`")
        data = Tensor.open(tensor)
        start = time.perf_counter()
        run = train_run(
            data.X,
            data.y,
            data.song,
            split,
            spec,
            args.seed,
            n_classes=len(data.genres),
            moments=data.moments,
        )
        wall = time.perf_counter() - start
        steady = run["epoch_times_s"][1:] or run["epoch_times_s"]
        epoch = statistics.median(steady)
        flops = run["forward_flops"] * (3 * run["n_train"] + run["n_test"])
        achieved = flops / epoch
        print(
            f"{name:<16} {run['params']:>7} {run['forward_flops'] / 1e6:>9.1f} {wall:>7.1f} "
            f"{epoch:>7.2f} {run['n_train'] / epoch:>9.1f} {achieved / 1e9:>8.2f} "
            f"{achieved / peak:>8.1%}"
        )


if __name__ == "__main__":
    main()
