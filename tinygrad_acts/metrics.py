"""Metrics fit() and evaluate() report: functions of numpy arrays (y_true, y_pred) that return one value per sample,
and Keras' Metric classes (Precision, Recall, AUC, ...), which keep a running state across batches.

The classes are Keras 3.15's (keras/src/metrics/): names, arguments, defaults, the state each keeps and the formula of
its result(). A function metric's epoch value is the mean of its per-sample values; a Metric's is its result() after
every batch of the epoch was given to update_state, as in Keras.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from . import backend, initializers, losses
from .tensor import Tensor, no_grad


def binary_accuracy(y_true: np.ndarray, y_pred: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """1 where (y_pred > threshold) equals the 0/1 label, averaged over the last axis."""
    y_true = np.reshape(y_true, y_pred.shape)
    return np.mean((y_pred > threshold) == (y_true > 0.5), axis=-1)


def categorical_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """1 where the most likely class is the one-hot label's class."""
    return (np.argmax(y_pred, axis=-1) == np.argmax(y_true, axis=-1)).astype(np.float32)


def sparse_categorical_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """1 where the most likely class is the integer label."""
    labels = np.reshape(y_true, y_pred.shape[:-1])
    return (np.argmax(y_pred, axis=-1) == labels).astype(np.float32)


