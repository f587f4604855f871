"""Demucs v4 separation, checked: a model folder whose files are missing or do not match the
checksums in their names, or stems that are no separation, are errors, never results.

Only the ``demucs`` step scripts, which run in ``envs/demucs`` (PyTorch), call
:func:`load_separator`; it imports PyTorch and Demucs. Everything else here needs only the
standard library and NumPy, so the main environment plans and tests with it.

A model folder is a Demucs local repository, the layout ``demucs --repo FOLDER -n NAME``
reads: ``NAME.yaml`` lists the signatures of the model's networks (one for ``htdemucs``, four
for the fine-tuned bag ``htdemucs_ft``), and each network is a file ``SIG-CHECKSUM.th`` whose
CHECKSUM is the first 8 hex digits of the file's SHA-256, as Demucs's released files are
named. Every file is checked against its checksum before a song is separated.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import yaml

from ..blocks import file_sha256
from ..errors import InputError
from ..names import STEMS
from . import learned

#: The default folder holding Demucs models (config ``demucs.model_dir``).
DEFAULT_FOLDER = "resources/demucs"
#: Where Demucs's released models are (its package lists each file's path below it).
RELEASE_URL = "https://dl.fbaipublicfiles.com/demucs/"
#: The sources of a 6-source model added to ``other``.
INTO_OTHER = ("guitar", "piano")
#: A network file's name: its signature and the first hex digits of its SHA-256.
FILE_NAME = re.compile(r"^(?P<sig>[^-]+)-(?P<checksum>[0-9a-f]{8,64})\.th$")


def model_folder(configured: str | None) -> Path:
    """The folder holding Demucs models: config ``demucs.model_dir``, else resources/demucs."""
    return Path(configured or DEFAULT_FOLDER)


def signatures(folder: Path, name: str) -> list[str]:
    """The signatures of the networks of model ``name`` in ``folder``: those its
    ``NAME.yaml`` lists, or ``name`` itself when it is a single network's signature."""
    bag = folder / f"{name}.yaml"
    if bag.is_file():
        try:
            listed = yaml.safe_load(bag.read_text()).get("models")
        except (yaml.YAMLError, AttributeError):
            listed = None
        if not listed or not all(isinstance(sig, str) for sig in listed):
            raise InputError(f"{bag} lists no signatures under 'models'")
        return listed
    if any(folder.glob(f"{name}-*.th")) or (folder / f"{name}.th").is_file():
        return [name]
    raise InputError(f"{folder} has no {name}.yaml (the model's list of networks)")


def network_file(folder: Path, sig: str, name: str) -> Path:
    """The file of network ``sig`` in ``folder``, checked against the checksum in its name."""
    named = sorted(p for p in folder.glob(f"{sig}-*.th") if FILE_NAME.match(p.name))
    if not named:
        bare = folder / f"{sig}.th"
        if bare.is_file():
            raise InputError(
                f"{bare} has no checksum in its name: a released network is named "
                f"{sig}-<first 8 hex digits of its SHA-256>.th, so that it can be checked"
            )
        raise InputError(f"{folder} has no weights {sig}-<checksum>.th ({name} lists {sig})")
    if len(named) > 1:
        raise InputError(
            f"{folder} has {len(named)} files for network {sig} "
            f"({', '.join(p.name for p in named)}): keep one"
        )
    path = named[0]
    expected = FILE_NAME.match(path.name)["checksum"]
    actual = file_sha256(path)[: len(expected)]
    if actual != expected:
        raise InputError(
            f"{path} does not match its checksum: its SHA-256 begins {actual}, its name says "
            f"{expected} (a corrupt or incomplete file)"
        )
    return path


def model_files(folder: str | os.PathLike, name: str) -> list[Path]:
    """Every file of model ``name`` in ``folder`` (its list, then its networks), each
    checked; :class:`~sepconv.errors.InputError` names the first that is missing or wrong."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder} does not exist")
    sigs = signatures(folder, name)
    files = [folder / f"{name}.yaml"] if (folder / f"{name}.yaml").is_file() else []
    return files + [network_file(folder, sig, name) for sig in sigs]


def model_problem(folder: str | os.PathLike, name: str) -> str | None:
    """Why ``folder`` holds no usable model ``name``, or None when it does."""
    try:
        model_files(folder, name)
    except InputError as err:
        return str(err)
    return None


def missing_model_message(name: str, folder: Path, reason: str, urls: Sequence[str] = ()) -> str:
    """The one error for a model that is neither in place nor downloadable."""
    where = (
        f"download {', '.join(urls)}"
        if urls
        else f"download its files from Demucs's release folder {RELEASE_URL} (the paths are "
        "in the demucs package's remote/files.txt)"
    )
    return (
        f"demucs model {name!r} is not usable: {reason}. Put the released model there: on a "
        f"machine with internet access, {where} and copy them with {name}.yaml (from the "
        f"demucs package's remote folder) into {folder}, or point config demucs.model_dir at a "
        "folder that holds them"
    )


def fold_stems(separated: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Demucs's sources as the workflow's four: a 6-source model's guitar and piano are added
    to ``other``."""
    return learned.fold_stems(separated, "demucs", into_other=INTO_OTHER)


