"""The Tensor and its reverse-mode autodiff engine.

Read this file top to bottom; it is the whole idea of backpropagation.

1. A ``Tensor`` wraps a numpy array (``data``). A tensor computed by an op also remembers its ``_parents`` and a
   ``_backward`` rule: given the gradient of the final result with respect to this tensor (``g``), the rule returns
   the gradient with respect to each parent (the vector-Jacobian product, "VJP").
2. Every op below computes its numpy result and states that rule next to it, in a line or two.
3. ``backward()`` walks the recorded graph once, newest tensor first, sums the gradients that reach each tensor,
   and reduces a broadcast gradient back to its input's shape. That bookkeeping lives there and nowhere else.

Nothing is recorded when no input requires a gradient, or inside ``with no_grad():``.
"""
from __future__ import annotations

import contextlib
import contextvars
import heapq
import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

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


def _unbroadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
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


def _expand_reduced(grad: np.ndarray, shape: tuple, axis: Any, keepdims: bool) -> np.ndarray:
    """The gradient of a reduction, spread back over the axes it reduced."""
    if axis is not None and not keepdims:
        grad = np.expand_dims(grad, axis)
    expanded = np.empty(shape, dtype=grad.dtype)  # faster than np.broadcast_to for small arrays, and writable
    expanded[...] = grad
    return expanded


