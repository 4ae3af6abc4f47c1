"""Confusion metrics: weighted counts of true/false positives/negatives at thresholds, as Keras' metrics_utils, and
what is computed from them: TruePositives and the other counts, Precision, Recall, AUC."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import backend
from ..tensor import Tensor, no_grad
from .metric import Metric, Variable, divide_no_nan, numbers_of, same_rank

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
    y_pred = np.asarray(numbers_of(y_pred), dtype=metric.dtype)
    y_true = np.asarray(numbers_of(y_true), dtype=metric.dtype)
    y_pred, y_true = same_rank(y_pred, y_true)
    if y_pred.shape != y_true.shape:
        raise ValueError(f"{type(metric).__name__} '{metric.name}': y_true of shape {y_true.shape} does not match "
                         f"y_pred of shape {y_pred.shape}")
    weights = None
    if sample_weight is not None:  # one weight per sample (or per value): broadcast over the rest
        weights = np.asarray(numbers_of(sample_weight), dtype=np.float64)
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
        values = divide_no_nan(self.true_positives.value, self.true_positives.value + other.value)
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
                y_pred = Tensor(numbers_of(y_pred), dtype=self.dtype).sigmoid().data
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
        slope = divide_no_nan(dtp, np.maximum(p[:-1] - p[1:], 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = np.where(both, divide_no_nan(p[:-1], np.maximum(p[1:], 0)), 1.0)
        increments = divide_no_nan(slope * (dtp + intercept * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0))
        return float(increments.sum())

    def result(self) -> Tensor:
        if self.curve == "PR" and self.summation_method == "interpolation":
            return Tensor(self._interpolated_pr_auc(), dtype=self.dtype)
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, divide_no_nan(tp, tp + fp)
        else:  # PRGAIN (Flach & Kull 2015), as Keras writes it
            scale = divide_no_nan(tp + fn, tn + fp)
            x = np.maximum(np.where(tp == 0, 0.0, 1.0 - scale * divide_no_nan(fn, tp)), 0.0)
            y = np.where(tp == 0, 1.0, 1.0 - scale * divide_no_nan(fp, tp))
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
