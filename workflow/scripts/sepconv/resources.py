"""What a job asks of the machine that runs it: memory (``mem_mb``) and time (``runtime``,
minutes), from the work it is given.

A cluster kills a job that outgrows its memory request or outlasts its time; a workstation
ignores both. So every rule whose work grows with the collection asks for what its work
needs: :class:`Cost` holds what a unit of a rule's work took when measured (a second of audio
synthesised or read, a segment separated or measured, a segment and channel of
spectrograms, a row and channel stacked, a row trained or tested for an epoch) and what a
job pays once; :meth:`Cost.request` turns a job's units into a request, with
:data:`MARGIN` times the measured time (the measurements are from a CPU with AVX-512; the
project's AVX2 machine took up to 2.7 times as long, docs/speed.md, and a shared node may
take longer still) and :data:`MEMORY_MARGIN` times the measured memory.
:meth:`sepconv.plan.Plan.resources` counts each job's units; docs/execution.md
("Requests that follow the data") gives the measurements.

A job's memory is what it holds itself: no job holds a collection (a segment job reads a
song block by block, stacking and training read one song's or one batch's rows at a time),
so the requests grow only by a few hundred bytes a row where a job keeps each row's label,
song and moments. Memory-mapped tensor pages are the page cache's: clean, and reclaimed
before a cgroup's limit is reached.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Times the measured time a job asks for.
MARGIN = 4
#: Times the measured peak memory a job asks for.
MEMORY_MARGIN = 1.5
#: The least a job asks for, minutes: a job starts, imports, writes and is checked.
MIN_MINUTES = 10


@dataclass(frozen=True)
class Cost:
    """What one job of a rule costs, as measured: ``startup_s`` once, ``seconds`` per unit
    of work (counted in ``unit``), a peak private memory of ``mem_mb`` and ``kb_per_row``
    more per row it keeps (tensor rows)."""

    unit: str
    seconds: float
    mem_mb: float
    startup_s: float = 5.0
    kb_per_row: float = 0.0

    def request(self, units: float, rows: int = 0) -> dict[str, int]:
        """``{"mem_mb": ..., "runtime": minutes}`` for a job of ``units`` of work that keeps
        ``rows`` rows."""
        minutes = MARGIN * (self.startup_s + units * self.seconds) / 60
        memory = MEMORY_MARGIN * (self.mem_mb + rows * self.kb_per_row / 1024)
        return {
            "mem_mb": int(100 * math.ceil(memory / 100)),
            "runtime": max(MIN_MINUTES, math.ceil(minutes)),
        }


#: What each rule's work costs: the default experiment's jobs (66 songs, 8 blocks), the run
#: at GTZAN's size (1,000 songs of three segments; the per-song steps' peak memory, which
#: grows with a song's segments) and tools/benchmark_learning.py's (1,000 to 100,000 songs),
#: on 2 cores of an AMD EPYC with AVX-512, 2026-12-08
#: (docs/execution.md#requests-that-follow-the-data). A segment is 10.6 s
#: of stereo audio at 44.1 kHz (the paper's 458 frames); a row, one segment's spectrograms of
#: 128 x 458.
COSTS = {
    "synthesize_song": Cost("second of synthetic song", seconds=0.025, mem_mb=330),
    "segment_song": Cost("second of audio read", seconds=0.005, mem_mb=330),
    "separate_oracle": Cost("segment", seconds=0.15, mem_mb=180),
    "separate_hpss": Cost("segment", seconds=1.2, mem_mb=440),
    "separate_ladder": Cost("segment", seconds=0.5, mem_mb=400),
    # Spleeter and Demucs on CPU: 1.3 s and 5.6 s a segment measured (docs/speed.md); the
    # request keeps the 15 s a segment and 10 minutes a job of the first cluster runs; their
    # memory is the config's (spleeter.mem_mb, demucs.mem_mb)
    "separate_spleeter": Cost("segment", seconds=3.75, mem_mb=0, startup_s=150),
    "separate_demucs": Cost("segment", seconds=3.75, mem_mb=0, startup_s=150),
    "compute_mel": Cost("segment and channel", seconds=0.04, mem_mb=115),
    "measure_separation": Cost("segment", seconds=0.2, mem_mb=280),
    "stack_tensor": Cost("row and channel", seconds=0.003, mem_mb=110, kb_per_row=1),
    # a row trained or tested for an epoch: a model of one channel, 128 x 458 (a channel more:
    # TRAINING_PER_CHANNEL); the private memory of TensorFlow and a few batches
    "train_model": Cost("row and epoch", seconds=0.0055, mem_mb=900, startup_s=20, kb_per_row=1),
}
#: The genre-pair experiment trains as the main experiment does.
COSTS["train_pairs"] = COSTS["train_model"]
#: What each channel beyond the first adds to a row's training time, by convolution, as a
#: share of a one-channel model's (stems3-conv: 7.1 ms an epoch's row, mix-conv 5.2 ms).
TRAINING_PER_CHANNEL = {"standard": 0.2, "separable": 0.2}
#: The values of a channel of the rows the training figures were measured on (128 x 458).
MEASURED_INPUT = 128 * 458


def training_scale(conv: str, channels: int, n_mels: int, n_frames: int) -> float:
    """A row's training time for a model with ``conv`` on ``channels`` channels of
    ``n_mels`` x ``n_frames``, relative to the measured one-channel model on 128 x 458."""
    return (1 + (channels - 1) * TRAINING_PER_CHANNEL[conv]) * n_mels * n_frames / MEASURED_INPUT
