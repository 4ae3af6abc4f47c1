"""Keras 3's metric classes: a state that update_state changes batch by batch and result() reads, in compile and fit.

Expected values come from the formulas (precision = TP / (TP + FP), AUC as the Riemann sum of its curve) computed here;
a few numbers recorded from Keras 3.15.1 (torch backend) cross-check them, in comments where they appear.
"""
import numpy as np
import pytest

import tinygrad_acts.backend as K
from tinygrad_acts import Tensor, metrics, ops
from tinygrad_acts.layers import Dense
from tinygrad_acts.models import Sequential
from tinygrad_acts.optimizers import SGD

Y_TRUE = np.array([0, 1, 1, 0, 1, 0], dtype=np.float32)
Y_PRED = np.array([0.9, 0.8, 0.3, 0.2, 0.6, 0.7], dtype=np.float32)  # above 0.5: samples 0, 1, 4, 5


def value(metric):
    return float(metric.result())


# ----------------------------------------------------------------------------------------------------------------
# The base class and the mean metrics
# ----------------------------------------------------------------------------------------------------------------
def test_default_names_are_the_class_name_in_snake_case_numbered_as_keras():
    assert [metrics.Precision().name, metrics.Precision().name, metrics.AUC().name] == \
        ["precision", "precision_1", "auc"]
    assert metrics.TruePositives(name="tp").name == "tp"
    assert metrics.RootMeanSquaredError().name == "root_mean_squared_error"  # a fixed default, as in Keras
    assert repr(metrics.Recall()) == "<Recall name=recall>"


def test_mean_is_total_over_count_and_weights_count_samples():
    mean = metrics.Mean()
    mean.update_state([1, 3, 5, 7])
    assert value(mean) == 4.0
    mean.reset_state()
    mean.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert value(mean) == 2.0  # (1 + 3) / 2
    mean.update_state([10], sample_weight=[2])
    assert value(mean) == pytest.approx((1 + 3 + 20) / 4)
    assert metrics.Mean().result().item() == 0.0  # nothing seen: 0, not nan (divide_no_nan)


def test_sum_adds_weighted_values():
    total = metrics.Sum()
    total.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    total.update_state([[1, 2], [3, 4]])  # each sample's values are summed, then the samples
    assert value(total) == 4 + 10


def test_calling_a_metric_updates_it_then_returns_the_result():
    precision = metrics.Precision()
    assert float(precision([0, 1, 1], [0.9, 0.8, 0.1])) == 0.5  # 1 of 2 predicted positives is positive
    assert float(precision([1], [0.7])) == pytest.approx(2 / 3)  # Keras 3.15.1: 0.6666666865348816


@pytest.mark.parametrize("metric, y_true, y_pred, expected", [
    (metrics.BinaryAccuracy(), [[1], [0], [1], [0]], [[0.7], [0.6], [0.2], [0.1]], 2 / 4),
    (metrics.BinaryAccuracy(threshold=0.65), [[1], [0], [1], [0]], [[0.7], [0.6], [0.2], [0.1]], 3 / 4),
    (metrics.CategoricalAccuracy(), [[0, 1, 0], [1, 0, 0]], [[0.2, 0.5, 0.3], [0.1, 0.8, 0.1]], 1 / 2),
    (metrics.SparseCategoricalAccuracy(), [1, 0], [[0.2, 0.5, 0.3], [0.1, 0.8, 0.1]], 1 / 2),
    (metrics.Accuracy(), [1, 2, 3, 4], [0, 2, 3, 4], 3 / 4),
    (metrics.MeanSquaredError(), [[0, 1], [0, 0]], [[1, 1], [1, 0]], (0.5 + 0.5) / 2),
    (metrics.MeanAbsoluteError(), [[0, 1], [0, 0]], [[3, 1], [1, 0]], (1.5 + 0.5) / 2),
    (metrics.RootMeanSquaredError(), [[0, 1], [0, 0]], [[3, 1], [1, 0]], np.sqrt((9 + 1) / 4)),
])
def test_mean_metrics_at_chosen_points(metric, y_true, y_pred, expected):
    metric.update_state(np.array(y_true, dtype=np.float32), np.array(y_pred, dtype=np.float32))
    assert value(metric) == pytest.approx(expected)


def test_mean_metrics_are_means_over_every_sample_seen_with_sample_weight():
    accuracy = metrics.BinaryAccuracy()
    accuracy.update_state([[1], [0], [1]], [[0.7], [0.6], [0.2]], sample_weight=[1, 2, 3])
    assert value(accuracy) == pytest.approx(1 / 6)  # only the first (weight 1) is right; Keras 3.15.1: 1/6 too
    accuracy.update_state([[0]], [[0.1]], sample_weight=[6])
    assert value(accuracy) == pytest.approx(7 / 12)


def test_root_mean_squared_error_is_the_root_of_the_mean_over_all_batches_not_a_mean_of_roots():
    rmse = metrics.RootMeanSquaredError()
    rmse.update_state([[0.0], [1.0]], [[1.0], [1.0]])  # squared errors 1, 0
    rmse.update_state([[0.0]], [[3.0]])  # 9
    assert value(rmse) == pytest.approx(np.sqrt(10 / 3))  # Keras 3.15.1: 1.8257418870925903


# ----------------------------------------------------------------------------------------------------------------
# Confusion metrics
# ----------------------------------------------------------------------------------------------------------------
def counts(y_true, y_pred, threshold, weights=None):
    """TP, FP, TN, FN by their definitions."""
    weights = np.ones(len(y_true)) if weights is None else np.asarray(weights)
    above, positive = y_pred > threshold, y_true == 1
    return tuple(float(weights[mask].sum()) for mask in (above & positive, above & ~positive, ~above & ~positive,
                                                          ~above & positive))


