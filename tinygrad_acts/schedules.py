"""Learning-rate schedules: a learning rate that changes with the optimizer's step count.

A schedule is a function of the step. Give one to an optimizer as its ``learning_rate`` and every step uses
``schedule(optimizer.iterations)`` — the step count before that step, so the first step uses ``schedule(0)``::

    schedule = optimizers.schedules.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.5)
    optimizer = optimizers.SGD(learning_rate=schedule)   # 0.1 at step 0, 0.05 at step 100, 0.025 at step 200
    optimizer.learning_rate                               # the rate the next step will use

Keras 3's classes, arguments, defaults and formulas (``keras/src/optimizers/schedules/learning_rate_schedule.py``),
reached as in Keras through ``optimizers.schedules``. Each returns a Python float; given an array of steps, as Keras'
schedules take a tensor of steps (``schedule(np.arange(1000))`` to plot one), an array of the rates, as float64.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .keywords import SuggestsKeywords


def _number(owner: str, name: str, value: Any) -> Any:
    """A finite number, kept as given (so get_config() returns what was passed, as Keras), or a TypeError or
    ValueError naming the schedule and the argument."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{owner}: {name} must be a number, got {value!r} of type {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"{owner}: {name} must be a finite number, got {value!r}")
    return value


def _positive(owner: str, name: str, value: Any) -> Any:
    value = _number(owner, name, value)
    if value <= 0:
        raise ValueError(f"{owner}: {name} must be > 0, got {value:g}")
    return value


def _at_least_zero(owner: str, name: str, value: Any) -> Any:
    value = _number(owner, name, value)
    if value < 0:
        raise ValueError(f"{owner}: {name} must be >= 0, got {value:g}")
    return value


class LearningRateSchedule(SuggestsKeywords):
    """The base class: a subclass defines ``__call__(step) -> learning rate`` and ``get_config()``."""

    name: str

    def __call__(self, step: int) -> float:
        raise NotImplementedError(f"{type(self).__name__} must define __call__(step) -> learning rate")

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError(f"{type(self).__name__} must define get_config()")

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LearningRateSchedule:
        """The schedule ``get_config()`` describes: ``cls(**config)``, as in Keras."""
        return cls(**config)

    def __repr__(self) -> str:
        arguments = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items() if key != "name")
        return f"{type(self).__name__}({arguments})"

    def _step(self, step: Any) -> float:
        """The step as a float; a negative or non-numeric step is an error naming the schedule."""
        return float(_at_least_zero(type(self).__name__, "step", step))

    def _each_step(self, steps: np.ndarray | list | tuple) -> Any:
        """The rate at each of an array (or list) of steps, as an array of its shape: ``schedule(step)`` for each, so
        every entry is the number one step gives (Keras computes them in float32, and fails on an array for
        PiecewiseConstantDecay and for CosineDecay with warmup). A 0-d array is one step: a float."""
        steps = np.asarray(steps)
        rates = [self(step) for step in steps.ravel().tolist()]
        return rates[0] if steps.ndim == 0 else np.array(rates, dtype=np.float64).reshape(steps.shape)


class _StepDecay(LearningRateSchedule):
    """What ExponentialDecay and InverseTimeDecay share: the same arguments, and the progress p = step / decay_steps
    (floor(step / decay_steps) with staircase=True) that their formulas decay by."""

    def __init__(self, initial_learning_rate: float, decay_steps: float, decay_rate: float, staircase: bool = False,
                 name: str | None = None):
        owner = type(self).__name__
        self.initial_learning_rate = _at_least_zero(owner, "initial_learning_rate", initial_learning_rate)
        self.decay_steps = _positive(owner, "decay_steps", decay_steps)
        self.decay_rate = _at_least_zero(owner, "decay_rate", decay_rate)
        self.staircase = bool(staircase)
        self.name = owner if name is None else name  # Keras' default name is the class name

    def _progress(self, step: Any) -> float:
        p = self._step(step) / self.decay_steps
        return math.floor(p) if self.staircase else p

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_StepDecay):
    """Multiply the rate by ``decay_rate`` every ``decay_steps`` steps, smoothly or (``staircase=True``) at once::

        p = step / decay_steps                    # floor(step / decay_steps) with staircase=True
        learning_rate = initial_learning_rate * decay_rate ** p
    """

    def __call__(self, step: Any) -> Any:
        if isinstance(step, (np.ndarray, list, tuple)):  # steps, as Keras' tensor of steps
            return self._each_step(step)
        return float(self.initial_learning_rate * self.decay_rate ** self._progress(step))


