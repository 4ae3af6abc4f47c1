"""numpy's functions of Tensors (``Tensor.__array_function__``): never a plain array in silence.

``np.sum(t)``, ``np.concatenate([t, u])``, ``np.where(t > 0, t, 0)``: numpy hands a function whose arguments hold a
Tensor to ``Tensor.__array_function__``, which answers in one of three ways:

- the function is an op here (FUNCTIONS): the Tensor op runs, and the gradient flows through it as through
  ``t.sum()``; numpy's arguments the op lacks (``out=``, ``where=``, ``dtype=``) are refused by name;
- the function asks a question about the values (QUESTIONS: ``np.shape``, ``np.allclose``, ``np.argmax``, ...):
  it runs on the values and answers with booleans, integers or shapes, which have no gradient anyway;
- any other function raises a TypeError that names it and says what to write: the Tensor op, ``t.numpy()`` to
  leave the graph on purpose, or ``custom_op`` to make it an op.

numpy's elementwise functions (``np.exp(t)``) go through ``Tensor.__array_ufunc__`` instead (higher_order.py).
One case numpy never hands over: a list of Tensors given to a function that does not look inside lists
(``np.mean([loss1, loss2])``) is turned into an array by numpy itself, through ``np.asarray``; write
``tinygrad_acts.stack([loss1, loss2]).mean()`` (``Tensor([a, b])`` refuses, for the same reason).
``np.asarray(t)`` and ``np.array(t)`` give the values: the explicit way out of the graph.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..tensor import Tensor
from . import elementwise, reductions, shapes

_UNSET = object()  # an argument not given (numpy passes on only what the caller wrote)


def _no(function: str, **given: Any) -> None:
    """Refuse numpy's arguments that an op here does not have, when they were given (not None or numpy's default)."""
    used = [name for name, value in given.items() if value is not None and value is not _UNSET]
    if used:
        raise TypeError(f"np.{function}(t, {', '.join(f'{name}=...' for name in used)}): the Tensor op has no "
                        f"{', '.join(used)}; Tensor ops make a new Tensor (y = np.{function}(t) keeps the gradient), "
                        f"or leave the graph on purpose with t.numpy()")


def _given(value: Any, default: Any) -> Any:
    return default if value is _UNSET else value


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


# ----------------------------------------------------------------------------------------------------------------
# numpy's signatures, mapped onto the Tensor ops
# ----------------------------------------------------------------------------------------------------------------
def _sum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: Any = _UNSET, initial: Any = _UNSET,
         where: Any = _UNSET) -> Tensor:
    _no("sum", dtype=dtype, out=out, initial=initial, where=where)
    return _tensor(a).sum(axis=axis, keepdims=_given(keepdims, False))


def _mean(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: Any = _UNSET, *,
          where: Any = _UNSET) -> Tensor:
    _no("mean", dtype=dtype, out=out, where=where)
    return _tensor(a).mean(axis=axis, keepdims=_given(keepdims, False))


def _extreme(name: str, reduce: Callable) -> Callable:
    def extreme(a: Any, axis: Any = None, out: Any = None, keepdims: Any = _UNSET, initial: Any = _UNSET,
                where: Any = _UNSET) -> Tensor:
        _no(name, out=out, initial=initial, where=where)
        return reduce(_tensor(a), axis=axis, keepdims=_given(keepdims, False))

    return extreme


def _prod(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: Any = _UNSET, initial: Any = _UNSET,
          where: Any = _UNSET) -> Tensor:
    _no("prod", dtype=dtype, out=out, initial=initial, where=where)
    return reductions.prod(_tensor(a), axis=axis, keepdims=_given(keepdims, False))


def _spread(name: str, reduce: Callable) -> Callable:
    def spread(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: Any = 0, keepdims: Any = _UNSET,
               *, where: Any = _UNSET, mean: Any = _UNSET, correction: Any = _UNSET) -> Tensor:
        _no(name, dtype=dtype, out=out, where=where, mean=mean)
        return reduce(_tensor(a), axis=axis, keepdims=_given(keepdims, False), ddof=_given(correction, ddof))

    return spread


def _cumsum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Tensor:
    _no("cumsum", dtype=dtype, out=out)
    x = _tensor(a)
    return reductions.cumsum(x.reshape(-1), 0) if axis is None else reductions.cumsum(x, axis)


def _clip(a: Any, a_min: Any = _UNSET, a_max: Any = _UNSET, out: Any = None, *, min: Any = _UNSET,
          max: Any = _UNSET, **kwargs: Any) -> Tensor:
    _no("clip", out=out, **kwargs)
    low, high = _given(min, _given(a_min, None)), _given(max, _given(a_max, None))
    if isinstance(low, Tensor) or isinstance(high, Tensor):
        raise TypeError("np.clip(t, low, high) with Tensor bounds: clip's bounds are constants here; for bounds that "
                        "carry a gradient write tinygrad_acts.minimum(tinygrad_acts.maximum(t, low), high)")
    return elementwise.clip(_tensor(a), low, high)


def _dot(a: Any, b: Any, out: Any = None) -> Tensor:
    _no("dot", out=out)
    a, b = elementwise.as_tensors(a, b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.ndim > 2 or b.ndim > 2:  # numpy's dot of stacks pairs every matrix with every other: not matmul
        raise TypeError(f"np.dot of tensors of shapes {a.shape} and {b.shape}: for more than 2 axes write np.matmul "
                        f"(a @ b, batches of matrices) or np.einsum, which say which axes meet")
    return a @ b


def _outer(a: Any, b: Any, out: Any = None) -> Tensor:
    _no("outer", out=out)
    a, b = elementwise.as_tensors(a, b)
    return a.reshape(-1, 1) * b.reshape(1, -1)


def _joined(name: str, join: Callable) -> Callable:
    def joined(arrays: Sequence[Any], axis: int = 0, out: Any = None, *, dtype: Any = None,
               casting: Any = "same_kind") -> Tensor:
        _no(name, out=out, dtype=dtype)
        return join(list(arrays), axis=axis)

    return joined


def _reshape(a: Any, shape: Any = None, order: str = "C", *, newshape: Any = None, copy: Any = None) -> Tensor:
    _no("reshape", order=None if order == "C" else order, copy=copy)
    return _tensor(a).reshape(newshape if shape is None else shape)


def _transpose(a: Any, axes: Any = None) -> Tensor:
    return _tensor(a).transpose(*(() if axes is None else (tuple(axes),)))


def _swapaxes(a: Any, axis1: int, axis2: int) -> Tensor:
    x = _tensor(a)
    order = list(range(x.ndim))
    order[axis1], order[axis2] = order[axis2], order[axis1]
    return x.transpose(tuple(order))


def _moveaxis(a: Any, source: Any, destination: Any) -> Tensor:
    x = _tensor(a)
    order = [axis for axis in range(x.ndim) if axis != source % x.ndim]
    order.insert(destination % x.ndim, source % x.ndim)
    return x.transpose(tuple(order))


def _pad(array: Any, pad_width: Any, mode: str = "constant", **kwargs: Any) -> Tensor:
    if mode != "constant" or set(kwargs) - {"constant_values"}:
        raise TypeError(f"np.pad(t, mode={mode!r}): the Tensor op pads with a constant only (constant_values=...)")
    return shapes.pad(_tensor(array), pad_width, kwargs.get("constant_values", 0))


def _constant_like(name: str, fill: Any) -> Callable:
    """np.zeros_like(t), np.ones_like(t), np.empty_like(t): a constant Tensor, since it does not depend on t's
    values (as in PyTorch); np.full_like(t, v) likewise."""
    def like(a: Any, *args: Any, dtype: Any = None, order: str = "K", subok: bool = True, shape: Any = None,
             **kwargs: Any) -> Tensor:
        value = args[0] if name == "full_like" and args else kwargs.get("fill_value", fill)
        dtype = dtype or (args[1] if name == "full_like" and len(args) > 1 else None) or a.dtype
        return Tensor(np.full(a.shape if shape is None else shape, value, dtype=dtype), dtype=dtype)

    return like


def _norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Tensor:
    """np.linalg.norm for the Euclidean norm (ord=None, and 'fro' of a matrix): sqrt(sum(x^2))."""
    if ord not in (None, "fro", 2 if axis is not None and not isinstance(axis, tuple) else None):
        raise TypeError(f"np.linalg.norm(t, ord={ord!r}): only the Euclidean norm is an op here, sqrt(sum(t^2)); "
                        f"write others with Tensor ops, e.g. abs(t).sum() for ord=1")
    t = _tensor(x)
    return (t * t).sum(axis=axis, keepdims=keepdims).sqrt()


def _where(condition: Any, *values: Any) -> Any:
    if not values:  # np.where(t > 0): the positions, a question about values
        return np.where(np.asarray(condition))
    return elementwise.where(condition, *values)


FUNCTIONS: dict[Callable, Callable[..., Any]] = {
    np.sum: _sum, np.mean: _mean, np.max: _extreme("max", reductions.max), np.amax: _extreme("amax", reductions.max),
    np.min: _extreme("min", reductions.min), np.amin: _extreme("amin", reductions.min), np.prod: _prod,
    np.var: _spread("var", reductions.var), np.std: _spread("std", reductions.std), np.cumsum: _cumsum,
    np.clip: _clip, np.dot: _dot, np.outer: _outer, np.einsum: reductions.einsum, np.where: _where,
    np.concatenate: _joined("concatenate", shapes.concatenate), np.stack: _joined("stack", shapes.stack),
    np.split: lambda ary, indices_or_sections, axis=0: shapes.split(ary, indices_or_sections, axis),
    np.reshape: _reshape, np.ravel: lambda a, order="C": _reshape(a, -1, order), np.transpose: _transpose,
    np.swapaxes: _swapaxes, np.moveaxis: _moveaxis,
    np.squeeze: lambda a, axis=None: shapes.squeeze(_tensor(a), axis),
    np.expand_dims: lambda a, axis: shapes.unsqueeze(_tensor(a), axis),
    np.broadcast_to: lambda array, shape, subok=False: shapes.broadcast_to(_tensor(array), shape),
    np.flip: lambda m, axis=None: shapes.flip(_tensor(m), axis), np.pad: _pad,
    np.zeros_like: _constant_like("zeros_like", 0), np.ones_like: _constant_like("ones_like", 1),
    np.empty_like: _constant_like("empty_like", 0), np.full_like: _constant_like("full_like", 0),
    np.linalg.norm: _norm,
}

# questions about the values: their answers are booleans, integers, indices or shapes, which carry no gradient
QUESTIONS = frozenset({
    np.shape, np.ndim, np.size, np.allclose, np.isclose, np.array_equal, np.array_equiv, np.count_nonzero, np.any,
    np.all, np.argmax, np.argmin, np.argsort, np.nonzero, np.flatnonzero, np.argwhere, np.iscomplexobj,
    np.isrealobj, np.result_type, np.may_share_memory, np.shares_memory, np.searchsorted,
})


def _values(x: Any) -> Any:
    """The same arguments with each Tensor (also inside lists and tuples) replaced by its values."""
    if isinstance(x, Tensor):
        return x.data
    if isinstance(x, (list, tuple)):
        return type(x)(_values(item) for item in x)
    return x


def __array_function__(t: Tensor, func: Callable, types: tuple, args: tuple, kwargs: dict) -> Any:
    """numpy's function ``func`` of Tensors: the Tensor op, a question answered from the values, or an error."""
    function = FUNCTIONS.get(func)
    if function is not None:
        return function(*args, **kwargs)
    if func in QUESTIONS:
        return func(*_values(args), **{key: _values(value) for key, value in kwargs.items()})
    name = f"{func.__module__.replace('numpy.', 'np.').replace('np._core.', 'np.')}.{func.__name__}" \
        if func.__module__ not in ("numpy", None) else f"np.{func.__name__}"
    ops = ", ".join(sorted({f"np.{f.__name__}" for f in FUNCTIONS}))
    raise TypeError(f"{name} is not an op on Tensors: it would answer with a plain array, and the gradient would "
                    f"stop there without a word. Write it with Tensor ops (the numpy functions that are: {ops}, and "
                    f"numpy's elementwise functions such as np.exp), leave the graph on purpose with t.numpy(), or "
                    f"make it an op with tinygrad_acts.custom_op")


setattr(Tensor, "__array_function__", __array_function__)  # noqa: B010  numpy's protocol (tensor.py's class lacks it)
