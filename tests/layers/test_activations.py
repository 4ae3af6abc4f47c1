"""Tests for tinygrad_acts.activations.

Every activation is checked four ways:
1. values against its mathematical definition, written out again below with Python's math module (independent of
   the implementation), at chosen points: 0, +-small, +-1000 and the function's kinks;
2. gradients against finite differences (gradcheck, float64) on a vector and on a batch, away from kinks;
3. stability: a sweep from -1e4 to 1e4 in float32 and float64 gives finite, correct values and finite gradients,
   with numpy's overflow/invalid/divide warnings turned into errors;
4. values against real Keras 3 (tests/reference/keras_activations.json, made by make_keras_reference.py).
"""
import json
import math
from decimal import Decimal, localcontext

import numpy as np
import pytest
from helpers import AXIS_BASED, ELEMENTWISE, REFERENCE_DIR, away_from, axis_cases, case_id, elementwise_cases

from tinygrad_acts import Tensor, activations, gradcheck

KERAS = json.loads((REFERENCE_DIR / "keras_activations.json").read_text())


# ----------------------------------------------------------------------------------------------------------------
# The definitions, one scalar function each, straight from the formulas (Python floats, i.e. float64)
# ----------------------------------------------------------------------------------------------------------------
def _sigmoid(v):
    return 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))


def _softplus(v):  # log(1 + e^v) = max(v, 0) + log(1 + e^-|v|)
    return max(v, 0.0) + math.log1p(math.exp(-abs(v)))


def _elu(v, alpha=1.0):
    return v if v > 0 else alpha * math.expm1(v)


def _hard_sigmoid(v):
    return 0.0 if v <= -3 else 1.0 if v >= 3 else v / 6 + 0.5


def _relu(v, negative_slope=0.0, max_value=None, threshold=0.0):
    if v > threshold:
        return v if max_value is None else min(v, max_value)
    return negative_slope * (v - threshold)


def _squareplus(v, b=4):
    with localcontext() as context:  # 50 digits: x + sqrt(x^2 + b) cancels for x << 0, even in float64
        context.prec = 50
        return float((Decimal(v) + (Decimal(v) ** 2 + Decimal(b)).sqrt()) / 2)


SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805  # Klambauer et al. (2017)

MATH = {
    "linear": lambda v: v,
    "tanh": math.tanh,
    "sigmoid": _sigmoid,
    "hard_sigmoid": _hard_sigmoid,
    "log_sigmoid": lambda v: -_softplus(-v),
    "relu": _relu,
    "relu6": lambda v: min(max(v, 0.0), 6.0),
    "leaky_relu": lambda v, negative_slope=0.2: v if v >= 0 else negative_slope * v,
    "elu": _elu,
    "celu": lambda v, alpha=1.0: v if v > 0 else alpha * math.expm1(v / alpha),
    "selu": lambda v: SELU_SCALE * _elu(v, SELU_ALPHA),
    # gelu = v (1 + erf(v / sqrt 2)) / 2, or v (1 + tanh(u)) / 2 with u = sqrt(2 / pi) (v + 0.044715 v^3), both
    # written so that 1 + (-1 + tiny) does not cancel: 1 + erf(z) = erfc(-z) and (1 + tanh(u)) / 2 = sigmoid(2u)
    "gelu": lambda v, approximate=False: (
        v * _sigmoid(2 * math.sqrt(2 / math.pi) * (v + 0.044715 * v ** 3)) if approximate
        else 0.5 * v * math.erfc(-v / math.sqrt(2))),
    "silu": lambda v: v * _sigmoid(v),
    "hard_silu": lambda v: v * _hard_sigmoid(v),
    "hard_tanh": lambda v: min(max(v, -1.0), 1.0),
    "softplus": _softplus,
    "softsign": lambda v: v / (1 + abs(v)),
    "mish": lambda v: v * math.tanh(_softplus(v)),
    "exponential": math.exp,
    "squareplus": _squareplus,
    "sparse_plus": lambda v: 0.0 if v <= -1 else (v + 1) ** 2 / 4 if v < 1 else v,
    "sparse_sigmoid": lambda v: 0.0 if v <= -1 else 1.0 if v >= 1 else (v + 1) / 2,
    "hard_shrink": lambda v, threshold=0.5: v if abs(v) > threshold else 0.0,
    "soft_shrink": lambda v, threshold=0.5: v - threshold if v > threshold else v + threshold if v < -threshold
    else 0.0,
    "tanh_shrink": lambda v: v - math.tanh(v),
    "threshold": lambda v, threshold, default_value: v if v > threshold else default_value,
}


