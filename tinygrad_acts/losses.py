"""Loss functions: how far the predictions are from the targets, one number per sample.

Every loss is a plain function ``loss(y_true, y_pred) -> Tensor``, with Keras 3's names, formulas and defaults
(``keras/src/losses/losses.py``). ``y_true`` is a numpy array (or a Tensor: no gradient flows into it) and is cast to
``y_pred``'s dtype, so float32 predictions give a float32 loss. ``y_pred`` is the model's output Tensor. The result
has one entry per sample: the loss averaged over the last axis, shape ``y_pred.shape[:-1]`` — ``(batch,)`` for the
usual ``(batch, outputs)`` predictions. Training averages it over the batch: ``loss(y, model(x)).mean()``; with
sample weights, ``reduce_weighted_values`` gives Keras' ``sum(w * loss) / batch size``. The classes at the end
(``MeanSquaredError(reduction=..., name=...)``, ...) are Keras' loss objects: ``loss(y_true, y_pred, sample_weight)``.

Two numerical tricks keep every loss finite, even for a confident wrong answer:

- from probabilities, probabilities are clipped into [epsilon, 1 - epsilon] (epsilon = 1e-7) before the log, as Keras
  does: a probability of 0 for the true class costs -log(1e-7) ~ 16.1, not infinity (and, clipped, gets no gradient);
- from logits (``from_logits=True``), the log of the sigmoid or softmax is never formed from an exponential that could
  overflow: we use log-sum-exp with the maximum subtracted, and log(1 + e^-|z|). Prefer logits when you can: they are
  exact where clipping is not (a logit of 1000 for the wrong class costs 1000, not 16.1).

``get(identifier)`` turns a name such as ``'mse'`` into the function, as ``model.compile(loss='mse')`` needs.
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any, cast

import numpy as np

from . import backend
from .activations import softplus
from .engine.elementwise import where
from .keywords import SuggestsKeywords
from .special import sigmoid
from .tensor import Tensor, record

LossFunction = Callable[[Any, Tensor], Tensor]

def _epsilon() -> float:
    """How far probabilities are kept from 0 and 1: backend.epsilon(), 1e-7 as in Keras."""
    return backend.epsilon()


# ----------------------------------------------------------------------------------------------------------------
# Checking and shaping the inputs
# ----------------------------------------------------------------------------------------------------------------
def _prepare(loss: str, y_true: Any, y_pred: Any) -> tuple[np.ndarray, Tensor]:
    """y_pred as a floating-point Tensor with a batch axis; y_true as a plain array with as many samples."""
    if not isinstance(y_pred, Tensor):
        y_pred = Tensor(y_pred)
    if y_pred.dtype.kind != "f":
        raise TypeError(f"{loss}: y_pred must hold floating-point numbers, got dtype {y_pred.dtype}")
    if y_pred.ndim == 0:
        raise ValueError(f"{loss}: y_pred needs a batch axis (one row per sample), got a single number")
    target = np.asarray(y_true.data if isinstance(y_true, Tensor) else y_true)
    if target.dtype.kind not in "biuf":
        raise TypeError(f"{loss}: y_true must hold numbers, got numpy dtype {target.dtype}")
    if target.ndim == 0 or len(target) != len(y_pred):
        found = "a single number" if target.ndim == 0 else f"{len(target)} samples"
        raise ValueError(f"{loss}: y_true has {found} (shape {target.shape}) but y_pred has {len(y_pred)} "
                         f"(shape {y_pred.shape})")
    return target, y_pred


def _match_shapes(loss: str, target: np.ndarray, y_pred: Tensor) -> tuple[np.ndarray, Tensor]:
    """Keras' squeeze_or_expand_to_same_rank, then insist on equal shapes.

    When the ranks differ by one and the longer has a last axis of size 1, that axis is dropped — or, for (batch,)
    targets against (batch, 1) predictions, added to the targets. So y of shape (batch,) works with a Dense(1) model.
    Any other difference is an error: Keras would broadcast (batch, 1) against (batch, 3) and silently average the
    wrong thing.
    """
    true_shape, pred_shape = target.shape, y_pred.shape
    if target.ndim == y_pred.ndim + 1 and target.shape[-1] == 1:
        target = target[..., 0]
    elif y_pred.ndim == target.ndim + 1 and y_pred.shape[-1] == 1:
        if target.ndim == 1:
            target = target[:, None]
        else:
            y_pred = y_pred.reshape(y_pred.shape[:-1])
    if target.shape != y_pred.shape:
        raise ValueError(f"{loss}: y_true shape {true_shape} does not match y_pred shape {pred_shape}; they must be "
                         f"equal (a last axis of size 1 on either side is dropped or added, as in Keras)")
    return target, y_pred


def _mean_over_last_axis(values: Tensor) -> Tensor:
    """One loss per sample. A rank-1 result already has one value per sample (Keras would average it to a scalar;
    the batch mean is the same either way)."""
    return values if values.ndim == 1 else values.mean(axis=-1)


def _sum_over_last_axis(values: Tensor) -> Tensor:
    """One sum per sample; a rank-1 result already has one value per sample, as in _mean_over_last_axis."""
    return values if values.ndim == 1 else values.sum(axis=-1)


def _elementwise(loss: str, y_true: Any, y_pred: Any) -> tuple[np.ndarray, Tensor]:
    """The checked, shape-matched inputs of an elementwise loss, with y_true in y_pred's dtype."""
    target, y_pred = _match_shapes(loss, *_prepare(loss, y_true, y_pred))
    return target.astype(y_pred.dtype), y_pred


