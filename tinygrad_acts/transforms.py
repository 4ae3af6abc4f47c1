"""Gradients as functions, with JAX's names: grad, value_and_grad, jacobian, hessian, hvp. They compose:
``grad(grad(f))`` is the second derivative, ``hessian(f)`` is ``jacobian(grad(f))``.

Each transform runs f on fresh input Tensors ("stand-ins") and walks the engine's backward pass from f's output,
keeping the gradients of the stand-ins. When somebody could differentiate the result again (an input already
requires grad, as inside another transform, or f uses a Tensor that requires grad), the backward pass is recorded
(``create_graph``) and each stand-in is then joined to the input it stood in for, so the result is a function of
that input like any other computation.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .engine.higher_order import backpropagate_recorded
from .engine.shapes import stack
from .tensor import Tensor, is_grad_enabled, set_grad_enabled


def _stand_in(arg: Any) -> Tensor:
    """A fresh leaf with arg's values, to differentiate with respect to."""
    data = arg.data if isinstance(arg, Tensor) else Tensor(arg).data
    if data.dtype.kind != "f":
        data = data.astype(np.float32)
    return Tensor(data, requires_grad=True)


def _join(stand_in: Tensor, arg: Any) -> None:
    """After the backward pass: make the stand-in pass its gradient on to the input it stood in for (if that input
    is being differentiated too), so results computed from the stand-in are functions of the input."""
    if isinstance(arg, Tensor) and arg.requires_grad:
        stand_in.parents, stand_in.backward_rule, stand_in.op = (arg,), lambda g, out, x: (g,), "input"


def _reaches_another_tracked_leaf(output: Tensor, stand_ins: Sequence[Tensor]) -> bool:
    """Whether f's output depends on a Tensor that requires grad other than our stand-ins (a weight f closes over)."""
    ours, seen, todo = set(stand_ins), set(), [output]
    while todo:
        tensor = todo.pop()
        if tensor in seen:
            continue
        seen.add(tensor)
        if tensor.backward_rule is None and tensor.requires_grad and tensor not in ours:
            return True
        todo.extend(tensor.parents)
    return False


def gradients(output: Tensor, inputs: Sequence[Tensor], seed: Any = None, create_graph: bool = False) -> list[Any]:
    """d output / d input for each input, as arrays (Tensors if ``create_graph``), with ``seed`` as the gradient of
    the output (1 for a single number). Unlike backward(), nothing is stored in any ``.grad``."""
    wanted = set(inputs)
    collected: dict[Tensor, Any] = {}
    if output.requires_grad:  # recorded: a function of the inputs; else kept for the next seed (jacobian's rows)
        walk = backpropagate_recorded(output, seed) if create_graph else output.backpropagate(seed, retain_graph=True)
        for tensor, grad in walk:
            if tensor in wanted:
                collected[tensor] = collected[tensor] + grad if tensor in collected else grad
    grads = [collected[x] if x in collected else np.zeros_like(x.data) for x in inputs]  # no path: a zero gradient
    return [Tensor(g) if create_graph and not isinstance(g, Tensor) else g for g in grads]


def _argnums(argnums: int | Sequence[int], count: int, name: str) -> tuple[int, ...]:
    numbers = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for number in numbers:
        if isinstance(number, bool) or not isinstance(number, int) or not -count <= number < count:
            raise ValueError(f"{name}: argnums={argnums!r} must name positional arguments of f, which got {count}")
    return tuple(number % count for number in numbers)


