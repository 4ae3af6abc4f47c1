"""Sequential, the model as a stack of layers: building, summary, predict, pop and add, weights."""
import numpy as np
import pytest
from helpers import assert_same_weights

import tinygrad_acts.backend as K
from tinygrad_acts.layers import Activation, Dense, Input
from tinygrad_acts.models import Sequential
from tinygrad_acts.utils import set_random_seed


# ----------------------------------------------------------------------------------------------------------------
# Sequential: building, summary, predict, weights
# ----------------------------------------------------------------------------------------------------------------
def test_summary_of_the_issue_example_shows_48_and_17_parameters(capsys):
    model = Sequential([Dense(16, activation="relu", input_shape=(2,)), Dense(1)])
    model.summary()
    out = capsys.readouterr().out
    assert 'Model: "sequential"' in out
    assert "dense (Dense)" in out and "(None, 16)" in out and "48" in out
    assert "dense_1 (Dense)" in out and "(None, 1)" in out and "17" in out
    assert "Total params: 65" in out and "Trainable params: 65" in out
    assert model.count_params() == 65


def test_summary_of_two_models_sharing_an_adapted_normalization_counts_as_keras():
    """The regression tutorial's normalizer, adapted then shared by two models. Keras 3.15, once the models have run:
    normalization 5 (mean 2, variance 2, count 1), dense 9 / dense_1 3; totals 14 and 8, non-trainable 5 in each.
    (Keras leaves the Dense unbuilt until the first call; here adapt gives the input shape, so both are built now.)"""
    from tinygrad_acts.layers import Normalization
    x = np.arange(12.0).reshape(6, 2)
    normalizer = Normalization()
    normalizer.adapt(x)
    wide, narrow = Sequential([normalizer, Dense(3)]), Sequential([normalizer, Dense(1)])
    assert wide.built and narrow.built and wide.input_shape == narrow.input_shape == (None, 2)
    for model, dense, total, trainable in ((wide, 9, 14, 9), (narrow, 3, 8, 3)):
        lines = []
        model.summary(print_fn=lines.append)
        rows = [line.split() for line in lines if "(Normalization)" in line or "(Dense)" in line]
        assert [(row[1], row[-1]) for row in rows] == [("(Normalization)", "5"), ("(Dense)", str(dense))]
        assert f"Total params: {total}" in "\n".join(lines) and f"Trainable params: {trainable}" in "\n".join(lines)
        assert "Non-trainable params: 5" in lines
    np.testing.assert_allclose(normalizer.mean.data, [[5.0, 6.0]])  # building the second model kept the statistics
    assert wide.non_trainable_weights[0] is narrow.non_trainable_weights[0]


def test_input_fixes_the_input_shape():
    model = Sequential([Input(shape=(3,)), Dense(2)])
    assert model.built and model.input_shape == (None, 3) and model.output_shape == (None, 2)
    assert len(model.layers) == 1  # as in Keras 3, the input is not a layer


def test_input_dim_is_keras_2s_way_to_give_the_number_of_input_features():
    model = Sequential([Dense(12, input_dim=8, activation="relu"), Dense(1, activation="sigmoid")])
    assert model.built and model.input_shape == (None, 8) and model.layers[0].kernel.shape == (8, 12)
    assert Dense(2, input_dim=3, input_shape=(3,)).input_shape == (3,)  # both, saying the same: fine


def test_pop_removes_the_last_layer_and_returns_it():
    model = Sequential([Dense(4, activation="tanh", input_shape=(3,)), Dense(2), Dense(1)])
    last = model.layers[-1]
    assert model.pop() is last
    assert [layer.name for layer in model.layers] == ["dense", "dense_1"]
    assert model.output_shape == (None, 2) and len(model.weights) == 4
    assert model.predict(np.ones((5, 3))).shape == (5, 2)
    model.add(Dense(7))  # as Keras' transfer-learning recipe: pop the head, add a new one
    assert model.predict(np.ones((5, 3))).shape == (5, 7)


def test_get_layer_by_name_or_by_index_as_keras():
    model = Sequential([Dense(4, input_shape=(3,), name="hidden"), Dense(1, name="out")])
    assert model.get_layer("out") is model.layers[1]
    assert model.get_layer(name="hidden") is model.layers[0]
    assert model.get_layer(index=0) is model.layers[0]
    assert model.get_layer(index=-1) is model.layers[1]  # as a list: negative counts from the end