def _class_targets(loss: str, target: np.ndarray, y_pred: Tensor) -> np.ndarray:
    """Integer class ids, shape y_pred.shape[:-1] (a trailing axis of 1 is dropped), each in [0, classes)."""
    classes = y_pred.shape[-1]
    if target.ndim == y_pred.ndim and target.shape[-1] == 1:
        target = target[..., 0]
    if target.shape != y_pred.shape[:-1]:
        hint = "; for one-hot targets use categorical_crossentropy" if target.shape == y_pred.shape else ""
        raise ValueError(f"{loss}: y_true should hold one integer class id per sample, shape {y_pred.shape[:-1]} or "
                         f"{y_pred.shape[:-1] + (1,)} for y_pred of shape {y_pred.shape}, got {target.shape}{hint}")
    if target.dtype.kind == "f":
        not_integer = target != np.round(target)  # nan is caught here too
        if np.any(not_integer):
            raise ValueError(f"{loss}: y_true must hold integer class ids in [0, {classes}), found "
                             f"{target[not_integer].flat[0].item()!r}")
    outside = (target < 0) | (target >= classes)
    if outside.any():
        bad = target[outside].flat[0].item()
        bad = int(bad) if float(bad).is_integer() else bad  # 3.0 reads as the id 3
        raise ValueError(f"{loss}: class id {bad!r} is out of range for {classes} classes (ids must be in "
                         f"[0, {classes}))")
    return target.astype(np.intp)


def _label_smoothing(loss: str, label_smoothing: Any) -> bool:
    """Whether to smooth the labels: a number in [0, 1], where 0 means no smoothing."""
    if isinstance(label_smoothing, bool) or not isinstance(label_smoothing, (int, float, np.integer, np.floating)) \
            or not 0 <= label_smoothing <= 1:
        raise ValueError(f"{loss}: label_smoothing must be a number in [0, 1] (0 for none), got {label_smoothing!r}")
    return bool(label_smoothing > 0)


def _check_classes(loss: str, y_pred: Tensor) -> None:
    if y_pred.ndim < 2:
        raise ValueError(f"{loss}: y_pred must have shape (batch, classes), got {y_pred.shape}")
    if y_pred.shape[-1] == 1:  # Keras warns too: softmax over one class is always 1, so nothing is learned
        warnings.warn(f"{loss}: y_pred has a single class (shape {y_pred.shape}), so the loss cannot change; use "
                      f"binary_crossentropy for two classes", stacklevel=3)


# ----------------------------------------------------------------------------------------------------------------
# Regression losses
# ----------------------------------------------------------------------------------------------------------------
def mean_squared_error(y_true: Any, y_pred: Tensor) -> Tensor:
    """``mean((y_true - y_pred)^2, axis=-1)``. Aliases 'mse', 'MSE'."""
    target, y_pred = _match_shapes("mean_squared_error", *_prepare("mean_squared_error", y_true, y_pred))
    return _mean_over_last_axis((y_pred - target.astype(y_pred.dtype)) ** 2)