def _trace(f: Callable, args: tuple, argnums: int | Sequence[int], name: str) -> tuple[Tensor, list, list, bool]:
    """Run f with stand-ins at argnums. Returns f's output, the stand-ins, the original args there, and whether
    the backward pass must be recorded."""
    numbers = _argnums(argnums, len(args), name)
    recording_outside = is_grad_enabled()
    stand_ins = [_stand_in(args[i]) for i in numbers]
    call_args = list(args)
    for i, stand_in in zip(numbers, stand_ins, strict=True):
        call_args[i] = stand_in
    with set_grad_enabled(True):  # as torch.func.grad: f is differentiated even inside no_grad()
        output = f(*call_args)
    if not isinstance(output, Tensor):
        raise TypeError(f"{name}: f must return a Tensor, got {type(output).__name__}")
    originals = [args[i] for i in numbers]
    record = recording_outside and (any(isinstance(a, Tensor) and a.requires_grad for a in originals)
                                    or _reaches_another_tracked_leaf(output, stand_ins))
    return output, stand_ins, originals, record


def _backward_of(output: Tensor, stand_ins: list, originals: list, record: bool, seed: Any = None) -> list:
    with set_grad_enabled(record):
        return gradients(output, stand_ins, seed, create_graph=record)


def value_and_grad(f: Callable[..., Tensor], argnums: int | Sequence[int] = 0) -> Callable[..., tuple[Tensor, Any]]:
    """A function returning ``(f(*args), grad of f)``; f must return a single number (a one-element Tensor)."""
    def value_and_grad_f(*args: Any) -> tuple[Tensor, Any]:
        output, stand_ins, originals, record = _trace(f, args, argnums, "grad")
        if output.size != 1:
            raise ValueError(f"grad: f must return a single number (a one-element Tensor), got shape {output.shape}; "
                             f"use jacobian for a function with several outputs, or reduce it (e.g. .sum())")
        grads = [g if isinstance(g, Tensor) else Tensor(g) for g in _backward_of(output, stand_ins, originals, record)]
        for stand_in, original in zip(stand_ins, originals, strict=True):
            _join(stand_in, original)
        return output, grads[0] if isinstance(argnums, int) else tuple(grads)

    return value_and_grad_f


def grad(f: Callable[..., Tensor], argnums: int | Sequence[int] = 0) -> Callable[..., Any]:
    """The gradient of f (which returns a single number) as a function: ``grad(f)(x)`` is df/dx, a Tensor of x's
    shape. ``argnums`` picks the argument (or a tuple of them: then a tuple of gradients)."""
    def grad_f(*args: Any) -> Any:
        return value_and_grad(f, argnums)(*args)[1]

    return grad_f


def jacobian(f: Callable[..., Tensor], argnums: int = 0) -> Callable[..., Tensor]:
    """The Jacobian of f as a function: ``jacobian(f)(x)`` has shape ``f(x).shape + x.shape``, entry [i, j] being
    d f_i / d x_j. One backward pass per output entry (reverse mode), seeded with that entry's one-hot vector."""
    def jacobian_f(*args: Any) -> Tensor:
        output, stand_ins, originals, record = _trace(f, args, argnums, "jacobian")
        x = stand_ins[0]
        rows = []
        for index in range(output.size):
            seed = np.zeros(output.size, dtype=output.dtype)
            seed[index] = 1
            rows.append(_backward_of(output, stand_ins, originals, record, seed.reshape(output.shape))[0])
        _join(x, originals[0])
        if not rows:
            return Tensor(np.zeros(output.shape + x.shape, dtype=x.dtype))
        return (stack(rows) if record else Tensor(np.stack(rows))).reshape(output.shape + x.shape)

    return jacobian_f


def hessian(f: Callable[..., Tensor], argnums: int = 0) -> Callable[..., Tensor]:
    """The matrix of second derivatives of f (which returns a single number): ``jacobian(grad(f))``, of shape
    ``x.shape + x.shape``."""
    return jacobian(grad(f, argnums), argnums)


def hvp(f: Callable[..., Tensor], x: Any, v: Any) -> Tensor:
    """The Hessian of f at x times the vector v, without forming the Hessian: the gradient of grad(f)(x) . v,
    two backward passes (the first recorded) instead of one per entry of x."""
    v = v.data if isinstance(v, Tensor) else np.asarray(v)
    return grad(lambda y: (grad(f)(y) * v).sum())(x)
