"""Losses: values against their formulas (written out again here in numpy), extreme inputs, gradients, shapes, errors.

Reference values marked "Keras docstring" are the examples printed in keras/src/losses/losses.py.
"""
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st

from tinygrad_acts import Tensor, gradcheck, losses

EPS = 1e-7  # keras.backend.epsilon()
LOSS_FUNCTIONS = [losses.mean_squared_error, losses.mean_absolute_error, losses.huber, losses.binary_crossentropy,
                  losses.categorical_crossentropy, losses.sparse_categorical_crossentropy]


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def one_hot(ids, classes):
    return np.eye(classes)[ids]


def probability_rows(rng, batch, classes):
    """Positive rows that do not sum to 1, so the rescaling step is exercised too."""
    return rng.uniform(0.1, 1.0, size=(batch, classes))


# ----------------------------------------------------------------------------------------------------------------
# Values against the formulas
# ----------------------------------------------------------------------------------------------------------------
def test_mean_squared_and_absolute_error_average_over_the_last_axis(rng):
    y_true, y_pred = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    np.testing.assert_allclose(losses.mean_squared_error(y_true, Tensor(y_pred)).data,
                               np.mean((y_true - y_pred) ** 2, axis=-1), rtol=1e-12)
    np.testing.assert_allclose(losses.mean_absolute_error(y_true, Tensor(y_pred)).data,
                               np.mean(np.abs(y_true - y_pred), axis=-1), rtol=1e-12)


@pytest.mark.parametrize("delta", [1.0, 0.5, 2.0])
def test_huber_is_quadratic_inside_delta_and_linear_outside(delta):
    y_true = np.zeros((2, 4))
    y_pred = np.array([[0.1, -0.4, 0.9, -1.5], [3.0, -2.5, 0.0, 1.2]])
    error = y_pred - y_true
    quadratic = 0.5 * error ** 2
    linear = delta * np.abs(error) - 0.5 * delta ** 2
    expected = np.mean(np.where(np.abs(error) <= delta, quadratic, linear), axis=-1)
    np.testing.assert_allclose(losses.huber(y_true, Tensor(y_pred), delta=delta).data, expected, rtol=1e-12)


def test_keras_docstring_examples():
    y_true, y_pred = np.array([[0, 1], [0, 0]]), Tensor(np.array([[0.6, 0.4], [0.4, 0.6]]))
    np.testing.assert_allclose(losses.huber(y_true, y_pred).data.mean(), 0.155, atol=1e-6)
    np.testing.assert_allclose(losses.binary_crossentropy(y_true, y_pred).data, [0.916, 0.714], atol=1e-3)
    probabilities = Tensor(np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]))
    np.testing.assert_allclose(losses.categorical_crossentropy(np.array([[0, 1, 0], [0, 0, 1]]), probabilities).data,
                               [0.0513, 2.303], atol=1e-3)
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy(np.array([1, 2]), probabilities).data,
                               [0.0513, 2.303], atol=1e-3)


def test_binary_crossentropy_from_probabilities_and_from_logits(rng):
    y_true = rng.integers(0, 2, size=(5, 3)).astype(float)
    logits = rng.normal(scale=3.0, size=(5, 3))
    p = sigmoid(logits)
    expected = np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)), axis=-1)
    np.testing.assert_allclose(losses.binary_crossentropy(y_true, Tensor(p)).data, expected, rtol=1e-10)
    np.testing.assert_allclose(losses.binary_crossentropy(y_true, Tensor(logits), from_logits=True).data, expected,
                               rtol=1e-10)


def test_binary_crossentropy_accepts_soft_labels(rng):
    y_true, logits = rng.uniform(size=(4, 2)), rng.normal(size=(4, 2))
    expected = np.mean(y_true * np.logaddexp(0, -logits) + (1 - y_true) * np.logaddexp(0, logits), axis=-1)
    np.testing.assert_allclose(losses.binary_crossentropy(y_true, Tensor(logits), from_logits=True).data, expected,
                               rtol=1e-12)


def test_categorical_crossentropy_rescales_rows_to_sum_to_one_as_keras_does(rng):
    y_true = one_hot(rng.integers(0, 4, size=5), 4)
    raw = probability_rows(rng, 5, 4)
    expected = -np.sum(y_true * np.log(raw / raw.sum(axis=-1, keepdims=True)), axis=-1)
    np.testing.assert_allclose(losses.categorical_crossentropy(y_true, Tensor(raw)).data, expected, rtol=1e-12)


def test_categorical_crossentropy_from_logits_is_minus_log_softmax_of_the_true_class(rng):
    ids = rng.integers(0, 4, size=6)
    logits = rng.normal(scale=3.0, size=(6, 4))
    log_softmax = logits - np.logaddexp.reduce(logits, axis=-1, keepdims=True)
    expected = -log_softmax[np.arange(6), ids]
    np.testing.assert_allclose(losses.categorical_crossentropy(one_hot(ids, 4), Tensor(logits), from_logits=True).data,
                               expected, rtol=1e-12)
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy(ids, Tensor(logits), from_logits=True).data,
                               expected, rtol=1e-12)


def test_sparse_equals_categorical_with_one_hot_targets(rng):
    ids = rng.integers(0, 3, size=5)
    raw = probability_rows(rng, 5, 3)
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy(ids, Tensor(raw)).data,
                               losses.categorical_crossentropy(one_hot(ids, 3), Tensor(raw)).data, rtol=1e-14)
    np.testing.assert_array_equal(losses.sparse_categorical_crossentropy(ids[:, None].astype(float), Tensor(raw)).data,
                                  losses.sparse_categorical_crossentropy(ids, Tensor(raw)).data)


@given(st.integers(1, 6), st.integers(2, 5), st.integers(0, 2 ** 32 - 1))
def test_from_logits_equals_probabilities_of_the_same_logits(batch, classes, seed):
    rng = np.random.default_rng(seed)
    logits = rng.uniform(-8, 8, size=(batch, classes))  # probabilities stay inside [eps, 1 - eps]: no clipping
    ids = rng.integers(0, classes, size=batch)
    labels = rng.integers(0, 2, size=(batch, classes)).astype(float)
    pairs = [
        (losses.binary_crossentropy(labels, Tensor(logits), from_logits=True),
         losses.binary_crossentropy(labels, Tensor(sigmoid(logits)))),
        (losses.categorical_crossentropy(one_hot(ids, classes), Tensor(logits), from_logits=True),
         losses.categorical_crossentropy(one_hot(ids, classes), Tensor(softmax(logits)))),
        (losses.sparse_categorical_crossentropy(ids, Tensor(logits), from_logits=True),
         losses.sparse_categorical_crossentropy(ids, Tensor(softmax(logits)))),
    ]
    for from_logits, from_probabilities in pairs:
        np.testing.assert_allclose(from_logits.data, from_probabilities.data, rtol=1e-9, atol=1e-12)


