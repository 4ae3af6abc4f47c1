"""Optimizers: turn each parameter's gradient into a step that lowers the loss.

The loop every optimizer serves — with a model or with your own tensors::

    optimizer = optimizers.Adam(learning_rate=0.01)
    for _ in range(100):
        optimizer.zero_grad(params)          # forget the previous step's gradients
        loss = ((params[0] - 3.0) ** 2).sum()
        loss.backward()                      # fill each param.grad
        optimizer.step(params)               # move each param against its gradient

``step`` changes the parameters' numpy arrays in place (``param.data -= ...``). It never goes through Tensor ops, so
it records nothing and the graph does not grow from step to step.

The update rules, defaults and state names are Keras 3's (``keras/src/optimizers/sgd.py``, ``adam.py``,
``rmsprop.py``). ``learning_rate`` is a number or a schedule from ``optimizers.schedules`` (``ExponentialDecay``,
``PiecewiseConstantDecay``, ``InverseTimeDecay``, ``CosineDecay``); each step then uses ``schedule(iterations)``, as
Keras does, and ``optimizer.learning_rate`` reads the rate the next step will use. Per-parameter state — Keras
calls these optimizer variables: momentums, velocities — starts at zero the first time a parameter gets a gradient,
in the parameter's own dtype, so float32 stays float32.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

import numpy as np

from . import backend, schedules  # schedules: optimizers.schedules.ExponentialDecay, ..., as in Keras
from .keywords import SuggestsKeywords
from .tensor import Tensor


def _hyperparameter(owner: str, name: str, value: Any, low: float, high: float = math.inf,
                    high_included: bool = True) -> float:
    """A number in [low, high] (or [low, high)) as a Python float: numpy keeps float32 * Python float in float32."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{owner}: {name} must be a number, got {value!r} of type {type(value).__name__}")
    value = float(value)
    if not (low <= value <= high and (high_included or value < high) and math.isfinite(value)):
        interval = f"[{low:g}, {high:g}{']' if high_included else ')'}" if math.isfinite(high) else f">= {low:g}"
        raise ValueError(f"{owner}: {name} must be {'in ' if math.isfinite(high) else ''}{interval}, got {value:g}")
    return value