def check_separation(
    stems: dict[str, np.ndarray], mixture: np.ndarray, tolerance_db: float | None
) -> dict[str, float]:
    """Refuse stems that copy the mixture or do not sum back to it within ``tolerance_db``
    (config ``demucs.sum_tolerance_db``; None: measured, not checked); return the figures.

    Demucs's networks predict each source's waveform with no constraint that they add up to
    the mixture: a trained model's stems miss a little of it, an untrained or broken one's
    most of it (a randomly initialised ``htdemucs`` leaves a residual near 0 dB).
    """
    return learned.check_separation(
        stems,
        mixture,
        mixture,
        separator="demucs",
        tolerance_db=tolerance_db,
        bound="by config demucs.sum_tolerance_db",
        cause="Demucs's networks never give this: the model is not a separator",
    )


@dataclass(frozen=True)
class Settings:
    """How Demucs applies a model: config ``demucs`` (whose defaults are Demucs's own)."""

    shifts: int
    overlap: float
    split: bool
    segment: float | None

    @classmethod
    def from_config(cls, demucs: dict | None = None) -> Settings:
        """The settings in config ``demucs`` (the schema's defaults for what it lacks)."""
        from ..config import defaults

        values = {**defaults("demucs"), **(demucs or {})}
        return cls(**{field.name: values[field.name] for field in fields(cls)})

    def to_json(self) -> str:
        """The settings as the step script's ``--settings`` argument."""
        return json.dumps(asdict(self))


@dataclass
class LoadedSeparator:
    """A Demucs model (``demucs.api.Separator``) on its device."""

    separator: object
    sources: list[str]
    device: str

    def separate(self, waveform: np.ndarray, seed: str) -> dict[str, np.ndarray]:
        """Sources of a 44.1 kHz stereo ``(n_samples, 2)`` float32 waveform. Demucs shifts
        the input by random offsets (``shifts``); they are drawn from ``seed`` (the song's
        id), so a song gets the same stems in any block and any run."""
        import random

        import torch

        random.seed(seed)
        with torch.inference_mode():
            _, separated = self.separator.separate_tensor(torch.from_numpy(waveform.T.copy()))
        return {name: audio.cpu().numpy().T for name, audio in separated.items()}


def import_backend() -> None:
    """Import PyTorch and Demucs (seconds: a job times it on its own)."""
    import torch  # noqa: F401
    from demucs.api import Separator  # noqa: F401


def load_separator(
    folder: str | os.PathLike, name: str, settings: Settings, threads: int
) -> LoadedSeparator:
    """Load model ``name`` from the local repository ``folder`` (check it first with
    :func:`model_files`) on the GPU when the job sees one, else on ``threads`` CPU threads."""
    import torch
    from demucs.api import Separator

    torch.set_num_threads(threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    separator = Separator(
        model=name,
        repo=Path(folder),
        device=device,
        shifts=settings.shifts,
        overlap=settings.overlap,
        split=settings.split,
        segment=settings.segment,
        progress=False,
    )
    sources = list(separator.model.sources)
    if separator.samplerate != learned.SAMPLE_RATE or separator.audio_channels != 2:
        raise InputError(
            f"demucs model {name!r} in {folder} works at {separator.samplerate} Hz with "
            f"{separator.audio_channels} channel(s); the workflow gives 44.1 kHz stereo"
        )
    missing = [s for s in STEMS if s not in sources]
    unknown = [s for s in sources if s not in STEMS and s not in INTO_OTHER]
    if missing or unknown:
        raise InputError(
            f"demucs model {name!r} in {folder} gives the sources {', '.join(sources)}; the "
            f"workflow needs {', '.join(STEMS)} (guitar and piano are added to other)"
        )
    return LoadedSeparator(separator, sources, device)