# ----------------------------------------------------------------------------------------------------------------
# Confident wrong answers: large, finite, correct; finite gradients; no numpy warnings
# ----------------------------------------------------------------------------------------------------------------
def loss_and_gradient(loss, y_true, y_pred, **kwargs):
    prediction = Tensor(y_pred, requires_grad=True)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        value = loss(y_true, prediction, **kwargs)
        value.sum().backward()
    return value.data, prediction.grad


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_binary_crossentropy_of_probabilities_0_and_1_is_clipped_to_minus_log_epsilon(dtype):
    y_true = np.array([[1.0], [0.0], [1.0], [0.0]])
    y_pred = np.array([[0.0], [1.0], [1.0], [0.0]], dtype=dtype)
    value, grad = loss_and_gradient(losses.binary_crossentropy, y_true, y_pred)
    p = np.clip(y_pred, dtype(EPS), dtype(1 - EPS))  # clipped in the prediction's dtype, as Keras does
    expected = -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))[:, 0]
    np.testing.assert_allclose(value, expected, rtol=1e-6)
    assert value.dtype == dtype and value[0] > 15 and np.all(np.isfinite(grad))


def test_binary_crossentropy_from_logits_is_exact_at_plus_minus_1000():
    y_true = np.array([[0.0], [1.0], [1.0], [0.0], [1.0]])
    logits = np.array([[1000.0], [-1000.0], [1000.0], [-1000.0], [0.0]])
    value, grad = loss_and_gradient(losses.binary_crossentropy, y_true, logits, from_logits=True)
    np.testing.assert_allclose(value, [1000.0, 1000.0, 0.0, 0.0, np.log(2)], rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(grad[:, 0], [1.0, -1.0, 0.0, 0.0, -0.5], atol=1e-12)  # sigmoid(z) - y


@pytest.mark.parametrize("loss", [losses.categorical_crossentropy, losses.sparse_categorical_crossentropy])
def test_softmax_crossentropy_from_logits_at_plus_minus_1000(loss):
    logits = np.array([[1000.0, -1000.0, 0.0], [1000.0, -1000.0, 0.0]])
    ids = np.array([1, 0])
    targets = ids if loss is losses.sparse_categorical_crossentropy else one_hot(ids, 3)
    value, grad = loss_and_gradient(loss, targets, logits, from_logits=True)
    np.testing.assert_allclose(value, [2000.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(grad, [[1.0, -1.0, 0.0], [0.0, 0.0, 0.0]], atol=1e-12)  # softmax - one-hot


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("loss", [losses.categorical_crossentropy, losses.sparse_categorical_crossentropy])
def test_probability_zero_for_the_true_class_costs_minus_log_epsilon(loss, dtype):
    probabilities = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]], dtype=dtype)
    ids = np.array([0, 0, 2])  # wrong, right, and an all-zero row (0/0 in Keras)
    targets = ids if loss is losses.sparse_categorical_crossentropy else one_hot(ids, 3)
    value, grad = loss_and_gradient(loss, targets, probabilities)
    expected = -np.log(np.clip(np.array([0.0, 1.0, 0.0], dtype=dtype), dtype(EPS), dtype(1 - EPS)))
    np.testing.assert_allclose(value, expected, rtol=1e-6)
    assert value.dtype == dtype and np.all(np.isfinite(grad))


@pytest.mark.parametrize("loss", [losses.mean_squared_error, losses.mean_absolute_error, losses.huber])
def test_regression_losses_at_plus_minus_1000(loss):
    y_true = np.array([[1000.0], [-1000.0]])
    value, grad = loss_and_gradient(loss, y_true, -y_true)
    error = np.array([2000.0, 2000.0])
    expected = {losses.mean_squared_error: error ** 2, losses.mean_absolute_error: error,
                losses.huber: 1.0 * error - 0.5}[loss]
    np.testing.assert_allclose(value, expected)
    assert np.all(np.isfinite(grad))


# ----------------------------------------------------------------------------------------------------------------
# Gradients against finite differences (float64), y_true fixed inside the lambda
# ----------------------------------------------------------------------------------------------------------------
def test_gradients_of_the_regression_losses(rng):
    y_true = rng.normal(size=(4, 3))
    y_pred = y_true + rng.choice([-1, 1], size=(4, 3)) * rng.uniform(0.1, 2.5, size=(4, 3))  # no kinks nearby
    y_pred[np.abs(np.abs(y_pred - y_true) - 1.0) < 0.05] += 0.2  # keep away from huber's switch at |error| = delta
    for loss in (losses.mean_squared_error, losses.mean_absolute_error, losses.huber):
        assert gradcheck(lambda p, loss=loss: loss(y_true, p), y_pred)
    assert gradcheck(lambda p: losses.huber(y_true, p, delta=0.3), y_pred)


@pytest.mark.parametrize("from_logits", [False, True])
def test_gradients_of_binary_crossentropy(rng, from_logits):
    y_true = rng.uniform(size=(4, 3))  # soft labels: the general formula
    y_pred = rng.normal(size=(4, 3)) if from_logits else rng.uniform(0.05, 0.95, size=(4, 3))
    assert gradcheck(lambda p: losses.binary_crossentropy(y_true, p, from_logits=from_logits), y_pred)


@pytest.mark.parametrize("from_logits", [False, True])
def test_gradients_of_categorical_crossentropy(rng, from_logits):
    y_true = rng.uniform(size=(5, 4))  # any weights, not only one-hot: the gradient is softmax * sum(t) - t
    y_pred = rng.normal(size=(5, 4)) if from_logits else probability_rows(rng, 5, 4)
    assert gradcheck(lambda p: losses.categorical_crossentropy(y_true, p, from_logits=from_logits), y_pred)


@pytest.mark.parametrize("from_logits", [False, True])
def test_gradients_of_sparse_categorical_crossentropy(rng, from_logits):
    ids = rng.integers(0, 4, size=(5, 1))
    y_pred = rng.normal(size=(5, 4)) if from_logits else probability_rows(rng, 5, 4)
    assert gradcheck(lambda p: losses.sparse_categorical_crossentropy(ids, p, from_logits=from_logits), y_pred)


@pytest.mark.parametrize("true_shape, pred_shape", [((5,), (5, 1)), ((5, 1), (5,)), ((5, 3), (5, 3, 1)),
                                                    ((5, 3, 1), (5, 3))])
