"""Elementwise ops beyond the lesson's: sqrt, abs, sign, sin, cos, log1p, expm1, erf, erfc, hypot, maximum,
minimum, clip and where; and the comparisons, which give plain boolean arrays (no gradient).

Each is its numpy result and its backward rule side by side, recorded with ``record`` exactly as tensor.py's ops
are, and each is also a Tensor method (``t.sqrt()``, ``t.clip(0, 1)``), attached at the end of this file.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import special
from ..keywords import suggests_keywords
from ..tensor import Tensor, record
from .arrays import broadcasting


def as_tensors(x: Any, y: Any) -> tuple[Tensor, Tensor]:
    """Two operands as Tensors; a constant takes the dtype of the Tensor beside it (as in PyTorch)."""
    if not isinstance(x, Tensor):
        x = Tensor(x, dtype=y.dtype if isinstance(y, Tensor) else None)
    return x, y if isinstance(y, Tensor) else Tensor(y, dtype=x.dtype)


def sqrt(x: Tensor) -> Tensor:
    return record(np.sqrt(x.data), (x,), lambda g, out, x: (g * 0.5 / out,), "sqrt")


def abs(x: Tensor) -> Tensor:
    return record(np.abs(x.data), (x,), lambda g, out, x: (g * np.sign(x),), "abs")


def sign(x: Tensor) -> Tensor:
    """-1, 0 or 1. Piecewise constant, so its gradient is 0 (as in PyTorch): the result is a constant."""
    return Tensor(np.sign(x.data))


def sin(x: Tensor) -> Tensor:
    return record(np.sin(x.data), (x,), lambda g, out, x: (g * np.cos(x),), "sin")


def cos(x: Tensor) -> Tensor:
    return record(np.cos(x.data), (x,), lambda g, out, x: (-g * np.sin(x),), "cos")


def log1p(x: Tensor) -> Tensor:
    """log(1 + x), exact for tiny x where 1 + x would round away x's digits. d/dx = 1 / (1 + x)."""
    return record(np.log1p(x.data), (x,), lambda g, out, x: (g / (1 + x),), "log1p")


def expm1(x: Tensor) -> Tensor:
    """e^x - 1, exact near 0 where exp(x) - 1 cancels to a few digits. d/dx = e^x (recomputed: out + 1 would
    cancel for very negative x)."""
    return record(np.expm1(x.data), (x,), lambda g, out, x: (g * np.exp(x),), "expm1")


def _erf_slope(x: Any) -> Any:
    """d/dx erf(x) = 2/sqrt(pi) e^(-x^2), with x^2 capped (e^-1600 is 0 anyway) so that it cannot overflow."""
    near = np.minimum(np.abs(x), 40.0)
    return np.exp(-(near * near)) * 1.1283791670955126


def erf(x: Tensor) -> Tensor:
    """The error function, 2/sqrt(pi) * integral_0^x e^(-s^2) ds (special.py computes it). d/dx = 2/sqrt(pi)
    e^(-x^2)."""
    return record(special.erf(x.data), (x,), lambda g, out, x: (g * _erf_slope(x),), "erf")


def erfc(x: Tensor) -> Tensor:
    """1 - erf(x), keeping the digits of the far tail that 1 - erf(x) would lose. d/dx = -2/sqrt(pi) e^(-x^2)."""
    return record(special.erfc(x.data), (x,), lambda g, out, x: (-g * _erf_slope(x),), "erfc")


def hypot(x: Any, y: Any) -> Tensor:
    """sqrt(x^2 + y^2) without squaring (no overflow for huge x). d/dx = x / out, d/dy = y / out."""
    x, y = as_tensors(x, y)
    out = broadcasting(np.hypot, x.data, y.data, "hypot")
    return record(out, (x, y), lambda g, out, x, y: (g * x / out, g * y / out), "hypot")