def mean_absolute_error(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    return np.mean(np.abs(np.reshape(y_true, y_pred.shape) - y_pred), axis=-1)


def mean_squared_error(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    return np.mean(np.square(np.reshape(y_true, y_pred.shape) - y_pred), axis=-1)


def _loss_values(loss: losses.LossFunction, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """A loss as a metric, as Keras' metrics of the same names are: its value per sample, with no graph kept."""
    with no_grad():
        return loss(y_true, Tensor(y_pred)).data


def mean_absolute_percentage_error(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    return _loss_values(losses.mean_absolute_percentage_error, y_true, y_pred)


def mean_squared_logarithmic_error(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    return _loss_values(losses.mean_squared_logarithmic_error, y_true, y_pred)


def log_cosh(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    return _loss_values(losses.log_cosh, y_true, y_pred)


def hinge(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    return _loss_values(losses.hinge, y_true, y_pred)


def squared_hinge(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    return _loss_values(losses.squared_hinge, y_true, y_pred)


def categorical_hinge(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    return _loss_values(losses.categorical_hinge, y_true, y_pred)


def kl_divergence(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    return _loss_values(losses.kl_divergence, y_true, y_pred)


def poisson(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    return _loss_values(losses.poisson, y_true, y_pred)


def _accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """1 where the prediction equals the label exactly (keras.metrics.Accuracy: for labels already predicted)."""
    y_true, y_pred = _same_rank(np.asarray(y_true), np.asarray(y_pred))
    return (y_true == y_pred).astype(np.float32)


# ----------------------------------------------------------------------------------------------------------------
# Metric classes: a state that update_state changes batch by batch, and result() reads
# ----------------------------------------------------------------------------------------------------------------
def _numbers(value: Any) -> Any:
    """The numbers of a Tensor or Variable as a numpy array; anything else as it is. Metric state keeps no graph."""
    if isinstance(value, Tensor):
        return value.data
    if isinstance(value, Variable):
        return value.value
    return value


def _same_rank(x1: np.ndarray, x2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keras' squeeze_or_expand_to_same_rank: when the ranks differ by one and the longer ends in an axis of 1, that
    axis goes — unless the other array is 1-d, which then gains one. Labels (n,) meet predictions (n, 1) so."""
    if x1.ndim == x2.ndim + 1 and x1.shape[-1] == 1:
        return (x1, x2[:, None]) if x2.ndim == 1 else (x1[..., 0], x2)
    if x2.ndim == x1.ndim + 1 and x2.shape[-1] == 1:
        return (x1[:, None], x2) if x1.ndim == 1 else (x1, x2[..., 0])
    return x1, x2


def _divide_no_nan(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a / b, and 0 where b is 0 (Keras' ops.divide_no_nan): a precision with no predicted positives is 0."""
    return np.divide(a, b, out=np.zeros(np.broadcast(a, b).shape), where=b != 0)


def _snake_case(name: str) -> str:
    """'TruePositives' -> 'true_positives', 'AUC' -> 'auc': the default name of a metric, as Keras makes it."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


class Variable:
    """One piece of a metric's state, as keras.Variable: a numpy array changed through ``assign``, ``assign_add`` and
    ``assign_sub``, that reads as its value: ``float(v)``, ``v + 1``, ``ops.sum(v)``, ``np.asarray(v)``, ``v[0]``.
    Metrics are not trained, so no gradient flows into it; arithmetic on it gives numpy arrays."""

    def __init__(self, value: np.ndarray, name: str | None = None, aggregation: str = "sum"):
        self.value = value
        self.name = name
        self.aggregation = aggregation  # Keras' rule for combining replicas; one process here, so only kept

    @property
    def shape(self) -> tuple:
        return self.value.shape

    @property
    def dtype(self) -> np.dtype:
        return self.value.dtype

    def numpy(self) -> np.ndarray:
        return self.value.copy()

    def assign(self, value: Any) -> Variable:
        """Replace the value; a number fills the whole shape (``v.assign(0)`` resets a vector too)."""
        new = np.asarray(_numbers(value), dtype=self.value.dtype)
        try:
            self.value = np.array(np.broadcast_to(new, self.value.shape))
        except ValueError:
            raise ValueError(f"Variable {self.name!r}: cannot assign a value of shape {new.shape} to a variable of "
                             f"shape {self.value.shape}") from None
        return self

    def assign_add(self, value: Any) -> Variable:
        return self.assign(self.value + _numbers(value))

    def assign_sub(self, value: Any) -> Variable:
        return self.assign(self.value - _numbers(value))

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.array(self.value, dtype=dtype, copy=copy)  # np.array(v) passes copy=True: not the state itself

    def __float__(self) -> float:
        return float(self.value)

    def __int__(self) -> int:
        return int(self.value)

    def __format__(self, format_spec: str) -> str:
        return format(self.value.item() if self.value.size == 1 else self.value, format_spec)

    def __getitem__(self, index: Any) -> np.ndarray:
        return self.value[index]

    def __len__(self) -> int:
        return len(self.value)

    def __neg__(self) -> np.ndarray:
        return -self.value

    def __add__(self, other: Any) -> Any:
        return self.value + _numbers(other)

    def __radd__(self, other: Any) -> Any:
        return _numbers(other) + self.value

    def __sub__(self, other: Any) -> Any:
        return self.value - _numbers(other)

    def __rsub__(self, other: Any) -> Any:
        return _numbers(other) - self.value

    def __mul__(self, other: Any) -> Any:
        return self.value * _numbers(other)

    def __rmul__(self, other: Any) -> Any:
        return _numbers(other) * self.value

    def __truediv__(self, other: Any) -> Any:
        return self.value / _numbers(other)

    def __rtruediv__(self, other: Any) -> Any:
        return _numbers(other) / self.value

    def __pow__(self, other: Any) -> Any:
        return self.value ** _numbers(other)

    def __repr__(self) -> str:
        return f"<Variable name={self.name!r}, shape={self.shape}, value={self.value}>"


class Metric:
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
        variable = Variable(value, name=name, aggregation=aggregation)
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
    array = np.asarray(_numbers(value))
    if array.size != 1:
        raise ValueError(f"metric {name!r}: result() gave {array.size} values (shape {array.shape}), but fit and "
                         f"evaluate log one number per metric; give it one threshold (Keras logs the array)")
    return float(array.reshape(()))


class Sum(Metric):
    """The (weighted) sum of the values given: ``Sum()([1, 3, 5, 7])`` is 16."""

    def __init__(self, name: str = "sum", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", dtype="float64", name="total")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        self.total.assign_add(np.sum(_samplewise(values, sample_weight, np.sum)[0]))

    def result(self) -> Tensor:
        return Tensor(self.total.value, dtype=self.dtype)


class Mean(Metric):
    """The (weighted) mean of the values given, ``total / count``: [1, 3, 5, 7] give 4; with sample_weight
    [1, 1, 0, 0], 2. Each sample's values are averaged first (a value per sample, as Keras)."""

    def __init__(self, name: str | None = "mean", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        # float64 state, where Keras keeps float32: a long epoch's sum then loses no digits; result() is float32
        self.total = self.add_variable((), "zeros", dtype="float64", name="total")
        self.count = self.add_variable((), "zeros", dtype="float64", name="count")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        values, weights = _samplewise(values, sample_weight, np.mean)
        self.total.assign_add(np.sum(values))
        self.count.assign_add(np.sum(weights) if weights is not None else len(values) if values.ndim else 1)

    def result(self) -> Tensor:
        return Tensor(_divide_no_nan(self.total.value, self.count.value), dtype=self.dtype)


def _samplewise(values: Any, sample_weight: Any, reduce: Callable) -> tuple[np.ndarray, np.ndarray | None]:
    """Keras' reduce_to_samplewise_values: one (weighted) value per sample — ``reduce`` (np.mean for Mean, np.sum
    for Sum) over each sample's values — and the weights that count the samples."""
    values = np.asarray(_numbers(values), dtype=np.float64)
    weights = None
    if sample_weight is not None:
        weights = np.asarray(_numbers(sample_weight), dtype=np.float64)
        values, weights = _same_rank(values, weights)
        weight_ndim = weights.ndim
        if values.ndim > weight_ndim:  # values per element, weights per sample: average the elements first
            values = reduce(values, axis=tuple(range(weight_ndim, values.ndim)))
        weights = np.broadcast_to(weights, values.shape)
        values = values * weights
        if weight_ndim > 1:
            weights = reduce(weights, axis=tuple(range(1, weight_ndim)))
    if values.ndim > 1:
        values = reduce(values, axis=tuple(range(1, values.ndim)))
    return values, weights


class MeanMetricWrapper(Mean):
    """The mean over every sample seen of a function's per-sample values: ``MeanMetricWrapper(fn)`` for any
    ``fn(y_true, y_pred, **kwargs)`` — the base of Accuracy, MeanSquaredError and the others below."""

    def __init__(self, fn: Callable, name: str | None = None, dtype: Any = None, **kwargs: Any):
        super().__init__(name=name, dtype=dtype)  # name None: 'mean_metric_wrapper', as Keras
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:  # type: ignore[override]
        values = self._fn(np.asarray(_numbers(y_true)), np.asarray(_numbers(y_pred)), **self._fn_kwargs)
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), **self._fn_kwargs}
        return config if type(self) is not MeanMetricWrapper else {**config, "fn": self._fn}


class Accuracy(MeanMetricWrapper):
    """How often the prediction equals the label exactly."""

    def __init__(self, name: str = "accuracy", dtype: Any = None):
        super().__init__(_accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` matches the 0/1 label."""

    def __init__(self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the most likely class is the one-hot label's class."""

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the most likely class is the integer label."""

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class MeanSquaredError(MeanMetricWrapper):
    """The mean over every sample seen of mean((y_true - y_pred)^2)."""

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None):
        super().__init__(mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """The mean over every sample seen of mean(|y_true - y_pred|)."""

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None):
        super().__init__(mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None):
        super().__init__(mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype: Any = None):
        super().__init__(mean_squared_logarithmic_error, name=name, dtype=dtype)


class LogCoshError(MeanMetricWrapper):
    def __init__(self, name: str = "logcosh", dtype: Any = None):
        super().__init__(log_cosh, name=name, dtype=dtype)


class Hinge(MeanMetricWrapper):
    def __init__(self, name: str = "hinge", dtype: Any = None):
        super().__init__(hinge, name=name, dtype=dtype)


class SquaredHinge(MeanMetricWrapper):
    def __init__(self, name: str = "squared_hinge", dtype: Any = None):
        super().__init__(squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(MeanMetricWrapper):
    def __init__(self, name: str = "categorical_hinge", dtype: Any = None):
        super().__init__(categorical_hinge, name=name, dtype=dtype)


class KLDivergence(MeanMetricWrapper):
    def __init__(self, name: str = "kl_divergence", dtype: Any = None):
        super().__init__(kl_divergence, name=name, dtype=dtype)


class Poisson(MeanMetricWrapper):
    def __init__(self, name: str = "poisson", dtype: Any = None):
        super().__init__(poisson, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """sqrt(mean of (y_pred - y_true)^2 over every value seen) — the root of the whole mean, not a mean of roots."""

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:  # type: ignore[override]
        y_true, y_pred = _same_rank(np.asarray(_numbers(y_true), dtype=np.float64),
                                    np.asarray(_numbers(y_pred), dtype=np.float64))
        super().update_state(np.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self) -> Tensor:
        return Tensor(np.sqrt(_divide_no_nan(self.total.value, self.count.value)), dtype=self.dtype)


# ----------------------------------------------------------------------------------------------------------------
# Confusion metrics: weighted counts of true/false positives/negatives at thresholds, as Keras' metrics_utils
# ----------------------------------------------------------------------------------------------------------------
NEG_INF = -1e10  # Keras' threshold when top_k is set: every prediction kept in the top k counts as positive


def _check_thresholds(owner: str, thresholds: Any, default: float) -> list[float]:
    """A number or a list of numbers in [0, 1] (Keras' parse_init_thresholds), as a list; None gives the default."""
    if thresholds is None:
        return [default]
    values = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]
    bad = [t for t in values if isinstance(t, bool) or not isinstance(t, (int, float, np.number)) or not 0 <= t <= 1]
    if bad or not values:
        raise ValueError(f"{owner}: thresholds must be numbers in [0, 1], got {thresholds!r}"
                         + (f" (outside: {bad})" if bad else ""))
    return [float(t) for t in values]


def _evenly_spaced(thresholds: list[float]) -> bool:
    """Keras' is_evenly_distributed_thresholds: 0, 1/(n-1), ..., 1 (n >= 3), within epsilon."""
    n = len(thresholds)
    return n >= 3 and bool(np.allclose(thresholds, np.arange(n, dtype=np.float32) / (n - 1), atol=backend.epsilon()))


def _confusion_counts(metric: Metric, y_true: Any, y_pred: Any, thresholds: list[float], evenly: bool,
                      sample_weight: Any = None, top_k: int | None = None, class_id: int | None = None
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Keras' update_confusion_matrix_variables: (tp, fp, tn, fn), each with one weighted count per threshold.

    A label is positive when it is not 0; a prediction is positive at threshold t when y_pred > t. ``sample_weight``
    weighs each sample (or each value). ``top_k`` keeps only each row's k largest predictions; ``class_id`` looks at
    one column. Evenly spaced thresholds take Keras' faster route — each prediction falls in the bucket
    ceil(p (n - 1)) - 1, and a reversed cumulative sum counts those above each threshold — which we follow rather
    than compare, because in float32 the two can disagree for a prediction lying on a threshold.
    """
    y_pred = np.asarray(_numbers(y_pred), dtype=metric.dtype)
    y_true = np.asarray(_numbers(y_true), dtype=metric.dtype)
    y_pred, y_true = _same_rank(y_pred, y_true)
    if y_pred.shape != y_true.shape:
        raise ValueError(f"{type(metric).__name__} '{metric.name}': y_true of shape {y_true.shape} does not match "
                         f"y_pred of shape {y_pred.shape}")
    weights = None
    if sample_weight is not None:  # one weight per sample (or per value): broadcast over the rest
        weights = np.asarray(_numbers(sample_weight), dtype=np.float64)
        weights = weights.reshape(weights.shape + (1,) * max(y_true.ndim - weights.ndim, 0))
    if top_k is not None:
        top = np.argsort(-y_pred, axis=-1, kind="stable")[..., :top_k]
        kept = np.zeros(y_pred.shape, dtype=bool)
        np.put_along_axis(kept, top, True, axis=-1)
        y_pred = np.where(kept, y_pred, np.asarray(NEG_INF, dtype=y_pred.dtype))
    if class_id is not None:
        if y_pred.ndim < 2:
            raise ValueError(f"{type(metric).__name__} '{metric.name}': class_id needs y_pred of shape (samples, "
                             f"classes), got shape {y_pred.shape}")
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
    weights = np.ones(y_pred.size) if weights is None else np.broadcast_to(weights, y_pred.shape).ravel()
    positive, predictions = y_true.ravel() != 0, y_pred.ravel()
    limits = np.asarray(thresholds, dtype=metric.dtype)
    n = len(limits)
    if evenly:
        buckets = np.ceil(np.clip(predictions, 0, 1) * np.asarray(n - 1, dtype=metric.dtype)) - 1
        if limits[0] < 0 or limits[-1] > 1:  # thresholds padded by epsilon (AUC's): 0 counts above the first
            buckets = np.maximum(buckets, 0)
        counted = buckets >= 0
        tp = np.bincount(buckets[counted & positive].astype(np.int64), weights[counted & positive], minlength=n)
        fp = np.bincount(buckets[counted & ~positive].astype(np.int64), weights[counted & ~positive], minlength=n)
        tp, fp = tp[::-1].cumsum()[::-1], fp[::-1].cumsum()[::-1]  # count at t_i: every bucket from i up
    else:
        above = predictions[None, :] > limits[:, None]
        tp, fp = above[:, positive] @ weights[positive], above[:, ~positive] @ weights[~positive]
    fn = weights[positive].sum() - tp
    tn = weights[~positive].sum() - fp
    return tp, fp, tn, fn


class _ConfusionMatrixConditionCount(Metric):
    """One count of the confusion matrix, per threshold (default 0.5): which one, the subclass says."""
    _count = 0  # which of (tp, fp, tn, fn)

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = _check_thresholds(type(self).__name__, thresholds, 0.5)
        self._evenly = _evenly_spaced(self.thresholds)
        self.accumulator = self.add_variable((len(self.thresholds),), "zeros", dtype="float64", name="accumulator")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        counts = _confusion_counts(self, y_true, y_pred, self.thresholds, self._evenly, sample_weight)
        self.accumulator.assign_add(counts[self._count])

    def result(self) -> Tensor:
        values = self.accumulator.value
        return Tensor(values[0] if len(values) == 1 else values, dtype=self.dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of positive labels predicted above the threshold."""
    _count = 0


class FalsePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of negative labels predicted above the threshold."""
    _count = 1


class TrueNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of negative labels predicted at or below the threshold."""
    _count = 2


class FalseNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of positive labels predicted at or below the threshold."""
    _count = 3


class _PrecisionRecall(Metric):
    """What Precision and Recall share: thresholds (default 0.5, or with top_k every kept prediction), top_k,
    class_id, and two counts."""

    def __init__(self, thresholds: Any = None, top_k: int | None = None, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None):
        owner = type(self).__name__
        for argument, value in (("top_k", top_k), ("class_id", class_id)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, np.integer))
                                      or value < (1 if argument == "top_k" else 0)):
                raise ValueError(f"{owner}: {argument} must be None or an integer >= {int(argument == 'top_k')}, got "
                                 f"{value!r}")
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds, self.top_k, self.class_id = thresholds, top_k, class_id
        self.thresholds = _check_thresholds(owner, thresholds, 0.5 if top_k is None else NEG_INF)
        self._evenly = _evenly_spaced(self.thresholds)
        self.true_positives = self.add_variable((len(self.thresholds),), "zeros", dtype="float64",
                                                name="true_positives")

    def _update(self, y_true: Any, y_pred: Any, sample_weight: Any) -> tuple[np.ndarray, ...]:
        counts = _confusion_counts(self, y_true, y_pred, self.thresholds, self._evenly, sample_weight, self.top_k,
                                   self.class_id)
        self.true_positives.assign_add(counts[0])
        return counts

    def _ratio(self, other: Variable) -> Tensor:
        values = _divide_no_nan(self.true_positives.value, self.true_positives.value + other.value)
        return Tensor(values[0] if len(values) == 1 else values, dtype=self.dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_PrecisionRecall):
    """TP / (TP + FP): of the predictions above the threshold, the fraction whose label is positive (0 when none
    is above). One value per threshold."""

    def __init__(self, thresholds: Any = None, top_k: int | None = None, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None):
        super().__init__(thresholds, top_k, class_id, name, dtype)
        self.false_positives = self.add_variable((len(self.thresholds),), "zeros", dtype="float64",
                                                 name="false_positives")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        self.false_positives.assign_add(self._update(y_true, y_pred, sample_weight)[1])

    def result(self) -> Tensor:
        return self._ratio(self.false_positives)


class Recall(_PrecisionRecall):
    """TP / (TP + FN): of the positive labels, the fraction predicted above the threshold (0 when there are none).
    One value per threshold."""

    def __init__(self, thresholds: Any = None, top_k: int | None = None, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None):
        super().__init__(thresholds, top_k, class_id, name, dtype)
        self.false_negatives = self.add_variable((len(self.thresholds),), "zeros", dtype="float64",
                                                 name="false_negatives")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        self.false_negatives.assign_add(self._update(y_true, y_pred, sample_weight)[3])

    def result(self) -> Tensor:
        return self._ratio(self.false_negatives)


class AUC(Metric):
    """The area under the ROC curve (or the precision-recall curve, curve='PR'), as Keras computes it.

    Thresholds: ``num_thresholds`` of them, evenly spaced — 0 - epsilon, 1/(n-1), 2/(n-1), ..., 1 + epsilon, the two
    ends padded by epsilon (1e-7) so that predictions of exactly 0 or 1 fall inside — or the ``thresholds`` given,
    between the same two ends. At each threshold t_i the counts give a point of the curve: for ROC (FP rate, TP
    rate) = (FP / (FP + TN), TP / (TP + FN)). The area is the Riemann sum over neighbouring points,
    ``sum_i (x_i - x_(i+1)) * height_i``, where height_i is (y_i + y_(i+1)) / 2 ('interpolation', the trapezoid
    rule), min(y_i, y_(i+1)) ('minoring') or the max ('majoring'). For PR with 'interpolation', Keras interpolates
    the counts, not the precision (Davis & Goadrich 2006): see ``_interpolated_pr_auc``.
    """

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC", summation_method: str = "interpolation",
                 name: str | None = None, dtype: Any = None, thresholds: Any = None, multi_label: bool = False,
                 num_labels: int | None = None, label_weights: Any = None, from_logits: bool = False):
        if str(curve).upper() not in ("ROC", "PR", "PRGAIN"):
            raise ValueError(f"AUC: curve must be 'ROC', 'PR' or 'PRGAIN', got {curve!r}")
        if str(summation_method).lower() not in ("interpolation", "minoring", "majoring"):
            raise ValueError(f"AUC: summation_method must be 'interpolation', 'minoring' or 'majoring', got "
                             f"{summation_method!r}")
        if multi_label or num_labels is not None or label_weights is not None:
            raise ValueError("AUC: multi_label, num_labels and label_weights are not supported here: every label is "
                             "one more sample of a single curve, as with Keras' default multi_label=False")
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(_check_thresholds("AUC", thresholds, 0.5))
            self.num_thresholds = len(inner) + 2
            self._evenly = _evenly_spaced([0.0, *inner, 1.0])
        else:
            if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, (int, np.integer)) or \
                    num_thresholds <= 1:
                raise ValueError(f"AUC: num_thresholds must be an integer > 1, got {num_thresholds!r}")
            self.num_thresholds = int(num_thresholds)
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        super().__init__(name=name, dtype=dtype)
        self._thresholds = [0.0 - backend.epsilon(), *inner, 1.0 + backend.epsilon()]
        self.curve, self.summation_method = str(curve).upper(), str(summation_method).lower()
        self.multi_label, self.num_labels, self.label_weights = False, None, None
        self._from_logits = from_logits
        shape = (self.num_thresholds,)
        self.true_positives = self.add_variable(shape, "zeros", dtype="float64", name="true_positives")
        self.false_positives = self.add_variable(shape, "zeros", dtype="float64", name="false_positives")
        self.true_negatives = self.add_variable(shape, "zeros", dtype="float64", name="true_negatives")
        self.false_negatives = self.add_variable(shape, "zeros", dtype="float64", name="false_negatives")

    @property
    def thresholds(self) -> list[float]:
        return list(self._thresholds)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        if self._from_logits:
            with no_grad():
                y_pred = Tensor(_numbers(y_pred), dtype=self.dtype).sigmoid().data
        tp, fp, tn, fn = _confusion_counts(self, y_true, y_pred, self._thresholds, self._evenly, sample_weight)
        self.true_positives.assign_add(tp)
        self.false_positives.assign_add(fp)
        self.true_negatives.assign_add(tn)
        self.false_negatives.assign_add(fn)

    def _interpolated_pr_auc(self) -> float:
        """Keras' interpolate_pr_auc: between neighbouring thresholds A and B, TP and P = TP + FP vary linearly, so
        precision = TP / P and the area is slope * (dTP + intercept * log(P_A / P_B)) / (TP_B + FN_B), with
        slope = dTP / dP and intercept = TP_B - slope * P_B."""
        tp, fp, fn = self.true_positives.value, self.false_positives.value, self.false_negatives.value
        p = tp + fp
        dtp = tp[:-1] - tp[1:]
        slope = _divide_no_nan(dtp, np.maximum(p[:-1] - p[1:], 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = np.where(both, _divide_no_nan(p[:-1], np.maximum(p[1:], 0)), 1.0)
        increments = _divide_no_nan(slope * (dtp + intercept * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0))
        return float(increments.sum())

    def result(self) -> Tensor:
        if self.curve == "PR" and self.summation_method == "interpolation":
            return Tensor(self._interpolated_pr_auc(), dtype=self.dtype)
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        recall = _divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, _divide_no_nan(tp, tp + fp)
        else:  # PRGAIN (Flach & Kull 2015), as Keras writes it
            scale = _divide_no_nan(tp + fn, tn + fp)
            x = np.maximum(np.where(tp == 0, 0.0, 1.0 - scale * _divide_no_nan(fn, tp)), 0.0)
            y = np.where(tp == 0, 1.0, 1.0 - scale * _divide_no_nan(fp, tp))
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return Tensor(np.sum((x[:-1] - x[1:]) * heights), dtype=self.dtype)

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
                  "summation_method": self.summation_method, "multi_label": False, "num_labels": None,
                  "label_weights": None, "from_logits": self._from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config


ALL_METRICS: dict[str, Callable] = {
    "binary_accuracy": binary_accuracy, "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "mae": mean_absolute_error, "mean_absolute_error": mean_absolute_error,
    "mse": mean_squared_error, "mean_squared_error": mean_squared_error,
    "mape": mean_absolute_percentage_error, "mean_absolute_percentage_error": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error, "mean_squared_logarithmic_error": mean_squared_logarithmic_error,
    "log_cosh": log_cosh, "logcosh": log_cosh,
    "hinge": hinge, "squared_hinge": squared_hinge, "categorical_hinge": categorical_hinge,
    "kld": kl_divergence, "kl_divergence": kl_divergence, "poisson": poisson,
}


def accuracy_for(y_true: np.ndarray, y_pred: np.ndarray) -> Callable:
    """Which accuracy 'accuracy' means, read from the shapes as Keras 3 does: one output unit is binary;
    labels with one value per sample (or a last axis of 1) are sparse class ids; otherwise one-hot."""
    if y_pred.shape[-1] == 1:
        return binary_accuracy
    if np.ndim(y_true) < y_pred.ndim or np.shape(y_true)[-1] == 1:
        return sparse_categorical_accuracy
    return categorical_accuracy


# Metric classes compile also takes by name, as Keras 3's metrics.get does: the class name in snake_case. The names
# above stay functions (for 'mae' or 'binary_accuracy', the epoch's mean is the same number, found with less work).
METRIC_CLASSES: dict[str, type[Metric]] = {
    "precision": Precision, "recall": Recall, "auc": AUC, "true_positives": TruePositives,
    "false_positives": FalsePositives, "true_negatives": TrueNegatives, "false_negatives": FalseNegatives,
    "root_mean_squared_error": RootMeanSquaredError,
}


def get(identifier: str | Callable | Metric | type) -> Callable | Metric | str:
    """A metric by name: 'accuracy' (resolved later, from the data's shapes), a function's name ('mae'), or a Metric
    class's ('precision', 'auc': a new instance named as written); case and underscores do not matter. A Metric
    instance or any callable is returned as it is; a Metric class gives a new instance, as in Keras."""
    listed = sorted([*ALL_METRICS, *METRIC_CLASSES])
    expected = f"'accuracy' or one of {listed}, or a callable (y_true, y_pred) -> values"
    if isinstance(identifier, type):
        if issubclass(identifier, Metric):
            return identifier()
        raise ValueError(f"Unknown metric {identifier.__name__} (a class that is not a Metric): expected a Metric such "
                         f"as Precision() (or its class), {expected}")
    if isinstance(identifier, Metric):
        if not hasattr(identifier, "_variables"):
            raise RuntimeError(f"{type(identifier).__name__}: its __init__ must call super().__init__(), as in Keras")
        return identifier
    if callable(identifier):
        return identifier
    if isinstance(identifier, str):
        names = {"accuracy": "accuracy", "acc": "acc", **ALL_METRICS, **METRIC_CLASSES}
        found = backend.lookup("metric", identifier, names, ["accuracy", *ALL_METRICS, *METRIC_CLASSES], expected)
        return found(name=identifier) if isinstance(found, type) else found
    raise ValueError(f"Unknown metric {identifier!r}: expected a Metric such as Precision(), {expected}")
