"""diagnostics: LayerStats records what the training step computed, inspect looks without touching, and the numbers
say what the textbooks say (saturated sigmoids, dead ReLUs, vanishing gradients in a deep sigmoid net)."""
import numpy as np
import pytest
from helpers import assert_same_weights

import tinygrad_acts as ta
import tinygrad_acts.backend as K
from tinygrad_acts import diagnostics
from tinygrad_acts.callbacks import Callback
from tinygrad_acts.diagnostics import LayerStats, inspect
from tinygrad_acts.initializers import Constant, RandomNormal
from tinygrad_acts.layers import Activation, Dense, Softmax
from tinygrad_acts.models import Sequential


# ----------------------------------------------------------------------------------------------------------------
# The numbers equal the same quantities computed by hand
# ----------------------------------------------------------------------------------------------------------------
def histogram(values, low, high, bins):
    """Fractions per bin over [low, high], values beyond the range counted in the end bins."""
    counts, _ = np.histogram(np.clip(values, low, high), bins=np.linspace(low, high, bins + 1))
    return counts / values.size


def by_hand(x, y, weights, learning_rate):
    """One SGD step of tanh(tanh(x @ W1 + b1) @ W2 + b2) with mean squared error, and everything LayerStats records."""
    w1, b1, w2, b2 = weights
    z1 = x @ w1 + b1
    h1 = np.tanh(z1)
    z2 = h1 @ w2 + b2
    h2 = np.tanh(z2)
    dh2 = 2 * (h2 - y) / h2.size  # loss = mean over every entry of (h2 - y)^2
    dz2 = dh2 * (1 - h2 ** 2)
    dh1 = dz2 @ w2.T
    dz1 = dh1 * (1 - h1 ** 2)
    grads = [x.T @ dz1, dz1.sum(0), h1.T @ dz2, dz2.sum(0)]
    new_weights = [w - learning_rate * g for w, g in zip(weights, grads, strict=True)]
    layers = [(z1, h1, dh1), (z2, h2, dh2)]
    expected = {
        "output_mean": [h.mean() for _, h, _ in layers], "output_std": [h.std() for _, h, _ in layers],
        "output_hist": [histogram(h, -4, 4, 80) for _, h, _ in layers],
        "preactivation_mean": [z.mean() for z, _, _ in layers], "preactivation_std": [z.std() for z, _, _ in layers],
        "preactivation_hist": [histogram(z, -4, 4, 80) for z, _, _ in layers],
        # tanh' = 1 - tanh^2 is largest at 0, where it is 1: saturated means 1 - tanh(z)^2 < 0.05
        "saturated": [np.mean(1 - np.tanh(z) ** 2 < 0.05) for z, _, _ in layers],
        "dead": [0.0, 0.0],
        "grad_mean": [g.mean() for _, _, g in layers], "grad_std": [g.std() for _, _, g in layers],
        "grad_norm": [np.sqrt((g ** 2).sum()) for _, _, g in layers],
        "grad_hist": [histogram(np.log10(np.maximum(np.abs(g), 1e-12)), -12, 0, 60) for _, _, g in layers],
        "weight_norm": [np.sqrt((w ** 2).sum()) for w in weights],
        "weight_grad_norm": [np.sqrt((g ** 2).sum()) for g in grads],
        "update_ratio": [np.sqrt(((new - w) ** 2).sum()) / np.sqrt((w ** 2).sum())
                         for new, w in zip(new_weights, weights, strict=True)],
    }
    return expected, new_weights


