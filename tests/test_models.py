"""Training with the Keras model API: compile, fit, evaluate, callbacks, progress, weights on disk."""
import io
import os
import re
import zipfile

import numpy as np
import pytest

import tinygrad_acts.backend as K
from tinygrad_acts.callbacks import EarlyStopping, ProgressBar
from tinygrad_acts.layers import Dense
from tinygrad_acts.models import NanLossWarning, Sequential
from tinygrad_acts.optimizers import SGD, Adam
from tinygrad_acts.utils import set_random_seed

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=np.float32)


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    set_random_seed(0)


def small_model(optimizer="sgd", loss="mse", metrics=None, hidden=4, inputs=2, outputs=1, activation=None):
    model = Sequential([Dense(hidden, activation="tanh", input_shape=(inputs,)), Dense(outputs, activation=activation)])
    model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    return model


def assert_same_weights(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert np.array_equal(x, y)


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
    x = np.array([[1, 0], [0, 1], [np.nan, 0], [1, 1]], dtype=np.float32)
    y = np.array([[1], [0], [1], [0]], dtype=np.float32)
    reference = small_model(optimizer=SGD(learning_rate=0.1))
    start = reference.get_weights()
    reference.fit(x[:2], y[:2], batch_size=2, epochs=1, verbose=0, shuffle=False)  # the one good step

    model = small_model(optimizer=SGD(learning_rate=0.1))
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
# Weights on disk
# ----------------------------------------------------------------------------------------------------------------
def test_save_and_load_weights_round_trip_bit_for_bit(tmp_path):
    model = small_model(optimizer="adam")
    model.fit(XOR_X, XOR_Y, epochs=5, verbose=0)
    path = tmp_path / "xor.npz"
    model.save_weights(path)
    assert os.listdir(tmp_path) == ["xor.npz"]  # the temporary file was renamed, nothing left behind
    K.clear_session()
    other = small_model()  # a new session numbers layers the same way, but the file does not rely on names
    other.load_weights(path)
    assert_same_weights(other.get_weights(), model.get_weights())
    assert np.array_equal(other.predict(XOR_X), model.predict(XOR_X))


def test_save_weights_wants_an_npz_path(tmp_path):
    with pytest.raises(ValueError, match=r"must end in '\.npz' \(or in '\.weights\.h5' for Keras' format"):
        small_model().save_weights(tmp_path / "model.h5")


def bad_files(tmp_path):
    good = tmp_path / "good.npz"
    small_model().save_weights(good)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[:100])
    text = tmp_path / "text.npz"
    text.write_text("not a weight file")
    pickled = tmp_path / "pickled.npz"
    arrays = dict(np.load(good))
    arrays["0.Dense.kernel"] = np.array([{"evil": 1}], dtype=object)  # would need pickle to read
    np.savez(pickled, **arrays)
    wider = tmp_path / "wider.npz"
    small_model(hidden=5).save_weights(wider)
    fewer = tmp_path / "fewer.npz"
    np.savez(fewer, **{k: v for k, v in list(dict(np.load(good)).items())[:3]})
    return {"truncated": truncated, "text": text, "pickled": pickled, "wider": wider, "fewer": fewer}


@pytest.mark.parametrize("kind,match", [("truncated", "not a readable"), ("text", "not a readable"),
                                        ("pickled", "not a readable"), ("wider", r"shape \(2, 4\).*\(2, 5\)"),
                                        ("fewer", r"holds 3 arrays.*4 weights.*missing")])
def test_load_weights_rejects_bad_files_and_changes_nothing(tmp_path, kind, match):
    path = bad_files(tmp_path)[kind]
    model = small_model()
    before = model.get_weights()
    with pytest.raises(ValueError, match=match):
        model.load_weights(path)
    assert_same_weights(model.get_weights(), before)
    assert zipfile.is_zipfile(tmp_path / "good.npz")


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
    ({"loss": "mse", "metrics": ["acuracy"]}, "accuracy"), ({"loss": None}, "needs a loss"),
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
    from tinygrad_acts.models import _all_finite

    grads = [np.ones((3, 4), np.float32), np.full(5, 1e10, np.float32)]  # large but finite: fine
    assert _all_finite(grads)
    grads[0][1, 2] = bad
    assert not _all_finite(grads)
