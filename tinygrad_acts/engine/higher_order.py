"""Gradients of gradients, and numpy's functions of Tensors: the trick that lets one backward rule serve both.

A backward rule is arithmetic: tanh's is ``g * (1 - out * out)``. In tensor.py's backward pass ``g``, ``out`` and
the inputs are numpy arrays and the rule gives numbers. ``backward(create_graph=True)`` runs the same walk but hands
each rule the **Tensors** themselves, so ``out * out``, ``1 - ...`` and ``g * ...`` are recorded like any forward
computation: each ``.grad`` is then a Tensor with a graph of its own, and differentiating it gives the second
derivative. No rule is written twice.

For that, a rule's numpy code must work on Tensors, which is numpy's own dispatch at work:

- ``Tensor.__array_ufunc__``: numpy's elementwise functions and operators (``np.exp(t)``, ``np.maximum(t, 0)``,
  ``np.ones(3) * t``) become the Tensor ops of the same name (UFUNCS below); a comparison gives a boolean array.
- ``Tensor.__array_function__``: numpy's other functions that the rules use (``np.where``, ``np.expand_dims``,
  ``np.broadcast_to``, ``np.zeros_like``) become Tensor ops too (numpy_functions.py, with all the others).
- ``np.add.at(zeros, index, g)``, indexing's scatter, adds a Tensor ``g`` into a Tensor of zeros that
  ``np.zeros_like(g)`` made: that fresh constant becomes the result of a recorded "scatter" op of ``g``.

``np.asarray(t)`` and ``np.array(t)`` give the values (``Tensor.__array__``): the way out of the graph, on purpose.
"""
from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ..tensor import Tensor, is_grad_enabled, unbroadcast
from . import elementwise


def backward_recorded(root: Tensor, grad: Any = None) -> None:
    """``backward(create_graph=True)``: add d(root)/d(leaf) into ``leaf.grad`` as a Tensor, computed by recorded
    ops, so that it can be differentiated again. The graph is kept (as PyTorch's create_graph implies retain_graph).
    Inside ``no_grad()`` nothing is recorded: this is then the plain backward pass."""
    if not is_grad_enabled():
        return root.backward(grad, retain_graph=True)
    for tensor, g in backpropagate_recorded(root, grad):
        tensor.grad = g if tensor.grad is None else tensor.grad + g


def backpropagate_recorded(root: Tensor, grad: Any = None) -> Iterator[tuple[Tensor, Tensor]]:
    """Tensor.backpropagate, line for line, but each rule gets ``(g, tensor, *parents)``, Tensors, instead
    of their numpy values: every gradient is then a Tensor computed by recorded ops."""
    if isinstance(grad, Tensor):  # a Tensor seed may itself be tracked: d(seed-weighted root)/dx depends on it too
        root.seed_gradient(grad.data)  # checked like any seed
        seed = grad
    else:
        seed = Tensor(root.seed_gradient(grad))
    grads = {root: seed}
    heap = [(-root.order, root)]
    while heap:
        _, tensor = heapq.heappop(heap)
        g = grads.pop(tensor)
        rule = tensor.backward_rule
        if rule is None or tensor.retains_grad:
            yield tensor, g
        if rule is None:
            continue
        for parent, parent_grad in zip(tensor.parents, rule(g, tensor, *tensor.parents), strict=True):
            if parent_grad is None or not parent.requires_grad:
                continue
            if not isinstance(parent_grad, Tensor):  # a rule of your own may answer with a constant array
                parent_grad = Tensor(parent_grad, dtype=parent.dtype)
            if parent_grad.shape != parent.shape:
                parent_grad = unbroadcast(parent_grad, parent.shape, tensor.op)
            if parent in grads:
                grads[parent] = grads[parent] + parent_grad
            else:
                grads[parent] = parent_grad
                heapq.heappush(heap, (-parent.order, parent))


# ----------------------------------------------------------------------------------------------------------------
# numpy's elementwise functions of Tensors: Tensor.__array_ufunc__
# ----------------------------------------------------------------------------------------------------------------
def _on_tensors(operator: Callable[[Tensor, Tensor], Tensor]) -> Callable[[Any, Any], Tensor]:
    """A binary Tensor operator as a function of two operands, either of which may be a constant."""
    return lambda a, b: operator(*elementwise.as_tensors(a, b))