def elementwise_math(name, x, **kwargs):
    """The definition applied entry by entry, in float64."""
    x = np.asarray(x, dtype=np.float64)
    return np.array([MATH[name](float(v), **kwargs) for v in x.ravel()]).reshape(x.shape)


def _softmax_row(row):
    exps = [math.exp(v - max(row)) for v in row]
    return [e / math.fsum(exps) for e in exps]


def _log_softmax_row(row):
    log_total = max(row) + math.log(math.fsum(math.exp(v - max(row)) for v in row))
    return [v - log_total for v in row]


def _sparsemax_row(row, iterations=200):
    """The projection onto the simplex by its defining property: find tau with sum(max(row - tau, 0)) = 1 by bisection
    (the sum falls as tau grows; tau lies in [max - 1, max]). Independent of the sort-based formula under test."""
    low, high = max(row) - 1, max(row)
    for _ in range(iterations):
        tau = (low + high) / 2
        low, high = (tau, high) if sum(max(v - tau, 0.0) for v in row) > 1 else (low, tau)
    return [max(v - (low + high) / 2, 0.0) for v in row]


def axis_math(name, x, axis=-1):
    x = np.asarray(x, dtype=np.float64)
    if name == "glu":
        first, second = np.split(x, 2, axis=axis)
        return first * elementwise_math("sigmoid", second)
    row_function = {"softmax": _softmax_row, "log_softmax": _log_softmax_row, "sparsemax": _sparsemax_row}[name]
    return np.apply_along_axis(lambda row: np.array(row_function(list(row))), axis, x)


# ----------------------------------------------------------------------------------------------------------------
# The cases: ELEMENTWISE and AXIS_BASED (tests/helpers.py, shared with the second-order and property tests)
# ----------------------------------------------------------------------------------------------------------------
ALIASES = {"swish": "silu", "hard_swish": "hard_silu"}


def test_every_activation_is_tested():
    tested = {name for name, _, _ in ELEMENTWISE} | {name for name, _ in AXIS_BASED} | set(ALIASES)
    assert tested == set(activations.ALL_ACTIVATIONS)


# Points where every elementwise function is finite, except e^x at 1000 (which is inf)
POINTS = [-1000.0, -20.0, -3.3, -0.5, -1e-3, -1e-8, 0.0, 1e-8, 1e-3, 0.5, 3.3, 20.0, 1000.0]


def value_points(name, kinks):
    points = POINTS + [float(k) for k in kinks]  # the kinks themselves: which side an equality takes matters
    return [p for p in points if not (name == "exponential" and p > 700)]


