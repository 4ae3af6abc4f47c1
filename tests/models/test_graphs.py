"""The functional API as a graph: Input gives a placeholder, layers called on placeholders record calls, merge
layers (Add, Concatenate, ...) join branches, a layer used twice shares its weights, and Model(inputs, outputs)
runs the calls in order — checked against the math, and against real Keras 3 on the same weights.

The Keras tests need Keras 3 on PyTorch; without them they skip, saying so (under CI they fail instead).
"""
import os

import numpy as np
import pytest

import tinygrad_acts as ta
from tinygrad_acts import Tensor, gradcheck
from tinygrad_acts.layers import (
    Add,
    Average,
    Concatenate,
    Dense,
    Input,
    InputLayer,
    KerasTensor,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    concatenate,
)
from tinygrad_acts.models import Model, from_keras, load_model

RNG = np.random.default_rng(7)
X = RNG.normal(size=(6, 4)).astype(np.float32)


@pytest.fixture(scope="module")
def keras():
    os.environ["KERAS_BACKEND"] = "torch"
    try:
        import keras
    except ImportError as error:
        reason = f"Keras 3 with PyTorch is not installed ({error}); pip install tinygrad-acts[keras]"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    assert keras.__version__.startswith("3.") and keras.backend.backend() == "torch"
    return keras


def residual_mlp(library, layers):
    """A residual MLP, the same code for both libraries: x -> d1 -> (+ d2(d1)) -> out."""
    library.backend.clear_session()  # names from 'add' again
    inputs = library.Input(shape=(4,), name="x")
    h = layers.Dense(4, activation="tanh", name="d1")(inputs)
    skip = layers.add([h, layers.Dense(4, activation="tanh", name="d2")(h)])
    outputs = layers.Dense(1, name="out")(skip)
    return library.Model(inputs, outputs, name="res")


def test_input_is_a_placeholder_with_shape_and_dtype_and_layers_record_their_calls():
    inputs = Input(shape=(4,), name="features")
    assert isinstance(inputs, KerasTensor) and inputs.shape == (None, 4) and inputs.dtype == "float32"
    hidden = Dense(3, name="hidden")(inputs)
    assert hidden.shape == (None, 3) and hidden.node.layer.name == "hidden" and hidden.node.inputs == [inputs]
    assert isinstance(inputs.node.layer, InputLayer)


def test_a_residual_graph_computes_its_formula_and_lists_its_layers_in_order():
    model = residual_mlp(ta, ta.layers)
    assert [layer.name for layer in model.layers] == ["x", "d1", "d2", "add", "out"]  # Keras' order
    d1, d2, out = (model.get_layer(name) for name in ("d1", "d2", "out"))
    h = np.tanh(X @ d1.kernel.data + d1.bias.data)
    expected = (h + np.tanh(h @ d2.kernel.data + d2.bias.data)) @ out.kernel.data + out.bias.data
    np.testing.assert_allclose(model.predict(X), expected, rtol=1e-5, atol=1e-6)
    assert model.input is model.inputs[0] and model.outputs[0].shape == (None, 1)
    assert model.count_params() == 20 + 20 + 5


