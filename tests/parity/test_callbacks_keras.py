"""Keras 3's callbacks — EarlyStopping, ReduceLROnPlateau, ModelCheckpoint, CSVLogger, TerminateOnNaN,
LearningRateScheduler, LambdaCallback — behave as Keras 3.15 does.

Every expected value below is worked out by hand from Keras 3.15.1's source (keras/src/callbacks/<name>.py, cited at
each test) or taken from Keras' own tests (<name>_test.py) and docstrings. To know exactly what a callback sees, most
tests feed it a scripted sequence of values: either through a tiny fit() with a ``Script`` callback listed first,
which overwrites the epoch's logs, or by calling the hooks directly as Keras' own tests do.
"""
import math
import os

import numpy as np
import pytest
from helpers import assert_same_weights, linear_model

from tinygrad_acts.callbacks import (
    Callback,
    CallbackList,
    CSVLogger,
    EarlyStopping,
    LambdaCallback,
    LearningRateScheduler,
    ModelCheckpoint,
    ReduceLROnPlateau,
    TerminateOnNaN,
)
from tinygrad_acts.models import NanLossWarning, Sequential
from tinygrad_acts.optimizers import SGD, Adam, schedules

X = np.random.default_rng(0).random((6, 3), dtype=np.float32)
Y = np.random.default_rng(1).random((6, 1), dtype=np.float32)


class Script(Callback):
    """Listed first, it overwrites ``key`` in each epoch's logs, so the callbacks after it see chosen values."""

    def __init__(self, values, key="val_loss"):
        self.values, self.key = values, key

    def on_epoch_end(self, epoch, logs=None):
        logs[self.key] = self.values[epoch]


class WeightsAtEpochEnd(Callback):
    def __init__(self):
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(self.model.get_weights())


class EpochAsWeights:
    """Keras' DummyModel (early_stopping_test.py): its 'weights' are the number of the epoch that set them."""

    def __init__(self):
        self.stop_training, self.weights = False, -1

    def get_weights(self):
        return self.weights

    def set_weights(self, weights):
        self.weights = weights


def drive(callback, values, key="val_loss", model=None, set_weights_to_epoch=False, stop_at=None):
    """Call on_train_begin, then on_epoch_end per value until the model is told to stop, then on_train_end, as fit
    does. Returns the number of epochs run."""
    callback.set_model(model if model is not None else linear_model())
    callback.model.stop_training = False
    callback.on_train_begin({})
    epochs = 0
    for epoch, value in enumerate(values):
        epochs += 1
        if set_weights_to_epoch:
            callback.model.set_weights(epoch)
        callback.on_epoch_end(epoch, {key: value})
        if epoch == stop_at:
            callback.model.stop_training = True
        if callback.model.stop_training:
            break
    callback.on_train_end({})
    return epochs


# ----------------------------------------------------------------------------------------------------------------
# EarlyStopping (keras/src/callbacks/early_stopping.py, monitor_callback.py)
# ----------------------------------------------------------------------------------------------------------------
def test_early_stopping_with_patience_2_and_the_best_epoch_third_runs_5_epochs_as_keras():
    # early_stopping.py on_epoch_end: `wait += 1` comes before the comparison, an improvement sets wait = 0, and
    # training stops when `wait >= patience`: epochs 4 and 5 do not improve on epoch 3, so it stops after epoch 5
    stopper = EarlyStopping(patience=2)
    history = linear_model().fit(X, Y, epochs=10, verbose=0, validation_data=(X, Y),
                                callbacks=[Script([1.0, 0.9, 0.8, 0.85, 0.86, 0.87, 0.88, 0.89, 0.9, 0.91]), stopper])
    assert history.epoch == [0, 1, 2, 3, 4]
    assert (stopper.stopped_epoch, stopper.best, stopper.best_epoch, stopper.wait) == (4, 0.8, 2, 2)


@pytest.mark.parametrize("patience", [0, 1, 2, 3])
def test_early_stopping_stops_where_keras_own_test_says(patience):
    # early_stopping_test.py::test_early_stopping_patience: this sequence stops at epoch max(patience, 1) + 2
    stopper = EarlyStopping(monitor="loss", patience=patience)
    drive(stopper, [10.0, 9.0, 8.0, 9.0, 8.9, 8.8, 8.7, 8.6, 8.5], key="loss")
    assert stopper.stopped_epoch == max(patience, 1) + 2


