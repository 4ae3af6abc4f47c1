"""Metrics: the loss-shaped metrics (mape, msle, kld, poisson, hinge, ...) are the loss's values, by name too."""
import numpy as np
import pytest

from tinygrad_acts import Tensor, losses, metrics


@pytest.mark.parametrize("name, loss", [
    ("mape", losses.mean_absolute_percentage_error), ("mean_absolute_percentage_error",
                                                      losses.mean_absolute_percentage_error),
    ("msle", losses.mean_squared_logarithmic_error), ("mean_squared_logarithmic_error",
                                                      losses.mean_squared_logarithmic_error),
    ("kld", losses.kl_divergence), ("kl_divergence", losses.kl_divergence), ("poisson", losses.poisson),
    ("log_cosh", losses.log_cosh), ("logcosh", losses.log_cosh), ("hinge", losses.hinge),
    ("squared_hinge", losses.squared_hinge), ("categorical_hinge", losses.categorical_hinge),
])
def test_loss_metrics_are_the_loss_per_sample(rng, name, loss):
    y_true = np.eye(3)[rng.integers(0, 3, size=5)]
    y_pred = rng.uniform(0.1, 0.9, size=(5, 3)).astype(np.float32)
    values = metrics.get(name)(y_true, y_pred)
    assert isinstance(values, np.ndarray) and values.shape == (5,)
    np.testing.assert_allclose(values, loss(y_true, Tensor(y_pred)).data, rtol=1e-6)


def test_mape_metric_by_hand():
    # |2 - 1| / 2 = 50%, |4 - 5| / 4 = 25%
    np.testing.assert_allclose(metrics.get("mape")(np.array([[2.0], [4.0]]), np.array([[1.0], [5.0]])), [50.0, 25.0])


def test_loss_metrics_in_compile_report_the_batch_mean(rng):
    from tinygrad_acts.layers import Dense
    from tinygrad_acts.models import Sequential

    model = Sequential([Dense(1, activation="softplus", input_shape=(2,))])
    model.compile(optimizer="sgd", loss="poisson", metrics=["poisson", "msle"])
    x, y = rng.normal(size=(8, 2)).astype(np.float32), rng.uniform(0.5, 2.0, size=(8, 1))
    loss, poisson, msle = model.evaluate(x, y, verbose=0)
    prediction = Tensor(model.predict(x, verbose=0))
    assert poisson == pytest.approx(loss, rel=1e-5)
    assert msle == pytest.approx(losses.mean_squared_logarithmic_error(y, prediction).data.mean(), rel=1e-5)


def test_error_metrics_at_chosen_points_on_3d_inputs():
    """One value per sample and position, averaged over the last axis only."""
    y_true = np.array([[[1.0, 2.0], [0.0, -1.0]]])
    y_pred = np.array([[[3.0, 5.0], [0.5, 1.0]]])
    np.testing.assert_allclose(metrics.mean_absolute_error(y_true, y_pred), [[2.5, 1.25]])  # |1-3|, |2-5| -> 2.5
    np.testing.assert_allclose(metrics.mean_squared_error(y_true, y_pred), [[6.5, 2.125]])  # (4 + 9) / 2


# Examples that pin behaviour mutation testing found unpinned
def test_labels_are_reshaped_to_the_predictions_not_broadcast_against_them():
    # labels (2,) against one output unit (2, 1): compared sample by sample, not as a (2, 2) table
    labels, y_pred = np.array([1.0, 0.0]), np.array([[0.9], [0.1]])
    np.testing.assert_array_equal(metrics.binary_accuracy(labels, y_pred), [1.0, 1.0])
    np.testing.assert_allclose(metrics.mean_absolute_error(labels, y_pred), [0.1, 0.1])  # |1 - 0.9|, |0 - 0.1|
    np.testing.assert_allclose(metrics.mean_squared_error(labels, y_pred), [0.01, 0.01])
    # class ids (2, 1) against probabilities (2, 3)
    probabilities = np.array([[0.1, 0.2, 0.7], [0.5, 0.3, 0.2]])
    np.testing.assert_array_equal(metrics.sparse_categorical_accuracy(np.array([[2], [0]]), probabilities), [1, 1])