def mean_absolute_error(y_true: Any, y_pred: Tensor) -> Tensor:
    """``mean(|y_true - y_pred|, axis=-1)``. Aliases 'mae', 'MAE'. Its gradient at an exact hit is 0, as in Keras."""
    target, y_pred = _match_shapes("mean_absolute_error", *_prepare("mean_absolute_error", y_true, y_pred))
    return _mean_over_last_axis((y_pred - target.astype(y_pred.dtype)).abs())


def huber(y_true: Any, y_pred: Tensor, delta: float = 1.0) -> Tensor:
    """Squared error near the target, absolute error far from it: for the error x = y_pred - y_true,

    ``0.5 x^2`` where ``|x| <= delta``, else ``delta |x| - 0.5 delta^2`` (the two pieces meet with equal slope),
    averaged over the last axis. ``delta`` (Keras' default 1.0) is where it turns from quadratic to linear.
    """
    if isinstance(delta, bool) or not isinstance(delta, (int, float, np.integer, np.floating)) or not delta >= 0:
        raise ValueError(f"huber: delta must be >= 0, got {delta!r}")
    delta = float(delta)
    target, y_pred = _match_shapes("huber", *_prepare("huber", y_true, y_pred))
    error = y_pred - target.astype(y_pred.dtype)
    abs_error = error.abs()
    return _mean_over_last_axis(where(abs_error.data <= delta, 0.5 * error ** 2,
                                      delta * abs_error - 0.5 * delta ** 2))


def log_cosh(y_true: Any, y_pred: Tensor) -> Tensor:
    """``mean(log(cosh(x)), axis=-1)`` for the error x = y_pred - y_true. Alias 'logcosh'.

    About x^2 / 2 near 0 and |x| - log 2 far away: mse for small errors, mae for outliers. cosh(x) overflows past
    |x| ~ 710, so, as Keras, we use the identity ``log(cosh(x)) = x + softplus(-2x) - log 2`` (softplus is stable).
    """
    target, y_pred = _elementwise("log_cosh", y_true, y_pred)
    error = y_pred - target
    return _mean_over_last_axis(error + softplus(-2 * error) - math.log(2.0))


def mean_absolute_percentage_error(y_true: Any, y_pred: Tensor) -> Tensor:
    """``100 * mean(|y_true - y_pred| / max(|y_true|, epsilon), axis=-1)``. Aliases 'mape', 'MAPE'.

    The error as a percentage of the target; Keras' epsilon (1e-7) keeps a target of 0 from dividing by zero (the
    loss is then huge, 1e9 times the error: MAPE suits targets far from 0).
    """
    target, y_pred = _elementwise("mean_absolute_percentage_error", y_true, y_pred)
    scale = np.maximum(np.abs(target), _epsilon())  # a constant: no gradient flows into y_true
    return 100.0 * _mean_over_last_axis((y_pred - target).abs() / scale)


def mean_squared_logarithmic_error(y_true: Any, y_pred: Tensor) -> Tensor:
    """``mean((log(1 + max(y_pred, eps)) - log(1 + max(y_true, eps)))^2, axis=-1)``. Aliases 'msle', 'MSLE'.

    Relative error for non-negative targets spanning orders of magnitude. As Keras, values below epsilon (1e-7) are
    raised to it, so a negative prediction gives a finite loss (and no gradient). log1p is log(1 + x), exact for
    small x.
    """
    target, y_pred = _elementwise("mean_squared_logarithmic_error", y_true, y_pred)
    eps = _epsilon()
    return _mean_over_last_axis((y_pred.maximum(eps).log1p() - np.log1p(np.maximum(target, eps))) ** 2)


# ----------------------------------------------------------------------------------------------------------------
# Hinge losses (maximum-margin classifiers)
# ----------------------------------------------------------------------------------------------------------------
def _hinge_labels(target: np.ndarray) -> np.ndarray:
    """Keras' convert_binary_labels_to_hinge: labels that are all 0 or 1 become -1 or 1; others are kept."""
    return 2 * target - 1 if np.all((target == 0) | (target == 1)) else target


def hinge(y_true: Any, y_pred: Tensor) -> Tensor:
    """``mean(max(1 - y_true * y_pred, 0), axis=-1)``: no loss once the score has the label's sign with margin 1.

    Labels are -1 or 1; 0/1 labels are converted to -1/1 first, as Keras does (when every label is 0 or 1).
    """
    target, y_pred = _elementwise("hinge", y_true, y_pred)
    return _mean_over_last_axis((1 - y_pred * _hinge_labels(target)).maximum(0.0))


