"""The crossentropies as metrics, as Keras 3's probabilistic_metrics.py has them: BinaryCrossentropy,
CategoricalCrossentropy and SparseCategoricalCrossentropy, the mean over every sample seen of the loss of that name;
and the loss functions keras.metrics also gives by name (binary_crossentropy, categorical_crossentropy,
sparse_categorical_crossentropy, huber), as functions of numpy arrays with one value per sample, like the other
metric functions. (KLDivergence and Poisson, Keras' other probabilistic metrics, are in reduction.py.)"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import losses
from ..tensor import Tensor, no_grad
from .metric import numbers_of, same_rank
from .reduction import MeanMetricWrapper


def _check_axis(owner: str, axis: Any, ndim: int | None = None) -> int:
    """The class axis: an integer (in [-ndim, ndim) once the data's rank is known)."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or \
            (ndim is not None and not -ndim <= axis < ndim):
        within = "" if ndim is None else f" in [{-ndim}, {ndim}) for predictions of {ndim} axes"
        raise ValueError(f"{owner}: axis must be an integer{within} (the axis of the classes), got axis={axis!r}")
    return int(axis)


def _check_label_smoothing(owner: str, label_smoothing: Any) -> None:
    if isinstance(label_smoothing, bool) or not isinstance(label_smoothing, (int, float, np.integer, np.floating)) \
            or not 0 <= label_smoothing <= 1:
        raise ValueError(f"{owner}: label_smoothing must be a number in [0, 1] (0 for none), got {label_smoothing!r}")


def _loss_values(loss: Any, y_true: Any, y_pred: Any, axis: int = -1, **options: Any) -> np.ndarray:
    """A loss's value per sample, with no graph kept; the class axis moved last first, where the losses look for it."""
    y_true, y_pred = np.asarray(numbers_of(y_true)), np.asarray(numbers_of(y_pred))
    if axis != -1:
        axis = _check_axis(loss.__name__, axis, y_pred.ndim)
        y_pred = np.moveaxis(y_pred, axis, -1)
        if y_true.ndim == y_pred.ndim:  # sparse labels without that axis stay as they are
            y_true = np.moveaxis(y_true, axis, -1)
    with no_grad():
        return loss(y_true, Tensor(y_pred), **options).data


def binary_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0,
                        axis: int = -1) -> np.ndarray:
    """losses.binary_crossentropy per sample: the mean over ``axis`` of -(t log p + (1 - t) log(1 - p))."""
    _check_label_smoothing("binary_crossentropy", label_smoothing)
    return _loss_values(losses.binary_crossentropy, y_true, y_pred, axis, from_logits=from_logits,
                        label_smoothing=label_smoothing)


def categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0,
                             axis: int = -1) -> np.ndarray:
    """losses.categorical_crossentropy per sample: -sum_k t_k log p_k over the classes, along ``axis``."""
    _check_label_smoothing("categorical_crossentropy", label_smoothing)
    return _loss_values(losses.categorical_crossentropy, y_true, y_pred, axis, from_logits=from_logits,
                        label_smoothing=label_smoothing)


def sparse_categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                                    ignore_class: int | None = None, axis: int = -1) -> np.ndarray:
    """losses.sparse_categorical_crossentropy per sample: -log p[y_true], the classes along ``axis``. With
    ``ignore_class``, a sample of that label counts 0 (its label may be any number, e.g. -1 for padding), as Keras'
    function gives."""
    if ignore_class is None:
        return _loss_values(losses.sparse_categorical_crossentropy, y_true, y_pred, axis, from_logits=from_logits)
    labels = _labels(y_true, y_pred, axis)
    ignored = labels == ignore_class
    values = _loss_values(losses.sparse_categorical_crossentropy, np.where(ignored, 0, labels), y_pred, axis,
                          from_logits=from_logits)
    return np.where(ignored, 0, values)


def _labels(y_true: Any, y_pred: Any, axis: int) -> np.ndarray:
    """Integer labels with one per sample: a class axis of size 1 (labels as a column) dropped."""
    labels, predictions = np.asarray(numbers_of(y_true)), np.asarray(numbers_of(y_pred))
    if labels.ndim == predictions.ndim and labels.ndim and labels.shape[axis] == 1:
        labels = np.squeeze(labels, axis=axis)
    return labels


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> np.ndarray:
    """losses.huber per sample: squared error below ``delta``, linear above it, averaged over the last axis."""
    return _loss_values(losses.huber, y_true, y_pred, delta=delta)


class BinaryCrossentropy(MeanMetricWrapper):
    """The mean over every sample seen of binary_crossentropy: labels 0/1, predictions probabilities (or logits,
    with ``from_logits=True``); ``label_smoothing`` s makes the labels ``t (1 - s) + s / 2``."""

    def __init__(self, name: str = "binary_crossentropy", dtype: Any = None, from_logits: bool = False,
                 label_smoothing: float = 0):
        _check_label_smoothing("BinaryCrossentropy", label_smoothing)
        super().__init__(binary_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)
        self.from_logits, self.label_smoothing = from_logits, label_smoothing


class CategoricalCrossentropy(MeanMetricWrapper):
    """The mean over every sample seen of categorical_crossentropy: one-hot labels, class probabilities (or logits)
    along ``axis``; ``label_smoothing`` s makes the labels ``t (1 - s) + s / classes``."""

    def __init__(self, name: str = "categorical_crossentropy", dtype: Any = None, from_logits: bool = False,
                 label_smoothing: float = 0, axis: int = -1):
        _check_label_smoothing("CategoricalCrossentropy", label_smoothing)
        axis = _check_axis("CategoricalCrossentropy", axis)
        super().__init__(categorical_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The mean over every sample seen of sparse_categorical_crossentropy: integer labels, class probabilities (or
    logits) along ``axis``. With ``ignore_class``, the mean over the samples of the other labels, as the loss of that
    name averages; Keras 3.15's metric also counts the ignored samples, as zeros (0.248 where its loss gives 0.372)."""

    def __init__(self, name: str = "sparse_categorical_crossentropy", dtype: Any = None, from_logits: bool = False,
                 ignore_class: int | None = None, axis: int = -1):
        if ignore_class is not None and (isinstance(ignore_class, bool) or
                                         not isinstance(ignore_class, (int, np.integer))):
            raise ValueError(f"SparseCategoricalCrossentropy: ignore_class must be an integer label or None, got "
                             f"{ignore_class!r}")
        axis = _check_axis("SparseCategoricalCrossentropy", axis)
        super().__init__(sparse_categorical_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         ignore_class=ignore_class, axis=axis)
        self.from_logits, self.ignore_class, self.axis = from_logits, ignore_class, axis

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:  # type: ignore[override]
        if self.ignore_class is not None:  # the ignored samples weigh 0: they count neither in the sum nor the count
            counted = (_labels(y_true, y_pred, self.axis) != self.ignore_class).astype(np.float64)
            if sample_weight is not None:
                counted, weights = same_rank(counted, np.asarray(numbers_of(sample_weight), dtype=np.float64))
                counted = counted * weights
            sample_weight = counted
        super().update_state(y_true, y_pred, sample_weight=sample_weight)
