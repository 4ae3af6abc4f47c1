"""Callbacks: every Keras 3 hook, called in Keras' order with Keras' arguments, by fit, evaluate and predict.

The expected orders below are literal data printed by real Keras 3.15.1 (torch backend) running
tests/reference/make_keras_callback_order.py on the same setup: 6 samples in batches of 2, metrics=['mae'],
fit over 2 epochs with 4 validation samples. Each call is (hook, epoch or batch if it takes one, sorted log keys).
"""
import numpy as np
import pytest

import tinygrad_acts.backend as K
from tinygrad_acts.callbacks import (
    Callback,
    CallbackList,
    EarlyStopping,
    History,
    LearningRateScheduler,
    TerminateOnNaN,
)
from tinygrad_acts.layers import Dense
from tinygrad_acts.models import Sequential
from tinygrad_acts.optimizers import SGD

X = np.random.default_rng(0).random((6, 3), dtype=np.float32)
Y = np.random.default_rng(1).random((6, 1), dtype=np.float32)

FIT = [
    ('set_model',),
    ('set_params', {'verbose': 0, 'epochs': 2, 'steps': 3}),
    ('on_train_begin', []),
    ('on_epoch_begin', 0, []),
    ('on_train_batch_begin', 0, []),
    ('on_train_batch_end', 0, ['loss', 'mae']),
    ('on_train_batch_begin', 1, []),
    ('on_train_batch_end', 1, ['loss', 'mae']),
    ('on_train_batch_begin', 2, []),
    ('on_train_batch_end', 2, ['loss', 'mae']),
    ('on_test_begin', []),
    ('on_test_batch_begin', 0, []),
    ('on_test_batch_end', 0, ['loss', 'mae']),
    ('on_test_batch_begin', 1, []),
    ('on_test_batch_end', 1, ['loss', 'mae']),
    ('on_test_end', ['loss', 'mae']),
    ('on_epoch_end', 0, ['loss', 'mae', 'val_loss', 'val_mae']),
    ('on_epoch_begin', 1, []),
    ('on_train_batch_begin', 0, []),
    ('on_train_batch_end', 0, ['loss', 'mae']),
    ('on_train_batch_begin', 1, []),
    ('on_train_batch_end', 1, ['loss', 'mae']),
    ('on_train_batch_begin', 2, []),
    ('on_train_batch_end', 2, ['loss', 'mae']),
    ('on_test_begin', []),
    ('on_test_batch_begin', 0, []),
    ('on_test_batch_end', 0, ['loss', 'mae']),
    ('on_test_batch_begin', 1, []),
    ('on_test_batch_end', 1, ['loss', 'mae']),
    ('on_test_end', ['loss', 'mae']),
    ('on_epoch_end', 1, ['loss', 'mae', 'val_loss', 'val_mae']),
    ('on_train_end', ['loss', 'mae', 'val_loss', 'val_mae']),
]
EVALUATE = [
    ('set_model',),
    ('set_params', {'verbose': 0, 'epochs': 1, 'steps': 3}),
    ('on_test_begin', []),
    ('on_test_batch_begin', 0, []),
    ('on_test_batch_end', 0, ['loss', 'mae']),
    ('on_test_batch_begin', 1, []),
    ('on_test_batch_end', 1, ['loss', 'mae']),
    ('on_test_batch_begin', 2, []),
    ('on_test_batch_end', 2, ['loss', 'mae']),
    ('on_test_end', ['loss', 'mae']),
]
PREDICT = [
    ('set_model',),
    ('set_params', {'verbose': 0, 'epochs': 1, 'steps': 3}),
    ('on_predict_begin', []),
    ('on_predict_batch_begin', 0, []),
    ('on_predict_batch_end', 0, ['outputs']),
    ('on_predict_batch_begin', 1, []),
    ('on_predict_batch_end', 1, ['outputs']),
    ('on_predict_batch_begin', 2, []),
    ('on_predict_batch_end', 2, ['outputs']),
    ('on_predict_end', []),
]
STOP = [
    ('set_model',),
    ('set_params', {'verbose': 0, 'epochs': 2, 'steps': 3}),
    ('on_train_begin', []),
    ('on_epoch_begin', 0, []),
    ('on_train_batch_begin', 0, []),
    ('on_train_batch_end', 0, ['loss', 'mae']),
    ('on_test_begin', []),
    ('on_test_batch_begin', 0, []),
    ('on_test_batch_end', 0, ['loss', 'mae']),
    ('on_test_batch_begin', 1, []),
    ('on_test_batch_end', 1, ['loss', 'mae']),
    ('on_test_end', ['loss', 'mae']),
    ('on_epoch_end', 0, ['loss', 'mae', 'val_loss', 'val_mae']),
    ('on_train_end', ['loss', 'mae', 'val_loss', 'val_mae']),
]


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    K.set_random_seed(0)


def small_model(learning_rate=0.01):
    model = Sequential([Dense(1, input_shape=(3,))])
    model.compile(optimizer=SGD(learning_rate), loss="mse", metrics=["mae"])
    return model


