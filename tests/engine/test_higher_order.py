"""Gradients of gradients: grad, value_and_grad, jacobian, hessian, hvp and backward(create_graph=True).

1. Second derivatives against their formulas: d^2/dx^2 of tanh, sin, exp, log, sigmoid; the Hessian of sum(x^3).
2. gradgradcheck passes for every built-in op, every activation and every loss, on plain and broadcast shapes.
   Piecewise-linear functions have second derivative 0 away from their kinks.
3. numpy's functions on Tensors are Tensor ops, which is what lets one backward rule serve both orders.

How the transforms agree with each other is in test_transforms.py.
"""
import math
import warnings

import numpy as np
import pytest
from helpers import AXIS_BASED, BINARY_OP_TABLE, ELEMENTWISE, UNARY_OP_TABLE, away_from, op_cases

import tinygrad_acts as ta
import tinygrad_acts.backend as K
from tinygrad_acts import (
    Tensor,
    activations,
    grad,
    gradcheck,
    gradgradcheck,
    hessian,
    jacobian,
    losses,
    value_and_grad,
)
from tinygrad_acts.layers import Activation, Dense
from tinygrad_acts.models import Sequential

POINTS = [-2.5, -0.7, -0.1, 0.3, 1.2, 3.0]


def sigmoid(v):
    return 1 / (1 + math.exp(-v))


# ----------------------------------------------------------------------------------------------------------------
# 1. Second derivatives against their formulas
# ----------------------------------------------------------------------------------------------------------------
def test_the_hessian_of_the_sum_of_cubes_is_diagonal_with_6x():
    x = np.array([-1.5, 0.5, 2.0, 3.0])
    h = hessian(lambda t: (t ** 3).sum())(x)
    assert isinstance(h, Tensor) and h.shape == (4, 4)
    np.testing.assert_allclose(h.data, np.diag(6 * x), rtol=1e-12)


SECOND_DERIVATIVES = {  # f, f'' written out, the points to take it at
    "tanh": (lambda t: t.tanh(), lambda v: -2 * math.tanh(v) * (1 - math.tanh(v) ** 2), POINTS),
    "sin": (lambda t: t.sin(), lambda v: -math.sin(v), POINTS),
    "cos": (lambda t: t.cos(), lambda v: -math.cos(v), POINTS),
    "exp": (lambda t: t.exp(), math.exp, POINTS),
    "log": (lambda t: t.log(), lambda v: -1 / v ** 2, [0.1, 0.3, 1.2, 3.0]),
    "sigmoid": (lambda t: t.sigmoid(), lambda v: sigmoid(v) * (1 - sigmoid(v)) * (1 - 2 * sigmoid(v)), POINTS),
}


@pytest.mark.parametrize("name", SECOND_DERIVATIVES)
def test_grad_of_grad_is_the_second_derivative(name):
    f, second_derivative, points = SECOND_DERIVATIVES[name]
    d2f = grad(grad(f))
    for v in points:
        assert d2f(np.float64(v)).item() == pytest.approx(second_derivative(v), rel=1e-12, abs=1e-15)


# ----------------------------------------------------------------------------------------------------------------
# 2. gradgradcheck for every op, activation and loss
# ----------------------------------------------------------------------------------------------------------------
A = np.array([[-1.7, -0.6, 0.3], [0.45, 1.3, -0.25]])  # (2, 3): away from 0 and +-1 (the kinks of abs, relu, clip)
B = np.array([[0.8, -1.15, 0.55], [-0.35, 0.9, 1.6]])
COLUMN = np.array([[0.7], [-1.3], [0.4]])  # (3, 1) and (4,) broadcast to (3, 4); no value of one equals the other
ROW = np.array([-0.45, 1.2, 0.65, -0.9])
CUBE = np.array([[[0.3, -1.4, 2.2, 0.9], [-0.2, 1.7, -0.75, 0.05], [1.1, -2.3, 0.6, -0.95]],
                 [[-1.6, 0.45, 1.35, -0.55], [2.05, -0.15, 0.85, -1.25], [0.25, 1.95, -0.65, 1.45]]])  # (2, 3, 4)


