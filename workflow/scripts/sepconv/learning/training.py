"""Train one model on one split and measure it at the two epoch-selection rules.

Keras is imported inside :func:`train_run`: call :func:`sepconv.learning.backend.configure`
first.

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
    """Row indices of the training and test songs of ``split`` in a tensor's ``songs``."""
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


def channel_stats(X_train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel mean and standard deviation over training samples, mels and frames."""
    mean = X_train.mean(axis=(0, 1, 2), dtype=np.float64)
    std = X_train.std(axis=(0, 1, 2), dtype=np.float64)
    std = np.where(std > 0, std, 1.0)
    return mean.astype(np.float32), std.astype(np.float32)


def standardise(X: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    return ((X - mean) / std).astype(np.float32)


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


def _callbacks():
    """The callback classes, defined once Keras is imported."""
    import keras

    class _TestPredictions(keras.callbacks.Callback):
        """Keeps the test-set class predictions of every epoch."""

        def __init__(self, X_test, batch_size):
            super().__init__()
            self.X_test = X_test
            self.batch_size = batch_size
            self.predictions: list[np.ndarray] = []

        def on_epoch_end(self, epoch, logs=None):
            proba = self.model.predict(self.X_test, batch_size=self.batch_size, verbose=0)
            self.predictions.append(np.asarray(proba).argmax(axis=1))

    class _EpochLog(keras.callbacks.Callback):
        """Times every epoch, and logs its losses and accuracies when given a logger."""

        def __init__(self, log, epochs):
            super().__init__()
            self.log = log
            self.epochs = epochs
            self.times: list[float] = []

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.times.append(time.perf_counter() - self.start)
            if self.log is None:
                return
            logs = logs or {}
            self.log.info(
                "epoch %d/%d: loss %.4f acc %.3f | test loss %.4f acc %.3f | %.1f s",
                epoch + 1,
                self.epochs,
                logs.get("loss", float("nan")),
                logs.get("accuracy", float("nan")),
                logs.get("val_loss", float("nan")),
                logs.get("val_accuracy", float("nan")),
                self.times[-1],
            )

    return _TestPredictions, _EpochLog


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
    """Train ``spec`` on the training songs of ``split`` and evaluate on its test songs.

    Returns the run's record: sizes, normalisation statistics, class weights, the per-epoch
    history, the metrics at each selection rule (:data:`SELECTIONS`), parameter count, FLOPs
    and timings.
    """
    train_idx, test_idx = split_indices(songs, split)
    mean, std = channel_stats(X[train_idx])
    X_train, X_test = standardise(X[train_idx], mean, std), standardise(X[test_idx], mean, std)
    y_train, y_test = y[train_idx], y[test_idx]
    weights = class_weights(y_train)

    import keras

    _TestPredictions, _EpochLog = _callbacks()
    keras.utils.set_random_seed(seed)
    model = build_model(X.shape[1:], n_classes, spec)
    compile_model(model, spec)
    predictions = _TestPredictions(X_test, spec.batch_size)
    epochs = _EpochLog(log, spec.epochs)
    callbacks = [predictions, epochs]
    if log is not None:
        log.info(
            "%d training / %d test songs, input %s, %d parameters, class weights %s",
            len(train_idx),
            len(test_idx),
            X.shape[1:],
            model.count_params(),
            {k: round(v, 3) for k, v in weights.items()},
        )
    start = time.perf_counter()
    history = model.fit(
        X_train,
        y_train,
        batch_size=spec.batch_size,
        epochs=spec.epochs,
        class_weight=weights,
        validation_data=(X_test, y_test),
        shuffle=True,
        verbose=0,
        callbacks=callbacks,
    ).history
    train_time = time.perf_counter() - start

    hist = {
        "epoch": list(range(1, spec.epochs + 1)),
        "loss": [float(v) for v in history["loss"]],
        "accuracy": [float(v) for v in history["accuracy"]],
        "test_loss": [float(v) for v in history["val_loss"]],
        "test_accuracy": [float(v) for v in history["val_accuracy"]],
    }
    chosen = {
        "min_test_loss": int(np.argmin(hist["test_loss"])),
        "last_epoch": spec.epochs - 1,
    }
    selections = {}
    for name, index in chosen.items():
        selections[name] = {
            "rule": SELECTIONS[name],
            "epoch": index + 1,
            "test_loss": hist["test_loss"][index],
            **selection_metrics(y_test, predictions.predictions[index], n_classes),
        }
    return {
        "n_train": int(len(train_idx)),
        "n_test": int(len(test_idx)),
        "test_songs": [str(songs[i]) for i in test_idx],
        "channel_mean": mean.tolist(),
        "channel_std": std.tolist(),
        "class_weights": {str(k): v for k, v in weights.items()},
        "history": hist,
        "selections": selections,
        "params": int(model.count_params()),
        "forward_flops": forward_flops(model),
        "train_time_s": train_time,
        "epoch_times_s": epochs.times,
    }