def squared_hinge(y_true: Any, y_pred: Tensor) -> Tensor:
    """``mean(max(1 - y_true * y_pred, 0)^2, axis=-1)``, labels as in hinge (0/1 become -1/1)."""
    target, y_pred = _elementwise("squared_hinge", y_true, y_pred)
    return _mean_over_last_axis((1 - y_pred * _hinge_labels(target)).maximum(0.0) ** 2)


def categorical_hinge(y_true: Any, y_pred: Tensor) -> Tensor:
    """``max(neg - pos + 1, 0)`` per sample, with ``pos = sum(y_true * y_pred)`` (the true class's score, for a
    one-hot y_true) and ``neg = max((1 - y_true) * y_pred)`` (the best other score), over the last (class) axis.

    No loss once the true class beats every other by a margin of 1. y_true is one-hot, shaped as y_pred.
    """
    target, y_pred = _elementwise("categorical_hinge", y_true, y_pred)
    if y_pred.ndim == 1:  # (batch,) scores: one class per sample, not a max over the batch
        target, y_pred = target[:, None], y_pred.reshape(len(y_pred), 1)
    positive = (target * y_pred).sum(axis=-1)
    negative = ((1 - target) * y_pred).max(axis=-1)
    return (negative - positive + 1).maximum(0.0)


# ----------------------------------------------------------------------------------------------------------------
# Probabilistic losses
# ----------------------------------------------------------------------------------------------------------------
def _binary_crossentropy_with_logits(target: np.ndarray, logits: Tensor) -> Tensor:
    """Elementwise ``-(t log s(z) + (1 - t) log(1 - s(z)))`` for s = sigmoid, in the stable form
    ``max(z, 0) - z t + log(1 + e^-|z|)``: the exponent is never positive, so nothing overflows.

    The gradient is ``s(z) - t``. Written by hand because composing max and |z| would put kinks at z = 0 that only
    cancel mathematically: autodiff through them gives -t there instead of 0.5 - t.
    """
    z = logits.data
    out = np.maximum(z, 0) - z * target + np.log1p(np.exp(-np.abs(z)))
    return record(out, (logits,), lambda g, out, z: (g * (sigmoid(z) - target),),
                         "binary_crossentropy_with_logits")


def _softmax_crossentropy_with_logits(target: np.ndarray, logits: Tensor) -> Tensor:
    """Per row, ``-sum_k t_k log softmax(z)_k`` with ``log softmax(z) = z - m - log sum_k e^(z_k - m)``, m = max z:
    every exponent is <= 0, so nothing overflows, and the log's argument is >= 1.

    The gradient is ``softmax(z) sum_k t_k - t`` — softmax minus one-hot for a one-hot target. Written by hand: one
    node, and the softmax comes from the exponentials already computed.
    """
    z = logits.data
    shifted = z - z.max(axis=-1, keepdims=True)
    exp_shifted = np.exp(shifted)
    sum_exp = exp_shifted.sum(axis=-1, keepdims=True)
    out = -(target * (shifted - np.log(sum_exp))).sum(axis=-1)

    def backward(g, out, z):
        if isinstance(z, Tensor):  # a recorded backward pass: the same softmax, as a function of the Tensor z
            exps = (z - z.max(axis=-1, keepdims=True)).exp()
            softmax = exps / exps.sum(axis=-1, keepdims=True)
        else:  # the usual pass: the forward pass's exponentials (recomputing them costs ~4% of a W2 training step)
            softmax = exp_shifted / sum_exp
        return (g.reshape(g.shape + (1,)) * (softmax * target.sum(axis=-1, keepdims=True) - target),)

    return record(out, (logits,), backward, "softmax_crossentropy_with_logits")


def _crossentropy_from_probabilities(target: np.ndarray, probabilities: Tensor) -> Tensor:
    """Keras' recipe: rescale each row to sum to 1, clip into [eps, 1 - eps], then ``-sum_k t_k log p_k``."""
    total = probabilities.sum(axis=-1, keepdims=True)
    total = where(total.data > 0, total, 1.0)  # an all-zero row would give 0/0 (nan in Keras); it costs -log(eps)
    eps = _epsilon()
    p = (probabilities / total).clip(eps, 1 - eps)
    return -(target * p.log()).sum(axis=-1)


