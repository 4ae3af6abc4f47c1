"""Metrics fit() and evaluate() report, as Keras 3.15's (keras/src/metrics/: names, arguments, defaults, the state
each class keeps and the formula of its result()): functions.py has the stateless ones, functions of numpy arrays
(y_true, y_pred) with one value per sample, whose epoch value is their mean, and ``accuracy_for``, which accuracy
'accuracy' means; metric.py the base class ``Metric`` (add_variable, update_state, result, reset_state), the
``Variable`` that holds its state, and ``result_values``, what fit logs of a result(); reduction.py ``Sum``, ``Mean``
and ``MeanMetricWrapper`` with the classes that average a function (Accuracy, MeanSquaredError, ...); probabilistic.py
the crossentropies (BinaryCrossentropy, ... and the loss functions keras.metrics gives by name); confusion.py the
counts of true/false positives/negatives at thresholds and ``Precision``, ``Recall``, ``AUC``, built on them. A
Metric's epoch value is its result() after every batch of the epoch was given to update_state. Here: ``get``, a
metric by name, as ``keras.metrics.get``."""
from __future__ import annotations

from collections.abc import Callable

from .. import backend
from .confusion import AUC, NEG_INF, FalseNegatives, FalsePositives, Precision, Recall, TrueNegatives, TruePositives
from .functions import (
    ALL_METRICS,
    accuracy_for,
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
from .metric import Metric, Variable, result_values
from .probabilistic import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    binary_crossentropy,
    categorical_crossentropy,
    huber,
    sparse_categorical_crossentropy,
)
from .reduction import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    CategoricalHinge,
    CosineSimilarity,
    Hinge,
    KLDivergence,
    LogCoshError,
    Mean,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanMetricWrapper,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Poisson,
    RootMeanSquaredError,
    SparseCategoricalAccuracy,
    SquaredHinge,
    Sum,
)

# Metric classes compile also takes by name, as Keras 3's metrics.get does: the class name in snake_case. The names
# of ALL_METRICS stay functions (for 'mae' or 'binary_accuracy', the epoch's mean is the same number, found with less
# work). The crossentropies' names give their classes, as in Keras ('huber' is no metric name there either).
METRIC_CLASSES: dict[str, type[Metric]] = {
    "precision": Precision, "recall": Recall, "auc": AUC, "true_positives": TruePositives,
    "false_positives": FalsePositives, "true_negatives": TrueNegatives, "false_negatives": FalseNegatives,
    "root_mean_squared_error": RootMeanSquaredError, "cosine_similarity": CosineSimilarity,
    "binary_crossentropy": BinaryCrossentropy, "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
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
        if not hasattr(identifier, "variables"):  # the property reads the list Metric.__init__ makes
            raise RuntimeError(f"{type(identifier).__name__}: its __init__ must call super().__init__(), as in Keras")
        return identifier
    if callable(identifier):
        return identifier
    if isinstance(identifier, str):
        names = {"accuracy": "accuracy", "acc": "acc", **ALL_METRICS, **METRIC_CLASSES}
        found = backend.lookup("metric", identifier, names, ["accuracy", *ALL_METRICS, *METRIC_CLASSES], expected)
        return found(name=identifier) if isinstance(found, type) else found
    raise ValueError(f"Unknown metric {identifier!r}: expected a Metric such as Precision(), {expected}")


__all__ = ["ALL_METRICS", "AUC", "Accuracy", "BinaryAccuracy", "BinaryCrossentropy", "CategoricalAccuracy",
           "CategoricalCrossentropy", "CategoricalHinge", "CosineSimilarity", "FalseNegatives", "FalsePositives",
           "Hinge", "KLDivergence", "LogCoshError", "METRIC_CLASSES", "Mean", "MeanAbsoluteError",
           "MeanAbsolutePercentageError", "MeanMetricWrapper", "MeanSquaredError", "MeanSquaredLogarithmicError",
           "Metric", "NEG_INF", "Poisson", "Precision", "Recall", "RootMeanSquaredError", "SparseCategoricalAccuracy",
           "SparseCategoricalCrossentropy", "SquaredHinge", "Sum", "TrueNegatives", "TruePositives", "Variable",
           "accuracy_for", "binary_accuracy", "binary_crossentropy", "categorical_accuracy",
           "categorical_crossentropy", "categorical_hinge", "get", "hinge", "huber", "kl_divergence", "log_cosh",
           "mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_error",
           "mean_squared_logarithmic_error", "poisson", "result_values", "sparse_categorical_accuracy",
           "sparse_categorical_crossentropy", "squared_hinge"]
