"""Shape ops beyond the lesson's reshape, transpose and indexing: mT, flatten, squeeze, unsqueeze (expand_dims),
flip, pad, broadcast_to, and the functions of several tensors concatenate, stack and split.

A shape op moves entries without changing them, so each rule moves the gradient back the same way: reshape it,
slice it, flip it. Recorded with ``record`` as tensor.py's ops are; the methods are attached at the end of the file.
"""
from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..keywords import suggests_keywords
from ..tensor import Tensor, record
from .arrays import check_axes, check_axis


def mT(x: Tensor) -> Tensor:
    """The last two axes swapped: a batch of matrices, each transposed (numpy's and PyTorch's ``.mT``)."""
    if x.ndim < 2:
        raise ValueError(f"mT needs at least 2 axes, got shape {x.shape}")
    return x.transpose(tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2))


def flatten(x: Tensor) -> Tensor:
    return x.reshape(-1)


@suggests_keywords
def squeeze(x: Tensor, axis: int | tuple[int, ...] | None = None) -> Tensor:
    """Drop axes of length 1: all of them, or the ones named. Naming an axis whose length is not 1 is an error,
    as in numpy (torch skips it silently). The gradient is g reshaped back."""
    axes = check_axes(axis, x.ndim, "squeeze", x.shape)
    if axis is None:
        axes = tuple(a for a in axes if x.shape[a] == 1)
    for a in axes:
        if x.shape[a] != 1:
            raise ValueError(f"squeeze: axis {a} of a tensor of shape {x.shape} has length {x.shape[a]}; "
                             f"only axes of length 1 can be squeezed")
    original = x.shape
    return record(np.squeeze(x.data, axis=axes), (x,), lambda g, out, x: (g.reshape(original),), "squeeze")


@suggests_keywords
def unsqueeze(x: Tensor, axis: int | tuple[int, ...]) -> Tensor:
    """Insert an axis of length 1 at position ``axis`` of the result (or several, for a tuple): shape (2, 3)
    gives (1, 2, 3) with axis=0 and (2, 3, 1) with axis=-1. numpy's name, expand_dims, works too. The gradient
    is g reshaped back."""
    if axis is None:
        raise TypeError("unsqueeze: axis must be an integer or a tuple of integers, got None")
    added = len(axis) if isinstance(axis, (tuple, list)) else 1
    axes = check_axes(axis, x.ndim + added, "unsqueeze", x.shape)
    original = x.shape
    return record(np.expand_dims(x.data, axes), (x,), lambda g, out, x: (g.reshape(original),), "unsqueeze")


expand_dims = unsqueeze


@suggests_keywords
def flip(x: Tensor, axis: int | tuple[int, ...] | None = None) -> Tensor:
    """Reverse the order of the entries along ``axis`` (along every axis when None, as numpy). A flip undoes
    itself, so the gradient is g flipped the same way."""
    axes = check_axes(axis, x.ndim, "flip", x.shape)
    reverse = tuple(slice(None, None, -1) if a in axes else slice(None) for a in range(x.ndim))
    return record(x.data[reverse], (x,), lambda g, out, x: (g[reverse],), "flip")


def _pad_widths(pad_width: Any, shape: tuple) -> list[tuple[int, int]]:
    """numpy's pad_width forms as one (before, after) pair of integers >= 0 per axis (numpy broadcasts them too)."""
    try:
        widths = np.asarray(pad_width.data if isinstance(pad_width, Tensor) else pad_width)
        pairs = np.broadcast_to(widths, (len(shape), 2))
    except ValueError:
        pairs = None
    if pairs is None or widths.dtype.kind not in "iu" or np.any(pairs < 0):
        raise ValueError(f"pad: pad_width must be integers >= 0, as n, (before, after) or one (before, after) per "
                         f"axis of the tensor of shape {shape}; got {pad_width!r}")
    return [(int(before), int(after)) for before, after in pairs]


@suggests_keywords
def pad(x: Tensor, pad_width: Any, constant_values: Any = 0) -> Tensor:
    """Surround with ``constant_values``. ``pad_width`` in numpy's forms: n (n before and after, on every axis),
    (before, after) for every axis, or one (before, after) pair per axis. The gradient is g without the border."""
    widths = _pad_widths(pad_width, x.shape)
    fill = constant_values.data if isinstance(constant_values, Tensor) else constant_values
    out = np.pad(x.data, widths or 0, constant_values=fill)  # 0-d: no axes, nothing to pad
    # one (before, after) pair per axis by construction; zip stays bare (noqa) as a keyword costs it ~0.3 µs a call
    inside = tuple(slice(before, before + length) for (before, _), length in zip(widths, x.shape))  # noqa: B905
    return record(out, (x,), lambda g, out, x: (g[inside],), "pad")


