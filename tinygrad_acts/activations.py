"""Activation functions: every one that Keras 3 ships, with Keras' names, parameters and defaults.

Each takes a Tensor (or anything ``Tensor()`` accepts: numbers, lists, numpy arrays) and returns a Tensor of the
same dtype, so gradients flow through it. Most are a line or two composed from Tensor ops, so their gradients come
for free. A few state their own backward rule, each for a reason given in one line:

- ``softplus``, ``softmax``, ``log_softmax``: stable formulas with a one-line derivative (one graph node, no overflow);
- ``squareplus``: the cancellation-free form needs a branch, and its derivative is simply ``out / sqrt(x^2 + b)``;
- ``sparsemax``: a sort and a threshold, which no composition of Tensor ops can differentiate.

Their rules are written with numpy functions, which work on Tensors too, so every activation is twice
differentiable (``tensor.py`` explains how).

Where Keras 3.15 computes something other than the formula it documents, we follow the formula and say so in the
function's docstring (``sparsemax``, ``squareplus``, ``relu`` with a negative threshold and a ``max_value``).

``get(identifier)`` turns a name, None or a callable into an activation; ``ALL_ACTIVATIONS`` lists them all.
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from . import backend
from .engine.elementwise import where
from .engine.higher_order import UFUNCS
from .keywords import suggests_keywords
from .tensor import Tensor, record

TensorLike = Any  # a Tensor, or anything Tensor() accepts: a number, a (nested) list, a numpy array


def _tensor(x: TensorLike) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _parameter(function: str, name: str, value: Any) -> float:
    """A slope, threshold or scale as a Python float (which keeps a float32 tensor float32); a string, None or nan
    would otherwise fail deep inside numpy, or silently give nan."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{function}: {name} must be a number, got {value!r} of type {type(value).__name__}")
    if math.isnan(value):
        raise ValueError(f"{function}: {name} must be a number, got nan")
    return float(value)


_INV_SQRT_2 = 1 / math.sqrt(2)  # Python floats, not np.float64: they keep a float32 tensor float32
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)


# ----------------------------------------------------------------------------------------------------------------
# Identity, tanh, sigmoid, exponential
# ----------------------------------------------------------------------------------------------------------------
def linear(x: TensorLike) -> Tensor:
    """The identity, f(x) = x: the activation of a layer that has none."""
    return _tensor(x)


def tanh(x: TensorLike) -> Tensor:
    """tanh(x) = (e^x - e^-x) / (e^x + e^-x), in (-1, 1). f'(x) = 1 - tanh(x)^2."""
    return _tensor(x).tanh()


def sigmoid(x: TensorLike) -> Tensor:
    """sigmoid(x) = 1 / (1 + e^-x), in (0, 1). Stable at any x (see Tensor.sigmoid). f' = f (1 - f)."""
    return _tensor(x).sigmoid()


def exponential(x: TensorLike) -> Tensor:
    """f(x) = e^x. It overflows to inf past x ~ 88.7 in float32 (~709.8 in float64), as e^x itself does."""
    return _tensor(x).exp()


# ----------------------------------------------------------------------------------------------------------------
# The ReLU family: linear above a point, something flatter below it
# ----------------------------------------------------------------------------------------------------------------
def relu(x: TensorLike, negative_slope: float = 0.0, max_value: float | None = None,
         threshold: float = 0.0) -> Tensor:
    """Rectified linear unit, with Keras' three options:

        f(x) = min(x, max_value)                 for x > threshold
        f(x) = negative_slope * (x - threshold)  for x <= threshold

    With the defaults, f(x) = max(x, 0). As in Keras (``relu([5.], threshold=5.)`` is 0), x equal to the threshold
    takes the lower branch. Keras 3.15 also clips the upper branch at 0 when ``max_value`` is set, which matters only
    for a negative threshold (``relu(-0.5, threshold=-1, max_value=2)``: Keras 0, here -0.5, the formula's value).
    """
    if isinstance(x, Tensor) and negative_slope == 0 and max_value is None and threshold == 0:
        return x.relu()  # the usual call, first: a Dense layer's relu runs every step
    negative_slope = _parameter("relu", "negative_slope", negative_slope)
    threshold = _parameter("relu", "threshold", threshold)
    max_value = None if max_value is None else _parameter("relu", "max_value", max_value)
    x = _tensor(x)
    if negative_slope == 0 and max_value is None and threshold == 0:
        return x.relu()
    upper = x if max_value is None else x.clip(max=max_value)
    return where(x > threshold, upper, (x - threshold) * negative_slope)