@pytest.mark.parametrize("loss", [losses.mean_squared_error, losses.binary_crossentropy])
def test_gradients_through_a_dropped_or_added_axis_of_one(rng, loss, true_shape, pred_shape):
    y_true = rng.integers(0, 2, size=true_shape).astype(float)
    y_pred = rng.uniform(0.1, 0.9, size=pred_shape)
    assert gradcheck(lambda p: loss(y_true, p), y_pred)


def test_binary_crossentropy_from_logits_gradient_at_exactly_zero():
    """Where max(z, 0) and |z| have their kinks; the hand-written rule gives sigmoid(0) - y."""
    z = Tensor(np.zeros((3, 1)), requires_grad=True)
    losses.binary_crossentropy(np.array([0.0, 1.0, 0.25]), z, from_logits=True).sum().backward()
    np.testing.assert_allclose(z.grad[:, 0], [0.5, -0.5, 0.25])


def test_no_gradient_flows_into_y_true(rng):
    y_true = Tensor(rng.normal(size=(3, 2)), requires_grad=True)
    y_pred = Tensor(rng.normal(size=(3, 2)), requires_grad=True)
    losses.mean_squared_error(y_true, y_pred).sum().backward()
    assert y_true.grad is None and y_pred.grad is not None


# ----------------------------------------------------------------------------------------------------------------
# Shapes
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("true_shape, pred_shape, loss_shape", [
    ((6, 3), (6, 3), (6,)),
    ((6,), (6, 1), (6,)),        # y of shape (batch,) with a Dense(1) model: Keras adds the axis to y_true
    ((6, 1), (6,), (6,)),
    ((6,), (6,), (6,)),          # one value per sample (Keras' bare function would return the batch mean)
    ((6, 4, 1), (6, 4), (6,)),   # Keras drops the trailing 1
    ((6, 4), (6, 4, 1), (6,)),
    ((6, 4, 3), (6, 4, 3), (6, 4)),  # only the last axis is averaged, as in Keras
])
@pytest.mark.parametrize("loss", [losses.mean_squared_error, losses.mean_absolute_error, losses.huber,
                                  losses.binary_crossentropy])
def test_elementwise_losses_give_one_value_per_sample(rng, loss, true_shape, pred_shape, loss_shape):
    y_true = rng.integers(0, 2, size=true_shape)
    y_pred = rng.uniform(0.1, 0.9, size=pred_shape)
    result = loss(y_true, Tensor(y_pred))
    assert result.shape == loss_shape
    flat = loss(y_true.reshape(6, -1), Tensor(y_pred.reshape(6, -1)))  # same numbers, laid out (batch, features)
    if len(loss_shape) == 1:
        np.testing.assert_allclose(result.data, flat.data, rtol=1e-12)


@pytest.mark.parametrize("loss", [losses.categorical_crossentropy, losses.sparse_categorical_crossentropy])
def test_crossentropies_give_one_value_per_sample(rng, loss):
    ids = rng.integers(0, 3, size=4)
    targets = ids if loss is losses.sparse_categorical_crossentropy else one_hot(ids, 3)
    assert loss(targets, Tensor(probability_rows(rng, 4, 3))).shape == (4,)


def test_y_pred_may_be_a_plain_array_and_y_true_a_list():
    np.testing.assert_allclose(losses.mean_squared_error([[1.0], [2.0]], np.array([[0.0], [0.0]])).data, [1.0, 4.0])


# ----------------------------------------------------------------------------------------------------------------
# dtype
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("loss", LOSS_FUNCTIONS)
@pytest.mark.parametrize("target_dtype", [np.float64, np.int64, np.int32, bool])
@pytest.mark.parametrize("from_logits", [False, True])
def test_float32_predictions_give_float32_loss_and_gradients(rng, loss, target_dtype, from_logits):
    kwargs = {"from_logits": from_logits} if "crossentropy" in loss.__name__ else {}
    if from_logits and not kwargs:
        return  # the regression losses have no from_logits; their float32 case runs with from_logits=False
    ids = rng.integers(0, 2, size=4)
    targets = ids.astype(target_dtype) if loss is losses.sparse_categorical_crossentropy else \
        one_hot(ids, 2).astype(target_dtype)
    y_pred = Tensor(rng.uniform(0.1, 0.9, size=(4, 2)).astype(np.float32), requires_grad=True)
    result = loss(targets, y_pred, **kwargs)
    result.sum().backward()
    assert result.dtype == np.float32 and y_pred.grad.dtype == np.float32


# ----------------------------------------------------------------------------------------------------------------
# Errors say what was expected and what was found
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("loss", LOSS_FUNCTIONS)
def test_different_numbers_of_samples_name_both_shapes(loss):
    targets = np.zeros(4, dtype=int) if loss is losses.sparse_categorical_crossentropy else np.zeros((4, 3))
    with pytest.raises(ValueError, match=r"4 samples \(shape \(4,?.*\)\) but y_pred has 5 \(shape \(5, 3\)\)"):
        loss(targets, Tensor(np.full((5, 3), 0.3)))


@pytest.mark.parametrize("loss", [losses.mean_squared_error, losses.mean_absolute_error, losses.huber,
                                  losses.binary_crossentropy, losses.categorical_crossentropy])
@pytest.mark.parametrize("true_shape, pred_shape", [((4, 2), (4, 3)), ((4, 1), (4, 3)), ((4, 3), (4, 3, 2))])
def test_incompatible_shapes_name_both_shapes(loss, true_shape, pred_shape):
    """(4, 1) against (4, 3) would broadcast in Keras; here it is an error."""
    with pytest.raises(ValueError, match=rf"y_true shape {re.escape(str(true_shape))} does not match y_pred shape "
                                         rf"{re.escape(str(pred_shape))}"):
        loss(np.zeros(true_shape), Tensor(np.full(pred_shape, 0.5)))


def test_the_error_names_the_shapes_as_given_even_after_dropping_an_axis():
    with pytest.raises(ValueError, match=r"y_true shape \(4, 3\) does not match y_pred shape \(4, 2, 1\)"):
        losses.mean_squared_error(np.zeros((4, 3)), Tensor(np.zeros((4, 2, 1))))


@pytest.mark.parametrize("bad, found", [(3, "class id 3 is out of range for 3 classes"),
                                        (-1, "class id -1 is out of range for 3 classes"),
                                        (1.5, r"integer class ids in \[0, 3\), found 1.5"),
                                        (np.nan, r"integer class ids in \[0, 3\), found nan")])
