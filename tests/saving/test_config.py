"""The architecture as data, as Keras has it: get_config / from_config for layers, models and optimizers, and
model.to_json() / models.model_from_json(). A config holds arguments, never weights."""
import json

import numpy as np
import pytest

import tinygrad_acts as keras
from tinygrad_acts import initializers, layers, optimizers, regularizers
from tinygrad_acts.layers import BatchNormalization, Dense, Dropout, Layer, Softmax
from tinygrad_acts.models import Model, Sequential, model_from_json

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]], dtype=np.float32)


def test_dense_config_names_its_arguments_as_keras_does():
    layer = Dense(4, activation="relu", kernel_initializer=initializers.HeNormal(seed=3),
                  kernel_regularizer=regularizers.L2(0.1), input_shape=(3,), name="hidden")
    assert layer.get_config() == {
        "name": "hidden", "trainable": True, "input_shape": [3], "units": 4, "activation": "relu", "use_bias": True,
        "kernel_initializer": {"class_name": "HeNormal",
                               "config": {"seed": 3, "input_axes": None, "output_axes": None}},
        "bias_initializer": {"class_name": "Zeros", "config": {}},
        "kernel_regularizer": {"class_name": "L2", "config": {"l2": 0.1}}, "bias_regularizer": None}


@pytest.mark.parametrize("layer", [
    Dense(3, activation="tanh", use_bias=False, bias_regularizer="l1", activity_regularizer=regularizers.L1(0.2)),
    layers.Activation("gelu"), layers.ReLU(max_value=6.0, negative_slope=0.1, threshold=0.5),
    layers.LeakyReLU(0.2), layers.ELU(alpha=0.5), Softmax(axis=(1, 2)), layers.Flatten(),
    Dropout(0.3, noise_shape=(None, 1), seed=7),
    BatchNormalization(axis=1, momentum=0.9, epsilon=1e-4, center=False, gamma_initializer="random_normal"),
], ids=lambda layer: type(layer).__name__)
def test_every_layer_comes_back_from_its_config(layer):
    config = layer.get_config()
    json.dumps(config)  # JSON can hold it
    again = type(layer).from_config(config)
    assert type(again) is type(layer) and again.get_config() == config and not again.built


def test_a_python_function_as_activation_cannot_be_put_in_a_config():
    with pytest.raises(ValueError, match="Python function, which a config cannot hold"):
        Dense(2, activation=lambda x: x * 2).get_config()


def trained_model():
    keras.utils.set_random_seed(0)
    inner = Sequential([Dense(4, activation="relu"), Dropout(0.2)])
    model = Sequential([keras.Input(shape=(3,)), inner, BatchNormalization(),
                        Dense(2, kernel_regularizer=regularizers.L1L2(0.01, 0.02)), Softmax()])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.fit(X, np.array([0, 1]), epochs=2, verbose=0)
    return model


def test_to_json_and_model_from_json_rebuild_the_architecture_with_new_weights():
    model = trained_model()
    text = model.to_json()
    description = json.loads(text)
    assert description["class_name"] == "Sequential"
    assert [entry["class_name"] for entry in description["config"]["layers"]] == \
        ["InputLayer", "Sequential", "BatchNormalization", "Dense", "Softmax"]
    again = model_from_json(text)
    assert again.get_config() == model.get_config() and again.input_shape == (None, 3)
    assert not np.array_equal(again.get_weights()[0], model.get_weights()[0])  # a config holds no weights
    again.set_weights(model.get_weights())
    np.testing.assert_array_equal(again.predict(X), model.predict(X))
    assert Sequential.from_config(model.get_config()).get_config() == model.get_config()


def test_a_functional_model_comes_back_as_a_functional_model():
    inputs = keras.Input(shape=(3,))
    outputs = Dense(1, activation="sigmoid")(Dense(5, activation="tanh")(inputs))
    model = Model(inputs, outputs)
    again = model_from_json(model.to_json())
    assert type(again) is Model and again.get_config() == model.get_config()
    again.set_weights(model.get_weights())
    np.testing.assert_array_equal(again.predict(X), model.predict(X))


class Scale(Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):  # as Keras asks of a layer of your own
        return {**super().get_config(), "factor": self.factor}


def test_layers_of_your_own_come_back_through_custom_objects():
    model = Sequential([Dense(2, input_shape=(3,)), Scale(3.0)])
    text = model.to_json()
    with pytest.raises(ValueError, match="custom_objects=\\{'Scale': Scale\\}"):
        model_from_json(text)
    again = model_from_json(text, custom_objects={"Scale": Scale})
    assert again.layers[1].factor == 3.0


@pytest.mark.parametrize("text, message", [("{not json", "expects the text model.to_json"),
                                           ('{"class_name": "Sequential"}', "expects the text model.to_json")])
def test_model_from_json_says_what_it_expected(text, message):
    with pytest.raises(ValueError, match=message):
        model_from_json(text)


@pytest.mark.parametrize("optimizer, expected", [  # names as Keras 3.15 gives them: 'rm_sprop' (sic)
    (optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True),
     {"name": "sgd", "learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    (optimizers.Adam(), {"name": "adam", "learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7,
                         "amsgrad": False}),
    (optimizers.RMSprop(rho=0.8, centered=True),
     {"name": "rm_sprop", "learning_rate": 0.001, "rho": 0.8, "momentum": 0.0, "epsilon": 1e-7, "centered": True}),
])
def test_optimizers_give_their_arguments_and_come_back_from_them(optimizer, expected):
    assert optimizer.get_config() == expected
    again = type(optimizer).from_config(optimizer.get_config())
    assert again.get_config() == expected and again.iterations == 0


def test_a_scheduled_learning_rate_is_part_of_the_config():
    schedule = optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    config = optimizers.SGD(learning_rate=schedule).get_config()
    assert config["learning_rate"] == {"class_name": "ExponentialDecay", "config": schedule.get_config()}
    again = optimizers.SGD.from_config(config)
    assert again.learning_rate_schedule is not None and again.learning_rate_schedule(10) == pytest.approx(0.05)


@pytest.mark.parametrize("loss, expected", [
    (keras.losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1, name="bce"),
     {"name": "bce", "reduction": "sum_over_batch_size", "from_logits": True, "label_smoothing": 0.1}),
    (keras.losses.Huber(delta=2.0, reduction="sum"), {"name": "huber_loss", "reduction": "sum", "delta": 2.0}),
    (keras.losses.MeanSquaredError(), {"name": "mean_squared_error", "reduction": "sum_over_batch_size"}),
])
def test_losses_give_their_arguments_and_come_back_from_them(loss, expected):
    assert loss.get_config() == expected
    again = type(loss).from_config(loss.get_config())
    y, p = np.array([[1.0], [0.0]]), keras.Tensor(np.array([[0.3], [-0.2]]))
    assert again.get_config() == expected and again(y, p).item() == loss(y, p).item()