def kl_divergence(y_true: Any, y_pred: Tensor) -> Tensor:
    """``sum(y_true * log(y_true / y_pred), axis=-1)``, both clipped into [epsilon, 1] first (epsilon = 1e-7), as
    Keras does. Aliases 'kld', 'KLD', 'kullback_leibler_divergence'.

    How far the predicted distribution is from the true one (0 when equal). The clipping keeps log finite: a true
    probability of 0 contributes ~0, and a predicted 0 costs as much as a predicted 1e-7 (with no gradient).
    """
    target, y_pred = _elementwise("kl_divergence", y_true, y_pred)
    eps = _epsilon()
    target = np.clip(target, eps, 1)
    return _sum_over_last_axis(target * (np.log(target) - y_pred.clip(eps, 1).log()))  # log(t / p), t a constant


def poisson(y_true: Any, y_pred: Tensor) -> Tensor:
    """``mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)`` (epsilon = 1e-7, as Keras): the negative
    log-likelihood of counts y_true under Poisson rates y_pred, up to a term that does not depend on y_pred.

    Rates must be >= 0 (e.g. from a softplus or exp output); a predicted 0 costs y_true * -log(1e-7), not infinity.
    """
    target, y_pred = _elementwise("poisson", y_true, y_pred)
    return _mean_over_last_axis(y_pred - target * (y_pred + _epsilon()).log())


def binary_crossentropy(y_true: Any, y_pred: Tensor, from_logits: bool = False,
                        label_smoothing: float = 0.0) -> Tensor:
    """``mean(-(y_true log p + (1 - y_true) log(1 - p)), axis=-1)`` with p = y_pred, or p = sigmoid(y_pred) when
    ``from_logits``. Aliases 'bce', 'BCE'.

    Targets are 0/1 labels (or probabilities), shaped as y_pred; (batch,) targets fit (batch, 1) predictions.
    From probabilities p is clipped into [1e-7, 1 - 1e-7], as Keras does; from logits the stable form
    ``max(z, 0) - z y + log(1 + e^-|z|)`` is exact for any z. ``label_smoothing`` s pulls the targets toward 1/2,
    as Keras: ``y_true (1 - s) + s / 2``, so a confident prediction is no longer free.
    """
    target, y_pred = _match_shapes("binary_crossentropy", *_prepare("binary_crossentropy", y_true, y_pred))
    target = target.astype(y_pred.dtype)
    if _label_smoothing("binary_crossentropy", label_smoothing):
        target = (target * (1 - label_smoothing) + 0.5 * label_smoothing).astype(y_pred.dtype)
    if from_logits:
        return _mean_over_last_axis(_binary_crossentropy_with_logits(target, y_pred))
    eps = _epsilon()
    p = y_pred.clip(eps, 1 - eps)
    return _mean_over_last_axis(-(target * p.log() + (1 - target) * (1 - p).log()))


def categorical_crossentropy(y_true: Any, y_pred: Tensor, from_logits: bool = False,
                             label_smoothing: float = 0.0) -> Tensor:
    """``-sum_k y_true_k log p_k`` over the last (class) axis, with p = y_pred rescaled to sum to 1 and clipped into
    [1e-7, 1 - 1e-7] (as Keras), or p = softmax(y_pred) when ``from_logits`` (computed as a stable log-softmax).

    ``y_true`` is one-hot (or a distribution over classes), shaped as y_pred: (batch, classes). For integer class
    ids use sparse_categorical_crossentropy. ``label_smoothing`` s spreads part of each target over all K classes,
    as Keras: ``y_true (1 - s) + s / K``.
    """
    target, y_pred = _prepare("categorical_crossentropy", y_true, y_pred)
    _check_classes("categorical_crossentropy", y_pred)
    if target.shape != y_pred.shape:
        hint = "; for integer class ids use sparse_categorical_crossentropy" if target.shape == y_pred.shape[:-1] or \
            target.shape == y_pred.shape[:-1] + (1,) else ""
        raise ValueError(f"categorical_crossentropy: y_true shape {target.shape} does not match y_pred shape "
                         f"{y_pred.shape}; y_true must be one-hot, one row per sample{hint}")
    target = target.astype(y_pred.dtype)
    if _label_smoothing("categorical_crossentropy", label_smoothing):
        target = (target * (1 - label_smoothing) + label_smoothing / target.shape[-1]).astype(y_pred.dtype)
    if from_logits:
        return _softmax_crossentropy_with_logits(target, y_pred)
    return _crossentropy_from_probabilities(target, y_pred)


