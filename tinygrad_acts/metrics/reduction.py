"""Metrics that average: Sum, Mean, and MeanMetricWrapper, the running mean of a function's per-sample values, with
the classes built on it (Accuracy, MeanSquaredError, Hinge, CosineSimilarity, ...); RootMeanSquaredError."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import backend
from ..tensor import Tensor
from .functions import (
    binary_accuracy,
    categorical_accuracy,
    categorical_hinge,
    hinge,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_accuracy,
    squared_hinge,
)
from .metric import Metric, divide_no_nan, numbers_of, same_rank


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
        return Tensor(divide_no_nan(self.total.value, self.count.value), dtype=self.dtype)


def _samplewise(values: Any, sample_weight: Any, reduce: Callable) -> tuple[np.ndarray, np.ndarray | None]:
    """Keras' reduce_to_samplewise_values: one (weighted) value per sample — ``reduce`` (np.mean for Mean, np.sum
    for Sum) over each sample's values — and the weights that count the samples."""
    values = np.asarray(numbers_of(values), dtype=np.float64)
    weights = None
    if sample_weight is not None:
        weights = np.asarray(numbers_of(sample_weight), dtype=np.float64)
        values, weights = same_rank(values, weights)
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
        values = self._fn(np.asarray(numbers_of(y_true)), np.asarray(numbers_of(y_pred)), **self._fn_kwargs)
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), **self._fn_kwargs}
        return config if type(self) is not MeanMetricWrapper else {**config, "fn": self._fn}


def _accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """1 where the prediction equals the label exactly (keras.metrics.Accuracy: for labels already predicted)."""
    y_true, y_pred = same_rank(np.asarray(y_true), np.asarray(y_pred))
    return (y_true == y_pred).astype(np.float32)


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


def _cosine_similarity(y_true: np.ndarray, y_pred: np.ndarray, axis: int = -1) -> np.ndarray:
    """``sum(y_true / |y_true| * y_pred / |y_pred|)`` along ``axis``: 1 for the same direction, -1 for opposite
    ones, 0 for orthogonal ones. Each norm counts as at least 1e-7 (backend.epsilon(), as Keras' normalize), so a
    vector of zeros has similarity 0."""
    y_true, y_pred = same_rank(np.asarray(y_true, dtype=np.float64), np.asarray(y_pred, dtype=np.float64))
    if y_true.shape != y_pred.shape:
        raise ValueError(f"CosineSimilarity: y_true of shape {y_true.shape} and y_pred of shape {y_pred.shape} must "
                         f"have the same shape")
    if not -y_pred.ndim <= axis < y_pred.ndim:
        raise ValueError(f"CosineSimilarity: axis must be in [{-y_pred.ndim}, {y_pred.ndim}) for data of shape "
                         f"{y_pred.shape}, got axis={axis}")

    def unit(x: np.ndarray) -> np.ndarray:
        return x / np.maximum(np.sqrt(np.sum(x * x, axis=axis, keepdims=True)), backend.epsilon())

    return np.sum(unit(y_true) * unit(y_pred), axis=axis)


class CosineSimilarity(MeanMetricWrapper):
    """The mean over every sample seen of the cosine of the angle between y_true and y_pred along ``axis`` (higher
    is better). Keras 3.15's get_config leaves ``axis`` out, so its copy measures along -1; here it is kept."""

    def __init__(self, name: str = "cosine_similarity", dtype: Any = None, axis: int = -1):
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise ValueError(f"CosineSimilarity: axis must be an integer, got axis={axis!r}")
        super().__init__(_cosine_similarity, name=name, dtype=dtype, axis=int(axis))


class RootMeanSquaredError(Mean):
    """sqrt(mean of (y_pred - y_true)^2 over every value seen) — the root of the whole mean, not a mean of roots."""

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:  # type: ignore[override]
        y_true, y_pred = same_rank(np.asarray(numbers_of(y_true), dtype=np.float64),
                                    np.asarray(numbers_of(y_pred), dtype=np.float64))
        super().update_state(np.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self) -> Tensor:
        return Tensor(np.sqrt(divide_no_nan(self.total.value, self.count.value)), dtype=self.dtype)