@pytest.mark.parametrize("threshold", [None, 0.25, 0.75])
def test_confusion_counts_are_their_definitions(threshold):
    expected = counts(Y_TRUE, Y_PRED, 0.5 if threshold is None else threshold)
    for cls, number in zip((metrics.TruePositives, metrics.FalsePositives, metrics.TrueNegatives,
                            metrics.FalseNegatives), expected, strict=True):
        metric = cls(thresholds=threshold)
        metric.update_state(Y_TRUE, Y_PRED)
        assert value(metric) == number, cls.__name__
    assert expected if threshold is not None else expected == (2.0, 2.0, 1.0, 1.0)


def test_precision_and_recall_are_their_formulas_accumulated_over_batches_and_reset():
    tp, fp, tn, fn = counts(Y_TRUE, Y_PRED, 0.5)
    precision, recall = metrics.Precision(), metrics.Recall()
    for metric in (precision, recall):
        metric.update_state(Y_TRUE[:4], Y_PRED[:4])  # batches of 4 and 2: the counts add up
        metric.update_state(Y_TRUE[4:], Y_PRED[4:])
    assert value(precision) == pytest.approx(tp / (tp + fp)) and value(recall) == pytest.approx(tp / (tp + fn))
    precision.reset_state()
    assert value(precision) == 0.0  # no predicted positives: 0, not nan
    precision.update_state(Y_TRUE[:4], Y_PRED[:4])
    assert value(precision) == pytest.approx(1 / 2)  # samples 0 and 1 predicted positive, 1 is


def test_sample_weight_weighs_each_sample_of_the_counts():
    weights = np.array([1.0, 2.0, 1.0, 1.0, 0.0, 3.0])
    tp, fp, _, fn = counts(Y_TRUE, Y_PRED, 0.5, weights)
    precision, recall = metrics.Precision(), metrics.Recall()
    precision.update_state(Y_TRUE[:, None], Y_PRED[:, None], sample_weight=weights)  # (n, 1) with (n,) weights
    recall.update_state(Y_TRUE, Y_PRED, sample_weight=weights)
    assert value(precision) == pytest.approx(tp / (tp + fp)) == pytest.approx(2 / 6)
    assert value(recall) == pytest.approx(tp / (tp + fn)) == pytest.approx(2 / 3)


def test_several_thresholds_give_one_value_each_and_a_prediction_on_a_threshold_is_not_above_it():
    tp = metrics.TruePositives(thresholds=[0.0, 0.5, 1.0])  # evenly spaced: Keras' bucket route
    tp.update_state([1, 1, 0, 1], [0.0, 0.5, 0.7, 1.0])
    np.testing.assert_array_equal(tp.result().numpy(), [2, 1, 0])  # Keras 3.15.1: [2., 1., 0.]
    precision = metrics.Precision(thresholds=[0.3, 0.5])
    precision.update_state([0, 1, 1, 0], [0.4, 0.6, 0.2, 0.9])
    np.testing.assert_allclose(precision.result().numpy(), [1 / 3, 1 / 2])


def test_top_k_and_class_id_look_at_the_top_predictions_or_one_class():
    precision = metrics.Precision(top_k=1)  # each row's largest prediction is the positive one
    precision.update_state([[0, 1, 1], [1, 0, 0]], [[0.4, 0.6, 0.2], [0.1, 0.5, 0.3]])
    assert value(precision) == 0.5  # row 0: class 1 is right; row 1: class 1 is wrong. Keras 3.15.1: 0.5
    recall = metrics.Recall(class_id=2)  # only column 2: labels [1, 1], predictions [0.7, 0.3]
    recall.update_state([[0, 1, 1], [1, 0, 1]], [[0.4, 0.6, 0.7], [0.1, 0.5, 0.3]])
    assert value(recall) == 0.5  # Keras 3.15.1: 0.5


# ----------------------------------------------------------------------------------------------------------------
# AUC
# ----------------------------------------------------------------------------------------------------------------
def auc_by_riemann_sum(y_true, y_pred, num_thresholds=200, curve="ROC", heights="interpolation", weights=None):
    """AUC as Keras documents it: thresholds 0 - eps, 1/(n-1), ..., 1 + eps; a point of the curve per threshold;
    the sum over neighbouring points of (x_i - x_(i+1)) * height."""
    eps = 1e-7
    thresholds = [-eps] + [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)] + [1 + eps]
    tp, fp, tn, fn = np.array([counts(y_true, y_pred, t, weights) for t in thresholds]).T
    with np.errstate(divide="ignore", invalid="ignore"):
        recall = np.nan_to_num(tp / (tp + fn))
        x, y = (np.nan_to_num(fp / (fp + tn)), recall) if curve == "ROC" else (recall, np.nan_to_num(tp / (tp + fp)))
    height = {"interpolation": (y[:-1] + y[1:]) / 2, "minoring": np.minimum(y[:-1], y[1:]),
              "majoring": np.maximum(y[:-1], y[1:])}[heights]
    return float(np.sum((x[:-1] - x[1:]) * height))


