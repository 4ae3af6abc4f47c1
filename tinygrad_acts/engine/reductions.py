"""Reductions beyond the lesson's sum and mean: max, min, var, std, logsumexp, prod, cumsum, and the index-valued
argmax and argmin (no gradient).

Each is its numpy result and its backward rule side by side, recorded with ``record`` as tensor.py's ops are, or
composed from other ops (min, var, std, prod); each is also a Tensor method, attached at the end of this file.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..keywords import suggests_keywords
from ..tensor import Tensor, expand_reduced, record
from .arrays import check_axes, check_axis
from .shapes import concatenate

Axis = int | tuple[int, ...] | None


@suggests_keywords
def max(x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """The gradient goes to the largest entry; ties share it equally."""
    data = x.data
    axes = check_axes(axis, x.ndim, "max", x.shape)
    try:
        largest = data.max(axis=axis, keepdims=True)
    except ValueError:  # numpy: "zero-size array to reduction operation maximum which has no identity"
        raise ValueError(f"max: the tensor of shape {data.shape} is empty along axis {axis}, so its max is "
                         f"undefined") from None

    def rule(g, out, _):  # the ties are found here, not in the forward pass: a detached max never needs them
        winners = (data == largest).astype(data.dtype)
        share = winners / winners.sum(axis=axes, keepdims=True)
        return (share * expand_reduced(g, data.shape, axes, keepdims),)

    result = largest if keepdims else np.squeeze(largest, axis=axis)
    return record(result, (x,), rule, "max")


@suggests_keywords
def min(x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    check_axes(axis, x.ndim, "min", x.shape)  # so that an error names min, not the max it is made of
    return -max(-x, axis=axis, keepdims=keepdims)


@suggests_keywords
def var(x: Tensor, axis: Axis = None, keepdims: bool = False, ddof: float = 0) -> Tensor:
    """The variance over ``axis``: sum((x - mean(x))^2) / (n - ddof), for n entries per result.

    ddof=0 (divide by n) is numpy's and Keras' default; torch.var divides by n - 1 unless told otherwise (its
    correction=1): pass ddof=1 for that. Composed from mean, sub, mul and sum, so the gradient,
    2 (x - mean) / (n - ddof), follows. The mean is subtracted first: sum(x^2)/n - mean^2 would cancel digits."""
    return _variance(x, axis, keepdims, ddof, "var")


@suggests_keywords
def std(x: Tensor, axis: Axis = None, keepdims: bool = False, ddof: float = 0) -> Tensor:
    """The standard deviation, sqrt(var), with var's ddof=0 default (torch.std's is ddof=1). Its gradient,
    (x - mean) / ((n - ddof) std), is 0/0 where all entries are equal (std = 0): nan there, as in torch."""
    return _variance(x, axis, keepdims, ddof, "std").sqrt()


def _variance(x: Tensor, axis: Any, keepdims: bool, ddof: float, op: str) -> Tensor:
    axes = check_axes(axis, x.ndim, op, x.shape)
    count = int(np.prod([x.shape[a] for a in axes]))  # entries per result
    if isinstance(ddof, bool) or not isinstance(ddof, (int, float, np.integer, np.floating)) or not ddof >= 0:
        raise ValueError(f"{op}: ddof must be a number >= 0, got {ddof!r}")
    if count - ddof <= 0:
        raise ValueError(f"{op}: ddof={ddof} needs more than {ddof} entries per result, got {count} (axis "
                         f"{axis} of a tensor of shape {x.shape})")
    centered = x - x.mean(axis=axes, keepdims=True)
    return (centered * centered).sum(axis=axes, keepdims=keepdims) / (count - ddof)


@suggests_keywords
def logsumexp(x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """log(sum(e^x)) over ``axis``, computed as m + log(sum(e^(x - m))) with m = max(x): no e^x overflows, and
    the largest term is e^0 = 1, so the log never sees 0. d/dx = e^(x - out), the softmax of x along the axis."""
    data, shape = x.data, x.shape
    axes = check_axes(axis, x.ndim, "logsumexp", shape)
    if any(shape[a] == 0 for a in axes):
        raise ValueError(f"logsumexp: the tensor of shape {shape} is empty along axis {axis}, so it has no "
                         f"largest entry to subtract")
    largest = data.max(axis=axes, keepdims=True)
    shift = np.where(np.isfinite(largest), largest, 0)  # all -inf (or an inf): shift by 0, never inf - inf
    with np.errstate(divide="ignore"):  # all -inf: log(0) = -inf is the answer
        out = np.log(np.exp(data - shift).sum(axis=axes, keepdims=True)) + shift
    out = out if keepdims else np.squeeze(out, axis=axes)

    def rule(g, out, x):
        softmax = np.exp(x - expand_reduced(out, shape, axes, keepdims))
        return (expand_reduced(g, shape, axes, keepdims) * softmax,)

    return record(out, (x,), rule, "logsumexp")


@suggests_keywords
def prod(x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """The product of the entries over ``axis``. d/dx_i = the product of all the other entries.

    That is out / x_i, except where x_i = 0. So instead of a rule we multiply in a tree of pairs (the first half
    of the entries times the second half, again until one is left: log2(n) rounds of mul); mul's rule then gives
    every entry the product of the others, zeros included, and the result is differentiable again."""
    axes = check_axes(axis, x.ndim, "prod", x.shape)
    if x.dtype.kind != "f":  # integers and booleans carry no gradient: numpy's product, in numpy's dtype
        out = np.prod(x.data, axis=axes, keepdims=keepdims)
        return Tensor(out, dtype=out.dtype)
    kept = [a for a in range(x.ndim) if a not in axes]
    count = int(np.prod([x.shape[a] for a in axes]))
    if keepdims:
        result_shape = tuple(1 if a in axes else length for a, length in enumerate(x.shape))
    else:
        result_shape = tuple(x.shape[a] for a in kept)
    if count == 0:  # the product of no numbers is 1 (an empty sum + 1, so that it is an op's result as usual)
        return x.sum(axis=axes, keepdims=keepdims) + 1
    pairs = x.transpose(kept + list(axes)).reshape(tuple(x.shape[a] for a in kept) + (count,))
    while pairs.shape[-1] > 1:
        half = pairs.shape[-1] // 2
        product = pairs[..., :half] * pairs[..., half:2 * half]
        pairs = concatenate([product, pairs[..., 2 * half:]], axis=-1) if pairs.shape[-1] % 2 else product
    return pairs.reshape(result_shape)


@suggests_keywords
def cumsum(x: Tensor, axis: int) -> Tensor:
    """Running sums along ``axis``: out_k = x_0 + ... + x_k. x_i counts in every out_k with k >= i, so
    d/dx_i = g_i + ... + g_last: the running sum of g taken from the end (flip, cumsum, flip back)."""
    axis = check_axis(axis, x.ndim, "cumsum", x.shape)
    from_the_end = (slice(None),) * axis + (slice(None, None, -1),)
    return record(np.cumsum(x.data, axis=axis), (x,),
                  lambda g, out, x: (g[from_the_end].cumsum(axis)[from_the_end],), "cumsum")


@suggests_keywords
def einsum(subscripts: str, *operands: Any) -> Tensor:
    """Einstein summation, as np.einsum: ``einsum('ij,jk->ik', a, b)`` is a @ b, ``'i,i->'`` a dot product,
    ``'ij->j'`` a sum over rows. Each letter names an axis; the letters missing from the output are summed over.

    The gradient of an operand is again an einsum: g (with the output's letters) times the other operands, summed
    to the operand's letters. A letter only that operand has (summed over it alone) comes back through a factor of
    ones of its shape, which spreads g along it. Written with numpy's einsum, so it differentiates again."""
    if not isinstance(subscripts, str) or "..." in subscripts:
        raise ValueError(f"einsum: subscripts must be letters such as 'ij,jk->ik' (no '...'), got {subscripts!r}")
    inputs_part, _, output = subscripts.replace(" ", "").partition("->")
    inputs = inputs_part.split(",")
    if len(inputs) != len(operands):
        raise ValueError(f"einsum: {subscripts!r} names {len(inputs)} operands, got {len(operands)}")
    if "->" not in subscripts:  # numpy's implicit output: the letters used once, in alphabetical order
        output = "".join(sorted(c for c in set(inputs_part) - {","} if inputs_part.count(c) == 1))
    for letters in inputs:
        if len(set(letters)) < len(letters):
            raise ValueError(f"einsum: {letters!r} repeats a letter (a diagonal); that is not an op here")
    tensors = [x if isinstance(x, Tensor) else Tensor(x) for x in operands]
    try:
        out = np.einsum(f"{inputs_part}->{output}", *[x.data for x in tensors])
    except ValueError as error:
        raise ValueError(f"einsum {subscripts!r} of shapes {[x.shape for x in tensors]}: {error}") from None

    def rule(g, out, *xs):
        grads = []
        for k, x in enumerate(xs):
            others = [(letters, xs[j]) for j, letters in enumerate(inputs) if j != k]
            spec = ",".join([output, *(letters for letters, _ in others), inputs[k]]) + "->" + inputs[k]
            grads.append(np.einsum(spec, g, *(y for _, y in others), np.ones_like(x)))
        return tuple(grads)

    return record(out, tuple(tensors), rule, "einsum")


def _index_of(function: Callable, x: Tensor, axis: Any, op: str, which: str) -> Any:
    """np.argmax or np.argmin of a tensor's values, with the axis checked and an empty axis refused clearly."""
    if axis is not None:
        axis = check_axis(axis, x.ndim, op, x.shape)
    if x.size == 0 and (axis is None or x.shape[axis] == 0):
        raise ValueError(f"{op}: the tensor of shape {x.shape} is empty along axis {axis}, so it has no "
                         f"{which} entry")
    return function(x.data, axis=axis)


@suggests_keywords
def argmax(x: Tensor, axis: int | None = None) -> Any:
    """The index of the largest entry (in the flattened tensor when axis is None; the first of several equal
    ones, as numpy and torch), as np.argmax gives it. Plain integers, like comparisons: indices have no gradient."""
    return _index_of(np.argmax, x, axis, "argmax", "largest")


@suggests_keywords
def argmin(x: Tensor, axis: int | None = None) -> Any:
    """The index of the smallest entry; see argmax."""
    return _index_of(np.argmin, x, axis, "argmin", "smallest")


# Tensor methods: t.max(axis=0) is max(t, axis=0)
for _method in (max, min, var, std, logsumexp, prod, cumsum, argmax, argmin):
    setattr(Tensor, _method.__name__, _method)
