"""Train one model on one seed's split; write its history and metrics as JSON."""

import time

import numpy as np
import pandas as pd

from sepconv import backend, gpu
from sepconv.io import write_json
from sepconv.steps import StepError, run_step


def main(snakemake, log):
    start = time.perf_counter()
    lease = gpu.for_job(snakemake.resources, log)  # before the backend starts
    runtime = backend.configure(threads=snakemake.threads)
    log.info("keras backend %s on %s, %d thread(s)", *runtime.values())
    if runtime["device"] == "cpu":
        log.info("no GPU visible to this job: training on CPU")

    from sepconv.models import ModelSpec
    from sepconv.train import TrainingError, train_run

    params = dict(snakemake.params.model)
    spec = ModelSpec.from_config(params)
    seed = int(snakemake.wildcards.seed)
    with np.load(snakemake.input.tensor) as npz:
        X, y, songs = npz["X"], npz["y"], npz["song"]
        genres, channels = npz["genres"], npz["channels"]
    split = pd.read_csv(snakemake.input.split, sep="\t", dtype=str)
    log.info(
        "model %s: %s on %s %s, channels %s",
        snakemake.wildcards.model,
        spec.conv,
        snakemake.wildcards.separator,
        spec.representation,
        [str(c) for c in channels],
    )
    try:
        result = train_run(X, y, songs, split, spec, seed, n_classes=len(genres), log=log)
    except TrainingError as err:
        raise StepError(f"{snakemake.input.tensor} and {snakemake.input.split}: {err}") from None
    for name, selection in result["selections"].items():
        log.info(
            "%s (epoch %d): accuracy %.3f, macro F1 %.3f",
            name,
            selection["epoch"],
            selection["accuracy"],
            selection["f1_macro"],
        )
    record = {
        "separator": snakemake.wildcards.separator,
        "model": snakemake.wildcards.model,
        "seed": seed,
        "representation": spec.representation,
        "channels": [str(c) for c in channels],
        "genres": [str(g) for g in genres],
        "hyperparameters": params,
        **result,
        "wall_time_s": time.perf_counter() - start,
        **runtime,
        "gpu_lease": lease.record(),
        "versions": backend.versions(),
    }
    write_json(snakemake.output.json, record)


run_step(snakemake, main)