def test_auc_with_fine_thresholds_is_the_chance_a_positive_is_ranked_above_a_negative():
    auc = metrics.AUC()
    auc.update_state([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    assert value(auc) == pytest.approx(3 / 4)  # 3 of the 4 (positive, negative) pairs are in order; Keras: 0.75


@pytest.mark.parametrize("options", [
    {}, {"num_thresholds": 5}, {"num_thresholds": 11, "summation_method": "minoring"},
    {"num_thresholds": 7, "summation_method": "majoring"}, {"curve": "PR", "summation_method": "minoring"},
])
def test_auc_is_the_riemann_sum_keras_documents(rng, options):
    y_true = (rng.random(50) > 0.5).astype(np.float32)
    y_pred = rng.random(50).astype(np.float32)
    weights = rng.random(50)
    auc = metrics.AUC(**options)
    auc.update_state(y_true[:20], y_pred[:20], sample_weight=weights[:20])
    auc.update_state(y_true[20:], y_pred[20:], sample_weight=weights[20:])
    expected = auc_by_riemann_sum(y_true, y_pred, options.get("num_thresholds", 200), options.get("curve", "ROC"),
                                  options.get("summation_method", "interpolation"), weights)
    assert value(auc) == pytest.approx(expected, rel=1e-6)


def test_auc_matches_keras_on_coarse_thresholds_and_the_pr_curve():
    y_true, y_pred = [0, 1, 0, 1, 1], [0.3, 0.3, 0.7, 0.9, 0.0]
    auc = metrics.AUC(num_thresholds=4, summation_method="minoring")
    auc.update_state(y_true, y_pred)
    assert value(auc) == pytest.approx(auc_by_riemann_sum(np.array(y_true), np.array(y_pred), 4, "ROC", "minoring"))
    assert value(auc) == pytest.approx(0.1666666716337204)  # Keras 3.15.1
    pr = metrics.AUC(curve="PR")  # interpolated counts (Davis & Goadrich), not a Riemann sum of precision
    pr.update_state([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    assert value(pr) == pytest.approx(0.7972674369812012, rel=1e-6)  # Keras 3.15.1
    given = metrics.AUC(thresholds=[0.2, 0.5, 0.75])
    given.update_state([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    assert value(given) == pytest.approx(0.875)  # Keras 3.15.1: 0.875
    assert given.thresholds == [-1e-7, 0.2, 0.5, 0.75, 1 + 1e-7]


def test_auc_from_logits_applies_the_sigmoid_first():
    logits = np.array([-2.2, 0.4, -0.6, 1.4], dtype=np.float32)
    from_logits, from_probabilities = metrics.AUC(from_logits=True), metrics.AUC()
    from_logits.update_state([0, 0, 1, 1], logits)
    from_probabilities.update_state([0, 0, 1, 1], 1 / (1 + np.exp(-logits)))
    assert value(from_logits) == value(from_probabilities) == pytest.approx(3 / 4)


def test_get_config_and_from_config_make_an_equal_metric():
    for metric in (metrics.Precision(thresholds=0.3, class_id=1, name="p"), metrics.AUC(curve="PR"),
                   metrics.BinaryAccuracy(threshold=0.7), metrics.AUC(thresholds=[0.25, 0.5])):
        config = metric.get_config()
        copy = type(metric).from_config(config)
        assert copy.get_config() == config and config["name"] == metric.name and config["dtype"] == "float32"
    assert metrics.BinaryAccuracy().get_config() == {"name": "binary_accuracy", "dtype": "float32", "threshold": 0.5}


# ----------------------------------------------------------------------------------------------------------------
# Metrics of your own
# ----------------------------------------------------------------------------------------------------------------
class CategoricalTruePositives(metrics.Metric):
    """As Keras' guide writes one ("Training & evaluation with the built-in methods")."""

    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1, 1))
        values = ops.cast(y_true, "int32") == ops.cast(y_pred, "int32")
        values = ops.cast(values, "float32")
        if sample_weight is not None:
            values = ops.multiply(values, ops.cast(sample_weight, "float32"))
        self.true_positives.assign_add(ops.sum(values))

    def result(self):
        return self.true_positives

    def reset_state(self):
        self.true_positives.assign(0.0)


class PositiveRate(metrics.Metric):
    """Keras 2's way: add_weight(name, ...), then arithmetic on the variables in result()."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.positives = self.add_weight("positives", initializer="zeros")
        self.count = self.add_weight(name="count", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.positives.assign(self.positives + ops.sum(Tensor(y_pred > 0.5)))
        self.count.assign_add(len(y_pred))

    def result(self):
        return self.positives / self.count


def test_a_metric_of_your_own_accumulates_and_resets():
    metric = CategoricalTruePositives()
    metric.update_state(np.array([[1], [2]]), np.array([[0.1, 0.9, 0.0], [0.2, 0.3, 0.5]]))
    metric.update_state(np.array([[0]]), np.array([[0.1, 0.9, 0.0]]))
    assert float(metric.result()) == 2.0 and f"{metric.result():.1f}" == "2.0"
    metric.reset_state()
    assert float(metric.result()) == 0.0
    rate = PositiveRate()
    assert rate.name == "positive_rate" and [v.name for v in rate.variables] == ["positives", "count"]
    assert float(rate(None, np.array([0.9, 0.1, 0.7, 0.2]))) == 0.5


def fixed_model(outputs=1, activation="sigmoid"):
    """A model that does not learn (learning rate 0): its predictions in fit are predict's, so logs can be checked
    against numpy."""
    K.set_random_seed(3)
    model = Sequential([Dense(outputs, activation=activation, input_shape=(3,))])
    if outputs == 1:  # right on most samples, not all: y is x0 + 0.5 x1 > 0.2
        model.set_weights([np.array([[1.5], [0.2], [0.8]], dtype=np.float32), np.array([0.1], dtype=np.float32)])
    return model


def data(samples=23):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(samples, 3)).astype(np.float32)
    y = (x[:, :1] + 0.5 * x[:, 1:2] > 0.2).astype(np.float32)
    return x, y


def test_fit_logs_a_metric_of_your_own_as_its_result_each_epoch_counted_by_hand():
    x, y = data()
    labels = np.array([[0], [1], [2], [1], [0], [2], [2], [1], [0], [1], [1]])  # (n, 1), as the metric compares
    model = fixed_model(outputs=3, activation="softmax")
    model.compile(optimizer=SGD(learning_rate=0.0), loss="sparse_categorical_crossentropy",
                  metrics=[CategoricalTruePositives(), PositiveRate(name="rate")])
    history = model.fit(x[:11], labels, batch_size=4, epochs=2, verbose=0, shuffle=False)
    predictions = model.predict(x[:11])
    right = float(np.sum(predictions.argmax(axis=1) == labels[:, 0]))
    assert history.history["categorical_true_positives"] == pytest.approx([right, right])  # reset each epoch
    assert history.history["rate"] == pytest.approx([np.sum(predictions > 0.5) / 11] * 2)  # values over samples


# ----------------------------------------------------------------------------------------------------------------
# In compile, fit and evaluate
# ----------------------------------------------------------------------------------------------------------------
def numpy_precision_recall(y, predictions):
    tp, fp, _, fn = counts(y.ravel(), predictions.ravel(), 0.5)
    return tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0  # 0 for 0 / 0, as Keras


def test_fit_logs_precision_and_recall_of_the_whole_epoch_not_a_mean_of_batch_values():
    x, y = data()
    model = fixed_model()
    model.compile(optimizer=SGD(learning_rate=0.0), loss="binary_crossentropy",
                  metrics=[metrics.Precision(), metrics.Recall(), "accuracy"])
    history = model.fit(x, y, batch_size=5, epochs=3, verbose=0)  # 5 batches, the last of 3, shuffled
    precision, recall = numpy_precision_recall(y, model.predict(x))
    assert history.history["precision"] == pytest.approx([precision] * 3, rel=1e-6)
    assert history.history["recall"] == pytest.approx([recall] * 3, rel=1e-6)
    assert history.history["accuracy"] == pytest.approx([np.mean((model.predict(x) > 0.5) == y)] * 3)
    batch_means = np.mean([numpy_precision_recall(y[i:i + 5], model.predict(x[i:i + 5]))[0] for i in range(0, 23, 5)])
    assert abs(batch_means - precision) > 0.01  # so the test can tell the two apart


def test_train_on_batch_gives_each_batchs_own_values_as_keras_3():
    """Keras 3 resets the metrics in train_on_batch: the values returned are that batch's, not a running result."""
    x, y = data()
    model = fixed_model()
    model.compile(optimizer=SGD(learning_rate=0.0), loss="binary_crossentropy", metrics=[metrics.Precision()])
    for rows in (slice(0, 10), slice(10, 23)):
        loss, precision = model.train_on_batch(x[rows], y[rows])
        assert precision == pytest.approx(numpy_precision_recall(y[rows], model.predict(x[rows]))[0], rel=1e-6)


def test_validation_metrics_use_the_same_objects_reset_so_training_logs_stay_the_training_ones():
    x, y = data(40)
    model = fixed_model()
    model.compile(optimizer=SGD(learning_rate=0.0), loss="binary_crossentropy", metrics=["precision", metrics.AUC])
    history = model.fit(x[:30], y[:30], batch_size=8, epochs=2, verbose=0, validation_data=(x[30:], y[30:]))
    train, val = numpy_precision_recall(y[:30], model.predict(x[:30]))[0], \
        numpy_precision_recall(y[30:], model.predict(x[30:]))[0]
    assert train != pytest.approx(val)
    assert history.history["precision"] == pytest.approx([train] * 2, rel=1e-6)
    assert history.history["val_precision"] == pytest.approx([val] * 2, rel=1e-6)
    expected_auc = auc_by_riemann_sum(y[30:].ravel(), model.predict(x[30:]).ravel())
    assert history.history["val_auc"] == pytest.approx([expected_auc] * 2, rel=1e-5)
    assert set(history.history) == {"loss", "precision", "auc", "val_loss", "val_precision", "val_auc"}


def test_evaluate_resets_first_and_reports_the_result():
    x, y = data()
    model = fixed_model()
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=[metrics.Recall(name="r")])
    first = model.evaluate(x, y, batch_size=4, return_dict=True)
    second = model.evaluate(x, y, batch_size=7, return_dict=True)
    assert first["r"] == pytest.approx(second["r"]) == pytest.approx(numpy_precision_recall(y, model.predict(x))[1])
    assert model.metrics_names == ["loss", "r"]


def test_metric_objects_leave_function_metrics_as_they_were():
    x, y = data()
    logs = []
    for extra in ([], [metrics.Precision()]):
        model = fixed_model()
        model.compile(optimizer=SGD(learning_rate=0.1), loss="binary_crossentropy", metrics=["accuracy", "mae", *extra])
        logs.append(model.fit(x, y, batch_size=4, epochs=2, verbose=0).history)
    assert logs[0]["accuracy"] == logs[1]["accuracy"] and logs[0]["mae"] == logs[1]["mae"]


def test_compile_takes_names_classes_and_instances_as_keras_3_does():
    model = fixed_model()
    model.compile(optimizer="sgd", loss="mse", metrics=["AUC", "recall", metrics.Precision, metrics.TruePositives()])
    assert model.metrics_names == ["loss", "AUC", "recall", "precision", "true_positives"]  # Keras' keys, too
    assert isinstance(model.metrics[0], metrics.AUC) and model.metrics[0].name == "AUC"
    assert metrics.get("precision") is not metrics.get("precision")  # a new state for each model


# ----------------------------------------------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------------------------------------------
def test_thresholds_outside_zero_to_one_are_refused():
    with pytest.raises(ValueError, match=r"Precision: thresholds must be numbers in \[0, 1\], got 1\.5"):
        metrics.Precision(thresholds=1.5)
    with pytest.raises(ValueError, match=r"TruePositives: thresholds must be numbers in \[0, 1\], got \[0\.2, -0\.1\] "
                                         r"\(outside: \[-0\.1\]\)"):
        metrics.TruePositives(thresholds=[0.2, -0.1])
    with pytest.raises(ValueError, match=r"AUC: thresholds must be numbers in \[0, 1\]"):
        metrics.AUC(thresholds=[0.5, 2])  # Keras does not check AUC's: its curve then runs past 1 + epsilon


def test_bad_auc_and_precision_arguments_are_refused():
    with pytest.raises(ValueError, match=r"AUC: num_thresholds must be an integer > 1, got 1"):
        metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match=r"AUC: curve must be 'ROC', 'PR' or 'PRGAIN', got 'xx'"):
        metrics.AUC(curve="xx")
    with pytest.raises(ValueError, match=r"AUC: summation_method must be 'interpolation', 'minoring' or 'majoring'"):
        metrics.AUC(summation_method="trapezoid")
    with pytest.raises(ValueError, match=r"AUC: multi_label, num_labels and label_weights are not supported"):
        metrics.AUC(multi_label=True)
    with pytest.raises(ValueError, match=r"Recall: top_k must be None or an integer >= 1, got 0"):
        metrics.Recall(top_k=0)


def test_unknown_metric_names_and_classes_are_refused_with_a_suggestion():
    with pytest.raises(ValueError, match=r"Unknown metric 'precison': expected 'accuracy' or one of \[.*'precision'.*\]"
                                         r", or a callable .* Did you mean 'precision'\?"):
        fixed_model().compile(optimizer="sgd", loss="mse", metrics=["precison"])
    with pytest.raises(ValueError, match=r"Unknown metric SGD \(a class that is not a Metric\): expected a Metric such "
                                         r"as Precision\(\) \(or its class\), 'accuracy' or one of"):
        metrics.get(SGD)


def test_a_metric_whose_init_forgets_super_init_is_refused():
    class Forgetful(metrics.Metric):
        def __init__(self):
            self.total = self.add_variable((), "zeros")

    with pytest.raises(RuntimeError, match=r"Forgetful: call super\(\).__init__\(\) in __init__ before add_variable"):
        Forgetful()

    class NoVariables(metrics.Metric):
        def __init__(self):
            pass

    with pytest.raises(RuntimeError, match=r"NoVariables: its __init__ must call super\(\).__init__\(\)"):
        metrics.get(NoVariables())


def test_a_metric_with_several_values_cannot_be_logged_by_fit():
    x, y = data()
    model = fixed_model()
    model.compile(optimizer="sgd", loss="mse", metrics=[metrics.Precision(thresholds=[0.3, 0.7])])
    weights = model.get_weights()
    with pytest.raises(ValueError, match=r"metric 'precision': result\(\) gave 2 values \(shape \(2,\)\), but fit and "
                                         r"evaluate log one number per metric"):
        model.fit(x, y, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), weights, strict=True))


