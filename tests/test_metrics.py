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
