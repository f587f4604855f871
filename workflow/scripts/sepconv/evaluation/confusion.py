"""Mean row-normalised confusion matrices per (selection, separator, model), and their file
``results/confusion.json`` (a list of ``{selection, separator, model, genres, matrix}``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ..io import write_json

#: key of a matrix: (selection, separator, model)
Key = tuple[str, str, str]


def mean_confusion(records: Iterable[dict]) -> dict[Key, dict]:
    """``{(selection, separator, model): {"genres": [...], "matrix": (G, G)}}``: the mean over
    the runs of each confusion matrix with its rows divided by their sums (true genres
    without test songs in a run do not count for that run)."""
    matrices: dict[Key, list[np.ndarray]] = {}
    genres: dict[Key, list[str]] = {}
    for record in records:
        for selection, chosen in record["selections"].items():
            key = (selection, record["separator"], record["model"])
            counts = np.asarray(chosen["confusion"], dtype=np.float64)
            totals = counts.sum(axis=1, keepdims=True)
            normalised = np.divide(
                counts, totals, out=np.full_like(counts, np.nan), where=totals > 0
            )
            matrices.setdefault(key, []).append(normalised)
            genres[key] = list(record["genres"])
    return {
        key: {"genres": genres[key], "matrix": np.nanmean(np.stack(mats), axis=0)}
        for key, mats in matrices.items()
    }


def save(path: str | Path, confusion: dict[Key, dict]) -> None:
    write_json(
        path,
        [
            {
                "selection": selection,
                "separator": separator,
                "model": model,
                "genres": entry["genres"],
                "matrix": np.round(entry["matrix"], 6).tolist(),
            }
            for (selection, separator, model), entry in confusion.items()
        ],
    )


def load(path: str | Path) -> dict[Key, dict]:
    return {
        (e["selection"], e["separator"], e["model"]): {
            "genres": e["genres"],
            "matrix": np.array(e["matrix"], dtype=np.float64),
        }
        for e in json.loads(Path(path).read_text())
    }
