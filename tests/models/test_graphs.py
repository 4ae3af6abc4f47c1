"""The functional API as a graph: Input gives a placeholder, layers called on placeholders record calls, merge
layers (Add, Concatenate, ...) join branches, a layer used twice shares its weights, and Model(inputs, outputs)
runs the calls in order — checked against the math, and against real Keras 3 on the same weights.

The Keras tests need Keras 3 on PyTorch; without them they skip, saying so (under CI they fail instead).
"""

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


def two_inputs_two_outputs(library, layers):
    """The same two-input, two-output graph for both libraries: the inputs joined, one head of 1 unit, one of 2."""
    library.backend.clear_session()
    a, b = library.Input((3,), name="a"), library.Input((2,), name="b")
    joined = layers.Concatenate()([a, b])
    return library.Model([a, b], {"o1": layers.Dense(1, name="o1")(joined), "o2": layers.Dense(2, name="o2")(joined)})


XS = [RNG.normal(size=(8, 3)).astype(np.float32), RNG.normal(size=(8, 2)).astype(np.float32)]
YS = {"o1": RNG.normal(size=(8, 1)).astype(np.float32), "o2": RNG.normal(size=(8, 2)).astype(np.float32)}


def test_several_outputs_train_with_losses_weights_and_metrics_by_name_as_keras(keras):
    ours, theirs = two_inputs_two_outputs(ta, ta.layers), two_inputs_two_outputs(keras, keras.layers)
    theirs.set_weights(ours.get_weights())
    arguments = {"loss": {"o1": "mse", "o2": "mae"}, "loss_weights": {"o1": 1.0, "o2": 0.5},
                 "metrics": {"o1": ["mae"], "o2": []}}
    ours.compile(optimizer=ta.optimizers.SGD(0.1), **arguments)
    theirs.compile(optimizer=keras.optimizers.SGD(0.1), **arguments)
    ours_history = ours.fit(XS, YS, epochs=3, batch_size=4, shuffle=False, verbose=0).history
    theirs_history = theirs.fit(XS, YS, epochs=3, batch_size=4, shuffle=False, verbose=0).history
    assert list(ours_history) == ["loss", "o1_loss", "o1_mae", "o2_loss"] and ours.metrics_names == list(ours_history)
    for key in theirs_history:
        np.testing.assert_allclose(ours_history[key], theirs_history[key], rtol=1e-5)
    ours_results = ours.evaluate(XS, YS, return_dict=True)
    for key, value in theirs.evaluate(XS, YS, verbose=0, return_dict=True).items():
        assert ours_results[key] == pytest.approx(value, rel=1e-5)
    predicted = ours.predict(XS)
    assert set(predicted) == {"o1", "o2"} and predicted["o2"].shape == (8, 2)
    np.testing.assert_allclose(predicted["o1"], theirs.predict(XS, verbose=0)["o1"], rtol=1e-5, atol=1e-6)


def test_the_total_loss_is_the_weighted_sum_of_the_outputs_losses():
    model = two_inputs_two_outputs(ta, ta.layers)
    model.compile(optimizer="sgd", loss=["mse", "mse"], loss_weights=[1.0, 2.0])
    results = model.evaluate(XS, [YS["o1"], YS["o2"]], return_dict=True)  # a list in output order works too
    predicted = model.predict(XS)
    mse = {name: float(np.mean((predicted[name] - YS[name]) ** 2)) for name in ("o1", "o2")}
    assert results["o1_loss"] == pytest.approx(mse["o1"], rel=1e-5)
    assert results["loss"] == pytest.approx(mse["o1"] + 2 * mse["o2"], rel=1e-5)


def test_losses_and_data_that_do_not_fit_the_outputs_say_which_names_to_give():
    model = two_inputs_two_outputs(ta, ta.layers)
    with pytest.raises(ValueError, match=r"compile: loss is a dict with the keys \['o1'\], but the model's outputs "
                                         r"are named \['o1', 'o2'\]; give one entry per output"):
        model.compile(optimizer="sgd", loss={"o1": "mse"})
    with pytest.raises(ValueError, match=r"compile: loss_weights has 3 entries, but the model has 2 outputs"):
        model.compile(optimizer="sgd", loss="mse", loss_weights=[1, 2, 3])
    model.compile(optimizer="sgd", loss="mse")  # one loss for every output
    with pytest.raises(ValueError, match=r"fit: the model has 2 inputs \(a, b\), got 1 array; give a list with one "
                                         r"array per input"):
        model.fit(XS[0], YS, verbose=0)
    with pytest.raises(ValueError, match=r"fit: output is a dict with the keys \['o1', 'zz'\], but the model's "
                                         r"outputs are named \['o1', 'o2'\]"):
        model.fit(XS, {"o1": YS["o1"], "zz": YS["o2"]}, verbose=0)
    with pytest.raises(ValueError, match=r"fit: class_weight weighs the classes of one output, and this model has "
                                         r"several; give sample_weight"):
        model.fit(XS, YS, class_weight={0: 1.0}, verbose=0)
    weights = model.get_weights()
    model.fit(XS, YS, sample_weight=np.ones(8), epochs=1, verbose=0)  # one weight per sample: every output's loss
    assert not np.array_equal(weights[0], model.get_weights()[0])