def test_early_stopping_restores_the_best_epoch_s_weights_at_train_end_as_keras_own_tests():
    # early_stopping_test.py::test_early_stopping_final_weights_when_restoring_model_weights, its three cases
    stopper = EarlyStopping(patience=2, restore_best_weights=True)
    assert drive(stopper, [0.2, 0.15, 0.1, 0.11, 0.12], model=EpochAsWeights(), set_weights_to_epoch=True) == 5
    assert stopper.model.get_weights() == 2
    # no epoch beats the baseline: patience 5 runs 5 epochs, and the best of them is restored
    stopper = EarlyStopping(patience=5, baseline=0.5, restore_best_weights=True)
    assert drive(stopper, [0.9, 0.8, 0.7, 0.71, 0.72, 0.73], model=EpochAsWeights(), set_weights_to_epoch=True) == 5
    assert stopper.model.get_weights() == 2
    # another callback stops training: the best weights are restored all the same
    stopper = EarlyStopping(patience=5, baseline=0.5, restore_best_weights=True)
    assert drive(stopper, [0.9, 0.8, 0.7, 0.71, 0.72, 0.73], model=EpochAsWeights(), set_weights_to_epoch=True,
                 stop_at=3) == 4
    assert stopper.model.get_weights() == 2


def test_early_stopping_restores_the_best_weights_even_when_training_was_not_stopped():
    # early_stopping.py on_train_end restores whenever best_weights is set, not only after an early stop
    model, seen = linear_model(), WeightsAtEpochEnd()
    model.fit(X, Y, epochs=3, verbose=0, validation_data=(X, Y),
              callbacks=[Script([0.5, 0.4, 0.45]), seen, EarlyStopping(patience=5, restore_best_weights=True)])
    assert_same_weights(model.get_weights(), seen.weights[1])


def test_early_stopping_waits_start_from_epoch_epochs_before_judging():
    # early_stopping.py: `epoch < start_from_epoch` returns before anything is counted
    assert drive(EarlyStopping(patience=1), [1.0, 2.0, 3.0, 2.5, 2.6, 2.7]) == 2  # epoch 1 is worse: stop
    stopper = EarlyStopping(patience=1, start_from_epoch=2)
    assert drive(stopper, [1.0, 2.0, 3.0, 2.5, 2.6, 2.7]) == 5  # 3.0 is the first value, 2.5 improves, 2.6 does not
    assert (stopper.stopped_epoch, stopper.best, stopper.best_epoch) == (4, 2.5, 3)


@pytest.mark.parametrize("min_delta", [0.1, -0.1])
def test_an_improvement_must_exceed_min_delta_whatever_its_sign(min_delta):
    # monitor_callback.py: min_delta = abs(min_delta); mode 'min' improves when value + min_delta < best
    assert drive(EarlyStopping(patience=1), [1.0, 0.95, 0.9, 0.85]) == 4
    assert drive(EarlyStopping(patience=1, min_delta=min_delta), [1.0, 0.95, 0.9, 0.85]) == 2


def test_early_stopping_with_a_baseline_restarts_patience_only_once_the_baseline_is_beaten():
    # early_stopping.py: `if self.baseline is None or self._is_improvement(current, self.baseline): self.wait = 0`
    stopper = EarlyStopping(patience=2, baseline=0.85)
    assert drive(stopper, [0.9, 0.8, 0.81, 0.82, 0.83]) == 4  # 0.9: wait 1; 0.8 beats 0.85: wait 0; then 1, 2
    assert stopper.stopped_epoch == 3


@pytest.mark.parametrize("mode, monitor, direction", [
    ("max", "val_mse", "max"), ("min", "val_loss", "min"), ("auto", "val_mse", "min"), ("auto", "loss", "min"),
    ("auto", "acc", "max"), ("auto", "val_accuracy", "max"), ("auto", "hinge", "min"),
    ("auto", "binary_accuracy", "max"), ("auto", "val_mae", "min"),
])
def test_mode_auto_takes_the_direction_of_the_compiled_metric_as_keras_3(mode, monitor, direction):
    # early_stopping_test.py::test_early_stopping's cases; monitor_callback.py _set_monitor_op: 'loss' goes down,
    # a compiled metric goes its Metric's _direction (accuracies 'up', errors and hinges 'down')
    model = linear_model(metrics=["mse", "acc", "accuracy", "hinge", "binary_accuracy", "mae"])
    stopper = EarlyStopping(monitor=monitor, mode=mode)
    stopper.set_model(model)
    stopper.on_train_begin({})
    assert stopper.direction == direction


def my_score(y_true, y_pred):
    return np.abs(y_true - y_pred).mean(axis=-1)


@pytest.mark.parametrize("monitor, metrics", [("unknown", ["mae"]), ("val_my_score", [my_score])])
def test_mode_auto_on_a_quantity_of_unknown_direction_raises_before_training_as_keras(monitor, metrics):
    # monitor_callback.py: "Keras isn't able to automatically determine whether that metric should be maximized or
    # minimized" — a name that is not a compiled metric, or a custom function (Keras wraps it with no direction)
    model = linear_model(metrics=metrics)
    before = model.get_weights()
    with pytest.raises(ValueError, match=rf"EarlyStopping callback received monitor='{monitor}', but mode='auto' "
                                         rf"cannot tell .* Pass mode='max' .* or mode='min'"):
        model.fit(X, Y, epochs=2, verbose=0, callbacks=[EarlyStopping(monitor=monitor)])
    np.testing.assert_array_equal(model.get_weights()[0], before[0])