# ----------------------------------------------------------------------------------------------------------------
# 1. Values against the definitions
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, kwargs, kinks", elementwise_cases())
def test_values_match_the_definition(name, kwargs, kinks):
    x = np.array(value_points(name, kinks))
    expected = elementwise_math(name, x, **kwargs)
    np.testing.assert_allclose(activations.get(name)(x, **kwargs).data, expected, rtol=1e-12, atol=1e-300)
    # float32: the definition at the float32-rounded inputs, to float32 precision (a few units in the last place)
    x32 = x.astype(np.float32)
    np.testing.assert_allclose(activations.get(name)(x32, **kwargs).data, elementwise_math(name, x32, **kwargs),
                               rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name, kwargs", axis_cases())
def test_axis_values_match_the_definition(name, kwargs, rng):
    x = np.concatenate([rng.normal(0, 2, (1, 4, 6)), [[[-1000, 1000, 0, 1e-8, -0.5, 3]] * 4]])  # shape (2, 4, 6)
    if name == "sparsemax":  # a row with several nonzero outputs, where Keras 3.15 goes wrong
        x[0, 0] = [1, 0.5, -3, 0.25, 0.8, 0]
    np.testing.assert_allclose(getattr(activations, name)(x, **kwargs).data, axis_math(name, x, **kwargs),
                               rtol=1e-12, atol=1e-15)
    x32 = x.astype(np.float32)
    np.testing.assert_allclose(getattr(activations, name)(x32, **kwargs).data, axis_math(name, x32, **kwargs),
                               rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------------------------------------------------
# 2. Gradients against finite differences, in float64
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, kwargs, kinks", elementwise_cases())
def test_gradient_matches_finite_differences(name, kwargs, kinks, rng):
    function = activations.get(name)
    vector = away_from([-30, -7.3, -2.2, -0.7, -0.23, -1e-3, 0.04, 0.37, 0.8, 2.1, 4.6, 6.9, 30], kinks)
    batch = away_from(rng.normal(0, 3, (3, 5)), kinks)
    if name == "exponential":  # e^30 ~ 1e13 in the summed output would swamp the finite differences of the others
        vector = vector[np.abs(vector) < 10]
    assert gradcheck(lambda t: function(t, **kwargs), vector)
    assert gradcheck(lambda t: function(t, **kwargs), batch)


@pytest.mark.parametrize("name, kwargs", axis_cases())
def test_axis_gradient_matches_finite_differences(name, kwargs, rng):
    function = getattr(activations, name)
    batch = rng.normal(0, 0.7, (2, 4, 6))  # small spread: sparsemax keeps several entries per row nonzero
    if name == "sparsemax":  # keep every entry away from the edge of the support, where sparsemax has a kink
        out = axis_math("sparsemax", batch, **kwargs)
        tau = np.max(batch - out, axis=kwargs.get("axis", -1), keepdims=True)  # x - out = tau on the support
        assert np.abs(batch - tau).min() > 1e-3 and np.mean(out > 0) > 0.3
    if not kwargs:  # a single vector, too
        assert gradcheck(lambda t: function(t), batch[0, 0])
    assert gradcheck(lambda t: function(t, **kwargs), batch)
    assert gradcheck(lambda t: function(t, **kwargs), batch[0])  # 2-d


def test_gradient_of_a_weighted_sum_uses_the_incoming_gradient(rng):
    """gradcheck sums the output; a weighted sum checks that each rule really multiplies by the incoming g."""
    x = rng.normal(0, 2, (3, 4))
    weights = rng.normal(0, 1, (3, 4))
    for name, kwargs, kinks in ELEMENTWISE:
        function = activations.get(name)
        assert gradcheck(lambda t, f=function, kwargs=kwargs: f(t, **kwargs) * weights, away_from(x, kinks)), name
    for name, kwargs in AXIS_BASED:
        if name != "glu":  # glu halves the axis, so its output does not fit the weights
            function = getattr(activations, name)
            assert gradcheck(lambda t, f=function, kwargs=kwargs: f(t, **kwargs) * weights, x), name


# ----------------------------------------------------------------------------------------------------------------
# 3. Stability and dtypes
# ----------------------------------------------------------------------------------------------------------------
SWEEP = np.concatenate([[-1000.0, 1000.0], np.linspace(-1e4, 1e4, 2000)])  # 2002 points: even, for glu


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, kwargs, kinks", elementwise_cases())
def test_stable_from_minus_to_plus_ten_thousand(name, kwargs, kinks, dtype):
    x = SWEEP.astype(dtype)
    if name == "exponential":  # e^x itself is inf past ~88.7 (float32) / ~709.8 (float64): only where it is finite
        x = x[x < np.log(np.finfo(dtype).max)]
    t = Tensor(x, requires_grad=True)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        out = activations.get(name)(t, **kwargs)
        out.sum().backward()
    assert out.dtype == dtype and t.grad.dtype == dtype
    assert np.all(np.isfinite(out.data)) and np.all(np.isfinite(t.grad))
    # below the smallest normal number (1e-38 in float32) a float keeps only absolute precision: 1e-46 rounds to 0
    np.testing.assert_allclose(out.data, elementwise_math(name, x, **kwargs),
                               rtol=1e-6 if dtype == np.float32 else 1e-12, atol=np.finfo(dtype).tiny)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, kwargs", axis_cases())
def test_axis_functions_stable_over_the_sweep(name, kwargs, dtype):
    x = SWEEP.astype(dtype).reshape(2, 1001)[:, :1000].reshape(2, 4, 250)
    t = Tensor(x, requires_grad=True)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        out = getattr(activations, name)(t, **kwargs)
        out.sum().backward()
    assert out.dtype == dtype and t.grad.dtype == dtype
    assert np.all(np.isfinite(out.data)) and np.all(np.isfinite(t.grad))


def test_stable_at_plus_minus_1000_with_exact_gradients():
    """The gradients the stable formulas give at +-1000, in float32, against their known limits."""
    x = Tensor(np.array([-1000.0, 1000.0], dtype=np.float32), requires_grad=True)
    expected = {"sigmoid": [0, 0], "softplus": [0, 1], "log_sigmoid": [1, 0], "silu": [0, 1], "gelu": [0, 1],
                "mish": [0, 1], "elu": [0, 1], "selu": [0, SELU_SCALE], "softsign": [1 / 1001 ** 2] * 2,
                "squareplus": [1e-6, 1]}  # squareplus'(-1000) = f/r ~ 0.001/1000
    for name, gradient in expected.items():
        x.grad = None
        activations.get(name)(x).sum().backward()
        np.testing.assert_allclose(x.grad, gradient, rtol=1e-3, atol=0, err_msg=name)
        assert x.grad.dtype == np.float32


def test_float32_constants_do_not_upcast_and_inputs_can_be_lists():
    assert activations.gelu(np.float32([1.0, -2.0])).dtype == np.float32
    assert activations.selu([1.0, -2.0]).dtype == np.float32  # lists become float32, Keras' floatx
    out = activations.relu([[-1, 2]])
    assert isinstance(out, Tensor) and out.data.tolist() == [[0.0, 2.0]]


# ----------------------------------------------------------------------------------------------------------------
# Properties a learner can read
# ----------------------------------------------------------------------------------------------------------------
def test_softmax_rows_sum_to_one_and_its_jacobian_rows_and_columns_sum_to_zero(rng):
    x = Tensor(rng.normal(0, 3, 5), requires_grad=True)
    y = activations.softmax(x)
    assert np.all(y.data > 0) and np.isclose(y.data.sum(), 1)
    jacobian = []  # row i: d y_i / d x, one backward pass per output with a one-hot incoming gradient
    for i in range(5):
        x.grad = None
        activations.softmax(x).backward(np.eye(5)[i])
        jacobian.append(x.grad)
    jacobian = np.array(jacobian)
    np.testing.assert_allclose(jacobian, np.diag(y.data) - np.outer(y.data, y.data), atol=1e-15)
    np.testing.assert_allclose(jacobian.sum(axis=1), 0, atol=1e-15)  # adding c to every x changes nothing
    np.testing.assert_allclose(jacobian.sum(axis=0), 0, atol=1e-15)  # the outputs always sum to 1


def test_softmax_of_a_batch_sums_to_one_along_the_axis(rng):
    x = rng.normal(0, 5, (3, 4, 5))
    for axis in (0, 1, 2, -1, (1, 2)):
        np.testing.assert_allclose(activations.softmax(x, axis=axis).data.sum(axis=axis), 1)


def test_softmax_over_an_axis_of_length_one_warns_that_it_is_always_one():
    with pytest.warns(UserWarning, match="always 1"):
        out = activations.softmax(np.zeros((13, 1)))
    assert np.all(out.data == 1)


def test_log_softmax_is_the_log_of_softmax(rng):
    x = rng.normal(0, 3, (4, 6))
    np.testing.assert_allclose(activations.log_softmax(x).data, np.log(activations.softmax(x).data), atol=1e-12)


def test_log_softmax_stays_finite_where_log_of_softmax_is_minus_infinity():
    with np.errstate(divide="ignore"):
        assert np.log(activations.softmax([0.0, -1000.0]).data)[1] == -np.inf
    np.testing.assert_allclose(activations.log_softmax([0.0, -1000.0]).data, [0.0, -1000.0])


def test_sparsemax_projects_onto_the_simplex(rng):
    np.testing.assert_allclose(activations.sparsemax([1.0, 0.5]).data, [0.75, 0.25])  # Keras 3.15 says [0.25, 0]
    np.testing.assert_allclose(activations.sparsemax([3.0, 1.0, -2.0]).data, [1.0, 0.0, 0.0])
    np.testing.assert_allclose(activations.sparsemax([2.0, 2.0, 2.0, 2.0]).data, 0.25)
    x = rng.normal(0, 1, (50, 8))
    y = activations.sparsemax(x).data
    np.testing.assert_allclose(y.sum(axis=-1), 1)
    assert np.all(y >= 0) and np.any(y == 0)  # exact zeros, unlike softmax
    np.testing.assert_allclose(activations.sparsemax(x + 10).data, y, atol=1e-12)  # like softmax, shift-invariant


def test_aliases_are_the_same_functions():
    assert activations.swish is activations.silu
    assert activations.hard_swish is activations.hard_silu
    for alias, name in ALIASES.items():
        assert activations.get(alias) is activations.get(name)


def test_glu_halves_the_axis_and_gates_the_first_half_with_the_second():
    out = activations.glu([-1.0, 0.0, 1.0, 1.0])  # Keras' docstring example: [-1 * sigmoid(1), 0 * sigmoid(1)]
    np.testing.assert_allclose(out.data, [-0.7310585786300049, 0.0], rtol=1e-6)
    assert activations.glu(np.zeros((4, 6)), axis=0).shape == (2, 6)


def test_relu_options_follow_keras_documented_examples():
    x = [-10.0, -5.0, 0.0, 5.0, 10.0]
    assert activations.relu(x).data.tolist() == [0, 0, 0, 5, 10]
    assert activations.relu(x, negative_slope=0.5).data.tolist() == [-5, -2.5, 0, 5, 10]
    assert activations.relu(x, max_value=5.0).data.tolist() == [0, 0, 0, 5, 5]
    assert activations.relu(x, threshold=5.0).data.tolist() == [0, 0, 0, 0, 10]


# ----------------------------------------------------------------------------------------------------------------
# Mistakes get clear errors
# ----------------------------------------------------------------------------------------------------------------
def test_get_accepts_names_none_and_callables():
    assert activations.get("relu") is activations.relu
    assert activations.get(None) is activations.linear
    square = lambda x: x * x  # noqa: E731
    assert activations.get(square) is square
    for name, function in activations.ALL_ACTIVATIONS.items():
        assert activations.get(name) is function


def test_get_rejects_an_unknown_name_listing_the_valid_ones():
    with pytest.raises(ValueError, match="'relu7'") as error:
        activations.get("relu7")
    assert ", ".join(sorted(activations.ALL_ACTIVATIONS)) in str(error.value)


def test_get_rejects_a_number_saying_what_it_accepts():
    with pytest.raises(ValueError, match=r"a name \(one of .*relu.*\), None \(for linear\) or a callable; got 42 of "
                                         r"type int"):
        activations.get(42)


def test_bad_parameters_are_reported():
    with pytest.raises(ValueError, match="length must be even; got shape"):
        activations.glu(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="axis 2 is out of range for a tensor of shape"):
        activations.glu(np.zeros((2, 4)), axis=2)
    with pytest.raises(ValueError, match="b must be > 0"):
        activations.squareplus([1.0], b=0)
    with pytest.raises(ValueError, match="alpha must be non-zero"):
        activations.celu([1.0], alpha=0)


# ----------------------------------------------------------------------------------------------------------------
# 4. Against real Keras 3 (reference values generated once, see tests/reference/make_keras_reference.py)
# ----------------------------------------------------------------------------------------------------------------
def keras_cases():
    return [pytest.param(case, id=f"{index}-{case_id(case['name'], case['kwargs'])}")
            for index, case in enumerate(KERAS["activations"])]


def definition(name, x, kwargs):
    if name in ("softmax", "log_softmax", "glu", "sparsemax"):
        return axis_math(name, x, **kwargs)
    return elementwise_math(ALIASES.get(name, name), x, **kwargs)


@pytest.mark.parametrize("case", keras_cases())
def test_matches_keras(case):
    x = np.array(case["x"], dtype=np.float32)
    ours = activations.get(case["name"])(x, **case["kwargs"])
    assert ours.dtype == np.float32
    keras_y = np.array(case["y"], dtype=np.float32)
    if "keras_wrong" not in case:
        np.testing.assert_allclose(ours.data, keras_y, rtol=1e-6, atol=1e-6)
        return
    # Keras 3.15 is known to be wrong here (the note in the JSON says how): we follow the definition, and check that
    # Keras' recorded values really are off, so this case cannot silently turn into an ordinary one.
    expected = definition(case["name"], x, case["kwargs"])
    np.testing.assert_allclose(ours.data, expected, rtol=1e-6, atol=1e-7)
    assert not np.allclose(keras_y, expected, rtol=1e-6, atol=1e-6)


def test_keras_reference_covers_every_activation():
    assert {case["name"] for case in KERAS["activations"]} == set(activations.ALL_ACTIVATIONS)


def test_lesson_reference_values_are_the_activations_applied_to_x():
    """The Keras lesson recorded in the JSON (for the Sequential tests) agrees with these functions."""
    x = np.arange(-3, 3.5, 0.5).astype(np.float32)
    expected = {"tanh": activations.tanh(x), "sigmoid": activations.sigmoid(x), "relu": activations.relu(x),
                "LeakyReLU(0.5": activations.leaky_relu(x, negative_slope=0.5),
                "softmax": activations.softmax(x.reshape(1, 1, 13)), "x**2": Tensor(x) ** 2}
    models = KERAS["lesson"]["models"]
    assert len(models) == len(expected)
    for model, (marker, values) in zip(models, expected.items(), strict=True):
        assert marker in model["model"]
        np.testing.assert_allclose(np.array(model["output"]).ravel(), values.data.ravel(), rtol=1e-6, atol=1e-7)


# Examples that pin behaviour mutation testing found unpinned
def test_relu_with_slope_one_is_the_identity():
    # negative_slope=1 makes the lower branch x too, so relu(x, negative_slope=1) = x: not the plain relu
    np.testing.assert_array_equal(activations.relu(Tensor([-2.0, 0.0, 3.0]), negative_slope=1.0).data, [-2, 0, 3])
    np.testing.assert_array_equal(activations.relu([-2.0, 3.0], negative_slope=1.0).data, [-2, 3])


def test_relu_of_a_tensor_with_only_a_threshold_is_zero_up_to_it():
    # threshold=1, slope 0: f(x) = x for x > 1, else 0 (x = 1 itself takes the lower branch)
    np.testing.assert_array_equal(activations.relu(Tensor([0.5, 1.0, 2.0]), threshold=1.0).data, [0, 0, 2])


def test_leaky_relu_has_slope_one_at_zero():
    # x >= 0 takes the identity branch, so the derivative at 0 is 1, not negative_slope
    x = Tensor([0.0], requires_grad=True)
    activations.leaky_relu(x, negative_slope=0.2).sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0])