def relu6(x: TensorLike) -> Tensor:
    """f(x) = min(max(x, 0), 6): ReLU capped at 6."""
    return _tensor(x).clip(0.0, 6.0)


def leaky_relu(x: TensorLike, negative_slope: float = 0.2) -> Tensor:
    """f(x) = x for x >= 0, negative_slope * x below. The function's default slope is Keras' 0.2 (the LeakyReLU
    layer's is 0.3)."""
    negative_slope = _parameter("leaky_relu", "negative_slope", negative_slope)
    x = _tensor(x)
    # where() rather than max(x, slope * x): that shortcut is wrong for a slope above 1
    return where(x >= 0, x, x * negative_slope)


def elu(x: TensorLike, alpha: float = 1.0) -> Tensor:
    """Exponential linear unit: f(x) = x for x > 0, alpha * (e^x - 1) for x <= 0.

    Computed as max(x, 0) + alpha * (e^min(x, 0) - 1): one of the two terms is always 0, and e^min(x, 0) cannot
    overflow (e^x of a large positive x would, even in a branch that where() throws away).
    """
    alpha = _parameter("elu", "alpha", alpha)
    x = _tensor(x)
    return x.relu() + alpha * x.clip(max=0.0).expm1()


def celu(x: TensorLike, alpha: float = 1.0) -> Tensor:
    """Continuously differentiable ELU: f(x) = x for x > 0, alpha * (e^(x / alpha) - 1) for x <= 0, computed like
    elu. Its slope at 0 is 1 from both sides, whatever alpha (elu's is alpha on the left)."""
    alpha = _parameter("celu", "alpha", alpha)
    if alpha == 0:
        raise ValueError("celu: alpha must be non-zero (it divides x), got alpha=0")
    x = _tensor(x)
    return x.relu() + alpha * (x.clip(max=0.0) / alpha).expm1()


_SELU_ALPHA = 1.6732632423543772848170429916717  # the constants of Klambauer et al. (2017), as Keras has them
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(x: TensorLike) -> Tensor:
    """Scaled ELU: f(x) = scale * elu(x, alpha), with alpha ~ 1.6733 and scale ~ 1.0507 chosen so that activations
    keep mean 0 and variance 1 through layers initialised with lecun_normal."""
    return _SELU_SCALE * elu(x, _SELU_ALPHA)


# ----------------------------------------------------------------------------------------------------------------
# Smooth ReLU-like functions
# ----------------------------------------------------------------------------------------------------------------
def softplus(x: TensorLike) -> Tensor:
    """softplus(x) = log(1 + e^x), a smooth ReLU. f'(x) = sigmoid(x) = e^x / (1 + e^x) = e^(x - softplus(x)).

    Hand-written for stability: e^x overflows past x ~ 88 (float32), so we use the equal form
    max(x, 0) + log(1 + e^-|x|), where e^-|x| <= 1 and log1p keeps its tiny values (np.logaddexp(0, x) gives the
    same numbers, about ten times slower). The derivative e^(x - softplus(x)) cannot overflow either: x <= softplus(x).
    """
    x = _tensor(x)
    data = x.data
    out = np.maximum(data, 0) + np.log1p(np.exp(-np.abs(data)))
    return record(out, (x,), lambda g, out, x: (g * np.exp(x - out),), "softplus")


def log_sigmoid(x: TensorLike) -> Tensor:
    """log(sigmoid(x)) = -softplus(-x); finite at any x (log(sigmoid(x)) itself gives log(0) = -inf for x << 0)."""
    return -softplus(-_tensor(x))


def softsign(x: TensorLike) -> Tensor:
    """f(x) = x / (1 + |x|), in (-1, 1) like tanh but approaching it polynomially."""
    x = _tensor(x)
    return x / (x.abs() + 1)


def silu(x: TensorLike) -> Tensor:
    """SiLU, also called swish: f(x) = x * sigmoid(x)."""
    x = _tensor(x)
    return x * x.sigmoid()


swish = silu  # Keras' other name for silu


def gelu(x: TensorLike, approximate: bool = False) -> Tensor:
    """Gaussian error linear unit: f(x) = x * Phi(x), Phi the standard normal CDF.

    approximate=False (Keras' default here): Phi(x) = (1 + erf(x / sqrt(2))) / 2, computed as erfc(-x / sqrt(2)) / 2
    so the far negative tail keeps its digits (erf and erfc are Tensor ops, so the gradient comes for free).

    approximate=True: Phi(x) ~ (1 + tanh(u)) / 2 with u = sqrt(2/pi) (x + 0.044715 x^3), computed as sigmoid(2u),
    which is the same number without the cancellation in 1 + tanh(u) for x << 0.
    """
    x = _tensor(x)
    if approximate:
        return x * ((x + 0.044715 * x ** 3) * (2 * _SQRT_2_OVER_PI)).sigmoid()
    return x * ((x * -_INV_SQRT_2).erfc() * 0.5)


