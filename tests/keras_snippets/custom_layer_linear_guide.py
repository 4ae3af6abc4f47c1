# "Making new layers" guide style: weights created in __init__ with add_weight, used in call with keras.ops.
import keras
import numpy as np
from keras import ops


class Linear(keras.layers.Layer):
    def __init__(self, units=32, input_dim=32):
        super().__init__()
        self.w = self.add_weight(shape=(input_dim, units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

x = ops.ones((2, 2))
linear_layer = Linear(4, 2)
y = linear_layer(x)
linear_layer.set_weights([np.array([[1.0, 2.0, 3.0, 4.0], [0.5, 0.5, 0.5, 0.5]], dtype="float32"),
                          np.array([0.0, 1.0, 0.0, -1.0], dtype="float32")])
y2 = ops.convert_to_numpy(linear_layer(x))

result = {
    "shape": list(y.shape),
    "n_weights": len(linear_layer.weights),
    "n_trainable": len(linear_layer.trainable_weights),
    "y2": y2,
}