def test_squareplus_at_zero_is_exactly_half_the_root_of_b():
    # f(0) = (0 + sqrt(b)) / 2: the x >= 0 form adds |x| = 0 to sqrt(b) (b / sqrt(b) would round differently)
    for b in (2.0, 3.0, 7.0):
        assert activations.squareplus(Tensor([0.0]), b=b).data[0] == math.sqrt(b) / 2


def test_sparse_plus_at_one_and_far_beyond():
    # x >= 1 is x itself, slope 1; the quadratic is clipped to [-1, 1], so (x + 1)^2 cannot overflow for huge x
    x = Tensor(np.array([1.0, 1e200, -1e200]), requires_grad=True)  # float64: 1e200 does not fit float32
    y = activations.sparse_plus(x)
    np.testing.assert_array_equal(y.data, [1.0, 1e200, 0.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0, 0.0])


@pytest.mark.parametrize("name", ["softplus", "squareplus", "softmax", "log_softmax", "sparsemax"])
def test_hand_written_activations_name_their_op(name):
    # the result remembers the op that made it: repr shows it as grad_fn, and draw_graph labels its node with it
    out = getattr(activations, name)(Tensor([[0.5, -1.0]], requires_grad=True))
    assert f"grad_fn={name}" in repr(out)


@pytest.mark.warning_location
def test_softmax_over_a_one_entry_axis_warns_at_the_callers_line():
    with pytest.warns(UserWarning, match="always 1") as record:
        activations.softmax(Tensor([[2.0], [3.0]]))
    assert record[0].filename == __file__  # stacklevel=2: the warning points at this call, not at activations.py