def positive(x):
    return np.abs(x) + 0.3


DOMAINS = {"any": None, "positive": positive, "nonzero": positive, "base": positive}  # of helpers' op tables
BINARY_OPS = op_cases(BINARY_OP_TABLE, ("add", "sub", "mul", "div", "pow", "hypot", "maximum", "minimum", "where"),
                      DOMAINS)


@pytest.mark.parametrize("shapes", ["plain", "broadcast"])
@pytest.mark.parametrize("op", BINARY_OPS)
def test_binary_ops_pass_gradgradcheck(op, shapes):
    f, a_domain, b_domain = BINARY_OPS[op]
    a, b = (A, B) if shapes == "plain" else (COLUMN, ROW)
    assert gradgradcheck(f, (a_domain or np.asarray)(a), (b_domain or np.asarray)(b))


UNARY_OPS = op_cases(UNARY_OP_TABLE, ("neg", "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu", "clip", "sin",
                                      "cos", "log1p", "expm1", "erf", "erfc", "cube", "inverse square",
                                      "square root as a power", "power 0", "constant to the x", "constant over x",
                                      "minus from a constant"), DOMAINS)


@pytest.mark.parametrize("op", UNARY_OPS)
def test_unary_ops_pass_gradgradcheck_alone_and_times_a_broadcast_tensor(op):
    f, domain = UNARY_OPS[op]
    domain = domain or np.asarray
    assert gradgradcheck(f, domain(A))
    assert gradgradcheck(lambda x, y: f(x) * y, domain(COLUMN), ROW)  # f's gradient summed over a broadcast


MATMUL_SHAPES = [((2, 3), (3, 4)), ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 2, 3), (2, 3, 2)),
                 ((2, 2, 3), (3, 2)), ((3,), (2, 3, 2))]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul_of_matrices_vectors_and_batches_passes_gradgradcheck(shapes):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1])
    assert gradgradcheck(lambda a, b: a @ b, a, b)


REDUCTIONS = [(axis, keepdims) for axis in (None, 0, -1, (0, 2)) for keepdims in (False, True)]


@pytest.mark.parametrize("axis, keepdims", REDUCTIONS, ids=str)
@pytest.mark.parametrize("reduction", ["sum", "mean", "max", "min"])
def test_reductions_over_any_axes_pass_gradgradcheck(reduction, axis, keepdims):
    # times x: the second derivative of a plain sum is 0, of x * sum(x) it is not
    assert gradgradcheck(lambda x: getattr(x, reduction)(axis=axis, keepdims=keepdims) * x.exp().sum(), CUBE)


SHAPE_OPS = {  # op: (function, input); each squared afterwards so that the second derivative is not 0
    "reshape": (lambda x: x.reshape(3, 2), A),
    "reshape with -1": (lambda x: x.reshape(-1, 4), CUBE),
    "transpose": (lambda x: x.T, A),
    "transpose with negative axes": (lambda x: x.transpose((-1, 0, -2)), CUBE),
    "mT": (lambda x: x.mT, CUBE),
    "flatten": (lambda x: x.flatten(), A),
    "broadcast_to": (lambda x: x.broadcast_to((2, 3, 4)), COLUMN),
    "slices": (lambda x: x[:, 1:], A),
    "slices with steps": (lambda x: x[::-1, ::2], A),
    "a repeated integer index": (lambda x: x[[0, 0, 1]], A),
    "repeated index pairs": (lambda x: x[[1, 1, 0], [2, 2, 0]], A),
    "a boolean mask": (lambda x: x[A > 0], A),
    "one entry": (lambda x: x[1, 2], A),
    "concatenate": (lambda x: ta.concatenate([x, x.exp(), x[:1]], axis=0), A),
    "concatenate on the last axis": (lambda x: ta.concatenate([x, x * 2], axis=-1), A),
    "stack": (lambda x: ta.stack([x, x.sin()]), A),
    "stack on the last axis": (lambda x: ta.stack([x, x.sin()], axis=-1), A),
}


@pytest.mark.parametrize("op", SHAPE_OPS)
def test_shape_and_indexing_ops_pass_gradgradcheck(op):
    f, x = SHAPE_OPS[op]
    assert gradgradcheck(lambda x: f(x) ** 2, x)


