"""Sample weights and class weights, as Keras 3: the loss objects' reductions, fit, evaluate, train_on_batch.

Keras 3's rule (keras/src/losses/loss.py, reduce_weighted_values): each sample's loss l is multiplied by its weight
w, then the default reduction "sum_over_batch_size" divides sum(w * l) by the NUMBER of losses, not by sum(w)
("mean_with_sample_weight" divides by sum(w)). fit reports the batch losses averaged with the batch sizes as weights
(Keras' loss tracker, a metrics.Mean updated with sample_weight=batch size), so an epoch's loss on fixed weights is
sum(w * l) / n. class_weight becomes one weight per sample (keras/src/trainers/data_adapters/data_adapter_utils.py,
class_weight_to_sample_weights): the class is the argmax of a one-hot row, or the label rounded; classes not in the
dict weigh 1. Compiled metrics are not weighted (Keras weighs only `weighted_metrics`).

The expected values below are numpy formulas. Compared once against Keras 3.15.1 (torch backend), same initial
weights, SGD(0.1), shuffle=False, x, y = normal (10, 3), (10, 1) from default_rng(0), w = [1, 2, 0, .5, 3, 1, 1, 0,
2, 1]: fit(batch_size=4, epochs=2) losses Keras [2.4190972, 1.5974112], ours [2.4190970, 1.5974112];
evaluate(sample_weight=w) 2.2414849 both; validation_split=0.3: loss 1.0664823 / val_loss 5.7514176 both; accuracy
with and without sample weights 0.6 both (unweighted); class_weight {0: .5, 2: 4} one-hot and sparse: loss 2.1562965
both, with equal kernels to 7 digits. MeanSquaredError with sample_weight [1, 0, 2, .5]: sum_over_batch_size
1.7591853, sum 7.0367413, mean_with_sample_weight 2.0104976, both; BinaryCrossentropy(label_smoothing=0.2) 0.3832438,
CategoricalCrossentropy(label_smoothing=0.3) 0.7179293, both.
"""
import numpy as np
import pytest

from tinygrad_acts import losses
from tinygrad_acts.layers import Dense, Input
from tinygrad_acts.models import Sequential
from tinygrad_acts.optimizers import SGD
from tinygrad_acts.tensor import Tensor

RNG = np.random.default_rng(0)
X = RNG.normal(size=(10, 3)).astype(np.float32)
Y = RNG.normal(size=(10, 1)).astype(np.float32)
W = np.array([1, 2, 0, 0.5, 3, 1, 1, 0, 2, 1], np.float32)
KERNEL = RNG.normal(size=(3, 1)).astype(np.float32)


def linear_model(loss="mse", metrics=None, activation=None):
    model = Sequential([Input((3,)), Dense(1, activation=activation)])
    model.compile(optimizer=SGD(0.1), loss=loss, metrics=metrics)
    model.set_weights([KERNEL, np.array([0.1], np.float32)])
    return model


def squared_errors(model, x=X, y=Y):
    return ((model.predict(x) - y) ** 2).mean(axis=-1).astype(np.float64)


# ----------------------------------------------------------------------------------------------------------------
# Loss objects: sample_weight and reduction
# ----------------------------------------------------------------------------------------------------------------
Y_TRUE = RNG.normal(size=(4, 2))
Y_PRED = RNG.normal(size=(4, 2))
SAMPLE_WEIGHT = np.array([1.0, 0.0, 2.0, 0.5])
PER_SAMPLE = ((Y_PRED - Y_TRUE) ** 2).mean(axis=-1)


@pytest.mark.parametrize("reduction, expected", [
    ("sum_over_batch_size", (PER_SAMPLE * SAMPLE_WEIGHT).sum() / 4),  # divided by the count, not by sum(w)
    ("mean", (PER_SAMPLE * SAMPLE_WEIGHT).sum() / 4),
    ("sum", (PER_SAMPLE * SAMPLE_WEIGHT).sum()),
    ("mean_with_sample_weight", (PER_SAMPLE * SAMPLE_WEIGHT).sum() / SAMPLE_WEIGHT.sum()),
    ("none", PER_SAMPLE * SAMPLE_WEIGHT),
    (None, PER_SAMPLE * SAMPLE_WEIGHT),
])
def test_a_loss_object_weights_each_sample_and_reduces_as_keras(reduction, expected):
    loss = losses.MeanSquaredError(reduction=reduction)
    np.testing.assert_allclose(loss(Y_TRUE, Tensor(Y_PRED), sample_weight=SAMPLE_WEIGHT).data, expected, rtol=1e-12)