class Tensor:
    """An n-d array that remembers how it was computed, so gradients can flow back through it.

    >>> x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad            # d/dx sum(x^2) = 2x
    array([[2., 4.],
           [6., 8.]], dtype=float32)
    """

    __slots__ = ("data", "grad", "requires_grad", "name", "_parents", "_backward", "_op", "_order",
                 "_retains_grad", "__weakref__")
    __array_ufunc__ = None  # numpy defers to us: np.ones(3) * t calls t.__rmul__ and gives a Tensor
    __hash__ = object.__hash__  # hashable by identity, although == compares values

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None, name: str | None = None):
        self.data = _as_array(data, dtype)
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(f"only floating-point tensors can require grad, got dtype {self.data.dtype}")
        self.grad: np.ndarray | None = None
        self.requires_grad = bool(requires_grad)
        self.name = name
        self._parents: tuple[Tensor, ...] = ()
        self._backward: Callable | None = None
        self._op: str | None = None
        self._order = next(_creation_counter)
        self._retains_grad = False

    def _child(self, data: np.ndarray, parents: tuple[Tensor, ...], backward: Callable, op: str) -> Tensor:
        """The result of an op. It keeps its parents and backward rule only if a gradient can flow through it."""
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
    def backward(self, grad: Any = None) -> None:
        """Reverse mode: add d(self)/d(leaf) into ``leaf.grad`` for every leaf that requires grad.

        Gradients accumulate, as in PyTorch: calling backward twice adds both results; clear them with
        ``t.grad = None`` (or an optimizer's ``zero_grad``). Intermediate results keep no ``.grad`` unless
        ``retain_grad()`` was called on them.
        """
        if not self.requires_grad:
            raise RuntimeError("backward() needs a tensor that requires grad; this one was computed from inputs that "
                               "do not (create one with Tensor(..., requires_grad=True)) or inside no_grad()")
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(f"backward() without a gradient works only for a single-element tensor (the "
                                   f"gradient of a scalar is implied), got shape {self.shape}; pass grad= explicitly "
                                   f"or reduce first, e.g. t.sum().backward()")
            grad = np.array(1, dtype=self.data.dtype).reshape(self.shape)  # d(self)/d(self) = 1 (faster than np.ones)
        else:
            grad = _as_array(grad, self.data.dtype)
            if grad.shape != self.shape:
                raise ValueError(f"backward(grad): grad has shape {grad.shape}, expected the tensor's shape "
                                 f"{self.shape}")

        if self._backward is None:  # backward() on a leaf itself: d(self)/d(self) is the identity
            self._store_grad(grad)
            return
        # Visit tensors newest first (a max-heap on creation order): every tensor that used `t` is newer than `t`,
        # so when `t` comes off the heap all the gradient flowing into it has arrived. No recursion, any depth.
        # A backward rule returns, per parent, an array it made for that parent alone, or `g` itself, or None.
        pending = {self: grad}  # Tensors hash by identity
        heap = [(-self._order, self)]
        while heap:
            _, tensor = heapq.heappop(heap)
            g = pending.pop(tensor)
            if tensor._retains_grad:
                tensor._store_grad(g)
            for parent, parent_grad in zip(tensor._parents, tensor._backward(g)):
                if parent_grad is None or not parent.requires_grad:
                    continue
                if parent_grad.shape != parent.data.shape:
                    parent_grad = _unbroadcast(parent_grad, parent.data.shape)
                if parent._backward is None:  # a leaf: nothing flows on from it, so store its gradient now
                    parent._store_grad(parent_grad, shared=parent_grad is g)
                    continue
                if parent in pending:  # a tensor used more than once gets the sum over all its uses
                    pending[parent] = pending[parent] + parent_grad
                else:
                    pending[parent] = parent_grad
                    heapq.heappush(heap, (-parent._order, parent))

    def _store_grad(self, grad: np.ndarray, shared: bool = True) -> None:
        """Add into .grad, which never shares memory with another array: a gradient that may be shared (passed
        straight through by add or sub, or a view such as reshape's) is copied; one made for us alone is kept."""
        if self.grad is not None:
            grad = np.asarray(self.grad + grad)  # a new array (asarray: numpy answers 0-d arithmetic with a scalar)
        elif shared or type(grad) is not np.ndarray or grad.base is not None:
            grad = np.array(grad)
        self.grad = grad if grad.dtype == self.data.dtype else grad.astype(self.data.dtype)

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
        return self._child(out, (self, other), lambda g: (g, g), "add")

    def __mul__(self, other: Any) -> Tensor:
        other = self._lift(other)
        a, b = self.data, other.data
        return self._child(_broadcasting(np.multiply, a, b, "mul"), (self, other),
                           lambda g: (g * b, g * a), "mul")

    def __neg__(self) -> Tensor:
        return self._child(-self.data, (self,), lambda g: (-g,), "neg")

    def __sub__(self, other: Any) -> Tensor:  # a primitive rather than a + (-b): one node instead of two
        other = self._lift(other)
        out = _broadcasting(np.subtract, self.data, other.data, "sub")
        return self._child(out, (self, other), lambda g: (g, -g if other.requires_grad else None), "sub")

    def __truediv__(self, other: Any) -> Tensor:
        """a / b. d/da = 1/b, d/db = -a/b^2, computed as -(a/b)/b: b^2 (or b^-1) alone can overflow where the
        quotient and its gradient do not (b = 1e-20 in float32)."""
        other = self._lift(other)
        a, b = self.data, other.data
        out = _broadcasting(np.divide, a, b, "div")
        return self._child(out, (self, other), lambda g: (g / b, -(g * out) / b if other.requires_grad else None),
                           "div")

    def __pow__(self, exponent: Any) -> Tensor:
        """x ** c for a constant c: d/dx = c x^(c-1). For a tensor exponent y also d/dy = x^y log(x) (x > 0)."""
        x = self.data
        if not isinstance(exponent, Tensor):
            c = _as_array(exponent, x.dtype)
            out = _broadcasting(np.power, x, c, "pow")
            return self._child(out, (self,), lambda g: (g * c * x ** (c - 1),), "pow")
        y = exponent.data
        out = _broadcasting(np.power, x, y, "pow")

        def backward(g):
            log_x = np.log(np.where(x > 0, x, 1))  # x^y is differentiable in y only where x > 0; elsewhere we give 0
            return g * y * x ** (y - 1), g * out * log_x

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
        a, b = self.data, other.data
        try:
            out = np.matmul(a, b)
        except ValueError:
            raise ValueError(f"matmul: shapes {a.shape} and {b.shape} are not aligned (the last axis of the first, "
                             f"{a.shape[-1:]}, must equal the second-to-last of the second, {b.shape[-2:-1] or b.shape})"
                             ) from None

        def backward(g):
            # skip the product nobody needs: usually the gradient of the data batch, which is as costly as the kernel's
            if a.ndim > 1 and b.ndim > 1:  # matrices, or batches of them (.mT transposes the last two axes)
                return (g @ b.mT if self.requires_grad else None), (a.mT @ g if other.requires_grad else None)
            # np.matmul reads a vector as a one-row (left) or one-column (right) matrix: do the same, then drop that axis
            a2 = a[None, :] if a.ndim == 1 else a
            b2 = b[:, None] if b.ndim == 1 else b
            if b.ndim == 1:
                g = g[..., None]
            if a.ndim == 1:
                g = g[..., None, :]
            grad_a = g @ b2.mT if self.requires_grad else None
            grad_b = a2.mT @ g if other.requires_grad else None
            if a.ndim == 1 and grad_a is not None:
                grad_a = grad_a[..., 0, :]
            if b.ndim == 1 and grad_b is not None:
                grad_b = grad_b[..., 0]
            return grad_a, grad_b

        return self._child(out, (self, other), backward, "matmul")

    def __rmatmul__(self, other: Any) -> Tensor:
        return self._lift(other) @ self

    # ----------------------------------------------------------------------------------------------------------
    # Elementwise functions
    # ----------------------------------------------------------------------------------------------------------
    def exp(self) -> Tensor:
        out = np.exp(self.data)
        return self._child(out, (self,), lambda g: (g * out,), "exp")

    def log(self) -> Tensor:
        x = self.data
        return self._child(np.log(x), (self,), lambda g: (g / x,), "log")

    def sqrt(self) -> Tensor:
        out = np.sqrt(self.data)
        return self._child(out, (self,), lambda g: (g * 0.5 / out,), "sqrt")

    def abs(self) -> Tensor:
        x = self.data
        return self._child(np.abs(x), (self,), lambda g: (g * np.sign(x),), "abs")

    def tanh(self) -> Tensor:
        out = np.tanh(self.data)
        return self._child(out, (self,), lambda g: (g * (1 - out * out),), "tanh")

    def sigmoid(self) -> Tensor:
        """1 / (1 + e^-x), written as e^min(x,0) / (1 + e^-|x|): both exponents are <= 0, so nothing overflows."""
        x = self.data
        out = np.exp(np.minimum(x, 0)) / (1 + np.exp(-np.abs(x)))
        return self._child(out, (self,), lambda g: (g * out * (1 - out),), "sigmoid")

    def relu(self) -> Tensor:
        x = self.data
        return self._child(np.maximum(x, 0), (self,), lambda g: (g * (x > 0),), "relu")

    def maximum(self, other: Any) -> Tensor:
        """Elementwise max. Where both are equal the gradient is split in half, as finite differences see it."""
        other = self._lift(other)
        a, b = self.data, other.data
        out = _broadcasting(np.maximum, a, b, "maximum")
        a_wins = ((a > b) + 0.5 * (a == b)).astype(out.dtype)  # 1, 1/2 or 0, in our dtype (not float64)
        return self._child(out, (self, other), lambda g: (g * a_wins, g * (1 - a_wins)), "maximum")

    def minimum(self, other: Any) -> Tensor:
        return -((-self).maximum(-self._lift(other)))

    def clip(self, min: Any = None, max: Any = None) -> Tensor:
        """Clamp into [min, max]; the gradient passes where x is inside the interval (ends included)."""
        x = self.data
        inside = np.ones(x.shape, dtype=bool)
        if min is not None:
            inside &= x >= min
        if max is not None:
            inside &= x <= max
        return self._child(np.clip(x, min, max), (self,), lambda g: (g * inside,), "clip")

    # ----------------------------------------------------------------------------------------------------------
    # Reductions
    # ----------------------------------------------------------------------------------------------------------
    def sum(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        shape = self.shape
        return self._child(self.data.sum(axis=axis, keepdims=keepdims), (self,),
                           lambda g: (_expand_reduced(g, shape, axis, keepdims),), "sum")

    def mean(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """sum / count. Its own rule rather than sum() * (1 / count): one node, as every loss ends with a mean."""
        if self.data.size == 0:
            raise ValueError(f"mean: the tensor of shape {self.shape} is empty, so its mean is undefined")
        shape, total = self.shape, self.data.sum(axis=axis, keepdims=keepdims)
        scale = total.size / self.data.size  # 1 / count, where count = input size / output size
        return self._child(total * scale, (self,), lambda g: (_expand_reduced(g * scale, shape, axis, keepdims),),
                           "mean")

    def max(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """The gradient goes to the largest entry; ties share it equally."""
        x = self.data
        try:
            out = x.max(axis=axis, keepdims=True)
        except ValueError:  # numpy: "zero-size array to reduction operation maximum which has no identity"
            raise ValueError(f"max: the tensor of shape {x.shape} is empty along axis {axis}, so its max is "
                             f"undefined") from None

        def backward(g):  # the ties are found here, not in the forward pass: a detached max never needs them
            winners = (x == out).astype(x.dtype)
            share = winners / winners.sum(axis=axis, keepdims=True)
            return (share * _expand_reduced(g, x.shape, axis, keepdims),)

        result = out if keepdims else np.squeeze(out, axis=axis)
        return self._child(result, (self,), backward, "max")

    def min(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        return -((-self).max(axis=axis, keepdims=keepdims))

    # ----------------------------------------------------------------------------------------------------------
    # Shapes and indexing
    # ----------------------------------------------------------------------------------------------------------
    def reshape(self, *shape: Any) -> Tensor:
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        original = self.shape
        try:
            out = self.data.reshape(shape)
        except ValueError:
            raise ValueError(f"reshape: cannot reshape a tensor of shape {original} ({self.size} elements) into "
                             f"shape {tuple(shape)}") from None
        return self._child(out, (self,), lambda g: (g.reshape(original),), "reshape")

    def transpose(self, *axes: Any) -> Tensor:
        axes = axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes
        axes = tuple(axes) or tuple(reversed(range(self.ndim)))
        try:
            out = self.data.transpose(axes)
        except ValueError:  # numpy: "axes don't match array"
            raise ValueError(f"transpose: axes {axes} are not an order of the {self.ndim} axes of a tensor of shape "
                             f"{self.shape}") from None
        return self._child(out, (self,), lambda g: (g.transpose(np.argsort(axes)),), "transpose")

    @property
    def T(self) -> Tensor:
        return self.transpose()

    def flatten(self) -> Tensor:
        return self.reshape(-1)

    def __getitem__(self, index: Any) -> Tensor:
        index = tuple(_data(i) for i in index) if isinstance(index, tuple) else _data(index)
        x = self.data

        def backward(g):
            grad = np.zeros_like(x)
            np.add.at(grad, index, g)  # add.at, not `grad[index] = g`: an index picked twice gets both gradients
            return (grad,)

        return self._child(x[index], (self,), backward, "getitem")

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
        return bool(self.data)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.data if dtype is None else self.data.astype(dtype)

    def __repr__(self) -> str:
        values = np.array2string(self.data, separator=", ", prefix="Tensor(")
        if self._op is not None:
            return f"Tensor({values}, grad_fn={self._op})"
        return f"Tensor({values}, requires_grad=True)" if self.requires_grad else f"Tensor({values})"


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


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
    return x._child(out, (x, y), lambda g: (g * condition, g * ~condition), "where")


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
    split_points = np.cumsum([t.shape[axis] for t in tensors])[:-1]
    return tensors[0]._child(out, tuple(tensors), lambda g: tuple(np.split(g, split_points, axis=axis)),
                             "concatenate")


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along a new axis; each gets back its own slice of the gradient."""
    tensors = [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]
    try:
        out = np.stack([t.data for t in tensors], axis=axis)
    except ValueError:
        raise ValueError(f"stack: all tensors need the same shape, got {[t.shape for t in tensors]}") from None
    return tensors[0]._child(out, tuple(tensors),
                             lambda g: tuple(np.take(g, i, axis=axis) for i in range(len(tensors))), "stack")
