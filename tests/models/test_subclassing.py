"""Models of your own, as Keras 3's guides write them: a subclass of Model with __init__ (its layers) and call (the
forward pass), trained, evaluated, saved and frozen as any model — compared with real Keras 3 on the same weights.

The Keras tests need Keras 3 on PyTorch; without them they skip, saying so (under CI, which installs them, they
fail instead). Other expected numbers are worked by hand in the comments.
"""

import numpy as np
import pytest

from tinygrad_acts import ops
from tinygrad_acts.layers import BatchNormalization, Dense, Dropout, Layer
from tinygrad_acts.models import Model, Sequential
from tinygrad_acts.optimizers import SGD

X = np.random.default_rng(23).normal(size=(16, 64)).astype(np.float32)
Y = (X[:, :1] > 0).astype(np.float32)




def guide_classes(base_layer, base_model, relu):
    """The subclassing guide's Linear and MLPBlock, and a Model that runs the block: the same source for Keras and
    for us, given each one's Layer, Model and relu."""

    class Linear(base_layer):
        def __init__(self, units=32, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")
            self.b = self.add_weight(shape=(self.units,), initializer="random_normal")

        def call(self, inputs):
            return inputs @ self.w + self.b

    class MLPBlock(base_layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.linear_1 = Linear(32)
            self.linear_2 = Linear(32)
            self.linear_3 = Linear(1)

        def call(self, inputs):
            x = relu(self.linear_1(inputs))
            x = relu(self.linear_2(x))
            return self.linear_3(x)

    class BlockModel(base_model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.block = MLPBlock()

        def call(self, inputs, training=None):
            return self.block(inputs)

    return MLPBlock, BlockModel


class MLP(Model):
    """The guide's model: Dense, Dropout, Dense; the training flag passed on by hand."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense_1 = Dense(8, activation="relu")
        self.dropout = Dropout(0.5)
        self.dense_2 = Dense(1)

    def call(self, inputs, training=None):
        return self.dense_2(self.dropout(self.dense_1(inputs), training=training))


def test_the_guides_block_model_counts_keras_parameters_and_trains_to_keras_losses(keras):
    _, ours_model = guide_classes(Layer, Model, ops.relu)
    _, theirs_model = guide_classes(keras.layers.Layer, keras.Model, keras.ops.relu)
    ours, theirs = ours_model(), theirs_model()
    ours.build((None, 64))
    theirs(X[:1])
    assert ours.count_params() == theirs.count_params() == 3169
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(ours.predict(X), keras.ops.convert_to_numpy(theirs(X)), rtol=1e-5, atol=1e-6)
    ours.compile(optimizer=SGD(0.05), loss="mse")
    theirs.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    for _ in range(5):
        np.testing.assert_allclose(ours.train_on_batch(X, Y), theirs.train_on_batch(X, Y), rtol=1e-5)
    for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_the_guides_block_in_a_sequential_is_trained_as_in_keras(keras):
    ours_block, _ = guide_classes(Layer, Model, ops.relu)
    theirs_block, _ = guide_classes(keras.layers.Layer, keras.Model, keras.ops.relu)
    ours = Sequential([ours_block()])
    ours.build((None, 64))
    theirs = keras.Sequential([keras.Input((64,)), theirs_block()])
    theirs.set_weights(ours.get_weights())
    ours.compile(optimizer=SGD(0.05), loss="mse")
    theirs.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    ours_history = ours.fit(X, Y, batch_size=8, epochs=3, shuffle=False, verbose=0).history["loss"]
    theirs_history = theirs.fit(X, Y, batch_size=8, epochs=3, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(ours_history, theirs_history, rtol=1e-5)


def test_a_model_of_your_own_compiles_fits_evaluates_predicts_and_summarizes(tmp_path):
    model = MLP(name="mlp")
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X[:, :3], Y, epochs=2, verbose=0)
    assert [layer.name for layer in model.layers] == [model.dense_1.name, model.dropout.name, model.dense_2.name]
    assert model.count_params() == (3 * 8 + 8) + (8 * 1 + 1)
    assert model.predict(X[:, :3]).shape == (16, 1)
    assert isinstance(model.evaluate(X[:, :3], Y), float) and isinstance(model.test_on_batch(X[:, :3], Y), float)
    lines = []
    model.summary(print_fn=lines.append)
    assert lines[0] == 'Model: "mlp"' and "(None, 8)" in lines[4] and "Total params: 41" in "\n".join(lines)
    model.save_weights(tmp_path / "mlp.weights.npz")
    again = MLP()
    again.build((None, 3))
    again.load_weights(tmp_path / "mlp.weights.npz")
    np.testing.assert_array_equal(again.predict(X[:, :3]), model.predict(X[:, :3]))


def test_fit_passes_training_true_and_predict_false_to_the_layers_inside():
    class Batchnormed(Model):
        def __init__(self):
            super().__init__()
            self.norm = BatchNormalization(momentum=0.0)  # the moving statistics become the last batch's

        def call(self, x):  # no training argument: the layers inside get fit's and predict's flag anyway
            return self.norm(x)

    model = Batchnormed()
    model.compile(optimizer=SGD(0.0), loss="mse")  # no step: gamma 1 and beta 0 stay
    x = np.array([[1.0], [3.0]], dtype=np.float32)
    model.train_on_batch(x, np.zeros((2, 1), dtype=np.float32))
    # training: the batch's mean 2 and variance 1 became the moving ones; predict uses them (epsilon 1e-3)
    np.testing.assert_allclose(model.norm.moving_mean.numpy(), [2.0])
    np.testing.assert_allclose(model.predict(x), [[-1 / np.sqrt(1.001)], [1 / np.sqrt(1.001)]], rtol=1e-6)


def test_trainable_false_freezes_a_model_and_its_summary_counts_follow():
    model = Sequential([Dense(4, input_shape=(3,)), Dense(1)])
    model.trainable = False
    assert model.trainable_weights == [] and not model.layers[0].trainable
    lines = []
    model.summary(print_fn=lines.append)
    assert "Trainable params: 0" in "\n".join(lines) and "Non-trainable params: 21" in "\n".join(lines)
    outer = Sequential([model, Dense(1)])  # the transfer-learning guide: a frozen base under a new head
    assert len(outer.trainable_weights) == 2 and len(outer.non_trainable_weights) == 4
    model.trainable = True
    assert len(outer.trainable_weights) == 6


def test_a_model_whose_only_loss_is_its_add_loss_fits_without_y():
    """Keras 3.15 prints {'loss': [2.41667, 0.97345, 0.54925]} for the same code (SGD(0.1), one batch, 3 epochs)."""
    class AddLossOnly(Model):
        def __init__(self):
            super().__init__()
            self.dense = Dense(1, kernel_initializer="ones")

        def call(self, x):
            y = self.dense(x)
            self.add_loss(ops.mean(ops.square(y - 1.0)))
            return y

    model = AddLossOnly()
    model.compile(optimizer=SGD(0.1))  # no loss: the model's own is the loss
    x = np.array([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0]], dtype=np.float32)
    # y = x @ [1, 1] = [3, -0.5, 2]: mean((y - 1)^2) = (4 + 2.25 + 1) / 3 = 2.41667
    history = model.fit(x, epochs=3, batch_size=3, verbose=0, shuffle=False).history["loss"]
    np.testing.assert_allclose(history, [2.4166667, 0.9734491, 0.5492506], rtol=1e-5)
    np.testing.assert_allclose(model.evaluate(x), 0.3802325, rtol=1e-5)


def test_a_model_without_any_loss_says_what_to_write():
    model = MLP(name="lossless")
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match=r"fit: model 'lossless' was compiled without a loss and its call added none"):
        model.fit(X[:, :3], Y, verbose=0)


def test_building_with_an_unknown_size_says_what_to_write():
    with pytest.raises(ValueError, match=r"build: model 'mlp\w*' needs an input shape with the batch axis first and "
                                         r"every other size known, such as \(None, 4\), got \(None, None\)"):
        MLP().build((None, None))
    with pytest.raises(ValueError, match=r"summary: the model 'mlp\w*' has not been built yet.*call it on a batch"):
        MLP().summary()


def test_a_model_of_your_own_is_not_converted_to_keras_and_says_why():
    model = MLP(name="mine")
    model.build((None, 3))
    with pytest.raises(NotImplementedError, match=r"to_keras: model 'mine' is a model of your own \(MLP\)"):
        model.to_keras()