def test_sparse_labels_out_of_range_or_not_integers(bad, found):
    with pytest.raises(ValueError, match=found):
        losses.sparse_categorical_crossentropy(np.array([0.0, bad]), Tensor(np.full((2, 3), 1 / 3)))


def test_one_hot_targets_for_sparse_and_ids_for_categorical_point_to_the_other_loss():
    with pytest.raises(ValueError, match="use categorical_crossentropy"):
        losses.sparse_categorical_crossentropy(np.eye(3), Tensor(np.full((3, 3), 1 / 3)))
    with pytest.raises(ValueError, match="use sparse_categorical_crossentropy"):
        losses.categorical_crossentropy(np.array([0, 1, 2]), Tensor(np.full((3, 3), 1 / 3)))


def test_other_input_errors():
    with pytest.raises(ValueError, match="batch axis"):
        losses.mean_squared_error(1.0, Tensor(2.0))
    with pytest.raises(ValueError, match=r"shape \(batch, classes\), got \(3,\)"):
        losses.categorical_crossentropy(np.array([0, 1, 0]), Tensor([0.2, 0.5, 0.3]))
    with pytest.raises(TypeError, match="y_true must hold numbers"):
        losses.mean_squared_error(np.array(["a", "b"]), Tensor([[1.0], [2.0]]))
    with pytest.raises(ValueError, match="delta must be >= 0, got -1"):
        losses.huber(np.zeros((2, 1)), Tensor(np.zeros((2, 1))), delta=-1)


def test_a_single_class_warns_as_keras_does():
    with pytest.warns(UserWarning, match="single class"):
        losses.categorical_crossentropy(np.ones((2, 1)), Tensor(np.ones((2, 1))))


# ----------------------------------------------------------------------------------------------------------------
# get
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, function", [
    ("mse", losses.mean_squared_error), ("MSE", losses.mean_squared_error),
    ("mean_squared_error", losses.mean_squared_error),
    ("mae", losses.mean_absolute_error), ("MAE", losses.mean_absolute_error),
    ("mean_absolute_error", losses.mean_absolute_error),
    ("bce", losses.binary_crossentropy), ("BCE", losses.binary_crossentropy),
    ("binary_crossentropy", losses.binary_crossentropy),
    ("categorical_crossentropy", losses.categorical_crossentropy),
    ("sparse_categorical_crossentropy", losses.sparse_categorical_crossentropy),
    ("huber", losses.huber),
])
def test_get_by_name(name, function):
    assert losses.get(name) is function


def test_get_returns_a_callable_unchanged():
    def my_loss(y_true, y_pred):
        return (y_pred - y_true).abs().max(axis=-1)

    assert losses.get(my_loss) is my_loss


def test_get_rejects_unknown_names_listing_the_valid_ones():
    with pytest.raises(ValueError, match=r"Unknown loss 'mean_squared_eror'\. Did you mean 'mean_squared_error'\?.*"
                                         r"Valid names: .*binary_crossentropy.*mse"):
        losses.get("mean_squared_eror")


@pytest.mark.parametrize("bad", [None, 3, ["mse"]])
def test_get_rejects_other_types_saying_what_is_accepted(bad):
    with pytest.raises(ValueError, match=r"must be a name \(.*\) or a function \(y_true, y_pred\) -> Tensor"):
        losses.get(bad)


def test_no_warnings_on_ordinary_inputs(rng):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for loss in LOSS_FUNCTIONS:
            ids = rng.integers(0, 3, size=4)
            targets = ids if loss is losses.sparse_categorical_crossentropy else one_hot(ids, 3)
            loss(targets, Tensor(probability_rows(rng, 4, 3), requires_grad=True)).sum().backward()


# ----------------------------------------------------------------------------------------------------------------
# Keras' class form: options fixed, averaged over the batch
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("cls,function,options,y_true,y_pred", [
    (losses.MeanSquaredError, losses.mean_squared_error, {}, [[1.0], [2.0]], [[0.5], [3.0]]),
    (losses.MeanAbsoluteError, losses.mean_absolute_error, {}, [[1.0], [2.0]], [[0.5], [3.0]]),
    (losses.Huber, losses.huber, {"delta": 0.5}, [[1.0], [2.0]], [[0.5], [3.0]]),
    (losses.BinaryCrossentropy, losses.binary_crossentropy, {"from_logits": True}, [[1.0], [0.0]], [[2.0], [-1.0]]),
    (losses.CategoricalCrossentropy, losses.categorical_crossentropy, {"from_logits": True},
     [[1.0, 0.0], [0.0, 1.0]], [[2.0, -1.0], [0.5, 0.5]]),
    (losses.SparseCategoricalCrossentropy, losses.sparse_categorical_crossentropy, {"from_logits": True},
     [0, 1], [[2.0, -1.0], [0.5, 0.5]]),
])
def test_loss_classes_fix_options_and_average_over_the_batch(cls, function, options, y_true, y_pred):
    loss = cls(**options)
    expected = function(np.array(y_true), Tensor(np.array(y_pred)), **options).data.mean()
    assert loss(np.array(y_true), Tensor(np.array(y_pred))).item() == pytest.approx(expected)
    assert losses.get(loss) is loss


def test_categorical_crossentropy_of_a_row_with_a_tiny_total_has_a_finite_gradient():
    # the loss rescales each row by 1 / its total (as Keras): a float32 row summing to 4e-20 is rescaled fine, and
    # its gradient (~2.5e19) is finite, but the backward pass of total ** -1 squares 4e-20
    p = Tensor(np.array([[3e-20, 1e-20, 0.0, 0.0]], dtype=np.float32), requires_grad=True)
    losses.categorical_crossentropy(np.eye(4)[[0]], p).sum().backward()
    # loss = -log(x0 / S) with S = sum(x) = 4e-20 (the zeros are clipped to epsilon, where clip passes no gradient):
    # d/dx0 = -1/x0 + 1/S = -1/(12e-20), and d/dxk = 1/S = 2.5e19 for the others
    np.testing.assert_allclose(p.grad, [[-1 / 12e-20, 2.5e19, 2.5e19, 2.5e19]], rtol=1e-5)