def mish(x: TensorLike) -> Tensor:
    """f(x) = x * tanh(softplus(x)). Composed: softplus is stable, and tanh saturates without overflow."""
    x = _tensor(x)
    return x * softplus(x).tanh()


def squareplus(x: TensorLike, b: float = 4) -> Tensor:
    """f(x) = (x + sqrt(x^2 + b)) / 2, a smooth ReLU made of a square root (b > 0 sets the smoothness).

    For x < 0 the sum cancels (x + sqrt(x^2 + b) is two nearly equal numbers of opposite sign), so there we use the
    same value multiplied by (sqrt(x^2 + b) - x) / (sqrt(x^2 + b) - x):  f(x) = b / (2 (sqrt(x^2 + b) - x)).
    Both forms use r + |x| with r = sqrt(x^2 + b), a sum of positives. f'(x) = (1 + x / r) / 2 = f(x) / r.
    Keras 3.15 uses the first form everywhere: in float32 it is 0.7% off at x = -1000 and gives 0 at x = -10000
    (true 0.0001); we follow the formula. Hand-written for that branch and its one-line derivative.
    """
    b = _parameter("squareplus", "b", b)
    if not b > 0:
        raise ValueError(f"squareplus: b must be > 0 (b = 0 would be relu, b < 0 has no real root near 0), got b={b}")
    x = _tensor(x)
    data = x.data
    root = np.hypot(data, math.sqrt(b))  # sqrt(x^2 + b) without squaring x, so no overflow for huge x
    positive_sum = root + np.abs(data)
    out = np.where(data >= 0, positive_sum, b / positive_sum) * 0.5
    return record(out, (x,), lambda g, out, x: (g * out / np.hypot(x, math.sqrt(b)),), "squareplus")


# ----------------------------------------------------------------------------------------------------------------
# Piecewise-linear (and piecewise-quadratic) functions: cheap stand-ins for the smooth ones
# ----------------------------------------------------------------------------------------------------------------
def hard_sigmoid(x: TensorLike) -> Tensor:
    """f(x) = 0 for x <= -3, x / 6 + 1/2 in between, 1 for x >= 3; that is relu6(x + 3) / 6."""
    return (_tensor(x) + 3.0).clip(0.0, 6.0) * (1 / 6)


