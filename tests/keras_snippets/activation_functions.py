# keras.activations by name and as functions, and Activation layers built from strings.
import keras
import numpy as np

x = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0], dtype="float32")
names = ["relu", "sigmoid", "tanh", "softplus", "softsign", "selu", "elu", "exponential", "gelu", "swish",
         "hard_sigmoid", "linear", "relu6", "silu", "mish", "log_softmax"]
values = {}
for name in names:
    fn = keras.activations.get(name)
    values[name] = keras.ops.convert_to_numpy(fn(x[None, :]))[0]
values["relu_direct"] = keras.ops.convert_to_numpy(keras.activations.relu(x, negative_slope=0.1, max_value=2.0))
values["softmax_layer"] = keras.Sequential([keras.Input(shape=(7,)), keras.layers.Activation("softmax")]).predict(
    x[None, :], verbose=0)
values["serialize"] = keras.activations.serialize(keras.activations.tanh)

result = values