def test_early_stopping_on_a_missing_value_warns_as_keras_and_trains_on():
    # early_stopping.py get_monitor_value: warnings.warn(...), and the epoch is not judged
    with pytest.warns(UserWarning, match=r"Early stopping conditioned on metric `val_loss` which is not available\. "
                                         r"Available metrics are: loss,mae \(val_ values need validation_data"):
        history = linear_model().fit(X, Y, epochs=3, verbose=0, callbacks=[EarlyStopping()])
    assert history.epoch == [0, 1, 2]


def test_early_stopping_prints_keras_messages_at_train_end(capsys):
    # early_stopping.py on_train_end: f"Epoch {stopped_epoch + 1}: early stopping", then the restoring line
    linear_model().fit(X, Y, epochs=10, verbose=0, validation_data=(X, Y),
                      callbacks=[Script([1.0, 0.9, 0.8, 0.85, 0.86, 0.87, 0.88, 0.89, 0.9, 0.91]),
                                 EarlyStopping(patience=2, verbose=1, restore_best_weights=True)])
    assert capsys.readouterr().out == ("Epoch 5: early stopping\n"
                                       "Restoring model weights from the end of the best epoch: 3.\n")


def test_one_early_stopping_serves_several_fits():
    # early_stopping.py on_train_begin resets wait, stopped_epoch, best, best_weights, best_epoch (keras issue 20256)
    stopper = EarlyStopping(monitor="loss", patience=1)
    assert drive(stopper, [1.0, 2.0, 3.0], key="loss") == 2
    assert drive(stopper, [5.0, 4.0, 3.0], key="loss") == 3  # not compared with the first run's best, 1.0
    assert (stopper.best, stopper.wait, stopper.stopped_epoch) == (3.0, 0, 0)


@pytest.mark.parametrize("kwargs, message", [
    ({"mode": "maximum"}, "EarlyStopping: mode must be 'auto', 'min' or 'max', got 'maximum'"),
    ({"patience": -1}, r"EarlyStopping: patience must be a whole number of epochs >= 0, got -1"),
    ({"patience": 2.5}, r"EarlyStopping: patience must be a whole number of epochs >= 0, got 2.5"),
])
def test_early_stopping_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        EarlyStopping(**kwargs)


# ----------------------------------------------------------------------------------------------------------------
# ReduceLROnPlateau (keras/src/callbacks/reduce_lr_on_plateau.py)
# ----------------------------------------------------------------------------------------------------------------
def test_reduce_lr_counts_wait_and_cooldown_as_keras():
    # reduce_lr_on_plateau.py on_epoch_end, traced by hand for patience=2, cooldown=2, factor=0.5:
    # epoch 0 sets best; 1: wait 1; 2: wait 2 -> rate 0.5, cooldown 2; 3: cooldown 1; 4: cooldown 0, then wait 1;
    # 5: wait 2 -> 0.25, cooldown 2; 6: cooldown 1 but 0.5 improves (wait 0); 7: cooldown 0, wait 1; 8: wait 2 -> 0.125.
    # The logged 'learning_rate' is the rate the epoch used, read before any reduction.
    model = linear_model(optimizer=SGD(1.0))
    reducer = ReduceLROnPlateau(factor=0.5, patience=2, cooldown=2, min_delta=0)
    logged = []
    reducer.set_model(model)
    reducer.on_train_begin({})
    for epoch, value in enumerate([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5]):
        logs = {"val_loss": value}
        reducer.on_epoch_end(epoch, logs)
        logged.append(logs["learning_rate"])
    assert logged == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]
    assert model.optimizer.learning_rate == 0.125
    assert (reducer.wait, reducer.cooldown_counter, reducer.best) == (0, 2, 0.5)


@pytest.mark.parametrize("kwargs, epochs, rate", [
    ({"min_delta": 100}, 2, 0.01),  # test_reduces_lr_with_model_fit
    ({"min_delta": 10, "min_lr": 0.005}, 4, 0.005),  # test_honors_min_lr
    ({"min_delta": 100, "cooldown": 2}, 4, 0.001),  # test_cooldown: "after 4 epochs we will have reduced 2 times"
])
def test_reduce_lr_in_fit_gives_the_rates_of_keras_own_tests(kwargs, epochs, rate):
    # reduce_lr_on_plateau_test.py: Adam(0.1), patience=1, factor=0.1, monitor='val_loss'; a min_delta of 10 or 100
    # makes every epoch after the first a plateau
    model = linear_model(optimizer=Adam(0.1))
    model.fit(X, Y, epochs=epochs, verbose=0, validation_data=(X, Y),
              callbacks=[ReduceLROnPlateau(patience=1, factor=0.1, **kwargs)])
    assert model.optimizer.learning_rate == pytest.approx(rate, rel=1e-12)