# ----------------------------------------------------------------------------------------------------------------
# The losses of issue 15: hinge family, kl_divergence, log_cosh, mape, msle, poisson
# ----------------------------------------------------------------------------------------------------------------
def test_hinge_and_squared_hinge_by_hand():
    y_pred = np.array([[0.2, 0.7], [-0.5, 2.0]])
    # labels -1/1: 1 - y*p = [[1.2, 0.3], [1.5, 3.0]] for y = [[-1, 1], [1, -1]]
    signed = np.array([[-1.0, 1.0], [1.0, -1.0]])
    np.testing.assert_allclose(losses.hinge(signed, Tensor(y_pred)).data, [(1.2 + 0.3) / 2, (1.5 + 3.0) / 2])
    np.testing.assert_allclose(losses.squared_hinge(signed, Tensor(y_pred)).data,
                               [(1.44 + 0.09) / 2, (2.25 + 9.0) / 2])
    # 0/1 labels are converted to -1/1 first, as in Keras: the same numbers
    np.testing.assert_allclose(losses.hinge((signed + 1) / 2, Tensor(y_pred)).data, [0.75, 2.25])
    # a margin above 1 costs nothing
    np.testing.assert_allclose(losses.hinge(np.array([[1.0], [-1.0]]), Tensor(np.array([[1.5], [-3.0]]))).data, 0)


def test_categorical_hinge_by_hand():
    y_true = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    y_pred = np.array([[0.3, 0.9, 0.5], [0.2, 2.5, -1.0]])
    # row 1: pos = 0.9, neg = max(0.3, 0, 0.5) = 0.5 -> 0.6; row 2: pos = 0.2, neg = 2.5 -> 3.3
    np.testing.assert_allclose(losses.categorical_hinge(y_true, Tensor(y_pred)).data, [0.6, 3.3])
    np.testing.assert_allclose(losses.categorical_hinge(y_true, Tensor(np.array([[0, 2.0, 0.5], [3.0, 1, 1]]))).data,
                               [0.0, 0.0])  # margins 1.5 and 2


def test_kl_divergence_by_hand_with_keras_clipping():
    y_true = np.array([[0.5, 0.5, 0.0], [0.2, 0.8, 0.0]])
    y_pred = np.array([[0.25, 0.75, 0.0], [0.2, 0.8, 0.0]])
    expected_first = 0.5 * np.log(0.5 / 0.25) + 0.5 * np.log(0.5 / 0.75) + EPS * np.log(EPS / EPS)
    result = losses.kl_divergence(y_true, Tensor(y_pred)).data
    np.testing.assert_allclose(result, [expected_first, 0.0], atol=1e-15)
    # a predicted 0 where y_true is 1 costs -log(1e-7), not infinity
    np.testing.assert_allclose(losses.get("kld")(np.array([[1.0, 0.0]]), Tensor(np.array([[0.0, 1.0]]))).data,
                               [-np.log(EPS) + EPS * np.log(EPS)], rtol=1e-12)


def test_log_cosh_by_hand_and_far_from_zero():
    y_true = np.array([[0.0, 1.0], [0.0, 0.0]])
    y_pred = np.array([[1.0, 1.0], [0.0, -0.5]])
    expected = [np.log(np.cosh(1.0)) / 2, np.log(np.cosh(0.5)) / 2]
    np.testing.assert_allclose(losses.log_cosh(y_true, Tensor(y_pred)).data, expected, rtol=1e-12)
    # Keras docstring: mean over the batch is 0.108
    assert losses.log_cosh(y_true, Tensor(np.array([[1.0, 1.0], [0.0, 0.0]]))).data.mean() == pytest.approx(0.108,
                                                                                                            abs=5e-4)
    # cosh(1000) overflows; log cosh(x) = |x| - log 2 there
    far = Tensor(np.array([[1000.0], [-1000.0]]), requires_grad=True)
    value = losses.log_cosh(np.zeros((2, 1)), far)
    value.sum().backward()
    np.testing.assert_allclose(value.data, 1000 - np.log(2))
    np.testing.assert_allclose(far.grad[:, 0], [1.0, -1.0])  # tanh(+-1000)


def test_mean_absolute_percentage_error_by_hand():
    y_true = np.array([[2.0, -4.0], [10.0, 0.0]])
    y_pred = np.array([[1.0, -5.0], [12.0, 1e-7]])
    # |2 - 1| / 2 = 0.5, |-4 + 5| / 4 = 0.25; |10 - 12| / 10 = 0.2, |0 - 1e-7| / max(0, 1e-7) = 1
    np.testing.assert_allclose(losses.mean_absolute_percentage_error(y_true, Tensor(y_pred)).data,
                               [100 * 0.75 / 2, 100 * 1.2 / 2], rtol=1e-9)


def test_mean_squared_logarithmic_error_by_hand():
    y_true = np.array([[np.e - 1, 0.0], [3.0, -2.0]])
    y_pred = np.array([[0.0, np.e ** 2 - 1], [3.0, -5.0]])
    # row 1: (log 1 - log e)^2 = 1, (log e^2 - log 1)^2 = 4; row 2: 0, and both negatives raised to 1e-7: 0
    np.testing.assert_allclose(losses.mean_squared_logarithmic_error(y_true, Tensor(y_pred)).data,
                               [(1 + 4) / 2, 0.0], rtol=1e-6, atol=1e-12)  # the zeros are 1e-7 (below)
    # y_pred = 0 is raised to epsilon: log(1 + 1e-7) = 1e-7 - 5e-15
    first = losses.mean_squared_logarithmic_error(y_true[:1], Tensor(y_pred[:1])).data[0]
    assert first == pytest.approx(((EPS - 1) ** 2 + (2 - EPS) ** 2) / 2, rel=1e-12)


def test_poisson_by_hand():
    y_true = np.array([[2.0, 0.0], [1.0, 3.0]])
    y_pred = np.array([[1.0, 0.5], [np.e, 0.0]])
    # p - y log(p + eps): 1 - 2 log(1 + eps), 0.5; e - log(e + eps), 0 - 3 log(eps)
    expected = [(1 - 2 * np.log(1 + EPS) + 0.5) / 2, (np.e - np.log(np.e + EPS) - 3 * np.log(EPS)) / 2]
    np.testing.assert_allclose(losses.poisson(y_true, Tensor(y_pred)).data, expected, rtol=1e-12)


NEW_LOSSES = [losses.hinge, losses.squared_hinge, losses.categorical_hinge, losses.kl_divergence, losses.log_cosh,
              losses.mean_absolute_percentage_error, losses.mean_squared_logarithmic_error, losses.poisson]


