"""The base of every metric class, Metric (add_variable, update_state, result, reset_state), what fit logs of its
result(), and the numpy helpers every metric class uses. Its state is held in Variables (variables.py), as Keras'."""
from __future__ import annotations

import re
from typing import Any

import numpy as np

from .. import backend, initializers
from ..keywords import SuggestsKeywords
from ..tensor import Tensor
from ..variables import Variable


def numbers_of(value: Any) -> Any:
    """The numbers of a Tensor or Variable as a numpy array; anything else as it is. Metric state keeps no graph."""
    if isinstance(value, Tensor):  # a Variable too
        return value.data
    return value


def same_rank(x1: np.ndarray, x2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keras' squeeze_or_expand_to_same_rank: when the ranks differ by one and the longer ends in an axis of 1, that
    axis goes — unless the other array is 1-d, which then gains one. Labels (n,) meet predictions (n, 1) so."""
    if x1.ndim == x2.ndim + 1 and x1.shape[-1] == 1:
        return (x1, x2[:, None]) if x2.ndim == 1 else (x1[..., 0], x2)
    if x2.ndim == x1.ndim + 1 and x2.shape[-1] == 1:
        return (x1[:, None], x2) if x1.ndim == 1 else (x1, x2[..., 0])
    return x1, x2


def divide_no_nan(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a / b, and 0 where b is 0 (Keras' ops.divide_no_nan): a precision with no predicted positives is 0."""
    return np.divide(a, b, out=np.zeros(np.broadcast(a, b).shape), where=b != 0)


def _snake_case(name: str) -> str:
    """'TruePositives' -> 'true_positives', 'AUC' -> 'auc': the default name of a metric, as Keras makes it."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


class Metric(SuggestsKeywords):
    """The base of every metric class, as keras.metrics.Metric. A metric of your own, as Keras' guide writes one:

        class BinaryTruePositives(Metric):
            def __init__(self, name="binary_true_positives", **kwargs):
                super().__init__(name=name, **kwargs)
                self.true_positives = self.add_variable(shape=(), initializer="zeros", name="true_positives")

            def update_state(self, y_true, y_pred, sample_weight=None):
                values = ops.cast((y_true > 0.5) & (y_pred > 0.5), "float32")
                self.true_positives.assign_add(ops.sum(values))

            def result(self):
                return self.true_positives

    fit() and evaluate() call ``reset_state()`` when an epoch (or an evaluation) starts, ``update_state(y_true,
    y_pred)`` on every batch (numpy arrays: labels and predictions), and log ``result()`` — a number, a Tensor, a
    Variable or a dict of them — under the metric's ``name``. ``m(y_true, y_pred)`` updates, then returns the result.
    """

    def __init__(self, name: str | None = None, dtype: Any = None):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: name must be a string, got {name!r}")
        self.name = name or backend.unique_name(_snake_case(type(self).__name__))  # 'precision', 'precision_1', ...
        self.dtype = str(np.dtype(dtype or backend.floatx()))
        self._variables: list[Variable] = []

    def add_variable(self, shape: Any, initializer: Any, dtype: Any = None, aggregation: str = "sum",
                     name: str | None = None) -> Variable:
        """A new state variable of ``shape``, filled by ``initializer`` ('zeros', 'ones', an Initializer, or a
        callable (shape, dtype) -> array), which reset_state sets back to zeros."""
        if not hasattr(self, "_variables"):
            raise RuntimeError(f"{type(self).__name__}: call super().__init__() in __init__ before add_variable, as "
                               f"in Keras")
        shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape or ())
        value = np.asarray(initializers.get(initializer)(shape, dtype=dtype or self.dtype), dtype=dtype or self.dtype)
        variable = Variable(value, trainable=False, name=name, aggregation=aggregation)
        self._variables.append(variable)
        return variable

    def add_weight(self, shape: Any = (), /, initializer: Any = "zeros", dtype: Any = None, name: str | None = None,
                   **kwargs: Any) -> Variable:
        """Keras 2's name for add_variable, with zeros by default (its first argument was the name:
        ``add_weight('tp', shape=(2,))`` works too). Keras 2's other arguments (aggregation, synchronization,
        trainable) are accepted."""
        if isinstance(shape, str):  # Keras 2: add_weight(name, shape=(), ...)
            name, shape = shape, ()
        shape = kwargs.pop("shape", shape)  # shape is positional-only above, so a name first can come with shape=
        return self.add_variable(shape, initializer, dtype=dtype, aggregation=kwargs.get("aggregation", "sum"),
                                 name=name)

    @property
    def variables(self) -> list[Variable]:
        return list(self._variables)

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__} must define update_state(y_true, y_pred, sample_weight=None)")

    def result(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define result()")

    def reset_state(self) -> None:
        """Every variable back to zeros, as Keras' default."""
        for variable in self._variables:
            variable.assign(0)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


def result_values(metric: Metric, name: str) -> dict[str, float]:
    """What fit and evaluate log for a metric: its result() as ``{name: number}``, or one entry per key of a dict."""
    result = metric.result()
    if isinstance(result, dict):
        return {key: _one_number(value, key) for key, value in result.items()}
    return {name: _one_number(result, name)}


def _one_number(value: Any, name: str) -> float:
    array = np.asarray(numbers_of(value))
    if array.size != 1:
        raise ValueError(f"metric {name!r}: result() gave {array.size} values (shape {array.shape}), but fit and "
                         f"evaluate log one number per metric; give it one threshold (Keras logs the array)")
    return float(array.reshape(()))
