"""The data a user hands the library — x, y, sample and class weights — as checked arrays: each check says what it
found and what to write instead, before anything is computed or changed."""
from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from . import backend
from .tensor import Tensor


def to_float(array: np.ndarray, what: str, dtype: Any = None) -> np.ndarray:
    """An array in ``dtype``, by default the float type of weights (float32 unless backend.set_floatx says otherwise).

    A finite number too large for that type (1e300 in float32) is an error: the cast would make it inf, and the
    model would answer nan without saying why."""
    dtype = np.dtype(dtype or backend.floatx())
    if array.dtype == dtype:
        return array
    with np.errstate(over="ignore"):  # overflow is what we check for, just below
        cast = array.astype(dtype)
    if array.dtype.kind == "f" and np.any(np.isinf(cast) & np.isfinite(array)):
        largest = np.max(np.abs(array[np.isfinite(array)]))
        raise ValueError(f"{what} holds {largest:.4g}, which {dtype} cannot represent (its largest value is "
                         f"{np.finfo(dtype).max:.4g}); rescale the data")
    return cast


def as_tensor(x: Any, what: str = "the input") -> Tensor:
    """A layer's or a model's input: a Tensor as it is (so gradients can flow into it), anything else as a float
    array of the backend's float type."""
    if isinstance(x, Tensor):
        return x
    try:
        data = Tensor(x).data  # Tensor() checks for numbers in a rectangular array
    except (TypeError, ValueError) as error:
        raise type(error)(f"{what} must be an array of numbers: {error}") from None
    return Tensor(to_float(data, what))


def as_batch(x: Any, what: str, one_feature: bool) -> np.ndarray:
    """Data as a float array of samples, with no nan or inf. A 1-d array for a model of one input feature
    (``one_feature``) is N samples of one feature each, as in Keras: x of shape (13,) for input_shape=(1,)."""
    data = as_tensor(x, f"{what}: x").data
    if data.ndim == 0:
        raise ValueError(f"{what} expects an array of samples, got a single number {data.item()!r}")
    if data.shape[0] == 0:
        raise ValueError(f"{what} got no samples (input of shape {data.shape})")
    check_finite(data, "x", what)
    return data[:, None] if data.ndim == 1 and one_feature else data


class Columns:
    """Several arrays with one row per sample — the inputs of a model of several inputs, or the targets of one of
    several outputs — sliced together: ``columns[rows]`` is the same rows of each, as fit's batches need."""

    def __init__(self, arrays: list[np.ndarray]):
        self.arrays = arrays

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, rows: Any) -> Columns:
        return Columns([array[rows] for array in self.arrays])

    @property
    def shape(self) -> tuple:
        """The first array's shape, for messages that name the data's shape."""
        return self.arrays[0].shape


def columns(given: Any, names: list[str], what: str, role: str, convert: Any) -> Columns:
    """One array per name, from a list in that order or a dict by name, each converted by ``convert``; an error
    names the count or the names that do not match."""
    if isinstance(given, Columns):
        return given
    if isinstance(given, dict):
        if sorted(map(str, given)) != sorted(names):
            raise ValueError(f"{what}: {role} is a dict with the keys {sorted(map(str, given))}, but the model's "
                             f"{role}s are named {names}; give one array per name")
        given = [given[name] for name in names]
    if not isinstance(given, (list, tuple)) or len(given) != len(names):
        count = len(given) if isinstance(given, (list, tuple)) else 1
        raise ValueError(f"{what}: the model has {len(names)} {role}s ({', '.join(names)}), got {count} "
                         f"array{'s' if count != 1 else ''}; give a list with one array per {role}, in that order, "
                         f"or a dict by name")
    arrays = [convert(item, name) for item, name in zip(given, names, strict=True)]
    if len({len(array) for array in arrays}) > 1:
        raise ValueError(f"{what}: the {role}s have different numbers of samples: "
                         f"{', '.join(f'{name} {len(array)}' for name, array in zip(names, arrays, strict=True))}")
    return Columns(arrays)