def test_variables_assign_and_read_as_their_value():
    metric = metrics.Mean()
    variable = metric.add_variable((2,), "ones", name="v")
    variable.assign_add(Tensor([1.0, 2.0]))
    assert np.array_equal(variable.numpy(), [2.0, 3.0]) and variable + 1 == pytest.approx([3.0, 4.0])
    variable.assign(0)  # a number fills the shape
    assert np.array_equal(np.asarray(variable), [0.0, 0.0])
    with pytest.raises(ValueError, match=r"Variable 'v': cannot assign a value of shape \(3,\) to a variable of shape"):
        variable.assign([1, 2, 3])


# ----------------------------------------------------------------------------------------------------------------
# Examples that pin behaviour mutation testing found unpinned
# ----------------------------------------------------------------------------------------------------------------
def test_evenly_spaced_thresholds_take_keras_bucket_route_which_clips_predictions_to_zero_one():
    """Thresholds 0, 1/(n-1), ..., 1 (three or more, within epsilon) put each prediction, clipped to [0, 1], in the
    bucket ceil(p (n - 1)) - 1, as Keras does: 1.5 then counts as 1, which is not above the threshold 1. Other
    thresholds compare y_pred > t directly, so 1.5 is above 1 there. This is why a metric needs to know which route
    its thresholds take."""
    tp = metrics.TruePositives(thresholds=[0.0, 0.5, 1.0])
    tp.update_state([1, 1, 1], [1.5, 0.5, -0.5])  # buckets: 1.5 -> 1 (above 0 and 0.5), 0.5 -> 0, -0.5 -> none
    np.testing.assert_array_equal(tp.result().numpy(), [2, 1, 0])  # Keras 3.15.1: [2., 1., 0.]
    not_evenly = metrics.TruePositives(thresholds=[0.5, 1.0])  # two thresholds: compared one by one
    not_evenly.update_state([1], [1.5])
    np.testing.assert_array_equal(not_evenly.result().numpy(), [1, 1])  # Keras 3.15.1: [1., 1.]
    precision = metrics.Precision(thresholds=[0.0, 0.5, 1.0])
    precision.update_state([1, 0, 1], [1.5, 1.2, 0.7])  # all three fall in bucket 1: above 0 and 0.5, not 1
    np.testing.assert_allclose(precision.result().numpy(), [2 / 3, 2 / 3, 0])  # Keras 3.15.1: the same


