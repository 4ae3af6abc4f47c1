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
    if not callable(f):
        raise TypeError(f"gradcheck: f must be a function of the inputs returning a Tensor, got {f!r}")
    if not inputs:
        raise ValueError("gradcheck needs at least one input to differentiate with respect to")
    # Tensor() refuses strings, None and ragged lists; finite differences need float64, and a copy to perturb
    tensors = [Tensor(Tensor(x, dtype=np.float64).data.copy(), requires_grad=True) for x in inputs]
    for which, tensor in enumerate(tensors):
        if not np.all(np.isfinite(tensor.data)):
            raise ValueError(f"gradcheck: input {which} holds nan or inf; finite differences need finite inputs")
    out = f(*tensors)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: f must return a Tensor, got {type(out).__name__}")
    if out.requires_grad:
        out.sum().backward()
    for which, tensor in enumerate(tensors):
        autodiff = tensor.grad if tensor.grad is not None else np.zeros_like(tensor.data)
        numeric = numerical_gradient(f, tensors, which, eps)
        with np.errstate(invalid="ignore"):  # inf - inf: a non-finite gradient fails below either way
            error = np.abs(autodiff - numeric) - (atol + rtol * np.abs(numeric))
        error = np.where(np.isfinite(autodiff) & np.isfinite(numeric), error, np.inf)  # nan on either side fails
        if error.size and np.max(error) > 0:
            worst = np.unravel_index(np.argmax(error), error.shape)
            raise AssertionError(
                f"gradcheck: input {which} (shape {tensor.shape}) at index {tuple(int(i) for i in worst)}: "
                f"autodiff gives {autodiff[worst]!r}, finite differences give {numeric[worst]!r}")
    return True
