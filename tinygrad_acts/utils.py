"""Utilities that Keras keeps in keras.utils."""
from typing import Any

import numpy as np

from .backend import set_random_seed
from .viz.graph import plot_model

__all__ = ["plot_model", "set_random_seed", "to_categorical"]


def to_categorical(x: Any, num_classes: int | None = None) -> np.ndarray:
    """Class ids 0 … num_classes-1 as one-hot rows: [0, 2] with 3 classes gives [[1, 0, 0], [0, 0, 1]], as float64
    (Keras 3.15 gives numpy's default float; the loss casts targets to the predictions' dtype anyway).

    As Keras: labels of shape (n, 1) give (n, num_classes), not (n, 1, num_classes); num_classes=None means
    max(x) + 1. Unlike Keras, labels that are negative, too large or not whole numbers are an error (Keras wraps
    -1 around to the last class and truncates 1.5 to 1).
    """
    labels = np.asarray(x)
    if labels.dtype.kind not in "biuf":
        raise TypeError(f"to_categorical expects integer class ids, got an array of dtype {labels.dtype}")
    if labels.dtype.kind == "f" and not np.all(np.isfinite(labels) & (labels == np.round(labels))):
        bad = labels[~(np.isfinite(labels) & (labels == np.round(labels)))].ravel()[0].item()
        raise ValueError(f"to_categorical expects integer class ids, got {bad!r}")
    if num_classes is not None and (isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer))
                                    or num_classes <= 0):
        raise ValueError(f"to_categorical expects num_classes to be a positive integer or None, got {num_classes!r}")
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:  # as Keras: a column of labels gives one row per label
        shape = shape[:-1]
    labels = labels.reshape(-1)
    if num_classes is None:
        if labels.size == 0:
            raise ValueError("to_categorical got no labels, so num_classes cannot be read from them; give it")
        num_classes = max(int(labels.max()) + 1, 1)  # checked before the cast: 1e30 would not fit an int64
    outside = labels[(labels < 0) | (labels >= num_classes)]
    if outside.size:
        raise ValueError(f"to_categorical expects class ids from 0 to {num_classes - 1} (num_classes={num_classes}), "
                         f"got {outside[0].item()!r}")
    labels = labels.astype(np.int64)
    categorical = np.zeros((labels.size, num_classes))
    categorical[np.arange(labels.size), labels] = 1
    return categorical.reshape(shape + (num_classes,))