def test_sparsemax_gradient_of_float32_stays_float32():
    # [1, 0.5, -1]: support {0, 1}; dx = s * (g - mean of g on the support) = [1 - 1.5, 2 - 1.5, 0]
    x = Tensor(np.array([1.0, 0.5, -1.0], dtype=np.float32), requires_grad=True)
    (activations.sparsemax(x) * Tensor(np.array([1.0, 2.0, 3.0], dtype=np.float32))).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [-0.5, 0.5, 0.0])


def test_sparse_plus_at_one_is_on_its_linear_piece_to_second_order():
    # f'' is 1/2 on the quadratic (x + 1)^2 / 4 and 0 on the line; x = 1 belongs to the line (x >= 1)
    x = Tensor(np.array([-0.5, 1.0, 3.0]), requires_grad=True)
    activations.sparse_plus(x).sum().backward(create_graph=True)
    first = x.grad
    np.testing.assert_allclose(first.data, [(-0.5 + 1) / 2, 1.0, 1.0])
    x.grad = None
    first.sum().backward()
    np.testing.assert_array_equal(x.grad, [0.5, 0.0, 0.0])


def test_deserialize_looks_in_custom_objects_first_and_only_for_their_names():
    def my_act(x):
        return x * 2.0

    assert activations.deserialize("my_act", custom_objects={"my_act": my_act}) is my_act
    assert activations.deserialize("relu", custom_objects={"my_act": my_act}) is activations.relu
    assert activations.deserialize("tanh") is activations.tanh
    with pytest.raises(ValueError, match="serialize: .* is not one of the library's activations"):
        activations.serialize(my_act)


def test_a_numpy_function_that_is_no_tensor_op_is_refused_listing_the_unary_ones_that_are():
    with pytest.raises(TypeError, match="np.arccosh is not an op on Tensors") as caught:
        activations.get(np.arccosh)
    message = str(caught.value)
    assert "np.tanh" in message and "np.add" not in message and "np.isnan" not in message
