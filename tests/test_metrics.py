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