def test_reduce_lr_stops_at_min_lr_and_prints_keras_message(capsys):
    # reduce_lr_on_plateau.py _reduce_optimizer_lr: only while rate > min_lr; new rate max(rate * factor, min_lr);
    # message f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}."
    model = linear_model(optimizer=SGD(0.1))
    reducer = ReduceLROnPlateau(monitor="loss", factor=0.1, patience=1, min_lr=0.005, verbose=1)
    drive(reducer, [1.0] * 5, key="loss", model=model)
    assert model.optimizer.learning_rate == 0.005
    assert reducer.wait == 2  # epochs 3 and 4 found the rate at min_lr: nothing reduced, so wait kept growing
    assert capsys.readouterr().out == (f"\nEpoch 2: ReduceLROnPlateau reducing learning rate to {0.1 * 0.1}.\n"
                                       f"\nEpoch 3: ReduceLROnPlateau reducing learning rate to 0.005.\n")


def test_reduce_lr_on_a_missing_value_warns_with_the_keys_including_learning_rate():
    # reduce_lr_on_plateau.py: logs['learning_rate'] is set before the monitored value is looked up
    with pytest.warns(UserWarning, match=r"Learning rate reduction is conditioned on metric `val_loss` which is not "
                                         r"available\. Available metrics are: loss,mae,learning_rate"):
        history = linear_model().fit(X, Y, epochs=2, verbose=0, callbacks=[ReduceLROnPlateau()])
    assert history.history["learning_rate"] == [0.01, 0.01]


def test_reduce_lr_cannot_change_a_schedule_as_keras():
    # reduce_lr_on_plateau_test.py::test_throws_when_optimizer_has_schedule: TypeError when the rate is set
    schedule = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    model = linear_model(optimizer=Adam(schedule))
    with pytest.raises(TypeError, match="schedule"):
        model.fit(X, Y, epochs=2, verbose=0, validation_data=(X, Y),
                  callbacks=[ReduceLROnPlateau(patience=1, min_delta=100)])


@pytest.mark.parametrize("kwargs, message", [
    ({"factor": 1.0}, r"ReduceLROnPlateau does not support a factor >= 1\.0 .* Received factor=1\.0; write e\.g\. "
                      r"factor=0\.1"),
    ({"factor": 2}, r"Received factor=2"),
    ({"factor": -0.5}, r"Received factor=-0\.5"),
    ({"patience": -1}, r"ReduceLROnPlateau: patience must be a whole number of epochs >= 0, got -1"),
    ({"cooldown": -2}, r"ReduceLROnPlateau: cooldown must be a whole number of epochs >= 0, got -2"),
    ({"min_lr": -1e-3}, r"ReduceLROnPlateau: min_lr must be a number >= 0, got -0\.001"),
    ({"mode": "up"}, r"ReduceLROnPlateau: mode must be 'auto', 'min' or 'max', got 'up'"),
])
def test_reduce_lr_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ReduceLROnPlateau(**kwargs)


# ----------------------------------------------------------------------------------------------------------------
# ModelCheckpoint (keras/src/callbacks/model_checkpoint.py)
# ----------------------------------------------------------------------------------------------------------------
def load(path):
    model = linear_model()
    model.load_weights(path)
    return model.get_weights()


def test_model_checkpoint_fills_the_filepath_from_the_epoch_counted_from_1_and_the_logs(tmp_path):
    # model_checkpoint.py _get_file_path: self.filepath.format(epoch=epoch + 1, **logs); saved after every epoch
    seen = WeightsAtEpochEnd()
    path = tmp_path / "ckpt-{epoch:02d}-{val_loss:.2f}.weights.npz"
    linear_model().fit(X, Y, epochs=3, verbose=0, validation_data=(X, Y),
                      callbacks=[Script([0.75, 0.5, 0.25]), seen, ModelCheckpoint(path, save_weights_only=True)])
    names = ["ckpt-01-0.75.weights.npz", "ckpt-02-0.50.weights.npz", "ckpt-03-0.25.weights.npz"]
    assert sorted(os.listdir(tmp_path)) == names
    for name, weights in zip(names, seen.weights, strict=True):
        assert_same_weights(load(tmp_path / name), weights)


def test_model_checkpoint_save_best_only_writes_on_improvement_and_prints_keras_messages(tmp_path, capsys):
    # model_checkpoint.py _should_save_model: saves when monitor_op(current, best); messages as there, with
    # best printed f"{best:.5f}" (or "None") and "finished saving" after each save
    seen = WeightsAtEpochEnd()
    path = str(tmp_path / "best.weights.npz")
    linear_model().fit(X, Y, epochs=4, verbose=0, validation_data=(X, Y),
                      callbacks=[Script([0.5, 0.6, 0.4, 0.45]), seen,
                                 ModelCheckpoint(path, save_best_only=True, save_weights_only=True, verbose=1)])
    assert_same_weights(load(path), seen.weights[2])
    assert capsys.readouterr().out == (
        f"\nEpoch 1: val_loss improved from None to 0.50000, saving model to {path}\n"
        f"\nEpoch 1: finished saving model to {path}\n"
        f"\nEpoch 2: val_loss did not improve from 0.50000\n"
        f"\nEpoch 3: val_loss improved from 0.50000 to 0.40000, saving model to {path}\n"
        f"\nEpoch 3: finished saving model to {path}\n"
        f"\nEpoch 4: val_loss did not improve from 0.40000\n")


