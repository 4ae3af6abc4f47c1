"""keras.ops: the numpy-like functions custom layers and activations are written with, differentiable.

These are Keras 3's names and signatures over our Tensor ops: each is a one- or two-line wrapper, and a number or an
array given where a tensor is expected becomes a Tensor (taking the dtype of the Tensor beside it).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import activations, backend, creation
from .engine import elementwise, shapes
from .engine.elementwise import as_tensors
from .engine.extend import custom_op
from .keywords import suggests_keywords
from .special import sigmoid as stable_sigmoid
from .tensor import Tensor, record

TensorLike = Any  # a Tensor, or anything Tensor() accepts: a number, a (nested) list, a numpy array
Axis = int | tuple[int, ...] | None


def _tensor(x: TensorLike) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


# Making tensors
def array(x: TensorLike, dtype: Any = None) -> Tensor:
    """A new Tensor of x's values, a copy (float32 for Python numbers and lists, as Keras' floatx)."""
    values = x.data if isinstance(x, Tensor) else x
    return Tensor(values.copy() if isinstance(values, np.ndarray) else values, dtype=dtype)


def convert_to_tensor(x: TensorLike, dtype: Any = None) -> Tensor:
    """x itself if it is already a Tensor of that dtype (so gradients still reach it), else a Tensor made from it."""
    if isinstance(x, Tensor):
        return x if dtype is None or np.dtype(dtype) == x.dtype else cast(x, dtype)
    return Tensor(x, dtype=dtype)


def zeros(shape: int | Sequence[int], dtype: Any = None) -> Tensor:
    return creation.zeros(shape, dtype=dtype)


def ones(shape: int | Sequence[int], dtype: Any = None) -> Tensor:
    return creation.ones(shape, dtype=dtype)


def cast(x: TensorLike, dtype: Any) -> Tensor:
    """x in ``dtype``. Between float dtypes the gradient passes unchanged, cast back to x's dtype; a cast to or from
    integers or booleans gives a constant."""
    x = _tensor(x)
    if np.dtype(dtype).kind != "f" or x.dtype.kind != "f":
        return Tensor(x.data.astype(dtype), dtype=dtype)

    @custom_op(backward=_cast_gradient)
    def cast(data: np.ndarray) -> np.ndarray:  # named so the graph shows the op as 'cast'
        return data.astype(dtype)

    return cast(x)


def _cast_gradient(g: Any, out: Any, x: Any) -> tuple:
    """cast's backward rule: g unchanged, back in x's dtype (with cast itself in a recorded pass, so it
    differentiates again)."""
    return (cast(g, x.dtype) if isinstance(g, Tensor) else g.astype(x.dtype),)


def convert_to_numpy(x: TensorLike) -> np.ndarray:
    """A numpy array of x's values (a copy: changing it changes no Tensor), as keras.ops.convert_to_numpy."""
    return np.array(x.data if isinstance(x, Tensor) else x)


def shape(x: TensorLike) -> tuple[int, ...]:
    """The shape as a tuple of Python integers."""
    return tuple(int(n) for n in np.shape(x.data if isinstance(x, Tensor) else x))


# Arithmetic: numbers and arrays mix in, taking the dtype of the Tensor beside them
def add(x1: TensorLike, x2: TensorLike) -> Tensor:
    x1, x2 = as_tensors(x1, x2)
    return x1 + x2


def subtract(x1: TensorLike, x2: TensorLike) -> Tensor:
    x1, x2 = as_tensors(x1, x2)
    return x1 - x2


def multiply(x1: TensorLike, x2: TensorLike) -> Tensor:
    x1, x2 = as_tensors(x1, x2)
    return x1 * x2


def divide(x1: TensorLike, x2: TensorLike) -> Tensor:
    x1, x2 = as_tensors(x1, x2)
    return x1 / x2


def power(x1: TensorLike, x2: TensorLike) -> Tensor:
    x1, x2 = as_tensors(x1, x2)
    return x1**x2


