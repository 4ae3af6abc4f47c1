"""The Tensor and reverse-mode autodiff: the whole idea, first order, in one sitting.

1. A ``Tensor`` wraps a numpy array, ``data``. An op computes its numpy result and calls ``record``, which keeps
   the op's inputs (``parents``) and its **backward rule**: given ``g``, the gradient of the final result with
   respect to the op's output, the rule returns the gradient with respect to each input (the vector-Jacobian
   product). Every op below states its rule right beside its forward computation, in a line or two.
2. ``backward()`` walks the recorded graph once, newest tensor first, hands each rule the gradient that reached
   its tensor, sums the gradients of a tensor used twice, and sums a broadcast gradient back to its input's shape
   (``unbroadcast``). That bookkeeping lives there, once; no op repeats it.
3. Then the lesson's ops: arithmetic, matmul, exp, log, tanh, sigmoid, relu, sum, mean, reshape, transpose and
   indexing.

Nothing is recorded when no input requires a gradient, or inside ``with no_grad():``.

Where the rest lives, met only by those who look for it: more ops by topic in ``engine/`` (elementwise.py,
reductions.py, shapes.py), gradients of gradients and numpy functions of Tensors in ``engine/higher_order.py``,
ops of your own in ``engine/extend.py`` (``custom_op``).
"""
from __future__ import annotations

import contextlib
import contextvars
import heapq
import itertools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from .engine.arrays import as_array, broadcasting
from .keywords import unknown_keywords
from .special import sigmoid as _stable_sigmoid

_grad_enabled = contextvars.ContextVar("grad_enabled", default=True)  # per thread and per task: no_grad nests safely
_creation_counter = itertools.count()  # an op's result is always newer than its inputs: this number orders the graph


@contextlib.contextmanager
def set_grad_enabled(mode: bool) -> Iterator[None]:
    """Inside ``with set_grad_enabled(False):`` no graph is recorded; ``True`` records again (as PyTorch's)."""
    token = _grad_enabled.set(bool(mode))
    try:
        yield
    finally:
        _grad_enabled.reset(token)


def no_grad() -> contextlib.AbstractContextManager:
    """``with no_grad():`` (or ``@no_grad()`` on a function): compute without recording a graph."""
    return set_grad_enabled(False)


def is_grad_enabled() -> bool:
    return _grad_enabled.get()


def record(data: Any, parents: tuple[Tensor, ...], rule: Callable, op: str) -> Tensor:
    """An op's result: a Tensor of ``data`` that keeps its ``parents`` and its backward ``rule`` (how every op, ours
    and yours, enters the graph). ``rule(g, out, *inputs)`` gets the numbers and returns one gradient per parent
    (None where one needs none). If no parent requires a gradient, or inside no_grad(), nothing is kept."""
    out = Tensor.__new__(Tensor)  # skip __init__'s checks: data is already a numpy result
    out.data = data if type(data) is np.ndarray else np.asarray(data)  # numpy answers 0-d arithmetic with scalars
    out.grad, out.name, out.retains_grad, out.order = None, None, False, next(_creation_counter)
    if _grad_enabled.get():
        for parent in parents:
            if parent.requires_grad:  # a gradient can flow through the result: keep how it was made
                out.requires_grad, out.parents, out.backward_rule, out.op = True, parents, rule, op
                return out
    out.requires_grad, out.parents, out.backward_rule, out.op = False, (), None, None
    return out


def unbroadcast(grad: Any, shape: tuple, op: str | None = None) -> Any:
    """Sum a gradient that numpy broadcast up to a bigger shape back down to ``shape``: over the leading axes
    broadcasting added, and over the axes that were 1 in the input. The one place that does; ``op`` names the rule
    that made a gradient no broadcasting explains."""
    summed = grad.sum(axis=tuple(range(grad.ndim - len(shape)))) if grad.ndim > len(shape) else grad
    if summed.shape != shape:
        summed = summed.sum(axis=tuple(axis for axis, size in enumerate(shape) if size == 1), keepdims=True)
    if summed.shape != shape:
        raise RuntimeError(f"the backward rule of '{op}' returned a gradient of shape {grad.shape} for an input of "
                           f"shape {shape}: a gradient must have its input's shape (or one that broadcasting explains)")
    return summed