def test_model_checkpoint_best_starts_at_initial_value_threshold_and_mode_max(tmp_path):
    # monitor_callback.py: best = baseline, which ModelCheckpoint passes as initial_value_threshold
    path = tmp_path / "best-{epoch}.weights.npz"
    linear_model().fit(X, Y, epochs=4, verbose=0, validation_data=(X, Y),
                      callbacks=[Script([0.5, 0.4, 0.3, 0.42]),
                                 ModelCheckpoint(path, save_best_only=True, save_weights_only=True,
                                                 initial_value_threshold=0.45)])
    assert sorted(os.listdir(tmp_path)) == ["best-2.weights.npz", "best-3.weights.npz"]
    path = tmp_path / "high-{epoch}.weights.npz"
    linear_model().fit(X, Y, epochs=4, verbose=0, validation_data=(X, Y),
                      callbacks=[Script([0.5, 0.4, 0.6, 0.6]),
                                 ModelCheckpoint(path, save_best_only=True, save_weights_only=True, mode="max")])
    assert sorted(name for name in os.listdir(tmp_path) if name.startswith("high")) == \
        ["high-1.weights.npz", "high-3.weights.npz"]


def test_model_checkpoint_with_an_integer_save_freq_saves_every_n_batches(tmp_path):
    # model_checkpoint.py _should_save_on_batch: batches counted across epochs; the file names the batch + 1.
    # 3 batches an epoch, save_freq=2: after epoch 1 batch 2, epoch 2 batch 1, epoch 2 batch 3
    path = tmp_path / "b-{epoch}-{batch}.weights.npz"
    linear_model().fit(X, Y, batch_size=2, epochs=2, verbose=0,
                      callbacks=[ModelCheckpoint(path, save_weights_only=True, save_freq=2)])
    assert sorted(os.listdir(tmp_path)) == ["b-1-2.weights.npz", "b-2-1.weights.npz", "b-2-3.weights.npz"]


def test_model_checkpoint_creates_the_folder_and_warns_when_the_best_cannot_be_judged(tmp_path):
    # model_checkpoint.py: makedirs(dirname); "Can save best model only with {monitor} available." and it saves
    path = tmp_path / "run" / "best.weights.npz"
    with pytest.warns(UserWarning, match="Can save best model only with val_loss available."):
        linear_model().fit(X, Y, epochs=1, verbose=0,
                          callbacks=[ModelCheckpoint(path, save_best_only=True, save_weights_only=True)])
    assert path.exists()


@pytest.mark.parametrize("kwargs, error, message", [
    ({"filepath": "ckpt.h5", "save_weights_only": True}, ValueError,
     r"the filepath must end in '\.weights\.h5' \(Keras weights format, written through Keras\) or '\.npz' "
     r"\(numpy's, no Keras needed\)\. Received: filepath='ckpt\.h5'; write 'ckpt\.weights\.npz'"),
    ({"filepath": "ckpt.weights.npz"}, ValueError,
     r"The filepath provided must end in '\.keras' .*filepath='ckpt\.weights\.npz'; write 'ckpt\.keras', or pass "
     r"save_weights_only=True"),
    ({"filepath": "ckpt.weights.npz", "save_weights_only": True, "save_freq": "batch"}, ValueError,
     r"Unrecognized save_freq: 'batch'"),
    ({"filepath": "ckpt.weights.npz", "save_weights_only": True, "mode": "best"}, ValueError,
     r"ModelCheckpoint: mode must be 'auto', 'min' or 'max', got 'best'"),
])
def test_model_checkpoint_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        ModelCheckpoint(**kwargs)


@pytest.mark.parametrize("filepath, save_weights_only, method", [
    ("m-{epoch}.keras", False, "save"), ("m-{epoch}.weights.h5", True, "save_weights"),
])
def test_model_checkpoint_hands_keras_file_names_to_the_model_s_save_methods(tmp_path, monkeypatch, filepath,
                                                                            save_weights_only, method):
    # model_checkpoint.py _save_model: model.save_weights(filepath) or model.save(filepath); the model decides
    # how to write .keras and .weights.h5 (here through Keras, which this test does not need: it records the calls)
    model, saved = linear_model(), []
    monkeypatch.setattr(model, method, saved.append, raising=False)
    model.fit(X, Y, epochs=2, verbose=0,
              callbacks=[ModelCheckpoint(tmp_path / filepath, save_weights_only=save_weights_only)])
    assert saved == [str(tmp_path / filepath.format(epoch=epoch)) for epoch in (1, 2)]