def test_accuracies_of_sequences_give_one_value_per_sample_and_step():
    # 2 samples, 3 time steps, 4 classes: predicted classes [[0, 1, 2], [3, 0, 1]] against labels [[0, 1, 3], [3, 0, 0]]
    y_pred = np.eye(4)[[[0, 1, 2], [3, 0, 1]]] * 0.6 + 0.1
    labels = np.array([[0, 1, 3], [3, 0, 0]])
    expected = [[1.0, 1.0, 0.0], [1.0, 1.0, 0.0]]
    for accuracy in (metrics.categorical_accuracy(np.eye(4)[labels], y_pred),
                     metrics.sparse_categorical_accuracy(labels, y_pred)):
        assert accuracy.dtype == np.float32 and accuracy.shape == (2, 3)
        np.testing.assert_array_equal(accuracy, expected)


def test_binary_accuracy_of_sequences_averages_the_last_axis_only():
    # 2 samples, 3 steps, 4 outputs; every output predicted 1, and output 0 of step (0, 1) and (1, 2) labelled 0
    y_pred = np.full((2, 3, 4), 0.9)
    y_true = np.ones((2, 3, 4))
    y_true[0, 1, 0] = y_true[1, 2, 0] = 0.0
    accuracy = metrics.binary_accuracy(y_true, y_pred)
    assert accuracy.shape == (2, 3)
    np.testing.assert_array_equal(accuracy, [[1.0, 0.75, 1.0], [1.0, 1.0, 0.75]])


def test_accuracy_for_reads_the_last_axis_of_sequences():
    assert metrics.accuracy_for(np.zeros((2, 3, 1)), np.zeros((2, 3, 1))) is metrics.binary_accuracy
    # one time step of 4 classes, one-hot labels: categorical, although axis 1 has length 1
    assert metrics.accuracy_for(np.zeros((2, 1, 4)), np.zeros((2, 1, 4))) is metrics.categorical_accuracy
    assert metrics.accuracy_for(np.zeros((2, 1)), np.zeros((2, 3))) is metrics.sparse_categorical_accuracy


# ----------------------------------------------------------------------------------------------------------------
# Metric state: Variable, add_variable and add_weight, as a metric of your own uses them
# ----------------------------------------------------------------------------------------------------------------
class _Bare(metrics.Metric):
    """A metric of your own that defines neither update_state nor result yet."""


def test_variable_arithmetic_reads_as_its_value_on_either_side():
    """A variable in an expression is its value, whichever side it is on (as keras.Variable): v = [2, 4]."""
    v = _Bare().add_variable((2,), "zeros", name="v")
    v.assign([2.0, 4.0])
    for got, expected in [(-v, [-2, -4]), (1 + v, [3, 5]), (v + 1, [3, 5]), (v - 1, [1, 3]), (1 - v, [-1, -3]),
                          (v * 3, [6, 12]), (3 * v, [6, 12]), (v / 2, [1, 2]), (8 / v, [4, 2]), (v ** 2, [4, 16])]:
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(v + Tensor([1.0, 1.0]), [3, 5])  # a Tensor or another variable counts by value
    np.testing.assert_array_equal(v - v, [0, 0])


def test_assign_add_and_assign_sub_keep_the_variables_shape_and_dtype():
    v = _Bare().add_variable((), "zeros", name="count")  # float32, the metric's dtype
    v.assign(1)  # an integer is stored as the variable's float32, not as int64
    v.assign_add(Tensor(2.5))
    v.assign_sub(0.5)
    assert v.dtype == np.float32 and v.shape == () and float(v) == 3.0 and int(v) == 3
    v.assign_sub(v)
    assert float(v) == 0.0