def check_finite(array: np.ndarray, name: str, what: str) -> None:
    """Refuse nan and inf in data before any step: a network fed one answers nan, or trains on nonsense, and the
    error would appear far from its cause. The error names the array, how many, and the first."""
    if array.dtype.kind != "f":  # integers hold neither
        return
    with np.errstate(over="ignore", invalid="ignore"):  # the fast check squares the data: huge values overflow
        if all_finite((array,)):
            return
    bad = ~np.isfinite(array)
    count = int(np.count_nonzero(bad))
    if count == 0:  # the fast check's squared norm overflowed: huge values, but finite ones
        return
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    nans = int(np.count_nonzero(np.isnan(array)))
    index = ", ".join(map(str, first))
    samples = int(np.count_nonzero(bad.reshape(len(array), -1).any(axis=1)))
    values = f"{count} values that are" if count != 1 else "1 value that is"
    raise ValueError(f"{what}: {name} holds {values} not finite ({nans} nan, {count - nans} inf) in {samples} "
                     f"sample{'s' if samples != 1 else ''}; "
                     f"the first is {name}[{index}] = {array[first]}. Drop those samples (keep = np.isfinite({name})"
                     f".reshape(len({name}), -1).all(axis=1) marks the others: index every array of the call with "
                     f"it) or fill the gaps in (np.nan_to_num, or each column's mean) before calling {what}")


def as_targets(y: Any, samples: int, what: str, x_shape: tuple) -> np.ndarray:
    """The targets y, one per sample of x: class ids stay integers (the loss then needs no check per batch that
    they are whole), anything else becomes a float array."""
    if isinstance(y, np.ndarray) and y.dtype.kind in "iu":
        targets = y
    else:
        try:
            targets = as_tensor(y, f"{what}: y").data
        except TypeError:
            _refuse_string_labels(y, what)
            raise
    if targets.ndim == 0 or len(targets) != samples:
        raise ValueError(f"{what}: x has {samples} samples but y has "
                         f"{'a single value' if targets.ndim == 0 else len(targets)} (shapes {x_shape} and "
                         f"{targets.shape})")
    check_finite(targets, "y", what)
    return targets


def _refuse_string_labels(y: Any, what: str) -> None:
    """Labels given as names ('cat', 'dog'): say how to turn them into the class ids a loss needs."""
    labels = np.asarray(y, dtype=object).ravel()
    if labels.size and all(isinstance(label, str) for label in labels):
        names = np.unique(labels.astype(str))
        shown = ", ".join(repr(str(name)) for name in names[:3]) + (", ..." if len(names) > 3 else "")
        raise TypeError(f"{what}: y must be an array of numbers, got strings ({shown}); labels must be numbers. "
                        f"Encode them as integers: classes, y = np.unique(y, return_inverse=True) gives class ids "
                        f"0 to {len(names) - 1} (classes[i] is the name of class i), for "
                        f"loss='sparse_categorical_crossentropy' (or 'binary_crossentropy' for two classes)") from None


def batch_size(what: str, size: Any) -> int:
    """A positive integer; None means Keras' default, 32."""
    if size is None:
        return 32
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size <= 0:
        raise ValueError(f"{what}: batch_size must be a positive integer (or None for 32), got {size!r}")
    return int(size)