class Recorder(Callback):
    """Writes down every call — (hook, epoch or batch, sorted log keys) — and keeps each logs dict it was given."""

    def __init__(self):
        self.calls, self.logs = [], []

    def set_model(self, model):
        self.calls.append(("set_model",))
        super().set_model(model)

    def set_params(self, params):
        self.calls.append(("set_params", dict(params)))
        super().set_params(params)

    def record(self, hook, *number, logs):
        assert isinstance(logs, dict), f"{hook} got logs={logs!r}"
        assert self.model is not None
        self.calls.append((hook, *number, sorted(logs)))
        self.logs.append((hook, *number, logs))

    def on_train_begin(self, logs=None): self.record("on_train_begin", logs=logs)
    def on_train_end(self, logs=None): self.record("on_train_end", logs=logs)
    def on_epoch_begin(self, epoch, logs=None): self.record("on_epoch_begin", epoch, logs=logs)
    def on_epoch_end(self, epoch, logs=None): self.record("on_epoch_end", epoch, logs=logs)
    def on_train_batch_begin(self, batch, logs=None): self.record("on_train_batch_begin", batch, logs=logs)
    def on_train_batch_end(self, batch, logs=None): self.record("on_train_batch_end", batch, logs=logs)
    def on_test_begin(self, logs=None): self.record("on_test_begin", logs=logs)
    def on_test_end(self, logs=None): self.record("on_test_end", logs=logs)
    def on_test_batch_begin(self, batch, logs=None): self.record("on_test_batch_begin", batch, logs=logs)
    def on_test_batch_end(self, batch, logs=None): self.record("on_test_batch_end", batch, logs=logs)
    def on_predict_begin(self, logs=None): self.record("on_predict_begin", logs=logs)
    def on_predict_end(self, logs=None): self.record("on_predict_end", logs=logs)
    def on_predict_batch_begin(self, batch, logs=None): self.record("on_predict_batch_begin", batch, logs=logs)
    def on_predict_batch_end(self, batch, logs=None): self.record("on_predict_batch_end", batch, logs=logs)

    def logs_of(self, hook):
        return [entry[-1] for entry in self.logs if entry[0] == hook]


# ----------------------------------------------------------------------------------------------------------------
# Order and arguments, as Keras
# ----------------------------------------------------------------------------------------------------------------
def test_fit_with_validation_calls_every_hook_in_keras_order():
    recorder = Recorder()
    small_model().fit(X, Y, batch_size=2, epochs=2, validation_data=(X[:4], Y[:4]), verbose=0, callbacks=[recorder])
    assert recorder.calls == FIT


def test_evaluate_and_predict_call_their_hooks_in_keras_order():
    model = small_model()
    recorder = Recorder()
    model.evaluate(X, Y, batch_size=2, callbacks=[recorder])
    assert recorder.calls == EVALUATE
    recorder = Recorder()
    model.predict(X, batch_size=2, callbacks=[recorder])
    assert recorder.calls == PREDICT


def test_every_hook_sees_the_model():
    model = small_model()
    seen = []

    class Watcher(Recorder):
        def record(self, hook, *number, logs):
            seen.append(self.model)

    model.fit(X, Y, batch_size=2, epochs=1, validation_data=(X, Y), verbose=0, callbacks=[Watcher()])
    model.evaluate(X, Y, callbacks=[Watcher()])
    model.predict(X, callbacks=[Watcher()])
    assert len(seen) > 10 and all(m is model for m in seen)


# ----------------------------------------------------------------------------------------------------------------
# What the logs hold
# ----------------------------------------------------------------------------------------------------------------
def test_batch_logs_are_running_means_over_the_samples_so_far_as_keras_reports_them():
    model = small_model(learning_rate=0.0)  # the weights stay put, so each sample's loss is known in advance
    errors = model.predict(X) - Y
    squared, absolute = (errors ** 2).ravel(), np.abs(errors).ravel()
    recorder = Recorder()
    model.fit(X[:5], Y[:5], batch_size=2, shuffle=False, verbose=0, callbacks=[recorder])  # batches of 2, 2, 1
    for logs, seen in zip(recorder.logs_of("on_train_batch_end"), (2, 4, 5), strict=True):
        assert logs["loss"] == pytest.approx(squared[:seen].mean(), rel=1e-6)
        assert logs["mae"] == pytest.approx(absolute[:seen].mean(), rel=1e-6)
    recorder = Recorder()
    results = model.evaluate(X[:5], Y[:5], batch_size=2, return_dict=True, callbacks=[recorder])
    for logs, seen in zip(recorder.logs_of("on_test_batch_end"), (2, 4, 5), strict=True):
        assert logs["loss"] == pytest.approx(squared[:seen].mean(), rel=1e-6)
    assert recorder.logs_of("on_test_end") == [results]
    assert recorder.logs_of("on_test_batch_end")[-1] == results


