"""Train one model on one seed's split; write its run record."""

import time

import pandas as pd

from sepconv.learning import backend, gpu, runs
from sepconv.signal.tensors import Tensor
from sepconv.steps import run_step


def main(snakemake, log):
    start = time.perf_counter()
    lease = gpu.for_job(snakemake.resources, log)  # before the backend starts
    runtime = backend.configure(threads=snakemake.threads)
    log.info("keras backend %s on %s, %d thread(s)", *runtime.values())
    if runtime["device"] == "cpu":
        log.info("no GPU visible to this job: training on CPU")

    from sepconv.learning.models import ModelSpec
    from sepconv.learning.training import train_run

    params = dict(snakemake.params.model)
    spec = ModelSpec.from_config(params)
    seed = int(snakemake.wildcards.seed)
    tensor = Tensor.load(snakemake.input.tensor)
    split = pd.read_csv(snakemake.input.split, sep="\t", dtype=str)
    log.info(
        "model %s: %s on %s %s, channels %s",
        snakemake.wildcards.model,
        spec.conv,
        snakemake.wildcards.separator,
        spec.representation,
        [str(c) for c in tensor.channels],
    )
    result = train_run(
        tensor.X, tensor.y, tensor.song, split, spec, seed, n_classes=len(tensor.genres), log=log
    )
    for name, selection in result["selections"].items():
        log.info(
            "%s (epoch %d): accuracy %.3f, macro F1 %.3f",
            name,
            selection["epoch"],
            selection["accuracy"],
            selection["f1_macro"],
        )
    record = runs.make_record(
        separator=snakemake.wildcards.separator,
        model=snakemake.wildcards.model,
        seed=seed,
        representation=spec.representation,
        channels=tensor.channels,
        genres=tensor.genres,
        hyperparameters=params,
        result=result,
        wall_time_s=time.perf_counter() - start,
        **runtime,
        gpu_lease=lease.record(),
        versions=backend.versions(),
    )
    runs.save(snakemake.output.json, record)


run_step(snakemake, main)