class Tensor:
    """An n-d array that remembers how it was computed, so gradients can flow back through it.

    >>> x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad            # d/dx sum(x^2) = 2x
    array([[2., 4.],
           [6., 8.]], dtype=float32)

    Numbers and lists become float32 (Keras' floatx); float arrays keep their precision (gradient checks use
    float64). Integer and boolean tensors exist only with an explicit ``dtype=``; they are constants, and an op
    computes on them what numpy computes.
    """

    __slots__ = ("data", "grad", "requires_grad", "name", "parents", "backward_rule", "op", "order", "retains_grad",
                 "__weakref__")
    __hash__ = object.__hash__  # hashable by identity, although == compares values

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None, name: str | None = None):
        if isinstance(data, (list, tuple)) and any(isinstance(item, Tensor) for item in data):
            raise TypeError("Tensor([a, b]) of Tensors would copy their values and cut the graph: write "
                            "tinygrad_acts.stack([a, b]) to keep the gradient (or Tensor([a.numpy(), b.numpy()]) "
                            "to leave the graph on purpose)")
        self.data: np.ndarray = as_array(data.data if isinstance(data, Tensor) else data, dtype)
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(f"only floating-point tensors can require grad, got dtype {self.data.dtype}")
        self.grad: Any = None  # a numpy array after backward(); a Tensor after backward(create_graph=True)
        self.requires_grad = bool(requires_grad)
        self.name = name
        self.parents: tuple[Tensor, ...] = ()  # a leaf: made by hand, not by an op
        self.backward_rule: Callable | None = None
        self.op: str | None = None
        self.order = next(_creation_counter)
        self.retains_grad = False

    # ----------------------------------------------------------------------------------------------------------
    # The engine
    # ----------------------------------------------------------------------------------------------------------
    def backward(self, grad: Any = None, retain_graph: bool = False, create_graph: bool = False) -> None:
        """Reverse mode: add d(self)/d(leaf) into ``leaf.grad`` of every leaf that requires grad (it accumulates, as
        in PyTorch). The rules are released as they run: ``retain_graph=True`` to go through the graph again.
        ``create_graph=True`` records this pass too, for gradients of gradients (engine/higher_order.py)."""
        if create_graph:
            return self.backward_recorded(grad)
        for tensor, g in self.backpropagate(grad, retain_graph):
            if type(g) is not np.ndarray or g.dtype != tensor.data.dtype or g.base is not None:
                g = _own_gradient(g, tensor)  # .grad is an array of its own, in the tensor's dtype
            tensor.grad = g if tensor.grad is None else np.asarray(tensor.grad + g)

    def backpropagate(self, grad: Any = None, retain_graph: bool = False) -> Iterator[tuple[Tensor, np.ndarray]]:
        """backward's loop: yield ``(tensor, d self / d tensor)`` for each leaf that requires grad (once per use: add
        them up) and each tensor that retains its gradient. ``grad`` is d(final)/d(self), 1 for a single number."""
        grads = {self: self.seed_gradient(grad)}  # the gradient that has reached each tensor so far
        # Visit tensors newest first (a max-heap on creation order): every tensor that used `t` is newer than `t`, so
        # when `t` comes off the heap all the gradient flowing into it has arrived. No recursion, any depth.
        heap = [(-self.order, self)]
        while heap:
            _, tensor = heapq.heappop(heap)
            g = grads.pop(tensor)
            rule, parents = tensor.backward_rule, tensor.parents
            if rule is None or tensor.retains_grad:  # backward() of a leaf itself, or a tensor that keeps its .grad
                yield tensor, g
            if rule is None:
                continue
            if not retain_graph:  # a rule runs once: release it, and what it keeps, as soon as it has
                tensor.backward_rule = _released
            if len(parents) > 2:
                grads_of_parents = rule(g, tensor.data, *[parent.data for parent in parents])
            elif len(parents) == 2:  # fast path: the list above costs ~0.5 µs an op (benchmark: W1 14% slower, M1 11%)
                grads_of_parents = rule(g, tensor.data, parents[0].data, parents[1].data)
            else:
                grads_of_parents = rule(g, tensor.data, parents[0].data)
            # one gradient per parent, the rule's contract; a bare zip: strict= would cost ~0.3 µs per op per step
            for parent, parent_grad in zip(parents, grads_of_parents):  # noqa: B905
                if parent_grad is None or not parent.requires_grad:
                    continue
                if parent_grad.shape != parent.data.shape:
                    parent_grad = unbroadcast(parent_grad, parent.data.shape, tensor.op)
                if parent_grad is g and (parent.backward_rule is None or parent.retains_grad):
                    parent_grad = parent_grad.copy()  # add hands g to both sides: each .grad gets its own array
                if parent.backward_rule is None:  # a leaf: nothing flows on from it, so its gradient is ready
                    yield parent, parent_grad
                elif parent in grads:  # a tensor used more than once gets the sum over all its uses
                    grads[parent] = grads[parent] + parent_grad
                else:
                    grads[parent] = parent_grad
                    heapq.heappush(heap, (-parent.order, parent))

    def seed_gradient(self, grad: Any = None) -> np.ndarray:
        """d(self)/d(self): 1 for a single number, else the given ``grad`` of self's shape (a copy: never shared)."""
        if not self.requires_grad:
            raise RuntimeError("backward() needs a tensor that requires grad; this one was computed from inputs that "
                               "do not (create one with Tensor(..., requires_grad=True)) or inside no_grad()")
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(f"backward() without a gradient works only for a single-element tensor (the "
                                   f"gradient of a scalar is implied), got shape {self.shape}; pass grad= explicitly "
                                   f"or reduce first, e.g. t.sum().backward()")
            return np.array(1, dtype=self.data.dtype).reshape(self.shape)  # faster than np.ones
        seed = np.array(as_array(_data(grad), self.data.dtype))
        if seed.shape != self.shape:
            raise ValueError(f"backward(grad): grad has shape {seed.shape}, expected the tensor's shape {self.shape}")
        return seed

    def retain_grad(self) -> Tensor:
        """Keep this intermediate tensor's gradient in ``.grad`` on the next backward (for inspection and drawing)."""
        self.retains_grad = True
        return self

    # ----------------------------------------------------------------------------------------------------------
    # Arithmetic: each op is its numpy result plus its local derivative
    # ----------------------------------------------------------------------------------------------------------
    def __add__(self, other: Any) -> Tensor:
        other = self._lift(other)
        out = broadcasting(np.add, self.data, other.data, "add")
        return record(out, (self, other), lambda g, out, a, b: (g, g), "add")

    def __mul__(self, other: Any) -> Tensor:
        other = self._lift(other)
        out = broadcasting(np.multiply, self.data, other.data, "mul")
        return record(out, (self, other), lambda g, out, a, b: (g * b, g * a), "mul")

    def __neg__(self) -> Tensor:
        return record(-self.data, (self,), lambda g, out, x: (-g,), "neg")

    def __sub__(self, other: Any) -> Tensor:  # a primitive rather than a + (-b): one node instead of two
        other = self._lift(other)
        out = broadcasting(np.subtract, self.data, other.data, "sub")
        return record(out, (self, other), lambda g, out, a, b: (g, -g if other.requires_grad else None), "sub")

    def __truediv__(self, other: Any) -> Tensor:
        """a / b. d/da = 1/b, d/db = -a/b^2, computed as -(a/b)/b: b^2 alone can overflow where the quotient and
        its gradient do not (b = 1e-20 in float32)."""
        other = self._lift(other)
        out = broadcasting(np.divide, self.data, other.data, "div")
        return record(out, (self, other), lambda g, out, a, b: (g / b, -(g * out) / b if other.requires_grad
                                                                 else None), "div")

    def __pow__(self, exponent: Any) -> Tensor:
        """x ** c for a constant c: d/dx = c x^(c-1). For a tensor exponent y also d/dy = x^y log(x).

        c x^(c-1) is 0 * inf at x = 0 for c = 0, so there we use x^0 (the derivative of the constant 1 is 0).
        x^y is differentiable in y only where x > 0; at x = 0 it is constant in y (0 for y > 0, inf for y < 0), so
        d/dy is 0 there, and we give 0 for x < 0 too, where x^y is real only at whole numbers y."""
        if not isinstance(exponent, Tensor):
            c = as_array(exponent, self.data.dtype)
            out = broadcasting(np.power, self.data, c, "pow")
            return record(out, (self,), lambda g, out, x: (g * c * x ** (c - (c != 0)),), "pow")
        out = broadcasting(np.power, self.data, exponent.data, "pow")

        def rule(g, out, x, y):
            positive = x > 0
            d_dy = np.where(positive, out, 0) * np.log(np.where(positive, x, 1))
            return (g * y * x ** (y - (y != 0)) if self.requires_grad else None), g * d_dy

        return record(out, (self, exponent), rule, "pow")

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

        def rule(g, out, a, b):
            # skip the product nobody needs: usually the gradient of the data batch, as costly as the kernel's
            if a.ndim > 1 and b.ndim > 1:  # matrices, or batches of them (.mT transposes the last two axes)
                return (g @ b.mT if self.requires_grad else None), (a.mT @ g if other.requires_grad else None)
            # np.matmul reads a vector as a one-row (left) or one-column (right) matrix: do the same, then drop it
            if b.ndim == 1:
                b, g = b.reshape(-1, 1), g.reshape(g.shape + (1,))
            if a.ndim == 1:
                a, g = a.reshape(1, -1), g.reshape(g.shape[:-1] + (1,) + g.shape[-1:])
            grad_a = g @ b.mT if self.requires_grad else None
            grad_b = a.mT @ g if other.requires_grad else None
            if self.ndim == 1 and grad_a is not None:
                grad_a = grad_a.reshape(grad_a.shape[:-2] + grad_a.shape[-1:])
            if other.ndim == 1 and grad_b is not None:
                grad_b = grad_b.reshape(grad_b.shape[:-1])
            return grad_a, grad_b

        return record(out, (self, other), rule, "matmul")

    __radd__, __rmul__ = __add__, __mul__  # 2 + x is x + 2

    def __rsub__(self, other: Any) -> Tensor:
        return self._lift(other) - self

    def __rtruediv__(self, other: Any) -> Tensor:
        return self._lift(other) / self

    def __rpow__(self, other: Any) -> Tensor:
        return self._lift(other) ** self

    def __rmatmul__(self, other: Any) -> Tensor:
        return self._lift(other) @ self

    def _lift(self, other: Any) -> Tensor:
        """A constant operand becomes a Tensor of our dtype (as in PyTorch: float32 stays float32)."""
        return other if isinstance(other, Tensor) else Tensor(other, dtype=self.data.dtype)

    # ----------------------------------------------------------------------------------------------------------
    # The lesson's functions
    # ----------------------------------------------------------------------------------------------------------
    def exp(self) -> Tensor:
        return record(np.exp(self.data), (self,), lambda g, out, x: (g * out,), "exp")

    def log(self) -> Tensor:
        return record(np.log(self.data), (self,), lambda g, out, x: (g / x,), "log")

    def tanh(self) -> Tensor:
        return record(np.tanh(self.data), (self,), lambda g, out, x: (g * (1 - out * out),), "tanh")

    def sigmoid(self) -> Tensor:
        """1 / (1 + e^-x), written so that no exponent is positive (special.sigmoid): nothing overflows."""
        return record(_stable_sigmoid(self.data), (self,), lambda g, out, x: (g * out * (1 - out),), "sigmoid")

    def relu(self) -> Tensor:
        return record(np.maximum(self.data, 0), (self,), lambda g, out, x: (g * (x > 0),), "relu")

    # ----------------------------------------------------------------------------------------------------------
    # Sums, shapes and indexing
    # ----------------------------------------------------------------------------------------------------------
    def sum(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False, **habits: Any) -> Tensor:
        """Every entry counts once in the sum, so each gets g: g spread back over the axes that were summed."""
        if habits:  # t.sum(dim=0) is told to write axis= (keywords.py; no decorator here: M1 is 3% faster without)
            raise unknown_keywords("Tensor.sum()", habits, ("axis", "keepdims"))
        shape = self.shape
        return record(self.data.sum(axis=axis, keepdims=keepdims), (self,),
                      lambda g, out, x: (expand_reduced(g, shape, axis, keepdims),), "sum")

    def mean(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False, **habits: Any) -> Tensor:
        """sum / count. Its own rule rather than sum() * (1 / count): one node, as every loss ends with a mean."""
        if habits:
            raise unknown_keywords("Tensor.mean()", habits, ("axis", "keepdims"))
        if self.data.size == 0:
            raise ValueError(f"mean: the tensor of shape {self.shape} is empty, so its mean is undefined")
        shape, total = self.shape, self.data.sum(axis=axis, keepdims=keepdims)
        scale = total.size / self.data.size  # 1 / count, where count = input size / output size
        return record(total * scale, (self,), lambda g, out, x: (expand_reduced(g * scale, shape, axis, keepdims),),
                      "mean")

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
        return record(out, (self,), lambda g, out, x: (g.reshape(original),), "reshape")

    def transpose(self, *axes: Any) -> Tensor:
        axes = tuple(axes[0]) if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes
        axes = axes or tuple(reversed(range(self.ndim)))
        try:
            out = self.data.transpose(axes)
        except (ValueError, TypeError):  # numpy: "axes don't match array", or an axis that is not an integer
            raise ValueError(f"transpose: axes {axes} are not an order of the {self.ndim} axes of a tensor of shape "
                             f"{self.shape}") from None
        inverse = tuple(np.argsort([axis % self.ndim for axis in axes]))  # -1 means the last axis: count it as such
        return record(out, (self,), lambda g, out, x: (g.transpose(inverse),), "transpose")

    @property
    def T(self) -> Tensor:
        return self.transpose()


    def __getitem__(self, index: Any) -> Tensor:
        """x[index], any numpy index. The gradient puts g back where the entries came from (_scatter)."""
        index = tuple(_data(i) for i in index) if isinstance(index, tuple) else _data(index)
        shape = self.shape
        return record(self.data[index], (self,), lambda g, out, x: (_scatter(g, index, shape),), "getitem")

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

    if TYPE_CHECKING:  # the rest of the methods (t.sqrt(), t.max(), repr(t), ...) are attached by engine/'s modules
        def __getattr__(self, name: str) -> Any: ...