class Optimizer(SuggestsKeywords):
    """The shared machinery: walk the parameters, keep their state, count the steps.

    A subclass states its update rule in ``update_step(param, grad, learning_rate)``, reading and writing its state
    arrays from ``self._slot(param, name)``, and lists its other arguments in ``config_arguments`` for get_config.
    """
    config_arguments: tuple[str, ...] = ()  # the constructor arguments get_config records

    def __init__(self, learning_rate: float | schedules.LearningRateSchedule):
        self._schedule: schedules.LearningRateSchedule | None = None
        self.iterations = 0  # the number of steps taken, as Keras' optimizer.iterations
        self.learning_rate = learning_rate
        self._slots: dict[Tensor, dict[str, np.ndarray]] = {}  # per-parameter state (Tensors hash by identity)

    @property
    def learning_rate(self) -> float:
        """The rate the next step uses: the number given, or ``schedule(iterations)`` for a schedule."""
        if self._schedule is None:
            return self._learning_rate
        return self._schedule(self.iterations)

    @learning_rate.setter
    def learning_rate(self, value: float | schedules.LearningRateSchedule) -> None:
        if isinstance(value, schedules.LearningRateSchedule):
            self._schedule = value
            return
        if self._schedule is not None:  # as Keras: a number would silently end the schedule
            raise TypeError(f"{type(self).__name__}: this optimizer's learning_rate is the schedule "
                            f"{self._schedule!r}, so it cannot be set to the number {value!r}; give the optimizer a "
                            f"number as its learning_rate to change it during training")
        # checked here too, so a callback cannot set a negative rate
        self._learning_rate = _hyperparameter(type(self).__name__, "learning_rate", value, 0.0)

    def get_config(self) -> dict[str, Any]:
        """The arguments that make this optimizer again (not its state), as Keras' get_config: a schedule as
        ``{'class_name': 'ExponentialDecay', 'config': {...}}``."""
        rate: Any = self._learning_rate if self._schedule is None else \
            {"class_name": type(self._schedule).__name__, "config": self._schedule.get_config()}
        return {"name": _snake_case(type(self).__name__), "learning_rate": rate,
                **{key: getattr(self, key) for key in type(self).config_arguments}}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Optimizer:
        """A new optimizer, with no state, from get_config's dict."""
        arguments = {key: value for key, value in config.items() if key != "name"}
        rate = arguments.get("learning_rate")
        if isinstance(rate, dict):
            arguments["learning_rate"] = getattr(schedules, rate["class_name"]).from_config(rate["config"])
        return cls(**arguments)

    @property
    def learning_rate_schedule(self) -> schedules.LearningRateSchedule | None:
        """The schedule given as ``learning_rate``, or None when it was a number."""
        return self._schedule

    def step(self, params: Iterable[Tensor]) -> None:
        """Update every parameter that has a gradient; one that has none (``grad is None``) is left alone.

        As Keras, ``iterations`` counts a step only if at least one parameter was updated.
        """
        updated = False
        learning_rate = self.learning_rate  # once per step: a schedule's rate at this step's `iterations`
        for param in self._tensors(params, "step"):
            if param.grad is None:
                continue
            grad = np.asarray(param.grad)  # its values: after backward(create_graph=True) .grad is a Tensor
            if grad.shape != param.shape:
                raise ValueError(f"{type(self).__name__}.step: a parameter of shape {param.shape} has a gradient of "
                                 f"shape {grad.shape}")
            self.update_step(param, grad, learning_rate)
            updated = True
        if updated:
            self.iterations += 1

    def zero_grad(self, params: Iterable[Tensor]) -> None:
        """Forget the gradients (``grad = None``), so the next backward() starts from nothing."""
        for param in self._tensors(params, "zero_grad"):
            param.grad = None

    def _tensors(self, params: Iterable[Tensor], method: str) -> list[Tensor]:
        """The parameters as a list of Tensors, each once even if listed twice."""
        params = list(params)
        for param in params:
            if not isinstance(param, Tensor):
                raise TypeError(f"{type(self).__name__}.{method} expects Tensors, got {type(param).__name__}")
        return list(dict.fromkeys(params))  # Tensors hash by identity

    def update_step(self, param: Tensor, grad: np.ndarray, learning_rate: float) -> None:
        raise NotImplementedError(f"{type(self).__name__} must define update_step(param, grad, learning_rate)")

    def _slot(self, param: Tensor, name: str) -> np.ndarray:
        """The state array ``name`` of ``param``, created as zeros of its shape and dtype on first use."""
        slots = self._slots.setdefault(param, {})
        if name not in slots:
            slots[name] = np.zeros_like(param.data)
        return slots[name]

    # ----------------------------------------------------------------------------------------------------------
    # Snapshot and restore, so a training step can be undone exactly
    # ----------------------------------------------------------------------------------------------------------
    def get_state(self) -> dict[str, Any]:
        """A copy of everything a step changes: ``{'iterations': int, 'slots': {param: {name: array}}}``.

        Hyperparameters (learning_rate, ...) are not part of it: a step does not change them.
        """
        return {"iterations": self.iterations,
                "slots": {param: {name: array.copy() for name, array in slots.items()}
                          for param, slots in self._slots.items()}}

    def set_state(self, state: dict[str, Any]) -> None:
        """Go back to a state from ``get_state()``; the optimizer then behaves exactly as it did at that moment.
        Copies again, so the same snapshot can be restored more than once."""
        if not isinstance(state, dict) or set(state) != {"iterations", "slots"}:
            raise ValueError(f"{type(self).__name__}.set_state expects the dict get_state() returns, with keys "
                             f"'iterations' and 'slots', got {state if not isinstance(state, dict) else list(state)!r}")
        for param, slots in state["slots"].items():
            for name, array in slots.items():
                if array.shape != param.shape:
                    raise ValueError(f"{type(self).__name__}.set_state: state {name!r} has shape {array.shape} but "
                                     f"its parameter has shape {param.shape}")
        self.iterations = int(state["iterations"])
        self._slots = {param: {name: array.copy() for name, array in slots.items()}
                       for param, slots in state["slots"].items()}


class SGD(Optimizer):
    """Gradient descent, with optional (Nesterov) momentum. Keras 3's rule, for parameter w and gradient g::

        w = w - learning_rate * g                                 # momentum = 0
        velocity = momentum * velocity - learning_rate * g        # momentum > 0
        w = w + velocity                                          #   or, with nesterov=True:
        w = w + momentum * velocity - learning_rate * g
    """
    config_arguments = ("momentum", "nesterov")

    def __init__(self, learning_rate: float | schedules.LearningRateSchedule = 0.01, momentum: float = 0.0,
                 nesterov: bool = False):
        super().__init__(learning_rate)
        self.momentum = _hyperparameter("SGD", "momentum", momentum, 0.0, 1.0)
        self.nesterov = bool(nesterov)

    def update_step(self, param: Tensor, grad: np.ndarray, learning_rate: float) -> None:
        if self.momentum == 0:
            param.data -= learning_rate * grad
            return
        velocity = self._slot(param, "momentum")
        velocity *= self.momentum
        velocity -= learning_rate * grad
        if self.nesterov:
            param.data += self.momentum * velocity - learning_rate * grad
        else:
            param.data += velocity