def elementwise_cases():
    return [pytest.param(name, kwargs, kinks, id=name + "".join(f"-{k}={v}" for k, v in kwargs.items()))
            for name, kwargs, kinks in ELEMENTWISE]


@pytest.mark.parametrize("name, kwargs, kinks", elementwise_cases())
def test_every_elementwise_activation_passes_gradgradcheck(name, kwargs, kinks):
    function = activations.get(name)
    x = away_from([[-7.3, -2.2, -0.7, -0.23], [0.04, 0.37, 1.8, 6.9]], kinks)
    assert gradgradcheck(lambda t: function(t, **kwargs), x)
    assert gradgradcheck(lambda t, y: function(t, **kwargs) * y, away_from(COLUMN, kinks), ROW)


@pytest.mark.parametrize("name, kwargs", [pytest.param(name, kwargs, id=name + "".join(
    f"-{k}={v}" for k, v in kwargs.items())) for name, kwargs in AXIS_BASED])
def test_every_activation_of_an_axis_passes_gradgradcheck(name, kwargs):
    function = getattr(activations, name)
    x = np.random.default_rng(0).normal(0, 0.7, (2, 4, 2))  # small spread: sparsemax keeps entries in its support
    if name == "sparsemax":  # stay away from the edge of the support, where sparsemax has a kink
        tau = np.max(x - function(x, **kwargs).data, axis=kwargs.get("axis", -1), keepdims=True)
        assert np.abs(x - tau).min() > 1e-3
    assert gradgradcheck(lambda t: function(t, **kwargs), x)


@pytest.mark.parametrize("name, kwargs", [("relu", {}), ("relu", {"negative_slope": 0.1, "max_value": 6.0}),
                                          ("leaky_relu", {}), ("hard_tanh", {})], ids=str)
def test_piecewise_linear_activations_have_second_derivative_zero_away_from_their_kinks(name, kwargs):
    function = activations.get(name)
    x = np.array([-7.3, -2.2, -0.7, -0.23, 0.37, 0.8, 2.1, 6.9])
    np.testing.assert_array_equal(hessian(lambda t: function(t, **kwargs).sum())(x).data, np.zeros((8, 8)))
    assert np.any(grad(lambda t: function(t, **kwargs).sum())(x).data != 0)  # while the first derivative is not


TARGETS = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])  # one-hot: the class ids 1 and 0
PROBABILITIES = np.array([[0.2, 0.7, 0.1], [0.55, 0.15, 0.3]])
LOGITS = np.array([[-1.2, 0.8, 0.3], [2.1, -0.4, 0.6]])
LOSSES = {  # loss: (function of y_pred, y_pred)
    "mean_squared_error": (lambda p: losses.mean_squared_error(LOGITS[::-1], p), LOGITS),
    "mean_absolute_error": (lambda p: losses.mean_absolute_error(LOGITS[::-1], p), LOGITS),
    "huber": (lambda p: losses.huber(LOGITS[::-1], p), LOGITS),  # errors of 0.3 to 3.3: both pieces, no kink
    "binary_crossentropy": (lambda p: losses.binary_crossentropy(TARGETS, p), PROBABILITIES),
    "binary_crossentropy from logits": (lambda p: losses.binary_crossentropy(TARGETS, p, from_logits=True), LOGITS),
    "categorical_crossentropy": (lambda p: losses.categorical_crossentropy(TARGETS, p), PROBABILITIES),
    "categorical_crossentropy from logits": (
        lambda p: losses.categorical_crossentropy(TARGETS, p, from_logits=True), LOGITS),
    "sparse_categorical_crossentropy": (lambda p: losses.sparse_categorical_crossentropy([1, 0], p), PROBABILITIES),
    "sparse_categorical_crossentropy from logits": (
        lambda p: losses.sparse_categorical_crossentropy([1, 0], p, from_logits=True), LOGITS),
}


@pytest.mark.parametrize("loss", LOSSES)
def test_every_loss_passes_gradgradcheck(loss):
    f, y_pred = LOSSES[loss]
    assert gradgradcheck(f, y_pred)


