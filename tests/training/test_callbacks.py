"""Callbacks: every Keras 3 hook, called in Keras' order with Keras' arguments, by fit, evaluate and predict.

The expected orders below are literal data printed by real Keras 3.15.1 (torch backend) running
tests/reference/make_keras_callback_order.py on the same setup: 6 samples in batches of 2, metrics=['mae'],
fit over 2 epochs with 4 validation samples. Each call is (hook, epoch or batch if it takes one, sorted log keys).
"""
import numpy as np
import pytest
from helpers import linear_model

import tinygrad_acts.backend as K
from tinygrad_acts.callbacks import (
    Callback,
    CallbackList,
    EarlyStopping,
    History,
    LearningRateScheduler,
    TerminateOnNaN,
)
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
    linear_model().fit(X, Y, batch_size=2, epochs=2, validation_data=(X[:4], Y[:4]), verbose=0, callbacks=[recorder])
    assert recorder.calls == FIT


def test_evaluate_and_predict_call_their_hooks_in_keras_order():
    model = linear_model()
    recorder = Recorder()
    model.evaluate(X, Y, batch_size=2, callbacks=[recorder])
    assert recorder.calls == EVALUATE
    recorder = Recorder()
    model.predict(X, batch_size=2, callbacks=[recorder])
    assert recorder.calls == PREDICT


def test_every_hook_sees_the_model():
    model = linear_model()
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
    model = linear_model(SGD(0.0))  # the weights stay put, so each sample's loss is known in advance
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
    history = linear_model().fit(X, Y, batch_size=2, epochs=2, validation_data=(X[:4], Y[:4]), verbose=0,
                                callbacks=[recorder])
    test_end, epoch_end = recorder.logs_of("on_test_end"), recorder.logs_of("on_epoch_end")
    for test_logs, epoch_logs in zip(test_end, epoch_end, strict=True):
        assert epoch_logs["val_loss"] == test_logs["loss"] and epoch_logs["val_mae"] == test_logs["mae"]
    assert recorder.logs_of("on_train_end") == [epoch_end[-1]]
    assert history.history["val_loss"] == [logs["val_loss"] for logs in epoch_end]


def test_predict_batch_end_gets_the_batch_s_outputs():
    model = linear_model()
    recorder = Recorder()
    predictions = model.predict(X, batch_size=4, callbacks=[recorder])
    outputs = [logs["outputs"] for logs in recorder.logs_of("on_predict_batch_end")]
    assert [o.shape for o in outputs] == [(4, 1), (2, 1)]
    np.testing.assert_array_equal(np.concatenate(outputs), predictions)


def test_params_give_verbose_epochs_and_steps():
    recorder = Recorder()
    linear_model().fit(X, Y, batch_size=4, epochs=3, verbose=0, callbacks=[recorder])
    assert recorder.params == {"verbose": 0, "epochs": 3, "steps": 2}