def new_loss_inputs(rng, loss):
    """Targets and predictions each loss is smooth at (no kinks within the finite-difference step)."""
    if loss in (losses.hinge, losses.squared_hinge):
        y_true = rng.choice([-1.0, 1.0], size=(4, 3))
        margin = rng.choice([-1, 1], size=(4, 3)) * rng.uniform(0.2, 1.0, size=(4, 3))
        return y_true, y_true * (1 + margin)  # 1 - y p = -margin: away from the kink at 0
    if loss is losses.categorical_hinge:
        y_true = one_hot(rng.integers(0, 3, size=4), 3)
        return y_true, rng.permutation(np.array([[-1.0, 0.0, 1.5]] * 4), axis=1) + rng.uniform(0, 0.1, (4, 3))
    if loss is losses.kl_divergence:
        return probability_rows(rng, 4, 3) / 3, probability_rows(rng, 4, 3) / 3  # inside (eps, 1): no clipping
    if loss is losses.mean_absolute_percentage_error:
        y_true = rng.uniform(0.5, 2.0, size=(4, 3)) * rng.choice([-1, 1], size=(4, 3))
        return y_true, y_true + rng.choice([-1, 1], size=(4, 3)) * rng.uniform(0.1, 1.0, size=(4, 3))
    if loss in (losses.mean_squared_logarithmic_error, losses.poisson):
        return rng.uniform(0.0, 3.0, size=(4, 3)), rng.uniform(0.1, 3.0, size=(4, 3))
    return rng.normal(size=(4, 3)), rng.normal(size=(4, 3)) * 3


@pytest.mark.parametrize("loss", NEW_LOSSES)
def test_gradients_of_the_new_losses(rng, loss):
    y_true, y_pred = new_loss_inputs(rng, loss)
    assert gradcheck(lambda p: loss(y_true, p), y_pred)


@pytest.mark.parametrize("loss", [losses.hinge, losses.log_cosh, losses.mean_absolute_percentage_error,
                                  losses.mean_squared_logarithmic_error, losses.poisson])
def test_gradients_of_the_new_losses_for_batch_targets_against_dense_1(rng, loss):
    y_true, y_pred = new_loss_inputs(rng, loss)
    assert gradcheck(lambda p: loss(y_true[:, 0], p), y_pred[:, :1])  # (batch,) targets, (batch, 1) predictions


@pytest.mark.parametrize("loss", NEW_LOSSES)
def test_new_losses_give_one_float32_value_per_sample_and_no_gradient_to_y_true(rng, loss):
    y_true, y_pred = new_loss_inputs(rng, loss)
    target = Tensor(y_true, requires_grad=True)
    prediction = Tensor(y_pred.astype(np.float32), requires_grad=True)
    value = loss(target, prediction)
    value.sum().backward()
    assert value.shape == (4,) and value.dtype == np.float32 and prediction.grad.dtype == np.float32
    assert target.grad is None


@pytest.mark.parametrize("names, function", [
    (["hinge", "Hinge"], losses.hinge), (["squared_hinge"], losses.squared_hinge),
    (["categorical_hinge"], losses.categorical_hinge),
    (["kl_divergence", "kld", "KLD", "kullback_leibler_divergence"], losses.kl_divergence),
    (["log_cosh", "logcosh", "LogCosh"], losses.log_cosh),
    (["mean_absolute_percentage_error", "mape", "MAPE"], losses.mean_absolute_percentage_error),
    (["mean_squared_logarithmic_error", "msle", "MSLE"], losses.mean_squared_logarithmic_error),
    (["poisson", "Poisson"], losses.poisson),
])
def test_the_new_losses_are_found_by_name(names, function):
    for name in names:
        assert losses.get(name) is function


@pytest.mark.parametrize("cls, function", [
    (losses.Hinge, losses.hinge), (losses.SquaredHinge, losses.squared_hinge),
    (losses.CategoricalHinge, losses.categorical_hinge), (losses.KLDivergence, losses.kl_divergence),
    (losses.LogCosh, losses.log_cosh), (losses.MeanAbsolutePercentageError, losses.mean_absolute_percentage_error),
    (losses.MeanSquaredLogarithmicError, losses.mean_squared_logarithmic_error), (losses.Poisson, losses.poisson),
])
def test_the_new_loss_classes_average_over_the_batch_and_train_in_compile(rng, cls, function):
    from tinygrad_acts.layers import Dense
    from tinygrad_acts.models import Sequential

    y_true, y_pred = new_loss_inputs(rng, function)
    assert cls()(y_true, Tensor(y_pred)).item() == pytest.approx(function(y_true, Tensor(y_pred)).data.mean())
    activation = "softmax" if function is losses.kl_divergence else \
        "softplus" if function in (losses.poisson, losses.mean_squared_logarithmic_error) else None
    model = Sequential([Dense(3, activation=activation, input_shape=(2,))])
    model.compile(optimizer="sgd", loss=cls())
    x = rng.normal(size=(4, 2)).astype(np.float32)
    before = model.evaluate(x, y_true, verbose=0)
    history = model.fit(x, y_true, epochs=1, batch_size=4, verbose=0)
    assert np.isfinite(history.history["loss"][0]) and history.history["loss"][0] == pytest.approx(before, rel=1e-5)
    assert model.evaluate(x, y_true, verbose=0) != before  # one step changed the weights


# Examples that pin behaviour mutation testing found unpinned
def log_softmax(z):
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def test_categorical_crossentropy_on_3d_inputs_works_on_the_last_axis():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(2, 3, 4))
    ids = np.array([[0, 3, 1], [2, 2, 3]])
    target = one_hot(ids, 4)
    probabilities = softmax(logits) * 3  # rows that do not sum to 1: Keras rescales them
    expected = -(target * log_softmax(logits)).sum(axis=-1)
    np.testing.assert_allclose(losses.categorical_crossentropy(target, Tensor(probabilities)).data, expected,
                               rtol=1e-6)
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy(ids, Tensor(probabilities)).data, expected,
                               rtol=1e-6)
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy(ids[..., None], Tensor(logits),
                                                                      from_logits=True).data, expected, rtol=1e-6)
    z = Tensor(logits, requires_grad=True)
    loss = losses.categorical_crossentropy(target, z, from_logits=True)
    np.testing.assert_allclose(loss.data, expected, rtol=1e-6)
    loss.sum().backward()
    np.testing.assert_allclose(z.grad, softmax(logits) - target, atol=1e-12)  # softmax minus one-hot
    smoothed = target * 0.9 + 0.1 / 4  # Keras: y (1 - s) + s / classes
    np.testing.assert_allclose(losses.categorical_crossentropy(target, Tensor(logits), from_logits=True,
                                                               label_smoothing=0.1).data,
                               -(smoothed * log_softmax(logits)).sum(axis=-1), rtol=1e-6)


def test_sparse_ids_index_the_last_axis_of_3d_predictions():
    logits = np.zeros((2, 3, 4))
    ids = np.full((2, 3), 3)  # the last class: valid for 4 classes
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy(ids, Tensor(logits), from_logits=True).data,
                               np.full((2, 3), np.log(4)), rtol=1e-6)