def test_gradgradcheck_of_a_whole_model_loss_with_respect_to_the_weights():
    """The loss of a small tanh network is twice differentiable in its weights: what second-order optimizers need."""
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((5, 3)), np.eye(2)[[0, 1, 1, 0, 1]]

    def loss(kernel, bias):
        logits = (x @ kernel + bias).tanh()
        return losses.categorical_crossentropy(y, logits, from_logits=True).mean()

    assert gradcheck(loss, rng.standard_normal((3, 2)), rng.standard_normal(2))
    assert gradgradcheck(loss, rng.standard_normal((3, 2)), rng.standard_normal(2))


# Examples that pin behaviour mutation testing found unpinned
def test_an_integer_tensor_is_differentiated_as_float32():
    x = Tensor(np.array([1, 2]), dtype="int64")
    g = grad(lambda x: (x * x).sum())(x)
    assert g.dtype == np.float32 and g.data.tolist() == [2.0, 4.0]  # d(x^2)/dx = 2x


def test_gradients_gives_arrays_by_default_and_tensors_with_create_graph():
    from tinygrad_acts.transforms import gradients
    x, unused = Tensor(np.array([1.0, -2.0]), requires_grad=True), Tensor(np.array([5.0]), requires_grad=True)
    first = gradients((x * x * x).sum(), [x, unused])
    assert all(type(g) is np.ndarray for g in first)
    assert first[0].tolist() == [3.0, 12.0] and first[1].tolist() == [0.0]  # 3x^2; no path to `unused`: zero
    recorded = gradients((x * x * x).sum(), [x, unused], create_graph=True)
    assert all(isinstance(g, Tensor) for g in recorded)
    assert recorded[0].data.tolist() == [3.0, 12.0] and recorded[1].data.tolist() == [0.0]


def test_argnums_may_count_from_the_end_down_to_minus_the_number_of_arguments():
    def f(a, b):
        return (a * a * b).sum()

    a, b = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    np.testing.assert_array_equal(grad(f, argnums=-2)(a, b).data, 2 * a * b)  # -2 is a, the first of two
    np.testing.assert_array_equal(grad(f, argnums=-1)(a, b).data, a * a)
    with pytest.raises(ValueError, match="argnums"):
        grad(f, argnums=-3)(a, b)


def test_value_and_grad_differentiates_the_first_argument_by_default():
    value, g = value_and_grad(lambda a, b: (a * a * b).sum())(np.array([1.0, 2.0]), np.array([3.0, -1.0]))
    assert value.item() == 1 * 1 * 3 + 2 * 2 * -1 and g.data.tolist() == [2 * 1 * 3, 2 * 2 * -1]


def test_grad_records_its_pass_when_f_uses_a_tracked_weight_reached_twice():
    # a search of f's graph from the output meets y, then w * y, then y again before w: it must go on past y
    w = Tensor(3.0, requires_grad=True)

    def f(x):
        y = x * 2
        return (w * y + y).sum()

    g = grad(f)(np.array([1.0, 2.0]))  # df/dx = 2 + 2w per entry
    assert g.data.tolist() == [8.0, 8.0]
    g.sum().backward()
    assert w.grad == 4.0  # d/dw of (2 + 2w) * 2 entries


def test_jacobian_keeps_float32_and_shapes_a_2d_output():
    x = np.array([1.0, 2.0, 3.0], np.float32)
    J = jacobian(lambda x: x.reshape(3, 1) * x)(x)  # (3, 3) outer product x_i x_j
    assert J.shape == (3, 3, 3) and J.dtype == np.float32
    expected = np.zeros((3, 3, 3))
    for i, j, k in np.ndindex(3, 3, 3):  # d(x_i x_j)/dx_k = [i = k] x_j + x_i [j = k]
        expected[i, j, k] = (i == k) * x[j] + x[i] * (j == k)
    np.testing.assert_array_equal(J.data, expected)


def test_jacobian_of_an_empty_output_is_empty_in_the_inputs_dtype():
    J = jacobian(lambda x: x[:0] * 2)(np.array([1.0, 2.0, 3.0], np.float32))
    assert J.shape == (0, 3) and J.dtype == np.float32