def _on_values(function: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    """A comparison or test of Tensors: a plain boolean array of their values, as ``t > 0`` gives."""
    return lambda *operands: function(*[o.data if isinstance(o, Tensor) else o for o in operands])


# numpy's elementwise functions and the Tensor ops they mean
UFUNCS: dict[np.ufunc, Callable[..., Any]] = {
    np.add: _on_tensors(Tensor.__add__), np.subtract: _on_tensors(Tensor.__sub__),
    np.multiply: _on_tensors(Tensor.__mul__), np.divide: _on_tensors(Tensor.__truediv__),
    np.power: _on_tensors(Tensor.__pow__), np.matmul: _on_tensors(Tensor.__matmul__),
    np.maximum: elementwise.maximum, np.minimum: elementwise.minimum, np.hypot: elementwise.hypot,
    np.negative: Tensor.__neg__, np.exp: Tensor.exp, np.expm1: elementwise.expm1, np.log: Tensor.log,
    np.log1p: elementwise.log1p, np.sqrt: elementwise.sqrt, np.absolute: elementwise.abs, np.sign: elementwise.sign,
    np.tanh: Tensor.tanh, np.sin: elementwise.sin, np.cos: elementwise.cos, np.positive: lambda x: x * 1,
    np.square: lambda x: x * x, np.reciprocal: lambda x: 1 / x, np.log2: lambda x: x.log() / np.log(2),
    np.log10: lambda x: x.log() / np.log(10),
    np.greater: _on_values(np.greater), np.greater_equal: _on_values(np.greater_equal), np.less: _on_values(np.less),
    np.less_equal: _on_values(np.less_equal), np.equal: _on_values(np.equal), np.not_equal: _on_values(np.not_equal),
    np.isfinite: _on_values(np.isfinite), np.isnan: _on_values(np.isnan), np.isinf: _on_values(np.isinf),
}


def __array_ufunc__(t: Tensor, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
    """``np.exp(t)``, ``np.maximum(t, 0)``, ``np.ones(3) * t``: numpy's elementwise functions of a Tensor are the
    Tensor ops of the same name (a comparison gives a plain boolean array, as ``t > 0`` does)."""
    function = UFUNCS.get(ufunc)
    if ufunc is np.add and method == "at" and not kwargs:
        return _scatter_into(*inputs)
    if function is None or method != "__call__" or kwargs:
        names = ", ".join(sorted(f"np.{f.__name__}" for f in UFUNCS))
        raise TypeError(f"np.{ufunc.__name__}{'' if method == '__call__' else '.' + method} is not an op on "
                        f"Tensors{' (with ' + ', '.join(kwargs) + '=)' if kwargs else ''}. Tensors support "
                        f"{names}; for anything else use t.numpy() (no gradient) or add it as an op with "
                        f"tinygrad_acts.custom_op")
    return function(*inputs)


def _scatter_into(target: Any, index: Any, values: Any) -> None:
    """``np.add.at(target, index, values)`` where ``target`` is a Tensor of zeros from ``np.zeros_like(g)`` (the
    scatter of indexing's rule, run on Tensors): the sum is made in place, as numpy's, and the fresh constant
    becomes the result of a recorded op of ``values``, whose own gradient is indexing again."""
    if not (isinstance(target, Tensor) and target.backward_rule is None and not target.requires_grad):
        raise TypeError(f"np.add.at with Tensors adds only into a fresh constant Tensor (as np.zeros_like(t) makes), "
                        f"got a target of type {type(target).__name__}"
                        f"{' that carries a gradient' if isinstance(target, Tensor) else ''}; write the sum as "
                        f"Tensor ops, or leave the graph on purpose with t.numpy()")
    np.add.at(target.data, index, values.data if isinstance(values, Tensor) else values)
    if isinstance(values, Tensor) and values.requires_grad and is_grad_enabled():
        target.requires_grad, target.parents, target.op = True, (values,), "scatter"
        target.backward_rule = lambda g, out, v: (g[index],)


def __array__(t: Tensor, dtype: Any = None, copy: Any = None) -> np.ndarray:
    """``np.asarray(t)``: the values, leaving the graph (on purpose: nothing done with them has a gradient)."""
    return t.data if dtype is None else t.data.astype(dtype)


# Tensor's methods: t.backward(create_graph=True), and numpy's elementwise functions and np.asarray of a Tensor
for _method in (backward_recorded, __array_ufunc__, __array__):
    setattr(Tensor, _method.__name__, _method)
