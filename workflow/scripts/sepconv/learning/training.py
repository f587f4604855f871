"""Train one model on one split and measure it at the two epoch-selection rules.

Keras is imported inside :class:`Trainer` and :func:`train_run`: call
:func:`sepconv.learning.backend.configure` first.

The protocol of the paper: class weights balanced from the training split, sparse categorical
cross-entropy, a fixed number of epochs, and the metrics of the epoch of minimum test loss.
That rule looks at the test set to choose the epoch, which is optimistic, so every run is
also measured at its last epoch, which does not. Inputs are standardised per channel with
statistics of the training songs only.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from ..errors import TrainingError
from ..names import SELECTIONS
from .models import ModelSpec, build_model, compile_model, forward_flops


def split_indices(songs, split: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Row indices of the training and test songs of ``split`` in a tensor's ``songs`` (the
    song of each row: every segment of a song goes to its song's side)."""
    songs = [str(s) for s in songs]
    subset = dict(zip(split["song"].astype(str), split["subset"], strict=True))
    unknown = sorted(set(songs) - set(subset))
    absent = sorted(set(subset) - set(songs))
    if unknown or absent:
        raise TrainingError(
            "the tensor and the split hold different songs "
            f"(only in the tensor: {unknown[:5]}, only in the split: {absent[:5]}); "
            "rebuild them from the same song table"
        )
    train = np.array([i for i, s in enumerate(songs) if subset[s] == "train"], dtype=np.int64)
    test = np.array([i for i, s in enumerate(songs) if subset[s] == "test"], dtype=np.int64)
    return train, test


