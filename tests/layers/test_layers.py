"""Layers' building, inference and weights: the Keras API a learner already knows (Sequential, the stack of layers:
models/test_sequential.py)."""
import numpy as np
import pytest
from helpers import assert_same_weights

import tinygrad_acts.backend as K
from tinygrad_acts import Tensor, gradcheck, gradgradcheck
from tinygrad_acts.layers import (
    ELU,
    Activation,
    BatchNormalization,
    Dense,
    Dropout,
    Flatten,
    Input,
    Layer,
    LeakyReLU,
    Linear,
    ReLU,
    Softmax,
)
from tinygrad_acts.models import Sequential
from tinygrad_acts.optimizers import SGD
from tinygrad_acts.utils import set_random_seed


# ----------------------------------------------------------------------------------------------------------------
# Names, as Keras numbers them
# ----------------------------------------------------------------------------------------------------------------
def test_layers_are_numbered_per_kind_and_clear_session_restarts():
    assert [Dense(1).name, Dense(1).name, Activation("tanh").name, LeakyReLU().name, ReLU().name] == \
        ["dense", "dense_1", "activation", "leaky_re_lu", "re_lu"]
    assert Sequential().name == "sequential"
    K.clear_session()
    assert Dense(1).name == "dense"
    assert Dense(1, name="output").name == "output"


def test_weights_are_named_after_their_layer():
    layer = Dense(3, input_shape=(2,))
    Sequential([layer])
    assert [w.path for w in layer.weights] == ["dense/kernel", "dense/bias"]


# ----------------------------------------------------------------------------------------------------------------
# Dense
# ----------------------------------------------------------------------------------------------------------------
def test_dense_computes_x_kernel_plus_bias_then_the_activation(rng):
    layer = Dense(4, activation="tanh")
    x = rng.standard_normal((5, 3)).astype(np.float32)
    y = layer(x)
    assert layer.kernel.shape == (3, 4) and layer.bias.shape == (4,)
    assert np.allclose(y.data, np.tanh(x @ layer.kernel.data + layer.bias.data), atol=1e-6)
    assert y.dtype == np.float32


def test_linear_is_dense():
    assert Linear is Dense


def test_dense_without_bias_has_only_a_kernel(rng):
    layer = Dense(2, use_bias=False)
    layer(rng.standard_normal((1, 3)))
    assert layer.bias is None and [w.path for w in layer.weights] == ["dense/kernel"]


def test_dense_gradients_for_input_kernel_and_bias(rng):
    layer = Dense(3, activation="sigmoid")
    layer.build((None, 4))

    def forward(x, kernel, bias):
        layer.kernel, layer.bias = kernel, bias
        return layer(x)

    assert gradcheck(forward, rng.standard_normal((5, 4)), rng.standard_normal((4, 3)), rng.standard_normal(3))


def test_glorot_uniform_stays_within_its_limit_and_bias_starts_at_zero():
    layer = Dense(200)
    layer.build((None, 100))
    limit = np.sqrt(6 / (100 + 200))
    assert np.abs(layer.kernel.data).max() <= limit
    assert np.abs(layer.kernel.data).max() > 0.9 * limit  # uses the whole range
    assert np.all(layer.bias.data == 0)
    assert layer.kernel.dtype == np.float32


@pytest.mark.parametrize("units", [0, -1, 2.5, "4", None, True])
def test_dense_rejects_units_that_are_not_positive_integers(units):
    with pytest.raises(ValueError, match="positive integer"):
        Dense(units)


def test_dense_names_itself_the_expected_and_the_received_shape():
    model = Sequential([Dense(4, input_shape=(2,))])
    with pytest.raises(ValueError, match=r"Dense 'dense' expects 2 input features, got input of shape \(5, 3\)"):
        model.predict(np.zeros((5, 3)))


# ----------------------------------------------------------------------------------------------------------------
# The other layers
# ----------------------------------------------------------------------------------------------------------------
def test_activation_layer_takes_a_name_none_or_any_function():
    x = np.array([[-2.0, 0.0, 3.0]], dtype=np.float32)
    assert np.allclose(Activation("relu")(x).data, [[0, 0, 3]])
    assert np.allclose(Activation(None)(x).data, x)
    assert np.allclose(Activation(lambda t: t ** 2)(x).data, x ** 2)


def test_activation_rejects_something_that_is_not_an_activation():
    with pytest.raises(ValueError, match="callable"):
        Activation(42)
    with pytest.raises(ValueError, match="tanh"):  # the message lists the valid names
        Activation("tanhh")


def test_leaky_relu_slope_is_the_first_argument_and_alpha_still_works():
    x = np.array([[-2.0, 4.0]], dtype=np.float32)
    assert np.allclose(LeakyReLU(0.5)(x).data, [[-1.0, 4.0]])
    assert np.allclose(LeakyReLU(alpha=0.1)(x).data, [[-0.2, 4.0]])
    assert np.allclose(LeakyReLU()(x).data, [[-0.6, 4.0]])  # Keras' layer default: 0.3


@pytest.mark.parametrize("slope", [-0.1, None, "a"])
def test_leaky_relu_rejects_negative_or_non_numeric_slopes(slope):
    with pytest.raises(ValueError, match="negative_slope"):
        LeakyReLU(slope)