def sparse_categorical_crossentropy(y_true: Any, y_pred: Tensor, from_logits: bool = False) -> Tensor:
    """Categorical crossentropy with integer class ids as targets: ``-log p[y_true]`` per sample.

    ``y_true`` holds one class id per sample, shape (batch,) or (batch, 1), each an integer in [0, classes)
    (Keras would silently truncate 1.5 to 1; here it is an error, as is an id out of range).
    """
    target, y_pred = _prepare("sparse_categorical_crossentropy", y_true, y_pred)
    _check_classes("sparse_categorical_crossentropy", y_pred)
    class_ids = _class_targets("sparse_categorical_crossentropy", target, y_pred)
    one_hot = (class_ids[..., None] == np.arange(y_pred.shape[-1])).astype(y_pred.dtype)
    if from_logits:
        return _softmax_crossentropy_with_logits(one_hot, y_pred)
    return _crossentropy_from_probabilities(one_hot, y_pred)


# ----------------------------------------------------------------------------------------------------------------
# Looking a loss up by name
# ----------------------------------------------------------------------------------------------------------------
_LOSSES: dict[str, LossFunction] = {
    "mean_squared_error": mean_squared_error, "mse": mean_squared_error, "MSE": mean_squared_error,
    "mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error, "MAE": mean_absolute_error,
    "binary_crossentropy": binary_crossentropy, "bce": binary_crossentropy, "BCE": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "huber": huber,
    "log_cosh": log_cosh, "logcosh": log_cosh,
    "mean_absolute_percentage_error": mean_absolute_percentage_error, "mape": mean_absolute_percentage_error,
    "MAPE": mean_absolute_percentage_error,
    "mean_squared_logarithmic_error": mean_squared_logarithmic_error, "msle": mean_squared_logarithmic_error,
    "MSLE": mean_squared_logarithmic_error,
    "hinge": hinge, "squared_hinge": squared_hinge, "categorical_hinge": categorical_hinge,
    "kl_divergence": kl_divergence, "kld": kl_divergence, "KLD": kl_divergence,
    "kullback_leibler_divergence": kl_divergence,
    "poisson": poisson,
}  # the names Keras 3's losses.get accepts for these functions; we also forgive case ('Mse'), Keras does not


# ----------------------------------------------------------------------------------------------------------------
# Sample weights and reductions: from one loss per sample to the number training minimizes
# ----------------------------------------------------------------------------------------------------------------
REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def _check_reduction(reduction: Any) -> str | None:
    if reduction not in REDUCTIONS:  # a list or a dict is no reduction, and `in` compares it without error
        raise ValueError(f"reduction must be one of {', '.join(map(repr, REDUCTIONS))} (Keras 3's), got {reduction!r}")
    return reduction


def _weights_for(values: Tensor, sample_weight: Any) -> tuple[Tensor, np.ndarray]:
    """The losses and the weights in the losses' dtype, with Keras' squeeze_or_expand_to_same_rank: when their ranks
    differ by one and the longer ends in an axis of 1, that axis goes (or, against a rank-1 array, the shorter gets
    one). What then does not broadcast against the losses is an error naming both shapes."""
    weights = np.asarray(sample_weight.data if isinstance(sample_weight, Tensor) else sample_weight)
    if weights.dtype.kind not in "biuf":
        raise TypeError(f"sample_weight must hold numbers, got numpy dtype {weights.dtype}")
    weights = weights.astype(values.dtype)
    if values.ndim == weights.ndim + 1 and values.shape[-1] == 1:
        if weights.ndim == 1:
            weights = weights[:, None]
        else:
            values = values.reshape(values.shape[:-1])
    elif weights.ndim == values.ndim + 1 and weights.shape[-1] == 1:
        if values.ndim == 1:
            values = values.reshape(values.shape + (1,))
        else:
            weights = weights[..., 0]
    try:
        np.broadcast_shapes(values.shape, weights.shape)
    except ValueError:
        raise ValueError(f"sample_weight of shape {weights.shape} does not fit the losses of shape {values.shape}: "
                         f"give one weight per sample, shape {values.shape[:1]}, or one number") from None
    return values, weights


