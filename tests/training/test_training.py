"""Training with the Keras model API: compile, fit, evaluate, callbacks, progress, bad input (weights on disk are
saving/test_weights.py's)."""
import io
import json
import os
import re
import sys
import types

import numpy as np
import pytest
from helpers import XOR_X, XOR_Y, assert_same_weights, small_model

import tinygrad_acts as ta
import tinygrad_acts.backend as K
from tinygrad_acts import losses
from tinygrad_acts.callbacks import Callback, EarlyStopping, LambdaCallback, ProgressBar
from tinygrad_acts.data import all_finite, sample_weights
from tinygrad_acts.diagnostics import LayerStats
from tinygrad_acts.layers import Dense, Dropout, Input, Layer
from tinygrad_acts.models import Model, NanLossWarning, Sequential
from tinygrad_acts.models.sequential import size_in_bytes as _bytes
from tinygrad_acts.optimizers import SGD, Adam
from tinygrad_acts.utils import set_random_seed


def mse_but_nan_for_label_99(y_true, y_pred):
    """mse, but nan for a sample labelled 99: a loss that turns nan on finite data (as one that overflows does),
    while nan or inf in the data themselves are refused before training (data.check_finite)."""
    return ta.where(np.asarray(y_true) == 99, np.float32(np.nan), (y_pred - y_true) ** 2)


