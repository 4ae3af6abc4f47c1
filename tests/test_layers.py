"""Layers and Sequential's building, inference and weights: the Keras API a learner already knows."""
import numpy as np
import pytest

import tinygrad_acts.backend as K
from tinygrad_acts import Tensor, gradcheck
from tinygrad_acts.layers import ELU, Activation, Dense, Flatten, Input, LeakyReLU, Linear, ReLU, Softmax
from tinygrad_acts.models import Sequential
from tinygrad_acts.utils import set_random_seed


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    set_random_seed(0)


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
    assert [w.name for w in layer.weights] == ["dense/kernel", "dense/bias"]


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
    assert layer.bias is None and [w.name for w in layer.weights] == ["dense/kernel"]


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
# Sequential: building, summary, predict, weights
# ----------------------------------------------------------------------------------------------------------------
def test_summary_of_the_issue_example_shows_48_and_17_parameters(capsys):
    model = Sequential([Dense(16, activation="relu", input_shape=(2,)), Dense(1)])
    model.summary()
    out = capsys.readouterr().out
    assert 'Model: "sequential"' in out
    assert "dense (Dense)" in out and "(None, 16)" in out and "48" in out
    assert "dense_1 (Dense)" in out and "(None, 1)" in out and "17" in out
    assert "Total params: 65" in out and "Trainable params: 65" in out
    assert model.count_params() == 65


def test_input_fixes_the_input_shape():
    model = Sequential([Input(shape=(3,)), Dense(2)])
    assert model.built and model.input_shape == (None, 3) and model.output_shape == (None, 2)
    assert len(model.layers) == 1  # as in Keras 3, the input is not a layer


def test_a_model_without_an_input_shape_builds_on_first_use(rng):
    model = Sequential()
    model.add(Dense(3))
    model.add(Activation("tanh"))
    assert not model.built
    with pytest.raises(ValueError, match="not been built"):
        model.summary()
    out = model.predict(rng.standard_normal((4, 5)))
    assert model.built and out.shape == (4, 3) and model.layers[0].kernel.shape == (5, 3)


def test_predict_gives_float32_numpy_and_records_nothing(rng):
    model = Sequential([Dense(3, input_shape=(2,))])
    out = model.predict(rng.standard_normal((70, 2)))  # more than one batch of 32
    assert isinstance(out, np.ndarray) and out.dtype == np.float32 and out.shape == (70, 3)
    assert all(w.grad is None for w in model.weights)
    manual = rng.standard_normal((70, 2)).astype(np.float32)
    assert np.allclose(model.predict(manual), manual @ model.weights[0].data + model.weights[1].data, atol=1e-6)


def test_predict_reads_a_1d_array_as_samples_of_one_feature():
    model = Sequential([Activation("tanh", input_shape=(1,))])
    x = np.arange(-3, 3.5, 0.5)
    out = model.predict(x)
    assert out.shape == (13, 1)
    assert np.allclose(out[:, 0], np.tanh(x), atol=1e-6)


def test_calling_the_model_is_differentiable(rng):
    model = Sequential([Dense(3, activation="tanh", input_shape=(2,)), Dense(1)])
    model(rng.standard_normal((4, 2))).sum().backward()
    assert all(w.grad is not None and w.grad.shape == w.shape for w in model.weights)


def test_get_weights_is_kernel_then_bias_layer_by_layer_and_copies():
    model = Sequential([Dense(16, activation="relu", input_shape=(2,)), Dense(1)])
    weights = model.get_weights()
    assert [w.shape for w in weights] == [(2, 16), (16,), (16, 1), (1,)]
    weights[0][...] = 7
    assert not np.any(model.get_weights()[0] == 7)  # a copy, not a view into the model


def test_set_weights_round_trip():
    model = Sequential([Dense(3, input_shape=(2,)), Dense(1)])
    new = [np.full(w.shape, i, dtype=np.float32) for i, w in enumerate(model.get_weights())]
    model.set_weights(new)
    for got, expected in zip(model.get_weights(), new):
        assert np.array_equal(got, expected)


@pytest.mark.parametrize("change,match", [
    (lambda ws: ws[:-1], r"expects 4 arrays.*got 3"),
    (lambda ws: ws + [np.zeros(1)], r"expects 4 arrays.*got 5"),
    (lambda ws: [ws[0], np.zeros(4), ws[2], ws[3]], r"'dense/bias' has shape \(3,\), got an array of shape \(4,\)"),
    (lambda ws: [ws[0], ws[1], ws[2], np.array(["a"])], r"needs numbers"),
])
def test_set_weights_with_a_bad_list_raises_and_changes_nothing(change, match):
    model = Sequential([Dense(3, input_shape=(2,)), Dense(1)])
    before = model.get_weights()
    with pytest.raises(ValueError, match=match):
        model.set_weights(change([np.ones_like(w) for w in before]))
    for got, expected in zip(model.get_weights(), before):
        assert np.array_equal(got, expected)


def test_same_seed_same_initial_weights():
    def weights(seed):
        set_random_seed(seed)
        return Sequential([Dense(4, input_shape=(3,)), Dense(2)]).get_weights()

    for a, b in zip(weights(42), weights(42)):
        assert np.array_equal(a, b)
    assert not np.array_equal(weights(42)[0], weights(43)[0])


def test_add_rejects_things_that_are_not_layers_and_duplicate_names():
    model = Sequential()
    with pytest.raises(TypeError, match="int"):
        model.add(42)
    model.add(Dense(2, name="same"))
    with pytest.raises(ValueError, match="unique"):
        model.add(Dense(2, name="same"))


def test_keras_style_imports_work():
    import tinygrad_acts as keras

    assert keras.layers.Dense is Dense and keras.models.Sequential is Sequential
    assert keras.backend.floatx() == "float32" and keras.backend.epsilon() == 1e-7
    assert callable(keras.activations.get("tanh"))
    assert K.set_random_seed is set_random_seed
