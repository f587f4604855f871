"""The genre-pair experiment of one (separator, model) on one block of genre pairs and one
block of seeds: each pair as a binary task, on each seed's shared split restricted to the
pair, in one process."""

import time

from sepconv.io import write_table
from sepconv.learning import backend, gpu
from sepconv.learning.splits import load_split
from sepconv.signal.tensors import Tensor
from sepconv.steps import run_step


def main(snakemake, log):
    start = time.perf_counter()
    lease = gpu.for_job(snakemake.resources, log)  # before the backend starts
    runtime = backend.configure(threads=snakemake.threads)
    log.info("keras backend %s on %s, %d thread(s)", *runtime.values())
    log.info("device: %s", lease.record())

    from sepconv.learning.models import ModelSpec
    from sepconv.learning.pairs import train_pairs
    from sepconv.learning.training import Trainer

    spec = ModelSpec.from_config(dict(snakemake.params.model))
    tensor = Tensor.open(snakemake.input.X)  # memory-mapped: runs read it batch by batch
    splits = {
        int(seed): load_split(path)
        for seed, path in zip(snakemake.params.seeds, snakemake.input.splits, strict=True)
    }
    pairs = [tuple(pair) for pair in snakemake.params.pairs]
    log.info(
        "model %s on %s, pairs %s, seeds %s: %d genre pairs x %d seeds = %d runs of %d epochs",
        snakemake.wildcards.model,
        snakemake.wildcards.separator,
        snakemake.wildcards.pairs,
        snakemake.wildcards.seeds,
        len(pairs),
        len(splits),
        len(pairs) * len(splits),
        spec.epochs,
    )
    trainer = Trainer(tensor.X.shape[1:], 2, spec)
    runs = train_pairs(
        trainer,
        tensor,
        pairs,
        splits,
        snakemake.wildcards.separator,
        snakemake.wildcards.model,
        log,
    )
    write_table(snakemake.output.tsv, runs)
    log.info("%d runs in %.0f s", len(pairs) * len(splits), time.perf_counter() - start)


run_step(snakemake, main)