def test_softmax_crossentropy_second_derivative_is_the_softmax_jacobian():
    # rows far apart (0 and 1000) and 3-d: the recorded softmax must shift each row by its own max
    logits = np.array([[[0.0, 1.0, 2.0], [1000.0, 1001.0, 999.0]], [[3.0, -1.0, 0.5], [400.0, 400.0, 401.0]]])
    target = one_hot(np.array([[2, 0], [1, 2]]), 3)
    z = Tensor(logits, requires_grad=True)
    losses.categorical_crossentropy(target, z, from_logits=True).sum().backward(create_graph=True)
    v = np.array([1.0, -2.0, 0.5])
    first, z.grad = z.grad, None
    (first * v).sum().backward()  # d/dz of (softmax(z) - t) . v = diag(s) v - s (s . v)
    s = softmax(logits)
    np.testing.assert_allclose(z.grad, s * v - s * (s * v).sum(axis=-1, keepdims=True), atol=1e-9)


@pytest.mark.warning_location
def test_a_single_class_warning_points_at_the_caller():
    with pytest.warns(UserWarning, match="single class") as record:
        losses.categorical_crossentropy(np.ones((2, 1)), Tensor(np.ones((2, 1))))
    assert record[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 4 classes on the last axis: no warning, whatever the middle axis
        losses.categorical_crossentropy(np.full((2, 1, 4), 0.25), Tensor(np.full((2, 1, 4), 0.25)))


def test_label_smoothing_of_1_is_allowed_and_true_is_not():
    # s = 1 turns every target into 1/2 (binary) or 1/K (categorical), as Keras
    p = np.array([[0.2, 0.7]])
    np.testing.assert_allclose(losses.binary_crossentropy(np.array([[1.0, 0.0]]), Tensor(p), label_smoothing=1).data,
                               [np.mean(-(0.5 * np.log(p) + 0.5 * np.log(1 - p)))], rtol=1e-6)
    with pytest.raises(ValueError, match="label_smoothing"):
        losses.binary_crossentropy(np.array([[1.0]]), Tensor(np.array([[0.5]])), label_smoothing=True)


def test_a_single_number_as_y_true_is_a_value_error():
    with pytest.raises(ValueError, match="a single number"):
        losses.mean_squared_error(1.0, Tensor(np.ones((3, 1))))


def test_elementwise_losses_of_3d_inputs_reduce_only_the_last_axis():
    rng = np.random.default_rng(1)
    t = rng.uniform(0.1, 1, size=(2, 3, 4))
    t /= t.sum(axis=-1, keepdims=True)
    p = rng.uniform(0.1, 1, size=(2, 3, 4))
    np.testing.assert_allclose(losses.kl_divergence(t, Tensor(p)).data, (t * np.log(t / p)).sum(axis=-1), rtol=1e-6)
    one_hot_target = one_hot(np.array([[0, 1, 2], [3, 0, 1]]), 4)
    scores = rng.normal(size=(2, 3, 4))
    positive = (one_hot_target * scores).sum(axis=-1)
    negative = ((1 - one_hot_target) * scores).max(axis=-1)
    np.testing.assert_allclose(losses.categorical_hinge(one_hot_target, Tensor(scores)).data,
                               np.maximum(negative - positive + 1, 0), rtol=1e-6)


def test_kl_divergence_of_rank_1_inputs_gives_one_loss_per_sample():
    t, p = np.array([0.2, 0.7, 1.0]), np.array([0.4, 0.7, 0.5])
    np.testing.assert_allclose(losses.kl_divergence(t, Tensor(p)).data, t * np.log(t / p), rtol=1e-6)


def test_kl_divergence_clips_both_inputs_into_epsilon_1():
    # Keras: y_true = clip(y_true, eps, 1), y_pred = clip(y_pred, eps, 1); so 1.5 and 3 both count as 1
    t, p = np.array([[1.5, 3.0, 0.5]]), np.array([[0.5, 3.0, 2.5]])
    tc, pc = np.clip(t, EPS, 1), np.clip(p, EPS, 1)
    np.testing.assert_allclose(losses.kl_divergence(t, Tensor(p)).data, (tc * np.log(tc / pc)).sum(axis=-1),
                               rtol=1e-6)


def test_categorical_hinge_of_rank_1_scores_takes_one_class_per_sample():
    # one score per sample, one "class": pos = y * score, neg = (1 - y) * score, not a max over the batch
    y, scores = np.array([1.0, 1.0, 0.0]), np.array([0.25, 2.0, -3.0])
    np.testing.assert_allclose(losses.categorical_hinge(y, Tensor(scores)).data,
                               np.maximum((1 - y) * scores - y * scores + 1, 0), rtol=1e-6)


def test_hinge_keeps_labels_other_than_0_and_1():
    # Keras converts labels only when all are 0 or 1; -1 and 2 are used as they are
    y, s = np.array([[-1.0, 2.0]]), np.array([[0.5, 0.25]])
    np.testing.assert_allclose(losses.hinge(y, Tensor(s)).data, [np.maximum(1 - y * s, 0).mean()], rtol=1e-6)
    np.testing.assert_allclose(losses.squared_hinge(y, Tensor(s)).data, [(np.maximum(1 - y * s, 0) ** 2).mean()],
                               rtol=1e-6)


@pytest.mark.parametrize("loss", [losses.mean_squared_error, losses.mean_absolute_error, losses.huber,
                                  losses.hinge, losses.log_cosh, losses.binary_crossentropy])
def test_float32_predictions_give_float32_losses_whatever_the_targets_dtype(loss):
    y_pred = Tensor(np.array([[0.25, 0.5], [0.75, 0.125]], dtype=np.float32))
    assert loss(np.array([[0.0, 1.0], [1.0, 0.0]]), y_pred).dtype == np.float32  # float64 targets
    assert loss(np.array([[0, 1], [1, 0]]), y_pred).dtype == np.float32  # integer targets


def test_label_smoothing_keeps_float32():
    y_pred = Tensor(np.array([[0.25, 0.75]], dtype=np.float32))
    assert losses.binary_crossentropy(np.array([[0.0, 1.0]]), y_pred, label_smoothing=0.1).dtype == np.float32
    assert losses.categorical_crossentropy(np.array([[0.0, 1.0]]), y_pred, label_smoothing=0.1).dtype == np.float32
    weighted = losses.reduce_weighted_values(Tensor(np.ones(2, dtype=np.float32)), np.array([0.5, 2.0]), "none")
    assert weighted.dtype == np.float32


def test_huber_delta_0_is_allowed_and_the_default_delta_is_1():
    y_true, y_pred = np.array([[0.0, 0.0]]), Tensor(np.array([[1.5, -0.5]]))
    np.testing.assert_allclose(losses.huber(y_true, y_pred, delta=0).data, [0.0])  # delta * (|e| - delta / 2) = 0
    expected = np.mean([1.0 * (1.5 - 0.5), 0.5 * 0.5 ** 2])  # |e| > 1: linear; |e| <= 1: quadratic
    np.testing.assert_allclose(losses.Huber()(y_true, y_pred).data, expected, rtol=1e-6)


@pytest.mark.parametrize("values_shape, weights_shape, result_shape", [
    ((3, 1), (3,), (3, 1)),      # a (batch,) weight fits (batch, 1) losses
    ((3, 1), (3, 1), (3, 1)),
    ((3, 2, 1), (3, 2), (3, 2)),  # the losses' trailing 1 goes
    ((3,), (3, 1), (3, 1)),      # (batch,) losses fit (batch, 1) weights
    ((3, 2), (3, 2, 1), (3, 2)),  # the weights' trailing 1 goes
])
def test_sample_weights_and_losses_meet_as_keras_squeezes_or_expands_them(values_shape, weights_shape, result_shape):
    values = np.arange(1.0, 1.0 + np.prod(values_shape)).reshape(values_shape)
    weights = np.arange(2.0, 2.0 + np.prod(weights_shape)).reshape(weights_shape)
    weighted = losses.reduce_weighted_values(Tensor(values), weights, reduction="none")
    assert weighted.shape == result_shape
    np.testing.assert_allclose(weighted.data, values.reshape(result_shape) * weights.reshape(result_shape))
    weighted_from_tensor = losses.reduce_weighted_values(Tensor(values), Tensor(weights), reduction="sum")
    np.testing.assert_allclose(weighted_from_tensor.data, (values.reshape(result_shape)
                                                           * weights.reshape(result_shape)).sum())


def test_reductions_at_the_edges():
    one = losses.reduce_weighted_values(Tensor(np.array([2.5])))  # one sample still reduces to a number
    assert one.shape == () and one.item() == 2.5
    empty = losses.reduce_weighted_values(Tensor(np.zeros(0)), reduction="sum")  # as Keras: nothing to reduce
    assert empty.shape == (0,)
    plain = losses.reduce_weighted_values(Tensor(np.array([1.0, 3.0])), reduction="mean_with_sample_weight")
    assert plain.item() == 2.0  # no weights: the plain mean
    # weights summing to 0: Keras' divide_no_nan gives 0, though sum(l * w) = 2 - 3 = -1
    zero_total = losses.reduce_weighted_values(Tensor(np.array([2.0, 3.0])), np.array([1.0, -1.0]),
                                               reduction="mean_with_sample_weight")
    assert zero_total.item() == 0.0


def test_loss_objects_are_named_after_their_class_in_snake_case():
    from tinygrad_acts import backend
    backend.clear_session()
    assert losses.MeanSquaredError().name == "mean_squared_error"
    assert losses.Huber(name="h").name == "h"
    assert losses.SparseCategoricalCrossentropy(name="s").name == "s"
    assert repr(losses.Huber(delta=2.0, name="h")) == "Huber(delta=2.0, reduction='sum_over_batch_size', name='h')"


@pytest.mark.parametrize("cls", [losses.Huber, losses.BinaryCrossentropy, losses.SparseCategoricalCrossentropy])
def test_loss_objects_refuse_a_dtype(cls):
    with pytest.raises(NotImplementedError, match="dtype"):
        cls(dtype="float64")


def test_sparse_categorical_crossentropy_object_expects_probabilities_by_default():
    p = np.array([[0.25, 0.75], [0.5, 0.5]])
    np.testing.assert_allclose(losses.SparseCategoricalCrossentropy()(np.array([1, 0]), Tensor(p)).data,
                               -np.mean(np.log([0.75, 0.5])), rtol=1e-6)


def test_a_loss_subclass_is_named_after_its_class_as_keras_does():
    from tinygrad_acts import backend

    class MyAbsoluteLoss(losses.Loss):
        def call(self, y_true, y_pred):
            return (y_pred - np.asarray(y_true)).abs().mean(axis=-1)

    backend.clear_session()
    first, second = MyAbsoluteLoss(), MyAbsoluteLoss()
    assert (first.name, second.name) == ("my_absolute_loss", "my_absolute_loss_1")
    assert first(np.array([[1.0], [2.0]]), Tensor(np.array([[1.5], [1.0]]))).item() == 0.75


def test_sample_weights_are_cast_to_the_losses_dtype_before_anything_else():
    # as Keras: float64 weights on float32 losses become float32 first, so the weighted mean is float32 arithmetic
    rng = np.random.default_rng(0)
    for _ in range(50):
        values, weights = rng.uniform(0, 2, 7).astype(np.float32), rng.uniform(0, 1, 7)
        weights32 = weights.astype(np.float32)
        expected = (values * weights32).sum() / float(weights32.sum())
        assert losses.reduce_weighted_values(Tensor(values), weights, "mean_with_sample_weight").item() == expected


def test_kl_divergence_of_float32_predictions_computes_in_float32():
    # float64 targets are cast to the predictions' dtype first, as Keras does, so log(y_true) is a float32 log
    rng = np.random.default_rng(0)
    t, p = rng.uniform(0.01, 1, size=(50, 3)), rng.uniform(0.01, 1, size=(50, 3)).astype(np.float32)
    t32 = t.astype(np.float32)
    expected = (t32 * (np.log(t32) - np.log(p))).sum(axis=-1)
    np.testing.assert_array_equal(losses.kl_divergence(t, Tensor(p)).data, expected)


def test_the_single_class_warning_looks_at_the_last_axis_of_3d_predictions():
    y_true = np.ones((2, 3, 1))
    with pytest.warns(UserWarning, match=r"single class \(shape \(2, 3, 1\)\)"):
        losses.categorical_crossentropy(y_true, Tensor(np.full((2, 3, 1), 0.5)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # three classes on the last axis, one on the middle one: no warning
        losses.categorical_crossentropy(np.eye(3)[None].repeat(2, axis=0)[:, :1, :], Tensor(np.full((2, 1, 3), 1 / 3)))


def test_a_loss_subclass_without_call_is_told_what_to_write():
    class MyLoss(losses.Loss):
        pass

    with pytest.raises(NotImplementedError, match=r"MyLoss must define call\(y_true, y_pred\)"):
        MyLoss()(np.zeros((2, 1)), Tensor(np.zeros((2, 1))))
