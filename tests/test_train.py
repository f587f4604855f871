"""Training: learns an easy task, is deterministic, normalises with training songs only."""

import numpy as np
import pandas as pd
import pytest

from sepconv.learning import backend
from sepconv.names import SELECTIONS
from sepconv.signal.tensors import row_moments

backend.configure(threads=2)

from sepconv.errors import TrainingError  # noqa: E402
from sepconv.learning.models import ModelSpec, build_model, compile_model  # noqa: E402
from sepconv.learning.training import (  # noqa: E402
    Trainer,
    channel_stats,
    class_weights,
    evaluation_loss,
    song_probabilities,
    split_positions,
    train_run,
)

SPEC = ModelSpec.from_config(
    dict(
        representation="stems3",
        filters=(4, 8),
        pool=(2, 2),
        learning_rate=0.01,
        batch_size=8,
        epochs=6,
    )
)


def easy_task(n_per_class=16, shape=(16, 24, 3), seed=0):
    """Two genres told apart by where their energy sits: low mel bins or high ones."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(2 * n_per_class, *shape)).astype(np.float32)
    y = np.repeat([0, 1], n_per_class)
    X[y == 0, : shape[0] // 2] += 2.0
    X[y == 1, shape[0] // 2 :] += 2.0
    songs = np.array([f"song{i:02d}" for i in range(len(y))])
    genres = np.where(y == 0, "low", "high")
    split = pd.DataFrame({"song": songs, "genre": genres})
    split["subset"] = np.where(np.arange(len(y)) % n_per_class < 4, "test", "train")
    return X, y, songs, split


def test_learns_an_easy_task_well_above_chance():
    X, y, songs, split = easy_task()
    result = train_run(X, y, songs, split, SPEC, seed=1, n_classes=2)
    assert result["n_train"] == 24 and result["n_test"] == 8
    assert set(result["selections"]) == set(SELECTIONS) - {"min_val_loss"}  # no validation part
    last = result["selections"]["last_epoch"]
    assert last["epoch"] == 6
    assert last["accuracy"] >= 0.875 and last["f1_macro"] >= 0.85
    assert np.array(last["confusion"]).sum() == 8
    best = result["selections"]["min_test_loss"]
    assert best["test_loss"] == min(result["history"]["test_loss"])
    assert len(result["history"]["loss"]) == 6


def test_same_seed_gives_identical_metrics():
    X, y, songs, split = easy_task()
    runs = [train_run(X, y, songs, split, SPEC, seed=5, n_classes=2) for _ in range(2)]
    for key in ("history", "selections", "channel_mean", "params"):
        assert runs[0][key] == runs[1][key]


def test_normalisation_statistics_come_from_training_songs_only():
    X, y, songs, split = easy_task()
    test = (split["subset"] == "test").to_numpy()
    X[test] += 1000.0  # would move the statistics if test songs were used
    positions = split_positions(songs, split)
    train_idx, test_idx = positions["train"], positions["test"]
    assert not set(train_idx) & set(test_idx) and len(train_idx) + len(test_idx) == len(y)
    sums, squares = row_moments(X)
    mean, std = channel_stats(sums[train_idx], squares[train_idx], X.shape[1] * X.shape[2])
    np.testing.assert_allclose(mean, X[~test].mean(axis=(0, 1, 2)), rtol=1e-5)
    np.testing.assert_allclose(std, X[~test].std(axis=(0, 1, 2)), rtol=1e-4)
    result = train_run(X, y, songs, split, SPEC.__class__(**{**SPEC.__dict__, "epochs": 1}), 1, 2)
    np.testing.assert_allclose(result["channel_mean"], mean, rtol=1e-6)
    assert max(abs(m) for m in result["channel_mean"]) < 10


def test_class_weights_are_balanced_from_the_training_split():
    weights = class_weights(np.array([0, 0, 0, 1]))
    assert weights == pytest.approx({0: 4 / 6, 1: 2.0})


def test_a_split_of_other_songs_is_an_error():
    X, y, songs, split = easy_task()
    split.loc[0, "song"] = "elsewhere"
    with pytest.raises(TrainingError, match="different songs"):
        split_positions(songs, split)


def test_a_trainer_gives_each_seed_the_run_of_a_fresh_model():
    X, y, songs, split = easy_task()
    trainer = Trainer(X.shape[1:], 2, SPEC)
    in_turn = [trainer.run(X, y, songs, split, seed) for seed in (3, 4, 3)]
    alone = train_run(X, y, songs, split, SPEC, seed=4, n_classes=2)
    for key in ("history", "selections", "channel_mean", "class_weights", "params"):
        assert in_turn[1][key] == alone[key]
        assert in_turn[2][key] == in_turn[0][key]
    assert in_turn[0]["history"] != alone["history"]  # the seeds differ


def test_the_test_loss_is_the_loss_keras_evaluates():
    import keras

    X, y, _, _ = easy_task()
    keras.utils.set_random_seed(2)
    model = build_model(X.shape[1:], 2, SPEC)
    compile_model(model, SPEC)
    model.fit(X, y, epochs=1, batch_size=8, verbose=0)  # weights away from their start
    evaluated = model.evaluate(X, y, batch_size=8, verbose=0, return_dict=True)["loss"]
    penalty = sum(float(keras.ops.convert_to_numpy(loss)) for loss in model.losses)
    assert penalty > 0
    proba = model.predict(X, batch_size=8, verbose=0)
    assert evaluation_loss(proba, y, penalty) == pytest.approx(evaluated, rel=1e-5)


def test_song_probabilities_average_a_songs_segments():
    proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.7, 0.3]])
    songs, means = song_probabilities(proba, ["b", "a", "b", "a"])
    assert songs.tolist() == ["b", "a"]  # in order of their first rows
    np.testing.assert_allclose(means, [[0.65, 0.35], [0.45, 0.55]])
    one, same = song_probabilities(proba[:2], ["x", "y"])
    np.testing.assert_array_equal(same, proba[:2])


def test_several_segments_per_song_stay_on_their_songs_side_and_are_measured_per_song():
    """Three rows per song: every row of a song on its song's side of the split, the training
    on every training row, and the metrics per song (from the mean probability) and per
    segment; n_train and n_test count songs."""
    X, y, songs, split = easy_task()
    rng = np.random.default_rng(1)
    X3 = np.concatenate([X + 0.3 * rng.normal(size=X.shape).astype(np.float32) for _ in range(3)])
    order = np.argsort(np.tile(np.arange(len(y)), 3), kind="stable")  # a song's rows together
    X3, y3, songs3 = X3[order], np.tile(y, 3)[order], np.tile(songs, 3)[order]
    positions = split_positions(songs3, split)
    train_idx, test_idx = positions["train"], positions["test"]
    test_songs = set(split.loc[split["subset"] == "test", "song"])
    assert {songs3[i] for i in test_idx} == test_songs and len(test_idx) == 3 * len(test_songs)
    assert not {songs3[i] for i in train_idx} & test_songs
    result = train_run(X3, y3, songs3, split, SPEC, seed=1, n_classes=2)
    assert (result["n_train"], result["n_test"]) == (24, 8)
    assert (result["n_train_segments"], result["n_test_segments"]) == (72, 24)
    last = result["selections"]["last_epoch"]
    assert np.array(last["confusion"]).sum() == 8
    assert np.array(last["segment_confusion"]).sum() == 24
    assert last["accuracy"] >= 0.875 and last["segment_accuracy"] >= 0.8
    # one row per song: no segment metrics, and the per-song metrics of before
    single = train_run(X, y, songs, split, SPEC, seed=1, n_classes=2)
    assert "segment_accuracy" not in single["selections"]["last_epoch"]
    assert "n_test_segments" not in single


def test_a_run_on_a_memory_mapped_tensor_file_is_the_run_on_the_array(tmp_path):
    """Training reads a tensor file's rows batch by batch and standardises them with the
    statistics of the rows' moments: the same run, number for number, as on the array."""
    X, y, songs, split = easy_task()
    np.save(tmp_path / "X.npy", X)
    mapped = np.load(tmp_path / "X.npy", mmap_mode="r")
    in_memory = train_run(X, y, songs, split, SPEC, seed=2, n_classes=2)
    from_file = train_run(
        mapped, y, songs, split, SPEC, seed=2, n_classes=2, moments=row_moments(mapped)
    )
    for key in ("history", "selections", "channel_mean", "channel_std", "class_weights"):
        assert from_file[key] == in_memory[key]


