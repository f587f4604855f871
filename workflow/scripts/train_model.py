"""Train one model on each seed's split of a block of seeds, in one process; write one run
record per seed into the block's folder. How long each part took goes to the log (one
``timings`` line per seed), not into the records."""

import json
import time

import psutil

from sepconv import layout
from sepconv.blocks import Block
from sepconv.learning import backend, gpu, runs
from sepconv.learning.splits import load_split
from sepconv.signal.tensors import Tensor
from sepconv.steps import run_step


def main(snakemake, log):
    start = time.perf_counter()
    lease = gpu.for_job(snakemake.resources, log)  # before the backend starts
    runtime = backend.configure(threads=snakemake.threads)
    log.info("keras backend %s on %s, %d thread(s)", *runtime.values())
    log.info("GPU lease %s", json.dumps(lease.record()))
    if runtime["device"] == "cpu":
        log.info("no GPU visible to this job: training on CPU")

    from sepconv.learning.models import ModelSpec
    from sepconv.learning.training import Trainer

    params = dict(snakemake.params.model)
    spec = ModelSpec.from_config(params)
    seeds = [int(seed) for seed in snakemake.params.seeds]
    tensor = Tensor.open(snakemake.input.X)  # memory-mapped: runs read it batch by batch
    # the process's start, Python's and the libraries' imports, the backend, the tensor
    startup = time.time() - psutil.Process().create_time()
    log.info(
        "model %s: %s on %s %s, channels %s; seeds %s; %.1f s since the process started",
        snakemake.wildcards.model,
        spec.conv,
        snakemake.wildcards.separator,
        spec.representation,
        [str(c) for c in tensor.channels],
        ", ".join(map(str, seeds)),
        startup,
    )
    trainer = Trainer(tensor.X.shape[1:], len(tensor.genres), spec)
    folder = snakemake.output.folder
    what = f"training block {snakemake.wildcards.separator}/{snakemake.wildcards.model}"
    with Block(folder, log, what=f"{what}/{snakemake.wildcards.seeds}") as block:
        for position, (seed, split_path) in enumerate(
            zip(seeds, snakemake.input.splits, strict=True)
        ):
            with block.item(f"seed {seed}", source=split_path):
                run_start = time.perf_counter()
                result = trainer.run(
                    tensor.X,
                    tensor.y,
                    tensor.song,
                    load_split(split_path),
                    seed,
                    log=log,
                    moments=tensor.moments,
                )
                for name, selection in result["selections"].items():
                    log.info(
                        "seed %d, %s (epoch %d): accuracy %.3f, macro F1 %.3f",
                        seed,
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
                    **runtime,
                    versions=backend.versions(),
                )
                runs.save(layout.run_file(folder, seed), record)
                timings = {key: result[key] for key in runs.TIMINGS}
                log.info(
                    "timings %s",
                    json.dumps(
                        {
                            "seed": seed,
                            "position": position,
                            "wall_time_s": time.perf_counter() - run_start,
                            **timings,
                            "startup_s": startup,
                            "build_s": trainer.build_time,
                            "since_job_start_s": time.perf_counter() - start,
                        }
                    ),
                )


run_step(snakemake, main)