def test_every_callback_gets_the_same_epoch_logs_so_history_records_what_others_add():
    class AddsToLogs(Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["twice_the_loss"] = 2 * logs["loss"]

    history = linear_model().fit(X, Y, epochs=2, verbose=0, callbacks=[AddsToLogs()])
    assert history.history["twice_the_loss"] == [2 * loss for loss in history.history["loss"]]


def test_training_with_zero_epochs_calls_train_begin_and_end_with_empty_logs():
    recorder = Recorder()
    linear_model().fit(X, Y, epochs=0, verbose=0, callbacks=[recorder])
    assert recorder.calls[2:] == [("on_train_begin", []), ("on_train_end", [])]


# ----------------------------------------------------------------------------------------------------------------
# Stopping
# ----------------------------------------------------------------------------------------------------------------
class StopAtFirstBatch(Recorder):
    def on_train_batch_end(self, batch, logs=None):
        self.record("on_train_batch_end", batch, logs=logs)
        self.model.stop_training = True


def test_stop_training_in_a_batch_hook_ends_the_epoch_early_then_validates_and_stops_as_keras_does():
    model = linear_model()
    before = model.get_weights()
    recorder = StopAtFirstBatch()
    history = model.fit(X, Y, batch_size=2, epochs=2, validation_data=(X[:4], Y[:4]), verbose=0,
                        callbacks=[recorder])
    assert recorder.calls == STOP
    assert history.epoch == [0] and len(history.history["val_loss"]) == 1
    assert not np.array_equal(model.get_weights()[0], before[0])  # the one batch was trained


def test_a_callback_that_does_nothing_changes_nothing_and_is_not_called_per_batch():
    plain, with_callback = linear_model(), linear_model()
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
    hooks = CallbackList([Callback(), listener], linear_model(), "fit")
    assert {hook: len(methods) for hook, methods in hooks.listening.items() if methods} == {"on_train_batch_end": 1}


def test_the_existing_callbacks_work_with_the_new_hooks():
    recorder = Recorder()
    history = linear_model().fit(X, Y, batch_size=2, epochs=5, validation_data=(X, Y), verbose=0,
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
    model = linear_model()
    callbacks = bad()
    call = {"fit": lambda: model.fit(X, Y, verbose=0, callbacks=callbacks),
            "evaluate": lambda: model.evaluate(X, Y, callbacks=callbacks),
            "predict": lambda: model.predict(X, callbacks=callbacks)}[what]
    with pytest.raises(ValueError, match=rf"{what}: callbacks must be a list of Callback objects such as "
                                         rf"EarlyStopping\(...\), got"):
        call()
    recorders = [callbacks] if isinstance(callbacks, Recorder) else callbacks[:1]
    assert recorders[0].calls == []


# Examples that pin behaviour mutation testing found unpinned
import os  # noqa: E402

import tinygrad_acts.callbacks as callbacks_module  # noqa: E402  # its ProgressBar reads a clock we script
from tinygrad_acts.callbacks import CSVLogger, ModelCheckpoint, ReduceLROnPlateau  # noqa: E402


def _scripted_model(**attributes):
    """Just enough of a model for a callback driven by hand: a loss to watch, a learning rate, weights."""
    from types import SimpleNamespace
    defaults = {"metrics_names": ["loss"], "metrics": [], "stop_training": False,
                "optimizer": SimpleNamespace(learning_rate=0.1)}
    return SimpleNamespace(**{**defaults, **attributes})


def test_train_batch_begin_hands_its_logs_to_keras_2_on_batch_begin():
    class Legacy(Callback):
        def on_batch_begin(self, batch, logs=None):
            self.seen = (batch, logs)

    legacy = Legacy()
    legacy.on_train_batch_begin(3, logs={"size": 2})
    assert legacy.seen == (3, {"size": 2})


def test_mode_auto_on_a_model_without_metric_lists_says_it_cannot_tell_the_direction():
    from types import SimpleNamespace
    for model in (SimpleNamespace(), SimpleNamespace(metrics_names=["loss", "mae"])):
        stopper = EarlyStopping(monitor="val_mae")
        stopper.set_model(model)
        with pytest.raises(ValueError, match="cannot tell whether it should be maximized or minimized"):
            stopper.on_train_begin()


def test_mode_auto_reads_the_direction_of_the_metrics_the_model_lists():
    stopper = EarlyStopping(monitor="val_acc")
    accuracy = callbacks_module.metrics_module.binary_accuracy
    stopper.set_model(_scripted_model(metrics_names=["loss", "acc", "extra"], metrics=[accuracy]))
    stopper.on_train_begin()
    assert stopper.direction == "max"


def test_mode_max_with_min_delta_needs_a_rise_larger_than_min_delta():
    stopper = EarlyStopping(monitor="acc", mode="max", min_delta=0.5, patience=1)
    stopper.set_model(_scripted_model())
    stopper.on_train_begin()
    stopper.on_epoch_end(0, {"acc": 1.0})
    stopper.on_epoch_end(1, {"acc": 1.3})  # up by 0.3 < 0.5: not an improvement, and patience 1 is used up
    assert stopper.best == 1.0 and stopper.model.stop_training and stopper.stopped_epoch == 1


def test_early_stopping_defaults_and_attributes_before_training():
    stopper = EarlyStopping()
    assert (stopper.monitor, stopper.min_delta, stopper.patience, stopper.verbose) == ("val_loss", 0, 0, 0)
    assert (stopper.baseline, stopper.restore_best_weights, stopper.start_from_epoch) == (None, False, 0)
    assert (stopper.wait, stopper.stopped_epoch, stopper.best_epoch, stopper.best_weights) == (0, 0, 0, None)


def test_reduce_lr_on_plateau_without_logs_warns_that_the_monitor_is_missing():
    reducer = ReduceLROnPlateau(monitor="loss")
    reducer.set_model(_scripted_model())
    with pytest.warns(UserWarning, match="Learning rate reduction is conditioned on metric `loss`"):
        reducer.on_epoch_end(0, None)  # no logs at all: a warning, not a crash


def _stop_after(stopper, values):
    stopper.set_model(_scripted_model(get_weights=lambda: [np.zeros(1)], set_weights=lambda weights: None))
    stopper.on_train_begin()
    for epoch, value in enumerate(values):
        stopper.on_epoch_end(epoch, {"loss": value})
    stopper.on_train_end()


def test_early_stopping_prints_keras_lines_only_with_verbose(capsys):
    _stop_after(EarlyStopping(monitor="loss", patience=1, restore_best_weights=True), [1.0, 1.0])
    assert capsys.readouterr().out == ""  # stopped and restored, silently
    _stop_after(EarlyStopping(monitor="loss", patience=1, verbose=1), [1.0, 0.5])
    assert capsys.readouterr().out == ""  # not stopped: nothing to say
    _stop_after(EarlyStopping(monitor="loss", patience=1, verbose=1), [1.0, 1.0])
    assert capsys.readouterr().out == "Epoch 2: early stopping\n"


def test_reduce_lr_on_plateau_defaults_and_attributes_before_training():
    reducer = ReduceLROnPlateau()
    assert (reducer.monitor, reducer.factor, reducer.patience, reducer.verbose) == ("val_loss", 0.1, 10, 0)
    assert (reducer.min_delta, reducer.cooldown, reducer.min_lr) == (1e-4, 0, 0.0)
    assert (reducer.cooldown_counter, reducer.wait) == (0, 0)


def test_reduce_lr_on_plateau_checks_factor_and_min_lr():
    for bad in ({"factor": "0.5"}, {"min_lr": "0"}):
        with pytest.raises(ValueError, match="ReduceLROnPlateau"):
            ReduceLROnPlateau(**bad)


def test_reduce_lr_on_plateau_with_factor_0_drops_to_min_lr_silently(capsys):
    reducer = ReduceLROnPlateau(monitor="loss", factor=0.0, patience=1, min_lr=1e-3, cooldown=2)
    reducer.set_model(_scripted_model())
    reducer.on_train_begin()
    for epoch, value in enumerate([1.0, 1.0]):
        reducer.on_epoch_end(epoch, {"loss": value})
    assert reducer.model.optimizer.learning_rate == 1e-3 and reducer.cooldown_counter == 2
    assert capsys.readouterr().out == ""
    reducer.on_train_begin()  # a new fit starts with no cooldown and nothing to wait for
    assert (reducer.best, reducer.cooldown_counter, reducer.wait) == (None, 0, 0)
    reducer.on_epoch_end(0, {"loss": 2.0})
    reducer.wait = 3
    reducer.on_train_begin()
    assert reducer.wait == 0


def _checkpoint(tmp_path, **kwargs):
    saved = []
    checkpoint = ModelCheckpoint(str(tmp_path / kwargs.pop("name", "ckpt.weights.npz")), monitor="loss",
                                 save_weights_only=True, **kwargs)
    checkpoint.set_model(_scripted_model(save_weights=saved.append))
    checkpoint.on_train_begin()
    return checkpoint, saved


def test_model_checkpoint_defaults_save_every_epoch_silently(tmp_path, capsys):
    checkpoint, saved = _checkpoint(tmp_path)
    assert (checkpoint.verbose, checkpoint.save_best_only, checkpoint.save_freq) == (0, False, "epoch")
    for epoch, value in enumerate([1.0, 2.0]):
        checkpoint.on_epoch_end(epoch, {"loss": value})
    assert len(saved) == 2 and capsys.readouterr().out == ""


def test_model_checkpoint_save_best_only_is_silent_without_verbose(tmp_path, capsys):
    checkpoint, saved = _checkpoint(tmp_path, save_best_only=True)
    for epoch, value in enumerate([1.0, 2.0]):
        checkpoint.on_epoch_end(epoch, {"loss": value})
    assert len(saved) == 1 and capsys.readouterr().out == ""


def test_model_checkpoint_verbose_prints_keras_lines(tmp_path, capsys):
    path = tmp_path / "ckpt.weights.npz"
    checkpoint, _ = _checkpoint(tmp_path, verbose=1)
    checkpoint.on_epoch_end(0, {"loss": 1.0})
    assert capsys.readouterr().out == (f"\nEpoch 1: saving model to {path}\n"
                                       f"\nEpoch 1: finished saving model to {path}\n")


def test_model_checkpoint_with_an_array_monitor_warns_and_saves(tmp_path):
    checkpoint, saved = _checkpoint(tmp_path, save_best_only=True)
    with pytest.warns(UserWarning, match="Can save best model only when `monitor` is a scalar value"):
        checkpoint.on_epoch_end(0, {"loss": np.array([1.0, 2.0])})
    assert len(saved) == 1


def test_model_checkpoint_counts_batches_across_one_batch_epochs(tmp_path):
    checkpoint, saved = _checkpoint(tmp_path, name="ckpt-{epoch}-{loss:.1f}.weights.npz", save_freq=2)
    for epoch in range(4):  # one batch per epoch: batch 0 each time, a save every second epoch
        checkpoint.on_epoch_begin(epoch)
        checkpoint.on_train_batch_end(0, {"loss": 0.5})
    assert [os.path.basename(path) for path in saved] == ["ckpt-2-0.5.weights.npz", "ckpt-4-0.5.weights.npz"]


def test_model_checkpoint_save_freq_1_saves_after_every_batch(tmp_path):
    checkpoint, saved = _checkpoint(tmp_path, save_freq=1)
    checkpoint.on_epoch_begin(0)
    for batch in range(3):
        checkpoint.on_train_batch_end(batch, {"loss": 0.5})
    assert len(saved) == 3


def test_csv_logger_in_append_mode_writes_the_header_into_an_empty_file(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("")
    logger = CSVLogger(str(path), append=True)
    logger.on_train_begin()
    logger.on_epoch_end(0, {"loss": 0.5, "val_loss": 0.25})
    logger.on_train_end()
    assert path.read_bytes() == b"epoch,loss,val_loss\r\n0,0.5,0.25\r\n"


def test_csv_logger_closes_the_last_file_when_training_starts_again(tmp_path):
    logger = CSVLogger(str(tmp_path / "log.csv"))
    logger.on_train_end()  # before any training: nothing to close, no error
    logger.on_train_begin()
    first = logger.csv_file
    logger.on_train_begin()
    assert first.closed and not logger.csv_file.closed
    logger.on_train_end()


def test_learning_rate_scheduler_prints_only_with_verbose(capsys):
    for verbose, expected in ((None, ""), (1, "\nEpoch 1: LearningRateScheduler setting learning rate to 0.05.\n")):
        scheduler = LearningRateScheduler(lambda epoch, rate: rate / 2, **({} if verbose is None else
                                                                            {"verbose": verbose}))
        scheduler.set_model(_scripted_model())
        scheduler.on_epoch_begin(0)
        assert capsys.readouterr().out == expected


class _Terminal:
    """A stream that says it is a terminal, so the progress bar redraws in place."""

    def __init__(self):
        self.text = ""

    def isatty(self):
        return True

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def _clock(monkeypatch, times):
    from types import SimpleNamespace
    ticks = iter(times)
    monkeypatch.setattr(callbacks_module, "time", SimpleNamespace(perf_counter=lambda: next(ticks)))


def test_progress_bar_redraws_at_most_every_50ms_and_always_at_the_last_step(monkeypatch):
    _clock(monkeypatch, [100.0, 100.0, 100.0, 100.01, 100.5, 100.5, 100.52, 100.52, 100.52])
    terminal = _Terminal()
    bar = callbacks_module.ProgressBar(steps=3, verbose=1, stream=terminal)
    bar.update(1, {})  # first draw
    bar.update(2, {})  # 10 ms later: skipped
    bar.update(2, {})  # 500 ms later: drawn
    bar.update(3, {})  # 20 ms later, but the last step: drawn
    assert [line.split(" ")[0] for line in terminal.text.split("\r")[1:]] == ["1/3", "2/3", "3/3"]


def test_progress_bar_first_draw_waits_for_more_than_50ms_on_the_clock(monkeypatch):
    _clock(monkeypatch, [0.0, 0.05, 0.0, 0.5, 0.5])
    terminal = _Terminal()
    callbacks_module.ProgressBar(steps=3, verbose=1, stream=terminal).update(1, {})  # exactly 50 ms: not yet
    assert terminal.text == ""
    callbacks_module.ProgressBar(steps=3, verbose=1, stream=terminal).update(1, {})  # 500 ms: drawn
    assert terminal.text.startswith("\r1/3 ")


def test_progress_bar_finish_on_a_terminal_and_in_a_log(monkeypatch):
    _clock(monkeypatch, [100.0, 102.0, 200.0, 202.0])
    terminal = _Terminal()
    callbacks_module.ProgressBar(steps=4, verbose=1, stream=terminal).finish({"loss": 0.25})
    assert terminal.text == "\r4/4 ━━━━━━━━━━━━━━━━━━━━ 2s 500ms/step - loss: 0.2500\033[K\n"
    log = _Terminal()
    log.isatty = lambda: False
    callbacks_module.ProgressBar(steps=1, verbose=2, stream=log).finish({})
    assert log.text == "1/1 - 2s - 2s/step\n"


def test_logs_and_durations_are_printed_as_keras_prints_them():
    assert callbacks_module.format_logs({"loss": 1e-3}) == ["loss: 1.0000e-03"]
    durations = [callbacks_module._duration(seconds) for seconds in (1.5, 1.0, 0.5, 1e-3, 5e-4)]
    assert durations == ["2s", "1s", "500ms", "1ms", "500us"]