def row_moments(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row (sample) and channel: the sum and the sum of squares over mels and frames, in
    float64. Computed once per tensor, they give the statistics of any set of rows."""
    sums = np.empty((len(X), X.shape[-1]), dtype=np.float64)
    squares = np.empty_like(sums)
    for i, row in enumerate(X):
        row = row.astype(np.float64)
        sums[i] = row.sum(axis=(0, 1))
        squares[i] = np.square(row).sum(axis=(0, 1))
    return sums, squares


def channel_stats(
    X_train: np.ndarray, moments: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel mean and standard deviation over training samples, mels and frames; from
    the rows' ``moments`` (:func:`row_moments` of exactly these rows) when given."""
    sums, squares = moments if moments is not None else row_moments(X_train)
    count = len(X_train) * X_train.shape[1] * X_train.shape[2]
    mean = sums.sum(axis=0) / count
    std = np.sqrt(np.maximum(squares.sum(axis=0) / count - mean**2, 0.0))
    std = np.where(std > 0, std, 1.0)
    return mean.astype(np.float32), std.astype(np.float32)


def standardise(X: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """``(X - mean) / std`` in float32, in one new array."""
    out = np.subtract(X, mean, dtype=np.float32)
    out /= std
    return out


def class_weights(y_train: np.ndarray) -> dict[int, float]:
    """sklearn's ``balanced`` weights, n / (k * count), for the classes of the training split."""
    classes = np.unique(y_train)
    from sklearn.utils.class_weight import compute_class_weight

    weights = compute_class_weight("balanced", classes=classes, y=y_train)
    return {int(c): float(w) for c, w in zip(classes, weights, strict=True)}


def selection_metrics(y_true, y_pred, n_classes: int) -> dict:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    labels = list(range(n_classes))
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "f1_macro": float(
            f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)
        ),
        "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }


def song_probabilities(proba: np.ndarray, songs) -> tuple[np.ndarray, np.ndarray]:
    """Per song, the mean of its rows' class probabilities: ``(songs in order of first row,
    (S, G) probabilities)``. One row per song leaves the probabilities as they are."""
    songs = np.asarray([str(s) for s in songs])
    unique, first, inverse = np.unique(songs, return_index=True, return_inverse=True)
    sums = np.zeros((len(unique), proba.shape[1]), dtype=np.float64)
    np.add.at(sums, inverse, proba)
    means = sums / np.bincount(inverse)[:, None]
    order = np.argsort(first)
    return unique[order], means[order]


def evaluation_loss(proba: np.ndarray, y_true: np.ndarray, penalty: float) -> float:
    """Keras's evaluation loss from predicted probabilities: the mean sparse categorical
    cross-entropy (probabilities clipped to [1e-7, 1 - 1e-7], as Keras does) plus the
    regularisation penalty of the weights."""
    p = np.clip(np.asarray(proba, dtype=np.float64)[np.arange(len(y_true)), y_true], 1e-7, 1 - 1e-7)
    return float(-np.log(p).mean() + penalty)


class Trainer:
    """One compiled model of ``spec`` for inputs of one shape, trained afresh for each seed.

    Building and tracing a Keras model costs about as much as a few epochs of these small
    CNNs, so the model, its optimizer and its traced train and predict functions are made
    once; :meth:`run` then resets every variable (weights, batch-norm statistics, dropout seed
    state, optimizer slots and step count) to those of a model built with the run's seed
    (:func:`~sepconv.learning.models.build_model` seeds every random initialiser and the
    dropout from it). No global random state is used: a seed's run is the same whichever seeds
    ran before it in the process, identical on CPU (tested).

    The epochs are Keras's ``train_on_batch`` over the training songs, reshuffled every epoch
    by a NumPy generator seeded with the run's seed, in batches of ``batch_size`` (the last
    one smaller), with the class weights as sample weights: what ``fit`` does, without
    building a ``tf.data`` pipeline per run (its threads slowed two jobs side by side by about
    a third) and without re-seeding TensorFlow (which drops its compiled kernels).
    """

    def __init__(self, input_shape, n_classes: int, spec: ModelSpec):
        start = time.perf_counter()
        self.input_shape = tuple(input_shape)
        self.n_classes = n_classes
        self.spec = spec
        self.model = build_model(self.input_shape, n_classes, spec, seed=0)
        compile_model(self.model, spec)
        optimizer = self.model.optimizer
        optimizer.build(self.model.trainable_variables)
        self._optimizer_start = [v.numpy() for v in optimizer.variables]
        self._moments_of, self._moments = None, None
        self.build_time = time.perf_counter() - start

    def _reset(self, seed: int) -> None:
        fresh = build_model(self.input_shape, self.n_classes, self.spec, seed=seed)
        for target, source in zip(self.model.variables, fresh.variables, strict=True):
            target.assign(source)
        for variable, value in zip(
            self.model.optimizer.variables, self._optimizer_start, strict=True
        ):
            variable.assign(value)

    def _predict(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities, in chunks of at most 64 inputs."""
        import keras

        chunks = np.array_split(X, max(1, -(-len(X) // 64)))
        return np.concatenate(
            [keras.ops.convert_to_numpy(self.model.predict_on_batch(c)) for c in chunks]
        )

    def run(self, X, y, songs, split: pd.DataFrame, seed: int, log=None) -> dict:
        """Train on the training songs of ``split`` and evaluate on its test songs.

        Returns the run's record: sizes, normalisation statistics, class weights, the
        per-epoch history, the metrics at each selection rule (:data:`SELECTIONS`), parameter
        count, FLOPs and timings (seconds: ``prepare`` the data, ``reset`` the model, the
        ``epochs``, of which ``predict`` went to the test set's one prediction per epoch).
        """
        import keras

        if tuple(X.shape[1:]) != self.input_shape:
            raise TrainingError(
                f"inputs of shape {X.shape[1:]}, the model takes {self.input_shape}"
            )
        spec, model = self.spec, self.model
        start = time.perf_counter()
        train_idx, test_idx = split_indices(songs, split)
        if self._moments_of is not X:  # once per tensor, for every split
            self._moments_of, self._moments = X, row_moments(X)
        sums, squares = self._moments
        X_train, X_test = X[train_idx], X[test_idx]
        mean, std = channel_stats(X_train, (sums[train_idx], squares[train_idx]))
        X_train, X_test = standardise(X_train, mean, std), standardise(X_test, mean, std)
        y_train, y_test = y[train_idx], y[test_idx]
        test_songs = np.asarray([str(songs[i]) for i in test_idx])
        song_ids, first_rows = np.unique(test_songs, return_index=True)
        song_y = y_test[np.sort(first_rows)]  # every segment of a song has its label
        per_segment = len(song_ids) < len(test_songs)
        weights = class_weights(y_train)
        sample_weight = np.array([weights[int(c)] for c in y_train], dtype=np.float32)
        prepared = time.perf_counter()
        self._reset(seed)
        if log is not None:
            log.info(
                "seed %d: %d training / %d test songs, input %s, %d parameters, class weights %s",
                seed,
                len(train_idx),
                len(test_idx),
                X.shape[1:],
                model.count_params(),
                {k: round(v, 3) for k, v in weights.items()},
            )
        shuffle = np.random.default_rng(seed)
        hist = {"epoch": [], "loss": [], "accuracy": [], "test_loss": [], "test_accuracy": []}
        predictions, epoch_times, predict_time = [], [], 0.0
        fit_start = time.perf_counter()
        for epoch in range(1, spec.epochs + 1):
            epoch_start = time.perf_counter()
            model.reset_metrics()
            order = shuffle.permutation(len(y_train))
            for first in range(0, len(order), spec.batch_size):
                batch = order[first : first + spec.batch_size]
                logs = model.train_on_batch(
                    X_train[batch],
                    y_train[batch],
                    sample_weight=sample_weight[batch],
                    return_dict=True,
                )
            predict_start = time.perf_counter()
            proba = self._predict(X_test)
            penalty = sum(float(keras.ops.convert_to_numpy(x)) for x in model.losses)
            predicted = proba.argmax(axis=1)
            predictions.append((predicted, song_probabilities(proba, test_songs)[1].argmax(axis=1)))
            hist["epoch"].append(epoch)
            hist["loss"].append(float(logs["loss"]))
            hist["accuracy"].append(float(logs["accuracy"]))
            hist["test_loss"].append(evaluation_loss(proba, y_test, penalty))
            hist["test_accuracy"].append(float((predicted == y_test).mean()))
            now = time.perf_counter()
            predict_time += now - predict_start
            epoch_times.append(now - epoch_start)
            if log is not None:
                log.info(
                    "epoch %d/%d: loss %.4f acc %.3f | test loss %.4f acc %.3f | %.1f s",
                    epoch,
                    spec.epochs,
                    hist["loss"][-1],
                    hist["accuracy"][-1],
                    hist["test_loss"][-1],
                    hist["test_accuracy"][-1],
                    epoch_times[-1],
                )
        train_time = time.perf_counter() - fit_start

        min_test_loss, last_epoch = SELECTIONS  # the paper's rule, and the last epoch
        chosen = {
            min_test_loss: int(np.argmin(hist["test_loss"])),
            last_epoch: spec.epochs - 1,
        }
        selections = {}
        for name, index in chosen.items():
            by_segment, by_song = predictions[index]
            selections[name] = {
                "rule": SELECTIONS[name],
                "epoch": index + 1,
                "test_loss": hist["test_loss"][index],
                **selection_metrics(song_y, by_song, self.n_classes),
            }
            if per_segment:  # several segments per song: the metrics of single segments too
                segment = selection_metrics(y_test, by_segment, self.n_classes)
                selections[name].update({f"segment_{k}": v for k, v in segment.items()})
        train_songs = {str(songs[i]) for i in train_idx}
        return {
            "n_train": len(train_songs),
            "n_test": len(song_ids),
            **(
                {"n_train_segments": int(len(train_idx)), "n_test_segments": int(len(test_idx))}
                if per_segment
                else {}
            ),
            "test_songs": [str(s) for s in dict.fromkeys(test_songs)],
            "channel_mean": mean.tolist(),
            "channel_std": std.tolist(),
            "class_weights": {str(k): v for k, v in weights.items()},
            "history": hist,
            "selections": selections,
            "params": int(model.count_params()),
            "forward_flops": forward_flops(model),
            "train_time_s": train_time,
            "epoch_times_s": epoch_times,
            "timings_s": {
                "prepare": prepared - start,
                "reset": fit_start - prepared,
                "epochs": train_time,
                "predict": predict_time,
            },
        }


def train_run(
    X: np.ndarray,
    y: np.ndarray,
    songs,
    split: pd.DataFrame,
    spec: ModelSpec,
    seed: int,
    n_classes: int,
    log=None,
) -> dict:
    """One run of :class:`Trainer` with a model of its own (see :meth:`Trainer.run`)."""
    return Trainer(X.shape[1:], n_classes, spec).run(X, y, songs, split, seed, log=log)