def matmul(x1: TensorLike, x2: TensorLike) -> Tensor:
    """x1 @ x2, with numpy's rules for vectors and batches."""
    x1, x2 = as_tensors(x1, x2)
    return x1 @ x2


def dot(x1: TensorLike, x2: TensorLike) -> Tensor:
    """np.dot: a product for a scalar, x1 @ x2 when x2 has at most 2 axes, and otherwise the sum over x1's last axis
    and x2's second-to-last, the remaining axes of x1 then of x2 (done as one matmul on a reshaped x2)."""
    x1, x2 = as_tensors(x1, x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return x1 * x2
    if x2.ndim <= 2:
        return x1 @ x2
    order = (x2.ndim - 2,) + tuple(range(x2.ndim - 2)) + (x2.ndim - 1,)  # the summed axis first, then the rest
    flat = x2.transpose(order).reshape(x2.shape[-2], -1)
    return (x1 @ flat).reshape(x1.shape[:-1] + x2.shape[:-2] + x2.shape[-1:])


def maximum(x1: TensorLike, x2: TensorLike) -> Tensor:
    return elementwise.maximum(x1, x2)


def minimum(x1: TensorLike, x2: TensorLike) -> Tensor:
    return elementwise.minimum(x1, x2)


def where(condition: TensorLike, x1: TensorLike = None, x2: TensorLike = None) -> Tensor | tuple[Tensor, ...]:
    """x1 where condition holds, else x2. With neither given, the indices where condition holds, one integer
    Tensor per axis (np.nonzero), as in Keras."""
    if x1 is None and x2 is None:
        return tuple(Tensor(index, dtype=index.dtype) for index in np.nonzero(np.asarray(condition)))
    if x1 is None or x2 is None:
        raise ValueError(f"where: x1 and x2 must both be given or both be None, got x1={x1!r} and x2={x2!r}")
    return elementwise.where(condition, x1, x2)


def clip(x: TensorLike, x_min: Any, x_max: Any) -> Tensor:
    return _tensor(x).clip(x_min, x_max)


# Elementwise functions
def square(x: TensorLike) -> Tensor:
    x = _tensor(x)
    return x * x


def sqrt(x: TensorLike) -> Tensor:
    return _tensor(x).sqrt()


def exp(x: TensorLike) -> Tensor:
    return _tensor(x).exp()


def log(x: TensorLike) -> Tensor:
    return _tensor(x).log()


def abs(x: TensorLike) -> Tensor:
    return _tensor(x).abs()


absolute = abs  # Keras has both names


def sigmoid(x: TensorLike) -> Tensor:
    return activations.sigmoid(x)


def tanh(x: TensorLike) -> Tensor:
    return activations.tanh(x)


def relu(x: TensorLike) -> Tensor:
    return activations.relu(x)


@suggests_keywords
def softmax(x: TensorLike, axis: int = -1) -> Tensor:
    return activations.softmax(x, axis=axis)


# Reductions
@suggests_keywords
def sum(x: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return _tensor(x).sum(axis=axis, keepdims=keepdims)


@suggests_keywords
def mean(x: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return _tensor(x).mean(axis=axis, keepdims=keepdims)


@suggests_keywords
def max(x: TensorLike, axis: Axis = None, keepdims: bool = False, initial: Any = None) -> Tensor:
    """The largest entry along axis; with ``initial``, at least initial (numpy's and Keras' meaning)."""
    out = _tensor(x).max(axis=axis, keepdims=keepdims)
    return out if initial is None else elementwise.maximum(out, initial)


@suggests_keywords
def min(x: TensorLike, axis: Axis = None, keepdims: bool = False, initial: Any = None) -> Tensor:
    out = _tensor(x).min(axis=axis, keepdims=keepdims)
    return out if initial is None else elementwise.minimum(out, initial)


@suggests_keywords
def logsumexp(x: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    return _tensor(x).logsumexp(axis=axis, keepdims=keepdims)


# Shapes
def reshape(x: TensorLike, newshape: int | Sequence[int]) -> Tensor:
    return _tensor(x).reshape(newshape)


def transpose(x: TensorLike, axes: Sequence[int] | None = None) -> Tensor:
    """Axes reversed, or put in the order ``axes`` gives."""
    return _tensor(x).transpose(*(() if axes is None else (tuple(axes),)))


@suggests_keywords
def expand_dims(x: TensorLike, axis: int | tuple[int, ...]) -> Tensor:
    return _tensor(x).expand_dims(axis)


@suggests_keywords
def squeeze(x: TensorLike, axis: Axis = None) -> Tensor:
    return _tensor(x).squeeze(axis)


@suggests_keywords
def concatenate(xs: Sequence[TensorLike], axis: int = 0) -> Tensor:
    return shapes.concatenate(xs, axis=axis)


@suggests_keywords
def stack(x: Sequence[TensorLike], axis: int = 0) -> Tensor:
    return shapes.stack(x, axis=axis)


# Indices: integers, with no gradient (as comparisons)
@suggests_keywords
def argmax(x: TensorLike, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """The index of the largest entry along ``axis`` (of the flattened tensor for None), as an int Tensor."""
    return _index(np.argmax, x, axis, keepdims)


@suggests_keywords
def argmin(x: TensorLike, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """The index of the smallest entry along ``axis``; see argmax."""
    return _index(np.argmin, x, axis, keepdims)


def _index(find: Any, x: TensorLike, axis: int | None, keepdims: bool) -> Tensor:
    data = x.data if isinstance(x, Tensor) else np.asarray(x)
    return Tensor(np.asarray(find(data, axis=axis, keepdims=keepdims), dtype=np.int32), dtype=np.int32)


# Comparisons and logic: boolean Tensors, with no gradient (cast them to float to count: ops.cast(x > 0, "float32"))
def _data(x: TensorLike) -> np.ndarray:
    """An array, also for a list (tensor._data leaves lists as they are: [1, 2] == [1, 3] is one False)."""
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def _boolean(values: np.ndarray) -> Tensor:
    return Tensor(np.asarray(values, dtype=bool), dtype=bool)


def equal(x1: TensorLike, x2: TensorLike) -> Tensor:
    return _boolean(_data(x1) == _data(x2))


def not_equal(x1: TensorLike, x2: TensorLike) -> Tensor:
    return _boolean(_data(x1) != _data(x2))


def greater(x1: TensorLike, x2: TensorLike) -> Tensor:
    return _boolean(_data(x1) > _data(x2))


def greater_equal(x1: TensorLike, x2: TensorLike) -> Tensor:
    return _boolean(_data(x1) >= _data(x2))


def less(x1: TensorLike, x2: TensorLike) -> Tensor:
    return _boolean(_data(x1) < _data(x2))


def less_equal(x1: TensorLike, x2: TensorLike) -> Tensor:
    return _boolean(_data(x1) <= _data(x2))


def logical_and(x1: TensorLike, x2: TensorLike) -> Tensor:
    return _boolean(np.logical_and(_data(x1), _data(x2)))


def logical_or(x1: TensorLike, x2: TensorLike) -> Tensor:
    return _boolean(np.logical_or(_data(x1), _data(x2)))


def logical_not(x: TensorLike) -> Tensor:
    return _boolean(np.logical_not(_data(x)))


def divide_no_nan(x1: TensorLike, x2: TensorLike) -> Tensor:
    """x1 / x2, and 0 where x2 is 0 (its gradient there is 0 too), as keras.ops.divide_no_nan."""
    x1, x2 = as_tensors(x1, x2)
    zero = x2.data == 0
    if not zero.any():
        return x1 / x2
    safe = elementwise.where(zero, 1.0, x2)  # no division by 0, so no inf * 0 in the gradient either
    return elementwise.where(zero, 0.0, x1 / safe)


# Losses and one-hot, as keras.ops has them (keras/src/ops/nn.py): a loss per entry (binary) or per distribution along
# ``axis`` (categorical), no mean over the batch; ``target`` first. Both arguments get gradients, as in Keras.
def _same_shape(function: str, target: Tensor, output: Tensor) -> None:
    if target.shape != output.shape:
        raise ValueError(f"ops.{function}: target and output must have the same shape, got target of shape "
                         f"{target.shape} and output of shape {output.shape}")


def _float_output(function: str, output: TensorLike) -> Tensor:
    output = _tensor(output)
    if output.dtype.kind != "f":
        raise TypeError(f"ops.{function}: output must hold floating-point numbers (probabilities, or logits with "
                        f"from_logits=True), got dtype {output.dtype}")
    return output


@suggests_keywords
def binary_crossentropy(target: TensorLike, output: TensorLike, from_logits: bool = False) -> Tensor:
    """``-(t log p + (1 - t) log(1 - p))`` entry by entry, with p = output clipped into [epsilon, 1 - epsilon]
    (epsilon = 1e-7, as Keras), or p = sigmoid(output) when ``from_logits``, computed as
    ``max(z, 0) - z t + log(1 + e^-|z|)``: exact for any logit z (a logit of 1000 for the wrong class costs 1000).
    target and output have the same shape; a target that is not a Tensor takes output's dtype."""
    output = _float_output("binary_crossentropy", output)
    target, output = as_tensors(target, output)
    _same_shape("binary_crossentropy", target, output)
    if from_logits:
        return _sigmoid_crossentropy_with_logits(target, output)
    eps = backend.epsilon()
    p = output.clip(eps, 1 - eps)
    return -(target * p.log() + (1 - target) * (1 - p).log())


def _sigmoid_crossentropy_with_logits(target: Tensor, logits: Tensor) -> Tensor:
    """The stable form, with its gradients by hand (d/dz = sigmoid(z) - t, d/dt = -z): composing max and |z| would
    put a kink at z = 0 that autodiff does not see cancel, and softplus(z) - z t loses the tiny losses of confident
    right answers (e^-30) to rounding."""
    t, z = target.data, logits.data
    out = np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))
    return record(out, (target, logits), lambda g, out, t, z: (-g * z, g * (stable_sigmoid(z) - t)),
                  "binary_crossentropy_with_logits")


@suggests_keywords
def categorical_crossentropy(target: TensorLike, output: TensorLike, from_logits: bool = False,
                             axis: int = -1) -> Tensor:
    """``-sum_k t_k log p_k`` along ``axis`` (the classes), with p = output rescaled to sum to 1 and clipped into
    [epsilon, 1 - epsilon], or ``log p = log_softmax(output)`` when ``from_logits``. target (one-hot, or a
    distribution) and output have the same shape; the result has output's shape without ``axis``. An all-zero row
    of probabilities costs -log(epsilon) (Keras gives nan, 0 / 0), as in losses.categorical_crossentropy."""
    output = _float_output("categorical_crossentropy", output)
    target, output = as_tensors(target, output)
    _same_shape("categorical_crossentropy", target, output)
    if output.ndim == 0:
        raise ValueError("ops.categorical_crossentropy: target and output need a class axis, got single numbers")
    if from_logits:
        log_p = activations.log_softmax(output, axis=axis)
    else:
        total = output.sum(axis=axis, keepdims=True)
        total = elementwise.where(total.data > 0, total, 1.0)  # an all-zero row would be 0 / 0
        eps = backend.epsilon()
        log_p = (output / total).clip(eps, 1 - eps).log()
    return -(target * log_p).sum(axis=axis)


@suggests_keywords
def sparse_categorical_crossentropy(target: TensorLike, output: TensorLike, from_logits: bool = False,
                                    axis: int = -1) -> Tensor:
    """categorical_crossentropy with integer class ids as the target: ``-log p[target]``, the classes along
    ``axis`` of output. target has output's shape without that axis (or with it of size 1); its ids are whole numbers
    in [0, classes) (Keras truncates 1.5 to 1, and fails deep in the backend on an id out of range)."""
    output = _float_output("sparse_categorical_crossentropy", output)
    if output.ndim == 0:
        raise ValueError("ops.sparse_categorical_crossentropy: output needs a class axis, got a single number")
    class_axis = _axis(output.ndim, axis, "sparse_categorical_crossentropy")
    classes = output.shape[class_axis]
    ids = _data(target)
    if ids.ndim == output.ndim and ids.shape[class_axis] == 1:  # a class axis of 1: the ids as a column, as in Keras
        ids = np.squeeze(ids, axis=class_axis)
    expected = output.shape[:class_axis] + output.shape[class_axis + 1:]
    if ids.shape != expected:
        raise ValueError(f"ops.sparse_categorical_crossentropy: target must have output's shape without axis {axis}, "
                         f"{expected}, got target of shape {ids.shape} for output of shape {output.shape}")
    ids = _class_ids("sparse_categorical_crossentropy", ids, classes, negative_ok=False)
    return categorical_crossentropy(one_hot(ids, classes, axis=axis, dtype=output.dtype), output, from_logits, axis)


def _axis(ndim: int, axis: Any, function: str) -> int:
    """axis as a number in [0, ndim), or an error naming it."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or not -ndim <= axis < ndim:
        raise ValueError(f"ops.{function}: axis must be an integer in [{-ndim}, {ndim}) for {ndim} axes, got "
                         f"axis={axis!r}")
    return int(axis) % ndim


def _class_ids(function: str, x: np.ndarray, classes: int, negative_ok: bool) -> np.ndarray:
    """Whole numbers below ``classes`` (and >= 0 unless ``negative_ok``) as integers, or an error naming one."""
    if x.dtype.kind not in "biuf":
        raise TypeError(f"ops.{function}: expects integer class ids, got an array of dtype {x.dtype}")
    if x.dtype.kind == "f":
        whole = np.isfinite(x) & (x == np.round(x))
        if not whole.all():
            raise ValueError(f"ops.{function}: class ids must be whole numbers, got {x[~whole].flat[0].item()!r}")
    outside = (x >= classes) if negative_ok else (x >= classes) | (x < 0)
    if outside.any():
        bad = x[outside].flat[0].item()
        expected = f"below num_classes={classes} (a negative id gives a row of zeros)" if negative_ok else \
            f"in [0, {classes}) for {classes} classes"
        raise ValueError(f"ops.{function}: class ids must be {expected}, got {int(bad)}")
    return x.astype(np.intp)


@suggests_keywords
def one_hot(x: TensorLike, num_classes: int, axis: int = -1, dtype: Any = None, sparse: bool = False) -> Tensor:
    """Class ids as one-hot vectors: ``one_hot([1, 0], 3)`` is [[0, 1, 0], [1, 0, 0]], in ``dtype`` (default
    floatx, float32), the new axis of ``num_classes`` entries put at ``axis`` of the result. A negative id gives a
    row of zeros, as in every Keras backend; an id >= num_classes is an error (Keras' torch backend fails too;
    TensorFlow gives zeros). A constant: ids have no gradient."""
    if sparse:
        raise ValueError("ops.one_hot: sparse=True is not supported (nor by Keras' torch and numpy backends); leave "
                         "it out for a dense Tensor")
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
        raise ValueError(f"ops.one_hot: num_classes must be an integer >= 1, got {num_classes!r}")
    ids = _class_ids("one_hot", _data(x), int(num_classes), negative_ok=True)
    position = _axis(ids.ndim + 1, axis, "one_hot")
    encoded = ids[..., None] == np.arange(num_classes)  # a negative id matches no class
    dtype = np.dtype(dtype or backend.floatx())
    return Tensor(np.moveaxis(encoded, -1, position).astype(dtype), dtype=dtype)
