"""Tests for tinygrad_acts.interop: a model moves to real Keras 3 and back, computing the same function.

They need Keras 3 and PyTorch (``pip install tinygrad-acts[keras]``), imported once for the module, on the PyTorch
backend. Without them the tests skip, saying so — except under CI, which installs them, where they fail instead.
"""
import subprocess
import sys

import numpy as np
import pytest
from helpers import assert_same_weights

from tinygrad_acts import activations
from tinygrad_acts.layers import (
    ELU,
    Activation,
    BatchNormalization,
    Dense,
    Dropout,
    Flatten,
    Input,
    Layer,
    LeakyReLU,
    ReLU,
    Softmax,
)
from tinygrad_acts.models import Sequential, from_keras

X = np.random.default_rng(1).normal(scale=2.0, size=(16, 4)).astype(np.float32)
Y = (X.sum(axis=1, keepdims=True) > 0).astype(np.float32)
EXTRA = "pip install tinygrad-acts\\[keras\\]"




def assert_same_predictions(ours, theirs, x=X):
    np.testing.assert_allclose(theirs.predict(x, verbose=0), ours.predict(x), rtol=1e-5, atol=1e-6)


def test_importing_tinygrad_acts_imports_neither_keras_nor_torch():
    code = "import tinygrad_acts, sys; assert 'keras' not in sys.modules and 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# ----------------------------------------------------------------------------------------------------------------
# Ours to Keras: the same layers, the same weights, the same predictions
# ----------------------------------------------------------------------------------------------------------------
NEEDS_ARGUMENTS = {"threshold"}  # threshold(x, threshold, default_value) has no defaults, in Keras too


KERAS_DIFFERS = {"sparsemax": "Keras 3.15 computes sparsemax wrongly once two outputs are nonzero (keras-team/keras "
                                "issue 23425, fixed after 3.15.1); we follow the paper (activations.sparsemax)"}


NAMES = sorted(set(activations.ALL_ACTIVATIONS) - NEEDS_ARGUMENTS - set(KERAS_DIFFERS))


@pytest.mark.parametrize("name", NAMES)
def test_to_keras_predicts_as_we_do_for_every_activation_by_name(keras, name):
    for model in Sequential([Input((4,)), Dense(6, activation=name)]), Sequential([Input((4,)), Activation(name)]):
        twin = model.to_keras()
        assert isinstance(twin, keras.Sequential)
        assert twin.layers[0].activation is keras.activations.get(name)
        assert_same_predictions(model, twin)


def test_sparsemax_converts_by_name_and_ours_keeps_the_papers_values(keras):
    """KERAS_DIFFERS: the twin uses Keras' sparsemax, which 3.15 gets wrong when two outputs are nonzero, so only
    the conversion and our values are checked (whichever Keras 3 release CI installs)."""
    model = Sequential([Input((3,)), Activation("sparsemax")])
    assert model.to_keras().layers[0].activation is keras.activations.get("sparsemax")
    # z = (0.5, 0.3, -2): the support is the two largest, tau = (0.5 + 0.3 - 1) / 2 = -0.1, p = z - tau
    np.testing.assert_allclose(model.predict(np.array([[0.5, 0.3, -2.0]])), [[0.6, 0.4, 0.0]], atol=1e-6)


def test_an_activation_given_as_our_function_converts_by_its_name(keras):
    twin = Sequential([Input((4,)), Dense(4, activation=activations.tanh)]).to_keras()
    assert twin.layers[0].get_config()["activation"] == "tanh"


ARCHITECTURES = {
    "mlp": lambda: [Input((4,)), Dense(8, activation="relu", name="hidden"), Dropout(0.3, seed=7),
                    Dense(8, use_bias=False), LeakyReLU(0.1), Dense(6), ELU(alpha=0.5),
                    ReLU(max_value=1.5, negative_slope=0.1, threshold=0.2), Dense(3), Softmax()],
    "batchnorm": lambda: [Input((4,)), Dense(8), BatchNormalization(momentum=0.5, epsilon=1e-2), Activation("tanh"),
                          BatchNormalization(center=False, scale=False), Dense(1, activation="sigmoid")],
    "flatten": lambda: [Input((2, 2)), Flatten(), Dense(4, activation="selu", kernel_initializer="he_normal"),
                        Dense(1)],
}