def test_weights_of_shape_batch_by_one_or_a_single_number_fit_the_losses():
    loss = losses.MeanSquaredError()
    expected = (PER_SAMPLE * SAMPLE_WEIGHT).mean()
    assert loss(Y_TRUE, Tensor(Y_PRED), sample_weight=SAMPLE_WEIGHT[:, None]).item() == pytest.approx(expected)
    assert loss(Y_TRUE, Tensor(Y_PRED), sample_weight=2.0).item() == pytest.approx(2 * PER_SAMPLE.mean())
    assert loss(Y_TRUE, Tensor(Y_PRED)).item() == pytest.approx(PER_SAMPLE.mean())  # no weights: the mean


def test_the_gradient_of_a_weighted_loss_is_the_weighted_gradient():
    prediction = Tensor(Y_PRED, requires_grad=True)
    losses.MeanSquaredError()(Y_TRUE, prediction, sample_weight=SAMPLE_WEIGHT).backward()
    # d/dp of sum_i w_i mean_j (p_ij - t_ij)^2 / 4 = w_i * 2 (p_ij - t_ij) / (2 * 4)
    np.testing.assert_allclose(prediction.grad, SAMPLE_WEIGHT[:, None] * 2 * (Y_PRED - Y_TRUE) / 8, rtol=1e-12)


def test_mean_with_sample_weight_of_weights_summing_to_zero_is_zero_as_keras_divide_no_nan():
    loss = losses.MeanSquaredError(reduction="mean_with_sample_weight")
    assert loss(Y_TRUE, Tensor(Y_PRED), sample_weight=np.zeros(4)).item() == 0.0


def test_label_smoothing_follows_keras_formulas():
    # binary: targets y (1 - s) + s / 2; categorical: targets y (1 - s) + s / K, K classes
    y, p = np.array([[1.0], [0.0]]), np.array([[0.9], [0.3]])
    smooth = y * 0.8 + 0.1
    expected = -(smooth * np.log(p) + (1 - smooth) * np.log(1 - p)).mean()
    assert losses.BinaryCrossentropy(label_smoothing=0.2)(y, Tensor(p)).item() == pytest.approx(expected)
    logits = np.array([[2.0], [-1.0]])
    probabilities = 1 / (1 + np.exp(-logits))
    expected = -(smooth * np.log(probabilities) + (1 - smooth) * np.log(1 - probabilities)).mean()
    loss = losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.2)
    assert loss(y, Tensor(logits)).item() == pytest.approx(expected)
    one_hot, q = np.eye(3)[[0, 2]], np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])
    expected = -((one_hot * 0.7 + 0.1) * np.log(q)).sum(axis=-1).mean()
    assert losses.CategoricalCrossentropy(label_smoothing=0.3)(one_hot, Tensor(q)).item() == pytest.approx(expected)
    assert losses.categorical_crossentropy(one_hot, Tensor(q), label_smoothing=0.3).data.mean() == \
        pytest.approx(expected)


def test_loss_objects_take_keras_names_and_refuse_what_we_do_not_implement():
    assert losses.MeanSquaredError().name == "mean_squared_error" and losses.Huber().name == "huber_loss"
    assert losses.BinaryCrossentropy(name="bce").name == "bce"
    assert losses.MeanAbsoluteError("sum").reduction == "sum"  # Keras' positional order: reduction first
    with pytest.raises(ValueError, match=r"reduction must be one of 'sum_over_batch_size', .* got 'average'"):
        losses.MeanSquaredError(reduction="average")
    with pytest.raises(NotImplementedError, match=r"axis=1 is not supported; only axis=-1"):
        losses.CategoricalCrossentropy(axis=1)
    with pytest.raises(NotImplementedError, match=r"ignore_class=0 is not supported; .*mean_with_sample_weight"):
        losses.SparseCategoricalCrossentropy(ignore_class=0)
    with pytest.raises(NotImplementedError, match=r"dtype='float16' is not supported here"):
        losses.Poisson(dtype="float16")
    with pytest.raises(ValueError, match=r"label_smoothing must be a number in \[0, 1\] \(0 for none\), got 2"):
        losses.BinaryCrossentropy(label_smoothing=2)
    with pytest.raises(ValueError, match=r"sample_weight of shape \(3,\) does not fit the losses of shape \(4,\)"):
        losses.MeanSquaredError()(Y_TRUE, Tensor(Y_PRED), sample_weight=np.ones(3))


