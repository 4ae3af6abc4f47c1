# Subclassing guide style: a Linear layer with lazy weights in build(), nested three times in an MLPBlock.
import keras
import numpy as np
from keras import ops


class Linear(keras.layers.Layer):
    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


class MLPBlock(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.linear_1 = Linear(8)
        self.linear_2 = Linear(4)
        self.linear_3 = Linear(1)

    def call(self, inputs):
        x = self.linear_1(inputs)
        x = keras.activations.relu(x)
        x = self.linear_2(x)
        x = keras.activations.relu(x)
        return self.linear_3(x)


mlp = MLPBlock()
y = mlp(ops.ones(shape=(3, 5)))
init = np.random.default_rng(21)
mlp.set_weights([init.normal(0, 0.5, w.shape).astype("float32") for w in mlp.get_weights()])
x = np.linspace(-1, 1, 15, dtype="float32").reshape(3, 5)

result = {
    "shape": list(y.shape),
    "n_weights": len(mlp.weights),
    "n_trainable": len(mlp.trainable_weights),
    "weight_shapes": [list(w.shape) for w in mlp.weights],
    "sublayer_weights": len(mlp.linear_2.weights),
    "out": ops.convert_to_numpy(mlp(x)),
}
