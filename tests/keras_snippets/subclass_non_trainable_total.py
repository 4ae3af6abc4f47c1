# Subclassing guide style: a layer with a non-trainable weight, a running total updated with assign_add.
import keras
import numpy as np
from keras import ops


class ComputeSum(keras.layers.Layer):
    def __init__(self, input_dim):
        super().__init__()
        self.total = self.add_weight(initializer="zeros", shape=(input_dim,), trainable=False)

    def call(self, inputs):
        self.total.assign_add(ops.sum(inputs, axis=0))
        return self.total


x = ops.ones((2, 2))
my_sum = ComputeSum(2)
first = ops.convert_to_numpy(my_sum(x))
second = ops.convert_to_numpy(my_sum(x))
third = ops.convert_to_numpy(my_sum(np.array([[1.5, -2.0], [0.25, 4.0]], dtype="float32")))

result = {
    "first": first,
    "second": second,
    "third": third,
    "n_weights": len(my_sum.weights),
    "n_non_trainable": len(my_sum.non_trainable_weights),
    "n_trainable": len(my_sum.trainable_weights),
}