def test_a_subclass_of_loss_writes_call_as_in_keras():
    class Cubed(losses.Loss):
        def call(self, y_true, y_pred):
            return ((y_pred - y_true).abs() ** 3).mean(axis=-1)

    per_sample = (np.abs(Y_PRED - Y_TRUE) ** 3).mean(axis=-1)
    assert Cubed(reduction="sum")(Y_TRUE, Tensor(Y_PRED), sample_weight=SAMPLE_WEIGHT).item() == \
        pytest.approx((per_sample * SAMPLE_WEIGHT).sum())


# ----------------------------------------------------------------------------------------------------------------
# fit, evaluate, train_on_batch, test_on_batch
# ----------------------------------------------------------------------------------------------------------------
def test_evaluate_weighs_each_batch_loss_by_its_samples_as_keras_loss_tracker():
    model = linear_model()
    # per batch sum(w l) / batch size, averaged with the batch sizes as weights: sum(w l) / n for the whole set
    expected = (squared_errors(model) * W).sum() / len(X)
    assert model.evaluate(X, Y, batch_size=4, sample_weight=W) == pytest.approx(expected, rel=1e-6)
    assert model.test_on_batch(X, Y, W) == pytest.approx(expected, rel=1e-6)  # Keras' positional order


def test_one_weighted_step_moves_the_weights_by_the_weighted_gradient():
    model = linear_model()
    error = (X @ KERNEL + 0.1 - Y)[:, 0].astype(np.float64)
    # loss = sum_i w_i e_i^2 / n, so d/dkernel = 2 sum_i w_i e_i x_i / n and d/dbias = 2 sum_i w_i e_i / n
    loss = model.train_on_batch(X, Y, sample_weight=W)  # the batch loss, before the update (Keras 3)
    assert loss == pytest.approx((W * error ** 2).sum() / 10, rel=1e-6)
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(kernel[:, 0], KERNEL[:, 0] - 0.1 * 2 * (W * error) @ X / 10, rtol=1e-5)
    np.testing.assert_allclose(bias, 0.1 - 0.1 * 2 * (W * error).sum() / 10, rtol=1e-5)