def test_epoch_logs_hold_validation_results_and_train_end_gets_the_last_epoch_s_logs():
    recorder = Recorder()
    history = small_model().fit(X, Y, batch_size=2, epochs=2, validation_data=(X[:4], Y[:4]), verbose=0,
                                callbacks=[recorder])
    test_end, epoch_end = recorder.logs_of("on_test_end"), recorder.logs_of("on_epoch_end")
    for test_logs, epoch_logs in zip(test_end, epoch_end, strict=True):
        assert epoch_logs["val_loss"] == test_logs["loss"] and epoch_logs["val_mae"] == test_logs["mae"]
    assert recorder.logs_of("on_train_end") == [epoch_end[-1]]
    assert history.history["val_loss"] == [logs["val_loss"] for logs in epoch_end]


def test_predict_batch_end_gets_the_batch_s_outputs():
    model = small_model()
    recorder = Recorder()
    predictions = model.predict(X, batch_size=4, callbacks=[recorder])
    outputs = [logs["outputs"] for logs in recorder.logs_of("on_predict_batch_end")]
    assert [o.shape for o in outputs] == [(4, 1), (2, 1)]
    np.testing.assert_array_equal(np.concatenate(outputs), predictions)


def test_params_give_verbose_epochs_and_steps():
    recorder = Recorder()
    small_model().fit(X, Y, batch_size=4, epochs=3, verbose=0, callbacks=[recorder])
    assert recorder.params == {"verbose": 0, "epochs": 3, "steps": 2}


def test_every_callback_gets_the_same_epoch_logs_so_history_records_what_others_add():
    class AddsToLogs(Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["twice_the_loss"] = 2 * logs["loss"]

    history = small_model().fit(X, Y, epochs=2, verbose=0, callbacks=[AddsToLogs()])
    assert history.history["twice_the_loss"] == [2 * loss for loss in history.history["loss"]]


def test_training_with_zero_epochs_calls_train_begin_and_end_with_empty_logs():
    recorder = Recorder()
    small_model().fit(X, Y, epochs=0, verbose=0, callbacks=[recorder])
    assert recorder.calls[2:] == [("on_train_begin", []), ("on_train_end", [])]


# ----------------------------------------------------------------------------------------------------------------
# Stopping
# ----------------------------------------------------------------------------------------------------------------
class StopAtFirstBatch(Recorder):
    def on_train_batch_end(self, batch, logs=None):
        self.record("on_train_batch_end", batch, logs=logs)
        self.model.stop_training = True


def test_stop_training_in_a_batch_hook_ends_the_epoch_early_then_validates_and_stops_as_keras_does():
    model = small_model()
    before = model.get_weights()
    recorder = StopAtFirstBatch()
    history = model.fit(X, Y, batch_size=2, epochs=2, validation_data=(X[:4], Y[:4]), verbose=0,
                        callbacks=[recorder])
    assert recorder.calls == STOP
    assert history.epoch == [0] and len(history.history["val_loss"]) == 1
    assert not np.array_equal(model.get_weights()[0], before[0])  # the one batch was trained


def test_a_callback_that_does_nothing_changes_nothing_and_is_not_called_per_batch():
    plain, with_callback = small_model(), small_model()
    with_callback.set_weights(plain.get_weights())
    K.set_random_seed(0)
    plain.fit(X, Y, batch_size=2, epochs=2, verbose=0)
    K.set_random_seed(0)
    with_callback.fit(X, Y, batch_size=2, epochs=2, verbose=0, callbacks=[Callback(), TerminateOnNaN()])
    for a, b in zip(plain.get_weights(), with_callback.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)

    class EndOfBatchOnly(Callback):
        def on_train_batch_end(self, batch, logs=None): ...

    listener = EndOfBatchOnly()
    hooks = CallbackList([Callback(), listener], small_model(), "fit")
    assert {hook: len(methods) for hook, methods in hooks.listening.items() if methods} == {"on_train_batch_end": 1}


def test_the_existing_callbacks_work_with_the_new_hooks():
    recorder = Recorder()
    history = small_model().fit(X, Y, batch_size=2, epochs=5, validation_data=(X, Y), verbose=0,
                                callbacks=[LearningRateScheduler(lambda epoch, rate: 0.1 / (epoch + 1)),
                                           EarlyStopping(monitor="val_loss", patience=0), recorder])
    assert isinstance(history, History) and history.history["learning_rate"][:2] == [0.1, 0.05]
    assert recorder.calls[-1][0] == "on_train_end"


# ----------------------------------------------------------------------------------------------------------------
# Bad callbacks arguments
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("what", ["fit", "evaluate", "predict"])
@pytest.mark.parametrize("bad", [Recorder, lambda: [Recorder(), print]], ids=["a-single-callback", "not-a-callback"])
def test_callbacks_must_be_a_list_of_callbacks_and_none_is_called_otherwise(what, bad):
    model = small_model()
    callbacks = bad()
    call = {"fit": lambda: model.fit(X, Y, verbose=0, callbacks=callbacks),
            "evaluate": lambda: model.evaluate(X, Y, callbacks=callbacks),
            "predict": lambda: model.predict(X, callbacks=callbacks)}[what]
    with pytest.raises(ValueError, match=rf"{what}: callbacks must be a list of Callback objects such as "
                                         rf"EarlyStopping\(...\), got"):
        call()
    recorders = [callbacks] if isinstance(callbacks, Recorder) else callbacks[:1]
    assert recorders[0].calls == []