def test_a_variable_converts_and_formats_as_its_value():
    v = _Bare().add_variable((1,), "ones", name="rate")
    v.assign([0.25])
    assert np.asarray(v).dtype == np.float32  # no dtype asked: the variable's own
    assert np.asarray(v, dtype=np.float64).dtype == np.float64
    # one number formats as a number, even as a (1,) array, which numpy itself would refuse to format so
    assert f"{v:.3f}" == "0.250" and f"{v:.1%}" == "25.0%"
    vector = _Bare().add_variable((2,), "ones", name="ones")
    assert f"{vector}" == str(np.ones(2, dtype=np.float32))  # several numbers format as their array


def test_numpy_array_of_a_variable_is_a_copy():
    """np.array(v) asks numpy for a copy: changing it must leave the metric's state alone (as keras.Variable)."""
    v = _Bare().add_variable((2,), "zeros", name="v")
    copy = np.array(v)
    copy[0] = 5.0
    converted = np.array(v, dtype=np.float32)
    converted[1] = 7.0
    np.testing.assert_array_equal(v.numpy(), [0.0, 0.0])


def test_add_variable_and_add_weight_as_a_metric_of_your_own_calls_them():
    """Keras 3's add_variable(shape, initializer, dtype, aggregation, name) and Keras 2's add_weight(name, shape=...):
    the shape (an int is a vector's length), the dtype asked for (else the metric's), and the aggregation kept."""
    asked = []

    def halves(shape, dtype):  # an initializer of your own: (shape, dtype) -> array
        asked.append((shape, dtype))
        return np.full(shape, 0.5)  # float64, whatever was asked: the variable still has the dtype asked for

    metric = _Bare(name="mine", dtype="float32")
    vector = metric.add_variable(3, halves, name="vector")
    matrix = metric.add_variable((2, 2), halves, dtype="float64", aggregation="mean", name="matrix")
    assert asked == [((3,), "float32"), ((2, 2), "float64")]
    assert (vector.shape, vector.dtype, vector.aggregation) == ((3,), np.float32, "sum")
    assert (matrix.shape, matrix.dtype, matrix.aggregation) == ((2, 2), np.float64, "mean")
    np.testing.assert_array_equal(vector.numpy(), [0.5, 0.5, 0.5])

    mean = metric.add_weight(shape=(2,), name="tp", aggregation="mean")
    keras3 = metric.add_weight(shape=(4,), initializer="ones", dtype="float64", name="fp")
    scalar = metric.add_weight("count")  # Keras 2: the name first
    assert (mean.name, mean.shape, mean.aggregation, mean.dtype) == ("tp", (2,), "mean", np.float32)
    assert (keras3.name, keras3.shape, keras3.aggregation, keras3.dtype) == ("fp", (4,), "sum", np.float64)
    assert (scalar.name, scalar.shape, scalar.aggregation, float(scalar)) == ("count", (), "sum", 0.0)
    assert [v.name for v in metric.variables] == ["vector", "matrix", "tp", "fp", "count"]


def test_add_weight_takes_keras_2s_name_first_with_a_shape():
    """tf.keras' own Precision wrote ``self.add_weight('true_positives', shape=(len(thresholds),), ...)``."""
    metric = _Bare()
    positives = metric.add_weight("true_positives", shape=(3,), initializer="ones")
    assert (positives.name, positives.shape, float(np.sum(positives))) == ("true_positives", (3,), 3.0)


def test_the_base_class_says_what_a_metric_of_your_own_must_define():
    metric = _Bare()
    with pytest.raises(NotImplementedError, match=r"^_Bare must define update_state\(y_true, y_pred, sample_weight"):
        metric.update_state([1.0], [1.0])
    with pytest.raises(NotImplementedError, match=r"^_Bare must define result\(\)"):
        metric.result()
    with pytest.raises(TypeError, match=r"_Bare: name must be a string, got 3"):
        _Bare(name=3)


