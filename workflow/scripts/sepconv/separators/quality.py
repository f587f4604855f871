"""Separation quality: scale-invariant SDR of an estimated stem against its reference."""

from __future__ import annotations

import numpy as np


def si_sdr(estimate: np.ndarray, reference: np.ndarray, eps: float = 1e-12) -> float:
    """Scale-invariant signal-to-distortion ratio in dB (Le Roux et al. 2019).

    Both signals are flattened; a silent reference gives ``nan``.
    """
    est = np.asarray(estimate, dtype=np.float64).ravel()
    ref = np.asarray(reference, dtype=np.float64).ravel()
    ref_energy = np.dot(ref, ref)
    if ref_energy < eps:
        return float("nan")
    target = np.dot(est, ref) / ref_energy * ref
    noise = est - target
    return float(10 * np.log10((np.dot(target, target) + eps) / (np.dot(noise, noise) + eps)))


#: Columns of ``results/separation/quality.tsv``: one row per (separator, song, stem).
QUALITY_COLUMNS = [
    "separator",
    "song",
    "genre",
    "stem",
    "si_sdr",
    "si_sdr_mixture",
    "si_sdr_improvement",
]
#: How the quality tables write their dB figures: four decimals.
QUALITY_FLOAT_FORMAT = "%.4f"


def song_quality(
    estimates: dict[str, np.ndarray], references: dict[str, np.ndarray], mixture: np.ndarray
) -> list[dict]:
    """Per stem: the SI-SDR of the estimate against the reference, that of the mixture itself
    taken as the estimate, and the improvement (their difference), in dB; NaN where the
    reference stem is silent (a song without vocals)."""
    rows = []
    for stem, reference in references.items():
        quality = si_sdr(estimates[stem], reference)
        baseline = si_sdr(mixture, reference)
        rows.append(
            {
                "stem": stem,
                "si_sdr": quality,
                "si_sdr_mixture": baseline,
                "si_sdr_improvement": quality - baseline,
            }
        )
    return rows


def summarise_quality(quality):
    """Per separator and stem, then over all stems (``stem`` = ``all``): the songs with a
    reference (a finite SI-SDR), and the median and mean SI-SDR, the median SI-SDR of the
    mixture and the median improvement, in dB."""
    import pandas as pd

    finite = quality[np.isfinite(quality["si_sdr"])]
    rows = []
    for separator, group in finite.groupby("separator", sort=False):
        parts = [*group.groupby("stem", sort=False), ("all", group)]
        for stem, part in parts:
            rows.append(
                {
                    "separator": separator,
                    "stem": stem,
                    "songs": int(part["song"].nunique()),
                    "values": len(part),
                    "si_sdr_median": float(part["si_sdr"].median()),
                    "si_sdr_mean": float(part["si_sdr"].mean()),
                    "si_sdr_mixture_median": float(part["si_sdr_mixture"].median()),
                    "si_sdr_improvement_median": float(part["si_sdr_improvement"].median()),
                }
            )
    return pd.DataFrame(rows)


def save_quality(path, quality, exact: bool = False) -> None:
    """Write a quality table (:data:`QUALITY_COLUMNS`, one row per separator, song and stem):
    the whole run's ``results/separation/quality.tsv`` (dB to four decimals), or with
    ``exact`` a block's (every digit, so that the summary over blocks is the summary over
    the songs' own figures)."""
    from ..io import write_table

    float_format = None if exact else QUALITY_FLOAT_FORMAT
    write_table(path, quality[QUALITY_COLUMNS], float_format=float_format)


def load_quality(path):
    """Read a quality table written by :func:`save_quality`."""
    import pandas as pd

    return pd.read_csv(
        path, sep="\t", dtype={"separator": str, "song": str, "genre": str, "stem": str}
    )


def combine_quality(tables, separators):
    """Blocks' quality tables as one: by separator in the order of ``separators``, then by
    song, each song's stems in their order."""
    import pandas as pd

    quality = pd.concat(list(tables), ignore_index=True)
    order = {name: position for position, name in enumerate(separators)}
    quality["_separator"] = quality["separator"].map(order)
    quality = quality.sort_values(["_separator", "song"], kind="stable")
    return quality.drop(columns="_separator").reset_index(drop=True)