def test_fit_with_weights_of_all_ones_is_fit_without_weights():
    plain, weighted = linear_model(), linear_model()
    history = plain.fit(X, Y, batch_size=4, epochs=3, shuffle=False, verbose=0)
    weighted_history = weighted.fit(X, Y, batch_size=4, epochs=3, shuffle=False, verbose=0,
                                    sample_weight=np.ones(len(X)))
    np.testing.assert_allclose(weighted_history.history["loss"], history.history["loss"], rtol=1e-6)
    for a, b in zip(weighted.get_weights(), plain.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_a_sample_of_weight_zero_gives_no_gradient_but_still_counts_in_the_batch_size():
    """Keras' sum_over_batch_size: a zero weight is not dropping the sample. The step equals one on the other
    samples with the gradient scaled by (samples kept) / (batch size)."""
    weights = np.ones(len(X), np.float32)
    weights[[2, 7]] = 0.0
    kept = weights > 0
    zeroed, dropped = linear_model(), linear_model()
    dropped.compile(optimizer=SGD(0.1 * kept.sum() / len(X)), loss="mse")  # the step on 8 samples, scaled by 8/10
    zeroed.train_on_batch(X, Y, sample_weight=weights)
    dropped.train_on_batch(X[kept], Y[kept])
    for a, b in zip(zeroed.get_weights(), dropped.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5)


def test_shuffling_keeps_each_weight_with_its_sample():
    """With one sample per batch, an epoch's loss is the mean of w_i l_i over the steps, whatever the order: the
    weights of samples 0..4 make it differ from the unweighted epoch only if they travel with their samples."""
    model = linear_model(loss="mse")
    model.compile(optimizer=SGD(0.0), loss="mse")  # no step: the epoch loss is the weighted mean of fixed losses
    history = model.fit(X, Y, batch_size=1, epochs=2, shuffle=True, verbose=0, sample_weight=W)
    expected = (squared_errors(model) * W).sum() / len(X)
    np.testing.assert_allclose(history.history["loss"], [expected] * 2, rtol=1e-5)


def test_validation_split_splits_sample_weight_and_validation_data_takes_a_third_item():
    model = linear_model()
    model.compile(optimizer=SGD(0.0), loss="mse")
    history = model.fit(X, Y, batch_size=4, epochs=1, shuffle=False, verbose=0, validation_split=0.3,
                        sample_weight=W)
    errors = squared_errors(model)
    assert history.history["loss"][0] == pytest.approx((errors[:7] * W[:7]).sum() / 7, rel=1e-5)
    assert history.history["val_loss"][0] == pytest.approx((errors[7:] * W[7:]).sum() / 3, rel=1e-5)
    history = model.fit(X[:7], Y[:7], epochs=1, verbose=0, validation_data=(X[7:], Y[7:], W[7:]))
    assert history.history["val_loss"][0] == pytest.approx((errors[7:] * W[7:]).sum() / 3, rel=1e-5)


def test_a_loss_object_in_compile_reduces_the_weighted_losses_as_its_reduction_says():
    model = linear_model(loss=losses.MeanSquaredError(reduction="mean_with_sample_weight"))
    errors = squared_errors(model)
    assert model.evaluate(X, Y, batch_size=10, sample_weight=W) == pytest.approx((errors * W).sum() / W.sum(),
                                                                                   rel=1e-6)


def test_compiled_metrics_are_not_weighted_as_in_keras_3():
    labels = (RNG.random((10, 1)) > 0.5).astype(np.float32)
    model = linear_model("binary_crossentropy", ["accuracy"], activation="sigmoid")
    plain_loss, accuracy = model.evaluate(X, labels, batch_size=4)
    weighted_loss, weighted_accuracy = model.evaluate(X, labels, batch_size=4, sample_weight=W)
    assert weighted_accuracy == accuracy == pytest.approx(((model.predict(X) > 0.5) == labels).mean())
    assert weighted_loss != pytest.approx(plain_loss)


@pytest.mark.parametrize("targets, loss", [
    (np.eye(3)[[0, 1, 2, 1, 0, 2, 2, 1, 0, 0]], "categorical_crossentropy"),  # one-hot: the class is the argmax
    (np.array([0, 1, 2, 1, 0, 2, 2, 1, 0, 0]), "sparse_categorical_crossentropy"),  # class ids
    (np.array([[0], [1], [2], [1], [0], [2], [2], [1], [0], [0]]), "sparse_categorical_crossentropy"),  # (n, 1)
])
def test_class_weight_weighs_each_sample_by_its_class(targets, loss):
    class_ids = np.array([0, 1, 2, 1, 0, 2, 2, 1, 0, 0])
    class_weight = {0: 0.5, 2: 4.0}  # class 1 is left out: it weighs 1
    weights = np.array([class_weight.get(c, 1.0) for c in class_ids])
    model = Sequential([Input((3,)), Dense(3, activation="softmax")])
    model.compile(optimizer=SGD(0.0), loss=loss)
    model.fit(X, targets, epochs=1, verbose=0)  # builds; SGD(0) changes nothing
    p = model.predict(X).astype(np.float64)
    per_sample = -np.log(p[np.arange(10), class_ids])
    history = model.fit(X, targets, batch_size=4, epochs=1, shuffle=False, verbose=0, class_weight=class_weight)
    assert history.history["loss"][0] == pytest.approx((per_sample * weights).sum() / 10, rel=1e-5)
    # class weights weigh training only: validation is unweighted (Keras too)
    history = model.fit(X, targets, epochs=1, verbose=0, class_weight=class_weight, validation_split=0.3)
    assert history.history["val_loss"][0] == pytest.approx(per_sample[7:].mean(), rel=1e-5)


def test_class_weight_on_binary_labels_rounds_them_to_classes():
    labels = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0], np.float32)[:, None]
    model = linear_model("binary_crossentropy", activation="sigmoid")
    p = model.predict(X).astype(np.float64)[:, 0]
    per_sample = -(labels[:, 0] * np.log(p) + (1 - labels[:, 0]) * np.log(1 - p))
    expected = (per_sample * np.where(labels[:, 0] == 1, 3.0, 1.0)).sum() / 10
    assert model.train_on_batch(X, labels, class_weight={1: 3.0}) == pytest.approx(expected, rel=1e-5)


