"""The ``ladder`` separators: stems of controlled quality, made from the reference stems.

A rung ``ladder-S`` (``S`` a strength in [0, 1], written as the configuration writes it:
``ladder-0``, ``ladder-0.25``, ``ladder-1``) masks the mixture's STFT, like a learned
mask-based separator (Spleeter) does, with the **ideal ratio mask** of the reference stems
blended toward the uniform mask::

    mask_j = (1 - S) * |R_j|^p / sum_k |R_k|^p  +  S / 4

where ``R_j`` is the STFT of reference stem ``j`` and ``p`` the mask's power (2: the
reference stems' power spectrograms, a Wiener mask). The masks sum to one in every bin, so
the stems sum to the mixture; the stems are linear in ``S``::

    stem_j(S) = (1 - S) * irm_j  +  S * mixture / 4

with ``irm_j`` the inverse STFT of the ideal ratio mask applied to the mixture. So at
``S = 0`` the stems are the ideal-ratio-mask estimates (close to the references, not equal:
a mask cannot undo the phases the stems share in a bin), and at ``S = 1`` every stem is a
quarter of the mixture, sample for sample: the stems carry no more than the mixture, and
quality falls smoothly between. It needs what the ``oracle`` needs (reference stems: the
synthetic corpus's, or a sheet's), and reads the oracle's stems, cut like the segment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError
from ..names import STEMS
from ..signal.spectral import istft, stft

#: A rung's separator name: ``ladder-`` and its strength.
PREFIX = "ladder-"
_NAME = re.compile(r"^ladder-(0(\.\d+)?|1(\.0+)?)$")


def is_rung(separator: str) -> bool:
    """Whether ``separator`` names a rung of the ladder (``ladder-0.5``)."""
    return separator.startswith(PREFIX)


def strength(separator: str) -> float:
    """The strength of a rung, from its name; a :class:`ConfigError` for a malformed one."""
    if not _NAME.match(separator):
        raise ConfigError(
            f"separators: {separator!r} is not a rung of the ladder: write ladder-S with S "
            "from 0 to 1 as a plain decimal (ladder-0, ladder-0.25, ladder-1)"
        )
    return float(separator[len(PREFIX) :])


@dataclass(frozen=True)
class LadderParams:
    """The STFT and mask of the ladder (config ``ladder``; defaults in the schema)."""

    n_fft: int
    hop_length: int
    power: float

    @classmethod
    def from_config(cls, ladder: dict | None = None) -> LadderParams:
        from ..config import defaults

        return cls(**{**defaults("ladder"), **(ladder or {})})


def ideal_ratio_estimates(
    mixture: np.ndarray, references: dict[str, np.ndarray], params: LadderParams
) -> dict[str, np.ndarray]:
    """The ideal-ratio-mask estimates of every stem: the mixture's STFT masked with
    ``|R_j|^p / sum_k |R_k|^p`` (the uniform mask where every reference is silent), back to
    the time domain. ``mixture`` and each reference are ``(n_samples, channels)``; so are the
    estimates (float32)."""
    n = mixture.shape[0]
    spectrum = stft(mixture.T, params.n_fft, params.hop_length)
    powers = {
        stem: np.abs(stft(np.asarray(references[stem]).T, params.n_fft, params.hop_length))
        ** params.power
        for stem in STEMS
    }
    total = sum(powers.values())
    silent = total < np.finfo(np.float32).tiny
    safe = np.where(silent, 1.0, total)
    estimates = {}
    for stem in STEMS:
        mask = np.where(silent, 1.0 / len(STEMS), powers[stem] / safe)
        estimates[stem] = istft(spectrum * mask, params.n_fft, params.hop_length, n).T
    return estimates


def blend(
    estimates: dict[str, np.ndarray], mixture: np.ndarray, rung_strength: float
) -> dict[str, np.ndarray]:
    """A rung's stems: the ideal-ratio-mask ``estimates`` blended toward a quarter of the
    ``mixture`` with ``rung_strength`` (0: the estimates; 1: the quarter, exactly)."""
    quarter = (np.asarray(mixture, dtype=np.float32) * np.float32(0.25)).astype(np.float32)
    if rung_strength >= 1.0:
        return {stem: quarter.copy() for stem in STEMS}
    keep = np.float32(1.0 - rung_strength)
    share = np.float32(rung_strength)
    return {stem: (keep * estimates[stem] + share * quarter).astype(np.float32) for stem in STEMS}


def separate_ladder(
    mixture: np.ndarray,
    references: dict[str, np.ndarray],
    rung_strength: float,
    params: LadderParams,
) -> dict[str, np.ndarray]:
    """The stems of the rung of ``rung_strength`` for one segment (see the module)."""
    if rung_strength >= 1.0:
        return blend({}, mixture, 1.0)
    return blend(ideal_ratio_estimates(mixture, references, params), mixture, rung_strength)


def separate_segments(
    audio: np.ndarray,
    references: dict[str, np.ndarray],
    n_samples: int,
    strength: float,
    params: LadderParams,
    where: str,
) -> dict[str, np.ndarray]:
    """A song's segments, ``(K * n_samples, channels)`` back to back (``where`` names the file
    in errors), each separated at the rung ``strength`` (:func:`separate_ladder`) from the
    same samples of the reference stems (``references``: the oracle's stems of the song, cut
    like its segments): its stems, back to back like the segments."""
    from ..signal.segments import split_segments

    pieces = []
    for k, piece in enumerate(split_segments(audio, n_samples, where)):
        cut = slice(k * n_samples, (k + 1) * n_samples)
        parts = {stem: references[stem][cut] for stem in STEMS}
        pieces.append(separate_ladder(piece, parts, strength, params))
    return {stem: np.concatenate([piece[stem] for piece in pieces]) for stem in STEMS}