def hard_silu(x: TensorLike) -> Tensor:
    """Hard SiLU, also called hard swish: f(x) = x * hard_sigmoid(x) (0 below -3, x above 3)."""
    x = _tensor(x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu  # Keras' other name for hard_silu


def hard_tanh(x: TensorLike) -> Tensor:
    """f(x) = x clipped to [-1, 1]."""
    return _tensor(x).clip(-1.0, 1.0)


def sparse_plus(x: TensorLike) -> Tensor:
    """f(x) = 0 for x <= -1, (x + 1)^2 / 4 for -1 < x < 1, x for x >= 1: a ReLU with a quadratic knee."""
    x = _tensor(x)
    # clip the quadratic to its own interval: outside it is 0 or not picked, and (x + 1)^2 cannot overflow
    return where(x >= 1, x, (x.clip(-1.0, 1.0) + 1) ** 2 * 0.25)


def sparse_sigmoid(x: TensorLike) -> Tensor:
    """f(x) = 0 for x <= -1, (x + 1) / 2 for -1 < x < 1, 1 for x >= 1."""
    return ((_tensor(x) + 1) * 0.5).clip(0.0, 1.0)


def hard_shrink(x: TensorLike, threshold: float = 0.5) -> Tensor:
    """f(x) = x where |x| > threshold, else 0."""
    threshold = _parameter("hard_shrink", "threshold", threshold)
    x = _tensor(x)
    return where(x.abs() > threshold, x, 0.0)


def soft_shrink(x: TensorLike, threshold: float = 0.5) -> Tensor:
    """f(x) = x - threshold above threshold, x + threshold below -threshold, else 0; that is x - clip(x, -t, t)."""
    threshold = _parameter("soft_shrink", "threshold", threshold)
    x = _tensor(x)
    return x - x.clip(-threshold, threshold)


def tanh_shrink(x: TensorLike) -> Tensor:
    """f(x) = x - tanh(x)."""
    x = _tensor(x)
    return x - x.tanh()


def threshold(x: TensorLike, threshold: float, default_value: float) -> Tensor:
    """f(x) = x where x > threshold, else default_value. Both parameters are required, as in Keras."""
    threshold = _parameter("threshold", "threshold", threshold)
    default_value = _parameter("threshold", "default_value", default_value)
    x = _tensor(x)
    return where(x > threshold, x, default_value)


# ----------------------------------------------------------------------------------------------------------------
# Functions of a whole axis: softmax and its relatives
# ----------------------------------------------------------------------------------------------------------------
def _axis_length(x: Tensor, axis: int, function: str) -> int:
    """The length of ``axis``, after checking that it is an integer naming an axis of x."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{function}: axis must be an integer, got {axis!r}")
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"{function}: axis {axis} is out of range for a tensor of shape {x.shape}")
    return x.shape[axis]


def _check_distribution_axis(x: Tensor, axis: int | tuple[int, ...], function: str) -> None:
    """The axis (or axes) a probability distribution lives on: they must exist and hold at least one entry, since
    the outputs along them sum to 1."""
    for one_axis in axis if isinstance(axis, tuple) else (axis,):
        if _axis_length(x, one_axis, function) == 0:
            raise ValueError(f"{function}: axis {one_axis} of a tensor of shape {x.shape} is empty, so there are no "
                             f"entries to sum to 1")


@suggests_keywords
def softmax(x: TensorLike, axis: int | tuple[int, ...] = -1) -> Tensor:
    """softmax(x)_i = e^(x_i) / sum_j e^(x_j) along ``axis``: positive entries that sum to 1.

    Stable: we subtract the maximum first (softmax(x) = softmax(x - c) for any c), so no e^x overflows.
    Hand-written backward, the vector-Jacobian product in one line: dx = y * (g - sum(g * y)).
    """
    x = _tensor(x)
    _check_distribution_axis(x, axis, "softmax")
    if isinstance(axis, int) and x.shape[axis] == 1:
        warnings.warn(f"softmax over axis {axis} of a tensor of shape {x.shape}: that axis has one entry, so the "
                      f"result is always 1. Did you mean another axis (or a sigmoid)?",
                      stacklevel=3)  # the caller's line, past suggests_keywords
    exps = np.exp(x.data - x.data.max(axis=axis, keepdims=True))
    out = exps / exps.sum(axis=axis, keepdims=True)
    return record(out, (x,), lambda g, out, x: (out * (g - (g * out).sum(axis=axis, keepdims=True)),),
                     "softmax")


@suggests_keywords
def log_softmax(x: TensorLike, axis: int | tuple[int, ...] = -1) -> Tensor:
    """log_softmax(x)_i = x_i - log(sum_j e^(x_j)) along ``axis``.

    Stable: computed as (x - max) - log(sum e^(x - max)), never as log(softmax(x)), which is log(0) = -inf for an
    entry far below the maximum. Hand-written backward: dx = g - softmax(x) * sum(g).
    """
    x = _tensor(x)
    _check_distribution_axis(x, axis, "log_softmax")
    shifted = x.data - x.data.max(axis=axis, keepdims=True)
    out = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    return record(out, (x,), lambda g, out, x: (g - np.exp(out) * g.sum(axis=axis, keepdims=True),),
                     "log_softmax")


@suggests_keywords
def glu(x: TensorLike, axis: int = -1) -> Tensor:
    """Gated linear unit: split x in two halves a, b along ``axis`` and return a * sigmoid(b) (half the size)."""
    x = _tensor(x)
    length = _axis_length(x, axis, "glu")
    if length % 2:
        raise ValueError(f"glu splits axis {axis} in two halves, so its length must be even; got shape {x.shape}")
    first, second = [slice(None)] * x.ndim, [slice(None)] * x.ndim
    first[axis], second[axis] = slice(0, length // 2), slice(length // 2, length)
    return x[tuple(first)] * x[tuple(second)].sigmoid()


@suggests_keywords
def sparsemax(x: TensorLike, axis: int = -1) -> Tensor:
    """Sparsemax (Martins & Astudillo, 2016): the point of the probability simplex closest to x, along ``axis``.

        sparsemax(x)_i = max(x_i - tau, 0),  with tau such that the outputs sum to 1.

    Unlike softmax it gives exact zeros. To find tau, sort x descending (z_1 >= z_2 >= ...); the support is the
    largest k with 1 + k z_k > z_1 + ... + z_k, and tau = (z_1 + ... + z_k - 1) / k. Example: [1, 0.5] gives
    tau = 0.25 and [0.75, 0.25].
    Keras 3.15 sums the partial sums over the whole support instead of taking the k-th one, so it is wrong in
    general once two or more outputs are nonzero (it gives [0.25, 0] for [1, 0.5]; keras-team/keras issue 23425,
    fixed upstream after 3.15.1 by pull request 23469). We follow the paper.
    Hand-written backward: the Jacobian is diag(s) - s s^T / |S| on the support s, so dx = s * (g - mean_S(g)).
    """
    x = _tensor(x)
    data = x.data
    _check_distribution_axis(x, axis, "sparsemax")
    length = x.shape[axis]
    descending = np.flip(np.sort(data, axis=axis), axis=axis)
    partial_sums = np.cumsum(descending, axis=axis)
    shape = [1] * data.ndim
    shape[axis] = length
    k = np.arange(1, length + 1, dtype=data.dtype).reshape(shape)
    support_size = (1 + k * descending > partial_sums).sum(axis=axis, keepdims=True)  # at least 1: k = 1 always holds
    tau = (np.take_along_axis(partial_sums, support_size - 1, axis=axis) - 1) / support_size.astype(data.dtype)
    out = np.maximum(data - tau, 0)
    in_support = out > 0

    def backward(g, out, x):
        # at least 1: only a row holding nan has an empty support (its output is nan); 0/0 would only add a warning
        count = np.maximum(in_support.sum(axis=axis, keepdims=True), 1).astype(data.dtype)
        mean_on_support = (g * in_support).sum(axis=axis, keepdims=True) / count
        return (in_support * (g - mean_on_support),)

    return record(out, (x,), backward, "sparsemax")


# ----------------------------------------------------------------------------------------------------------------
# Looking an activation up by name, as Keras' activations.get does
# ----------------------------------------------------------------------------------------------------------------
ALL_ACTIVATIONS: dict[str, Callable[..., Tensor]] = {
    "linear": linear, "tanh": tanh, "sigmoid": sigmoid, "exponential": exponential,
    "relu": relu, "relu6": relu6, "leaky_relu": leaky_relu, "elu": elu, "celu": celu, "selu": selu,
    "softplus": softplus, "log_sigmoid": log_sigmoid, "softsign": softsign, "silu": silu, "swish": swish,
    "gelu": gelu, "mish": mish, "squareplus": squareplus,
    "hard_sigmoid": hard_sigmoid, "hard_silu": hard_silu, "hard_swish": hard_swish, "hard_tanh": hard_tanh,
    "sparse_plus": sparse_plus, "sparse_sigmoid": sparse_sigmoid,
    "hard_shrink": hard_shrink, "soft_shrink": soft_shrink, "tanh_shrink": tanh_shrink, "threshold": threshold,
    "softmax": softmax, "log_softmax": log_softmax, "glu": glu, "sparsemax": sparsemax,
}


def serialize(activation: Callable) -> str:
    """The name of one of our activations ('relu' for relu), as keras.activations.serialize gives it."""
    for name, function in ALL_ACTIVATIONS.items():
        if function is activation:
            return name
    raise ValueError(f"serialize: {activation!r} is not one of the library's activations, so it has no name; a "
                     f"config can hold only a name such as 'relu'")


def deserialize(name: str, custom_objects: dict[str, Callable] | None = None) -> Callable[..., Tensor]:
    """The activation called ``name`` (or ``custom_objects[name]``), as keras.activations.deserialize."""
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    return get(name)


def get(identifier: str | Callable | None) -> Callable[..., Tensor]:
    """The activation for a name (``"relu"``; also ``"ReLU"``: case and underscores do not matter), None (meaning
    linear) or a callable (returned unchanged)."""
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        return backend.lookup("activation", identifier, ALL_ACTIVATIONS, sorted(ALL_ACTIVATIONS))
    if isinstance(identifier, np.ufunc) and identifier not in UFUNCS:  # refused now, not at the first call
        unary = [f for f in UFUNCS if f.nin == 1 and "d->?" not in f.types]  # not isnan and the like
        supported = ", ".join(sorted(f"np.{f.__name__}" for f in unary))
        raise TypeError(f"np.{identifier.__name__} is not an op on Tensors, so it cannot be an activation: its "
                        f"gradient is unknown. Use a name such as 'tanh', a numpy function that is a Tensor op "
                        f"({supported}), a function of Tensors such as lambda x: x * x.sigmoid(), or make "
                        f"np.{identifier.__name__} an op with its derivative by tinygrad_acts.custom_op")
    if callable(identifier):
        return identifier
    raise ValueError(f"An activation must be a name (one of {', '.join(sorted(ALL_ACTIVATIONS))}), None (for "
                     f"linear) or a callable; got {identifier!r} of type {type(identifier).__name__}")
