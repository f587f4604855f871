"""The record of one training run, ``seed{seed}.json`` in its training job's folder
(:func:`sepconv.layout.run_file`): written by training, read by the evaluation. Light to
import (JSON only).

A record holds who it is (separator, model, seed, representation, channels, genres,
hyper-parameters), what :func:`sepconv.learning.training.train_run` measured (sizes, the
per-epoch history, and accuracy, macro F1 and the confusion matrix at each selection rule of
:data:`~sepconv.names.SELECTIONS`), and what it ran on (backend, device, threads, versions).
It holds nothing that changes from one run to the next on the same machine: how long the
run took (:data:`TIMINGS`) goes to the training job's log, so that a run made again writes
the same bytes and re-runs nothing after it.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import InputError
from ..io import write_json

#: Columns of the metrics table: one row per run and selection rule.
METRIC_COLUMNS = [
    "separator",
    "model",
    "seed",
    "selection",
    "epoch",
    "accuracy",
    "f1_macro",
    "test_loss",
    "n_train",
    "n_test",
    "params",
]
#: Columns the metrics table adds where songs have several segments: the metrics of single
#: segments (the others are per song, from the mean probability over a song's segments).
SEGMENT_COLUMNS = ["segment_accuracy", "segment_f1_macro"]
#: The column the metrics table adds where a validation part is held out of the training
#: songs: its songs (``n_train`` counts the songs trained on).
VALIDATION_COLUMNS = ["n_validation"]
#: What :func:`~sepconv.learning.training.train_run` measures of its own time (seconds):
#: logged by the training job, left out of the record.
TIMINGS = ("train_time_s", "epoch_times_s", "timings_s")
REQUIRED = ("separator", "model", "seed", "genres", "selections", "n_train", "n_test", "params")


def make_record(
    *,
    separator: str,
    model: str,
    seed: int,
    representation: str,
    channels,
    genres,
    hyperparameters: dict,
    result: dict,
    **run: object,
) -> dict:
    """A run's record: its identity, the ``result`` of ``train_run`` without its
    :data:`TIMINGS`, then ``run`` (backend, device, threads, versions)."""
    return {
        "separator": separator,
        "model": model,
        "seed": int(seed),
        "representation": representation,
        "channels": [str(c) for c in channels],
        "genres": [str(g) for g in genres],
        "hyperparameters": hyperparameters,
        **{key: value for key, value in result.items() if key not in TIMINGS},
        **run,
    }


def save(path: str | Path, record: dict) -> None:
    write_json(path, record)


def load(path: str | Path) -> dict:
    """Read a run record; raises :class:`InputError` naming the file when it lacks a field."""
    record = json.loads(Path(path).read_text())
    missing = [key for key in REQUIRED if key not in record]
    if missing:
        raise InputError(f"run record {path} lacks {', '.join(missing)}")
    return record


def load_folder(folder: str | Path) -> list[dict]:
    """The run records of a training job's folder (as its listing gives them), by seed."""
    from ..blocks import read_listing

    records = [load(path) for path in read_listing(folder)]
    return sorted(records, key=lambda record: int(record["seed"]))


def metric_rows(record: dict) -> list[dict]:
    """The record's rows of the metrics table (:data:`METRIC_COLUMNS`, and
    :data:`SEGMENT_COLUMNS` where its songs had several segments, :data:`VALIDATION_COLUMNS`
    where a validation part was held out), one per selection. ``n_train`` and ``n_test``
    count songs."""
    rows = []
    for selection, chosen in record["selections"].items():
        row = {
            "separator": record["separator"],
            "model": record["model"],
            "seed": int(record["seed"]),
            "selection": selection,
            "epoch": int(chosen["epoch"]),
            "accuracy": float(chosen["accuracy"]),
            "f1_macro": float(chosen["f1_macro"]),
            "test_loss": float(chosen["test_loss"]),
            "n_train": int(record["n_train"]),
            "n_test": int(record["n_test"]),
            "params": int(record["params"]),
        }
        row.update(
            {column: float(chosen[column]) for column in SEGMENT_COLUMNS if column in chosen}
        )
        row.update(
            {column: int(record[column]) for column in VALIDATION_COLUMNS if column in record}
        )
        rows.append(row)
    return rows
