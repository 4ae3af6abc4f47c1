"""collapse(): a stack of linear layers is one linear layer; one nonlinearity and it is not."""
import functools
import re

import numpy as np
import pytest
from helpers import DEMOS, assert_same_weights, import_demo, run_demo

import tinygrad_acts.backend as K
from tinygrad_acts import activations
from tinygrad_acts.collapse import NotLinearError, collapse, is_linear
from tinygrad_acts.layers import ELU, Activation, Dense, Flatten, Input, LeakyReLU, Linear, ReLU, Softmax
from tinygrad_acts.models import Sequential
from tinygrad_acts.utils import set_random_seed


def random_linear_stack(rng, depth: int, use_bias: bool, n_in: int = 3) -> Sequential:
    """Dense layers of random widths, no activations, with random (nonzero) biases."""
    widths = rng.integers(1, 7, size=depth)
    model = Sequential([Input((n_in,))] + [Dense(int(w), use_bias=use_bias) for w in widths])
    model.set_weights([rng.normal(0, 1 / np.sqrt(w.shape[0]), w.shape) if w.ndim == 2 else rng.normal(0, 1, w.shape)
                       for w in model.get_weights()])
    return model


def numpy_forward(weights: list[np.ndarray], x: np.ndarray, use_bias: bool) -> np.ndarray:
    """The stack, layer by layer, in float64: x @ W1 + b1, then @ W2 + b2, ..."""
    step = 2 if use_bias else 1
    for i in range(0, len(weights), step):
        x = x @ weights[i].astype(np.float64) + (weights[i + 1].astype(np.float64) if use_bias else 0)
    return x


def assert_same_predictions(model: Sequential, collapsed: Sequential, x: np.ndarray) -> None:
    """Equal to float32 precision: the largest difference within 1e-5 of the largest output."""
    expected, got = model.predict(x), collapsed.predict(x)
    assert got.shape == expected.shape and got.dtype == np.float32
    assert np.max(np.abs(got - expected)) <= 1e-5 * np.max(np.abs(expected))


# ----------------------------------------------------------------------------------------------------------------
# The lesson's algebra: f1(f2(x)) = (a1*a2) x + (a1*b2 + b1)
# ----------------------------------------------------------------------------------------------------------------
def test_two_scalar_layers_collapse_to_a1_a2_and_a1_b2_plus_b1():
    a1, b1, a2, b2 = 2.0, 1.0, 3.0, -1.0
    f2, f1 = Dense(1, input_shape=(1,)), Dense(1)
    model = Sequential([f2, f1])  # f2 first, then f1: the model computes f1(f2(x))
    f2.set_weights([[[a2]], [b2]])
    f1.set_weights([[[a1]], [b1]])
    kernel, bias = collapse(model).get_weights()
    assert kernel[0, 0] == 6.0 and bias[0] == -1.0  # 2*3 and 2*(-1) + 1
    x = np.array([[-2.0], [0.0], [0.5], [10.0]], dtype=np.float32)
    assert np.array_equal(collapse(model).predict(x), 6.0 * x - 1.0)


@pytest.mark.parametrize("use_bias", [True, False])
@pytest.mark.parametrize("depth", [1, 2, 3, 4, 5, 6])
def test_collapse_predicts_what_the_stack_predicts(rng, depth, use_bias):
    model = random_linear_stack(rng, depth, use_bias)
    collapsed = collapse(model)
    assert_same_predictions(model, collapsed, rng.normal(0, 2, (50, 3)).astype(np.float32))


@pytest.mark.parametrize("use_bias", [True, False])
@pytest.mark.parametrize("depth", [1, 2, 3, 4, 5, 6])
def test_kernel_and_bias_are_the_products_of_the_stack(rng, depth, use_bias):
    model = random_linear_stack(rng, depth, use_bias)
    weights = model.get_weights()
    kernels = weights[0::2] if use_bias else weights
    collapsed_weights = collapse(model).get_weights()
    # W = W1 @ W2 @ ... @ Wn
    product = kernels[0].astype(np.float64)
    for k in kernels[1:]:
        product = product @ k.astype(np.float64)
    assert np.allclose(collapsed_weights[0], product, rtol=1e-6, atol=1e-7)
    # independently: b is the output at x = 0, and row i of W is the output at x = e_i, minus b
    at_zero = numpy_forward(weights, np.zeros((1, 3)), use_bias)[0]
    at_basis = numpy_forward(weights, np.eye(3), use_bias)
    assert np.allclose(collapsed_weights[0], at_basis - at_zero, rtol=1e-6, atol=1e-7)
    if use_bias:
        assert len(collapsed_weights) == 2
        assert np.allclose(collapsed_weights[1], at_zero, rtol=1e-6, atol=1e-7)
    else:
        assert len(collapsed_weights) == 1 and np.all(at_zero == 0)


