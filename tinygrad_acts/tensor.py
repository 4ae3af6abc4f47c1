"""The Tensor and its reverse-mode autodiff engine.

Read this file top to bottom; it is the whole idea of backpropagation.

1. A ``Tensor`` wraps a numpy array (``data``). A tensor computed by an op also remembers its ``_parents`` and a
   ``_backward`` rule: given the gradient ``g`` of the final result with respect to this tensor, the op's output and
   its inputs, the rule returns the gradient with respect to each input (the vector-Jacobian product, "VJP").
2. Every op below computes its numpy result and states that rule next to it, in a line or two.
3. ``backward()`` walks the recorded graph once, newest tensor first, sums the gradients that reach each tensor,
   and reduces a broadcast gradient back to its input's shape. That bookkeeping lives there and nowhere else.
4. The backward pass is a computation too. Normally a rule receives numpy arrays and returns numpy arrays. With
   ``backward(create_graph=True)`` the engine hands the same rule Tensors instead, so ``g * (1 - out * out)`` is
   recorded like any forward computation, and the gradient can itself be differentiated. numpy functions such as
   ``np.exp`` work on Tensors (``Tensor.__array_ufunc__``), which is what lets one rule serve both cases.

Nothing is recorded when no input requires a gradient, or inside ``with no_grad():``.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import heapq
import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import special

_grad_enabled = contextvars.ContextVar("grad_enabled", default=True)  # per thread and per task, so no_grad nests safely
_creation_counter = itertools.count()  # an op's result is always newer than its inputs: this number orders the graph


@contextlib.contextmanager
def no_grad():
    """Inside ``with no_grad():`` (or a function decorated with ``@no_grad()``) no graph is recorded."""
    token = _grad_enabled.set(False)
    try:
        yield
    finally:
        _grad_enabled.reset(token)


def is_grad_enabled() -> bool:
    return _grad_enabled.get()


def _as_array(data: Any, dtype: Any = None) -> np.ndarray:
    """Tensor data as an array: Python numbers, lists and integers become float32 (Keras' floatx);
    float arrays keep their precision (gradient checks need float64); an explicit dtype wins."""
    if isinstance(data, Tensor):
        data = data.data
    try:
        array = np.asarray(data)
    except ValueError as error:  # e.g. a ragged list
        raise ValueError(f"Tensor data must be a rectangular array of numbers: {error}") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"Tensor data must be numbers, got {type(data).__name__} (numpy dtype {array.dtype})")
    if dtype is not None:
        if np.dtype(dtype).kind not in "biuf":
            raise TypeError(f"Tensor dtype must be a number type such as 'float32', got {np.dtype(dtype)}")
        return array.astype(dtype, copy=False)
    if array.dtype.kind == "f" and isinstance(data, (np.ndarray, np.generic)):
        return array
    return array.astype(np.float32)


# ----------------------------------------------------------------------------------------------------------------
# Helpers the backward rules share. Each works on numpy arrays (the usual backward pass) and on Tensors (a
# backward pass that is recorded, for gradients of gradients), so a rule is written once.
# ----------------------------------------------------------------------------------------------------------------
def _unbroadcast(grad: Any, shape: tuple) -> Any:
    """Sum a gradient that numpy broadcast up to a bigger shape back down to ``shape``:
    over the leading axes broadcasting added, and over the axes that were 1 in the input."""
    if grad.ndim > len(shape):
        grad = grad.sum(axis=tuple(range(grad.ndim - len(shape))))
    if grad.shape != shape:
        grad = grad.sum(axis=tuple(axis for axis, size in enumerate(shape) if size == 1), keepdims=True)
    return grad


def _broadcasting(ufunc: Callable, a: np.ndarray, b: np.ndarray, op: str) -> np.ndarray:
    """Apply a numpy binary function, turning numpy's broadcast error into one that names the op and both shapes."""
    try:
        return ufunc(a, b)
    except ValueError:
        raise ValueError(f"{op}: shapes {a.shape} and {b.shape} cannot be broadcast together") from None


def _expand_reduced(grad: Any, shape: tuple, axis: Any, keepdims: bool) -> Any:
    """The gradient of a reduction, spread back over the axes it reduced."""
    if isinstance(grad, Tensor):  # a recorded backward pass: the same two steps, as ops
        if axis is not None and not keepdims:
            reduced = {a % len(shape) for a in (axis if isinstance(axis, tuple) else (axis,))}
            grad = grad.reshape(tuple(1 if i in reduced else size for i, size in enumerate(shape)))
        return grad.broadcast_to(shape)
    if axis is not None and not keepdims:
        grad = np.expand_dims(grad, axis)
    expanded = np.empty(shape, dtype=grad.dtype)  # faster than np.broadcast_to for small arrays, and writable
    expanded[...] = grad
    return expanded


def _where(condition: np.ndarray, x: Any, y: Any) -> Any:
    """np.where for a rule: a Tensor when x or y is one (a recorded backward pass), else a numpy array."""
    if isinstance(x, Tensor) or isinstance(y, Tensor):
        return where(condition, x, y)
    return np.where(condition, x, y)


def _scatter(grad: Any, index: Any, shape: tuple) -> Any:
    """The gradient of ``x[index]``: ``grad`` added into zeros of x's shape at ``index`` (twice where the index
    picks an entry twice: np.add.at, not ``zeros[index] = grad``). Its own gradient is indexing again."""
    if isinstance(grad, Tensor):
        return grad._child(_scatter(grad.data, index, shape), (grad,), lambda g, out, _: (g[index],), "scatter")
    out = np.zeros(shape, dtype=grad.dtype)
    np.add.at(out, index, grad)
    return out


def _axis(axis: Any, ndim: int, op: str, shape: tuple) -> int:
    """One axis, checked and counted from 0 (-1 is the last of ``ndim`` axes)."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{op}: axis must be an integer, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{op}: axis {axis} is out of range for a tensor of shape {shape}")
    return int(axis) % ndim


def _axes(axis: Any, ndim: int, op: str, shape: tuple) -> tuple[int, ...]:
    """``axis`` as numpy takes it (None for every axis, one integer, or a tuple of them), as a checked tuple."""
    if axis is None:
        return tuple(range(ndim))
    axes = tuple(_axis(a, ndim, op, shape) for a in (axis if isinstance(axis, (tuple, list)) else (axis,)))
    if len(set(axes)) < len(axes):
        raise ValueError(f"{op}: axis {axis} names the same axis twice")
    return axes


class Tensor:
    """An n-d array that remembers how it was computed, so gradients can flow back through it.

    >>> x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad            # d/dx sum(x^2) = 2x
    array([[2., 4.],
           [6., 8.]], dtype=float32)

    Integer and boolean tensors exist only with an explicit ``dtype=`` (otherwise numbers become float32). They are
    constants: they cannot require grad, and an op computes on them what numpy computes (numpy's type rules are the
    defined cast): shape ops, sum, prod, cumsum and max keep the integer dtype; exp, mean, var, logsumexp give
    float64; float32 mixed with int64 gives float64, and the float tensor's gradient comes back in its own dtype.
    """

    __slots__ = ("data", "grad", "requires_grad", "name", "_parents", "_backward", "_op", "_order",
                 "_retains_grad", "__weakref__")
    __hash__ = object.__hash__  # hashable by identity, although == compares values

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None, name: str | None = None):
        self.data = _as_array(data, dtype)
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(f"only floating-point tensors can require grad, got dtype {self.data.dtype}")
        self.grad: Any = None  # a numpy array; a Tensor after backward(create_graph=True)
        self.requires_grad = bool(requires_grad)
        self.name = name
        self._parents: tuple[Tensor, ...] = ()
        self._backward: Callable | None = None
        self._op: str | None = None
        self._order = next(_creation_counter)
        self._retains_grad = False

    def _child(self, data: np.ndarray, parents: tuple[Tensor, ...], backward: Callable, op: str) -> Tensor:
        """The result of an op. It keeps its parents and backward rule only if a gradient can flow through it.

        ``backward(g, out, *inputs)`` returns one gradient per parent (None where a parent needs none). ``out`` and
        ``inputs`` are the op's output and inputs: numpy arrays in a plain backward pass, the Tensors themselves in
        a recorded one (``create_graph=True``)."""
        out = Tensor.__new__(Tensor)  # skip __init__'s checks: data is already a fresh numpy result
        out.data = data if type(data) is np.ndarray else np.asarray(data)  # numpy returns scalars for 0-d results
        out.grad = None
        out.name = None
        out._order = next(_creation_counter)
        out._retains_grad = False
        if _grad_enabled.get():
            for parent in parents:
                if parent.requires_grad:
                    out.requires_grad, out._parents, out._backward, out._op = True, parents, backward, op
                    return out
        out.requires_grad, out._parents, out._backward, out._op = False, (), None, None
        return out

    def _lift(self, other: Any) -> Tensor:
        """A constant operand becomes a Tensor of our dtype (as in PyTorch: float32 stays float32)."""
        return other if isinstance(other, Tensor) else Tensor(other, dtype=self.data.dtype)

    # ----------------------------------------------------------------------------------------------------------
    # The engine
    # ----------------------------------------------------------------------------------------------------------
    def backward(self, grad: Any = None, create_graph: bool = False) -> None:
        """Reverse mode: add d(self)/d(leaf) into ``leaf.grad`` for every leaf that requires grad.

        Gradients accumulate, as in PyTorch: calling backward twice adds both results; clear them with
        ``t.grad = None`` (or an optimizer's ``zero_grad``). Intermediate results keep no ``.grad`` unless
        ``retain_grad()`` was called on them.

        ``create_graph=True`` records the backward pass itself: each ``.grad`` is then a Tensor, computed from the
        inputs by recorded ops, so it can be differentiated again (``x.grad.sum().backward()``), as in PyTorch.
        """
        _backpropagate(self, grad, create_graph, Tensor._store_recorded_grad if create_graph else Tensor._store_grad)

    def _store_grad(self, grad: np.ndarray, shared: bool = True) -> None:
        """Add into .grad, which never shares memory with another array: a gradient that may be shared (passed
        straight through by add or sub, or a view such as reshape's) is copied; one made for us alone is kept."""
        if self.grad is not None:
            grad = np.asarray(self.grad + grad)  # a new array (asarray: numpy answers 0-d arithmetic with a scalar)
        elif shared or type(grad) is not np.ndarray or grad.base is not None:
            grad = np.array(grad)
        if grad.dtype != self.data.dtype:
            if grad.dtype.kind != "f":
                raise RuntimeError(f"a backward rule handed a tensor of dtype {self.dtype} a gradient of dtype "
                                   f"{grad.dtype}; gradients are floating-point arrays")
            grad = grad.astype(self.data.dtype)
        self.grad = grad

    def _store_recorded_grad(self, grad: Tensor, shared: bool = True) -> None:
        """Add into .grad in a recorded backward pass: a Tensor, with the graph that computed it."""
        self.grad = grad if self.grad is None else self.grad + grad

    def retain_grad(self) -> Tensor:
        """Keep this intermediate tensor's gradient in ``.grad`` on the next backward (for inspection and drawing)."""
        self._retains_grad = True
        return self

    # ----------------------------------------------------------------------------------------------------------
    # Arithmetic: each op is its numpy result plus its local derivative
    # ----------------------------------------------------------------------------------------------------------
    def __add__(self, other: Any) -> Tensor:
        other = self._lift(other)
        out = _broadcasting(np.add, self.data, other.data, "add")
        return self._child(out, (self, other), lambda g, out, a, b: (g, g), "add")

    def __mul__(self, other: Any) -> Tensor:
        other = self._lift(other)
        out = _broadcasting(np.multiply, self.data, other.data, "mul")
        return self._child(out, (self, other), lambda g, out, a, b: (g * b, g * a), "mul")

    def __neg__(self) -> Tensor:
        return self._child(-self.data, (self,), lambda g, out, x: (-g,), "neg")

    def __sub__(self, other: Any) -> Tensor:  # a primitive rather than a + (-b): one node instead of two
        other = self._lift(other)
        out = _broadcasting(np.subtract, self.data, other.data, "sub")
        return self._child(out, (self, other), lambda g, out, a, b: (g, -g if other.requires_grad else None), "sub")

    def __truediv__(self, other: Any) -> Tensor:
        """a / b. d/da = 1/b, d/db = -a/b^2, computed as -(a/b)/b: b^2 (or b^-1) alone can overflow where the
        quotient and its gradient do not (b = 1e-20 in float32)."""
        other = self._lift(other)
        out = _broadcasting(np.divide, self.data, other.data, "div")
        return self._child(out, (self, other),
                           lambda g, out, a, b: (g / b, -(g * out) / b if other.requires_grad else None), "div")

    def __pow__(self, exponent: Any) -> Tensor:
        """x ** c for a constant c: d/dx = c x^(c-1). For a tensor exponent y also d/dy = x^y log(x).

        c x^(c-1) is 0 * inf at x = 0 for c = 0, so there we use x^0 (the derivative of the constant 1 is 0).
        x^y is differentiable in y only where x > 0; at x = 0 it is constant in y (0 for y > 0, inf for y < 0), so
        d/dy is 0 there, and we give 0 for x < 0 too, where x^y is real only at whole numbers y."""
        if not isinstance(exponent, Tensor):
            c = _as_array(exponent, self.data.dtype)
            out = _broadcasting(np.power, self.data, c, "pow")
            return self._child(out, (self,), lambda g, out, x: (g * c * x ** (c - (c != 0)),), "pow")
        out = _broadcasting(np.power, self.data, exponent.data, "pow")

        def backward(g, out, x, y):
            positive = x > 0
            d_dy = _where(positive, out, 0) * np.log(_where(positive, x, 1))
            return (g * y * x ** (y - (y != 0)) if self.requires_grad else None), g * d_dy

        return self._child(out, (self, exponent), backward, "pow")

    def __radd__(self, other: Any) -> Tensor:
        return self + other

    def __rmul__(self, other: Any) -> Tensor:
        return self * other

    def __rsub__(self, other: Any) -> Tensor:
        return self._lift(other) - self

    def __rtruediv__(self, other: Any) -> Tensor:
        return self._lift(other) / self

    def __rpow__(self, other: Any) -> Tensor:
        return self._lift(other) ** self

    def __matmul__(self, other: Any) -> Tensor:
        """a @ b, with numpy's rules for vectors and batches. d/da = g @ b^T, d/db = a^T @ g."""
        other = self._lift(other)
        try:
            out = np.matmul(self.data, other.data)
        except ValueError:
            a, b = self.data, other.data
            raise ValueError(f"matmul: shapes {a.shape} and {b.shape} are not aligned (the last axis of the first, "
                             f"{a.shape[-1:]}, must equal the second-to-last of the second, "
                             f"{b.shape[-2:-1] or b.shape})") from None

        def backward(g, out, a, b):
            # skip the product nobody needs: usually the gradient of the data batch, which is as costly as the kernel's
            if a.ndim > 1 and b.ndim > 1:  # matrices, or batches of them (.mT transposes the last two axes)
                return (g @ b.mT if self.requires_grad else None), (a.mT @ g if other.requires_grad else None)
            # np.matmul reads a vector as a one-row (left) or one-column (right) matrix: do the same, then drop the axis
            a2 = a.reshape(1, -1) if a.ndim == 1 else a
            b2 = b.reshape(-1, 1) if b.ndim == 1 else b
            if b.ndim == 1:
                g = g.reshape(g.shape + (1,))
            if a.ndim == 1:
                g = g.reshape(g.shape[:-1] + (1,) + g.shape[-1:])
            grad_a = g @ b2.mT if self.requires_grad else None
            grad_b = a2.mT @ g if other.requires_grad else None
            if a.ndim == 1 and grad_a is not None:
                grad_a = grad_a.reshape(grad_a.shape[:-2] + grad_a.shape[-1:])
            if b.ndim == 1 and grad_b is not None:
                grad_b = grad_b.reshape(grad_b.shape[:-1])
            return grad_a, grad_b

        return self._child(out, (self, other), backward, "matmul")

    def __rmatmul__(self, other: Any) -> Tensor:
        return self._lift(other) @ self

    # ----------------------------------------------------------------------------------------------------------
    # Elementwise functions
    # ----------------------------------------------------------------------------------------------------------
    def exp(self) -> Tensor:
        return self._child(np.exp(self.data), (self,), lambda g, out, x: (g * out,), "exp")

    def log(self) -> Tensor:
        return self._child(np.log(self.data), (self,), lambda g, out, x: (g / x,), "log")

    def sqrt(self) -> Tensor:
        return self._child(np.sqrt(self.data), (self,), lambda g, out, x: (g * 0.5 / out,), "sqrt")

    def abs(self) -> Tensor:
        return self._child(np.abs(self.data), (self,), lambda g, out, x: (g * np.sign(x),), "abs")

    def tanh(self) -> Tensor:
        return self._child(np.tanh(self.data), (self,), lambda g, out, x: (g * (1 - out * out),), "tanh")

    def sigmoid(self) -> Tensor:
        """1 / (1 + e^-x), written as e^min(x,0) / (1 + e^-|x|): both exponents are <= 0, so nothing overflows."""
        return self._child(_sigmoid(self.data), (self,), lambda g, out, x: (g * out * (1 - out),), "sigmoid")

    def sin(self) -> Tensor:
        return self._child(np.sin(self.data), (self,), lambda g, out, x: (g * np.cos(x),), "sin")

    def cos(self) -> Tensor:
        return self._child(np.cos(self.data), (self,), lambda g, out, x: (-g * np.sin(x),), "cos")

    def log1p(self) -> Tensor:
        """log(1 + x), exact for tiny x where 1 + x would round away x's digits. d/dx = 1 / (1 + x)."""
        return self._child(np.log1p(self.data), (self,), lambda g, out, x: (g / (1 + x),), "log1p")

    def expm1(self) -> Tensor:
        """e^x - 1, exact near 0 where exp(x) - 1 cancels to a few digits. d/dx = e^x (recomputed: out + 1 would
        cancel for very negative x)."""
        return self._child(np.expm1(self.data), (self,), lambda g, out, x: (g * np.exp(x),), "expm1")

    def erf(self) -> Tensor:
        """The error function, 2/sqrt(pi) * integral_0^x e^(-s^2) ds (special.py computes it). d/dx = 2/sqrt(pi)
        e^(-x^2)."""
        return self._child(special.erf(self.data), (self,), lambda g, out, x: (g * _erf_slope(x),), "erf")

    def erfc(self) -> Tensor:
        """1 - erf(x), keeping the digits of the far tail that 1 - erf(x) would lose. d/dx = -2/sqrt(pi) e^(-x^2)."""
        return self._child(special.erfc(self.data), (self,), lambda g, out, x: (-g * _erf_slope(x),), "erfc")

    def sign(self) -> Tensor:
        """-1, 0 or 1. Piecewise constant, so its gradient is 0 (as in PyTorch): the result is a constant."""
        return Tensor(np.sign(self.data))

    def hypot(self, other: Any) -> Tensor:
        """sqrt(x^2 + y^2) without squaring (no overflow for huge x). d/dx = x / out, d/dy = y / out."""
        other = self._lift(other)
        out = _broadcasting(np.hypot, self.data, other.data, "hypot")
        return self._child(out, (self, other), lambda g, out, x, y: (g * x / out, g * y / out), "hypot")

    def relu(self) -> Tensor:
        return self._child(np.maximum(self.data, 0), (self,), lambda g, out, x: (g * (x > 0),), "relu")

    def maximum(self, other: Any) -> Tensor:
        """Elementwise max. Where both are equal the gradient is split in half, as finite differences see it."""
        other = self._lift(other)
        a, b = self.data, other.data
        out = _broadcasting(np.maximum, a, b, "maximum")
        a_wins = ((a > b) + 0.5 * (a == b)).astype(out.dtype)  # 1, 1/2 or 0, in our dtype (not float64)
        return self._child(out, (self, other), lambda g, out, a, b: (g * a_wins, g * (1 - a_wins)), "maximum")

    def minimum(self, other: Any) -> Tensor:
        return -((-self).maximum(-self._lift(other)))

    def clip(self, min: Any = None, max: Any = None) -> Tensor:
        """Clamp into [min, max]; the gradient passes where x is inside the interval (ends included)."""
        if min is None and max is None:  # as torch.clamp: clip(None, None) is surely a mistake, not a copy
            raise ValueError("clip: at least one of min and max must be given, got clip(None, None)")
        x = self.data
        clipped = np.clip(x, min, max)  # bounds of a larger shape broadcast x, as in numpy
        inside = np.ones(clipped.shape, dtype=bool)
        if min is not None:
            inside &= x >= min
        if max is not None:
            inside &= x <= max
        return self._child(clipped, (self,), lambda g, out, x: (g * inside,), "clip")

    # ----------------------------------------------------------------------------------------------------------
    # Reductions
    # ----------------------------------------------------------------------------------------------------------
    def sum(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        shape = self.shape
        return self._child(self.data.sum(axis=axis, keepdims=keepdims), (self,),
                           lambda g, out, x: (_expand_reduced(g, shape, axis, keepdims),), "sum")

    def mean(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """sum / count. Its own rule rather than sum() * (1 / count): one node, as every loss ends with a mean."""
        if self.data.size == 0:
            raise ValueError(f"mean: the tensor of shape {self.shape} is empty, so its mean is undefined")
        shape, total = self.shape, self.data.sum(axis=axis, keepdims=keepdims)
        scale = total.size / self.data.size  # 1 / count, where count = input size / output size
        return self._child(total * scale, (self,),
                           lambda g, out, x: (_expand_reduced(g * scale, shape, axis, keepdims),), "mean")

    def max(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """The gradient goes to the largest entry; ties share it equally."""
        x = self.data
        try:
            largest = x.max(axis=axis, keepdims=True)
        except ValueError:  # numpy: "zero-size array to reduction operation maximum which has no identity"
            raise ValueError(f"max: the tensor of shape {x.shape} is empty along axis {axis}, so its max is "
                             f"undefined") from None

        def backward(g, out, _):  # the ties are found here, not in the forward pass: a detached max never needs them
            winners = (x == largest).astype(x.dtype)
            share = winners / winners.sum(axis=axis, keepdims=True)
            return (share * _expand_reduced(g, x.shape, axis, keepdims),)

        result = largest if keepdims else np.squeeze(largest, axis=axis)
        return self._child(result, (self,), backward, "max")

    def min(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        return -((-self).max(axis=axis, keepdims=keepdims))

    def var(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False, ddof: float = 0) -> Tensor:
        """The variance over ``axis``: sum((x - mean(x))^2) / (n - ddof), for n entries per result.

        ddof=0 (divide by n) is numpy's and Keras' default; torch.var divides by n - 1 unless told otherwise (its
        correction=1): pass ddof=1 for that. Composed from mean, sub, mul and sum, so the gradient,
        2 (x - mean) / (n - ddof), follows. The mean is subtracted first: sum(x^2)/n - mean^2 would cancel digits."""
        return self._variance(axis, keepdims, ddof, "var")

    def std(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False, ddof: float = 0) -> Tensor:
        """The standard deviation, sqrt(var), with var's ddof=0 default (torch.std's is ddof=1). Its gradient,
        (x - mean) / ((n - ddof) std), is 0/0 where all entries are equal (std = 0): nan there, as in torch."""
        return self._variance(axis, keepdims, ddof, "std").sqrt()

    def _variance(self, axis: Any, keepdims: bool, ddof: float, op: str) -> Tensor:
        axes = _axes(axis, self.ndim, op, self.shape)
        count = int(np.prod([self.shape[a] for a in axes]))  # entries per result
        if isinstance(ddof, bool) or not isinstance(ddof, (int, float, np.integer, np.floating)) or not ddof >= 0:
            raise ValueError(f"{op}: ddof must be a number >= 0, got {ddof!r}")
        if count - ddof <= 0:
            raise ValueError(f"{op}: ddof={ddof} needs more than {ddof} entries per result, got {count} (axis "
                             f"{axis} of a tensor of shape {self.shape})")
        centered = self - self.mean(axis=axes, keepdims=True)
        return (centered * centered).sum(axis=axes, keepdims=keepdims) / (count - ddof)

    def logsumexp(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """log(sum(e^x)) over ``axis``, computed as m + log(sum(e^(x - m))) with m = max(x): no e^x overflows, and
        the largest term is e^0 = 1, so the log never sees 0. d/dx = e^(x - out), the softmax of x along the axis."""
        x, shape = self.data, self.shape
        axes = _axes(axis, self.ndim, "logsumexp", shape)
        if any(shape[a] == 0 for a in axes):
            raise ValueError(f"logsumexp: the tensor of shape {shape} is empty along axis {axis}, so it has no "
                             f"largest entry to subtract")
        largest = x.max(axis=axes, keepdims=True)
        shift = np.where(np.isfinite(largest), largest, 0)  # all -inf (or an inf): shift by 0, never inf - inf
        with np.errstate(divide="ignore"):  # all -inf: log(0) = -inf is the answer
            out = np.log(np.exp(x - shift).sum(axis=axes, keepdims=True)) + shift
        out = out if keepdims else np.squeeze(out, axis=axes)

        def backward(g, out, x):
            softmax = np.exp(x - _expand_reduced(out, shape, axes, keepdims))
            return (_expand_reduced(g, shape, axes, keepdims) * softmax,)

        return self._child(out, (self,), backward, "logsumexp")

    def prod(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """The product of the entries over ``axis``. d/dx_i = the product of all the other entries.

        That is out / x_i, except where x_i = 0. So instead of a rule we multiply in a tree of pairs (the first half
        of the entries times the second half, again until one is left: log2(n) rounds of mul); mul's rule then gives
        every entry the product of the others, zeros included, and the result is differentiable again."""
        axes = _axes(axis, self.ndim, "prod", self.shape)
        if self.dtype.kind != "f":  # integers and booleans carry no gradient: numpy's product, in numpy's dtype
            out = np.prod(self.data, axis=axes, keepdims=keepdims)
            return Tensor(out, dtype=out.dtype)
        kept = [a for a in range(self.ndim) if a not in axes]
        count = int(np.prod([self.shape[a] for a in axes]))
        if keepdims:
            result_shape = tuple(1 if a in axes else length for a, length in enumerate(self.shape))
        else:
            result_shape = tuple(self.shape[a] for a in kept)
        if count == 0:  # the product of no numbers is 1 (an empty sum + 1, so that it is an op's result as usual)
            return self.sum(axis=axes, keepdims=keepdims) + 1
        x = self.transpose(kept + list(axes)).reshape(tuple(self.shape[a] for a in kept) + (count,))
        while x.shape[-1] > 1:
            half = x.shape[-1] // 2
            pairs = x[..., :half] * x[..., half:2 * half]
            x = concatenate([pairs, x[..., 2 * half:]], axis=-1) if x.shape[-1] % 2 else pairs
        return x.reshape(result_shape)

    def cumsum(self, axis: int) -> Tensor:
        """Running sums along ``axis``: out_k = x_0 + ... + x_k. x_i counts in every out_k with k >= i, so
        d/dx_i = g_i + ... + g_last: the running sum of g taken from the end (flip, cumsum, flip back)."""
        axis = _axis(axis, self.ndim, "cumsum", self.shape)
        from_the_end = (slice(None),) * axis + (slice(None, None, -1),)
        return self._child(np.cumsum(self.data, axis=axis), (self,),
                           lambda g, out, x: (g[from_the_end].cumsum(axis)[from_the_end],), "cumsum")

    def argmax(self, axis: int | None = None) -> Any:
        """The index of the largest entry (in the flattened tensor when axis is None; the first of several equal
        ones, as numpy and torch), as np.argmax gives it. Plain integers, like comparisons: indices have no gradient."""
        return _index_of(np.argmax, self, axis, "argmax", "largest")

    def argmin(self, axis: int | None = None) -> Any:
        """The index of the smallest entry; see argmax."""
        return _index_of(np.argmin, self, axis, "argmin", "smallest")

    # ----------------------------------------------------------------------------------------------------------
    # Shapes and indexing
    # ----------------------------------------------------------------------------------------------------------
    def reshape(self, *shape: Any) -> Tensor:
        if not shape:  # as numpy and torch: no shape is a mistake (a single number's shape is written ())
            raise TypeError("reshape needs the new shape, e.g. x.reshape(2, 3), or x.reshape(()) for one number")
        wanted = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        original = self.shape
        try:
            out = self.data.reshape(wanted)
        except ValueError:
            raise ValueError(f"reshape: cannot reshape a tensor of shape {original} ({self.size} elements) into "
                             f"shape {tuple(wanted)}") from None
        return self._child(out, (self,), lambda g, out, x: (g.reshape(original),), "reshape")

    def transpose(self, *axes: Any) -> Tensor:
        axes = tuple(axes[0]) if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes
        axes = axes or tuple(reversed(range(self.ndim)))
        try:
            out = self.data.transpose(axes)
        except (ValueError, TypeError):  # numpy: "axes don't match array", or an axis that is not an integer
            raise ValueError(f"transpose: axes {axes} are not an order of the {self.ndim} axes of a tensor of shape "
                             f"{self.shape}") from None
        inverse = tuple(np.argsort([axis % self.ndim for axis in axes]))  # -1 means the last axis: count it as such
        return self._child(out, (self,), lambda g, out, x: (g.transpose(inverse),), "transpose")

    @property
    def T(self) -> Tensor:
        return self.transpose()

    @property
    def mT(self) -> Tensor:
        """The last two axes swapped: a batch of matrices, each transposed (numpy's and PyTorch's ``.mT``)."""
        if self.ndim < 2:
            raise ValueError(f"mT needs at least 2 axes, got shape {self.shape}")
        return self.transpose(tuple(range(self.ndim - 2)) + (self.ndim - 1, self.ndim - 2))

    def flatten(self) -> Tensor:
        return self.reshape(-1)

    def squeeze(self, axis: int | tuple[int, ...] | None = None) -> Tensor:
        """Drop axes of length 1: all of them, or the ones named. Naming an axis whose length is not 1 is an error,
        as in numpy (torch skips it silently). The gradient is g reshaped back."""
        axes = _axes(axis, self.ndim, "squeeze", self.shape)
        if axis is None:
            axes = tuple(a for a in axes if self.shape[a] == 1)
        for a in axes:
            if self.shape[a] != 1:
                raise ValueError(f"squeeze: axis {a} of a tensor of shape {self.shape} has length {self.shape[a]}; "
                                 f"only axes of length 1 can be squeezed")
        original = self.shape
        return self._child(np.squeeze(self.data, axis=axes), (self,), lambda g, out, x: (g.reshape(original),),
                           "squeeze")

    def unsqueeze(self, axis: int | tuple[int, ...]) -> Tensor:
        """Insert an axis of length 1 at position ``axis`` of the result (or several, for a tuple): shape (2, 3)
        gives (1, 2, 3) with axis=0 and (2, 3, 1) with axis=-1. numpy's name, expand_dims, works too. The gradient
        is g reshaped back."""
        if axis is None:
            raise TypeError("unsqueeze: axis must be an integer or a tuple of integers, got None")
        added = len(axis) if isinstance(axis, (tuple, list)) else 1
        axes = _axes(axis, self.ndim + added, "unsqueeze", self.shape)
        original = self.shape
        return self._child(np.expand_dims(self.data, axes), (self,), lambda g, out, x: (g.reshape(original),),
                           "unsqueeze")

    expand_dims = unsqueeze

    def flip(self, axis: int | tuple[int, ...] | None = None) -> Tensor:
        """Reverse the order of the entries along ``axis`` (along every axis when None, as numpy). A flip undoes
        itself, so the gradient is g flipped the same way."""
        axes = _axes(axis, self.ndim, "flip", self.shape)
        reverse = tuple(slice(None, None, -1) if a in axes else slice(None) for a in range(self.ndim))
        return self._child(self.data[reverse], (self,), lambda g, out, x: (g[reverse],), "flip")

    def pad(self, pad_width: Any, constant_values: Any = 0) -> Tensor:
        """Surround with ``constant_values``. ``pad_width`` in numpy's forms: n (n before and after, on every axis),
        (before, after) for every axis, or one (before, after) pair per axis. The gradient is g without the border."""
        widths = _pad_widths(pad_width, self.shape)
        out = np.pad(self.data, widths or 0, constant_values=_data(constant_values))  # 0-d: no axes, nothing to pad
        # one (before, after) pair per axis by construction; zip stays bare (noqa) as a keyword costs it ~0.3 µs a call
        inside = tuple(slice(before, before + length) for (before, _), length in zip(widths, self.shape))  # noqa: B905
        return self._child(out, (self,), lambda g, out, x: (g[inside],), "pad")

    def broadcast_to(self, shape: Sequence[int]) -> Tensor:
        """Repeat along new leading axes and along axes of length 1, as numpy broadcasting does. The gradient sums
        the copies back: the engine's _unbroadcast, so the rule itself passes g on unchanged."""
        shape = tuple(shape)
        try:
            out = np.broadcast_to(self.data, shape)
        except ValueError:
            raise ValueError(f"broadcast_to: a tensor of shape {self.shape} cannot be broadcast to {shape}") from None
        return self._child(np.array(out), (self,), lambda g, out, x: (g,), "broadcast_to")

    def __getitem__(self, index: Any) -> Tensor:
        index = tuple(_data(i) for i in index) if isinstance(index, tuple) else _data(index)
        shape = self.shape
        return self._child(self.data[index], (self,), lambda g, out, x: (_scatter(g, index, shape),), "getitem")

    # ----------------------------------------------------------------------------------------------------------
    # Comparisons give plain boolean arrays: they are not differentiable
    # ----------------------------------------------------------------------------------------------------------
    def __lt__(self, other: Any) -> np.ndarray:
        return self.data < _data(other)

    def __le__(self, other: Any) -> np.ndarray:
        return self.data <= _data(other)

    def __gt__(self, other: Any) -> np.ndarray:
        return self.data > _data(other)

    def __ge__(self, other: Any) -> np.ndarray:
        return self.data >= _data(other)

    def __eq__(self, other: Any) -> np.ndarray:  # type: ignore[override]
        return self.data == _data(other)

    def __ne__(self, other: Any) -> np.ndarray:  # type: ignore[override]
        return self.data != _data(other)

    # ----------------------------------------------------------------------------------------------------------
    # numpy functions of Tensors
    # ----------------------------------------------------------------------------------------------------------
    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        """``np.exp(t)``, ``np.maximum(t, 0)``, ``np.ones(3) * t``: numpy's elementwise functions of a Tensor are
        the Tensor ops of the same name (a comparison gives a plain boolean array, as ``t > 0`` does). This is what
        lets a backward rule written with numpy run on Tensors when the backward pass is recorded."""
        function = _NUMPY_FUNCTIONS.get(ufunc)
        if function is None or method != "__call__" or kwargs:
            names = ", ".join(sorted(f"np.{f.__name__}" for f in _NUMPY_FUNCTIONS))
            raise TypeError(f"np.{ufunc.__name__}{'' if method == '__call__' else '.' + method} is not an op on "
                            f"Tensors{' (with ' + ', '.join(kwargs) + '=)' if kwargs else ''}. Tensors support "
                            f"{names}; for anything else use t.numpy() (no gradient) or add it as an op with "
                            f"tinygrad_acts.custom_op")
        return function(*inputs)

    # ----------------------------------------------------------------------------------------------------------
    # Plain array behaviour
    # ----------------------------------------------------------------------------------------------------------
    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def size(self) -> int:
        return self.data.size

    def numpy(self) -> np.ndarray:
        return self.data

    def item(self) -> float:
        return self.data.item()

    def detach(self) -> Tensor:
        """The same values, cut off from the graph."""
        return Tensor(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(f"the truth value of a Tensor of shape {self.shape} is ambiguous: it holds "
                             f"{self.data.size} numbers, not one. To test them, write (x > 0).any() or .all(); to "
                             f"choose number by number, as max(x, 0) or `x if x > 0 else 0` do for one number, write "
                             f"tinygrad_acts.maximum(x, 0) (or the activation 'relu') or tinygrad_acts.where(x > 0, "
                             f"x, 0)")
        return bool(self.data)

    def _one_number(self, what: str) -> Any:
        """The single number of a one-element Tensor (any shape, as in PyTorch), for float(), int() and format()."""
        if self.data.size != 1:
            raise TypeError(f"{what} needs a Tensor of one element, got shape {self.shape} ({self.data.size} "
                            f"elements); pick one, e.g. t[0], or reduce it, e.g. t.sum() or t.mean()")
        return self.data.item()

    def __float__(self) -> float:
        return float(self._one_number("float()"))

    def __int__(self) -> int:
        return int(self._one_number("int()"))

    def __format__(self, format_spec: str) -> str:
        """``f"{loss:.3f}"`` formats the number of a one-element Tensor; ``f"{t}"`` is ``str(t)`` for any Tensor."""
        if not format_spec:
            return str(self)
        return format(self._one_number(f"format(t, {format_spec!r})"), format_spec)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.data if dtype is None else self.data.astype(dtype)

    def __repr__(self) -> str:
        """``Tensor([1., 2.], requires_grad=True)``, as PyTorch prints it: the dtype when it is not float32, the name
        when there is one, then the op that made it (``grad_fn=mul``) or ``requires_grad=True`` for a leaf."""
        parts = [np.array2string(self.data, separator=", ", prefix="Tensor(")]
        if self.data.dtype != np.float32:
            parts.append(f"dtype={self.data.dtype}")
        if self.name is not None:
            parts.append(f"name={self.name!r}")
        if self._op is not None:
            parts.append(f"grad_fn={self._op}")
        elif self.requires_grad:
            parts.append("requires_grad=True")
        return f"Tensor({', '.join(parts)})"


# --------------------------------------------------------------------------------------------------------------
# The engine's one loop
# --------------------------------------------------------------------------------------------------------------
def _backpropagate(root: Tensor, grad: Any, create_graph: bool, store: Callable[[Tensor, Any, bool], None]) -> None:
    """Reverse mode from ``root``: hand ``store(tensor, gradient, shared)`` the gradient of every leaf that requires
    grad and of every tensor that retains its gradient. ``Tensor.backward`` stores them in ``.grad``; the function
    transforms (``grad``, ``jacobian``, ...) keep the ones they asked for."""
    if not root.requires_grad:
        raise RuntimeError("backward() needs a tensor that requires grad; this one was computed from inputs that "
                           "do not (create one with Tensor(..., requires_grad=True)) or inside no_grad()")
    create_graph = create_graph and _grad_enabled.get()  # no_grad() wins: nothing is recorded inside it
    if grad is None:
        if root.data.size != 1:
            raise RuntimeError(f"backward() without a gradient works only for a single-element tensor (the gradient "
                               f"of a scalar is implied), got shape {root.shape}; pass grad= explicitly or reduce "
                               f"first, e.g. t.sum().backward()")
        grad = np.array(1, dtype=root.data.dtype).reshape(root.shape)  # d(root)/d(root) = 1 (faster than np.ones)
    elif not (create_graph and isinstance(grad, Tensor)):  # a Tensor seed of a recorded pass may itself be tracked
        grad = _as_array(grad, root.data.dtype)
        if grad.shape != root.shape:
            raise ValueError(f"backward(grad): grad has shape {grad.shape}, expected the tensor's shape {root.shape}")
    if create_graph and not isinstance(grad, Tensor):
        grad = Tensor(grad)

    if root._backward is None:  # backward() on a leaf itself: d(root)/d(root) is the identity
        store(root, grad, True)
        return
    # Visit tensors newest first (a max-heap on creation order): every tensor that used `t` is newer than `t`, so
    # when `t` comes off the heap all the gradient flowing into it has arrived. No recursion, any depth.
    # A backward rule returns, per parent, an array it made for that parent alone, or `g` itself, or None.
    pending = {root: grad}  # Tensors hash by identity
    heap = [(-root._order, root)]
    while heap:
        _, tensor = heapq.heappop(heap)
        g = pending.pop(tensor)
        if tensor._retains_grad:
            store(tensor, g, True)
        parents = tensor._parents
        rule: Callable = tensor._backward  # type: ignore[assignment]  # not None: only non-leaves are pushed
        if create_graph:  # the rule computes with Tensors, so what it does is recorded
            grads = rule(g, tensor, *parents)
        elif len(parents) == 1:  # the usual cases spelled out: these lines run for every op of every training step
            grads = rule(g, tensor.data, parents[0].data)
        elif len(parents) == 2:
            grads = rule(g, tensor.data, parents[0].data, parents[1].data)
        else:
            grads = rule(g, tensor.data, *[parent.data for parent in parents])
        # one gradient per parent, the rule's contract; a bare zip: strict= would cost ~0.3 µs per op per step
        for parent, parent_grad in zip(parents, grads):  # noqa: B905
            if parent_grad is None or not parent.requires_grad:
                continue
            if parent_grad.shape != parent.data.shape:
                parent_grad = _fit_to_input(parent_grad, parent, tensor)
            if parent._backward is None:  # a leaf: nothing flows on from it, so hand its gradient over now
                store(parent, parent_grad, parent_grad is g)
            elif parent in pending:  # a tensor used more than once gets the sum over all its uses
                pending[parent] = pending[parent] + parent_grad
            else:
                pending[parent] = parent_grad
                heapq.heappush(heap, (-parent._order, parent))


def _fit_to_input(grad: Any, parent: Tensor, child: Tensor) -> Any:
    """A gradient whose shape is not its input's: sum a broadcast back (the one place that does), or refuse a
    gradient that no broadcasting explains, naming the op whose rule made it."""
    fitted = _unbroadcast(grad, parent.data.shape)
    if fitted.shape != parent.data.shape:
        raise RuntimeError(f"the backward rule of '{child._op}' returned a gradient of shape {grad.shape} for an "
                           f"input of shape {parent.shape}: a gradient must have its input's shape (or one that "
                           f"broadcasting explains)")
    return fitted


# --------------------------------------------------------------------------------------------------------------
# Functions of several Tensors
# --------------------------------------------------------------------------------------------------------------
def _data(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-x) on a numpy array, as e^min(x,0) / (1 + e^-|x|): no exponent is positive, nothing overflows."""
    return np.exp(np.minimum(x, 0)) / (1 + np.exp(-np.abs(x)))


def _erf_slope(x: Any) -> Any:
    """d/dx erf(x) = 2/sqrt(pi) e^(-x^2), with x^2 capped (e^-1600 is 0 anyway) so that it cannot overflow."""
    near = np.minimum(np.abs(x), 40.0)
    return np.exp(-(near * near)) * 1.1283791670955126


def _as_tensors(x: Any, y: Any) -> tuple[Tensor, Tensor]:
    """Two operands as Tensors; a constant takes the dtype of the Tensor beside it."""
    if isinstance(x, Tensor):
        return x, x._lift(y)
    if isinstance(y, Tensor):
        return y._lift(x), y
    return Tensor(x), Tensor(y)


def where(condition: Any, x: Any, y: Any) -> Tensor:
    """Pick from x where condition holds, else from y. The gradient goes to the side that was picked."""
    condition = np.asarray(_data(condition), dtype=bool)
    x, y = _as_tensors(x, y)
    try:
        out = np.where(condition, x.data, y.data)
    except ValueError:
        raise ValueError(f"where: shapes {condition.shape}, {x.shape} and {y.shape} cannot be broadcast together"
                         ) from None
    return x._child(out, (x, y), lambda g, out, x, y: (g * condition, g * ~condition), "where")


def maximum(x: Any, y: Any) -> Tensor:
    x, y = _as_tensors(x, y)
    return x.maximum(y)


def minimum(x: Any, y: Any) -> Tensor:
    x, y = _as_tensors(x, y)
    return x.minimum(y)


def concatenate(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis; each gets back its own slice of the gradient."""
    tensors = [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]
    try:
        out = np.concatenate([t.data for t in tensors], axis=axis)
    except ValueError as error:
        raise ValueError(f"concatenate: shapes {[t.shape for t in tensors]} do not fit along axis {axis}: {error}"
                         ) from None
    ends = np.cumsum([t.shape[axis] for t in tensors])
    before = (slice(None),) * (axis % out.ndim)  # the axes in front of the joined one, taken whole
    pieces = [before + (slice(end - t.shape[axis], end),) for t, end in zip(tensors, ends)]  # noqa: B905 one end per t
    return tensors[0]._child(out, tuple(tensors), lambda g, out, *inputs: tuple(g[piece] for piece in pieces),
                             "concatenate")


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along a new axis; each gets back its own slice of the gradient."""
    tensors = [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]
    try:
        out = np.stack([t.data for t in tensors], axis=axis)
    except ValueError:
        raise ValueError(f"stack: all tensors need the same shape, got {[t.shape for t in tensors]}") from None
    before = (slice(None),) * (axis % out.ndim)
    return tensors[0]._child(out, tuple(tensors),
                             lambda g, out, *inputs: tuple(g[before + (i,)] for i in range(len(tensors))), "stack")


def split(tensor: Any, indices_or_sections: int | Sequence[int], axis: int = 0) -> list[Tensor]:
    """Cut a tensor into pieces along ``axis``, as numpy.split: an integer n gives n equal pieces (an error if the
    length is not a multiple of n); indices [i, j] give the pieces x[:i], x[i:j], x[j:]. Each piece is a slice of
    the tensor (getitem), so each hands back its own part of the gradient."""
    tensor = tensor if isinstance(tensor, Tensor) else Tensor(tensor)
    axis = _axis(axis, tensor.ndim, "split", tensor.shape)
    length = tensor.shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)) and not isinstance(indices_or_sections, bool):
        sections = int(indices_or_sections)
        if sections < 1 or length % sections:
            raise ValueError(f"split: axis {axis} of a tensor of shape {tensor.shape} has length {length}, which "
                             f"cannot be cut into {sections} equal pieces; give indices to cut at instead")
        bounds = [i * (length // sections) for i in range(sections + 1)]
    else:
        indices = np.asarray(_data(indices_or_sections))
        if indices.ndim != 1 or (indices.size and indices.dtype.kind not in "iu"):
            raise ValueError(f"split: indices_or_sections must be a number of equal pieces or a list of integer "
                             f"indices to cut at, got {indices_or_sections!r}")
        bounds = [0, *(int(i) for i in indices), length]
    before = (slice(None),) * axis
    return [tensor[before + (slice(start, end),)] for start, end in itertools.pairwise(bounds)]


def _pad_widths(pad_width: Any, shape: tuple) -> list[tuple[int, int]]:
    """numpy's pad_width forms as one (before, after) pair of integers >= 0 per axis (numpy broadcasts them too)."""
    try:
        widths = np.asarray(_data(pad_width))
        pairs = np.broadcast_to(widths, (len(shape), 2))
    except ValueError:
        pairs = None
    if pairs is None or widths.dtype.kind not in "iu" or np.any(pairs < 0):
        raise ValueError(f"pad: pad_width must be integers >= 0, as n, (before, after) or one (before, after) per "
                         f"axis of the tensor of shape {shape}; got {pad_width!r}")
    return [(int(before), int(after)) for before, after in pairs]


def _index_of(function: Callable, tensor: Tensor, axis: Any, op: str, which: str) -> Any:
    """np.argmax or np.argmin of a tensor's values, with the axis checked and an empty axis refused clearly."""
    if axis is not None:
        axis = _axis(axis, tensor.ndim, op, tensor.shape)
    if tensor.size == 0 and (axis is None or tensor.shape[axis] == 0):
        raise ValueError(f"{op}: the tensor of shape {tensor.shape} is empty along axis {axis}, so it has no "
                         f"{which} entry")
    return function(tensor.data, axis=axis)


def _on_tensors(operator: Callable[[Tensor, Tensor], Tensor]) -> Callable[[Any, Any], Tensor]:
    """A binary Tensor operator as a function of two operands, either of which may be a constant."""
    return lambda a, b: operator(*_as_tensors(a, b))


def _on_data(function: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    """A comparison or test of Tensors: a plain boolean array of their values, as ``t > 0`` gives."""
    return lambda *operands: function(*[_data(operand) for operand in operands])


# numpy's elementwise functions and the Tensor ops they mean (used by Tensor.__array_ufunc__)
_NUMPY_FUNCTIONS: dict[np.ufunc, Callable[..., Any]] = {
    np.add: _on_tensors(Tensor.__add__), np.subtract: _on_tensors(Tensor.__sub__),
    np.multiply: _on_tensors(Tensor.__mul__), np.divide: _on_tensors(Tensor.__truediv__),
    np.power: _on_tensors(Tensor.__pow__), np.matmul: _on_tensors(Tensor.__matmul__),
    np.maximum: _on_tensors(Tensor.maximum), np.minimum: _on_tensors(Tensor.minimum),
    np.hypot: _on_tensors(Tensor.hypot),
    np.negative: Tensor.__neg__, np.exp: Tensor.exp, np.expm1: Tensor.expm1, np.log: Tensor.log,
    np.log1p: Tensor.log1p, np.sqrt: Tensor.sqrt, np.absolute: Tensor.abs, np.sign: Tensor.sign,
    np.tanh: Tensor.tanh, np.sin: Tensor.sin, np.cos: Tensor.cos,
    np.greater: _on_data(np.greater), np.greater_equal: _on_data(np.greater_equal), np.less: _on_data(np.less),
    np.less_equal: _on_data(np.less_equal), np.equal: _on_data(np.equal), np.not_equal: _on_data(np.not_equal),
    np.isfinite: _on_data(np.isfinite), np.isnan: _on_data(np.isnan), np.isinf: _on_data(np.isinf),
}


# --------------------------------------------------------------------------------------------------------------
# Your own ops
# --------------------------------------------------------------------------------------------------------------
def custom_op(forward: Callable | None = None, *, backward: Callable | None = None) -> Callable:
    """Make a differentiable op from numpy code, in the engine's own pattern: forward and backward side by side.

    The usual form: ``forward`` receives numpy arrays and returns the result and its backward rule, a function of
    the gradient ``g`` returning one gradient per input (None for an input that needs none)::

        @custom_op
        def sin(x):
            return np.sin(x), lambda g: (g * np.cos(x),)

    ``sin`` is then a function of Tensors (numbers and arrays mix in as for built-in ops) that records the op like
    a built-in one: it shows in draw_graph, works under no_grad, as an Activation and with gradcheck. Such a rule is
    numpy code, so it is first-order: differentiating its gradient again raises an error that names the op.

    The twice-differentiable form gives the rule separately, with the engine's signature ``(g, out, *inputs)``;
    written with numpy functions or Tensor ops, it then runs on Tensors when the backward pass is recorded::

        @custom_op(backward=lambda g, out, x: (g * np.cos(x),))
        def sin(x):
            return np.sin(x)
    """
    if forward is None:  # @custom_op(backward=...): the decorator itself
        return lambda function: custom_op(function, backward=backward)
    if not callable(forward):
        raise TypeError(f"custom_op needs a function of numpy arrays, got {forward!r}")
    name = getattr(forward, "__name__", "custom_op")

    @functools.wraps(forward)
    def op(*args: Any) -> Tensor:
        first = next((arg for arg in args if isinstance(arg, Tensor)), None)
        inputs = tuple(first._lift(arg) if first is not None else Tensor(arg) for arg in args)
        if backward is not None:
            out, rule = forward(*[x.data for x in inputs]), backward
        else:
            result = forward(*[x.data for x in inputs])
            if not (isinstance(result, tuple) and len(result) == 2 and callable(result[1])):
                raise TypeError(f"custom op '{name}' must return (result, backward), the backward a function of the "
                                f"gradient g, e.g. `return np.sin(x), lambda g: (g * np.cos(x),)`; or give the rule "
                                f"as custom_op(backward=...); got {type(result).__name__}")
            out, vjp = result
            rule = _first_order_rule(vjp, name)
        out = np.asarray(out)
        if out.dtype.kind != "f":
            raise TypeError(f"custom op '{name}' returned an array of dtype {out.dtype}; a differentiable op returns "
                            f"floating-point values")
        return inputs[0]._child(out, inputs, _checked_rule(rule, name, len(inputs)), name)

    return op


def _checked_rule(rule: Callable, name: str, count: int) -> Callable:
    """A user's rule, checked: one gradient per input, each None or floating-point (the engine checks shapes)."""
    def checked(g: Any, out: Any, *inputs: Any) -> tuple:
        grads = rule(g, out, *inputs)
        if not isinstance(grads, (tuple, list)) or len(grads) != count:
            raise RuntimeError(f"the backward rule of custom op '{name}' must return a tuple of {count} gradient(s), "
                               f"one per input (None where an input needs none), e.g. `(g * np.cos(x),)`; "
                               f"got {grads!r}")
        for grad in grads:
            if grad is not None and not isinstance(grad, Tensor) and np.asarray(grad).dtype.kind != "f":
                raise RuntimeError(f"the backward rule of custom op '{name}' returned {grad!r} (dtype "
                                   f"{np.asarray(grad).dtype}); each gradient must be a floating-point array or None")
        return tuple(grad if grad is None or isinstance(grad, Tensor) else np.asarray(grad) for grad in grads)

    return checked


def _first_order_rule(vjp: Callable, name: str) -> Callable:
    """The engine's rule for a numpy ``vjp(g)``. In a recorded backward pass its numbers are still right, but how
    they depend on the inputs cannot be recorded: the gradients become Tensors that refuse to be differentiated."""
    def refuse(*_: Any) -> tuple:
        raise RuntimeError(f"custom op '{name}' has a backward rule written with numpy, so it is first-order: its "
                           f"gradient cannot be differentiated again. To make it twice differentiable, give the rule "
                           f"as custom_op(forward, backward=lambda g, out, x: ...) using numpy functions or Tensor "
                           f"ops, or compose the op from Tensor ops")

    def rule(g: Any, out: Any, *inputs: Any) -> tuple:
        if not isinstance(g, Tensor):
            return vjp(g)
        parents = (g, *inputs)
        return tuple(None if grad is None else g._child(np.asarray(grad), parents, refuse, f"{name} (first-order)")
                     for grad in vjp(g.data))

    return rule