# ----------------------------------------------------------------------------------------------------------------
# Bad weights: a clear error, and nothing changed
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("call, error, match", [
    (lambda m: m.fit(X, Y, verbose=0, sample_weight=W[:5]), ValueError,
     r"fit: sample_weight has 5 weights \(shape \(5,\)\) but x has 10 samples; give one weight per sample, an array "
     r"of shape \(10,\)"),
    (lambda m: m.fit(X, Y, verbose=0, sample_weight=np.where(W == 0, np.nan, W)), ValueError,
     r"fit: sample_weight holds nan at index 2; weights must be finite numbers >= 0"),
    (lambda m: m.fit(X, Y, verbose=0, sample_weight=-W), ValueError, r"sample_weight holds -1.0 at index 0"),
    (lambda m: m.fit(X, Y, verbose=0, sample_weight="heavy"), TypeError,
     r"fit: sample_weight must be an array of numbers, one per sample, shape \(10,\); got 'heavy'"),
    (lambda m: m.fit(X, Y, verbose=0, sample_weight=W, class_weight={0: 2.0}), ValueError,
     r"fit: give sample_weight or class_weight, not both"),
    (lambda m: m.fit(X, Y, verbose=0, class_weight=[1.0, 2.0]), TypeError,
     r"fit: class_weight must be a dict \{class index: weight\}, e.g. \{0: 1.0, 1: 5.0\}, got \[1.0, 2.0\] of type "
     r"list"),
    (lambda m: m.fit(X, Y, verbose=0, class_weight={"0": 1.0}), TypeError,
     r"fit: class_weight keys must be integer class indices, got '0' of type str"),
    (lambda m: m.fit(X, Y, verbose=0, class_weight={0: -1.0}), ValueError,
     r"class_weight\[0\] is -1.0; class weights must be finite numbers >= 0"),
    (lambda m: m.fit(X, Y, verbose=0, validation_data=(X, Y, W[:3])), ValueError,
     r"fit \(validation_data\): sample_weight has 3 weights"),
    (lambda m: m.evaluate(X, Y, sample_weight=W[:3]), ValueError, r"evaluate: sample_weight has 3 weights"),
    (lambda m: m.test_on_batch(X, Y, sample_weight=np.full(10, np.inf)), ValueError,
     r"test_on_batch: sample_weight holds inf at index 0"),
    (lambda m: m.train_on_batch(X, Y, sample_weight=W[:2]), ValueError, r"train_on_batch: sample_weight has 2"),
], ids=["fit-wrong-length", "fit-nan", "fit-negative", "fit-string", "fit-both", "fit-class-weight-list",
        "fit-class-weight-string-key", "fit-class-weight-negative", "fit-validation-weights", "evaluate-wrong-length",
        "test-on-batch-inf", "train-on-batch-wrong-length"])
def test_bad_weights_raise_a_clear_error_and_change_nothing(call, error, match):
    model = linear_model()
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, Y, epochs=1, verbose=0)  # so the optimizer has state to protect
    weights, state = model.get_weights(), model.optimizer.get_state()
    with pytest.raises(error, match=match):
        call(model)
    for a, b in zip(model.get_weights(), weights, strict=True):
        np.testing.assert_array_equal(a, b)
    after = model.optimizer.get_state()
    assert after["iterations"] == state["iterations"] and after["slots"].keys() == state["slots"].keys()
    for param, slots in state["slots"].items():
        for name, array in slots.items():
            np.testing.assert_array_equal(after["slots"][param][name], array)