@suggests_keywords
def broadcast_to(x: Tensor, shape: Sequence[int]) -> Tensor:
    """Repeat along new leading axes and along axes of length 1, as numpy broadcasting does. The gradient sums
    the copies back: the engine's unbroadcast, so the rule itself passes g on unchanged."""
    shape = tuple(shape)
    try:
        out = np.broadcast_to(x.data, shape)
    except ValueError:
        raise ValueError(f"broadcast_to: a tensor of shape {x.shape} cannot be broadcast to {shape}") from None
    return record(np.array(out), (x,), lambda g, out, x: (g,), "broadcast_to")


# ----------------------------------------------------------------------------------------------------------------
# Functions of several tensors
# ----------------------------------------------------------------------------------------------------------------
@suggests_keywords
def concatenate(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis; each gets back its own slice of the gradient."""
    tensors = [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]
    if tensors:
        check_axis(axis, tensors[0].ndim, "concatenate", tensors[0].shape)
    try:
        out = np.concatenate([t.data for t in tensors], axis=axis)
    except ValueError as error:
        raise ValueError(f"concatenate: shapes {[t.shape for t in tensors]} do not fit along axis {axis}: {error}"
                         ) from None
    ends = np.cumsum([t.shape[axis] for t in tensors])
    before = (slice(None),) * (axis % out.ndim)  # the axes in front of the joined one, taken whole
    pieces = [before + (slice(end - t.shape[axis], end),) for t, end in zip(tensors, ends)]  # noqa: B905 one end per t
    return record(out, tuple(tensors), lambda g, out, *inputs: tuple(g[piece] for piece in pieces), "concatenate")


@suggests_keywords
def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along a new axis; each gets back its own slice of the gradient."""
    tensors = [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]
    axes = tensors[0].ndim + 1 if tensors else 1  # the new axis goes before the first axis, ..., after the last
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or not -axes <= axis < axes:
        raise ValueError(f"stack: axis {axis!r} is out of range: stacking tensors of shape "
                         f"{tensors[0].shape if tensors else ()} gives {axes} axes, so axis is one of {-axes} to "
                         f"{axes - 1}")
    try:
        out = np.stack([t.data for t in tensors], axis=axis)
    except ValueError:
        raise ValueError(f"stack: all tensors need the same shape, got {[t.shape for t in tensors]}") from None
    before = (slice(None),) * (axis % out.ndim)
    return record(out, tuple(tensors), lambda g, out, *inputs: tuple(g[before + (i,)] for i in range(len(tensors))),
                  "stack")


@suggests_keywords
def split(tensor: Any, indices_or_sections: int | Sequence[int], axis: int = 0) -> list[Tensor]:
    """Cut a tensor into pieces along ``axis``, as numpy.split: an integer n gives n equal pieces (an error if the
    length is not a multiple of n); indices [i, j] give the pieces x[:i], x[i:j], x[j:]. Each piece is a slice of
    the tensor (getitem), so each hands back its own part of the gradient."""
    tensor = tensor if isinstance(tensor, Tensor) else Tensor(tensor)
    axis = check_axis(axis, tensor.ndim, "split", tensor.shape)
    length = tensor.shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)) and not isinstance(indices_or_sections, bool):
        sections = int(indices_or_sections)
        if sections < 1 or length % sections:
            raise ValueError(f"split: axis {axis} of a tensor of shape {tensor.shape} has length {length}, which "
                             f"cannot be cut into {sections} equal pieces; give indices to cut at instead")
        bounds = [i * (length // sections) for i in range(sections + 1)]
    else:
        cuts = indices_or_sections.data if isinstance(indices_or_sections, Tensor) else indices_or_sections
        indices = np.asarray(cuts)
        if indices.ndim != 1 or (indices.size and indices.dtype.kind not in "iu"):
            raise ValueError(f"split: indices_or_sections must be a number of equal pieces or a list of integer "
                             f"indices to cut at, got {indices_or_sections!r}")
        bounds = [0, *(int(i) for i in indices), length]
    before = (slice(None),) * axis
    return [tensor[before + (slice(start, end),)] for start, end in itertools.pairwise(bounds)]


# Tensor methods: t.squeeze() is squeeze(t), t.mT is mT(t)
for _method in (flatten, squeeze, unsqueeze, flip, pad, broadcast_to):
    setattr(Tensor, _method.__name__, _method)
setattr(Tensor, "expand_dims", unsqueeze)  # noqa: B010  numpy's name for the same op
setattr(Tensor, "mT", property(mT))  # noqa: B010  a property, as numpy's .mT