def test_model_checkpoint_of_a_whole_model_without_save_says_to_save_weights_before_training(tmp_path, monkeypatch):
    monkeypatch.delattr(Sequential, "save", raising=False)
    model = linear_model()
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"it has save_weights but no save\. Pass save_weights_only=True and a "
                                         r"filepath ending in '\.weights\.npz'"):
        model.fit(X, Y, epochs=1, verbose=0, callbacks=[ModelCheckpoint(tmp_path / "model.keras")])
    assert_same_weights(model.get_weights(), before)
    assert os.listdir(tmp_path) == []


def test_model_checkpoint_names_a_field_the_logs_lack(tmp_path):
    # model_checkpoint.py _get_file_path: KeyError 'Failed to format this callback filepath: ...'
    checkpoint = ModelCheckpoint(tmp_path / "{epoch}-{val_accuracy}.weights.npz", save_weights_only=True)
    with pytest.raises(KeyError, match=r"Failed to format this callback filepath: .* 'val_accuracy' is not one of "
                                       r"the fields available: \['epoch', 'loss', 'mae'\]"):
        linear_model().fit(X, Y, epochs=1, verbose=0, callbacks=[checkpoint])


# ----------------------------------------------------------------------------------------------------------------
# CSVLogger (keras/src/callbacks/csv_logger.py)
# ----------------------------------------------------------------------------------------------------------------
def log_rows(logger, rows):
    logger.set_model(linear_model())
    logger.on_train_begin({})
    for epoch, logs in enumerate(rows):
        logger.on_epoch_end(epoch, dict(logs))
    logger.on_train_end({})


def test_csv_logger_writes_epoch_then_the_sorted_keys_as_keras(tmp_path):
    # csv_logger.py: fieldnames ["epoch"] + sorted(logs); the csv module's excel dialect ends lines with \r\n;
    # numbers are written as str() writes them
    path = tmp_path / "log.csv"
    log_rows(CSVLogger(path), [{"val_loss": 0.75, "loss": 0.5, "mae": 0.25, "val_mae": 0.125},
                               {"val_loss": 0.5, "loss": 0.1 + 0.2, "mae": 1e-7, "val_mae": 3.0}])
    assert path.read_bytes() == (b"epoch,loss,mae,val_loss,val_mae\r\n"
                                 b"0,0.5,0.25,0.75,0.125\r\n"
                                 b"1,0.30000000000000004,1e-07,0.5,3.0\r\n")


def test_csv_logger_without_validation_adds_val_columns_of_na(tmp_path):
    # csv_logger.py: with no 'val_' key, keys.extend(f"val_{k}" ...), and a missing value is "NA"; a list is
    # written as the text "[1, 2]", which the csv module then quotes
    path = tmp_path / "log.csv"
    log_rows(CSVLogger(path), [{"loss": 0.5, "accuracy": 1.0}, {"loss": 0.25, "accuracy": 1.0, "sizes": [1, 2]}])
    assert path.read_bytes().decode() == ("epoch,accuracy,loss,val_accuracy,val_loss\r\n"
                                          "0,1.0,0.5,NA,NA\r\n"
                                          "1,1.0,0.25,NA,NA\r\n")
    log_rows(CSVLogger(path), [{"loss": 0.5, "sizes": np.array([1, 2])}])
    assert path.read_text().splitlines()[1] == '0,0.5,"""[1, 2]""",NA,NA'


def test_csv_logger_appends_without_a_second_header_and_uses_the_separator(tmp_path):
    # csv_logger_test.py::test_CSVLogger: a new file, then append=True twice (one reused logger): 5 lines, one header
    path = tmp_path / "log.tsv"
    fit = dict(x=X, y=Y, batch_size=4, validation_data=(X, Y), verbose=0)
    linear_model().fit(**fit, epochs=1, callbacks=[CSVLogger(path, separator="\t")])
    appender = CSVLogger(path, separator="\t", append=True)
    model = linear_model()
    model.fit(**fit, epochs=1, callbacks=[appender])
    history = model.fit(**fit, epochs=2, callbacks=[appender])
    lines = path.read_text().splitlines()
    assert len(lines) == 5 and sum("epoch" in line for line in lines) == 1
    assert all(line.count("\t") == 4 for line in lines)
    assert lines[0] == "epoch\tloss\tmae\tval_loss\tval_mae"
    assert lines[-1] == "\t".join(["1", *(str(history.history[key][1]) for key in ("loss", "mae", "val_loss",
                                                                                     "val_mae"))])


def test_csv_logger_records_what_callbacks_before_it_add_in_fit(tmp_path):
    path = tmp_path / "log.csv"
    halving = LearningRateScheduler(lambda epoch, rate: 0.1 * 0.5 ** epoch)
    history = linear_model().fit(X, Y, epochs=2, verbose=0, callbacks=[halving, CSVLogger(path)])
    lines = path.read_text().splitlines()
    assert lines == ["epoch,learning_rate,loss,mae,val_learning_rate,val_loss,val_mae",
                     f"0,0.1,{history.history['loss'][0]},{history.history['mae'][0]},NA,NA,NA",
                     f"1,0.05,{history.history['loss'][1]},{history.history['mae'][1]},NA,NA,NA"]