class Adam(Optimizer):
    """Adam: a step along the running mean of the gradients, scaled by the running root-mean-square. Keras 3's
    rule at step t = iterations + 1, for parameter w and gradient g::

        m = m + (g - m) * (1 - beta_1)                # running mean of g
        v = v + (g^2 - v) * (1 - beta_2)              # running mean of g^2
        alpha = learning_rate * sqrt(1 - beta_2^t) / (1 - beta_1^t)   # both bias corrections in one factor
        w = w - alpha * m / (sqrt(v) + epsilon)       # epsilon outside the sqrt ("epsilon hat" of the paper)

    With ``amsgrad=True``, v is replaced by its running maximum in the last line.
    """
    config_arguments = ("beta_1", "beta_2", "epsilon", "amsgrad")

    def __init__(self, learning_rate: float | schedules.LearningRateSchedule = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7, amsgrad: bool = False):
        super().__init__(learning_rate)
        self.beta_1 = _hyperparameter("Adam", "beta_1", beta_1, 0.0, 1.0, high_included=False)
        self.beta_2 = _hyperparameter("Adam", "beta_2", beta_2, 0.0, 1.0, high_included=False)
        self.epsilon = _hyperparameter("Adam", "epsilon", epsilon, 0.0)
        self.amsgrad = bool(amsgrad)

    def update_step(self, param: Tensor, grad: np.ndarray, learning_rate: float) -> None:
        t = self.iterations + 1
        alpha = learning_rate * math.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)
        m = self._slot(param, "momentum")
        v = self._slot(param, "velocity")
        m += (grad - m) * (1 - self.beta_1)
        v += (grad * grad - v) * (1 - self.beta_2)
        if self.amsgrad:
            v_hat = self._slot(param, "velocity_hat")
            np.maximum(v_hat, v, out=v_hat)
            v = v_hat
        param.data -= m * alpha / (np.sqrt(v) + self.epsilon)


class RMSprop(Optimizer):
    """RMSprop: divide the gradient by the root of a running mean of its square. Keras 3's rule::

        velocity = rho * velocity + (1 - rho) * g^2
        increment = learning_rate * g / sqrt(velocity + epsilon)       # epsilon inside the sqrt, unlike Adam
        w = w - increment                                              # momentum = 0, or else:
        momentum_buffer = momentum * momentum_buffer + increment;  w = w - momentum_buffer

    With ``centered=True`` the running mean of g, a, is also kept and ``velocity - a^2`` (an estimate of the
    variance) replaces ``velocity`` under the sqrt.
    """
    config_arguments = ("rho", "momentum", "epsilon", "centered")

    def __init__(self, learning_rate: float | schedules.LearningRateSchedule = 0.001, rho: float = 0.9,
                 momentum: float = 0.0, epsilon: float = 1e-7, centered: bool = False):
        super().__init__(learning_rate)
        self.rho = _hyperparameter("RMSprop", "rho", rho, 0.0, 1.0, high_included=False)
        self.momentum = _hyperparameter("RMSprop", "momentum", momentum, 0.0, 1.0)
        self.epsilon = _hyperparameter("RMSprop", "epsilon", epsilon, 0.0)
        self.centered = bool(centered)

    def update_step(self, param: Tensor, grad: np.ndarray, learning_rate: float) -> None:
        velocity = self._slot(param, "velocity")
        velocity *= self.rho
        velocity += (1 - self.rho) * (grad * grad)
        if self.centered:
            average_gradient = self._slot(param, "average_gradient")
            average_gradient *= self.rho
            average_gradient += (1 - self.rho) * grad
            # rounding can push this variance estimate below 0 (then Keras takes the sqrt of a negative: nan)
            denominator = np.maximum(velocity - average_gradient * average_gradient, 0) + self.epsilon
        else:
            denominator = velocity + self.epsilon
        increment = learning_rate * grad / np.sqrt(denominator)
        if self.momentum > 0:
            momentum_buffer = self._slot(param, "momentum")
            momentum_buffer *= self.momentum
            momentum_buffer += increment
            param.data -= momentum_buffer
        else:
            param.data -= increment


def _snake_case(name: str) -> str:
    """Keras' default optimizer name: 'SGD' -> 'sgd', 'Adam' -> 'adam', 'RMSprop' -> 'rm_sprop' (sic: Keras 3.15)."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


_OPTIMIZERS = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop}  # names are case-insensitive, as in Keras


def get(identifier: str | Optimizer) -> Optimizer:
    """An optimizer from a name ('sgd', 'adam', 'rmsprop', any case) with Keras' defaults, or an Optimizer
    instance unchanged."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        return backend.lookup("optimizer", identifier, _OPTIMIZERS)()
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        raise ValueError(f"optimizer={identifier.__name__} is the class; pass an instance, "
                         f"{identifier.__name__}(), or the name {identifier.__name__.lower()!r}")
    raise ValueError(f"An optimizer must be a name ({', '.join(_OPTIMIZERS)}) or an Optimizer instance, got "
                     f"{identifier!r} of type {type(identifier).__name__}")