def test_a_run_on_some_rows_of_a_tensor_is_the_run_on_those_rows_alone():
    """The genre-pair experiment trains on two genres' rows of the whole tensor, read in
    place: the same run as on a copy of those rows."""
    X, y, songs, split = easy_task()
    rng = np.random.default_rng(3)
    extra = rng.normal(size=(8, *X.shape[1:])).astype(np.float32)
    whole = np.concatenate([extra[:4], X, extra[4:]])  # rows of a third genre around them
    rows = np.arange(4, 4 + len(X))
    trainer = Trainer(X.shape[1:], 2, SPEC)
    moments = row_moments(whole)
    in_place = trainer.run(whole, y, songs, split, 4, rows=rows, moments=moments)
    copied = trainer.run(X, y, songs, split, 4)
    for key in ("history", "selections", "channel_mean", "channel_std", "n_train", "n_test"):
        assert in_place[key] == copied[key]


def test_a_validation_part_chooses_an_epoch_without_the_test_songs():
    """Songs held out as validation are neither trained on nor tested: the standardisation
    and the class weights come from the training songs alone, each epoch measures the
    validation songs as it measures the test songs, and the run gains a third selection,
    the epoch of minimum validation loss, measured on the test songs."""
    X, y, songs, split = easy_task()
    held = (split["subset"] == "train") & (np.arange(len(split)) % 16 >= 12)
    split.loc[held, "subset"] = "validation"
    X[held.to_numpy()] += 1000.0  # would move the statistics if validation songs were used
    y[held.to_numpy() & (y == 0)] = 1  # would move the class weights if they were counted
    result = train_run(X, y, songs, split, SPEC, seed=1, n_classes=2)
    assert (result["n_train"], result["n_validation"], result["n_test"]) == (16, 8, 8)
    assert max(abs(m) for m in result["channel_mean"]) < 10
    assert result["class_weights"] == {"0": 1.0, "1": 1.0}  # 8 and 8 training songs
    history = result["history"]
    assert len(history["val_loss"]) == len(history["test_f1_macro"]) == SPEC.epochs
    chosen = result["selections"]["min_val_loss"]
    assert chosen["epoch"] == int(np.argmin(history["val_loss"])) + 1
    assert chosen["test_loss"] == history["test_loss"][chosen["epoch"] - 1]
    assert chosen["f1_macro"] == pytest.approx(history["test_f1_macro"][chosen["epoch"] - 1])
    assert list(result["selections"]) == ["min_test_loss", "last_epoch", "min_val_loss"]
    # without one: the two selections, and no validation figures
    plain = train_run(*easy_task(), SPEC, seed=1, n_classes=2)
    assert list(plain["selections"]) == ["min_test_loss", "last_epoch"]
    assert "val_loss" not in plain["history"] and "n_validation" not in plain