def maximum(x: Any, y: Any) -> Tensor:
    """Elementwise max. Where both are equal the gradient is split in half, as finite differences see it."""
    x, y = as_tensors(x, y)
    a, b = x.data, y.data
    out = broadcasting(np.maximum, a, b, "maximum")
    a_wins = ((a > b) + 0.5 * (a == b)).astype(out.dtype)  # 1, 1/2 or 0, in our dtype (not float64)
    return record(out, (x, y), lambda g, out, a, b: (g * a_wins, g * (1 - a_wins)), "maximum")


def minimum(x: Any, y: Any) -> Tensor:
    x, y = as_tensors(x, y)
    return -maximum(-x, -y)


@suggests_keywords
def clip(x: Tensor, min: Any = None, max: Any = None) -> Tensor:
    """Clamp into [min, max]; the gradient passes where x is inside the interval (ends included)."""
    if min is None and max is None:  # as torch.clamp: clip(None, None) is surely a mistake, not a copy
        raise ValueError("clip: at least one of min and max must be given, got clip(None, None)")
    data = x.data
    clipped = np.clip(data, min, max)  # bounds of a larger shape broadcast x, as in numpy
    inside = np.ones(clipped.shape, dtype=bool)
    if min is not None:
        inside &= data >= min
    if max is not None:
        inside &= data <= max
    return record(clipped, (x,), lambda g, out, x: (g * inside,), "clip")


def where(condition: Any, x: Any, y: Any) -> Tensor:
    """Pick from x where condition holds, else from y. The gradient goes to the side that was picked."""
    condition = np.asarray(condition.data if isinstance(condition, Tensor) else condition, dtype=bool)
    x, y = as_tensors(x, y)
    try:
        out = np.where(condition, x.data, y.data)
    except ValueError:
        raise ValueError(f"where: shapes {condition.shape}, {x.shape} and {y.shape} cannot be broadcast together"
                         ) from None
    return record(out, (x, y), lambda g, out, x, y: (g * condition, g * ~condition), "where")


# ----------------------------------------------------------------------------------------------------------------
# Comparisons give plain boolean arrays: they are not differentiable
# ----------------------------------------------------------------------------------------------------------------
class Comparison(np.ndarray):
    """The booleans of a comparison such as ``t > 0``: a numpy array, but ``if t > 0:`` over several entries says
    what to write instead of numpy's "ambiguous" (Python's ``if`` wants one answer; a Tensor holds many)."""

    def __bool__(self) -> bool:
        if self.size != 1:
            raise ValueError(f"`if` needs one truth value, but this comparison of a Tensor of shape {self.shape} "
                             f"holds {self.size}: write (t > 0).any() or (t > 0).all() to ask about all of them, or "
                             f"tinygrad_acts.where(t > 0, a, b) to choose entry by entry (as `a if t > 0 else b` "
                             f"does for one number)")
        return bool(self.item())


def _compared(values: Any) -> Any:
    return values.view(Comparison) if isinstance(values, np.ndarray) else values


def _values(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def __lt__(x: Tensor, other: Any) -> np.ndarray:
    return _compared(x.data < _values(other))


def __le__(x: Tensor, other: Any) -> np.ndarray:
    return _compared(x.data <= _values(other))


def __gt__(x: Tensor, other: Any) -> np.ndarray:
    return _compared(x.data > _values(other))


def __ge__(x: Tensor, other: Any) -> np.ndarray:
    return _compared(x.data >= _values(other))


def __eq__(x: Tensor, other: Any) -> np.ndarray:
    return _compared(x.data == _values(other))


def __ne__(x: Tensor, other: Any) -> np.ndarray:
    return _compared(x.data != _values(other))


# Tensor methods: t.sqrt() is sqrt(t), t < 0 is __lt__(t, 0)
for _method in (sqrt, abs, sign, sin, cos, log1p, expm1, erf, erfc, hypot, maximum, minimum, clip,
                __lt__, __le__, __gt__, __ge__, __eq__, __ne__):
    setattr(Tensor, _method.__name__, _method)
