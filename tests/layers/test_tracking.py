"""Layers of layers, as Keras 3's guide "Making new layers and models via subclassing" writes them: attributes that
are layers are tracked (weights, count_params, trainable, losses, the training flag), and weights are Variables.

The expected numbers are counted by hand from the shapes, or were printed by real Keras 3.15 (torch backend) on the
same code, where the comment says so.
"""
import numpy as np
import pytest

from tinygrad_acts import Tensor, Variable, ops
from tinygrad_acts.layers import Dense, Dropout, Layer
from tinygrad_acts.models import Sequential


class Linear(Layer):
    """The guide's first layer: y = x @ w + b, its weights made in build."""

    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


class MLPBlock(Layer):
    """The guide's layer of layers: three Linear layers held as attributes."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.linear_1 = Linear(32)
        self.linear_2 = Linear(32)
        self.linear_3 = Linear(1)

    def call(self, inputs):
        x = ops.relu(self.linear_1(inputs))
        x = ops.relu(self.linear_2(x))
        return self.linear_3(x)


def test_the_guides_mlp_block_tracks_the_weights_of_its_linear_layers():
    mlp = MLPBlock()
    y = mlp(np.ones((3, 64), dtype=np.float32))  # built on first call
    assert y.shape == (3, 1)
    assert len(mlp.weights) == 6 and len(mlp.trainable_weights) == 6  # as the guide prints
    assert mlp.count_params() == (64 * 32 + 32) + (32 * 32 + 32) + (32 * 1 + 1) == 3169


class Inner(Layer):
    """Own weights made in build, sublayers assigned in __init__ (in the order b, a, then a list)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.b = Dense(2, name="b_dense")
        self.a = Dense(3, name="a_dense")
        self.blocks = [Dense(4, name="l0"), Dense(5, name="l1")]

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(), initializer="ones", name="scale")
        self.total = self.add_weight(shape=(), initializer="zeros", trainable=False, name="total")

    def call(self, x):
        self.total.assign_add(ops.sum(x))
        self.add_loss(ops.sum(x) * 0.0 + 1.5)
        return self.blocks[1](self.blocks[0](self.a(self.b(x)))) * self.scale


def test_weights_come_in_keras_order_own_first_then_sublayers_in_assignment_order():
    layer = Inner(name="inner")
    layer(np.ones((2, 3), dtype=np.float32))
    # what real Keras 3.15 prints for the same layer (w.path): sublayers built in the call are named under it
    assert [w.path for w in layer.weights] == [
        "inner/scale", "inner/total", "inner/b_dense/kernel", "inner/b_dense/bias", "inner/a_dense/kernel",
        "inner/a_dense/bias", "inner/l0/kernel", "inner/l0/bias", "inner/l1/kernel", "inner/l1/bias"]
    assert [w.path for w in layer.non_trainable_weights] == ["inner/total"]
    assert len(layer.trainable_weights) == 9 and layer.weights[2].name == "kernel"
    assert layer.count_params() == 1 + 1 + (3 * 2 + 2) + (2 * 3 + 3) + (3 * 4 + 4) + (4 * 5 + 5)  # 60, as Keras
    assert [float(loss) for loss in layer.losses] == [1.5]


def test_trainable_false_freezes_every_sublayer_and_true_thaws_them():
    layer = Inner()
    layer(np.ones((2, 3), dtype=np.float32))
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 10
    assert not layer.b.trainable and not layer.blocks[1].trainable and not layer.b.kernel.trainable
    assert not layer.scale.requires_grad  # a frozen weight asks for no gradient
    layer.trainable = True
    assert len(layer.trainable_weights) == 9 and layer.b.kernel.requires_grad
    assert not layer.total.trainable  # a non-trainable weight stays so


def test_a_container_assigned_empty_and_filled_later_is_tracked():
    class Stack(Layer):
        def __init__(self):
            super().__init__()
            self.hidden = []
            for units in (4, 2):
                self.hidden.append(Dense(units))

        def call(self, x):
            for layer in self.hidden:
                x = layer(x)
            return x

    stack = Stack()
    stack(np.ones((1, 3), dtype=np.float32))
    assert stack.count_params() == (3 * 4 + 4) + (4 * 2 + 2)
    stack.hidden = None  # no longer a layer: no longer tracked
    assert stack.weights == []


class ComputeSum(Layer):
    """The guide's non-trainable weight: a running total, updated in place by call."""

    def __init__(self, input_dim):
        super().__init__()
        self.total = self.add_weight(initializer="zeros", shape=(input_dim,), trainable=False)

    def call(self, inputs):
        self.total.assign_add(ops.sum(inputs, axis=0))
        return self.total


def test_the_guides_non_trainable_total_is_updated_in_place_by_assign_add():
    my_sum = ComputeSum(2)
    x = np.ones((2, 2), dtype=np.float32)
    np.testing.assert_array_equal(my_sum(x).numpy(), [2.0, 2.0])
    np.testing.assert_array_equal(my_sum(x).numpy(), [4.0, 4.0])
    assert len(my_sum.weights) == 1 and len(my_sum.non_trainable_weights) == 1 and my_sum.trainable_weights == []


class ActivityRegularizationLayer(Layer):
    def __init__(self, rate=1e-2):
        super().__init__()
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * ops.mean(inputs))
        return inputs


class OuterLayer(Layer):
    def __init__(self):
        super().__init__()
        self.activity_reg = ActivityRegularizationLayer(1e-2)

    def call(self, inputs):
        return self.activity_reg(inputs)