def test_the_bias_is_carried_through_the_later_kernels():
    # b = (b1 @ W2 + b2) @ W3 + b3, computed by hand for 1x1 layers: ((1*2 + 3)*4 + 5) = 25
    model = Sequential([Dense(1, input_shape=(1,)), Dense(1), Dense(1)])
    model.set_weights([[[1.0]], [1.0], [[2.0]], [3.0], [[4.0]], [5.0]])
    kernel, bias = collapse(model).get_weights()
    assert kernel[0, 0] == 8.0 and bias[0] == 25.0


def test_the_kernels_multiply_in_the_order_the_layers_apply():
    # x @ W1 @ W2 with W1 = [[1, 1], [0, 1]], W2 = [[1, 0], [1, 1]]: W1 @ W2 = [[2, 1], [1, 1]] (W2 @ W1 would be
    # [[1, 1], [1, 2]])
    model = Sequential([Dense(2, use_bias=False, input_shape=(2,)), Dense(2, use_bias=False)])
    model.set_weights([[[1.0, 1.0], [0.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]]])
    assert np.array_equal(collapse(model).get_weights()[0], [[2.0, 1.0], [1.0, 1.0]])


def test_a_trained_stack_collapses_too(rng):
    x = rng.normal(0, 1, (64, 4)).astype(np.float32)
    y = (x @ rng.normal(0, 1, (4, 2)) + 0.5).astype(np.float32)
    model = Sequential([Input((4,)), Dense(8), Dense(5), Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()
    model.fit(x, y, batch_size=16, epochs=3, verbose=0)
    assert not all(np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))  # it did train
    assert_same_predictions(model, collapse(model), x)


def test_mixed_biases_and_linear_activations_are_all_folded(rng):
    model = Sequential([Input((3,)), Dense(4, use_bias=False), Activation("linear"), Linear(5, activation="linear"),
                        Activation(None), Dense(2, use_bias=False)])
    model.set_weights([rng.normal(0, 1, w.shape) for w in model.get_weights()])
    collapsed = collapse(model)
    assert [type(layer) for layer in collapsed.layers] == [Dense]
    assert collapsed.layers[0].bias is not None  # one layer had a bias, so the collapsed layer needs one
    assert_same_predictions(model, collapsed, rng.normal(0, 1, (20, 3)).astype(np.float32))


def test_without_any_bias_the_collapsed_layer_has_none(rng):
    model = random_linear_stack(rng, 3, use_bias=False)
    collapsed = collapse(model)
    assert collapsed.layers[0].bias is None and len(collapsed.get_weights()) == 1


def test_the_collapsed_model_is_new_float32_and_leaves_the_original_alone(rng):
    model = random_linear_stack(rng, 4, use_bias=True)
    before = model.get_weights()
    collapsed = collapse(model)
    assert collapsed is not model and isinstance(collapsed, Sequential) and len(collapsed.layers) == 1
    assert collapsed.input_shape == model.input_shape and collapsed.output_shape == model.output_shape
    assert all(w.dtype == np.float32 for w in collapsed.get_weights())
    assert_same_weights(before, model.get_weights())
    assert len(model.layers) == 4


def test_collapse_does_not_draw_from_the_seeded_generator(rng):
    model = random_linear_stack(rng, 2, use_bias=True)
    set_random_seed(1)
    expected = K.rng().random()
    set_random_seed(1)
    collapse(model)
    assert K.rng().random() == expected


# ----------------------------------------------------------------------------------------------------------------
# Flatten and inputs with more axes
# ----------------------------------------------------------------------------------------------------------------
def test_a_leading_flatten_is_kept_in_front_of_the_one_dense(rng):
    model = Sequential([Flatten(input_shape=(3, 4)), Dense(5), Dense(2)])
    model.set_weights([rng.normal(0, 1, w.shape) for w in model.get_weights()])
    collapsed = collapse(model)
    assert [type(layer) for layer in collapsed.layers] == [Flatten, Dense]
    assert collapsed.layers[1].kernel.shape == (12, 2)
    assert_same_predictions(model, collapsed, rng.normal(0, 1, (10, 3, 4)).astype(np.float32))


def test_a_flatten_of_flat_inputs_disappears(rng):
    model = Sequential([Input((3,)), Dense(4), Flatten(), Dense(2)])
    model.set_weights([rng.normal(0, 1, w.shape) for w in model.get_weights()])
    collapsed = collapse(model)
    assert [type(layer) for layer in collapsed.layers] == [Dense]
    assert_same_predictions(model, collapsed, rng.normal(0, 1, (10, 3)).astype(np.float32))


def test_dense_on_the_last_axis_of_a_3d_input_collapses_on_that_axis(rng):
    model = Sequential([Input((6, 3)), Dense(4), Dense(2)])
    model.set_weights([rng.normal(0, 1, w.shape) for w in model.get_weights()])
    collapsed = collapse(model)
    assert collapsed.output_shape == (None, 6, 2)
    assert_same_predictions(model, collapsed, rng.normal(0, 1, (5, 6, 3)).astype(np.float32))


def test_flatten_after_a_dense_on_a_3d_input_is_refused_with_a_reason():
    model = Sequential([Input((6, 3)), Dense(4), Flatten(), Dense(2)])
    assert is_linear(model)  # it is linear ...
    with pytest.raises(ValueError, match="Flatten 'flatten' flattens .*before the first Dense") as caught:
        collapse(model)  # ... but not one Dense kernel
    assert not isinstance(caught.value, NotLinearError)


# ----------------------------------------------------------------------------------------------------------------
# Nonlinear models
# ----------------------------------------------------------------------------------------------------------------
def test_is_linear():
    assert is_linear(Sequential([Dense(3, input_shape=(2,)), Dense(1, activation="linear"), Activation("linear")]))
    assert is_linear(Sequential([Dense(3), Dense(1)]))  # no weights are needed to tell
    assert not is_linear(Sequential([Dense(3, input_shape=(2,)), Activation("tanh"), Dense(1)]))
    assert not is_linear(Sequential([Dense(3, input_shape=(2,), activation="relu"), Dense(1)]))
    assert not is_linear(Sequential([Dense(3, input_shape=(2,)), Dense(1, activation="sigmoid")]))


def test_not_linear_error_names_the_first_nonlinear_layer_and_its_activation():
    model = Sequential([Dense(4, input_shape=(2,)), Dense(4, activation="tanh", name="hidden"),
                        Dense(1, activation="relu")])
    with pytest.raises(NotLinearError) as caught:
        collapse(model)
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.index == 1 and error.layer is model.layers[1]
    message = str(error)
    assert "layer 1 (Dense 'hidden')" in message and "'tanh'" in message
    assert "cannot be folded into a matrix" in message


@pytest.mark.parametrize("layer, words", [
    (Activation("relu"), ["Activation", "'relu'"]),
    (ReLU(), ["ReLU"]),
    (LeakyReLU(0.2), ["LeakyReLU", "negative_slope=0.2"]),
    (ELU(), ["ELU"]),
    (Softmax(), ["Softmax"]),
])
def test_every_nonlinear_layer_kind_is_refused_by_name(layer, words):
    model = Sequential([Dense(4, input_shape=(2,)), Dense(4), layer, Dense(1)])
    with pytest.raises(NotLinearError, match="layer 2") as caught:
        collapse(model)
    assert all(word in str(caught.value) for word in words + [layer.name])


def test_an_unknown_function_counts_as_nonlinear_even_the_identity():
    model = Sequential([Dense(4, input_shape=(2,), activation=lambda x: x), Dense(1)])
    assert not is_linear(model)
    with pytest.raises(NotLinearError, match="cannot tell whether <lambda> is linear"):
        collapse(model)


def test_collapse_needs_built_weights_and_a_sequential():
    with pytest.raises(ValueError, match="has not been built"):
        collapse(Sequential([Dense(3), Dense(1)]))
    with pytest.raises(TypeError, match="expects a Sequential"):
        collapse(Dense(3))


# ----------------------------------------------------------------------------------------------------------------
# The demo: a deep linear stack learns no more than the least-squares line; with tanh it fits y = x^2
# ----------------------------------------------------------------------------------------------------------------
def test_the_demo_linear_stack_ends_at_the_least_squares_optimum_and_the_nonlinear_one_far_below(tmp_path):
    linear_collapse = import_demo("linear_collapse")
    results = linear_collapse.learning(quick=True)
    optimum = results["least_squares_mse"]
    assert abs(results["final_loss"]["linear stack"] - optimum) <= 0.01 * optimum
    assert results["final_loss"]["nonlinear stack"] < 0.10 * optimum
    assert results["final_loss"]["single Dense"] >= optimum * (1 - 1e-6)  # nothing linear beats least squares
    collapsed = collapse(results["models"]["linear stack"])
    assert_same_predictions(results["models"]["linear stack"], collapsed, results["x"])
    with pytest.raises(NotLinearError):
        collapse(results["models"]["nonlinear stack"])


def test_the_readme_quotes_what_the_demo_prints(tmp_path):
    """The README's sentence about demos/linear_collapse.py gives the numbers the demo prints, run as a learner runs
    it (full size, numpy warnings as errors): the stack's size, the linear stack's mse (the least-squares optimum),
    the single Dense layer's size, and the mse the same stack reaches with tanh."""
    stdout = run_demo("linear_collapse.py", tmp_path)
    rows = dict((name, (params, mse)) for name, params, mse in re.findall(
        r"^  (linear stack|nonlinear stack|single Dense) \(.*?\) +(\d+) +(\d+\.\d+) ", stdout, re.M))
    assert rows.keys() == {"linear stack", "nonlinear stack", "single Dense"}, stdout
    optimum = re.search(r"least-squares line \(numpy, closed form\): .*, mse = (\d+\.\d+)", stdout).group(1)
    readme = (DEMOS.parent / "README.md").read_text(encoding="utf-8")
    claim = re.search(r"a (\d+)-layer, (\d+)-parameter stack without activations ends at mse (\S+) —.*?a single "
                      r"(\d+)-parameter Dense layer also reaches —.*?with tanh between its layers reaches "
                      r"an mse below (\d+\.\d+) \((\d+\.\d+) on the machine", " ".join(readme.split()))
    assert claim, "the README should say '... stack without activations ends at mse X ... reaches an mse below Y'"
    layers, params, linear_mse, single_params, bound, example = claim.groups()
    assert stdout.count(f"linear stack ({layers} Dense)") == 1
    assert (params, linear_mse) == rows["linear stack"] and linear_mse == optimum
    assert single_params == rows["single Dense"][0] and rows["single Dense"][1] == optimum
    # the least-squares optimum is the same digits on every CPU; 400 steps of training are not (README), so the
    # README bounds the tanh stack's mse and gives one machine's value as an example
    assert float(rows["nonlinear stack"][1]) < float(bound) == 0.01 and float(example) < float(bound)
    assert rows["nonlinear stack"][0] == params and float(bound) < float(linear_mse) / 100



# Examples that pin behaviour mutation testing found unpinned
def test_a_callable_without_a_name_is_reported_as_an_unknown_function():
    relu = functools.partial(activations.relu)  # a partial has no __name__: its repr names it
    model = Sequential([Dense(2, activation=relu, input_shape=(3,))])
    with pytest.raises(NotLinearError, match="collapse cannot tell whether functools.partial"):
        collapse(model)
    assert not is_linear(model)


def test_a_model_with_an_input_but_no_layers_is_not_built_and_cannot_be_collapsed():
    model = Sequential([Input(shape=(3,))])
    assert model.input_shape == (None, 3) and not model.built
    with pytest.raises(ValueError, match="has not been built yet"):
        collapse(model)


def test_the_kept_flatten_remembers_the_input_shape():
    collapsed = collapse(Sequential([Flatten(input_shape=(2, 2)), Dense(3), Dense(1)]))
    assert collapsed.layers[0].input_shape == (2, 2) and collapsed.layers[0].get_config()["input_shape"] == [2, 2]
