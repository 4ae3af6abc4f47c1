"""Regularizers: a penalty on a weight's (or a layer output's) size, added to the training loss, as Keras 3's.

    Dense(64, kernel_regularizer=L2(0.01))         # adds 0.01 * sum(kernel^2) to every training step's loss
    Dense(64, activity_regularizer="l1")           # adds 0.01 * sum(|output|) / batch size

A regularizer is a function of one Tensor that returns one number (a 0-d Tensor), so the engine differentiates it like
any other part of the loss. The penalty of a weight is computed from its current value each time it is asked for
(``layer.losses``, ``model.losses``); the penalty of an output is recorded by the layer's call, divided by the
batch size, as Keras 3 does so that its strength does not depend on the batch. ``fit``, ``train_on_batch`` and
``evaluate`` add them to the compiled loss, so the ``loss`` they report includes them (as Keras' does).

Keras 3's formulas (``keras/src/regularizers/regularizers.py``): L1 is ``l1 * sum(|x|)``, L2 is ``l2 * sum(x^2)``
(no factor 1/2: the gradient is ``2 * l2 * x``), L1L2 both. The names 'l1' and 'l2' give the defaults, 0.01;
'l1l2' gives ``L1L2()``, whose defaults are 0 and 0. (Keras' docstring names it 'l1_l2' with 0.01 and 0.01; Keras
3.15 refuses 'l1_l2' and gives 0 and 0 for 'l1l2'. We follow the code, and accept 'l1_l2' as the same name.)
"""
from __future__ import annotations

import math
from typing import Any

from . import backend
from .keywords import SuggestsKeywords
from .tensor import Tensor


def _factor(regularizer: str, argument: str, value: Any) -> float:
    """A penalty factor: a finite number >= 0 (None means 0, as in Keras' L1L2)."""
    value = 0.0 if value is None else value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{regularizer} expects {argument} to be a finite number >= 0, got {argument}={value!r}")
    return float(value)


class Regularizer(SuggestsKeywords):
    """The base: ``regularizer(x)`` is the penalty for Tensor ``x``, a 0-d Tensor."""

    def __call__(self, x: Tensor) -> Tensor:
        return x.sum() * 0.0

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Regularizer:
        return cls(**config)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.get_config().items())})"


class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x^2)``."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        self.l1, self.l2 = _factor("L1L2", "l1", l1), _factor("L1L2", "l2", l2)

    def __call__(self, x: Tensor) -> Tensor:
        penalty = x.sum() * 0.0  # a 0-d Tensor in x's dtype, connected to x, even when both factors are 0
        if self.l1:
            penalty = penalty + self.l1 * x.abs().sum()
        if self.l2:
            penalty = penalty + self.l2 * (x * x).sum()
        return penalty

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """``l1 * sum(|x|)``: pushes weights to exactly 0 (sparse weights)."""

    def __init__(self, l1: float = 0.01):
        super().__init__(l1=_factor("L1", "l1", l1))

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1}


class L2(L1L2):
    """``l2 * sum(x^2)``: weight decay, pulling every weight towards 0 in proportion to its size."""

    def __init__(self, l2: float = 0.01):
        super().__init__(l2=_factor("L2", "l2", l2))

    def get_config(self) -> dict[str, Any]:
        return {"l2": self.l2}


_REGULARIZERS = {"l1": L1, "l2": L2, "l1l2": L1L2, "L1": L1, "L2": L2, "L1L2": L1L2}  # Keras 3's names


def get(identifier: Any) -> Any:
    """None, a name ('l1', 'l2', 'l1l2': the class with its defaults), a Regularizer, a config
    ``{'class_name': 'L2', 'config': {'l2': 0.1}}``, or any function of a Tensor returning a number, as Keras 3's
    regularizers.get."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return backend.lookup("regularizer", identifier, _REGULARIZERS, ["l1", "l2", "l1l2"])()
    if isinstance(identifier, type) and issubclass(identifier, Regularizer):
        return identifier()
    if isinstance(identifier, dict) and identifier.get("class_name") in _REGULARIZERS:  # a config, as get_config's
        return _REGULARIZERS[identifier["class_name"]].from_config(identifier.get("config", {}))
    if callable(identifier):
        return identifier
    raise ValueError(f"A regularizer must be a name ('l1', 'l2', 'l1l2'), a Regularizer such as L2(0.01), or a "
                     f"function of a Tensor, got {identifier!r} of type {type(identifier).__name__}")


l1, l2, l1_l2 = L1, L2, L1L2  # Keras 3 exports the classes under these names too