@pytest.mark.parametrize("architecture", sorted(ARCHITECTURES))
def test_to_keras_has_our_layers_and_weights_and_predicts_as_we_do(keras, architecture):
    model = Sequential(ARCHITECTURES[architecture]())
    model.compile(optimizer="adam", loss="mse")
    x = X.reshape(16, 2, 2) if architecture == "flatten" else X
    # a few steps move the weights away from their initial values, and BatchNormalization's moving statistics
    model.fit(x, np.zeros((16, model.output_shape[-1])), epochs=3, batch_size=4, verbose=0)
    twin = model.to_keras()
    assert [layer.name for layer in twin.layers] == [layer.name for layer in model.layers]
    assert [type(layer).__name__ for layer in twin.layers] == [type(layer).__name__ for layer in model.layers]
    assert_same_weights(twin.get_weights(), model.get_weights())
    assert_same_predictions(model, twin, x)


def test_batch_normalization_keeps_its_moving_statistics_in_keras_order(keras):
    model = Sequential([Input((4,)), BatchNormalization(momentum=0.5)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, X, epochs=2, batch_size=8, verbose=0)
    norm = model.layers[0]
    assert not np.allclose(norm.moving_mean.data, 0)  # the fit moved them
    gamma, beta, moving_mean, moving_variance = model.to_keras().layers[0].get_weights()  # Keras' order, and ours
    for theirs, ours in ((gamma, norm.gamma), (beta, norm.beta), (moving_mean, norm.moving_mean),
                         (moving_variance, norm.moving_variance)):
        np.testing.assert_array_equal(theirs, ours.data)


def test_to_keras_carries_arguments_a_frozen_layer_and_regularizers(keras):
    frozen = Dense(4, kernel_regularizer="l2", name="frozen")
    frozen.trainable = False
    model = Sequential([Input((4,)), frozen, Dropout(0.25, noise_shape=(None, 1), seed=3)])
    dense, dropout = model.to_keras().layers
    assert dense.trainable is False and dense.get_config()["kernel_regularizer"]["class_name"] == "L2"
    assert (dropout.rate, dropout.noise_shape, dropout.seed) == (0.25, (None, 1), 3)


def test_to_keras_gives_an_uncompiled_model_that_keras_trains(keras):
    model = Sequential([Input((4,)), Dense(4, activation="tanh"), Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    twin = model.to_keras()
    assert not twin.compiled  # a Keras user compiles it, with Keras' optimizers and losses
    twin.compile(optimizer="adam", loss="binary_crossentropy")
    history = twin.fit(X, Y, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


# ----------------------------------------------------------------------------------------------------------------
# Keras to ours, and back
# ----------------------------------------------------------------------------------------------------------------
def keras_model(keras):
    layers = keras.layers
    return keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="gelu"), layers.BatchNormalization(),
                             layers.Dropout(0.2), layers.LeakyReLU(0.2), layers.Dense(5, use_bias=False),
                             layers.ReLU(max_value=3.0), layers.ELU(), layers.Dense(4, kernel_regularizer="l1"),
                             layers.Softmax()], name="from_keras")


def test_from_keras_round_trip_keeps_weights_and_predictions(keras):
    theirs = keras_model(keras)
    theirs.compile(optimizer="adam", loss="categorical_crossentropy")
    theirs.fit(X, np.eye(4)[np.arange(len(X)) % 4], epochs=2, verbose=0)  # moves BatchNormalization's statistics
    ours = from_keras(theirs)
    assert isinstance(ours, Sequential) and ours.name == "from_keras"
    assert [layer.name for layer in ours.layers] == [layer.name for layer in theirs.layers]
    assert_same_weights(ours.get_weights(), theirs.get_weights())
    assert_same_predictions(ours, theirs)
    again = ours.to_keras()
    assert_same_weights(again.get_weights(), theirs.get_weights())
    assert_same_predictions(ours, again)
    for mine, original in zip(again.layers, theirs.layers, strict=True):  # the same arguments (names aside)
        assert {k: v for k, v in mine.get_config().items() if k != "name"} == \
               {k: v for k, v in original.get_config().items() if k != "name"}


def test_a_model_from_keras_trains_here(keras):
    ours = from_keras(keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")]))
    ours.compile(optimizer="adam", loss="binary_crossentropy")
    assert np.isfinite(ours.fit(X, Y, epochs=2, verbose=0).history["loss"]).all()


def test_from_keras_names_the_first_unsupported_layer(keras):
    theirs = keras.Sequential([keras.Input((4, 3)), keras.layers.Conv1D(2, 3, name="conv"), keras.layers.Flatten()])
    with pytest.raises(ValueError, match=r"layer 'conv' \(Conv1D\) has no counterpart.*Dense, Activation"):
        from_keras(theirs)


def my_activation(x):
    return x * 2


@pytest.mark.parametrize("layer, match", [
    (lambda layers: layers.Dense(2, kernel_constraint="non_neg", name="d"), r"'d' \(Dense\) uses kernel_constraint="
                                                                            r"NonNeg, which tinygrad_acts' Dense"),
    (lambda layers: layers.Dense(2, activation=my_activation, name="d"), r"'d' \(Dense\) has the activation "
                                                                         r"my_activation"),
    (lambda layers: layers.BatchNormalization(renorm=True, name="bn"), r"'bn' .* uses renorm=True"),
    (lambda layers: layers.Dense(2, dtype="mixed_float16", name="d"), r"'d' .* computes in mixed_float16"),
])
def test_from_keras_names_an_unsupported_argument_or_activation(keras, layer, match):
    theirs = keras.Sequential([keras.Input((4,)), layer(keras.layers)])
    with pytest.raises(ValueError, match=match):
        from_keras(theirs)


def test_from_keras_wants_a_built_sequential(keras):
    with pytest.raises(ValueError, match=r"keras\.Input\(shape\)"):
        from_keras(keras.Sequential([keras.layers.Dense(2)]))
    inputs = keras.Input((4,))
    functional = keras.Model(inputs, keras.layers.Dense(2)(inputs))  # a graph converts too, as a functional Model
    np.testing.assert_allclose(from_keras(functional).predict(X), functional.predict(X, verbose=0), rtol=1e-6)


# ----------------------------------------------------------------------------------------------------------------
# Errors on our side: what Keras cannot take, and a missing Keras
# ----------------------------------------------------------------------------------------------------------------
class Doubling(Layer):
    def call(self, x):
        return x * 2


@pytest.mark.parametrize("layers, match", [
    (lambda: [Dense(2), Doubling(name="twice")], r"layer 'twice' \(Doubling\) has no Keras counterpart"),
    (lambda: [Dense(2, activation=lambda x: x * x, name="square")], r"layer 'square' \(Dense\) has the activation "
                                                                    r"<lambda>, a Python function Keras cannot name"),
    (lambda: [Dense(2, kernel_regularizer=lambda w: w.abs().sum(), name="d")], r"'d' \(Dense\) has "
                                                                               r"kernel_regularizer=<lambda>"),
])
def test_to_keras_names_the_layer_keras_cannot_take(layers, match, monkeypatch):
    monkeypatch.setitem(sys.modules, "keras", None)  # checked before Keras is imported: the error is the same
    with pytest.raises(ValueError, match=match):
        Sequential([Input((4,)), *layers()]).to_keras()


@pytest.mark.parametrize("call", [lambda model, path: model.to_keras(),
                                  lambda model, path: model.save(path / "m.keras"),
                                  lambda model, path: model.save_weights(path / "m.weights.h5"),
                                  lambda model, path: model.load_weights(path / "m.weights.h5")])
def test_without_keras_the_error_names_the_extra_to_install(call, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "keras", None)  # as if Keras were not installed
    with pytest.raises(ImportError, match=EXTRA):
        call(Sequential([Input((4,)), Dense(2)]), tmp_path)


def test_save_wants_a_keras_path(tmp_path):
    with pytest.raises(ValueError, match=r"must end in '\.keras'.*save_weights\('model\.weights\.npz'\)"):
        Sequential([Input((4,)), Dense(2)]).save(tmp_path / "model.npz")


# ----------------------------------------------------------------------------------------------------------------
# Keras' file formats
# ----------------------------------------------------------------------------------------------------------------
def test_save_writes_a_keras_file_that_keras_loads(keras, tmp_path):
    model = Sequential(ARCHITECTURES["mlp"]())
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    assert_same_predictions(model, loaded)


def test_save_weights_writes_a_keras_weight_file_that_keras_and_we_load(keras, tmp_path):
    model = Sequential(ARCHITECTURES["batchnorm"]())
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, Y, epochs=2, batch_size=4, verbose=0)
    path = tmp_path / "model.weights.h5"
    model.save_weights(path)
    theirs = Sequential(ARCHITECTURES["batchnorm"]()).to_keras()  # the same layers, other weights (and names)
    theirs.load_weights(path)
    assert_same_predictions(model, theirs)
    ours = Sequential(ARCHITECTURES["batchnorm"]())
    ours.load_weights(path)
    assert_same_weights(ours.get_weights(), model.get_weights())


def test_load_weights_of_a_keras_file_that_does_not_fit_changes_nothing(keras, tmp_path):
    Sequential([Input((4,)), Dense(5)]).save_weights(tmp_path / "wider.weights.h5")
    model = Sequential([Input((4,)), Dense(4)])
    before = model.get_weights()
    with pytest.raises(ValueError):
        model.load_weights(tmp_path / "wider.weights.h5")
    assert_same_weights(model.get_weights(), before)


def test_save_and_load_model_keep_the_compile_state(keras, tmp_path):
    """Keras' FAQ idiom: model.save('m.keras'), then load_model gives a model that evaluates without compile."""
    from tinygrad_acts import losses, metrics, optimizers
    from tinygrad_acts.models import load_model
    model = Sequential([Input((2,)), Dense(3, activation="tanh"), Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizers.SGD(learning_rate=0.25, momentum=0.5),
                  loss=losses.BinaryCrossentropy(label_smoothing=0.1), metrics=[metrics.Precision(), "mae"])
    path = str(tmp_path / "m.keras")
    model.save(path)
    x, y = X[:, :2], (X[:, :1] > 0).astype(np.float32)
    again = load_model(path)
    assert again.name == model.name  # the saved model's name, as in Keras
    config = again.optimizer.get_config()
    assert type(again.optimizer) is optimizers.SGD and config["momentum"] == 0.5
    assert config["learning_rate"] == pytest.approx(0.25)
    assert again.loss.get_config()["label_smoothing"] == pytest.approx(0.1) and again.metrics_names == \
        ["loss", "precision", "mae"]
    np.testing.assert_allclose(again.evaluate(x, y), model.evaluate(x, y), rtol=1e-6)
    # in Keras too: its load_model compiles the model from the file
    assert keras.models.load_model(path).compiled


def test_a_loss_of_your_own_is_saved_uncompiled(keras, tmp_path):
    from tinygrad_acts.models import load_model
    model = Sequential([Input((2,)), Dense(1)])
    model.compile(optimizer="sgd", loss=lambda y_true, y_pred: (y_pred - y_true) ** 2)
    model.save(str(tmp_path / "m.keras"))
    again = load_model(str(tmp_path / "m.keras"))
    assert again.loss is None and np.array_equal(again.get_weights()[0], model.get_weights()[0])
