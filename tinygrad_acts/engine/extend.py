"""Ops of your own: ``custom_op`` makes a differentiable op from numpy code, in the engine's own pattern — the
forward result and its backward rule side by side — and records it with ``record``, as every built-in op is."""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from ..tensor import Tensor, record


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
        inputs = tuple(arg if isinstance(arg, Tensor) else Tensor(arg, dtype=None if first is None else first.dtype)
                       for arg in args)
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
        return record(out, inputs, _checked_rule(rule, name, len(inputs)), name)

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
        return tuple(None if grad is None else record(np.asarray(grad), parents, refuse, f"{name} (first-order)")
                     for grad in vjp(g.data))

    return rule