def test_layer_stats_equal_a_forward_backward_and_sgd_step_done_by_hand():
    K.set_floatx("float64")  # so the hand computation and the engine agree to 1e-9, far better than float32's 1e-6
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((6, 3)), rng.uniform(-1, 1, (6, 2))
    # large enough first-layer weights that some tanh units saturate, and nonzero biases (a ratio needs ||w|| > 0)
    weights = [rng.normal(0, 2, (3, 4)), rng.normal(0, 0.5, 4), rng.normal(0, 1, (4, 2)), rng.normal(0, 0.5, 2)]
    model = Sequential([Dense(4, activation="tanh", input_shape=(3,)), Dense(2, activation="tanh")])
    model.set_weights(weights)
    model.compile(optimizer=ta.optimizers.SGD(learning_rate=0.1), loss="mse")
    stats = LayerStats()
    model.fit(x, y, batch_size=6, epochs=2, shuffle=False, verbose=0, callbacks=[stats])
    record = stats.record

    assert record.steps.tolist() == [0, 1]
    assert record.layer_names.tolist() == ["dense", "dense_1"]
    assert record.activation_names.tolist() == ["tanh", "tanh"]
    assert record.weight_names.tolist() == ["dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"]
    assert record.weight_layer.tolist() == [0, 0, 1, 1]
    np.testing.assert_array_equal(record.value_edges, np.linspace(-4, 4, 81))
    np.testing.assert_array_equal(record.grad_edges, np.linspace(-12, 0, 61))
    for step in range(2):
        expected, weights = by_hand(x, y, weights, 0.1)
        for name, values in expected.items():
            tolerance = 1e-7 if name.endswith("_hist") else 1e-12  # histograms are stored in float32
            np.testing.assert_allclose(getattr(record, name)[step], np.array(values), rtol=1e-9, atol=tolerance,
                                       err_msg=f"{name} at step {step}")
    assert 0 < record.saturated[0, 0] < 1  # the test checks the counting, not an empty case
    np.testing.assert_allclose(model.get_weights()[0], weights[0], rtol=1e-12)  # the steps were these steps