# ----------------------------------------------------------------------------------------------------------------
# TerminateOnNaN (keras/src/callbacks/terminate_on_nan.py)
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("loss", [math.nan, math.inf, -math.inf])
def test_terminate_on_nan_stops_at_a_nan_or_inf_batch_loss_with_keras_message(loss, capsys):
    # terminate_on_nan.py on_batch_end: print "Batch {batch}: Invalid loss, terminating training", stop_training
    callback = TerminateOnNaN()
    callback.set_model(linear_model())
    callback.on_train_batch_end(2, logs={"loss": 0.5})
    assert not callback.model.stop_training
    callback.on_train_batch_end(3, logs={"loss": loss})
    assert callback.model.stop_training
    assert capsys.readouterr().out == "Batch 3: Invalid loss, terminating training\n"


def test_terminate_on_nan_with_raise_error_raises_at_once():
    # terminate_on_nan.py: RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. ...")
    callback = TerminateOnNaN(raise_error=True)
    callback.set_model(linear_model())
    with pytest.raises(RuntimeError, match=r"NaN or Inf loss encountered at batch 3\. Loss value: nan\. "
                                           r"Terminating training immediately\."):
        callback.on_batch_end(3, logs={"loss": math.nan})


def test_terminate_on_nan_listens_to_batches_and_leaves_a_nan_in_fit_to_fit(capsys):
    # fit stops by itself before a nan step, with a NanLossWarning; the nan batch is not reported to callbacks
    model = linear_model()
    assert len(CallbackList([TerminateOnNaN()], model, "fit").listening["on_train_batch_end"]) == 1
    model.optimizer.learning_rate = 1e30  # the first step throws the weights to ~1e30: the second loss overflows
    with np.errstate(over="ignore", invalid="ignore"), pytest.warns(NanLossWarning, match="Epoch 1, batch 2"):
        history = model.fit(X, Y, batch_size=2, epochs=3, shuffle=False, verbose=0, callbacks=[TerminateOnNaN()])
    assert history.epoch == [0] and capsys.readouterr().out == ""  # the epoch ends on the good first batch


# ----------------------------------------------------------------------------------------------------------------
# LearningRateScheduler (keras/src/callbacks/learning_rate_scheduler.py)
# ----------------------------------------------------------------------------------------------------------------
def test_learning_rate_scheduler_gives_the_result_of_keras_docstring_example():
    # learning_rate_scheduler.py docstring: SGD() starts at 0.01; lr kept for 10 epochs, then * exp(-0.1) for 5:
    # round(model.optimizer.learning_rate, 5) == 0.00607 after 15 epochs
    def scheduler(epoch, lr):
        return lr if epoch < 10 else lr * math.exp(-0.1)

    model = linear_model(optimizer=SGD())
    assert round(model.optimizer.learning_rate, 5) == 0.01
    model.fit(X, Y, epochs=15, verbose=0, callbacks=[LearningRateScheduler(scheduler)])
    assert round(model.optimizer.learning_rate, 5) == 0.00607


def test_learning_rate_scheduler_takes_a_schedule_of_the_epoch_alone_and_prints_keras_message(capsys):
    # learning_rate_scheduler.py: `except TypeError: learning_rate = self.schedule(epoch)`, and the message
    # f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {learning_rate}."
    model = linear_model()
    history = model.fit(X, Y, epochs=2, verbose=0, callbacks=[LearningRateScheduler(lambda epoch: 0.1 / 2 ** epoch,
                                                                                    verbose=1)])
    assert history.history["learning_rate"] == [0.1, 0.05]
    assert capsys.readouterr().out == ("\nEpoch 1: LearningRateScheduler setting learning rate to 0.1.\n"
                                       "\nEpoch 2: LearningRateScheduler setting learning rate to 0.05.\n")


def test_learning_rate_scheduler_wants_a_float_and_a_settable_rate():
    # learning_rate_scheduler.py: "The output of the `schedule` function should be a float. Got: ..." (ValueError);
    # an optimizer built with a schedule refuses a new rate (TypeError), as Keras' optimizer does
    with pytest.raises(ValueError, match=r"should be a float\. Got: 1 of type int; write it as a float, e\.g\. 1\.0"):
        linear_model().fit(X, Y, verbose=0, callbacks=[LearningRateScheduler(lambda epoch, lr: 1)])
    model = linear_model(optimizer=SGD(schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)))
    with pytest.raises(TypeError, match="schedule"):
        model.fit(X, Y, verbose=0, callbacks=[LearningRateScheduler(lambda epoch, lr: lr / 2)])


