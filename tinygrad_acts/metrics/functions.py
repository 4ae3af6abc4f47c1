"""Stateless metrics: functions of numpy arrays (y_true, y_pred) that return one value per sample (a metric's epoch
value is their mean), the table of their names, and which accuracy 'accuracy' means for the data's shapes."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import losses
from ..tensor import Tensor, no_grad


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