def reduce_weighted_values(values: Tensor, sample_weight: Any = None,
                           reduction: str | None = "sum_over_batch_size") -> Tensor:
    """From one loss per sample to a number, as Keras 3 does (``reduce_weighted_values`` in keras/src/losses/loss.py).

    With weights w (one per sample, or anything that broadcasts) the losses l become ``l * w``; then

    - ``"sum_over_batch_size"`` (the default) and ``"mean"``: ``sum(l * w) / n``, n the number of losses. A weight
      of 0 silences a sample but it still counts in n; weights of all 1 give the plain mean;
    - ``"mean_with_sample_weight"``: ``sum(l * w) / sum(w)``, a true weighted mean (0 when the weights sum to 0);
    - ``"sum"``: ``sum(l * w)``;
    - ``"none"`` or None: the weighted losses ``l * w`` themselves.
    """
    reduction = _check_reduction(reduction)
    weights = None
    if sample_weight is not None:
        values, weights = _weights_for(values, sample_weight)
        values = values * weights
    if reduction in (None, "none") or values.ndim == 0 or values.size == 0:  # as Keras: nothing to reduce
        return values
    if reduction == "sum":
        return values.sum()
    if weights is None or reduction != "mean_with_sample_weight":
        return values.mean()  # sum / n: the weighted losses' count, as Keras (ops.shape of the product)
    total_weight = float(weights.sum())  # the weights as given, as Keras: one number w gives sum(l * w) / w
    return values.sum() / total_weight if total_weight else values.sum() * 0.0  # Keras' divide_no_nan


class Loss(SuggestsKeywords):
    """Keras' loss object: ``loss(y_true, y_pred, sample_weight=None)`` gives one number, the losses reduced as
    ``reduction`` says (reduce_weighted_values). Subclass it and write ``call(y_true, y_pred)``, returning one loss
    per sample, as in Keras; or use the classes below, which fix a loss function's options:
    ``compile(loss=SparseCategoricalCrossentropy(from_logits=True))`` is how Keras code passes them.
    """

    def __init__(self, name: str | None = None, reduction: str | None = "sum_over_batch_size", dtype: Any = None):
        if dtype is not None:
            raise NotImplementedError(f"{type(self).__name__}: dtype={dtype!r} is not supported here; a loss computes "
                                      f"in its predictions' dtype (float32 unless the model is float64), so leave it "
                                      f"out")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: name must be a string, got {name!r}")
        self.name = name if name is not None else backend.unique_name(_snake_case(type(self).__name__))
        self.reduction = _check_reduction(reduction)
        self.options: dict[str, Any] = {}  # the loss function's options, for the classes below

    def call(self, y_true: Any, y_pred: Tensor) -> Tensor:
        """One loss per sample: what a subclass writes."""
        raise NotImplementedError(f"{type(self).__name__} must define call(y_true, y_pred), returning one loss per "
                                  f"sample")

    def __call__(self, y_true: Any, y_pred: Tensor, sample_weight: Any = None) -> Tensor:
        return reduce_weighted_values(self.call(y_true, y_pred), sample_weight, self.reduction)

    def get_config(self) -> dict[str, Any]:
        """The arguments that make this loss again, as Keras' get_config: name, reduction and the options."""
        return {"name": self.name, "reduction": self.reduction, **self.options}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        return cls(**config)

    def __repr__(self) -> str:
        options = {**self.options, "reduction": self.reduction, "name": self.name}
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in options.items())})"


def _snake_case(name: str) -> str:
    """'MyLoss' -> 'my_loss', Keras' default name for a loss object."""
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


class _LossFunction(Loss):
    """A loss function with its options fixed (Keras' LossFunctionWrapper); its Keras signature:
    ``(reduction='sum_over_batch_size', name=..., dtype=None)``, options first where it has some."""

    function: LossFunction
    default_name: str

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str | None = None, dtype: Any = None):
        super().__init__(self.default_name if name is None else name, reduction, dtype)

    def call(self, y_true: Any, y_pred: Tensor) -> Tensor:
        return type(self).function(y_true, y_pred, **self.options)


def _only_last_axis(loss: str, axis: Any) -> None:
    if axis != -1:  # the class axis is the last one everywhere here; Keras' other axes are for channels-first data
        raise NotImplementedError(f"{loss}: axis={axis!r} is not supported; only axis=-1 (the last axis holds the "
                                  f"classes). Move the class axis last, e.g. np.moveaxis(y, {axis}, -1)")