# ----------------------------------------------------------------------------------------------------------------
# Learning
# ----------------------------------------------------------------------------------------------------------------
def test_xor_is_learned_to_100_percent():
    model = Sequential([Dense(8, activation="tanh", input_shape=(2,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer=Adam(learning_rate=0.05), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(XOR_X, XOR_Y, batch_size=4, epochs=300, verbose=0)
    assert history.history["accuracy"][-1] == 1.0
    assert history.history["loss"][-1] < history.history["loss"][0] / 10
    assert np.array_equal(model.predict(XOR_X) > 0.5, XOR_Y > 0.5)


def test_one_fit_step_is_one_sgd_step_computed_by_hand(rng):
    model = Sequential([Dense(1, input_shape=(3,))])
    model.compile(optimizer=SGD(learning_rate=0.1), loss="mse")
    x = rng.standard_normal((5, 3)).astype(np.float32)
    y = rng.standard_normal((5, 1)).astype(np.float32)
    kernel, bias = model.get_weights()
    error = x @ kernel + bias - y  # d mean(error^2) / d prediction = 2 error / n
    model.fit(x, y, batch_size=5, epochs=1, verbose=0, shuffle=False)
    new_kernel, new_bias = model.get_weights()
    assert np.allclose(new_kernel, kernel - 0.1 * x.T @ (2 * error / 5), atol=1e-6)
    assert np.allclose(new_bias, bias - 0.1 * (2 * error / 5).sum(axis=0), atol=1e-6)


def test_history_has_loss_metrics_and_their_validation_forms():
    model = small_model(loss="mse", metrics=["mae", "accuracy"], activation="sigmoid")
    history = model.fit(XOR_X, XOR_Y, epochs=3, verbose=0, validation_data=(XOR_X, XOR_Y))
    assert set(history.history) == {"loss", "mae", "accuracy", "val_loss", "val_mae", "val_accuracy"}
    assert all(len(values) == 3 for values in history.history.values())
    assert history.history["val_loss"][-1] == pytest.approx(model.evaluate(XOR_X, XOR_Y)[0], rel=1e-5)


def test_validation_split_takes_the_last_samples():
    model = small_model()
    x = np.arange(20, dtype=np.float32).reshape(10, 2)
    history = model.fit(x, np.zeros((10, 1)), epochs=1, verbose=0, validation_split=0.2)
    assert history.history["val_loss"][0] == pytest.approx(model.evaluate(x[8:], np.zeros((2, 1))), rel=1e-5)


def test_evaluate_returns_the_loss_or_loss_and_metrics():
    model = small_model(metrics=["mse"])
    loss, mse = model.evaluate(XOR_X, XOR_Y)
    assert loss == pytest.approx(mse, rel=1e-6)  # the loss is mse too
    assert loss == pytest.approx(float(np.mean((model.predict(XOR_X) - XOR_Y) ** 2)), rel=1e-5)
    assert isinstance(small_model().evaluate(XOR_X, XOR_Y), float)


def test_evaluate_with_return_dict_names_each_value():
    model = small_model(metrics=["mae"])
    loss, mae = model.evaluate(XOR_X, XOR_Y)
    assert model.evaluate(XOR_X, XOR_Y, return_dict=True) == {"loss": loss, "mae": mae}


def test_metrics_names_label_what_evaluate_returns_as_keras_2():
    # Keras 2 gives ['loss', 'accuracy']; Keras 3 gives ['loss', 'compile_metrics'], which does not label the list
    model = small_model(loss="binary_crossentropy", metrics=["accuracy"], activation="sigmoid")
    assert model.metrics_names == ["loss", "accuracy"]
    assert len(model.evaluate(XOR_X, XOR_Y)) == 2
    assert small_model().metrics_names == ["loss"]
    assert Sequential([Dense(1, input_shape=(2,))]).metrics_names == []  # not compiled: nothing to report


def test_test_on_batch_is_the_loss_on_one_batch_and_changes_nothing():
    model = small_model(metrics=["mae"])
    weights = model.get_weights()
    predictions = model.predict(XOR_X)
    loss = float(np.mean((predictions - XOR_Y) ** 2))
    mae = float(np.mean(np.abs(predictions - XOR_Y)))
    assert model.test_on_batch(XOR_X, XOR_Y) == pytest.approx([loss, mae], rel=1e-5)
    result = model.test_on_batch(XOR_X, XOR_Y, return_dict=True)
    assert result.keys() == {"loss", "mae"} and result["loss"] == pytest.approx(loss, rel=1e-5)
    assert isinstance(small_model().test_on_batch(XOR_X, XOR_Y), float)  # no metrics: the loss alone, as Keras
    assert_same_weights(weights, model.get_weights())


@pytest.mark.parametrize("loss,y,outputs,activation", [
    ("sparse_categorical_crossentropy", np.array([0, 1, 2, 1]), 3, "softmax"),
    ("categorical_crossentropy", np.eye(3)[[0, 1, 2, 1]], 3, "softmax"),
    ("binary_crossentropy", XOR_Y, 1, "sigmoid"),
])
def test_accuracy_is_picked_from_the_shapes_as_keras_does(loss, y, outputs, activation):
    model = small_model(loss=loss, metrics=["accuracy"], outputs=outputs, activation=activation)
    predictions = model.predict(XOR_X)
    labels = np.reshape(y, (4, -1))
    expected = np.mean((predictions > 0.5) == (labels > 0.5)) if outputs == 1 else \
        np.mean(predictions.argmax(-1) == (labels.argmax(-1) if labels.shape[1] > 1 else labels[:, 0]))
    assert model.evaluate(XOR_X, y)[1] == pytest.approx(expected)


def test_same_seed_same_training():
    def train():
        K.clear_session()
        set_random_seed(7)
        model = small_model(optimizer="adam")
        history = model.fit(np.tile(XOR_X, (8, 1)), np.tile(XOR_Y, (8, 1)), batch_size=8, epochs=3, verbose=0)
        return model.get_weights(), history.history["loss"]

    (weights_a, loss_a), (weights_b, loss_b) = train(), train()
    assert_same_weights(weights_a, weights_b)
    assert loss_a == loss_b


# ----------------------------------------------------------------------------------------------------------------
# Callbacks and nan protection
# ----------------------------------------------------------------------------------------------------------------
def test_early_stopping_stops_and_restores_the_best_weights():
    model = small_model(optimizer=SGD(learning_rate=0.5))
    stopper = EarlyStopping(monitor="loss", patience=0, restore_best_weights=True)
    noise = np.random.default_rng(1).standard_normal((64, 2)).astype(np.float32)
    history = model.fit(noise, noise[:, :1] * 0, batch_size=64, epochs=200, verbose=0, callbacks=[stopper])
    assert len(history.history["loss"]) < 200
    best = int(np.argmin(history.history["loss"]))
    assert model.evaluate(noise, noise[:, :1] * 0) == pytest.approx(history.history["loss"][best], rel=0.2)


def test_early_stopping_on_val_loss_without_validation_data_says_so():
    """Keras 3 warns (and trains on) when the monitored value is missing; the warning says how to get it."""
    with pytest.warns(UserWarning, match="validation_data"):
        history = small_model().fit(XOR_X, XOR_Y, epochs=2, verbose=0, callbacks=[EarlyStopping()])
    assert len(history.history["loss"]) == 2


def test_a_nan_loss_stops_training_and_keeps_the_weights_from_before_the_bad_step():
    x = np.array([[1, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([[1], [0], [99], [0]], dtype=np.float32)
    reference = small_model(optimizer=SGD(learning_rate=0.1), loss=mse_but_nan_for_label_99)
    start = reference.get_weights()
    reference.fit(x[:2], y[:2], batch_size=2, epochs=1, verbose=0, shuffle=False)  # the one good step

    model = small_model(optimizer=SGD(learning_rate=0.1), loss=mse_but_nan_for_label_99)
    model.set_weights(start)
    with pytest.warns(NanLossWarning, match=r"Epoch 1, batch 2"):
        model.fit(x, y, batch_size=2, epochs=5, verbose=0, shuffle=False)
    assert_same_weights(model.get_weights(), reference.get_weights())


# ----------------------------------------------------------------------------------------------------------------
# Progress output
# ----------------------------------------------------------------------------------------------------------------
def test_verbose_1_off_a_terminal_prints_one_plain_line_per_epoch(capsys):
    small_model(metrics=["mae"]).fit(XOR_X, XOR_Y, batch_size=2, epochs=2, verbose=1)
    out = capsys.readouterr().out
    assert "\r" not in out and "\x1b" not in out
    lines = out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    assert re.fullmatch(r"2/2 ━{20} \d+s \d+(us|ms|s)/step - loss: \d\.\d{4} - mae: \d\.\d{4}", lines[1])


def test_verbose_1_on_a_terminal_redraws_the_line_in_place():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    bar = ProgressBar(steps=3, verbose=1, stream=stream)
    bar.last_draw = -1.0
    bar.update(3, {"loss": 0.5})
    bar.finish({"loss": 0.5})
    assert stream.getvalue().startswith("\r3/3 ") and stream.getvalue().endswith("\n")


def test_verbose_2_prints_a_line_per_epoch_and_verbose_0_nothing(capsys):
    small_model().fit(XOR_X, XOR_Y, epochs=2, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and re.fullmatch(r"1/1 - \d+s - \d+(us|ms|s)/step - loss: \d\.\d{4}", lines[1])
    small_model().fit(XOR_X, XOR_Y, epochs=2, verbose=0)
    assert capsys.readouterr().out == ""


# ----------------------------------------------------------------------------------------------------------------
# Bad input: a clear error, and nothing changes
# ----------------------------------------------------------------------------------------------------------------
def test_fit_before_compile():
    model = Sequential([Dense(1, input_shape=(2,))])
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(XOR_X, XOR_Y)


@pytest.mark.parametrize("x,y,match", [
    (XOR_X, XOR_Y[:3], r"x has 4 samples but y has 3"),
    (np.zeros((0, 2)), np.zeros((0, 1)), "no samples"),
    (XOR_X, 5.0, "single value"),
    (np.zeros((4, 3)), XOR_Y, r"expects 2 input features"),
])
def test_fit_rejects_bad_data_and_changes_nothing(x, y, match):
    model = small_model(optimizer="adam")
    before = model.get_weights()
    with pytest.raises(ValueError, match=match):
        model.fit(x, y, verbose=0)
    assert_same_weights(model.get_weights(), before)


def test_labels_out_of_range_raise_and_leave_weights_and_optimizer_state_as_they_were():
    model = small_model(optimizer="adam", loss="sparse_categorical_crossentropy", outputs=3, activation="softmax")
    model.fit(XOR_X, np.array([0, 1, 2, 1]), batch_size=2, epochs=1, verbose=0)
    weights, state = model.get_weights(), model.optimizer.get_state()
    with pytest.raises(ValueError, match="3"):  # the bad label sits in the second batch
        model.fit(XOR_X, np.array([0, 1, 2, 3]), batch_size=2, epochs=1, verbose=0, shuffle=False)
    assert_same_weights(model.get_weights(), weights)
    new_state = model.optimizer.get_state()
    assert new_state["iterations"] == state["iterations"] == 2
    for param, slots in state["slots"].items():
        for name, array in slots.items():
            assert np.array_equal(new_state["slots"][param][name], array)


@pytest.mark.parametrize("kwargs,match", [
    ({"loss": "msee"}, "mean_squared_error"), ({"loss": "mse", "optimizer": "adamw"}, "adam"),
    ({"loss": "mse", "metrics": ["acuracy"]}, "accuracy"),  # no loss is Keras' add_loss-only model (models/)
    ({"loss": "mse", "metrics": "accuracy"}, "list"),
])
def test_compile_rejects_unknown_names_and_lists_the_valid_ones(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Sequential([Dense(1, input_shape=(2,))]).compile(**kwargs)


def test_learning_rate_scheduler_sets_the_rate_before_each_epoch_and_logs_it():
    from tinygrad_acts.callbacks import LearningRateScheduler

    model = small_model(optimizer=SGD(learning_rate=0.1))
    history = model.fit(XOR_X, XOR_Y, epochs=3, verbose=0,
                        callbacks=[LearningRateScheduler(lambda epoch, rate: 0.1 / (epoch + 1))])
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.1 / 3])
    assert model.optimizer.learning_rate == pytest.approx(0.1 / 3)


def test_small_values_are_printed_with_significant_digits_as_keras_does():
    from tinygrad_acts.callbacks import format_logs

    assert format_logs({"loss": 0.12345, "mae": 0.00031}) == ["loss: 0.1235", "mae: 3.1000e-04"]


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_the_finite_check_of_gradients_sees_one_bad_entry(bad):

    grads = [np.ones((3, 4), np.float32), np.full(5, 1e10, np.float32)]  # large but finite: fine
    assert all_finite(grads)
    grads[0][1, 2] = bad
    assert not all_finite(grads)


# ----------------------------------------------------------------------------------------------------------------
# Examples that pin behaviour mutation testing found unpinned
# ----------------------------------------------------------------------------------------------------------------
class RowRecorder(Layer):
    """Passes its input on, and keeps the first feature of each training batch's rows: which samples it was given."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.batches = []

    def call(self, x, training=None):
        if training:
            self.batches.append(x.data[:, 0].tolist())
        return x


def batches_fit_gives(**fit_arguments):
    """The batches of a fit on the samples 0, 1, ..., 7 (each sample's one feature is its index)."""
    recorder = RowRecorder()
    model = Sequential([Input((1,)), recorder, Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.arange(8, dtype=np.float32)[:, None], np.zeros((8, 1)), verbose=0, **fit_arguments)
    return recorder.batches


def test_fit_shuffles_the_samples_every_epoch_unless_shuffle_is_false():
    batches = batches_fit_gives(batch_size=4, epochs=2)
    first, second = batches[0] + batches[1], batches[2] + batches[3]
    assert sorted(first) == sorted(second) == list(range(8))  # each epoch sees every sample once...
    assert first != list(range(8)) and second != first  # ... in a new order
    assert batches_fit_gives(batch_size=4, epochs=2, shuffle=False) == [[0, 1, 2, 3], [4, 5, 6, 7]] * 2


def test_fit_evaluate_and_predict_take_batches_of_32_by_default():
    """Keras' default batch_size: 33 samples are two batches, of 32 samples and of 1."""
    x, y = np.zeros((33, 2), np.float32), np.zeros((33, 1), np.float32)
    seen = {"fit": [], "evaluate": [], "predict": []}
    batches = LambdaCallback(on_train_batch_end=lambda batch, logs: seen["fit"].append(batch),
                             on_test_batch_end=lambda batch, logs: seen["evaluate"].append(batch),
                             on_predict_batch_end=lambda batch, logs: seen["predict"].append(len(logs["outputs"])))
    model = small_model()
    model.fit(x, y, verbose=0, callbacks=[batches])
    model.evaluate(x, y, callbacks=[batches])
    model.predict(x, callbacks=[batches])
    assert seen == {"fit": [0, 1], "evaluate": [0, 1], "predict": [32, 1]}
    assert batches.params["steps"] == 2  # predict's params, as fit's: a whole number of batches


@pytest.mark.parametrize("call", ["fit", "evaluate", "predict"])
def test_a_batch_size_that_is_not_a_positive_integer_is_refused_naming_the_call(call):
    model = small_model()
    run = {"fit": lambda: model.fit(XOR_X, XOR_Y, batch_size=0, verbose=0),
           "evaluate": lambda: model.evaluate(XOR_X, XOR_Y, batch_size=0),
           "predict": lambda: model.predict(XOR_X, batch_size=0)}[call]
    with pytest.raises(ValueError, match=rf"^{call}: batch_size must be a positive integer \(or None for 32\), got 0$"):
        run()


def test_fit_shows_a_progress_bar_by_default_as_verbose_1(capsys):
    """verbose='auto', the default, means 1 (Keras too, outside Colab): a progress bar; callbacks see verbose 1."""
    probe = Callback()
    small_model().fit(XOR_X, XOR_Y, batch_size=2, callbacks=[probe])
    assert probe.params["verbose"] == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/1" and re.fullmatch(r"2/2 ━{20} \d+s \d+(us|ms|s)/step - loss: \d\.\d{4}", lines[1])


class TerminalOutput(io.StringIO):
    def isatty(self):
        return True


def test_on_a_terminal_fit_redraws_the_bar_after_each_batch(monkeypatch):
    terminal = TerminalOutput()
    monkeypatch.setattr(sys, "stdout", terminal)
    small_model().fit(XOR_X, XOR_Y, batch_size=2, epochs=1, verbose=1)
    drawn = re.findall(r"\r(\d/\d) ━*─* \d+s \d+(?:us|ms|s)/step - loss: \d\.\d{4}\x1b\[K", terminal.getvalue())
    assert drawn == ["1/2", "2/2", "2/2"]  # after batch 1, after batch 2, and the finished line


def test_evaluate_with_verbose_prints_keras_progress_line_with_its_results(capsys):
    """Keras 3.15: '2/2 ━━━━━━━━━━━━━━━━━━━━ 0s 3ms/step - loss: 1.0508 - mae: 0.8467' (verbose=1),
    '2/2 - 0s - 4ms/step - loss: 1.0508 - mae: 0.8467' (verbose=2)."""
    model = small_model(metrics=["mae"])
    errors = model.predict(XOR_X).astype(np.float64) - XOR_Y
    results = rf" - loss: {np.mean(errors ** 2):.4f} - mae: {np.mean(np.abs(errors)):.4f}"
    model.evaluate(XOR_X, XOR_Y, batch_size=2, verbose=1)
    assert re.fullmatch(r"2/2 ━{20} \d+s \d+(us|ms|s)/step" + results + "\n", capsys.readouterr().out)
    model.evaluate(XOR_X, XOR_Y, batch_size=2, verbose=2)
    assert re.fullmatch(r"2/2 - \d+s - \d+(us|ms|s)/step" + results + "\n", capsys.readouterr().out)


def test_predict_is_silent_by_default_and_prints_keras_progress_line_when_verbose(capsys):
    """Keras 3.15 prints '3/3 ━━━━━━━━━━━━━━━━━━━━ 0s 684us/step' (verbose=1 or 'auto') and '3/3 - 0s - 1ms/step'
    (verbose=2): no logs, as predict has none. Ours stays silent unless asked (README: where we differ)."""
    model = small_model()
    x = np.zeros((5, 2), np.float32)
    model.predict(x, batch_size=2)
    model.predict(x, batch_size=2, callbacks=[Callback()])
    assert capsys.readouterr().out == ""
    for verbose in (1, "auto"):
        model.predict(x, batch_size=2, verbose=verbose)
        assert re.fullmatch(r"3/3 ━{20} \d+s \d+(us|ms|s)/step\n", capsys.readouterr().out)
    model.predict(x, batch_size=2, verbose=2)
    assert re.fullmatch(r"3/3 - \d+s - \d+(us|ms|s)/step\n", capsys.readouterr().out)


def test_predict_with_callbacks_calls_them_and_prints_the_line_after_on_predict_end(capsys):
    """As Keras 3.15, whose progress line is the last callback: every hook is called, with params verbose 1 for
    'auto', and the finished line comes after on_predict_end."""
    class Printer(Callback):
        def on_predict_begin(self, logs=None):
            print("begin", logs, self.params)

        def on_predict_batch_begin(self, batch, logs=None):
            print("batch begin", batch, logs)

        def on_predict_batch_end(self, batch, logs=None):
            print("batch end", batch, sorted(logs))

        def on_predict_end(self, logs=None):
            print("end", logs)

    small_model().predict(np.zeros((3, 2), np.float32), batch_size=2, verbose="auto", callbacks=[Printer()])
    lines = capsys.readouterr().out.splitlines()
    assert lines[:-1] == ["begin {} {'verbose': 1, 'epochs': 1, 'steps': 2}", "batch begin 0 {}",
                          "batch end 0 ['outputs']", "batch begin 1 {}", "batch end 1 ['outputs']", "end {}"]
    assert re.fullmatch(r"2/2 ━{20} \d+s \d+(us|ms|s)/step", lines[-1])


def test_on_a_terminal_predict_redraws_the_bar_after_each_batch(monkeypatch):
    terminal = TerminalOutput()
    monkeypatch.setattr(sys, "stdout", terminal)
    small_model().predict(np.zeros((3, 2), np.float32), batch_size=1, verbose=1)
    drawn = re.findall(r"\r(\d/\d) ━*─* \d+s \d+(?:us|ms|s)/step\x1b\[K", terminal.getvalue())
    assert drawn[-2:] == ["3/3", "3/3"] and terminal.getvalue().endswith("\n")  # the last batch, the finished line


@pytest.mark.parametrize("call", ["fit", "evaluate", "predict"])
def test_verbose_other_than_auto_0_1_2_is_refused(call):
    model = small_model()
    run = {"fit": lambda: model.fit(XOR_X, XOR_Y, verbose=3),
           "evaluate": lambda: model.evaluate(XOR_X, XOR_Y, verbose=3),
           "predict": lambda: model.predict(XOR_X, verbose="yes")}[call]
    with pytest.raises(ValueError, match=rf"^{call}: verbose must be 'auto', 0 \(silent\), 1 \(progress bar\) or 2"):
        run()


def test_test_on_batch_takes_all_of_x_as_one_batch(rng):
    """With a loss that sums over its batch, one batch of 33 samples gives the sum over all 33."""
    x = rng.standard_normal((33, 2)).astype(np.float32)
    model = small_model(loss=losses.MeanSquaredError(reduction="sum"))
    expected = float(np.sum(model.predict(x).astype(np.float64) ** 2))
    assert model.test_on_batch(x, np.zeros((33, 1))) == pytest.approx(expected, rel=1e-5)


def test_fit_builds_a_model_without_an_input_shape_from_its_data():
    model = Sequential([Dense(2), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((4, 3)), np.zeros((4, 1)), verbose=0)
    assert model.input_shape == (None, 3)
    assert [w.shape for w in model.get_weights()] == [(3, 2), (2,), (2, 1), (1,)]


def test_a_new_model_has_no_shapes_before_build_and_no_optimizer_loss_or_metrics_before_compile():
    model = Sequential([Dense(2)])
    assert model.input_shape is None and model.output_shape is None
    assert model.optimizer is None and model.loss is None and model.metrics == [] and model.metrics_names == []
    model.reset_metrics()  # nothing to reset, and no error
    model.build((None, 3))
    assert model.output_shape == (None, 2)


def test_fit_ends_normally_after_a_nan_and_logs_the_batches_taken_before_it():
    """A nan in the second batch: the epoch ends on the first batch's loss. A nan in the first: no epoch is logged.
    Either way on_train_end runs, as after any training."""
    x, y = XOR_X, np.array([[0], [1], [99], [0]], dtype=np.float32)
    model = small_model(optimizer=SGD(learning_rate=0.1), loss=mse_but_nan_for_label_99)
    first_batch_loss = float(np.mean((model.predict(x[:2]) - y[:2]) ** 2))
    calls = []
    hooks = LambdaCallback(on_epoch_end=lambda epoch, logs: calls.append(f"epoch {epoch} ends"),
                           on_train_end=lambda logs: calls.append("training ends"))
    with pytest.warns(NanLossWarning, match="Epoch 1, batch 2"):
        history = model.fit(x, y, batch_size=2, epochs=3, verbose=0, shuffle=False, callbacks=[hooks])
    assert calls == ["epoch 0 ends", "training ends"]
    assert history.history["loss"] == pytest.approx([first_batch_loss], rel=1e-5)

    calls.clear()
    with pytest.warns(NanLossWarning, match="Epoch 1, batch 1"):
        history = model.fit(x[[2, 3, 0, 1]], y[[2, 3, 0, 1]], batch_size=2, epochs=3, verbose=0, shuffle=False,
                            callbacks=[hooks])
    assert calls == ["training ends"] and history.history == {}


@pytest.mark.warning_location
def test_the_nan_loss_warning_points_at_the_line_that_called_fit():
    y = XOR_Y.copy()
    y[0, 0] = 99
    with pytest.warns(NanLossWarning) as caught:
        small_model(loss=mse_but_nan_for_label_99).fit(XOR_X, y, verbose=0)
    assert caught[0].filename == __file__  # stacklevel=3: past _fit_loop and fit, to this line


def test_validation_split_needs_a_sample_on_each_side():
    model = small_model()
    with pytest.raises(ValueError, match=r"^fit: validation_split=0.5 leaves no samples for training or for "
                                         r"validation out of 1$"):
        model.fit(XOR_X[:1], XOR_Y[:1], validation_split=0.5, verbose=0)
    with pytest.raises(ValueError, match=r"validation_split=1e-17 leaves no samples .* out of 4"):
        model.fit(XOR_X, XOR_Y, validation_split=1e-17, verbose=0)  # 1 - 1e-17 == 1.0: all 4 for training
    history = model.fit(XOR_X[:2], XOR_Y[:2], validation_split=0.5, verbose=0)  # one sample on each side
    assert history.history["val_loss"][0] == pytest.approx(model.evaluate(XOR_X[1:2], XOR_Y[1:2]), rel=1e-5)


class Reciprocal(Layer):
    """1 / x, a layer of your own that divides by its input."""

    def call(self, x):
        return 1 / x

    def compute_output_shape(self, input_shape):
        return input_shape


def test_summary_prints_keras_table_with_a_rule_after_the_last_layer():
    """Columns of 34, 26 and 12 characters (the parameter count right-aligned); a blank line between layers."""
    model = Sequential([Dense(2, input_shape=(3,), name="hidden"), Dense(1, name="out")], name="tiny")
    lines = []
    model.summary(print_fn=lines.append)
    assert lines == [
        'Model: "tiny"',
        "_" * 72,
        "Layer (type)                      Output Shape                   Param #",
        "=" * 72,
        "hidden (Dense)                    (None, 2)                            8",
        "",
        "out (Dense)                       (None, 1)                            3",
        "_" * 72,
        "Total params: 11 (44.00 B)",  # 11 float32 numbers, 4 bytes each
        "Trainable params: 11 (44.00 B)",
        "Non-trainable params: 0",
    ]


def test_weight_sizes_are_given_in_units_of_1024_bytes_up_to_gb():
    def size(nbytes):  # weights of nbytes bytes; a broadcast view holds one real byte
        return _bytes([types.SimpleNamespace(data=np.broadcast_to(np.uint8(0), (nbytes,)))])

    assert size(1023) == "1023.00 B"
    assert size(1024) == "1.00 KB"
    assert size(1536) == "1.50 KB"
    assert size(1024 ** 2) == "1.00 MB"
    assert size(3 * 1024 ** 3 // 2) == "1.50 GB"
    assert size(1024 ** 4) == "1024.00 GB"  # GB is the largest unit


def test_labels_given_as_names_are_refused_with_the_first_three_names():
    model = small_model()
    with pytest.raises(TypeError, match=r"^fit: y must be an array of numbers, got strings \('cat', 'dog', 'emu'\); "
                                        r".*class ids 0 to 2"):
        model.fit(XOR_X, ["dog", "cat", "emu", "cat"], verbose=0)
    with pytest.raises(TypeError, match=r"got strings \('ant', 'cat', 'dog', \.\.\.\);.*class ids 0 to 3"):
        model.fit(XOR_X, ["dog", "cat", "emu", "ant"], verbose=0)
    # names mixed with numbers are not labels to encode: the error is the general one
    with pytest.raises(TypeError, match=r"^fit: y must be an array of numbers: ") as error:
        model.fit(XOR_X, ["dog", 1, 2, "cat"], verbose=0)
    assert "strings" not in str(error.value)


def test_get_layer_by_index_counts_from_either_end_and_refuses_booleans():
    model = small_model()
    first, last = model.layers
    assert model.get_layer(index=-2) is first and model.get_layer(index=1) is last
    with pytest.raises(ValueError, match=rf"^get_layer: index True is not a position in model '{model.name}', which "
                                         r"has 2 layers$"):
        model.get_layer(index=True)  # True == 1 in Python, but it is not a position
    with pytest.raises(ValueError, match=r"index -3 is not a position"):
        model.get_layer(index=-3)


def test_watching_training_with_layer_stats_changes_nothing_dropout_still_drops():
    def trained_weights(callbacks):
        K.clear_session()
        set_random_seed(3)
        model = Sequential([Dense(8, activation="relu", input_shape=(2,)), Dropout(0.5), Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        model.fit(XOR_X, XOR_Y, epochs=3, verbose=0, callbacks=callbacks)
        return model.get_weights()

    assert_same_weights(trained_weights([LayerStats()]), trained_weights([]))


def test_save_weights_writes_a_temporary_file_beside_the_target_then_renames_it(tmp_path, monkeypatch):
    """A rename within one folder (one file system) is atomic: a reader sees the old file or the new one."""
    renames, rename = [], os.replace

    def recorded_rename(source, target):
        renames.append((source, target))
        rename(source, target)

    monkeypatch.setattr(os, "replace", recorded_rename)
    small_model().save_weights(tmp_path / "model.npz")
    [(source, target)] = renames
    assert os.path.dirname(source) == str(tmp_path) and source.endswith(".npz.tmp")
    assert target == str(tmp_path / "model.npz")


def test_a_save_that_fails_raises_its_error_and_leaves_no_temporary_file(tmp_path):
    (tmp_path / "taken.npz").mkdir()  # a folder of that name: the rename onto it fails
    with pytest.raises(IsADirectoryError):
        small_model().save_weights(tmp_path / "taken.npz")
    assert os.listdir(tmp_path) == ["taken.npz"] and os.listdir(tmp_path / "taken.npz") == []


def test_load_weights_names_the_weights_a_file_lacks_or_has_too_many_of(tmp_path):
    model = small_model()
    model.save_weights(tmp_path / "good.npz")
    stored = dict(np.load(tmp_path / "good.npz"))  # 0.Dense.kernel, 0.Dense.bias, 1.Dense.kernel, 1.Dense.bias

    def error_of(arrays):
        np.savez(tmp_path / "bad.npz", **arrays)
        with pytest.raises(ValueError) as error:
            model.load_weights(tmp_path / "bad.npz")
        return str(error.value)

    renamed = {("1.Dense.b" if key == "1.Dense.bias" else key): value for key, value in stored.items()}
    assert error_of({k: v for k, v in stored.items() if k != "1.Dense.bias"}).endswith(
        "it holds 3 arrays, the model has 4 weights; missing ['1.Dense.bias']; nothing was changed")
    assert error_of({**stored, "2.Dense.kernel": np.ones((1, 1))}).endswith(
        "it holds 5 arrays, the model has 4 weights; unexpected ['2.Dense.kernel']; nothing was changed")
    assert error_of(renamed).endswith(
        "it holds 4 arrays, the model has 4 weights; missing ['1.Dense.bias']; unexpected ['1.Dense.b']; nothing was "
        "changed")
    assert error_of(dict(reversed(stored.items()))).endswith(
        "it holds 4 arrays, the model has 4 weights; same names in another order; nothing was changed")
    small_model(hidden=5).save_weights(tmp_path / "wider.npz")
    with pytest.raises(ValueError, match=re.escape(f"model '{model.name}' (from {str(tmp_path / 'wider.npz')!r})")):
        model.load_weights(tmp_path / "wider.npz")


def test_a_1d_x_is_samples_of_one_feature_or_else_refused_as_one_sample():
    model = Sequential([Dense(2)])  # no input shape yet: x of shape (3,) is 3 samples of one feature, as in Keras
    assert model.predict(np.array([1.0, 2.0, 3.0])).shape == (3, 2) and model.input_shape == (None, 1)
    three = Sequential([Input((3,)), Dense(1)])
    with pytest.raises(ValueError, match=r"got input of shape \(3,\), which looks like one sample.*x\.reshape\(1, 3\)"):
        three.predict(np.array([1.0, 2.0, 3.0]))


def test_model_says_what_its_inputs_and_outputs_must_be():
    inputs = Input((2,))
    outputs = Dense(1)(inputs)
    with pytest.raises(TypeError, match=r"^Model\(inputs, outputs\) needs both"):
        Model(inputs=inputs)
    with pytest.raises(ValueError, match=r"^Model: input 'unused' is not connected to any output; remove it"):
        Model([inputs, Input((2,), name="unused")], outputs)
    with pytest.raises(TypeError, match=r"^Model: inputs must be what Input\(shape=\.\.\.\) returns, got Dense$"):
        Model(Dense(1), outputs)
    with pytest.raises(TypeError, match=r"^Model: outputs must be the result of calling layers on the inputs, e\.g\. "
                                        r"Dense\(1\)\(x\), got int$"):
        Model(inputs, 5)


def test_a_model_takes_dicts_of_one_and_may_be_its_input_alone():
    inputs = Input((2,), name="features")
    scores = Dense(1)(inputs)
    model = Model(inputs={"features": inputs}, outputs={"score": scores})
    assert model.layers == [inputs.node.layer, scores.node.layer]
    inputs = Input((2,))
    np.testing.assert_array_equal(Model(inputs, inputs).predict(XOR_X), XOR_X)  # no layers: the input comes out


class Scale(Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def test_a_functional_model_from_config_keeps_its_input_name_and_finds_your_layers():
    inputs = Input((3,), name="pixels")
    config = Model(inputs, Scale(3.0)(Dense(2)(inputs))).get_config()
    again = Model.from_config(config, custom_objects={"Scale": Scale})
    assert again.layers[0].name == "pixels" and again.layers[2].factor == 3.0
    with pytest.raises(ValueError, match=r"^Model\.from_config: the config must start with its InputLayer$"):
        Model.from_config({"layers": config["layers"][1:]}, custom_objects={"Scale": Scale})


def test_a_model_inside_a_model_comes_back_from_its_config_with_your_layers():
    inner = Sequential([Dense(2, input_shape=(3,)), Scale(3.0)], name="inner")
    again = Sequential.from_config(Sequential([inner, Dense(1)]).get_config(), custom_objects={"Scale": Scale})
    assert again.layers[0].name == "inner" and again.layers[0].layers[1].factor == 3.0


def test_a_config_entry_without_config_is_the_layer_with_its_defaults():
    model = Sequential.from_config({"layers": [{"class_name": "InputLayer", "config": {"batch_shape": [None, 2]}},
                                               {"class_name": "ReLU"}]})
    np.testing.assert_array_equal(model.predict(np.array([[-1.0, 2.0]])), [[0.0, 2.0]])


def test_plot_and_to_json_pass_their_options_on():
    model = small_model()
    assert "(None, 4)" in model.plot() and "(None, 4)" not in model.plot(show_shapes=False)
    text = model.to_json(indent=2)
    assert text.startswith('{\n  "class_name": "Sequential"') and json.loads(text) == json.loads(model.to_json())


class Echo(Layer):
    """Passes its input on, and keeps the shape of every input it is given."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.shapes = []

    def call(self, x):
        self.shapes.append(x.shape)
        return x


class EchoWithShape(Echo):
    def compute_output_shape(self, input_shape):
        return input_shape


class Halve(Echo):
    def call(self, x):
        super().call(x)
        return x[:, :x.shape[1] // 2]


def test_a_layer_of_your_own_without_compute_output_shape_is_run_once_on_one_sample_of_zeros():
    """As Keras runs it symbolically: the model learns its output shape, once per input shape."""
    halve = Halve()
    model = Sequential([Input((4,)), halve, Dense(3), Dense(1)])  # each add builds the model again
    assert halve.shapes == [(1, 4)] and halve.output_shape == (None, 2) and model.get_weights()[0].shape == (2, 3)


def test_a_layer_of_your_own_is_not_run_when_its_shape_can_be_known_otherwise():
    declared = EchoWithShape()  # it says its output shape
    Sequential([Input((4,)), declared])
    unknown_length = Echo()  # the input's length is unknown (None): no sample of zeros can be made; the shape is kept
    model = Sequential([Input((None, 3)), unknown_length])
    assert declared.shapes == unknown_length.shapes == [] and model.output_shape == (None, None, 3)


def test_sample_weight_must_be_one_number_per_sample():
    model = small_model()
    with pytest.raises(TypeError, match=r"^fit: sample_weight must be an array of numbers, one per sample, shape "
                                        r"\(4,\); got \[1, \[2, 3\], 4, 5\] of type list$"):
        model.fit(XOR_X, XOR_Y, sample_weight=[1, [2, 3], 4, 5], verbose=0)
    with pytest.raises(ValueError, match=r"^fit: sample_weight has a single number 2.0 but x has 4 samples; give one "
                                         r"weight per sample, an array of shape \(4,\)$"):
        model.fit(XOR_X, XOR_Y, sample_weight=2.0, verbose=0)


def test_integer_weights_become_floatx_and_float_weights_are_used_as_given():
    y = np.zeros((4, 1), np.float32)
    weights = sample_weights("fit", y, 4, np.array([1, 0, 2, 3]), None)
    assert weights.dtype == K.floatx() and weights.tolist() == [1.0, 0.0, 2.0, 3.0]
    assert sample_weights("fit", y, 4, np.array([0.5, 0.1, 0.2, 0.3]), None).dtype == np.float64
    by_class = sample_weights("fit", np.array([0, 1, 2, 1]), 4, None, {1: 3})
    assert by_class.dtype == K.floatx() and by_class.tolist() == [1.0, 3.0, 1.0, 3.0]
    big = 2 ** 53  # float64 cannot tell big + 1 from big: class ids are compared as integers
    assert sample_weights("fit", np.array([big, big + 1]), 2, None, {big + 1: 0.0}).tolist() == [1.0, 0.0]


def test_a_loss_object_without_reduction_is_averaged_over_the_batch_withsample_weights():
    model = small_model(loss=losses.MeanSquaredError(reduction="none"))
    weights = np.array([1.0, 0.0, 2.0, 0.5])
    errors = ((model.predict(XOR_X).astype(np.float64) - XOR_Y) ** 2)[:, 0]
    assert model.train_on_batch(XOR_X, XOR_Y, sample_weight=weights) == pytest.approx((errors * weights).mean(),
                                                                                       rel=1e-5)


def test_class_weight_keys_may_be_whole_floats_and_a_weight_may_be_zero():
    model = small_model(loss="binary_crossentropy", activation="sigmoid")
    p = model.predict(XOR_X).astype(np.float64)[:, 0]
    labels = XOR_Y[:, 0]
    per_sample = -(labels * np.log(p) + (1 - labels) * np.log(1 - p))
    expected = (per_sample * np.where(labels == 1, 2.0, 0.0)).sum() / 4  # class 0 weighs 0 but counts in the 4
    assert model.train_on_batch(XOR_X, XOR_Y, class_weight={0.0: 0, 1.0: 2.0}) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("y, class_weight, match", [
    (XOR_Y, {0: True}, r"^fit: class_weight\[0\] is True; class weights must be finite numbers >= 0$"),
    (np.ones((4, 2, 3)), {0: 1.0}, r"^fit: class_weight needs one class per sample: y of shape \(n,\), \(n, 1\) or "
                                   r"one-hot \(n, classes\), got y of shape \(4, 2, 3\); give sample_weight instead$"),
    (np.array([[0], [np.nan], [1], [0]]), {0: 1.0}, r"^fit: y holds 1 value that is not finite \(1 nan, 0 inf\)"),
], ids=["boolean-weight", "3d-labels", "nan-label"])
def test_class_weight_refuses_what_cannot_weigh_a_sample(y, class_weight, match):
    with pytest.raises(ValueError, match=match):
        small_model().fit(XOR_X, y, class_weight=class_weight, verbose=0)


def test_predict_on_batch_is_one_call_on_all_the_rows():
    recorder = EchoWithShape()  # it states its output shape, so building does not run it
    model = Sequential([Input(shape=(2,)), recorder])
    x = np.arange(80.0).reshape(40, 2)  # more rows than predict's default batch of 32
    np.testing.assert_array_equal(model.predict_on_batch(x), x)
    assert recorder.shapes == [(40, 2)]
    with pytest.raises(ValueError, match="predict_on_batch expects an array of samples"):
        model.predict_on_batch(3.0)  # the error names the method called


def test_train_on_batch_names_itself_in_errors_and_returns_nan_for_a_step_it_does_not_take():
    model = Sequential([Dense(1, input_shape=(1,))])
    model.compile(optimizer="sgd", loss=mse_but_nan_for_label_99, metrics=["mae"])
    with pytest.raises(ValueError, match="train_on_batch"):
        model.train_on_batch(np.zeros((3, 1)), np.zeros((2, 1)))
    before = [w.data.copy() for w in model.weights]
    values = model.train_on_batch(np.ones((1, 1)), np.array([[99.0]]))  # a nan loss: the step is skipped
    assert len(values) == 2 and all(np.isnan(v) for v in values)
    assert all(np.array_equal(b, w.data) for b, w in zip(before, model.weights, strict=True))


def test_evaluates_batch_logs_hold_a_metric_objects_running_result():
    from tinygrad_acts import metrics

    seen = []
    model = Sequential([Dense(1, input_shape=(1,), kernel_initializer="ones", bias_initializer="zeros")])
    model.compile(optimizer="sgd", loss="mse", metrics=[metrics.Precision(name="precision")])
    x = np.array([[1.0], [1.0], [1.0], [-1.0]])
    y = np.array([[1.0], [0.0], [0.0], [1.0]])  # first batch: 1 of 2 predicted positives right; second: 0 of 1
    model.evaluate(x, y, batch_size=2, callbacks=[LambdaCallback(
        on_test_batch_end=lambda batch, logs: seen.append(logs["precision"]))])
    assert seen == pytest.approx([1 / 2, 1 / 3])


def test_a_functional_models_input_layer_is_built_with_the_input_shape():
    inputs = Input(shape=(3,))
    model = Model(inputs, Dense(2)(inputs))
    assert model.layers[0].built and model.layers[0].output_shape == (None, 3)


def test_every_layers_output_is_the_chain_of_layers_up_to_it():
    """layer.output after build: the layers up to and including this one, with their output shape, so a functional
    Model can stop there (as Keras' Model(model.inputs, model.layers[i].output))."""
    model = Sequential([Input(shape=(2,)), Dense(3, kernel_initializer="ones", bias_initializer="zeros"),
                        Dense(1, kernel_initializer="ones", bias_initializer="ones")])
    first, last = model.layers[0].output, model.layers[1].output
    assert (first.shape, last.shape) == ((None, 3), (None, 1))
    x = np.array([[1.0, 2.0]])
    assert Model(model.inputs, first).predict(x, verbose=0).tolist() == [[3.0, 3.0, 3.0]]  # x1 + x2 per unit
    assert Model(model.inputs, last).predict(x, verbose=0).tolist() == [[10.0]]  # 3 * 3 + 1


def test_metric_functions_are_logged_under_their_name_or_metric():
    """A function metric is named by its __name__; a callable without one (a functools.partial) is 'metric'."""
    import functools

    def distance(y_true, y_pred):
        return np.abs(y_true - y_pred)

    model = Sequential([Dense(1, input_shape=(1,))])
    model.compile(optimizer="sgd", loss="mse", metrics=[distance, functools.partial(distance)])
    assert model.metrics_names == ["loss", "distance", "metric"]


def test_train_step_adds_every_layers_penalty_to_the_loss():
    """Each regularized weight adds its penalty: l2 * sum(w^2) = 0.5 * 1 + 0.25 * 1 with all-ones 1x1 kernels."""
    from tinygrad_acts.regularizers import L2

    model = Sequential([Dense(1, input_shape=(1,), kernel_initializer="ones", bias_initializer="zeros",
                              kernel_regularizer=L2(0.5)),
                        Dense(1, kernel_initializer="ones", bias_initializer="zeros", kernel_regularizer=L2(0.25))])
    model.compile(optimizer=SGD(learning_rate=0.0), loss="mse")
    assert model.train_on_batch(np.array([[0.0]]), np.array([[0.0]])) == pytest.approx(0.75)  # the mse is 0


def test_fits_batch_logs_hold_a_metric_objects_running_result():
    """As in evaluate: after each training batch a Metric object reports its own result() over the epoch so far."""
    from tinygrad_acts import metrics

    seen = []
    model = Sequential([Dense(1, input_shape=(1,), kernel_initializer="ones", bias_initializer="zeros")])
    model.compile(optimizer=SGD(learning_rate=0.0), loss="mse", metrics=[metrics.Precision(name="precision")])
    x = np.array([[1.0], [1.0], [1.0], [-1.0]])
    y = np.array([[1.0], [0.0], [0.0], [1.0]])  # first batch: 1 of 2 predicted positives right; second: 0 of 1
    model.fit(x, y, batch_size=2, shuffle=False, verbose=0, callbacks=[LambdaCallback(
        on_train_batch_end=lambda batch, logs: seen.append(logs["precision"]))])
    assert seen == pytest.approx([1 / 2, 1 / 3])


def test_save_and_load_model_check_their_path_before_they_need_keras():
    from tinygrad_acts.models import load_model

    model = small_model()
    with pytest.raises(TypeError, match="^save expects a file path such as 'model.weights.npz', got 42$"):
        model.save(42)
    with pytest.raises(ValueError, match=r"the path must end in '\.keras', got 'm\.h5'.*save_weights\("):
        model.save("m.h5")
    with pytest.raises(TypeError, match="^load_model expects a file path such as 'model.weights.npz', got None$"):
        load_model(None)
