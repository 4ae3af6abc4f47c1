"""Keras' functional API for chains of layers (Input -> layers -> Model), and a model used as a layer of another,
as the TensorFlow beginner tutorial wraps its model with a Softmax."""
import numpy as np
import pytest
from helpers import assert_same_weights

import tinygrad_acts as keras
from tinygrad_acts.layers import Dense, Dropout, KerasTensor, Softmax
from tinygrad_acts.models import Model, Sequential

X = np.array([[0.0, 1.0], [1.0, -1.0], [2.0, 0.5]], dtype=np.float32)


def tutorial_model():
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(2,))
    x = Dense(8, activation="relu")(inputs)
    x = Dropout(0.5)(x)
    outputs = Dense(3)(x)
    return inputs, x, outputs, Model(inputs=inputs, outputs=outputs)


def test_calling_layers_on_an_input_records_the_chain_and_its_shapes():
    inputs, hidden, outputs, _ = tutorial_model()
    assert inputs.shape == (None, 2)
    assert isinstance(hidden, KerasTensor) and hidden.shape == (None, 8)
    assert outputs.shape == (None, 3) and type(outputs.node.layer).__name__ == "Dense"
    assert type(outputs.node.inputs[0].node.layer).__name__ == "Dropout"  # each placeholder knows the call that made it


def test_the_model_computes_the_chain():
    _, _, _, model = tutorial_model()
    kernel, bias, kernel2, bias2 = model.get_weights()
    expected = np.maximum(X @ kernel + bias, 0) @ kernel2 + bias2  # Dropout is off at inference
    np.testing.assert_allclose(model.predict(X), expected, rtol=1e-6)
    assert model.name == "functional" and model.input_shape == (None, 2) and model.output_shape == (None, 3)


def test_it_trains_like_a_sequential_with_the_same_weights():
    _, _, _, model = tutorial_model()
    twin = Sequential([Dense(8, activation="relu", input_shape=(2,)), Dropout(0.5), Dense(3)])
    twin.set_weights(model.get_weights())
    y = np.array([0, 2, 1])
    for each in (model, twin):
        keras.utils.set_random_seed(3)  # the same dropout masks and shuffles
        each.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        each.fit(X, y, epochs=5, batch_size=2, verbose=0)
    assert_same_weights(model.get_weights(), twin.get_weights())


def test_lists_of_one_input_and_one_output_are_accepted():
    inputs = keras.Input(shape=(2,))
    outputs = Dense(1)(inputs)
    assert Model([inputs], [outputs]).predict(X).shape == (3, 1)


def test_what_the_functional_api_cannot_build_is_refused_with_the_reason():
    inputs, other = keras.Input(shape=(2,), name="main"), keras.Input(shape=(2,), name="other")
    a = Dense(1)(inputs)
    with pytest.raises(ValueError, match="the outputs need Input 'main', which is not among the inputs"):
        Model(other, a)
    with pytest.raises(ValueError, match="input 'other' is not connected to any output"):
        Model([inputs, other], a)
    with pytest.raises(TypeError, match="Or subclass Model"):
        Model()


def test_a_model_is_a_layer_of_another():
    """The TensorFlow beginner tutorial: probability_model = Sequential([model, Softmax()])."""
    keras.utils.set_random_seed(0)
    model = Sequential([Dense(4, activation="relu", input_shape=(2,)), Dense(3)])
    probability_model = Sequential([model, Softmax()])
    logits = model.predict(X)
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(probability_model.predict(X), expected, rtol=1e-6)
    assert probability_model.input_shape == (None, 2) and probability_model.output_shape == (None, 3)
    assert probability_model.count_params() == model.count_params() == 2 * 4 + 4 + 4 * 3 + 3
    # the same weights, not copies: training the outer model trains the inner one
    probability_model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    before = model.get_weights()[0].copy()
    probability_model.fit(X, np.array([0, 1, 2]), epochs=2, verbose=0)
    assert not np.array_equal(before, model.get_weights()[0])


def test_an_unbuilt_model_inside_another_is_built_with_it():
    inner = Sequential([Dense(4), Dense(2)])
    outer = Sequential([keras.Input(shape=(5,)), inner, Dense(1)])
    assert inner.built and inner.layers[0].kernel.shape == (5, 4) and outer.output_shape == (None, 1)


def test_an_intermediate_layers_output_makes_a_feature_extractor():
    """Keras' FAQ: Model(inputs=model.inputs, outputs=model.get_layer('hidden').output), sharing the weights."""
    inputs = keras.Input(shape=(2,))
    hidden = Dense(3, activation="relu", name="hidden")(inputs)
    model = Model(inputs=inputs, outputs=Dense(1)(hidden))
    assert model.inputs == [inputs] and model.outputs[0].shape == (None, 1)
    extractor = Model(inputs=model.inputs, outputs=model.get_layer("hidden").output)
    kernel, bias = model.get_layer("hidden").get_weights()
    np.testing.assert_allclose(extractor.predict(X), np.maximum(X @ kernel + bias, 0), rtol=1e-6)
    assert extractor.get_layer("hidden") is model.get_layer("hidden")


def test_a_sequential_has_inputs_and_outputs_once_built():
    model = Sequential([Dense(4, activation="tanh", input_shape=(2,)), Dense(1)])
    first = Model(model.inputs, model.layers[0].output)
    np.testing.assert_allclose(first.predict(X), np.tanh(X @ model.layers[0].kernel.data + model.layers[0].bias.data),
                               rtol=1e-6)
    with pytest.raises(AttributeError, match="not in a built model"):
        _ = Dense(2).output
    with pytest.raises(ValueError, match="has not been built yet"):
        _ = Sequential([Dense(2)]).inputs


def test_a_functional_model_lists_its_input_layer_first_as_keras_3():
    """So model.layers[1] is the first Dense, as Keras code indexes it; the input adds no weights and changes
    nothing the model computes."""
    from tinygrad_acts import collapse
    from tinygrad_acts.layers import InputLayer
    inputs = keras.Input(shape=(2,))
    model = Model(inputs, Dense(1)(Dense(3)(inputs)))
    assert isinstance(model.layers[0], InputLayer) and model.layers[0] is inputs.node.layer
    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "Dense", "Dense"]
    assert model.count_params() == 2 * 3 + 3 + 3 + 1 and len(model.get_weights()) == 4
    lines = []
    model.summary(print_fn=lines.append)
    assert any(line.startswith(f"{inputs.name} (InputLayer)") for line in lines)
    single = collapse(model)  # linear all the way: the input layer is x itself
    np.testing.assert_allclose(single.predict(X), model.predict(X), rtol=1e-5, atol=1e-6)