class MeanSquaredError(_LossFunction):
    function, default_name = staticmethod(mean_squared_error), "mean_squared_error"


class MeanAbsoluteError(_LossFunction):
    function, default_name = staticmethod(mean_absolute_error), "mean_absolute_error"


class Huber(_LossFunction):
    function, default_name = staticmethod(huber), "huber_loss"

    def __init__(self, delta: float = 1.0, reduction: str | None = "sum_over_batch_size", name: str | None = None,
                 dtype: Any = None):
        super().__init__(reduction, name, dtype)
        self.options = {"delta": delta}


class LogCosh(_LossFunction):
    function, default_name = staticmethod(log_cosh), "log_cosh"


class MeanAbsolutePercentageError(_LossFunction):
    function, default_name = staticmethod(mean_absolute_percentage_error), "mean_absolute_percentage_error"


class MeanSquaredLogarithmicError(_LossFunction):
    function, default_name = staticmethod(mean_squared_logarithmic_error), "mean_squared_logarithmic_error"


class Hinge(_LossFunction):
    function, default_name = staticmethod(hinge), "hinge"


class SquaredHinge(_LossFunction):
    function, default_name = staticmethod(squared_hinge), "squared_hinge"


class CategoricalHinge(_LossFunction):
    function, default_name = staticmethod(categorical_hinge), "categorical_hinge"


class KLDivergence(_LossFunction):
    function, default_name = staticmethod(kl_divergence), "kl_divergence"


class Poisson(_LossFunction):
    function, default_name = staticmethod(poisson), "poisson"


class BinaryCrossentropy(_LossFunction):
    function, default_name = staticmethod(binary_crossentropy), "binary_crossentropy"

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: str | None = "sum_over_batch_size", name: str | None = None, dtype: Any = None):
        super().__init__(reduction, name, dtype)
        _only_last_axis(type(self).__name__, axis)
        _label_smoothing(type(self).__name__, label_smoothing)
        self.options = {"from_logits": from_logits}
        if label_smoothing:  # only when used: the repr of a plain loss stays short
            self.options["label_smoothing"] = label_smoothing


class CategoricalCrossentropy(BinaryCrossentropy):
    function, default_name = staticmethod(categorical_crossentropy), "categorical_crossentropy"


class SparseCategoricalCrossentropy(_LossFunction):
    function, default_name = staticmethod(sparse_categorical_crossentropy), "sparse_categorical_crossentropy"

    def __init__(self, from_logits: bool = False, ignore_class: int | None = None,
                 reduction: str | None = "sum_over_batch_size", axis: int = -1, name: str | None = None,
                 dtype: Any = None):  # Keras' order: axis after reduction here
        super().__init__(reduction, name, dtype)
        _only_last_axis(type(self).__name__, axis)
        if ignore_class is not None:
            raise NotImplementedError(f"SparseCategoricalCrossentropy: ignore_class={ignore_class!r} is not "
                                      f"supported; give the samples of that class sample_weight 0 with "
                                      f"reduction='mean_with_sample_weight' (the mean over the others, as "
                                      f"ignore_class gives): fit(x, y, sample_weight=(y != {ignore_class!r}) * 1.0)")
        self.options = {"from_logits": from_logits}


def get(identifier: str | LossFunction) -> LossFunction:
    """The loss function for a name ('mse', 'binary_crossentropy', ...), or a callable ``(y_true, y_pred) -> Tensor``
    unchanged. For options such as ``from_logits=True`` pass a loss object, as in Keras:
    ``BinaryCrossentropy(from_logits=True)``.
    """
    if isinstance(identifier, str):
        return backend.lookup("loss", identifier, _LOSSES, sorted(_LOSSES))
    if isinstance(identifier, type) and issubclass(identifier, Loss):  # callable, but calling it makes a loss object
        raise ValueError(f"loss={identifier.__name__} is the class; pass an instance, {identifier.__name__}(), or a "
                         f"name such as 'mse'")
    if callable(identifier):
        return cast(LossFunction, identifier)
    raise ValueError(f"A loss must be a name ({', '.join(sorted(_LOSSES))}) or a function (y_true, y_pred) -> "
                     f"Tensor, got {identifier!r} of type {type(identifier).__name__}")