def test_thresholds_count_as_evenly_spaced_within_epsilon_of_float32_steps_as_keras():
    """Keras' is_evenly_distributed_thresholds compares with np.arange(n, dtype=float32) / (n - 1) within
    atol=epsilon (1e-7): 5e-8 counts as 0, and a threshold 3.44e-6 above 1/3 is within allclose's tolerance of
    float32(1/3) though not of 1/3 itself. Both grids take the bucket route, where 1.5 is not above 1."""
    near_zero = metrics.TruePositives(thresholds=[5e-8, 0.5, 1.0])
    near_zero.update_state([1], [1.5])
    np.testing.assert_array_equal(near_zero.result().numpy(), [1, 1, 0])  # Keras 3.15.1: [1., 1., 0.]
    near_third = 1 / 3 + 1e-7 + 1e-5 / 3 + 5e-9  # 1e-7 + 1e-5 * |1/3| is allclose's tolerance at 1/3
    thirds = metrics.TruePositives(thresholds=[0.0, near_third, 2 / 3, 1.0])
    thirds.update_state([1], [1.5])
    np.testing.assert_array_equal(thirds.result().numpy(), [1, 1, 1, 0])  # Keras 3.15.1: [1., 1., 1., 0.]


def test_auc_clips_predictions_to_zero_one_on_its_evenly_spaced_thresholds():
    """AUC's thresholds -eps, 0.5, 1 + eps (num_thresholds=3, or thresholds=[0.5]) are evenly spaced, so
    predictions are clipped to [0, 1] and bucketed; -0.5 then counts as 0, above -eps. By hand: buckets -0.5 -> 0,
    1.5 -> 1, 0.5 -> 0, 0.2 -> 0; TP = [2, 1, 0], FP = [2, 0, 0] of 2 positives and 2 negatives; the ROC points
    (1, 1), (0, 0.5), (0, 0) give (1 - 0) * (1 + 0.5) / 2 = 0.75."""
    for auc in (metrics.AUC(num_thresholds=3), metrics.AUC(thresholds=[0.5])):
        auc.update_state([0, 1, 1, 0], [-0.5, 1.5, 0.5, 0.2])
        assert value(auc) == pytest.approx(0.75)  # Keras 3.15.1: 0.75 for both


