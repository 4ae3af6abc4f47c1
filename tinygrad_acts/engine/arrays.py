"""The numpy arrays the engine takes: what data becomes a Tensor's array, numpy's broadcast errors named, axes
checked. Plain numpy; no Tensor here."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def as_array(data: Any, dtype: Any = None) -> np.ndarray:
    """Tensor data as an array: Python numbers, lists and integers become float32 (Keras' floatx);
    float arrays keep their precision (gradient checks need float64); an explicit dtype wins."""
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


def broadcasting(ufunc: Callable, a: np.ndarray, b: np.ndarray, op: str) -> np.ndarray:
    """Apply a numpy binary function, turning numpy's broadcast error into one that names the op and both shapes."""
    try:
        return ufunc(a, b)
    except ValueError:
        raise ValueError(f"{op}: shapes {a.shape} and {b.shape} cannot be broadcast together") from None


def check_axis(axis: Any, ndim: int, op: str, shape: tuple) -> int:
    """One axis, checked and counted from 0 (-1 is the last of ``ndim`` axes)."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{op}: axis must be an integer, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{op}: axis {axis} is out of range for a tensor of shape {shape}")
    return int(axis) % ndim


def check_axes(axis: Any, ndim: int, op: str, shape: tuple) -> tuple[int, ...]:
    """``axis`` as numpy takes it (None for every axis, one integer, or a tuple of them), as a checked tuple."""
    if axis is None:
        return tuple(range(ndim))
    axes = tuple(check_axis(a, ndim, op, shape) for a in (axis if isinstance(axis, (tuple, list)) else (axis,)))
    if len(set(axes)) < len(axes):
        raise ValueError(f"{op}: axis {axis} names the same axis twice")
    return axes
