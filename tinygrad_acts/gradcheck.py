"""Check an autodiff gradient against central finite differences, the way every gradient test here does."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .tensor import Tensor, no_grad


def numerical_gradient(f: Callable[..., Tensor], inputs: list[Tensor], which: int, eps: float) -> np.ndarray:
    """d sum(f(inputs)) / d inputs[which], one entry at a time: (f(x + eps) - f(x - eps)) / (2 eps)."""
    x = inputs[which].data
    grad = np.zeros_like(x)
    with no_grad():
        for index in np.ndindex(x.shape):
            original = x[index]
            x[index] = original + eps
            plus = np.sum(f(*inputs).data)
            x[index] = original - eps
            minus = np.sum(f(*inputs).data)
            x[index] = original
            grad[index] = (plus - minus) / (2 * eps)
    return grad


def gradcheck(f: Callable[..., Tensor], *inputs: Any, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3) -> bool:
    """Compare the autodiff gradient of ``f(*inputs).sum()`` with central differences, in float64.

    Returns True, or raises AssertionError naming the input, the index of the worst entry and both values.
    The inputs are copied, so the caller's tensors are left alone.
    """
    tensors = [Tensor(np.array(x.data if isinstance(x, Tensor) else x, dtype=np.float64), requires_grad=True)
               for x in inputs]
    out = f(*tensors)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: f must return a Tensor, got {type(out).__name__}")
    if out.requires_grad:
        out.sum().backward()
    for which, tensor in enumerate(tensors):
        autodiff = tensor.grad if tensor.grad is not None else np.zeros_like(tensor.data)
        numeric = numerical_gradient(f, tensors, which, eps)
        error = np.abs(autodiff - numeric) - (atol + rtol * np.abs(numeric))
        if error.size and (np.max(error) > 0 or not np.all(np.isfinite(autodiff))):
            worst = np.unravel_index(np.argmax(np.where(np.isfinite(error), error, np.inf)), error.shape)
            raise AssertionError(
                f"gradcheck: input {which} (shape {tensor.shape}) at index {tuple(int(i) for i in worst)}: "
                f"autodiff gives {autodiff[worst]!r}, finite differences give {numeric[worst]!r}")
    return True