def test_a_model_without_an_input_shape_builds_on_first_use(rng):
    model = Sequential()
    model.add(Dense(3))
    model.add(Activation("tanh"))
    assert not model.built
    with pytest.raises(ValueError, match="not been built"):
        model.summary()
    out = model.predict(rng.standard_normal((4, 5)))
    assert model.built and out.shape == (4, 3) and model.layers[0].kernel.shape == (5, 3)


def test_predict_gives_float32_numpy_and_records_nothing(rng):
    model = Sequential([Dense(3, input_shape=(2,))])
    out = model.predict(rng.standard_normal((70, 2)))  # more than one batch of 32
    assert isinstance(out, np.ndarray) and out.dtype == np.float32 and out.shape == (70, 3)
    assert all(w.grad is None for w in model.weights)
    manual = rng.standard_normal((70, 2)).astype(np.float32)
    assert np.allclose(model.predict(manual), manual @ model.weights[0].data + model.weights[1].data, atol=1e-6)


def test_predict_reads_a_1d_array_as_samples_of_one_feature():
    model = Sequential([Activation("tanh", input_shape=(1,))])
    x = np.arange(-3, 3.5, 0.5)
    out = model.predict(x)
    assert out.shape == (13, 1)
    assert np.allclose(out[:, 0], np.tanh(x), atol=1e-6)


def test_calling_the_model_is_differentiable(rng):
    model = Sequential([Dense(3, activation="tanh", input_shape=(2,)), Dense(1)])
    model(rng.standard_normal((4, 2))).sum().backward()
    assert all(w.grad is not None and w.grad.shape == w.shape for w in model.weights)


def test_get_weights_is_kernel_then_bias_layer_by_layer_and_copies():
    model = Sequential([Dense(16, activation="relu", input_shape=(2,)), Dense(1)])
    weights = model.get_weights()
    assert [w.shape for w in weights] == [(2, 16), (16,), (16, 1), (1,)]
    weights[0][...] = 7
    assert not np.any(model.get_weights()[0] == 7)  # a copy, not a view into the model


def test_set_weights_round_trip():
    model = Sequential([Dense(3, input_shape=(2,)), Dense(1)])
    new = [np.full(w.shape, i, dtype=np.float32) for i, w in enumerate(model.get_weights())]
    model.set_weights(new)
    assert_same_weights(model.get_weights(), new)


@pytest.mark.parametrize("change,match", [
    (lambda ws: ws[:-1], r"expects 4 arrays.*got 3"),
    (lambda ws: ws + [np.zeros(1)], r"expects 4 arrays.*got 5"),
    (lambda ws: [ws[0], np.zeros(4), ws[2], ws[3]], r"'dense/bias' has shape \(3,\), got an array of shape \(4,\)"),
    (lambda ws: [ws[0], ws[1], ws[2], np.array(["a"])], r"needs numbers"),
])
def test_set_weights_with_a_bad_list_raises_and_changes_nothing(change, match):
    model = Sequential([Dense(3, input_shape=(2,)), Dense(1)])
    before = model.get_weights()
    with pytest.raises(ValueError, match=match):
        model.set_weights(change([np.ones_like(w) for w in before]))
    assert_same_weights(model.get_weights(), before)


def test_same_seed_same_initial_weights():
    def weights(seed):
        set_random_seed(seed)
        return Sequential([Dense(4, input_shape=(3,)), Dense(2)]).get_weights()

    assert_same_weights(weights(42), weights(42))
    assert not np.array_equal(weights(42)[0], weights(43)[0])


def test_add_rejects_things_that_are_not_layers_and_duplicate_names():
    model = Sequential()
    with pytest.raises(TypeError, match="int"):
        model.add(42)
    model.add(Dense(2, name="same"))
    with pytest.raises(ValueError, match="unique"):
        model.add(Dense(2, name="same"))


def test_keras_style_imports_work():
    import tinygrad_acts as keras

    assert keras.layers.Dense is Dense and keras.models.Sequential is Sequential
    assert keras.backend.floatx() == "float32" and keras.backend.epsilon() == 1e-7
    assert callable(keras.activations.get("tanh"))
    assert K.set_random_seed is set_random_seed
