"""Regularizers and added losses, as Keras 3 has them: L1, L2, L1L2 (values and gradients against numpy written
here), kernel/bias/activity regularizers on Dense, layer.losses and model.losses, and fit/evaluate adding them.

Keras 3.15.1 (torch backend) was run once on the model of test_fit_and_evaluate_add_the_penalties_as_keras_does: its
evaluate, per-epoch losses, final weights and ``model.losses`` agreed with ours to float32 rounding. The expected
values below are numpy formulas, not those recorded numbers."""
import numpy as np
import pytest

import tinygrad_acts as keras
from tinygrad_acts import Tensor, regularizers
from tinygrad_acts.gradcheck import gradcheck
from tinygrad_acts.layers import Dense, Layer
from tinygrad_acts.models import Sequential

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [-2.0, 1.0, 0.0], [0.1, 0.2, 0.3]])


@pytest.mark.parametrize("regularizer, expected", [
    (regularizers.L1(0.3), lambda x: 0.3 * np.abs(x).sum()),
    (regularizers.L2(0.3), lambda x: 0.3 * (x ** 2).sum()),  # Keras: no factor 1/2
    (regularizers.L1L2(l1=0.1, l2=0.2), lambda x: 0.1 * np.abs(x).sum() + 0.2 * (x ** 2).sum()),
    (regularizers.L1(), lambda x: 0.01 * np.abs(x).sum()),  # Keras 3's defaults
    (regularizers.L2(), lambda x: 0.01 * (x ** 2).sum()),
    (regularizers.L1L2(), lambda x: 0.0),
])
def test_penalties_have_keras_formulas_and_gradients(regularizer, expected):
    x = Tensor(X, requires_grad=True)
    penalty = regularizer(x)
    assert penalty.shape == () and penalty.item() == pytest.approx(expected(X), rel=1e-12)
    penalty.backward()
    assert x.grad is not None
    assert gradcheck(regularizer, X)


def test_l2_gradient_is_twice_the_factor_times_the_weight():
    x = Tensor(X, requires_grad=True)
    regularizers.L2(0.25)(x).backward()
    np.testing.assert_allclose(x.grad, 0.5 * X)


def test_names_give_the_classes_with_their_defaults():
    assert isinstance(regularizers.get("l1"), regularizers.L1) and regularizers.get("l1").l1 == 0.01
    assert isinstance(regularizers.get("L2"), regularizers.L2) and regularizers.get("l2").l2 == 0.01
    both = regularizers.get("l1l2")  # Keras 3.15: L1L2() with 0 and 0
    assert (both.l1, both.l2) == (0.0, 0.0)
    assert regularizers.get(None) is None
    square = lambda x: (x * x).sum()  # noqa: E731  # any function of a Tensor is a regularizer
    assert regularizers.get(square) is square
    assert isinstance(regularizers.get(regularizers.L2), regularizers.L2)  # the class: made with its defaults