def test_add_loss_in_a_sublayer_reaches_the_outer_layer_and_each_call_starts_afresh():
    layer = OuterLayer()
    assert layer.losses == []
    layer(np.full((1, 1), 3.0, dtype=np.float32))
    assert [float(loss) for loss in layer.losses] == [pytest.approx(0.03)]
    layer(np.full((1, 1), 5.0, dtype=np.float32))  # the last call's loss is gone, as in Keras
    assert [float(loss) for loss in layer.losses] == [pytest.approx(0.05)]


def test_add_loss_of_a_vector_says_to_reduce_it():
    class Bad(Layer):
        def call(self, x):
            self.add_loss(x * 2)
            return x

    with pytest.raises(ValueError, match=r"add_loss in layer 'bad\w*' expects one number \(a 0-d Tensor\), got a "
                                         r"Tensor of shape \(2, 3\); reduce it first, e.g. self.add_loss\(ops.mean"):
        Bad()(np.ones((2, 3), dtype=np.float32))


def test_add_loss_is_added_to_the_training_loss_and_trained_away():
    """A model whose loss is mse plus 0.1 * mean(output^2): fit's loss is the sum; the gradient is the sum's."""
    class Penalized(Layer):
        def __init__(self):
            super().__init__()
            self.dense = Dense(1, kernel_initializer="ones", bias_initializer="zeros")

        def call(self, x):
            y = self.dense(x)
            self.add_loss(0.1 * ops.mean(y * y))
            return y

    model = Sequential([Penalized()])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.array([[1.0], [2.0]], dtype=np.float32), np.array([[0.0], [0.0]], dtype=np.float32)
    # predictions x (kernel 1): mse = (1 + 4) / 2 = 2.5, the added loss 0.1 * 2.5 = 0.25
    assert model.train_on_batch(x, y) == pytest.approx(2.75)
    # the gradient of 1.1 * mean((k x + b)^2) at k=1, b=0: d/dk = 1.1 * mean(2 x^2) = 5.5, d/db = 1.1 * mean(2 x) = 3.3;
    # SGD's learning rate 0.01 (the first step already trains the Dense that the first call built)
    kernel, bias = model.get_weights()
    assert kernel.item() == pytest.approx(1 - 0.055) and bias.item() == pytest.approx(-0.033)


class NoisyBlock(Layer):
    """A block of your own whose call passes no training flag to its Dropout: it comes from the outer call."""

    def __init__(self):
        super().__init__()
        self.dropout = Dropout(0.5, seed=0)

    def call(self, x):
        return self.dropout(x)


def test_the_training_flag_of_the_outer_call_reaches_a_dropout_inside():
    block = NoisyBlock()
    x = np.ones((50, 40), dtype=np.float32)
    np.testing.assert_array_equal(block(x).data, x)  # no flag: inference, the identity
    dropped = block(x, training=True).data
    assert set(np.unique(dropped)) == {0.0, 2.0}  # kept entries scaled by 1 / (1 - 0.5)
    np.testing.assert_array_equal(block(x, training=False).data, x)


def test_fit_trains_the_weights_of_a_layer_of_layers():
    model = Sequential([MLPBlock()])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).normal(size=(16, 64)).astype(np.float32)
    model.fit(x, np.zeros((16, 1), dtype=np.float32), epochs=1, verbose=0)
    assert model.count_params() == 3169 and len(model.trainable_weights) == 6
    before = model.get_weights()
    model.fit(x, np.zeros((16, 1), dtype=np.float32), epochs=1, verbose=0)
    assert all(not np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))


# ----------------------------------------------------------------------------------------------------------------
# Variable
# ----------------------------------------------------------------------------------------------------------------
def test_a_weight_is_a_variable_named_kernel_with_its_layers_path():
    layer = Dense(3, name="dense_x")
    layer.build((None, 2))
    assert isinstance(layer.kernel, Variable) and isinstance(layer.kernel, Tensor)
    assert (layer.kernel.name, layer.kernel.path, layer.kernel.trainable) == ("kernel", "dense_x/kernel", True)
    assert repr(layer.bias) == "<Variable path=dense_x/bias, shape=(3,), dtype=float32, value=[0. 0. 0.]>"


def test_assign_writes_in_place_so_the_layer_computes_with_the_new_numbers():
    layer = Dense(1, kernel_initializer="zeros", name="d")
    layer.build((None, 2))
    kernel_array = layer.kernel.data
    layer.kernel.assign([[1.0], [2.0]])
    layer.bias.assign_add(0.5)
    layer.bias.assign_sub([0.25])
    assert layer.kernel.data is kernel_array  # the same array: optimizers and graphs keep pointing at it
    np.testing.assert_allclose(layer(np.array([[1.0, 1.0]], dtype=np.float32)).data, [[3.25]])
    copy = layer.kernel.numpy()
    copy[0, 0] = 9.0
    assert layer.kernel.data[0, 0] == 1.0  # numpy() is a copy


def test_assign_of_the_wrong_shape_names_the_variable_and_both_shapes_and_changes_nothing():
    v = Variable(np.zeros((2, 3)), name="w")
    with pytest.raises(ValueError, match=r"Variable 'w': cannot assign a value of shape \(3, 2\) to a variable of "
                                         r"shape \(2, 3\); give an array of shape \(2, 3\)"):
        v.assign(np.ones((3, 2)))
    assert not v.data.any() and v.dtype == np.float64
    v.assign(1)  # one number fills every entry
    assert v.data.sum() == 6.0


def test_an_integer_variable_cannot_be_made_trainable_and_stays_as_it_was():
    count = Variable(0, trainable=False, dtype="int32", name="count")  # as Normalization's sample count
    with pytest.raises(TypeError, match=r"Variable 'count' holds int32 numbers, which cannot be trained"):
        count.trainable = True
    assert count.trainable is False