def test_jacobian_of_a_tracked_input_differentiates_again():
    x = Tensor(np.array([1.0, -2.0]), requires_grad=True)
    J = jacobian(lambda x: x * x * x)(x)  # diag(3x^2)
    np.testing.assert_array_equal(J.data, [[3.0, 0.0], [0.0, 12.0]])
    J.sum().backward()
    np.testing.assert_array_equal(x.grad, [6.0, -12.0])  # d/dx of 3x^2


def test_hessian_with_respect_to_a_later_argument():
    def f(a, b):
        return (a * a * b * b * b).sum()

    a, b = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    # d2f/db2 = diag(6 a^2 b); the mixed d2f/da db would be diag(6 a b^2)
    np.testing.assert_array_equal(hessian(f, argnums=1)(a, b).data, np.diag(6 * a * a * b))
    np.testing.assert_array_equal(hessian(f)(a, b).data, np.diag(2 * b ** 3))  # d2f/da2 = diag(2 b^3)


def test_a_recorded_backward_runs_each_rule_once_even_when_its_output_is_used_twice():
    """As backward() (tests/engine/test_tensor.py): newest first, so a tensor's rule runs once, with the sum of its
    uses."""
    calls = []

    @ta.custom_op(backward=lambda g, out, x: calls.append("sin") or (g * np.cos(x),))
    def sin(x):
        return np.sin(x)

    x = Tensor(np.array([0.0]), requires_grad=True)
    y = sin(x)
    (y * 2.0 + y * 3.0).sum().backward(create_graph=True)
    assert calls == ["sin"]
    assert x.grad.data.tolist() == [5.0]


def test_a_recorded_backward_checks_that_a_rule_gives_one_gradient_per_input():
    x, y = Tensor(np.array([1.0]), requires_grad=True), Tensor(np.array([2.0]), requires_grad=True)
    product = ta.record(x.data * y.data, (x, y), lambda g, out, x, y: (g * y,), "product")  # d/dy is missing
    with pytest.raises(ValueError, match="zip"):
        product.sum().backward(create_graph=True)


# ----------------------------------------------------------------------------------------------------------------
# numpy functions of Tensors: numpy's elementwise functions are Tensor ops (so one rule runs on arrays and on
# Tensors); the ones that are not raise a TypeError saying what to use instead
# ----------------------------------------------------------------------------------------------------------------
def test_np_exp_of_a_tensor_is_a_tensor_with_a_gradient():
    t = Tensor(np.array([-1.0, 0.5, 2.0]), requires_grad=True)
    y = np.exp(t)
    assert isinstance(y, Tensor) and y.requires_grad
    np.testing.assert_allclose(y.data, np.exp(t.data))
    y.sum().backward()
    np.testing.assert_allclose(t.grad, np.exp(t.data))
    assert gradgradcheck(lambda t: np.tanh(np.sin(t)) * np.sqrt(np.exp(t)), t)  # numpy functions all the way down


def test_a_numpy_array_on_the_left_of_a_tensor_gives_a_tensor():
    t = Tensor(np.array([-1.0, 0.5, 2.0]), requires_grad=True)
    y = np.ones(3) * t
    assert isinstance(y, Tensor)
    (np.arange(3.0) * t + np.ones(3) - t).sum().backward()
    np.testing.assert_array_equal(t.grad, np.arange(3.0) - 1)
    assert isinstance(np.maximum(t, 0), Tensor) and isinstance(np.float64(2.0) ** t, Tensor)


def test_numpy_functions_that_are_not_tensor_ops_compute_on_the_values():
    t = Tensor(np.array([1.0, 2.0]))
    assert np.shape(t) == (2,)
    assert np.allclose(t, [1.2, 2.0], atol=0.5) and not np.allclose(t, [1.2, 2.0])  # keywords reach numpy


