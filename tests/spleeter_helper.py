"""Helpers the Spleeter tests run inside ``envs/spleeter`` (which has TensorFlow 2.12).

python tests/spleeter_helper.py tiny-checkpoint FOLDER [--filters 2 4 4 4 4 4]
python tests/spleeter_helper.py si-sdr FOLDER MIXTURE.wav VOCALS.wav
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
import soundfile as sf

# envs/spleeter does not install the library: the tests put workflow/scripts on PYTHONPATH
from sepconv.separators.spleeter import load_separator, model_params


def tiny_checkpoint(folder: Path, model: str, filters: list[int]) -> None:
    """A randomly initialised ``model`` network with ``filters`` per U-Net level, saved as a
    checkpoint in ``folder`` the way spleeter's released models are laid out."""
    import tensorflow as tf
    from spleeter.model import EstimatorSpecBuilder, InputProviderFactory

    params = model_params(model, {"conv_n_filters": filters})
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.set_random_seed(0)
        features = InputProviderFactory.get(params).get_input_dict_placeholders()
        _ = EstimatorSpecBuilder(features, params).outputs  # builds the network variables
        saver = tf.compat.v1.train.Saver(save_relative_paths=True)
        with tf.compat.v1.Session(graph=graph) as session:
            session.run(tf.compat.v1.global_variables_initializer())
            folder.mkdir(parents=True, exist_ok=True)
            saver.save(session, str(folder / "model"))


def si_sdr(estimate: np.ndarray, reference: np.ndarray) -> float:
    """Scale-invariant SDR in dB (Le Roux et al. 2019), channels concatenated."""
    estimate = estimate.astype(np.float64).ravel() - estimate.mean()
    reference = reference.astype(np.float64).ravel() - reference.mean()
    target = np.dot(estimate, reference) / np.dot(reference, reference) * reference
    return float(10 * np.log10(np.sum(target**2) / np.sum((estimate - target) ** 2)))


def vocals_si_sdr(folder: Path, mixture_path: Path, vocals_path: Path) -> dict:
    """SI-SDR of spleeter's 2stems vocals and of the mixture itself against the true vocals."""
    mixture, sr = sf.read(mixture_path, dtype="float32", always_2d=True)
    vocals, _ = sf.read(vocals_path, dtype="float32", always_2d=True)
    assert sr == 44_100 and mixture.shape[1] == 2
    start = time.perf_counter()
    separator = load_separator(model_params("2stems"), folder, threads=2)
    loaded = time.perf_counter()
    estimate = separator.separate(mixture)["vocals"]
    return {
        "vocals_si_sdr_db": si_sdr(estimate, vocals),
        "mixture_si_sdr_db": si_sdr(mixture, vocals),
        "load_s": loaded - start,
        "separate_s": time.perf_counter() - loaded,
        "audio_s": len(mixture) / sr,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    tiny = sub.add_parser("tiny-checkpoint")
    tiny.add_argument("folder", type=Path)
    tiny.add_argument("--model", default="4stems")
    tiny.add_argument("--filters", type=int, nargs=6, default=[2, 4, 4, 4, 4, 4])
    sdr = sub.add_parser("si-sdr")
    sdr.add_argument("folder", type=Path)
    sdr.add_argument("mixture", type=Path)
    sdr.add_argument("vocals", type=Path)
    args = parser.parse_args()
    if args.command == "tiny-checkpoint":
        tiny_checkpoint(args.folder, args.model, args.filters)
    else:
        print(json.dumps(vocals_si_sdr(args.folder, args.mixture, args.vocals)))


if __name__ == "__main__":
    main()