def test_relu_elu_softmax_and_flatten_layers():
    x = np.array([[-1.0, 0.5, 8.0]], dtype=np.float32)
    assert np.allclose(ReLU(max_value=6.0)(x).data, [[0.0, 0.5, 6.0]])
    assert np.allclose(ReLU(negative_slope=0.1, threshold=1.0)(x).data, [[-0.2, -0.05, 8.0]])
    assert np.allclose(ELU(alpha=2.0)(x).data, [[2 * (np.exp(-1) - 1), 0.5, 8.0]])
    probabilities = Softmax()(x).data
    assert np.allclose(probabilities, np.exp(x) / np.exp(x).sum()) and probabilities.sum() == pytest.approx(1)
    assert Flatten()(np.zeros((2, 3, 4))).shape == (2, 12)


# ----------------------------------------------------------------------------------------------------------------
# The training flag: fit trains, predict and evaluate infer
# ----------------------------------------------------------------------------------------------------------------
class Recorder(Layer):
    """A custom layer that writes down the training flag each call receives."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen = []

    def call(self, x, training=None):
        self.seen.append(training)
        return x


class PlainCall(Layer):
    """A custom layer whose call takes no training flag: it never gets one."""

    def call(self, x):
        return x * 2


def test_the_training_flag_reaches_a_custom_layer_through_fit_predict_evaluate_and_calls(rng):
    recorder = Recorder()
    model = Sequential([Dense(2, input_shape=(3,)), recorder, PlainCall()])
    # building ran it once, on one sample of zeros and with no flag, to learn its output shape (as Keras' symbolic
    # build does): a custom layer need not define compute_output_shape
    assert recorder.seen == [None]
    recorder.seen.clear()
    model.compile(optimizer="sgd", loss="mse")
    x, y = rng.standard_normal((8, 3)), rng.standard_normal((8, 2))
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert recorder.seen == [True, True]
    recorder.seen.clear()
    model.predict(x)
    model.evaluate(x, y)
    assert recorder.seen == [False, False]
    recorder.seen.clear()
    model(x, training=True)
    model(x, training=False)
    model(x)
    recorder(x)
    assert recorder.seen == [True, False, None, None]  # no flag: call's own default, as in Keras


def test_a_call_with_its_own_default_keeps_it_when_no_flag_is_given():
    class TrainingByDefault(Layer):
        def call(self, x, training=True):
            return x + 1 if training else x

    layer = TrainingByDefault()
    assert layer(np.zeros((1, 1))).item() == 1.0 and layer(np.zeros((1, 1)), training=False).item() == 0.0


# ----------------------------------------------------------------------------------------------------------------
# Dropout
# ----------------------------------------------------------------------------------------------------------------
def test_dropout_zeroes_entries_and_scales_the_rest_in_training_only(rng):
    x = rng.standard_normal((20, 30)).astype(np.float32) + 5.0  # no zeros of its own
    layer = Dropout(0.25)
    trained = layer(x, training=True).data
    kept = trained != 0
    np.testing.assert_allclose(trained[kept], x[kept] / 0.75, rtol=1e-6)  # kept units scaled by 1 / (1 - rate)
    assert 0 < kept.mean() < 1
    for inference in (layer(x).data, layer(x, training=False).data):
        np.testing.assert_array_equal(inference, x)


def test_dropout_keeps_the_mean_in_expectation():
    """10^6 ones at rate 0.3: the kept fraction has standard error sqrt(0.3 * 0.7 / 10^6) = 0.00046 and the output
    mean sqrt(0.3 / 0.7 / 10^6) = 0.00065, so margins of 0.005 are 8 to 10 standard errors."""
    out = Dropout(0.3, seed=0)(np.ones((1000, 1000)), training=True).data
    assert (out == 0).mean() == pytest.approx(0.3, abs=0.005)
    assert out.mean() == pytest.approx(1.0, abs=0.005)


def test_a_seeded_dropout_repeats_its_sequence_of_masks():
    x = np.ones((4, 10))
    first = Dropout(0.5, seed=7)
    masks = [first(x, training=True).data for _ in range(2)]
    assert not np.array_equal(masks[0], masks[1])  # a new mask on each call, as Keras 3
    again = Dropout(0.5, seed=7)
    for mask in masks:
        np.testing.assert_array_equal(again(x, training=True).data, mask)
    assert not np.array_equal(Dropout(0.5, seed=8)(x, training=True).data, masks[0])


def test_an_unseeded_dropout_is_reproducible_through_set_random_seed():
    x = np.ones((4, 10))
    set_random_seed(3)
    mask = Dropout(0.5)(x, training=True).data
    set_random_seed(3)
    np.testing.assert_array_equal(Dropout(0.5)(x, training=True).data, mask)


def test_dropout_at_rate_zero_is_the_identity_even_in_training(rng):
    x = Tensor(rng.standard_normal((3, 4)))
    assert Dropout(0.0)(x, training=True) is x


def test_dropout_noise_shape_drops_whole_rows():
    out = Dropout(0.5, noise_shape=(None, 1), seed=1)(np.ones((40, 6)), training=True).data
    assert set(np.unique(out)) == {0.0, 2.0}
    assert np.all(out == out[:, :1])  # each row all dropped or all kept


def test_the_gradient_of_a_seeded_dropout_is_its_mask(rng):
    x = rng.standard_normal((4, 5))
    assert gradcheck(lambda t: Dropout(0.4, seed=3)(t, training=True), x)  # a fresh layer: the same mask each time
    t = Tensor(x, requires_grad=True)
    out = Dropout(0.4, seed=3)(t, training=True)
    out.sum().backward()
    np.testing.assert_allclose(t.grad, (out.data != 0) / 0.6)


def test_a_model_with_dropout_trains_and_predicts_deterministically(rng):
    model = Sequential([Dense(8, activation="tanh", input_shape=(2,)), Dropout(0.5, seed=0), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x, y = rng.standard_normal((16, 2)), rng.standard_normal((16, 1))
    model.fit(x, y, epochs=2, verbose=0)
    np.testing.assert_array_equal(model.predict(x), model.predict(x))
    assert not np.allclose(model(x, training=True).data, model(x, training=True).data)


@pytest.mark.parametrize("arguments, match", [
    ({"rate": 1.0}, r"Dropout expects rate, the fraction of entries to drop, in \[0, 1\), got rate=1.0"),
    ({"rate": -0.1}, r"got rate=-0.1"),
    ({"rate": "0.5"}, r"got rate='0.5'"),
    ({"rate": 0.5, "noise_shape": (None, 0)}, r"noise_shape to be a tuple of positive integers or None"),
    ({"rate": 0.5, "seed": 1.5}, r"Dropout expects seed to be an integer >= 0 or None, got seed=1.5"),
])
def test_dropout_rejects_bad_arguments(arguments, match):
    with pytest.raises(ValueError, match=match):
        Dropout(**arguments)


def test_dropout_with_a_noise_shape_that_does_not_fit_the_input_says_so():
    with pytest.raises(ValueError, match=r"Dropout 'dropout' has noise_shape \(None, 2\), which does not broadcast "
                                         r"to its input of shape \(4, 3\)"):
        Dropout(0.5, noise_shape=(None, 2))(np.ones((4, 3)), training=True)


# ----------------------------------------------------------------------------------------------------------------
# BatchNormalization
# ----------------------------------------------------------------------------------------------------------------
def batch_norm_by_hand(x, mean, variance, gamma, beta, epsilon):
    """The formula, in numpy: gamma * (x - mean) / sqrt(variance + epsilon) + beta."""
    return gamma * (x - mean) / np.sqrt(variance + epsilon) + beta


def test_batch_normalization_in_training_uses_the_batch_statistics(rng):
    x = rng.standard_normal((16, 3)) * [1.0, 5.0, 0.1] + [2.0, -3.0, 0.0]
    layer = BatchNormalization()
    layer.build((None, 3))
    gamma, beta = rng.standard_normal(3), rng.standard_normal(3)
    layer.set_weights([gamma, beta, np.zeros(3), np.ones(3)])
    expected = batch_norm_by_hand(x, x.mean(axis=0), x.var(axis=0), gamma, beta, 1e-3)  # biased variance
    np.testing.assert_allclose(layer(x, training=True).data, expected, rtol=1e-5, atol=1e-5)


def test_batch_normalization_at_inference_uses_the_moving_statistics(rng):
    x = rng.standard_normal((5, 3))
    layer = BatchNormalization(epsilon=0.01)
    layer.build((None, 3))
    gamma, beta, mean, variance = rng.standard_normal(3), rng.standard_normal(3), rng.standard_normal(3), \
        rng.uniform(0.5, 2.0, 3)
    layer.set_weights([gamma, beta, mean, variance])
    expected = batch_norm_by_hand(x, mean, variance, gamma, beta, 0.01)
    for out in (layer(x), layer(x, training=False)):
        np.testing.assert_allclose(out.data, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(layer(x[:1]).data, expected[:1], rtol=1e-5, atol=1e-5)  # independent of the batch


def test_batch_normalization_over_the_channel_axis_of_4d_inputs(rng):
    x = rng.standard_normal((4, 3, 5, 2))  # (batch, channels, height, width)
    layer = BatchNormalization(axis=1, center=False)
    layer.build((None, 3, 5, 2))
    assert [w.shape for w in layer.weights] == [(3,), (3,), (3,)]  # gamma, moving_mean, moving_variance
    mean = x.mean(axis=(0, 2, 3), keepdims=True)
    variance = x.var(axis=(0, 2, 3), keepdims=True)
    np.testing.assert_allclose(layer(x, training=True).data, (x - mean) / np.sqrt(variance + 1e-3), atol=1e-5)
    np.testing.assert_allclose(layer.moving_mean.data, 0.01 * mean.ravel(), atol=1e-6)


def test_batch_normalization_gradients_for_input_gamma_and_beta_in_training(rng):
    layer = BatchNormalization()
    layer.build((None, 3))

    def forward(x, gamma, beta):
        layer.gamma, layer.beta = gamma, beta
        return layer(x, training=True)

    assert gradcheck(forward, rng.standard_normal((6, 3)), rng.standard_normal(3), rng.standard_normal(3))


def test_batch_normalization_gradients_over_a_middle_axis_and_second_derivatives(rng):
    layer = BatchNormalization(axis=1)
    layer.build((None, 2, 3))

    def forward(x, gamma):
        layer.gamma = gamma
        return layer(x, training=True)

    assert gradcheck(forward, rng.standard_normal((4, 2, 3)), rng.standard_normal(2))
    assert gradgradcheck(lambda x: layer(x, training=True), rng.standard_normal((3, 2, 3)))


def test_moving_statistics_after_three_steps_of_fit_follow_keras_formula(rng):
    x = (rng.standard_normal((12, 3)) * [1.0, 2.0, 3.0] + [1.0, -1.0, 4.0]).astype(np.float32)
    layer = BatchNormalization(momentum=0.9, input_shape=(3,))
    model = Sequential([layer, Dense(1)])
    model.compile(optimizer=SGD(0.1), loss="mse")
    model.fit(x, np.zeros((12, 1)), batch_size=4, epochs=1, shuffle=False, verbose=0)
    moving_mean, moving_variance, unbiased = np.zeros(3), np.ones(3), np.ones(3)
    for batch in (x[0:4], x[4:8], x[8:12]):  # Keras: moving = momentum * moving + (1 - momentum) * batch statistic
        moving_mean = 0.9 * moving_mean + 0.1 * batch.mean(axis=0)
        moving_variance = 0.9 * moving_variance + 0.1 * batch.var(axis=0)  # the biased variance, as Keras
        unbiased = 0.9 * unbiased + 0.1 * batch.var(axis=0, ddof=1)
    np.testing.assert_allclose(layer.moving_mean.data, moving_mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.data, moving_variance, rtol=1e-5)
    assert not np.allclose(layer.moving_variance.data, unbiased, rtol=1e-3)  # PyTorch's choice would differ
    before = layer.get_weights()
    model.predict(x)
    model.evaluate(x, np.zeros((12, 1)))
    assert_same_weights(layer.get_weights(), before)  # inference leaves the moving statistics alone


def test_batch_normalization_weights_are_gamma_beta_then_the_non_trainable_moving_statistics():
    model = Sequential([Input((3,)), Dense(4), BatchNormalization(), Dense(1)])
    layer = model.layers[1]
    assert [w.path for w in layer.weights] == ["batch_normalization/gamma", "batch_normalization/beta",
                                               "batch_normalization/moving_mean",
                                               "batch_normalization/moving_variance"]
    assert layer.trainable_weights == [layer.gamma, layer.beta]
    assert layer.non_trainable_weights == [layer.moving_mean, layer.moving_variance]
    assert [w.path for w in model.trainable_weights] == ["dense/kernel", "dense/bias", "batch_normalization/gamma",
                                                         "batch_normalization/beta", "dense_1/kernel", "dense_1/bias"]
    assert [w.shape for w in model.get_weights()] == [(3, 4), (4,), (4,), (4,), (4,), (4,), (4, 1), (1,)]
    np.testing.assert_array_equal(np.stack(layer.get_weights()), [[1] * 4, [0] * 4, [0] * 4, [1] * 4])  # Keras' init


def test_summary_counts_the_moving_statistics_as_non_trainable(capsys):
    """The numbers Keras 3.15.1's summary prints for this model (Dense 16, BatchNormalization 16, Dropout 0)."""
    model = Sequential([Input((3,)), Dense(4), BatchNormalization(), Dropout(0.5)])
    model.summary()
    out = capsys.readouterr().out
    assert "batch_normalization (BatchNormalization)" in out and "dropout (Dropout)" in out
    assert "Total params: 32" in out and "Trainable params: 24" in out and "Non-trainable params: 8" in out


