"""Tensors made from scratch: zeros, ones, full, eye, arange, zeros_like, ones_like, and seeded random ones."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import backend
from .tensor import Tensor

Shape = int | Sequence[int]


def _shape(shape: Any, function: str) -> tuple[int, ...]:
    """A shape as numpy takes it (one integer, or a sequence of them), checked: every length an integer >= 0."""
    lengths = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
    for length in lengths:
        if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 0:
            raise ValueError(f"{function}: shape must be an integer >= 0 or a tuple of them, got {shape!r}")
    return tuple(int(length) for length in lengths)


def _tensor(values: np.ndarray, dtype: Any, requires_grad: bool) -> Tensor:
    """A leaf Tensor of ``values`` in ``dtype``, or in Keras' floatx (float32 unless set_floatx changed it)."""
    return Tensor(values, dtype=backend.floatx() if dtype is None else dtype, requires_grad=requires_grad)


def zeros(shape: Shape, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _tensor(np.zeros(_shape(shape, "zeros")), dtype, requires_grad)


def ones(shape: Shape, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _tensor(np.ones(_shape(shape, "ones")), dtype, requires_grad)


def full(shape: Shape, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ``shape`` with every entry ``fill_value``."""
    return _tensor(np.full(_shape(shape, "full"), fill_value), dtype, requires_grad)


def eye(n: int, m: int | None = None, k: int = 0, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """The n x m matrix (m = n by default) with ones on diagonal k (0 the main one, k > 0 above it), as np.eye."""
    rows, columns = _shape((n, n if m is None else m), "eye")
    return _tensor(np.eye(rows, columns, k), dtype, requires_grad)


def arange(start: float, stop: float | None = None, step: float = 1, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:
    """start, start + step, ... up to but without stop, as np.arange (``arange(n)`` is 0, 1, ..., n - 1). Floats by
    default, as every Tensor here (torch gives integers for integer arguments)."""
    values = np.arange(start, stop, step) if stop is not None else np.arange(0, start, step)  # arange(n): 0 to n
    return _tensor(values, dtype, requires_grad)


def zeros_like(x: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros of x's shape, in x's dtype unless told otherwise (as numpy and torch: "like" x)."""
    x = x if isinstance(x, Tensor) else Tensor(x)
    return Tensor(np.zeros(x.shape), dtype=x.dtype if dtype is None else dtype, requires_grad=requires_grad)


def ones_like(x: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones of x's shape, in x's dtype unless told otherwise."""
    x = x if isinstance(x, Tensor) else Tensor(x)
    return Tensor(np.ones(x.shape), dtype=x.dtype if dtype is None else dtype, requires_grad=requires_grad)


# --------------------------------------------------------------------------------------------------------------
# Random tensors. seed=None draws from the backend's generator (set_random_seed makes it repeatable); a seed gives
# the same numbers on every call. The numbers are drawn in float64 and then rounded to dtype, so one seed gives the
# same values in every dtype.
# --------------------------------------------------------------------------------------------------------------
def _generator(seed: Any, function: str) -> np.random.Generator:
    if seed is None:
        return backend.rng()
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"{function}: seed must be an integer >= 0 (None: the backend's generator), got {seed!r}")
    return np.random.default_rng(seed)


def _sizes(shape: tuple) -> Any:
    """rand(2, 3) and rand((2, 3)) both mean shape (2, 3), as numpy's and torch's rand take it."""
    return shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape


def _uniform(function: str, shape: Any, minval: float, maxval: float, dtype: Any, seed: Any,
             requires_grad: bool) -> Tensor:
    values = _generator(seed, function).uniform(minval, maxval, size=_shape(shape, function))
    tensor = _tensor(values, dtype, requires_grad)
    if tensor.dtype.kind == "f" and minval < maxval:  # rounding to float32 could reach maxval itself: keep it out
        np.minimum(tensor.data, np.nextafter(tensor.dtype.type(maxval), tensor.dtype.type(minval)), out=tensor.data)
    return tensor


def _normal(function: str, shape: Any, mean: float, stddev: float, dtype: Any, seed: Any,
            requires_grad: bool) -> Tensor:
    return _tensor(_generator(seed, function).normal(mean, stddev, size=_shape(shape, function)), dtype, requires_grad)


def rand(*shape: Any, dtype: Any = None, seed: int | None = None, requires_grad: bool = False) -> Tensor:
    """Uniform random numbers in [0, 1): ``rand(2, 3)`` or ``rand((2, 3))``."""
    return _uniform("rand", _sizes(shape), 0.0, 1.0, dtype, seed, requires_grad)


def randn(*shape: Any, dtype: Any = None, seed: int | None = None, requires_grad: bool = False) -> Tensor:
    """Standard normal random numbers (mean 0, standard deviation 1): ``randn(2, 3)`` or ``randn((2, 3))``."""
    return _normal("randn", _sizes(shape), 0.0, 1.0, dtype, seed, requires_grad)


def uniform(shape: Shape, minval: float = 0.0, maxval: float = 1.0, dtype: Any = None, seed: int | None = None,
            requires_grad: bool = False) -> Tensor:
    """Uniform random numbers in [minval, maxval) (keras.random.uniform's names and defaults)."""
    return _uniform("uniform", shape, minval, maxval, dtype, seed, requires_grad)


def normal(shape: Shape, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: int | None = None,
           requires_grad: bool = False) -> Tensor:
    """Normal random numbers with this mean and standard deviation (keras.random.normal's names and defaults)."""
    return _normal("normal", shape, mean, stddev, dtype, seed, requires_grad)