def test_each_layer_runs_once_per_step_no_second_pass():
    model = Sequential([Dense(4, activation="tanh", input_shape=(3,)), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    calls = []
    for layer in model.layers:
        layer.call = (lambda call, name: lambda x: (calls.append(name), call(x))[1])(layer.call, layer.name)
    x, y = np.random.default_rng(0).standard_normal((20, 3)), np.zeros((20, 1))
    model.fit(x, y, batch_size=5, epochs=1, verbose=0, callbacks=[LayerStats()])
    assert calls == ["dense", "dense_1"] * 4  # 4 steps, one forward pass each


def test_every_3_records_steps_0_3_6_9_across_epochs():
    model = Sequential([Dense(4, activation="relu", input_shape=(2,)), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    stats = LayerStats(every=3)
    x, y = np.random.default_rng(0).standard_normal((20, 2)), np.zeros((20, 1))
    model.fit(x, y, batch_size=4, epochs=2, verbose=0, callbacks=[stats])  # 5 steps per epoch, 10 in all
    record = stats.record
    assert record.steps.tolist() == [0, 3, 6, 9]
    assert record.output_std.shape == (4, 2) and record.output_hist.shape == (4, 2, 80)
    assert record.grad_hist.shape == (4, 2, 60) and record.update_ratio.shape == (4, 4)
    # bounded memory: scalars and histograms only, as the module docstring states
    assert record.nbytes == 4 * (8 + 952 * 2 + 24 * 4)


def test_an_activation_layer_s_pre_activation_is_its_input():
    model = Sequential([Dense(8, input_shape=(3,)), Activation("relu"), Dense(1)])
    record = inspect(model, np.random.default_rng(0).standard_normal((16, 3)), np.zeros((16, 1)))
    assert record.activation_names.tolist() == ["", "relu", ""]
    assert record.preactivation_std[0, 1] == record.output_std[0, 0]
    np.testing.assert_array_equal(record.preactivation_hist[0, 1], record.output_hist[0, 0])
    assert np.isnan(record.preactivation_mean[0, [0, 2]]).all() and np.isnan(record.saturated[0, [0, 2]]).all()


def test_softmax_is_not_elementwise_so_its_saturation_is_nan():
    model = Sequential([Dense(3, input_shape=(2,)), Softmax()])
    record = inspect(model, np.ones((4, 2)))
    assert np.isnan(record.saturated[0, 1]) and np.isnan(record.dead[0, 1])
    assert record.output_mean[0, 1] == pytest.approx(1 / 3)  # each row sums to 1 over 3 entries


# ----------------------------------------------------------------------------------------------------------------
# The fast paths compute what the general ones do
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_histograms_counted_together_equal_each_array_s_own(dtype):
    rng = np.random.default_rng(0)
    # beyond the edges, exact zeros, exact edges, tiny gradients: every end bin gets something
    arrays = [rng.normal(0, 3, (7, 5)), np.array([0.0, -4.0, 4.0, 3.95, -100.0, 1e-30]),
              rng.normal(0, 1, 300) * 1e-6]
    arrays = [array.astype(dtype) for array in arrays]
    bins = diagnostics._Bins(diagnostics.VALUE_EDGES, tuple(a.size for a in arrays), np.dtype(dtype))
    counts = bins.count(arrays)
    for array, array_counts in zip(arrays, counts, strict=True):
        fractions = (array_counts / array.size).astype(np.float32)  # as the record stores them
        np.testing.assert_array_equal(fractions, diagnostics._histogram(array, diagnostics.VALUE_EDGES))
    ln_edges = diagnostics._LN_GRAD_EDGES
    bins = diagnostics._Bins(ln_edges, tuple(a.size for a in arrays), np.dtype(dtype))
    counts = bins.count(arrays, logarithm=True)
    for array, array_counts in zip(arrays, counts, strict=True):
        fractions = (array_counts / array.size).astype(np.float32)
        magnitude = np.maximum(np.abs(array), dtype(1e-12))  # as the one-array path takes log10|g|
        np.testing.assert_array_equal(fractions, diagnostics._histogram(np.log(magnitude), ln_edges))


def test_a_relu_output_histogram_folded_from_its_pre_activation_s_equals_its_own():
    model = Sequential([Dense(32, activation="relu", input_shape=(4,)), Activation("relu"), Dense(1)])
    x = np.random.default_rng(0).standard_normal((50, 4))
    record = inspect(model, x)
    z = x @ model.get_weights()[0] + model.get_weights()[1]
    hidden = np.maximum(z, 0)
    np.testing.assert_allclose(record.output_hist[0, 0], histogram(hidden, -4, 4, 80), atol=1e-7)
    np.testing.assert_allclose(record.output_hist[0, 1], histogram(hidden, -4, 4, 80), atol=1e-7)
    assert record.output_hist[0, 0, 40] > 0.3  # about half the entries are 0, in the bin [0, 0.1)


def test_relu_s_saturated_and_dead_fractions_equal_the_engine_s():
    z = np.random.default_rng(0).standard_normal((16, 6))
    z[:, 0] = -1.0  # a dead unit
    z[3, 1] = 0.0  # relu'(0) = 0, as the engine's rule says
    z[5, 2] = np.nan
    for values in (z, z.astype(np.float32), z[:, :1]):
        fast = diagnostics._saturated_and_dead(ta.activations.relu, True, values)
        engine = diagnostics._saturated_and_dead(ta.activations.relu, False, values)
        assert fast == engine
    assert diagnostics._saturated_and_dead(ta.activations.relu, True, z)[1] == pytest.approx(1 / 6)


class SameSGD(ta.optimizers.SGD):
    """SGD under another name: LayerStats cannot assume its step, so it copies the weights and measures it."""


@pytest.mark.parametrize("floatx, rtol", [("float64", 1e-9), ("float32", 1e-3)])
def test_update_ratios_of_plain_sgd_equal_the_measured_change_of_the_weights(floatx, rtol):
    K.set_floatx(floatx)
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((32, 3)), rng.standard_normal((32, 1))
    records = []
    for optimizer in (ta.optimizers.SGD(learning_rate=0.05), SameSGD(learning_rate=0.05)):
        K.set_random_seed(0)
        model = Sequential([Dense(8, activation="relu", input_shape=(3,)), Dense(1)])
        model.compile(optimizer=optimizer, loss="mse")
        stats = LayerStats()
        model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0, callbacks=[stats])
        records.append(stats.record)
    fast, measured = records
    assert np.isnan(fast.update_ratio[0, [1, 3]]).all() and np.isnan(measured.update_ratio[0, [1, 3]]).all()
    np.testing.assert_allclose(fast.update_ratio, measured.update_ratio, rtol=rtol)
    assert np.isfinite(fast.update_ratio[1:]).all()


def test_std_of_values_with_a_large_mean_uses_the_centered_formula():
    K.set_floatx("float32")  # E[x^2] - mean^2 would lose every digit here: mean 1e4, std about 1
    model = Sequential([Dense(3, input_shape=(2,), kernel_initializer=Constant(1.0),
                              bias_initializer=Constant(1e4))])
    x = np.random.default_rng(0).standard_normal((256, 2))
    record = inspect(model, x)
    expected = (x @ np.ones((2, 3)) + 1e4).astype(np.float32).astype(np.float64)
    np.testing.assert_allclose(record.output_std[0, 0], expected.std(), rtol=1e-4)
    np.testing.assert_allclose(record.output_mean[0, 0], expected.mean(), rtol=1e-6)


def test_values_that_are_not_numbers_are_left_out_of_the_histograms():
    model = Sequential([Dense(4, activation="relu", input_shape=(2,))])
    model.set_weights([np.full((2, 4), 3e38, np.float32), np.zeros(4, np.float32)])
    x = np.random.default_rng(0).standard_normal((10, 2)) * 1e-3  # outputs near 1e35: numbers, far out of range
    x[0] = [2.0, 2.0]  # the first sample's outputs overflow float32: inf (data with inf are refused, see test_errors)
    with np.errstate(invalid="ignore", over="ignore"):
        record = inspect(model, x)
        output = model.predict(x, verbose=0)
    finite = output[np.isfinite(output)]
    assert 0 < finite.size < output.size
    np.testing.assert_allclose(record.output_hist[0, 0], histogram(finite, -4, 4, 80), atol=1e-7)
    assert not np.isfinite(record.output_mean[0, 0])


def test_a_long_fit_records_every_step_in_order():
    model = Sequential([Dense(4, activation="tanh", input_shape=(2,)), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    stats = LayerStats()
    x = np.random.default_rng(0).standard_normal((80, 2))
    model.fit(x, x[:, :1], batch_size=2, epochs=1, shuffle=False, verbose=0, callbacks=[stats])  # 40 steps
    record = stats.record
    assert record.steps.tolist() == list(range(40))
    assert np.isfinite(record.update_ratio[1:]).all() and np.isfinite(record.grad_norm).all()  # biases start at 0
    assert record.nbytes == 40 * (8 + 952 * 2 + 24 * 4)


# ----------------------------------------------------------------------------------------------------------------
# Saturated and dead units
# ----------------------------------------------------------------------------------------------------------------
def sigmoid_net(stddev):
    return Sequential([Dense(64, activation="sigmoid", input_shape=(16,),
                             kernel_initializer=RandomNormal(stddev=stddev))])


def test_large_weights_saturate_a_sigmoid_layer_and_small_ones_do_not():
    x = np.random.default_rng(0).standard_normal((64, 16))
    # sigmoid' peaks at 1/4: saturated is sigmoid' < 0.0125, that is |z| > 4.4; z has std 4 stddev here
    assert inspect(sigmoid_net(stddev=10.0), x).saturated[0, 0] > 0.8
    assert inspect(sigmoid_net(stddev=0.01), x).saturated[0, 0] < 0.01


def test_a_relu_layer_with_a_very_negative_bias_is_all_dead():
    model = Sequential([Dense(16, activation="relu", input_shape=(4,), bias_initializer=Constant(-100.0)), Dense(1)])
    record = inspect(model, np.random.default_rng(0).standard_normal((32, 4)), np.zeros((32, 1)))
    assert record.dead[0, 0] == 1.0 and record.saturated[0, 0] == 1.0


def test_dead_counts_units_that_no_sample_switches_on():
    model = Sequential([Dense(16, activation="relu", input_shape=(4,))])
    kernel, _ = model.get_weights()
    model.set_weights([kernel, np.repeat([-100.0, 100.0], 8)])  # units 0-7 off for every sample, 8-15 always on
    record = inspect(model, np.random.default_rng(0).standard_normal((32, 4)))
    assert record.dead[0, 0] == 0.5 and record.saturated[0, 0] == 0.5


# ----------------------------------------------------------------------------------------------------------------
# inspect: one look, nothing changed
# ----------------------------------------------------------------------------------------------------------------
def test_inspect_leaves_weights_gradients_and_optimizer_state_unchanged():
    model = Sequential([Dense(8, activation="tanh", input_shape=(3,)), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x, y = np.random.default_rng(0).standard_normal((16, 3)), np.zeros((16, 1))
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)  # Adam now has moments to protect
    weights, state = model.get_weights(), model.optimizer.get_state()
    model.weights[0].grad = np.full((3, 8), 7.0)  # a gradient someone left there must stay, not grow
    record = inspect(model, x, y)
    assert_same_weights(weights, model.get_weights())
    np.testing.assert_array_equal(model.weights[0].grad, np.full((3, 8), 7.0))
    assert all(w.grad is None for w in model.weights[1:])
    after = model.optimizer.get_state()
    assert after["iterations"] == state["iterations"]
    assert all(np.array_equal(state["slots"][p][k], after["slots"][p][k]) for p in state["slots"]
               for k in state["slots"][p])
    assert record.steps.tolist() == [0] and np.isnan(record.update_ratio).all()
    assert (record.grad_norm > 0).all() and (record.weight_grad_norm > 0).all()


def test_inspect_without_y_measures_the_forward_pass_only():
    model = Sequential([Dense(8, activation="tanh", input_shape=(3,)), Dense(1)])
    x = np.random.default_rng(0).standard_normal((16, 3))
    record = inspect(model, x)
    np.testing.assert_allclose(record.output_mean[0, 1], model.predict(x).mean(), rtol=1e-6)
    assert np.isnan(record.grad_norm).all() and np.isnan(record.weight_grad_norm).all()
    assert (record.grad_hist == 0).all()


def test_inspect_needs_a_built_model_and_a_recorded_forward_pass():
    with pytest.raises(ValueError, match=r"inspect: the model 'sequential' has not been built yet"):
        inspect(Sequential([Dense(2)]), np.ones((3, 2)))
    model = Sequential([Dense(2, input_shape=(2,))])
    with ta.no_grad(), pytest.raises(RuntimeError, match=r"call it outside no_grad\(\)"):
        inspect(model, np.ones((3, 2)))


def test_the_first_layer_of_a_deep_sigmoid_net_gets_orders_of_magnitude_less_gradient_than_the_last():
    """Glorot & Bengio (2010): through 10 sigmoid layers at initialization, each layer passes back about a quarter
    of the gradient it receives (sigmoid' <= 1/4). Measured here: ratio first/last about 1e-5.7."""
    model = Sequential([Dense(64, activation="sigmoid", input_shape=(32,))]
                       + [Dense(64, activation="sigmoid") for _ in range(9)] + [Dense(1)])
    rng = np.random.default_rng(0)
    record = inspect(model, rng.standard_normal((128, 32)), rng.standard_normal((128, 1)))
    first, last = record.grad_norm[0, 0], record.grad_norm[0, 9]  # the first and the last sigmoid layer
    assert first / last < 1e-4
    kernels = record.weight_grad_norm[0, 0::2]
    assert kernels[0] / kernels[-1] < 1e-4
    assert (np.diff(np.log10(record.grad_norm[0, :10])) > 0).all()  # shrinking at every layer on the way down


# ----------------------------------------------------------------------------------------------------------------
# The record: save, load, to_dict; the callback comes and goes
# ----------------------------------------------------------------------------------------------------------------
def trained_record():
    model = Sequential([Dense(4, activation="tanh", input_shape=(2,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    stats = LayerStats(every=2)
    x = np.random.default_rng(0).standard_normal((24, 2))
    model.fit(x, (x[:, :1] > 0).astype(float), batch_size=4, epochs=1, verbose=0, callbacks=[stats])
    return stats.record


def test_save_and_load_give_back_the_same_arrays(tmp_path):
    record = trained_record()
    record.save(tmp_path / "stats.npz")
    loaded = diagnostics.load(tmp_path / "stats.npz")
    for name in record.to_dict():
        np.testing.assert_array_equal(getattr(loaded, name), getattr(record, name), err_msg=name)  # nan == nan here
        assert getattr(loaded, name).dtype == getattr(record, name).dtype
    assert record.to_dict()["layer_names"] == ["dense", "dense_1"]


def test_loading_a_file_that_is_not_a_record_names_what_was_expected_and_found(tmp_path):
    np.savez(tmp_path / "weights.npz", kernel=np.zeros(3))
    with pytest.raises(ValueError, match=r"not a diagnostics record: expected an .npz file written by Record.save, "
                                         r"with the arrays .*; found the arrays \['kernel'\]"):
        diagnostics.load(tmp_path / "weights.npz")
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(ValueError, match=r"not a diagnostics record"):
        diagnostics.load(tmp_path / "text.npz")


class Crash(Callback):
    def on_epoch_end(self, epoch, logs=None):
        raise RuntimeError("the callback failed")


def test_layer_stats_records_only_the_training_steps_of_fit_not_validation_predict_or_evaluate():
    """LayerStats hears fit's training steps through its two hooks (on_train_batch_outputs/gradients); validation
    inside fit, predict and evaluate run no training step, so they add nothing, also after a fit that raised."""
    model = Sequential([Dense(2, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")
    stats = LayerStats()
    x, y = np.ones((8, 2)), np.ones((8, 2))
    model.fit(x, y, batch_size=4, epochs=2, verbose=0, validation_data=(x, y), callbacks=[stats])
    assert stats.record.steps.tolist() == [0, 1, 2, 3]  # two epochs of two batches
    model.predict(x)
    model.evaluate(x, y, verbose=0)
    assert stats.record.steps.tolist() == [0, 1, 2, 3]
    with pytest.raises(RuntimeError, match="the callback failed"):
        model.fit(x, y, batch_size=4, verbose=0, callbacks=[stats, Crash()])
    assert stats.record.steps.tolist() == [0, 1]  # the new fit's record: its one epoch, then the crash
    model.predict(x)
    assert stats.record.steps.tolist() == [0, 1]


def test_every_figure_is_a_matplotlib_figure(tmp_path):
    pytest.importorskip("matplotlib")
    record = trained_record()
    figures = [diagnostics.plot_activation_histograms(record), diagnostics.plot_activation_histograms(
        record, step=0, which="preactivation"), diagnostics.plot_gradient_histograms(record),
        diagnostics.plot_saturation(record), diagnostics.plot_update_ratios(record),
        diagnostics.plot_gradient_norms(record)]
    for index, figure in enumerate(figures):
        lines = [line for axes in figure.axes for line in axes.get_lines()]
        assert lines, f"figure {index} draws nothing"
        figure.savefig(tmp_path / f"{index}.png")
    assert len(list(tmp_path.glob("*.png"))) == len(figures)
