"""Train one model on one split and measure it at each epoch-selection rule.

Keras is imported inside :class:`Trainer` and :func:`train_run`: call
:func:`sepconv.learning.backend.configure` first.

The protocol of the paper: class weights balanced from the training split, sparse categorical
cross-entropy, a fixed number of epochs, and the metrics of the epoch of minimum test loss.
That rule looks at the test set to choose the epoch, which is optimistic, so every run is
also measured at its last epoch, which does not, and, where the split holds validation songs
out of training, at the epoch of their minimum loss. Inputs are standardised per channel with
statistics of the training songs only.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from ..errors import TrainingError
from ..names import HISTORY, SELECTIONS, VALIDATION_SELECTION
from ..signal.tensors import row_moments
from .models import ModelSpec, build_model, compile_model, forward_flops
from .splits import SUBSETS


def split_positions(songs, split: pd.DataFrame) -> dict[str, np.ndarray]:
    """Positions of the songs of each subset of ``split`` (``train``, ``validation``, ``test``)
    in ``songs`` (the song of each row: every segment of a song goes to its song's side)."""
    songs = np.asarray(songs).astype(str)
    named = pd.Index(split["song"].astype(str))
    where = named.get_indexer(songs)
    if (where < 0).any() or len(np.unique(where)) != len(named):
        unknown = sorted(set(songs[where < 0]))
        absent = sorted(set(named) - set(songs))
        raise TrainingError(
            "the tensor and the split hold different songs "
            f"(only in the tensor: {unknown[:5]}, only in the split: {absent[:5]}); "
            "rebuild them from the same song table"
        )
    side = split["subset"].to_numpy()[where]
    return {subset: np.flatnonzero(side == subset) for subset in SUBSETS}


def channel_stats(
    sums: np.ndarray, squares: np.ndarray, values_per_row: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel mean and standard deviation over a set of rows, from each row's ``sums``
    and ``squares`` (:func:`~sepconv.signal.tensors.row_moments`: ``(rows, C)``) and the
    number of values of a channel in a row (mels x frames)."""
    count = len(sums) * values_per_row
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

    The inputs are read a batch at a time: ``X`` may be a memory-mapped tensor file
    (:meth:`sepconv.signal.tensors.Tensor.open`) of any size, of which a run reads the rows of
    each batch, standardises them and hands them to the backend; the standardisation's
    statistics come from the rows' moments, so no run holds more than a batch of inputs.
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
        self._moments_of, self._moments = None, None  # of an X given without its moments
        self.build_time = time.perf_counter() - start

    def _reset(self, seed: int) -> None:
        fresh = build_model(self.input_shape, self.n_classes, self.spec, seed=seed)
        for target, source in zip(self.model.variables, fresh.variables, strict=True):
            target.assign(source)
        for variable, value in zip(
            self.model.optimizer.variables, self._optimizer_start, strict=True
        ):
            variable.assign(value)

    def _f1(self, y_true, y_pred) -> float:
        """Macro F1 over the model's classes (:func:`selection_metrics`)."""
        return selection_metrics(y_true, y_pred, self.n_classes)["f1_macro"]

    def _predict(self, X: np.ndarray, rows: np.ndarray, mean, std) -> np.ndarray:
        """Class probabilities of the ``rows`` of ``X``, standardised, in chunks of at most 64
        rows."""
        import keras

        chunks = np.array_split(rows, max(1, -(-len(rows) // 64)))
        return np.concatenate(
            [
                keras.ops.convert_to_numpy(
                    self.model.predict_on_batch(standardise(X[chunk], mean, std))
                )
                for chunk in chunks
            ]
        )

    def run(
        self,
        X,
        y,
        songs,
        split: pd.DataFrame,
        seed: int,
        log=None,
        *,
        rows=None,
        moments: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> dict:
        """Train on the training songs of ``split`` and evaluate on its test songs.

        ``y`` and ``songs`` give the label and the song of each of the ``rows`` of ``X``
        (default: every row) that the run may use; ``moments`` are the sums and sums of
        squares of every row of ``X`` (:attr:`~sepconv.signal.tensors.Tensor.moments`; taken
        here, a row at a time, when not given). Songs of subset ``validation`` in ``split``
        are neither trained on nor tested: they are predicted after each epoch, as the test
        songs are, and choose the epoch of selection ``min_val_loss``.

        Returns the run's record: sizes, normalisation statistics, class weights, the
        per-epoch history (:data:`~sepconv.names.HISTORY`), the metrics at each selection
        rule (:data:`SELECTIONS`), parameter count, FLOPs and timings (seconds: ``prepare``
        the data, ``reset`` the model, the ``epochs``, of which ``predict`` went to the
        predictions of the test and validation songs after each epoch).
        """
        import keras

        if tuple(X.shape[1:]) != self.input_shape:
            raise TrainingError(
                f"inputs of shape {X.shape[1:]}, the model takes {self.input_shape}"
            )
        spec, model = self.spec, self.model
        start = time.perf_counter()
        y, songs = np.asarray(y), np.asarray(songs).astype(str)
        rows = np.arange(len(X)) if rows is None else np.asarray(rows, dtype=np.int64)
        positions = split_positions(songs, split)
        train_idx, test_idx, val_idx = (positions[s] for s in ("train", "test", "validation"))
        train_rows, test_rows, val_rows = rows[train_idx], rows[test_idx], rows[val_idx]
        if moments is None:
            if self._moments_of is not X:  # once per tensor, for every split
                self._moments_of, self._moments = X, row_moments(X)
            moments = self._moments
        sums, squares = moments
        values_per_row = X.shape[1] * X.shape[2]
        mean, std = channel_stats(sums[train_rows], squares[train_rows], values_per_row)
        y_train, y_test = y[train_idx], y[test_idx]
        test_songs = songs[test_idx]
        song_ids, first_rows = np.unique(test_songs, return_index=True)
        song_y = y_test[np.sort(first_rows)]  # every segment of a song has its label
        per_segment = len(song_ids) < len(test_songs)
        y_val, val_songs = y[val_idx], songs[val_idx]
        _, first_val = np.unique(val_songs, return_index=True)
        val_song_y = y_val[np.sort(first_val)]
        weights = class_weights(y_train)
        weight_of = np.zeros(int(y_train.max()) + 1, dtype=np.float32)
        for label, weight in weights.items():
            weight_of[label] = weight
        sample_weight = weight_of[y_train]
        prepared = time.perf_counter()
        self._reset(seed)
        if log is not None:
            log.info(
                "seed %d: %d training / %d validation / %d test rows, input %s, %d parameters, "
                "class weights %s",
                seed,
                len(train_idx),
                len(val_idx),
                len(test_idx),
                X.shape[1:],
                model.count_params(),
                {k: round(v, 3) for k, v in weights.items()},
            )
        shuffle = np.random.default_rng(seed)
        subsets = ["train", "test", *(["validation"] if len(val_idx) else [])]
        hist = {"epoch": [], **{key: [] for subset in subsets for key in HISTORY[subset]}}

        def keep(subset, loss, accuracy, f1):
            for key, value in zip(HISTORY[subset], (loss, accuracy, f1), strict=True):
                hist[key].append(float(value))

        predictions, epoch_times, predict_time = [], [], 0.0
        fit_start = time.perf_counter()
        for epoch in range(1, spec.epochs + 1):
            epoch_start = time.perf_counter()
            model.reset_metrics()
            order = shuffle.permutation(len(y_train))
            for first in range(0, len(order), spec.batch_size):
                batch = order[first : first + spec.batch_size]
                logs = model.train_on_batch(
                    standardise(X[train_rows[batch]], mean, std),
                    y_train[batch],
                    sample_weight=sample_weight[batch],
                    return_dict=True,
                )
            predict_start = time.perf_counter()
            proba = self._predict(X, test_rows, mean, std)
            penalty = sum(float(keras.ops.convert_to_numpy(x)) for x in model.losses)
            predicted = proba.argmax(axis=1)
            by_song = song_probabilities(proba, test_songs)[1].argmax(axis=1)
            predictions.append((predicted, by_song))
            hist["epoch"].append(epoch)
            keep("train", logs["loss"], logs["accuracy"], logs["f1_macro"])
            test_loss = evaluation_loss(proba, y_test, penalty)
            keep("test", test_loss, (predicted == y_test).mean(), self._f1(song_y, by_song))
            if len(val_idx):  # the held-out training songs, measured as the test songs are
                val_proba = self._predict(X, val_rows, mean, std)
                val_by_song = song_probabilities(val_proba, val_songs)[1].argmax(axis=1)
                keep(
                    "validation",
                    evaluation_loss(val_proba, y_val, penalty),
                    (val_proba.argmax(axis=1) == y_val).mean(),
                    self._f1(val_song_y, val_by_song),
                )
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

        min_test_loss, last_epoch = list(SELECTIONS)[:2]  # the paper's rule, the last epoch
        chosen = {
            min_test_loss: int(np.argmin(hist["test_loss"])),
            last_epoch: spec.epochs - 1,
        }
        if len(val_idx):  # the epoch of minimum validation loss
            chosen[VALIDATION_SELECTION] = int(np.argmin(hist["val_loss"]))
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
        return {
            "n_train": len(np.unique(songs[train_idx])),
            "n_test": len(song_ids),
            **(
                {"n_train_segments": int(len(train_idx)), "n_test_segments": int(len(test_idx))}
                if per_segment
                else {}
            ),
            **({"n_validation": len(np.unique(val_songs))} if len(val_idx) else {}),
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
    moments: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict:
    """One run of :class:`Trainer` with a model of its own (see :meth:`Trainer.run`)."""
    trainer = Trainer(X.shape[1:], n_classes, spec)
    return trainer.run(X, y, songs, split, seed, log=log, moments=moments)