def test_a_prediction_and_its_threshold_are_compared_in_float32_as_keras():
    """Labels, predictions and thresholds are cast to the metric's dtype (float32) before comparing, as Keras does:
    0.50000001 is 0.5 in float32, not above the threshold 0.5; 1/3 is not above the threshold 1/3, on either route
    (float32(1/3) * 3 is 1.0 in float32, so it is in bucket 0); a label of 1e-50 is 0, a negative."""
    at_half = metrics.TruePositives()
    at_half.update_state([1, 1], [0.5, 0.50000001])
    assert value(at_half) == 0.0  # Keras 3.15.1: 0.0
    third = metrics.TruePositives(thresholds=[1 / 3])  # one threshold: compared directly
    third.update_state([1], [1 / 3])
    assert value(third) == 0.0  # Keras 3.15.1: 0.0
    thirds = metrics.TruePositives(thresholds=[0.0, 1 / 3, 2 / 3, 1.0])  # evenly spaced: bucketed
    thirds.update_state([1], [1 / 3])
    np.testing.assert_array_equal(thirds.result().numpy(), [1, 0, 0, 0])  # Keras 3.15.1: [1., 0., 0., 0.]
    top = metrics.Precision(top_k=1, thresholds=[0.0, 1 / 3, 2 / 3, 1.0])  # the same after top_k's filtering
    top.update_state([[1, 0]], [[1 / 3, 0.2]])
    np.testing.assert_array_equal(top.result().numpy(), [1, 0, 0, 0])  # Keras 3.15.1: [1., 0., 0., 0.]
    tiny_label = metrics.Precision()
    tiny_label.update_state([1e-50, 1.0], [0.9, 0.9])
    assert value(tiny_label) == 0.5  # Keras 3.15.1: 0.5


def test_sample_weight_weighs_every_confusion_count_and_a_boolean_weight_is_a_mask():
    """Weights [2, 0, 1]: TP counts the first sample twice and the second not at all. Recall with weights [1, 3, 0, 1]:
    TP = 1 (0.9; 0.6 weighs 0), FN = 3 (0.2), so 1/4 where unweighted it would be 2/3. Boolean weights are 1 and 0,
    summed as numbers (not or-ed)."""
    for cls, expected in ((metrics.TruePositives, 2.0), (metrics.FalsePositives, 1.0),
                          (metrics.TrueNegatives, 0.0), (metrics.FalseNegatives, 0.0)):
        metric = cls()
        metric.update_state([1, 1, 0], [0.9, 0.8, 0.7], sample_weight=[2, 0, 1])
        assert value(metric) == expected, cls.__name__  # Keras 3.15.1: TP 2, FP 1
    recall = metrics.Recall()
    recall.update_state([1, 1, 1, 0], [0.9, 0.2, 0.6, 0.7], sample_weight=[1, 3, 0, 1])
    assert value(recall) == pytest.approx(1 / 4)  # Keras 3.15.1: 0.25
    precision = metrics.Precision()
    precision.update_state([1, 1, 0, 1], [0.9, 0.8, 0.7, 0.1], sample_weight=np.array([True, True, True, False]))
    assert value(precision) == pytest.approx(2 / 3)  # TP 2, FP 1; Keras 3.15.1: 0.6666667


def test_top_k_keeps_each_rows_k_largest_along_the_last_axis_ties_to_the_lower_index():
    """top_k=2 keeps 0.9 and 0.8 of [0.9, 0.8, 0.1, 0.2]: with labels [1, 0, 0, 0] precision is 1/2 (all four would
    give 1/4), and labels [0, 0, 1, 1] are all missed (recall 0). Of two equal largest values the lower index is
    kept (TensorFlow's top_k promises it; torch's gives the same here). A (batch, time, classes) array keeps the top
    of each time step's classes."""
    precision = metrics.Precision(top_k=2)
    precision.update_state([[1, 0, 0, 0]], [[0.9, 0.8, 0.1, 0.2]])
    assert value(precision) == 0.5  # Keras 3.15.1: 0.5
    recall = metrics.Recall(top_k=2)
    recall.update_state([[0, 0, 1, 1]], [[0.9, 0.8, 0.1, 0.2]])
    assert value(recall) == 0.0  # Keras 3.15.1: 0.0
    tie = metrics.Precision(top_k=1)
    tie.update_state([[0, 0, 1, 0]], [[0.5, 0.5, 0.9, 0.9]])  # class 2 is kept, not class 3
    assert value(tie) == 1.0  # Keras 3.15.1: 1.0
    sequence = metrics.Precision(top_k=1)  # one sample of two time steps, three classes
    sequence.update_state([[[0, 1, 0], [1, 0, 0]]], [[[0.2, 0.7, 0.1], [0.3, 0.6, 0.1]]])
    assert value(sequence) == 0.5  # class 1 both times: right, then wrong; Keras 3.15.1: 0.5