def test_a_residual_graph_gives_keras_outputs_and_trains_as_keras(keras):
    ours, theirs = residual_mlp(ta, ta.layers), residual_mlp(keras, keras.layers)
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X, verbose=0), rtol=1e-5, atol=1e-6)
    y = X[:, :1] * 2
    ours.compile(optimizer=ta.optimizers.SGD(0.1), loss="mse")
    theirs.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    ours_losses = ours.fit(X, y, batch_size=3, epochs=3, shuffle=False, verbose=0).history["loss"]
    theirs_losses = theirs.fit(X, y, batch_size=3, epochs=3, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(ours_losses, theirs_losses, rtol=1e-5)


def test_the_summary_shows_what_each_layer_is_connected_to_as_keras():
    lines = []
    residual_mlp(ta, ta.layers).summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "Connected to" in lines[2]
    # Keras 3.15's rows: x (InputLayer) -, d1 x[0][0], d2 d1[0][0], add d1[0][0] and d2[0][0], out add[0][0]
    rows = [line.split() for line in lines if line and not line.startswith(("_", "=", "Model", "Layer", "Total",
                                                                             "Trainable", "Non"))]
    assert rows == [["x", "(InputLayer)", "(None,", "4)", "0", "-"], ["d1", "(Dense)", "(None,", "4)", "20", "x[0][0]"],
                    ["d2", "(Dense)", "(None,", "4)", "20", "d1[0][0]"],
                    ["add", "(Add)", "(None,", "4)", "0", "d1[0][0]"], ["d2[0][0]"],
                    ["out", "(Dense)", "(None,", "1)", "5", "add[0][0]"]]
    assert "Total params: 45" in text


def test_a_layer_used_twice_shares_its_weights():
    inputs = Input((3,))
    shared = Dense(3, name="shared")
    model = Model(inputs, shared(shared(inputs)))
    assert model.count_params() == 12 and len(model.weights) == 2
    k, b = shared.kernel.data, shared.bias.data
    np.testing.assert_allclose(model.predict(X[:, :3]), (X[:, :3] @ k + b) @ k + b, rtol=1e-5, atol=1e-6)


def test_several_inputs_and_outputs_run_together():
    a, b = Input((3,), name="a"), Input((2,), name="b")
    joined = Concatenate(name="cat")([a, b])
    first, second = Dense(1, name="o1")(joined), Dense(2, name="o2")(joined)
    model = Model([a, b], [first, second])
    assert model.output_names == ["o1", "o2"] and model.get_layer("cat").output_shape == (None, 5)
    xa, xb = X[:, :3], X[:, 3:] * np.ones((1, 2), dtype=np.float32)
    one, two = model([xa, xb])
    both = np.concatenate([xa, xb], axis=1)
    o1, o2 = model.get_layer("o1"), model.get_layer("o2")
    np.testing.assert_allclose(one.data, both @ o1.kernel.data + o1.bias.data, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(two.data, both @ o2.kernel.data + o2.bias.data, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match=r"model 'functional\w*' has 2 inputs \(a, b\), got 1; give a list"):
        model([xa])


@pytest.mark.parametrize("layer, formula", [
    (Add(), lambda a, b: a + b), (Subtract(), lambda a, b: a - b), (Multiply(), lambda a, b: a * b),
    (Average(), lambda a, b: (a + b) / 2), (Maximum(), np.maximum), (Minimum(), np.minimum),
    (Concatenate(), lambda a, b: np.concatenate([a, b], axis=-1)),
], ids=["add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate"])
def test_each_merge_layer_computes_its_formula_and_its_gradient(layer, formula):
    a, b = RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4))
    np.testing.assert_allclose(layer([Tensor(a), Tensor(b)]).data, formula(a, b), rtol=1e-12)
    assert gradcheck(lambda p, q: layer([p, q]), a, b)  # the whole Jacobian, in float64


def test_merge_layers_refuse_shapes_that_do_not_merge_and_name_them():
    a, b = Input((3,), name="a"), Input((2,), name="b")
    with pytest.raises(ValueError, match=r"Add 'add\w*' expects inputs of the same shape, got shapes \(None, 3\), "
                                         r"\(None, 2\); make them agree first"):
        add([a, b])
    assert concatenate([a, b]).shape == (None, 5)  # along the last axis: sizes may differ there
    with pytest.raises(ValueError, match=r"Concatenate 'concatenate\w*' expects inputs whose shapes agree except "
                                         r"along axis -1, got shapes \(None, 2, 3\), \(None, 3, 3\)"):
        concatenate([Input((2, 3)), Input((3, 3))])
    with pytest.raises(ValueError, match=r"Subtract 'subtract\w*' expects exactly 2 inputs, got 3"):
        Subtract()([a, a, a])
    with pytest.raises(ValueError, match=r"Add 'add\w*' expects a list of at least 2 inputs"):
        Add()(a)


def test_a_graph_that_needs_another_input_or_leaves_one_unused_says_which():
    a, b = Input((2,), name="a"), Input((2,), name="b")
    joined = add([a, b])
    with pytest.raises(ValueError, match=r"the outputs need Input 'b', which is not among the inputs \(a\)"):
        Model(a, joined)
    with pytest.raises(ValueError, match=r"input 'c' is not connected to any output"):
        Model([a, b, Input((2,), name="c")], joined)


def test_get_config_and_from_config_rebuild_the_same_graph():
    model = residual_mlp(ta, ta.layers)
    again = Model.from_config(model.get_config())
    assert [layer.name for layer in again.layers] == ["x", "d1", "d2", "add", "out"]
    assert isinstance(again.layers[0], InputLayer) and again.count_params() == model.count_params()
    again.set_weights(model.get_weights())
    np.testing.assert_allclose(again.predict(X), model.predict(X), rtol=1e-6)


def test_a_graph_goes_to_keras_and_back_and_through_a_keras_file(keras, tmp_path):
    model = residual_mlp(ta, ta.layers)
    twin = model.to_keras()
    assert type(twin).__name__ == "Functional"
    np.testing.assert_allclose(twin.predict(X, verbose=0), model.predict(X), rtol=1e-5, atol=1e-6)
    back = from_keras(twin)
    np.testing.assert_allclose(back.predict(X), model.predict(X), rtol=1e-6)
    model.save(tmp_path / "res.keras")
    loaded = load_model(tmp_path / "res.keras")
    assert [type(layer).__name__ for layer in loaded.layers] == ["InputLayer", "Dense", "Dense", "Add", "Dense"]
    np.testing.assert_allclose(loaded.predict(X), model.predict(X), rtol=1e-6)
