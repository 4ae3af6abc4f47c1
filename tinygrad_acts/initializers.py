"""Weight initializers with Keras' names and formulas. Each takes a shape and returns a float32 array.

fan_in and fan_out are the kernel's input and output sizes; the "glorot" (Xavier) family keeps the variance of
activations and of gradients roughly constant through a layer: Var(w) = 2 / (fan_in + fan_out).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import backend


def _fans(shape: tuple) -> tuple[int, int]:
    if len(shape) < 2:
        return (shape[0], shape[0]) if shape else (1, 1)
    receptive_field = int(np.prod(shape[:-2]))
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def _truncated_normal(shape: tuple, stddev: float) -> np.ndarray:
    """Normal samples redrawn until all lie within two standard deviations, as Keras' truncated normal."""
    values = backend.rng().standard_normal(shape)
    outside = np.abs(values) > 2
    while outside.any():  # each pass redraws only the ~5% that fell outside, so this ends in a few passes
        values[outside] = backend.rng().standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2
    return values * stddev


def zeros(shape: tuple) -> np.ndarray:
    return np.zeros(shape, dtype=backend.floatx())


def ones(shape: tuple) -> np.ndarray:
    return np.ones(shape, dtype=backend.floatx())


def glorot_uniform(shape: tuple) -> np.ndarray:
    """U(-limit, limit) with limit = sqrt(6 / (fan_in + fan_out)). Keras' default kernel initializer."""
    fan_in, fan_out = _fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return backend.rng().uniform(-limit, limit, size=shape).astype(backend.floatx())


def glorot_normal(shape: tuple) -> np.ndarray:
    """Truncated normal with stddev sqrt(2 / (fan_in + fan_out)) (scaled up by Keras' 0.8796 truncation factor)."""
    fan_in, fan_out = _fans(shape)
    return _truncated_normal(shape, np.sqrt(2.0 / (fan_in + fan_out)) / 0.87962566103423978).astype(backend.floatx())


def he_uniform(shape: tuple) -> np.ndarray:
    """U(-limit, limit) with limit = sqrt(6 / fan_in): for ReLU layers."""
    fan_in, _ = _fans(shape)
    limit = np.sqrt(6.0 / fan_in)
    return backend.rng().uniform(-limit, limit, size=shape).astype(backend.floatx())


def he_normal(shape: tuple) -> np.ndarray:
    """Truncated normal with stddev sqrt(2 / fan_in): for ReLU layers."""
    fan_in, _ = _fans(shape)
    return _truncated_normal(shape, np.sqrt(2.0 / fan_in) / 0.87962566103423978).astype(backend.floatx())


def random_normal(shape: tuple) -> np.ndarray:
    """N(0, 0.05^2), Keras' RandomNormal defaults."""
    return (backend.rng().standard_normal(shape) * 0.05).astype(backend.floatx())


def random_uniform(shape: tuple) -> np.ndarray:
    """U(-0.05, 0.05), Keras' RandomUniform defaults."""
    return backend.rng().uniform(-0.05, 0.05, size=shape).astype(backend.floatx())


ALL_INITIALIZERS: dict[str, Callable[[tuple], np.ndarray]] = {
    "zeros": zeros, "ones": ones, "glorot_uniform": glorot_uniform, "glorot_normal": glorot_normal,
    "he_uniform": he_uniform, "he_normal": he_normal, "random_normal": random_normal, "random_uniform": random_uniform,
}


def get(identifier: str | Callable) -> Callable[[tuple], np.ndarray]:
    """An initializer by name, or any callable shape -> array."""
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in ALL_INITIALIZERS:
        return ALL_INITIALIZERS[identifier]
    raise ValueError(f"Unknown initializer {identifier!r}: expected one of {sorted(ALL_INITIALIZERS)} or a callable "
                     f"taking a shape and returning an array")