def test_class_id_looks_at_one_column_and_class_zero_is_a_class():
    """Precision of column 1: labels [1, 0, 1], predictions [0.8, 0.6, 0.2] -> 0.8 right, 0.6 wrong: 1/2 (all
    columns together would give 1/3). Recall of column 0: labels [0, 1, 1], predictions [0.9, 0.1, 0.7]: 1/2."""
    precision = metrics.Precision(class_id=1)
    precision.update_state([[0, 1], [0, 0], [1, 1]], [[0.9, 0.8], [0.1, 0.6], [0.3, 0.2]])
    assert value(precision) == 0.5  # Keras 3.15.1: 0.5
    recall = metrics.Recall(class_id=0)
    recall.update_state([[0, 1], [1, 0], [1, 1]], [[0.9, 0.8], [0.1, 0.6], [0.7, 0.2]])
    assert value(recall) == 0.5  # Keras 3.15.1: 0.5


def test_recall_takes_its_thresholds_list():
    """Labels [1, 1, 1, 0], predictions [0.9, 0.5, 0.2, 0.8]: above 0.3 two of the three positives, above 0.7 one."""
    recall = metrics.Recall(thresholds=[0.3, 0.7])
    recall.update_state([1, 1, 1, 0], [0.9, 0.5, 0.2, 0.8])
    np.testing.assert_allclose(recall.result().numpy(), [2 / 3, 1 / 3])  # Keras 3.15.1: [0.6666667, 0.33333334]


def test_confusion_results_are_a_number_for_one_threshold_in_the_metric_dtype():
    """One threshold gives a 0-d result, several a vector, as Keras; results are float32 (the metric's dtype),
    though the state is float64. dtype='float64' is kept as the metric's dtype and in its config."""
    for cls in (metrics.TruePositives, metrics.FalseNegatives, metrics.Precision, metrics.Recall):
        one, two = cls(), cls(thresholds=[0.2, 0.4])
        for metric in (one, two):
            metric.update_state([1, 0], [0.3, 0.6])
        assert one.result().shape == () and two.result().shape == (2,), cls.__name__
        assert one.result().dtype == np.float32 and two.result().dtype == np.float32, cls.__name__
        assert cls(dtype="float64").dtype == "float64" == cls(dtype="float64").get_config()["dtype"]  # as Keras
    auc = metrics.AUC()
    auc.update_state([0, 1], [0.2, 0.7])
    assert auc.result().dtype == np.float32 and value(auc) == 1.0
    assert metrics.AUC(dtype="float64").dtype == "float64" == metrics.AUC(dtype="float64").get_config()["dtype"]


def test_confusion_state_is_float64_named_as_keras_so_large_weighted_counts_stay_exact():
    """The counts are float64 variables named as Keras names them. Keras keeps them in float32, where
    2**24 + 1 + 1 stays 2**24 (Keras 3.15.1 gives 16777216); float64 keeps 16777218."""
    tp = metrics.TruePositives()
    tp.update_state([1], [0.9], sample_weight=[2 ** 24])
    tp.update_state([1], [0.9])
    tp.update_state([1], [0.9])
    assert value(tp) == 2 ** 24 + 2
    for metric, names in ((metrics.TruePositives(), ["accumulator"]),
                          (metrics.Precision(), ["true_positives", "false_positives"]),
                          (metrics.Recall(), ["true_positives", "false_negatives"]),
                          (metrics.AUC(), ["true_positives", "false_positives", "true_negatives", "false_negatives"])):
        assert [variable.name for variable in metric.variables] == names  # Keras 3.15.1: the same names
        assert all(variable.dtype == np.float64 for variable in metric.variables), names


def test_confusion_count_config_keeps_the_thresholds_given():
    config = metrics.TruePositives(thresholds=[0.3, 0.7], name="tp").get_config()
    assert config == {"name": "tp", "dtype": "float32", "thresholds": [0.3, 0.7]}  # Keras 3.15.1: the same
    assert metrics.FalsePositives.from_config({**config, "name": "fp"}).thresholds == [0.3, 0.7]
    assert metrics.TrueNegatives().get_config()["thresholds"] is None  # the default 0.5 is not written out


def test_auc_thresholds_from_num_thresholds_and_from_a_list():
    """num_thresholds=5 gives -eps, 1/4, 2/4, 3/4, 1 + eps; num_thresholds=2 just the two ends, where the ROC curve
    is the diagonal (AUC 1/2). Given thresholds are sorted and written back without the ends."""
    np.testing.assert_allclose(metrics.AUC(num_thresholds=5).thresholds, [-1e-7, 0.25, 0.5, 0.75, 1 + 1e-7],
                               rtol=0, atol=1e-12)  # Keras 3.15.1: the same
    two = metrics.AUC(num_thresholds=2)
    two.update_state([0, 1, 1, 0], [0.1, 0.9, 0.6, 0.3])
    assert two.thresholds == [-1e-7, 1 + 1e-7] and value(two) == 0.5  # Keras 3.15.1: 0.5
    given = metrics.AUC(thresholds=[0.5, 0.25])
    assert given.get_config()["thresholds"] == [0.25, 0.5] and given.num_thresholds == 4  # Keras 3.15.1: the same
    assert given.multi_label is False and given.num_labels is None  # one curve, as Keras' default