def test_plot_model_draws_the_arrow_that_skips_a_layer():
    from tinygrad_acts.viz.graph import model_graph
    model = residual_mlp(ta, ta.layers)
    nodes, edges = model_graph(model)
    names = {node.key: node.label.split()[0] for node in nodes}
    assert sorted((names[a], names[b]) for a, b in edges) == [("add", "out"), ("d1", "add"), ("d1", "d2"),
                                                              ("d2", "add"), ("x", "d1")]


def subclassed_residual_mlp(library, layers):
    """The same residual MLP as a Model subclass, the same code for both libraries: the block of the subclassing
    guide's style, h + d2(h), written in call."""
    library.backend.clear_session()

    class ResidualMLP(library.Model):
        def __init__(self):
            super().__init__(name="res")
            self.d1 = layers.Dense(4, activation="tanh")
            self.d2 = layers.Dense(4, activation="tanh")
            self.out = layers.Dense(1)

        def call(self, x, training=None):
            h = self.d1(x)
            return self.out(h + self.d2(h))

    model = ResidualMLP()
    model(X[:1])  # built by a first call, as the guide does
    return model


def test_a_subclassed_residual_mlp_gives_the_graphs_and_keras_outputs_and_trains_as_keras(keras):
    ours, theirs = subclassed_residual_mlp(ta, ta.layers), subclassed_residual_mlp(keras, keras.layers)
    graph = residual_mlp(ta, ta.layers)
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()] == \
        [w.shape for w in graph.get_weights()]  # d1, d2, out: kernel then bias, in Keras' order
    ours.set_weights(graph.get_weights())
    theirs.set_weights(graph.get_weights())
    np.testing.assert_allclose(ours.predict(X), graph.predict(X), rtol=1e-6)  # the same function, written twice
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X, verbose=0), rtol=1e-5, atol=1e-6)
    y = X[:, :1] * 2
    ours.compile(optimizer=ta.optimizers.SGD(0.1), loss="mse")
    theirs.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    ours_losses = ours.fit(X, y, batch_size=3, epochs=3, shuffle=False, verbose=0).history["loss"]
    theirs_losses = theirs.fit(X, y, batch_size=3, epochs=3, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(ours_losses, theirs_losses, rtol=1e-5)


def dict_outputs(library, layers):
    """Outputs given as a dict whose keys are not in sorted order: Keras flattens the dict by sorted key."""
    library.backend.clear_session()
    inputs = library.Input(shape=(4,), name="x")
    h = layers.Dense(3, activation="relu", name="h")(inputs)
    return library.Model(inputs, {"zeta": layers.Dense(1, name="zeta")(h), "alpha": layers.Dense(2, name="alpha")(h)})


def test_a_dict_of_outputs_lists_its_layers_and_weights_by_sorted_key_as_keras(keras):
    ours, theirs = dict_outputs(ta, ta.layers), dict_outputs(keras, keras.layers)
    assert [layer.name for layer in ours.layers] == [layer.name for layer in theirs.layers] == ["x", "h", "alpha",
                                                                                               "zeta"]
    assert ours.output_names == theirs.output_names == ["alpha", "zeta"]
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]


def test_a_sequential_model_called_on_an_input_is_one_layer_of_a_graph():
    base = ta.Sequential([Input(shape=(4,)), Dense(3, activation="tanh", name="inner")], name="base")
    base.trainable = False
    inputs = Input(shape=(4,))
    model = Model(inputs, Dense(1, name="head")(base(inputs, training=False)))
    assert [layer.name for layer in model.layers][1:] == ["base", "head"]
    assert (len(model.weights), len(model.trainable_weights)) == (4, 2)
    kernel, bias = base.get_weights()
    head_kernel, head_bias = model.get_layer("head").get_weights()
    np.testing.assert_allclose(model.predict(X), np.tanh(X @ kernel + bias) @ head_kernel + head_bias, rtol=1e-5,
                               atol=1e-6)