class _MeanAndMax(metrics.Metric):
    """A metric whose result() is a dict: fit logs one number per key."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.mean, self.largest = metrics.Mean(), self.add_variable((1,), "zeros", name="largest")

    def update_state(self, values, sample_weight=None):
        self.mean.update_state(values, sample_weight=sample_weight)
        self.largest.assign(np.maximum(self.largest, np.max(values)))

    def result(self):
        return {"mean": self.mean.result(), "max": self.largest}


def test_calling_a_metric_passes_sample_weight_and_a_dict_result_logs_one_number_per_key():
    metric = _MeanAndMax()
    result = metric([1.0, 3.0, 8.0], sample_weight=[1.0, 1.0, 0.0])  # the 8 has weight 0 in the mean
    assert float(result["mean"]) == 2.0
    logged = metrics.result_values(metric, "mean_and_max")
    assert logged == {"mean": 2.0, "max": 8.0} and all(type(value) is float for value in logged.values())
    metric.largest = metric.add_variable((2,), "zeros")  # two numbers under one key: fit cannot log them
    with pytest.raises(ValueError, match=r"metric 'max': result\(\) gave 2 values \(shape \(2,\)\)"):
        metrics.result_values(metric, "mean_and_max")


# ----------------------------------------------------------------------------------------------------------------
# Sum and Mean: names, dtype, float64 state, and sample weights per sample or per value
# ----------------------------------------------------------------------------------------------------------------
def test_sum_and_mean_have_fixed_default_names_variables_and_a_float32_result():
    """As Keras: every Sum() is 'sum' (not 'sum_1'), its state is 'total'; Mean's is 'total' and 'count'."""
    assert [metrics.Sum().name, metrics.Sum().name, metrics.Mean().name, metrics.Mean().name] == \
        ["sum", "sum", "mean", "mean"]
    total, mean = metrics.Sum(), metrics.Mean()
    assert [v.name for v in total.variables] == ["total"] and [v.name for v in mean.variables] == ["total", "count"]
    total.update_state([1.0, 2.0])
    mean.update_state([1.0, 2.0])
    assert total.result().dtype == np.float32 and mean.result().dtype == np.float32  # state float64, result floatx
    assert metrics.Sum(dtype="float64").result().dtype == np.float64
    assert metrics.Sum(dtype="float64").get_config() == {"name": "sum", "dtype": "float64"}
    assert metrics.Mean(dtype="float64").get_config() == {"name": "mean", "dtype": "float64"}


def test_sum_and_mean_keep_their_state_in_float64():
    """Keras keeps float32 state; here it is float64, so a long epoch loses no digits: 2**24 + 1 is not 2**24."""
    big = 2.0 ** 24  # float32 has 24 bits: 2**24 + 1 rounds back to 2**24
    total, mean = metrics.Sum(), metrics.Mean()
    for batch in ([big], [1.0], [-big]):
        total.update_state(batch)
        mean.update_state(batch)
    assert float(total.result()) == 1.0 and float(mean.result()) == pytest.approx(1 / 3)
    # a float32 batch is summed in float64 too
    mean = metrics.Mean()
    mean.update_state(np.array([big, 1.0, -big], dtype=np.float32))
    assert float(mean.result()) == pytest.approx(1 / 3)
    # and so is the count: a weight of 2**24, then one more sample of weight 1
    mean = metrics.Mean()
    mean.update_state(np.array([1.5, 0.0], dtype=np.float32), sample_weight=np.array([big, 1.0], dtype=np.float32))
    assert mean.result().item() == np.float32(1.5 * big / (big + 1))  # 1.4999999, not 1.5


def test_mean_of_a_single_number_counts_it_once():
    mean = metrics.Mean()
    mean.update_state(5.0)
    mean.update_state(np.float64(2.0))
    assert float(mean.result()) == 3.5  # (5 + 2) / 2


def test_sample_weight_per_sample_averages_each_samples_values_first():
    """Values (2, 3), weights (2,): each sample's values are reduced first (mean for Mean, sum for Sum), then
    weighted. Keras 3.15.1 gives 4.25 and 51."""
    values, weights = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [1.0, 3.0]
    mean, total = metrics.Mean(), metrics.Sum()
    mean.update_state(values, sample_weight=weights)
    total.update_state(values, sample_weight=weights)
    assert float(mean.result()) == (1 * 2.0 + 3 * 5.0) / 4 and float(total.result()) == 1 * 6.0 + 3 * 15.0