def test_a_frozen_batch_normalization_runs_in_inference_mode_even_in_training(rng):
    layer = BatchNormalization(trainable=False)
    x = rng.standard_normal((6, 2)) + 3.0
    out = layer(x, training=True).data
    np.testing.assert_allclose(out, x / np.sqrt(1 + 1e-3), rtol=1e-5)  # moving mean 0, moving variance 1
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 4
    np.testing.assert_array_equal(layer.moving_mean.data, np.zeros(2))


def test_a_nan_batch_leaves_the_moving_statistics_from_before_it(rng):
    x = rng.standard_normal((8, 2)).astype(np.float32)
    x[5, 0] = np.nan  # in the second batch of 4 (fit refuses such data; a layer called by hand sees it)
    layer = BatchNormalization(momentum=0.5, input_shape=(2,))
    layer(x[:4], training=True)
    layer(x[4:], training=True)
    np.testing.assert_allclose(layer.moving_mean.data, 0.5 * x[:4].mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.data, 0.5 + 0.5 * x[:4].var(axis=0), rtol=1e-6)


@pytest.mark.parametrize("arguments, match", [
    ({"momentum": 1.5}, r"BatchNormalization expects momentum in \[0, 1\], got momentum=1.5"),
    ({"momentum": -0.1}, r"got momentum=-0.1"),
    ({"epsilon": 0.0}, r"BatchNormalization expects epsilon > 0 .*got epsilon=0.0"),
    ({"epsilon": "1e-3"}, r"BatchNormalization expects a number for epsilon, got '1e-3'"),
    ({"axis": (1, 2)}, r"BatchNormalization expects axis to be an integer, got axis=\(1, 2\)"),
    ({"gamma_initializer": "gamma"}, r"Unknown initializer 'gamma'"),
])
def test_batch_normalization_rejects_bad_arguments(arguments, match):
    with pytest.raises(ValueError, match=match):
        BatchNormalization(**arguments)


