"""Spleeter separation, checked: a model folder without weights or stems that are copies of
the mixture are errors, never results.

Only the ``spleeter`` step scripts, which run in ``envs/spleeter`` (spleeter 2.4.2 pins
TensorFlow 2.12), call :func:`load_separator`; it imports TensorFlow and spleeter. Everything
else here needs only NumPy, so the main environment tests it too.

Spleeter's own ``Separator`` runs a ``tf.estimator`` that initialises the network at random
when the model folder holds no checkpoint, and so writes "stems" without a word. Here the
graph is built from spleeter's model code and restored with a ``Saver`` from a checkpoint
checked beforehand, in a session whose threads are the rule's and whose GPU memory grows as
needed (spleeter's default claims 70% of the device, so two jobs could not share it).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError
from . import learned

#: The models the workflow accepts, with the stems each gives.
MODELS = {
    "4stems": ("vocals", "drums", "bass", "other"),
    "5stems": ("vocals", "piano", "drums", "bass", "other"),
}
#: Where the released models are (spleeter's downloader fetches ``{name}.tar.gz`` from there).
RELEASE_URL = "https://github.com/deezer/spleeter/releases/download/v1.4.0"
#: The stems of a separation must sum to the band-limited mixture within this (residual
#: energy relative to the mixture's, in dB).
SUM_TOLERANCE_DB = -30.0


def model_root(configured: str | None) -> Path:
    """The folder holding spleeter models: config ``spleeter.model_dir``, else the
    ``MODEL_PATH`` environment variable (spleeter's own), else ``resources/spleeter``."""
    return Path(configured or os.environ.get("MODEL_PATH") or "resources/spleeter")


def checkpoint_problem(folder: str | os.PathLike) -> str | None:
    """Why ``folder`` holds no usable TensorFlow checkpoint, or None when it does.

    A usable folder has a ``checkpoint`` file naming a prefix whose ``.index`` and
    ``.data-*`` files exist and are not empty.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return f"{folder} does not exist"
    state = folder / "checkpoint"
    if not state.is_file():
        return f"{folder} has no 'checkpoint' file"
    prefix = None
    for line in state.read_text().splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model_checkpoint_path":
            prefix = value.strip().strip('"')
    if not prefix:
        return f"{state} names no model_checkpoint_path"
    prefix_path = Path(prefix) if Path(prefix).is_absolute() else folder / prefix
    index = prefix_path.with_name(prefix_path.name + ".index")
    data = sorted(prefix_path.parent.glob(prefix_path.name + ".data-*"))
    if not index.is_file() or index.stat().st_size == 0:
        return f"{folder} lacks the weights index {index.name}"
    if not data or any(p.stat().st_size == 0 for p in data):
        return f"{folder} lacks the weights {prefix_path.name}.data-*"
    return None


def missing_model_message(model: str, folder: Path, reason: str) -> str:
    """The one error for a model that is neither in place nor downloadable."""
    return (
        f"spleeter model {model!r} is not usable: {reason}. Put the released model there: "
        f"download {RELEASE_URL}/{model}.tar.gz on a machine with internet access and unpack "
        f"it into {folder} (it holds checkpoint, model.index, model.meta and "
        "model.data-00000-of-00001), or point config spleeter.model_dir (or MODEL_PATH) at "
        "a folder that holds it"
    )


def fold_stems(separated: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Spleeter's stems as the workflow's four: a 5stems ``piano`` is added to ``other``."""
    return learned.fold_stems(separated, "spleeter", into_other=("piano",))


def lowpass(audio: np.ndarray, sr: int, cutoff: float) -> np.ndarray:
    """``audio`` with everything above ``cutoff`` Hz removed (an ideal FFT filter)."""
    spectrum = np.fft.rfft(audio, axis=0)
    spectrum[np.fft.rfftfreq(audio.shape[0], 1 / sr) > cutoff] = 0
    return np.fft.irfft(spectrum, n=audio.shape[0], axis=0).astype(np.float32)


def check_separation(
    stems: dict[str, np.ndarray],
    mixture: np.ndarray,
    sr: int,
    cutoff: float,
    tolerance_db: float = SUM_TOLERANCE_DB,
) -> dict[str, float]:
    """Refuse stems that copy the mixture or do not sum back to it; return the figures.

    Spleeter's masks cover the spectrum up to ``cutoff`` Hz (its models zero the rest), so
    the stems must sum to the mixture low-passed there: the residual energy may be at most
    ``tolerance_db`` relative to the mixture's (:func:`.learned.check_separation`). Every stem
    a copy of the mixture is the output of a model folder without weights.
    """
    return learned.check_separation(
        stems,
        mixture,
        lowpass(mixture, sr, cutoff),
        separator="spleeter",
        tolerance_db=tolerance_db,
        bound=f"below {cutoff:.0f} Hz",
        cause="a model folder without trained weights does this",
    )


def model_params(model: str, overrides: dict | None = None) -> dict:
    """Spleeter's configuration of ``model`` (its packaged JSON), with network parameters
    from ``overrides`` (config ``spleeter.model_params``, e.g. ``conv_n_filters``)."""
    from importlib.resources import files

    params = json.loads(files("spleeter.resources").joinpath(f"{model}.json").read_text())
    params["model"]["params"].update(overrides or {})
    return params


def cutoff_hz(params: dict) -> float:
    """The highest frequency spleeter's masks cover: ``F`` of ``frame_length / 2 + 1`` bins."""
    return params["F"] * params["sample_rate"] / params["frame_length"]


@dataclass
class LoadedSeparator:
    """A restored spleeter network in its own graph and session."""

    session: object
    waveform: object  # the input placeholder, (n_samples, 2)
    outputs: dict  # stem name -> waveform tensor
    params: dict

    def separate(self, waveform: np.ndarray) -> dict[str, np.ndarray]:
        """Stems of a 44.1 kHz stereo ``(n_samples, 2)`` float32 waveform."""
        return self.session.run(self.outputs, feed_dict={self.waveform: waveform})


def import_backend() -> None:
    """Import TensorFlow and spleeter's model code (seconds: a job times it on its own)."""
    import tensorflow  # noqa: F401
    from spleeter.model import EstimatorSpecBuilder  # noqa: F401


def load_separator(params: dict, folder: str | os.PathLike, threads: int) -> LoadedSeparator:
    """Build spleeter's network for ``params`` and restore it from the checkpoint in
    ``folder`` (check it first with :func:`checkpoint_problem`)."""
    import tensorflow as tf
    from spleeter.model import EstimatorSpecBuilder, InputProviderFactory

    graph = tf.Graph()
    with graph.as_default():
        features = InputProviderFactory.get(params).get_input_dict_placeholders()
        builder = EstimatorSpecBuilder(features, params)
        outputs = {k: v for k, v in builder.outputs.items() if k != "audio_id"}
        saver = tf.compat.v1.train.Saver()
        config = tf.compat.v1.ConfigProto(
            intra_op_parallelism_threads=threads, inter_op_parallelism_threads=threads
        )
        config.gpu_options.allow_growth = True
        session = tf.compat.v1.Session(graph=graph, config=config)
        checkpoint = tf.train.latest_checkpoint(str(folder))
        try:
            saver.restore(session, checkpoint)
        except Exception as err:  # NotFoundError, InvalidArgumentError on shape mismatch
            first = str(err).strip().splitlines()[0]
            raise InputError(
                f"the checkpoint in {folder} does not fit spleeter's {params['model_dir']} "
                f"network ({first}); set spleeter.model_params to the network it was "
                "trained with"
            ) from None
    return LoadedSeparator(session, features["waveform"], outputs, params)