def test_sample_weight_per_value_counts_each_sample_by_its_mean_weight():
    """Weights shaped like the values: a sample counts as the mean of its weights (Keras 3.15.1: total 4, count 1.5,
    mean 8/3; Sum 8)."""
    values, weights = [[1.0, 2.0], [3.0, 4.0]], [[1.0, 0.0], [1.0, 1.0]]
    mean, total = metrics.Mean(), metrics.Sum()
    mean.update_state(values, sample_weight=weights)
    total.update_state(values, sample_weight=weights)
    assert [float(v) for v in mean.variables] == [(1 + 0) / 2 + (3 + 4) / 2, 0.5 + 1.0]
    assert float(mean.result()) == pytest.approx(8 / 3) and float(total.result()) == 1 + 3 + 4
    # sequences: values (2, 3, 4), a weight per step (2, 3): each step's 4 values averaged, each sample's 3 steps too
    mean = metrics.Mean()
    mean.update_state(np.arange(24.0).reshape(2, 3, 4), sample_weight=[[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    step_means = np.arange(24.0).reshape(2, 3, 4).mean(axis=-1)[0]  # 1.5, 5.5, 9.5
    assert [float(v) for v in mean.variables] == [(1 * 1.5 + 2 * 5.5 + 3 * 9.5) / 3, 2.0 + 0.0]
    # weights (2, 3, 4) with values (2, 3, 4): count is each sample's mean weight, 2 and 0 (Keras 3.15.1: 41 / 6)
    mean = metrics.Mean()
    weights = np.concatenate([np.repeat([[[1.0], [2.0], [3.0]]], 4, axis=-1), np.zeros((1, 3, 4))])
    mean.update_state(np.arange(24.0).reshape(2, 3, 4), sample_weight=weights)
    assert float(mean.variables[1]) == 2.0 and float(mean.result()) == pytest.approx(41 / 6)
    assert step_means.tolist() == [1.5, 5.5, 9.5]


def test_sample_weight_one_rank_off_meets_the_values_as_keras_squeezes_or_expands_it():
    """Weights (n,) with values (n, 1), weights (n, 1) with values (n,), weights (n, k, 1) with values (n, k): each
    sample is weighted by its own weight, not broadcast into an n-by-n table."""
    for values, weights in [([[1.0], [3.0], [8.0]], [1.0, 1.0, 0.0]), ([1.0, 3.0, 8.0], [[1.0], [1.0], [0.0]])]:
        mean = metrics.Mean()
        mean.update_state(values, sample_weight=weights)
        assert float(mean.result()) == 2.0
    mean = metrics.Mean()
    mean.update_state([[1.0, 3.0], [5.0, 8.0]], sample_weight=[[[1.0], [1.0]], [[2.0], [0.0]]])
    assert float(mean.result()) == (2.0 + 5.0) / 2  # totals (1 + 3) / 2, (10 + 0) / 2; counts 1, 1; Keras 3.15.1: 3.5


# ----------------------------------------------------------------------------------------------------------------
# MeanMetricWrapper and the metric classes built on it
# ----------------------------------------------------------------------------------------------------------------
E = np.e


@pytest.mark.parametrize("metric_class, name, batches, expected", [
    # the value per sample by hand, then the mean over every sample seen; Keras 3.15.1 gives the same numbers
    (metrics.Accuracy, "accuracy", [([1, 2, 3, 4], [0, 2, 3, 4])], 3 / 4),
    (metrics.BinaryAccuracy, "binary_accuracy", [([[1], [0]], [[0.7], [0.6]]), ([[1]], [[0.2]])], 1 / 3),
    (metrics.CategoricalAccuracy, "categorical_accuracy",
     [([[0, 1, 0], [1, 0, 0]], [[0.2, 0.5, 0.3], [0.1, 0.8, 0.1]])], 1 / 2),
    (metrics.SparseCategoricalAccuracy, "sparse_categorical_accuracy", [([1, 0], [[0.2, 0.5, 0.3], [0.1, 0.8, 0.1]])],
     1 / 2),
    (metrics.MeanSquaredError, "mean_squared_error", [([[0, 1]], [[1, 1]]), ([[0, 0]], [[2, 0]])], (0.5 + 2.0) / 2),
    (metrics.MeanAbsoluteError, "mean_absolute_error", [([[0, 1]], [[3, 1]]), ([[0, 0]], [[1, 0]])], (1.5 + 0.5) / 2),
    # 100 |y - p| / |y|: 50% and 25%
    (metrics.MeanAbsolutePercentageError, "mean_absolute_percentage_error", [([[2.0], [4.0]], [[1.0], [5.0]])], 37.5),
    # (log(1 + p) - log(1 + y))^2: log(e)^2 = 1, then 0
    (metrics.MeanSquaredLogarithmicError, "mean_squared_logarithmic_error",
     [([[0.0]], [[E - 1]]), ([[E - 1]], [[E - 1]])], 0.5),
    (metrics.LogCoshError, "logcosh", [([[0.0], [0.0]], [[0.0], [1.0]])], np.log(np.cosh(1.0)) / 2),
    # labels 0/1 become -1/1: max(1 - 0.25, 0) = 0.75 and max(1 + 0.5, 0) = 1.5, squared 0.5625 and 2.25
    (metrics.Hinge, "hinge", [([[1.0], [0.0]], [[0.25], [0.5]])], 1.125),
    (metrics.SquaredHinge, "squared_hinge", [([[1.0], [0.0]], [[0.25], [0.5]])], 1.40625),
    # max(0, largest wrong - right + 1): 0.3 - 0.5 + 1 = 0.8, 0.8 - 0.1 + 1 = 1.7
    (metrics.CategoricalHinge, "categorical_hinge",
     [([[0, 1, 0]], [[0.2, 0.5, 0.3]]), ([[1, 0, 0]], [[0.1, 0.8, 0.1]])], 1.25),
    # sum y log(y / p): 0.5 log 2 + 0.5 log(2/3), then 0 where p = y
    (metrics.KLDivergence, "kl_divergence", [([[0.5, 0.5]], [[0.25, 0.75]]), ([[0.5, 0.5]], [[0.5, 0.5]])],
     (0.5 * np.log(2) + 0.5 * np.log(2 / 3)) / 2),
    # p - y log p: 1 - 2 log 1 = 1, 2 - log 2
    (metrics.Poisson, "poisson", [([[2.0]], [[1.0]]), ([[1.0]], [[2.0]])], (1 + 2 - np.log(2)) / 2),
])
def test_mean_metric_classes_at_chosen_points_named_as_keras(metric_class, name, batches, expected):
    """Each class is its function averaged over every sample of every batch, under a fixed default name (every
    instance is 'hinge', not 'hinge_1', as in Keras), and keeps the dtype it was given."""
    metric, another = metric_class(), metric_class()
    assert (metric.name, another.name) == (name, name)
    for y_true, y_pred in batches:
        metric.update_state(np.array(y_true, dtype=np.float32), np.array(y_pred, dtype=np.float32))
    assert float(metric.result()) == pytest.approx(expected, rel=1e-6)
    assert metric_class(dtype="float64").get_config()["dtype"] == "float64"
    assert metric_class(name="mine").name == "mine"


def test_mean_metric_wrapper_takes_any_function_and_its_arguments_into_its_config():
    def within(y_true, y_pred, tolerance):
        return (np.abs(y_true - y_pred) <= tolerance).astype(np.float32)

    metric = metrics.MeanMetricWrapper(within, name="within", dtype="float64", tolerance=0.5)
    metric.update_state(np.array([1.0, 2.0, 3.0]), np.array([1.2, 2.9, 3.0]))
    assert float(metric.result()) == pytest.approx(2 / 3)
    config = metric.get_config()
    assert config == {"name": "within", "dtype": "float64", "tolerance": 0.5, "fn": within}
    copy = metrics.MeanMetricWrapper.from_config(config)
    copy.update_state(np.array([0.0]), np.array([0.4]))
    assert float(copy.result()) == 1.0 and copy.get_config() == config
    assert "fn" not in metrics.MeanSquaredError().get_config()  # a named class rebuilds its own function


def test_accuracy_compares_labels_one_rank_off_sample_by_sample():
    """Accuracy squeezes or expands a trailing axis of 1 as Keras does, never broadcasting (3,) against (3, 1)
    into a 3-by-3 table. Keras 3.15.1: 2/3, 2/3, 1/2, 3/4."""
    for y_true, y_pred, expected in [([[1], [2], [3]], [1, 2, 0], 2 / 3), ([1, 2, 3], [[1], [2], [0]], 2 / 3),
                                     ([[1, 2], [3, 4]], [[[1], [2]], [[0], [0]]], 1 / 2),
                                     ([[[1], [2]], [[3], [4]]], [[1, 2], [3, 0]], 3 / 4)]:
        accuracy = metrics.Accuracy()
        accuracy.update_state(np.array(y_true), np.array(y_pred))
        assert float(accuracy.result()) == pytest.approx(expected)


def test_root_mean_squared_error_weighs_samples_and_keeps_its_name_and_dtype():
    rmse = metrics.RootMeanSquaredError()
    assert (rmse.name, metrics.RootMeanSquaredError().name) == ("root_mean_squared_error",) * 2
    rmse.update_state([[1.0], [2.0]], [[2.0], [4.0]], sample_weight=[3.0, 1.0])
    assert rmse.result().dtype == np.float32
    assert float(rmse.result()) == pytest.approx(np.sqrt((3 * 1 + 1 * 4) / 4))  # Keras 3.15.1: 1.3228756
    rmse = metrics.RootMeanSquaredError(dtype="float64")
    rmse.update_state([1.0, 2.0], [[2.0], [4.0]])  # labels (2,), predictions (2, 1): sample by sample
    assert float(rmse.result()) == pytest.approx(np.sqrt(5 / 2)) and rmse.get_config()["dtype"] == "float64"


def test_one_output_predictions_one_rank_off_the_labels_stay_one_prediction_per_sample():
    """Labels (n,) with predictions (n, 1), or the other way round: the 1-d one gains the axis (Keras'
    squeeze_or_expand_to_same_rank), so top_k=1 keeps each sample's only prediction (precision 2/3, not the batch's
    largest alone: 1) and class_id=0 reads that one column (0.9 and 0.8 above 0.5, one right). Keras 3.15.1 agrees."""
    y_true, y_pred = np.array([1.0, 0.0, 1.0]), np.array([0.9, 0.8, 0.2])
    for labels, predictions in [(y_true, y_pred[:, None]), (y_true[:, None], y_pred)]:
        top_one, first_class = metrics.Precision(top_k=1), metrics.Precision(class_id=0)
        top_one.update_state(labels, predictions)
        first_class.update_state(labels, predictions)
        assert float(top_one.result()) == pytest.approx(2 / 3) and float(first_class.result()) == 1 / 2


def test_a_label_of_exactly_one_half_is_a_negative_as_in_keras():
    """Keras compares the label with the 0/1 prediction: 0.5 equals neither, so a prediction of 0.9 is not right."""
    assert metrics.binary_accuracy(np.array([[0.5]]), np.array([[0.9]])).tolist() == [0.0]


def test_add_weight_with_a_positional_shape_keeps_it():
    metric = metrics.Metric(name="counts")
    assert metric.add_weight((2,), name="tp").value.shape == (2,)


def test_a_misspelt_metric_name_is_pointed_at_the_full_name_not_an_alias():
    with pytest.raises(ValueError, match="Did you mean 'accuracy'"):
        metrics.get("accc")


def test_numpy_may_read_a_variable_without_a_copy_when_asked_to():
    """numpy's protocol: np.array(v, copy=False) must not copy (numpy raises if it would have to)."""
    v = _Bare().add_variable((2,), "zeros", name="v")
    assert np.shares_memory(np.array(v, copy=False), v.value)