def test_np_zeros_like_of_a_tensor_is_a_constant_tensor_of_its_shape_and_dtype():
    t = Tensor(np.ones((2, 3)))
    zeros = np.zeros_like(t)
    assert isinstance(zeros, Tensor) and not zeros.requires_grad
    assert zeros.shape == (2, 3) and zeros.dtype == np.float64 and not zeros.data.any()
    assert np.zeros_like(Tensor([1, 2], dtype="int64")).dtype == np.int64
    assert np.zeros_like(Tensor([1.0, 2.0]), dtype=np.float64).dtype == np.float64
    assert np.zeros_like(t, shape=(4,)).data.tolist() == [0.0, 0.0, 0.0, 0.0]


def test_np_add_at_adds_into_a_fresh_constant_tensor_and_records_a_scatter_of_tracked_values():
    """Indexing's rule, run on Tensors, is np.add.at into the zeros np.zeros_like(g) made."""
    zeros = np.zeros_like(Tensor([0.0, 0.0, 0.0]))
    np.add.at(zeros, [0, 0, 2], 1.0)  # adds twice where the index repeats
    assert zeros.data.tolist() == [2.0, 0.0, 1.0] and not zeros.requires_grad

    v = Tensor([1.0, 2.0], requires_grad=True)
    scattered = np.zeros_like(v, shape=(3,))
    np.add.at(scattered, [2, 0], v)
    assert scattered.data.tolist() == [2.0, 0.0, 1.0] and scattered.op == "scatter"
    (scattered * np.array([1.0, 10.0, 100.0])).sum().backward()
    assert v.grad.tolist() == [100.0, 1.0]  # each value gets the gradient of the place it went to

    constant = np.zeros_like(v)
    np.add.at(constant, [0], Tensor([5.0]))  # values that need no gradient leave a constant
    assert constant.data.tolist() == [5.0, 0.0] and not constant.requires_grad
    with pytest.raises(TypeError, match="np.add.at with Tensors adds only into a fresh constant Tensor"):
        np.add.at(v, [0], 1.0)  # v carries a gradient: adding into it in place would lose track of it
    assert v.data.tolist() == [1.0, 2.0]


def test_numpy_comparisons_of_tensors_are_plain_boolean_arrays():
    t = Tensor(np.array([-1.0, 0.5, 2.0]), requires_grad=True)
    for result in (np.greater(t, 0), np.isfinite(t), t > 0):
        assert isinstance(result, np.ndarray) and result.dtype == bool  # numpy's, whose `if` is explained


@pytest.mark.parametrize("call, what", [(lambda t: np.arctan2(t, t), r"np\.arctan2 is not an op on Tensors"),
                                        (lambda t: np.add.reduce(t), r"np\.add\.reduce is not an op on Tensors"),
                                        (lambda t: np.exp(t, out=np.empty(3)),
                                         r"np\.exp is not an op on Tensors \(with out=\)")],
                         ids=["arctan2", "a ufunc method", "out="])
def test_a_numpy_function_that_is_not_a_tensor_op_is_a_type_error_saying_what_to_use(call, what):
    with pytest.raises(TypeError, match=rf"{what}\. Tensors support .*np\.exp.*; for anything "
                                        rf"else use t\.numpy\(\) \(no gradient\) or add it as an op with "
                                        rf"tinygrad_acts\.custom_op"):
        call(Tensor(np.array([-1.0, 0.5, 2.0]), requires_grad=True))


def test_np_tanh_works_as_an_activation_layer():
    K.clear_session()
    K.set_random_seed(0)
    model = Sequential([Dense(3, input_shape=(2,)), Activation(np.tanh), Dense(1)])
    x = np.random.default_rng(0).standard_normal((6, 2)).astype(np.float32)
    kernel, bias = model.layers[0].get_weights()
    hidden = model.layers[1](model.layers[0](x))
    assert isinstance(hidden, Tensor) and hidden.dtype == np.float32
    np.testing.assert_allclose(hidden.data, np.tanh(x @ kernel + bias), rtol=1e-6)
    model.compile(optimizer="sgd", loss="mse")
    before = model.layers[0].get_weights()[0].copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(x, np.ones((6, 1)), epochs=1, batch_size=6, verbose=0)
    assert not np.array_equal(before, model.layers[0].get_weights()[0])  # gradients flowed back through np.tanh