def test_batch_normalization_names_an_axis_its_input_does_not_have_and_a_wrong_input():
    with pytest.raises(ValueError, match=r"BatchNormalization 'batch_normalization' normalizes axis 2, but its inputs "
                                         r"of shape \(None, 3\) have no such axis"):
        BatchNormalization(axis=2)(np.ones((4, 3)))
    layer = BatchNormalization()
    layer(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"expects inputs of shape \(None, 3\), got input of shape \(4, 5\)"):
        layer(np.ones((4, 5)))


def test_the_moving_statistics_are_saved_and_loaded_with_the_weights(rng, tmp_path):
    def model():
        return Sequential([Dense(3, input_shape=(2,)), BatchNormalization(), Dense(1)])

    trained = model()
    trained.compile(optimizer="adam", loss="mse")
    x = rng.standard_normal((16, 2)) * 3 + 1
    trained.fit(x, rng.standard_normal((16, 1)), epochs=3, verbose=0)
    trained.save_weights(tmp_path / "bn.npz")
    K.clear_session()
    loaded = model()
    loaded.load_weights(tmp_path / "bn.npz")
    assert not np.all(loaded.layers[1].moving_mean.data == 0)
    np.testing.assert_array_equal(loaded.predict(x), trained.predict(x))


# ----------------------------------------------------------------------------------------------------------------
# Normalization: statistics learned by adapt, as Keras 3's layer
# ----------------------------------------------------------------------------------------------------------------
def test_normalization_adapts_to_each_features_mean_and_variance(rng):
    from tinygrad_acts.layers import Normalization
    data = rng.normal([10.0, -3.0, 0.5], [4.0, 0.5, 2.0], size=(200, 3))
    layer = Normalization(axis=-1)
    layer.adapt(data)
    assert layer.mean.shape == (1, 3) and not layer.mean.requires_grad
    np.testing.assert_allclose(layer.mean.data, data.mean(axis=0, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(layer.variance.data, data.var(axis=0, keepdims=True), rtol=1e-6)  # biased, as Keras
    out = layer(data[:4]).data
    np.testing.assert_allclose(out, (data[:4] - data.mean(0)) / data.std(0), rtol=1e-5, atol=1e-6)
    back = Normalization(mean=data.mean(0), variance=data.var(0), invert=True)
    np.testing.assert_allclose(back(out).data, data[:4], rtol=1e-5)


def test_normalization_stays_fixed_while_the_model_trains(rng):
    from tinygrad_acts.layers import Normalization
    x = rng.normal(5.0, 2.0, size=(32, 2))
    layer = Normalization()
    layer.adapt(x)
    before = layer.get_weights()
    model = Sequential([layer, Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, x.sum(axis=1), epochs=2, verbose=0)
    assert_same_weights(before, layer.get_weights())
    assert [w.name.split("/")[-1] for w in model.non_trainable_weights] == ["mean", "variance", "count"]


def test_normalization_over_everything_and_a_zero_variance():
    from tinygrad_acts.layers import Normalization
    layer = Normalization(axis=None)
    layer.adapt(np.array([[1.0, 3.0], [5.0, 7.0]]))
    assert layer.mean.data.item() == 4.0 and layer.variance.data.item() == 5.0
    constant = Normalization(mean=2.0, variance=0.0)  # the denominator is kept at epsilon, not 0
    assert np.all(np.isfinite(constant(np.array([[2.0], [3.0]])).data))
    with pytest.raises(ValueError, match="both mean and variance, or neither"):
        Normalization(mean=1.0)


def test_an_adapted_normalization_has_keras_weights_mean_variance_and_count():
    """Keras 3.15, adapted on 6 samples of 2 features: mean (2,) float32 [5, 6], variance (2,) float32 [11.67, 11.67],
    count () int32 0 (kept for Keras' older files, never counted); 5 parameters, and with Dense(1) after it,
    'Total params: 8 (32.00 B)', 'Trainable params: 3 (12.00 B)', 'Non-trainable params: 5 (20.00 B)'."""
    from tinygrad_acts.layers import Normalization
    layer = Normalization()
    layer.adapt(np.arange(12.0).reshape(6, 2))
    assert [(w.name, w.shape, str(w.dtype), w.trainable) for w in layer.weights] == [
        ("mean", (2,), "float32", False), ("variance", (2,), "float32", False), ("count", (), "int32", False)]
    mean, variance, count = layer.get_weights()
    np.testing.assert_allclose(mean, [5.0, 6.0])
    np.testing.assert_allclose(variance, [35 / 3, 35 / 3], rtol=1e-6)  # ((0-5)^2 + (2-5)^2 + ... + (10-5)^2) / 6
    assert count == 0 and count.dtype == np.int32
    assert layer.mean.shape == (1, 2) and layer.variance.shape == (1, 2)  # Keras' layer.mean: shaped for the inputs
    assert layer.count_params() == 5
    model = Sequential([Input((2,)), layer, Dense(1)])
    lines = []
    model.summary(print_fn=lines.append)
    assert "Total params: 8 (32.00 B)" in lines and "Trainable params: 3 (12.00 B)" in lines
    assert "Non-trainable params: 5" in lines


def test_normalization_set_weights_takes_keras_three_arrays():
    """Keras 3.15: set_weights([[1, 2], [4, 4], 3]) then [[3, 6]] gives [[1, 2]] ((x - mean) / sqrt(variance))."""
    from tinygrad_acts.layers import Normalization
    layer = Normalization()
    layer.build((None, 2))
    layer.set_weights([np.array([1.0, 2.0]), np.array([4.0, 4.0]), np.array(3)])
    np.testing.assert_allclose(layer(np.array([[3.0, 6.0]])).data, [[1.0, 2.0]])
    assert layer.count.numpy() == 3 and layer.count.dtype == np.int32


def test_a_normalization_given_its_statistics_has_no_weights_as_in_keras():
    """Keras 3.15: Normalization(mean=[1, 2], variance=[4, 9]) has no weights; with Dense(1) the model counts 3."""
    from tinygrad_acts.layers import Normalization
    layer = Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0])
    model = Sequential([Input((2,)), layer, Dense(1)])
    assert layer.weights == [] and model.count_params() == 3
    assert layer.mean.shape == (1, 2)
    np.testing.assert_allclose(layer(np.array([[3.0, 8.0]])).data, [[1.0, 2.0]])
    with pytest.raises(ValueError, match=r"Normalization 'normalization(_\d+)?' was given its mean and variance, so "
                                         r"it has nothing to adapt"):
        layer.adapt(np.ones((3, 2)))


def test_normalization_weights_survive_save_and_load(tmp_path):
    from tinygrad_acts.layers import Normalization
    layer = Normalization()
    layer.adapt(np.array([[1.0, 10.0], [3.0, 30.0]]))
    model = Sequential([Input((2,)), layer, Dense(1)])
    model.save_weights(tmp_path / "m.weights.npz")
    twin = Sequential([Input((2,)), Normalization(), Dense(1)])
    twin.load_weights(tmp_path / "m.weights.npz")
    for ours, theirs in zip(model.get_weights(), twin.get_weights(), strict=True):
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_allclose(twin.predict(np.array([[2.0, 20.0]])), model.predict(np.array([[2.0, 20.0]])))


# Examples that pin behaviour mutation testing found unpinned
def test_input_dim_is_keras_2_input_shape_and_must_be_at_least_1():
    assert Dense(2, input_dim=1).input_shape == (1,)
    with pytest.raises(ValueError):
        Dense(2, input_dim=0)


def test_a_layer_is_built_once_and_says_so():
    layer = Layer()
    assert layer.built is False
    layer.build((None, 2))
    assert layer.built is True


def test_an_activity_regularizer_on_a_single_number_output_is_not_divided_by_a_batch_size():
    class Total(Layer):
        def call(self, x):
            return x.sum()

    layer = Total(activity_regularizer="l2")
    layer(np.array([[1.0, 2.0]]))
    assert np.isclose(layer.losses[0].data, 0.01 * 3.0 ** 2)


def test_add_weight_without_names_counts_variable_variable_1_variable_2():
    class ThreeWeights(Layer):
        def build(self, input_shape):
            self.a, self.b, self.c = (self.add_weight(shape=(1,)) for _ in range(3))

    layer = ThreeWeights(name="three")
    layer.build((None, 1))
    assert [w.path for w in layer.weights] == ["three/variable", "three/variable_1", "three/variable_2"]


def test_add_loss_keeps_a_tensor_as_it_is_and_wraps_a_number():
    layer = Layer()
    penalty = Tensor(np.array(2.0), requires_grad=True)
    layer.add_loss(penalty)
    layer.add_loss(0.5)
    assert layer.losses[0] is penalty
    assert isinstance(layer.losses[1], Tensor) and layer.losses[1].data == 0.5


def test_set_weights_keeps_a_float64_weight_in_float64():
    class Precise(Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(), dtype="float64", initializer="zeros", name="w")

    layer = Precise()
    layer.build((None, 1))
    layer.set_weights([Tensor(np.array(0.1))])  # a Tensor is read as its array
    assert layer.w.dtype == np.float64 and layer.w.data == 0.1
    layer.set_weights([np.array(1e300)])  # too large for float32, fine for float64
    assert layer.w.data == 1e300


def test_input_keeps_its_name_and_takes_a_batch_shape():
    assert Input(shape=(2,), name="pixels").name == "pixels"
    assert Input(batch_shape=(None, 3)).shape == (None, 3)


def test_dense_refuses_weight_constraints():
    with pytest.raises(NotImplementedError, match="kernel_constraint is not supported"):
        Dense(2, kernel_constraint="non_neg")


def test_dense_on_sequences_of_unknown_length_needs_only_the_feature_axis():
    layer = Dense(2)
    layer.build((None, None, 3))
    assert layer.kernel.shape == (3, 2)


def test_activation_layers_pass_input_shape_and_layer_arguments_on():
    for layer in (Activation("relu", input_shape=(3,), trainable=False, name="a"),
                  ReLU(input_shape=(3,), trainable=False, name="r"),
                  LeakyReLU(input_shape=(3,), trainable=False, name="l"),
                  ELU(input_shape=(3,), trainable=False, name="e"),
                  Softmax(input_shape=(3,), trainable=False, name="s"),
                  Dropout(0.5, input_shape=(3,), trainable=False, name="d")):
        assert (layer.input_shape, layer.trainable, layer.name) == ((3,), False, layer.name[0])


def test_elu_alpha_defaults_to_1():
    y = ELU()(np.array([[-1.0, 2.0]]))
    assert np.allclose(y.data, [[np.exp(-1.0) - 1.0, 2.0]])


def test_flatten_output_shape_with_an_unknown_size():
    assert Flatten().compute_output_shape((None, None, 3)) == (None, None)
    assert Flatten().compute_output_shape((None, 4, 5)) == (None, 20)


def test_dropout_in_training_keeps_float32():
    y = Dropout(0.5, seed=0)(np.ones((2, 4), dtype=np.float32), training=True)
    assert y.dtype == np.float32 and set(np.unique(y.data)) <= {0.0, 2.0}


def test_batch_normalization_momentum_0_takes_the_batch_and_1_keeps_the_start():
    x = np.array([[1.0], [3.0]], dtype=np.float32)  # mean 2, biased variance 1
    follows, frozen = BatchNormalization(momentum=0.0), BatchNormalization(momentum=1.0)
    follows(x, training=True)
    frozen(x, training=True)
    assert (follows.moving_mean.data, follows.moving_variance.data) == ([2.0], [1.0])
    assert (frozen.moving_mean.data, frozen.moving_variance.data) == ([0.0], [1.0])


def test_batch_normalization_without_scale_and_center_only_normalizes():
    x = np.array([[[1.0, 4.0]], [[3.0, 8.0]]], dtype=np.float32)  # 3-D: (batch, 1, features)
    layer = BatchNormalization(scale=False, center=False, epsilon=0.0001)
    y = layer(x, training=True)
    assert layer.gamma is None and layer.beta is None
    assert np.allclose(y.data, [[[-1 / np.sqrt(1.0001), -2 / np.sqrt(4.0001)]],
                                [[1 / np.sqrt(1.0001), 2 / np.sqrt(4.0001)]]])


def test_batch_normalization_axis_minus_rank_is_axis_0():
    layer = BatchNormalization(axis=-3)
    layer.build((4, 2, 3))
    assert layer.moving_mean.shape == (4,)


def test_batch_normalization_skips_a_batch_whose_variance_overflows():
    layer = BatchNormalization(momentum=0.5)
    with np.errstate(over="ignore", invalid="ignore"):  # variance inf in float32, its output nan: expected here
        layer(np.array([[3e38], [-3e38]], dtype=np.float32), training=True)  # mean 0
    assert (layer.moving_mean.data, layer.moving_variance.data) == ([0.0], [1.0])


def test_a_one_number_activation_object_without_a_name_is_explained_by_its_repr():
    class Rectifier:  # a callable object, not a function: it has no __name__
        def __call__(self, x):
            return x if x > 0 else 0 * x

        def __repr__(self):
            return "Rectifier()"

    with pytest.raises(ValueError, match=r"the activation Rectifier\(\) treats its input as one number"):
        Dense(2, activation=Rectifier())(np.ones((3, 2), dtype=np.float32))


def test_a_layer_without_call_says_it_must_define_one():
    class Unfinished(Layer):  # forgot call
        pass

    with pytest.raises(NotImplementedError, match=r"Unfinished must define call\(x\)"):
        Unfinished()(np.ones((1, 2), dtype=np.float32))


def test_a_layer_prints_its_class_name_and_whether_it_is_built():
    layer = Dense(2, name="hidden")
    assert repr(layer) == "<Dense name='hidden', built=False>"
    layer.build((None, 3))
    assert repr(layer) == "<Dense name='hidden', built=True>"


def test_a_keras_tensor_prints_its_shape_and_the_last_layer_applied():
    from tinygrad_acts.layers import KerasTensor
    inputs = Input((3,), name="features")
    hidden = Dense(4, name="first")(inputs)
    assert repr(hidden) == "<KerasTensor shape=(None, 4), after first>"
    outputs = Dense(1, name="third")(Dense(2, name="second")(hidden))
    assert repr(outputs) == "<KerasTensor shape=(None, 1), after third>"
    assert isinstance(inputs, KerasTensor) and repr(inputs) == "<KerasTensor shape=(None, 3), after features>"


def test_normalization_passes_name_input_shape_and_layer_arguments_on():
    from tinygrad_acts.layers import Normalization
    layer = Normalization(name="scaler", input_shape=(3,), trainable=False)
    assert (layer.name, layer.input_shape, layer.trainable) == ("scaler", (3,), False)
    with pytest.raises(TypeError, match="unexpected keyword arguments"):
        Normalization(axes=-1)  # misspelt: Keras' argument is axis


def test_normalization_before_adapt_has_no_statistics_then_builds_the_identity():
    # as Keras 3: built but never adapted, the mean is 0 and the variance 1, so the layer changes nothing
    from tinygrad_acts.layers import Normalization
    layer = Normalization()
    assert layer.mean is None and layer.variance is None
    x = np.array([[1.0, -2.0], [3.0, 4.0]], dtype=np.float32)
    np.testing.assert_array_equal(layer(x).data, x)
    np.testing.assert_array_equal(layer.mean.data, [[0.0, 0.0]])
    np.testing.assert_array_equal(layer.variance.data, [[1.0, 1.0]])


def test_building_a_normalization_draws_no_random_numbers():
    # its weights start as zeros and ones, so a Dense after it gets the weights set_random_seed promises
    from tinygrad_acts.layers import Normalization
    set_random_seed(1)
    alone = Dense(3)
    alone.build((None, 2))
    set_random_seed(1)
    Normalization().build((None, 2))
    after = Dense(3)
    after.build((None, 2))
    np.testing.assert_array_equal(after.kernel.data, alone.kernel.data)


def test_normalization_rejects_an_axis_that_is_not_an_integer():
    from tinygrad_acts.layers import Normalization
    with pytest.raises(ValueError, match=r"Normalization expects axis to be an integer \(or None\), got axis=1.5"):
        Normalization(axis=1.5)
    with pytest.raises(ValueError, match=r"got axis=True"):
        Normalization(axis=True)


def test_normalization_checks_its_axis_against_the_input_shape():
    from tinygrad_acts.layers import Normalization
    with pytest.raises(ValueError, match=r"Normalization 'normalization' normalizes axis 2, which inputs of shape "
                                         r"\(None, 3\) do not have"):
        Normalization(axis=2).adapt(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"normalizes axis 1, which inputs of shape \(None, None, 3\) do not have "
                                         r"\(or whose size is unknown\)"):
        Normalization(axis=1).build((None, None, 3))  # sequences of varying length: no size to learn


def test_normalization_axis_minus_rank_is_the_first_axis():
    from tinygrad_acts.layers import Normalization
    layer = Normalization(axis=-3)
    layer.build((4, 2, 3))  # a known first size: each of the 4 rows gets its own statistics
    assert layer.mean.shape == (4, 1, 1) and layer.variance.shape == (4, 1, 1)
    assert [w.shape for w in layer.weights] == [(4,), (4,), ()]  # Keras 3.15's weights: the kept axis only


def test_normalization_of_a_middle_axis_takes_statistics_over_the_others():
    # (samples, 3 channels, 2 steps) with axis=1: one mean per channel, over samples and steps (Keras 3 agrees)
    from tinygrad_acts.layers import Normalization
    data = np.arange(12.0).reshape(2, 3, 2) ** 2
    layer = Normalization(axis=1)
    layer.adapt(data)
    assert layer.mean.shape == (1, 3, 1)
    np.testing.assert_allclose(layer.mean.data.ravel(), [21.5, 39.5, 65.5])
    np.testing.assert_allclose(layer.variance.data.ravel(), [462.25, 1128.25, 2090.25])


def test_normalization_adapts_to_lists_one_sample_and_one_dimensional_data():
    from tinygrad_acts.layers import Normalization
    layer = Normalization()
    layer.adapt([[1.0, 2.0], [3.0, 6.0]])  # nested lists, as numpy reads them
    np.testing.assert_array_equal(layer.mean.data, [[2.0, 4.0]])
    np.testing.assert_array_equal(layer.variance.data, [[1.0, 4.0]])
    single = Normalization()
    single.adapt(np.array([[1.0, 2.0]]))  # one sample: its values, variance 0 (as Keras 3)
    np.testing.assert_array_equal(single.mean.data, [[1.0, 2.0]])
    np.testing.assert_array_equal(single.variance.data, [[0.0, 0.0]])
    flat = Normalization(axis=None)
    flat.adapt(np.array([1.0, 2.0, 3.0]))  # a 1-d batch of numbers, one statistic for all
    assert flat.mean.data.item() == 2.0 and flat.variance.data.item() == pytest.approx(2 / 3)


def test_normalization_adapts_in_float64_so_a_large_offset_keeps_its_variance():
    # 1e8 + 1 and 1e8 + 3 are both 1e8 in float32: computed there, the variance would be 0 (Keras 3 also gives 1)
    from tinygrad_acts.layers import Normalization
    layer = Normalization()
    layer.adapt(np.array([[1e8 + 1], [1e8 + 3]]))
    assert layer.variance.data.item() == 1.0


def test_normalization_adapt_needs_a_batch_of_samples():
    from tinygrad_acts.layers import Normalization
    with pytest.raises(ValueError, match=r"Normalization 'normalization'.adapt needs a batch of samples, got shape "
                                         r"\(\)"):
        Normalization().adapt(np.float64(3.0))
    with pytest.raises(ValueError, match=r"adapt needs a batch of samples, got shape \(0, 2\)"):
        Normalization().adapt(np.ones((0, 2)))


@pytest.mark.skipif(np.finfo(np.longdouble).max < np.longdouble("1e400"), reason="long double is float64 here")
def test_normalization_adapt_names_itself_when_data_overflow_float64():
    from tinygrad_acts.layers import Normalization
    with pytest.raises(ValueError, match=r"Normalization 'normalization'.adapt holds .*, which float64 cannot "):
        Normalization().adapt(np.array([[np.longdouble("1e400")]]))


def test_a_normalization_mean_that_is_not_a_number_fails_when_made():
    from tinygrad_acts.layers import Normalization
    with pytest.raises(ValueError, match="high"):
        Normalization(mean="high", variance=1.0)
    with pytest.raises(ValueError, match="wide"):
        Normalization(mean=0.0, variance="wide")


def test_a_normalizations_config_holds_the_mean_and_variance_it_was_given():
    """As Keras 3: from_config of the config makes the same normalization (adapt's statistics are weights instead)."""
    from tinygrad_acts.layers import Normalization
    layer = Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0])
    config = layer.get_config()
    assert config["mean"] == [1.0, 2.0] and config["variance"] == [4.0, 9.0]
    again = Normalization.from_config(config)
    np.testing.assert_allclose(again(np.array([[3.0, 8.0]])).data, [[1.0, 2.0]])  # (x - mean) / sqrt(variance)
    assert Normalization().get_config()["mean"] is None and Normalization().get_config()["variance"] is None