def _released(*_: Any) -> tuple:
    raise RuntimeError("backward() went through a graph a second time: its backward rules were released after the "
                       "first backward(), to free memory. To backpropagate through the same graph again, call the "
                       "first one as backward(retain_graph=True); to add the gradients of two losses, backpropagate "
                       "their sum once: (loss1 + loss2).backward()")


def _own_gradient(g: Any, tensor: Tensor) -> np.ndarray:
    """A copy of g, as an array in the tensor's dtype (float64 from mixing with integers becomes float32 for a
    float32 tensor; a rule of your own may answer with a Tensor)."""
    g = np.asarray(_data(g))
    if g.dtype.kind != "f":
        raise RuntimeError(f"a backward rule handed a tensor of dtype {tensor.dtype} a gradient of dtype {g.dtype}; "
                           f"gradients are floating-point arrays")
    return g.astype(tensor.data.dtype)  # astype copies


# --------------------------------------------------------------------------------------------------------------
# Helpers of the ops above (each is plain numpy; numpy dispatches it to Tensor ops when a rule is handed Tensors)
# --------------------------------------------------------------------------------------------------------------
def _data(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def expand_reduced(g: Any, shape: tuple, axis: Any, keepdims: bool) -> Any:
    """The gradient of a reduction, spread back over the axes it reduced."""
    if axis is not None and not keepdims:
        g = np.expand_dims(g, axis)
    if not isinstance(g, Tensor):  # fast path: 3x faster than np.broadcast_to on small arrays (benchmark: M1, W1)
        expanded = np.empty(shape, dtype=g.dtype)
        expanded[...] = g
        return expanded
    return np.broadcast_to(g, shape)


def _scatter(g: Any, index: Any, shape: tuple) -> Any:
    """The gradient of ``x[index]``: ``g`` added into zeros of x's shape at ``index`` — twice where the index
    picks an entry twice, which is why it is np.add.at and not ``zeros[index] = g``."""
    out = np.zeros_like(g, shape=shape)
    np.add.at(out, index, g)
    return out