class PiecewiseConstantDecay(LearningRateSchedule):
    """A constant rate between boundaries. With ``boundaries=[100, 200]`` and ``values=[1.0, 0.5, 0.1]``::

        step <= 100        -> 1.0
        100 < step <= 200  -> 0.5
        step > 200         -> 0.1

    ``values`` has one entry more than ``boundaries``, which increase.
    """

    def __init__(self, boundaries: list[float], values: list[float], name: str = "PiecewiseConstant"):
        boundaries, values = list(boundaries), list(values)
        if len(boundaries) != len(values) - 1:
            raise ValueError(f"PiecewiseConstantDecay: boundaries must have one entry fewer than values, got "
                             f"boundaries={boundaries} of length {len(boundaries)} and values={values} of length "
                             f"{len(values)}")
        self.boundaries = [_number("PiecewiseConstantDecay", "each boundary", b) for b in boundaries]
        self.values = [_at_least_zero("PiecewiseConstantDecay", "each value", v) for v in values]
        if any(low >= high for low, high in zip(self.boundaries[:-1], self.boundaries[1:], strict=True)):
            raise ValueError(f"PiecewiseConstantDecay: boundaries must increase, got {boundaries}")
        self.name = name

    def __call__(self, step: Any) -> Any:
        if isinstance(step, (np.ndarray, list, tuple)):  # steps, as Keras' tensor of steps
            return self._each_step(step)
        t = self._step(step)
        for boundary, value in zip(self.boundaries, self.values[:-1], strict=True):
            if t <= boundary:
                return float(value)
        return float(self.values[-1])

    def get_config(self) -> dict[str, Any]:
        return {"boundaries": list(self.boundaries), "values": list(self.values), "name": self.name}


class InverseTimeDecay(_StepDecay):
    """Divide the rate by a count that grows linearly with the step::

        p = step / decay_steps                    # floor(step / decay_steps) with staircase=True
        learning_rate = initial_learning_rate / (1 + decay_rate * p)
    """

    def __call__(self, step: Any) -> Any:
        if isinstance(step, (np.ndarray, list, tuple)):  # steps, as Keras' tensor of steps
            return self._each_step(step)
        return float(self.initial_learning_rate / (1 + self.decay_rate * self._progress(step)))


class CosineDecay(LearningRateSchedule):
    """Half a cosine from the rate down to ``alpha`` times it over ``decay_steps`` steps, then constant; optionally
    after a linear warmup from ``initial_learning_rate`` to ``warmup_target`` over ``warmup_steps`` steps::

        warmup, step < warmup_steps:
            initial_learning_rate + (warmup_target - initial_learning_rate) * step / warmup_steps
        decay, after it:
            s = min(step - warmup_steps, decay_steps)
            top * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps)) + alpha)

    where ``top`` is ``warmup_target``, or ``initial_learning_rate`` without warmup (``warmup_target=None``, as Keras
    then ignores ``warmup_steps``).
    """

    def __init__(self, initial_learning_rate: float, decay_steps: float, alpha: float = 0.0,
                 name: str = "CosineDecay", warmup_target: float | None = None, warmup_steps: float = 0):
        self.initial_learning_rate = _at_least_zero("CosineDecay", "initial_learning_rate", initial_learning_rate)
        self.decay_steps = _positive("CosineDecay", "decay_steps", decay_steps)
        self.alpha = _at_least_zero("CosineDecay", "alpha", alpha)
        self.name = name
        self.warmup_target = None if warmup_target is None else _at_least_zero("CosineDecay", "warmup_target",
                                                                               warmup_target)
        self.warmup_steps = _at_least_zero("CosineDecay", "warmup_steps", warmup_steps)

    def __call__(self, step: Any) -> Any:
        if isinstance(step, (np.ndarray, list, tuple)):  # steps, as Keras' tensor of steps
            return self._each_step(step)
        t = self._step(step)
        if self.warmup_target is None:
            return self._decay(min(t, self.decay_steps), self.initial_learning_rate)
        if t < self.warmup_steps:
            completed_fraction = t / self.warmup_steps
            return float(self.initial_learning_rate
                         + (self.warmup_target - self.initial_learning_rate) * completed_fraction)
        return self._decay(min(t - self.warmup_steps, self.decay_steps), self.warmup_target)

    def _decay(self, step: float, top: float) -> float:
        cosine_decayed = 0.5 * (1 + math.cos(math.pi * step / self.decay_steps))
        return float(top * ((1 - self.alpha) * cosine_decayed + self.alpha))

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


__all__ = ["CosineDecay", "ExponentialDecay", "InverseTimeDecay", "LearningRateSchedule", "PiecewiseConstantDecay"]