def test_auc_of_the_pr_curve_is_the_same_under_small_uniform_sample_weights():
    """Keras' interpolated PR AUC depends on the counts only through ratios (precision, P_A / P_B, dTP / dP,
    dTP / positives), so weighing every sample 0.2 — counts below 1 — leaves it at the unweighted value."""
    pr = metrics.AUC(curve="PR")
    pr.update_state([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], sample_weight=[0.2, 0.2, 0.2, 0.2])
    assert value(pr) == pytest.approx(0.7972674369812012, rel=1e-6)  # Keras 3.15.1: 0.79726744, as unweighted


def test_auc_of_the_pr_curve_takes_the_log_ratio_only_where_both_counts_are_positive():
    """Keras does not refuse a negative sample weight, and with one P = TP + FP need not fall as the threshold
    rises. Keras' interpolation takes log(P_A / P_B) only where P_A > 0 and P_B > 0 (else the ratio is 1), so no
    log(0) appears. Thresholds -eps, 1/4, 1/2, 3/4, 1 + eps: TP = [2, 1, 1, 0, 0], P = [1, 0, 1, 0, 0], 2 positives.
    Steps 1 -> 0 (twice) have slope 1 and add dTP / positives = 1/2 each; the step 0 -> 1 has slope 0: total 1."""
    pr = metrics.AUC(curve="PR", num_thresholds=5)
    pr.update_state([0, 1, 1], [0.3, 0.6, 0.1], sample_weight=[-1, 1, 1])
    assert value(pr) == pytest.approx(1.0)  # Keras 3.15.1: 1.0


def test_auc_of_the_precision_recall_gain_curve_by_hand():
    """curve='PRGAIN' (Flach & Kull): with scale = P / N, recall gain = max(1 - scale * FN / TP, 0) and precision
    gain = 1 - scale * FP / TP, or 0 and 1 where TP = 0. Thresholds -eps, 1/4, 1/2, 3/4, 1 + eps.

    Positives at 0.9, 0.6; negatives at 0.8, 0.3, 0.1: TP = [2, 2, 2, 1, 0], FP = [3, 2, 1, 1, 0], FN = [0, 0, 0, 1,
    2], scale = 2/3: x = [1, 1, 1, 1/3, 0], y = [0, 1/3, 2/3, 1/3, 1]; trapezoids (2/3)(1/2) + (1/3)(2/3) = 5/9.
    Positives at 0.9, 0.6, 0.3; negatives at 0.7, 0.1: TP = [3, 3, 2, 1, 0], FP = [2, 1, 1, 0, 0], FN = [0, 0, 1, 2,
    3], scale = 3/2: x = [1, 1, 1/4, 0 (clipped from -2), 0], y = [0, 1/2, 1/4, 1, 1]; (3/4)(3/8) + (1/4)(5/8) = 7/16.
    """
    gain = metrics.AUC(num_thresholds=5, curve="PRGAIN")
    gain.update_state([1, 1, 0, 0, 0], [0.9, 0.6, 0.8, 0.3, 0.1])
    assert value(gain) == pytest.approx(5 / 9)  # Keras 3.15.1: 0.5555555
    clipped = metrics.AUC(num_thresholds=5, curve="PRGAIN")
    clipped.update_state([1, 1, 1, 0, 0], [0.9, 0.6, 0.3, 0.7, 0.1])
    assert value(clipped) == pytest.approx(7 / 16)  # Keras 3.15.1: 0.4375


def test_confusion_metric_arguments_and_inputs_are_checked_with_what_was_found():
    with pytest.raises(ValueError, match=r"Precision: thresholds must be numbers in \[0, 1\], got True"):
        metrics.Precision(thresholds=True)  # a bool is not a threshold
    with pytest.raises(ValueError, match=r"Recall: thresholds must be numbers in \[0, 1\], got \['0\.5'\]"):
        metrics.Recall(thresholds=["0.5"])
    with pytest.raises(ValueError, match=r"TruePositives: thresholds must be numbers in \[0, 1\], got \[\]$"):
        metrics.TruePositives(thresholds=[])  # nothing outside [0, 1] to list
    with pytest.raises(ValueError, match=r"Precision: top_k must be None or an integer >= 1, got True"):
        metrics.Precision(top_k=True)
    with pytest.raises(ValueError, match=r"Recall: top_k must be None or an integer >= 1, got 1\.5"):
        metrics.Recall(top_k=1.5)
    with pytest.raises(ValueError, match=r"Recall: class_id must be None or an integer >= 0, got -1"):
        metrics.Recall(class_id=-1)
    with pytest.raises(ValueError, match=r"AUC: num_thresholds must be an integer > 1, got 2\.5"):
        metrics.AUC(num_thresholds=2.5)
    for unsupported in ({"num_labels": 3}, {"label_weights": [0.5, 0.5]}):
        with pytest.raises(ValueError, match=r"AUC: multi_label, num_labels and label_weights are not supported"):
            metrics.AUC(**unsupported)
    with pytest.raises(ValueError, match=r"Precision 'p': y_true of shape \(3,\) does not match y_pred of shape "
                                         r"\(2,\)"):
        metrics.Precision(name="p").update_state([0, 1, 1], [0.2, 0.7])
    with pytest.raises(ValueError, match=r"Recall 'r': class_id needs y_pred of shape \(samples, classes\), got shape "
                                         r"\(2,\)"):
        metrics.Recall(class_id=1, name="r").update_state([0, 1], [0.2, 0.7])