# ----------------------------------------------------------------------------------------------------------------
# LambdaCallback (keras/src/callbacks/lambda_callback.py) and Keras 2's batch hook names (callback.py)
# ----------------------------------------------------------------------------------------------------------------
def test_lambda_callback_calls_its_functions_at_their_hooks():
    # lambda_callback.py: six named hooks, and any other hook by keyword (set on the instance)
    calls = []
    callback = LambdaCallback(on_train_begin=lambda logs: calls.append("train_begin"),
                              on_epoch_begin=lambda epoch, logs: calls.append(("epoch_begin", epoch)),
                              on_train_batch_end=lambda batch, logs: calls.append(("batch_end", batch)),
                              on_epoch_end=lambda epoch, logs: calls.append(("epoch_end", epoch, sorted(logs))),
                              on_train_end=lambda logs: calls.append("train_end"),
                              on_test_end=lambda logs: calls.append("test_end"))
    linear_model().fit(X, Y, batch_size=3, epochs=2, verbose=0, validation_data=(X, Y), callbacks=[callback])
    epoch = [("batch_end", 0), ("batch_end", 1), "test_end"]
    keys = ["loss", "mae", "val_loss", "val_mae"]
    assert calls == ["train_begin", ("epoch_begin", 0), *epoch, ("epoch_end", 0, keys),
                     ("epoch_begin", 1), *epoch, ("epoch_end", 1, keys), "train_end"]


def test_keras_2_batch_hook_names_are_called_by_the_train_batch_hooks():
    # callback.py: on_train_batch_begin/end call self.on_batch_begin/end "for backwards compatibility"
    seen = []

    class OldStyle(Callback):
        def on_batch_begin(self, batch, logs=None):
            seen.append(("begin", batch))

    linear_model().fit(X, Y, batch_size=3, epochs=2, verbose=0,
                      callbacks=[OldStyle(), LambdaCallback(on_batch_end=lambda batch, logs: seen.append(batch))])
    assert seen == [("begin", 0), 0, ("begin", 1), 1] * 2


def test_lambda_callback_rejects_what_is_not_a_hook_or_not_a_function():
    # Keras keeps any keyword silently (self.__dict__.update(kwargs)): a misspelt hook would never run
    with pytest.raises(TypeError, match=r"LambdaCallback got \['on_epoch_ends'\], which are not callback hooks; "
                                        r"the hooks are \['on_train_begin', "):
        LambdaCallback(on_epoch_ends=print)
    with pytest.raises(TypeError, match=r"LambdaCallback: on_epoch_end must be a function, got 'print'"):
        LambdaCallback(on_epoch_end="print")


def test_the_callbacks_work_together_in_one_fit(tmp_path):
    calls = []
    history = linear_model(optimizer=SGD(0.05)).fit(
        X, Y, epochs=8, verbose=0, validation_data=(X, Y),
        callbacks=[Script([1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]),
                   ReduceLROnPlateau(patience=1, factor=0.5, min_delta=0),
                   EarlyStopping(patience=3, restore_best_weights=True),
                   ModelCheckpoint(tmp_path / "best.weights.npz", save_best_only=True, save_weights_only=True),
                   CSVLogger(tmp_path / "log.csv"), TerminateOnNaN(),
                   LambdaCallback(on_epoch_end=lambda epoch, logs: calls.append(epoch))])
    # epoch 1 is the best; plateau from epoch 2: the rate halves at epochs 2 and 3 (logged the epoch after),
    # and EarlyStopping's wait reaches 3 at epoch 4
    assert history.epoch == calls == [0, 1, 2, 3, 4]
    assert history.history["learning_rate"] == [0.05, 0.05, 0.05, 0.025, 0.0125]
    assert len((tmp_path / "log.csv").read_text().splitlines()) == 6


@pytest.mark.warning_location
def test_model_checkpoints_warnings_point_at_the_code_that_called_the_callback(tmp_path):
    """As EarlyStopping's: a missing or array-valued monitor warns at the caller's line, not inside callbacks.py."""
    checkpoint = ModelCheckpoint(str(tmp_path / "best.weights.npz"), save_best_only=True, save_weights_only=True)
    checkpoint.set_model(linear_model())
    for logs in ({"loss": 0.5}, {"val_loss": np.array([0.5, 0.4])}):
        with pytest.warns(UserWarning) as caught:
            checkpoint.on_epoch_end(0, logs)
        assert caught[0].filename == __file__, caught[0].filename


@pytest.mark.warning_location
def test_early_stopping_and_reduce_lr_warn_at_the_line_that_called_them_with_a_missing_monitor():
    """A callback called by hand (or by one's own loop) with logs that lack its monitor warns at that call."""
    for callback in (EarlyStopping(monitor="val_loss"), ReduceLROnPlateau(monitor="val_loss")):
        callback.set_model(linear_model())
        with pytest.warns(UserWarning, match="val_loss") as caught:
            callback.on_epoch_end(0, {"loss": 0.5})
        assert caught[0].filename == __file__, (type(callback).__name__, caught[0].filename)