def sample_weights(what: str, y: Any, samples: int, sample_weight: Any, class_weight: Any) -> np.ndarray:
    """One weight per sample, from ``sample_weight`` or from ``class_weight`` (not both, as in Keras), each a finite
    number >= 0 (Keras takes nan and negative weights too, and trains on them: nan ruins the weights, a negative
    weight rewards a larger loss)."""
    if class_weight is not None and isinstance(y, Columns):
        raise ValueError(f"{what}: class_weight weighs the classes of one output, and this model has several; give "
                         f"sample_weight, one weight per sample, which weighs every output's loss")
    if sample_weight is not None and class_weight is not None:
        raise ValueError(f"{what}: give sample_weight or class_weight, not both (Keras refuses both too); to combine "
                         f"them, multiply them into one sample_weight: sample_weight * np.array([class_weight[c] for "
                         f"c in class_ids])")
    if class_weight is not None:
        return _class_weight_to_sample_weights(what, y, class_weight)
    try:
        weights = np.asarray(sample_weight.data if isinstance(sample_weight, Tensor) else sample_weight)
    except ValueError:  # a ragged list
        weights = np.asarray(None)
    if weights.dtype.kind not in "biuf":
        raise TypeError(f"{what}: sample_weight must be an array of numbers, one per sample, shape ({samples},); got "
                        f"{sample_weight!r:.80} of type {type(sample_weight).__name__}")
    if weights.ndim == 0 or len(weights) != samples:
        found = f"a single number {weights.item()!r}" if weights.ndim == 0 else \
            f"{len(weights)} weights (shape {weights.shape})"
        raise ValueError(f"{what}: sample_weight has {found} but x has {samples} samples; give one weight per sample, "
                         f"an array of shape ({samples},)")
    bad = ~(np.isfinite(weights) & (weights >= 0))  # nan compares False, quietly
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{what}: sample_weight holds {weights[where].item()!r} at index "
                         f"{where[0] if len(where) == 1 else where}; weights must be finite numbers >= 0 (give 0 "
                         f"to leave a sample out of the loss)")
    return weights if weights.dtype.kind == "f" else weights.astype(backend.floatx())


def _class_weight_to_sample_weights(what: str, y: Any, class_weight: Any) -> np.ndarray:
    """Keras' class_weight_to_sample_weights: each sample weighs its class's weight, 1 for a class the dict leaves
    out. A sample's class is its label rounded to an integer — the argmax of a one-hot row; a trailing axis of 1 is
    dropped first."""
    if not isinstance(class_weight, dict):
        raise TypeError(f"{what}: class_weight must be a dict {{class index: weight}}, e.g. {{0: 1.0, 1: 5.0}}, got "
                        f"{class_weight!r:.80} of type {type(class_weight).__name__}")
    table = {}
    for key, weight in class_weight.items():
        if isinstance(key, bool) or not (isinstance(key, (int, np.integer)) or
                                         isinstance(key, (float, np.floating)) and float(key).is_integer()):
            raise TypeError(f"{what}: class_weight keys must be integer class indices, got {key!r} of type "
                            f"{type(key).__name__}; write e.g. {{0: 1.0, 1: 5.0}}")
        if isinstance(weight, bool) or not isinstance(weight, (int, float, np.integer, np.floating)) or \
                not (math.isfinite(weight) and weight >= 0):
            raise ValueError(f"{what}: class_weight[{key!r}] is {weight!r}; class weights must be finite numbers "
                             f">= 0")
        table[int(key)] = float(weight)
    labels = np.asarray(y.data if isinstance(y, Tensor) else y)
    if labels.ndim > 1:
        labels = labels[..., 0] if labels.shape[-1] == 1 else labels.argmax(axis=-1)
    if labels.ndim != 1:
        raise ValueError(f"{what}: class_weight needs one class per sample: y of shape (n,), (n, 1) or one-hot "
                         f"(n, classes), got y of shape {np.shape(y)}; give sample_weight instead")
    if labels.dtype.kind not in "biuf" or not np.isfinite(labels).all():
        raise ValueError(f"{what}: class_weight needs finite class ids in y, got {labels[~np.isfinite(labels)][0]!r}"
                         if labels.dtype.kind == "f" else f"{what}: class_weight needs class ids in y, got dtype "
                         f"{labels.dtype}")
    class_ids = np.round(labels).astype(np.int64)
    weights = np.ones(len(class_ids), dtype=backend.floatx())
    for class_id, weight in table.items():
        weights[class_ids == class_id] = weight
    return weights


def all_finite(arrays: Iterable[np.ndarray]) -> bool:
    """No nan or inf in any of the arrays, checked fast: an array's dot product with itself is nan or inf exactly
    when it holds one — or when its squared norm overflows (entries near 1e19 in float32: a gradient that has
    exploded anyway) — and BLAS makes it the cheapest full pass, with no temporary array."""
    return all(math.isfinite(np.dot(array.ravel(), array.ravel())) for array in arrays)