@pytest.mark.parametrize("make, message", [
    (lambda: regularizers.L2(-0.1), "l2=-0.1"),
    (lambda: regularizers.L1(float("nan")), "l1=nan"),
    (lambda: regularizers.L1L2(l1="0.1"), "l1='0.1'"),  # type: ignore[arg-type]  # a string, on purpose
    (lambda: regularizers.get("l22"), "Did you mean 'l2'"),
    (lambda: regularizers.get(3), "got 3 of type int"),
])
def test_bad_regularizers_say_what_was_found(make, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        make()


def model_with_penalties():
    keras.utils.set_random_seed(1)
    model = Sequential([Dense(4, activation="tanh", input_shape=(3,), kernel_regularizer=regularizers.L2(0.1),
                              bias_regularizer="l1", activity_regularizer=regularizers.L1L2(l1=0.01, l2=0.02)),
                        Dense(2, kernel_regularizer=regularizers.L1L2(0.01, 0.01))])
    model.set_weights([np.full((3, 4), 0.3), np.full(4, -0.2), np.full((4, 2), 0.5), np.zeros(2)])
    return model


def test_layer_losses_are_computed_from_the_current_weights():
    model = model_with_penalties()
    first, second = model.layers
    # before any call: the weight penalties only, in Keras' order (kernel, then bias)
    assert [loss.item() for loss in first.losses] == pytest.approx([0.1 * 12 * 0.09, 0.01 * 4 * 0.2])
    first.kernel.data[...] = 1.0  # changed in place: the penalty follows
    assert first.losses[0].item() == pytest.approx(0.1 * 12)
    assert second.losses[0].item() == pytest.approx(0.01 * 8 * 0.5 + 0.01 * 8 * 0.25)


def test_the_activity_penalty_is_the_last_calls_divided_by_its_batch_size():
    model = model_with_penalties()
    layer = model.layers[0]
    h = np.tanh(X @ np.full((3, 4), 0.3) - 0.2)
    model(X)
    model(X)  # a second call replaces the first call's penalty: it does not add to it
    activity = layer.losses[0].item()
    assert activity == pytest.approx((0.01 * np.abs(h).sum() + 0.02 * (h ** 2).sum()) / len(X))
    assert len(layer.losses) == 3 and len(model.losses) == 4  # activity, kernel, bias; the second layer's kernel


def test_fit_and_evaluate_add_the_penalties_as_keras_does():
    """One SGD step on a linear model with an L2 kernel penalty: the gradient of mse + 0.1 * sum(k^2), by hand."""
    model = Sequential([Dense(2, input_shape=(3,), kernel_regularizer=regularizers.L2(0.1))])
    kernel, bias = np.full((3, 2), 0.3), np.array([0.1, -0.1])
    model.set_weights([kernel, bias])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    y = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.5, -0.5]])
    error = X @ kernel + bias - y
    mse = (error ** 2).mean()
    assert model.evaluate(X, y) == pytest.approx(mse + 0.1 * (kernel ** 2).sum())
    history = model.fit(X, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    assert history.history["loss"][0] == pytest.approx(mse + 0.1 * (kernel ** 2).sum())
    grad_kernel = X.T @ (2 * error / error.size) + 2 * 0.1 * kernel
    grad_bias = (2 * error / error.size).sum(axis=0)  # no bias penalty
    new_kernel, new_bias = model.get_weights()
    np.testing.assert_allclose(new_kernel, kernel - 0.1 * grad_kernel, rtol=1e-6)
    np.testing.assert_allclose(new_bias, bias - 0.1 * grad_bias, rtol=1e-6)


def test_a_frozen_layer_has_no_weight_penalties():
    model = model_with_penalties()
    model.layers[0].trainable = False
    assert model.layers[0].losses == []  # not called yet: no activity penalty either


def test_a_model_without_regularizers_adds_nothing():
    model = Sequential([Dense(2, input_shape=(3,))])
    model(X)
    assert model.losses == [] and model.layers[0].losses == []


class Scaled(Layer):
    """A custom layer written as Keras 3's guide writes one: add_weight with keywords, build without built = True."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True,
                                 regularizer="l2", name="w")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)
        # no self.built = True: the framework sets it, as Keras does

    def call(self, x):
        self.add_loss((x * x).mean())  # Keras' add_loss inside call
        return x @ self.w + self.b


def test_a_custom_layer_that_forgets_built_keeps_its_weights_through_fit():
    model = Sequential([Scaled(4, input_shape=(3,)), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    before = model.count_params()
    model.fit(X, np.ones((4, 1)), epochs=3, verbose=0)
    assert before == model.count_params() == 3 * 4 + 4 + 4 + 1
    layer = model.layers[0]
    assert layer.built and [w.path for w in layer.weights] == [f"{layer.name}/w", f"{layer.name}/variable"]
    model(X)
    added, penalty = layer.losses  # add_loss's, then the regularizer's
    assert added.item() == pytest.approx((X ** 2).mean())
    assert penalty.item() == pytest.approx(0.01 * (layer.w.data.astype(np.float64) ** 2).sum(), rel=1e-6)


def test_add_weight_takes_keras_3_and_keras_2_positional_forms():
    layer = Dense(1)
    default = layer.add_weight(shape=(30, 20))
    limit = np.sqrt(6 / (30 + 20))  # glorot_uniform, Keras 3's default initializer
    assert default.shape == (30, 20) and 0 < np.abs(default.data).max() <= limit and default.dtype == np.float32
    assert layer.add_weight((2,), "ones").data.tolist() == [1.0, 1.0]  # Keras 3: (shape, initializer, dtype)
    named = layer.add_weight("scale", (3,), "float64", "zeros")  # Keras 2: (name, shape, dtype, initializer)
    assert named.path == f"{layer.name}/scale" and named.dtype == np.float64 and not named.data.any()
    assert layer.add_weight().shape == ()  # Keras: a scalar when no shape is given
    with pytest.raises(TypeError, match="both as a positional and as a keyword"):
        layer.add_weight((2,), shape=(3,))
    with pytest.raises(NotImplementedError, match="constraints are not supported"):
        layer.add_weight(shape=(2,), constraint="non_neg")


def test_the_reader_sees_added_losses_in_the_models_loss(capsys):
    """The loss fit reports includes the penalties: a heavily regularized model reports more than its mse."""
    model = Sequential([Dense(2, input_shape=(3,), kernel_regularizer=regularizers.L2(10.0))])
    model.compile(optimizer="sgd", loss="mse")
    y = np.zeros((4, 2))
    assert model.evaluate(X, y) > float(((model.predict(X) - y) ** 2).mean())


# Examples that pin behaviour mutation testing found unpinned
def test_a_factor_of_none_means_zero():
    regularizer = regularizers.L1L2(l1=None, l2=0.5)
    assert (regularizer.l1, regularizer.l2) == (0.0, 0.5)
    assert float(regularizer(Tensor([1.0, -2.0])).data) == 0.5 * (1.0 + 4.0)  # no l1 term at all


def test_a_config_without_its_config_entry_gives_the_defaults():
    regularizer = regularizers.get({"class_name": "L2"})
    assert isinstance(regularizer, regularizers.L2)
    assert regularizer.l2 == 0.01


def test_the_base_regularizer_adds_nothing_and_every_regularizer_shows_its_factors():
    x = Tensor([1.0, -2.0], requires_grad=True)
    penalty = regularizers.Regularizer()(x)
    assert penalty.shape == () and float(penalty.data) == 0.0
    penalty.backward()
    assert x.grad.tolist() == [0.0, 0.0]  # connected to x, with a zero gradient
    assert repr(regularizers.L1L2(l1=0.1, l2=0.2)) == "L1L2(l1=0.1, l2=0.2)"
    assert repr(regularizers.L2(0.5)) == "L2(l2=0.5)"
