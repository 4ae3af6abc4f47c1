# Activation-as-layer classes: LeakyReLU (Keras 2's alpha and Keras 3's negative_slope), ReLU options, Softmax, ELU.
import keras
import numpy as np

x = np.array([[-3.0, -1.0, -0.1, 0.0, 0.5, 2.0, 8.0]], dtype="float32")

def out(layer):
    return keras.ops.convert_to_numpy(layer(x))

result = {
    "leaky_default": out(keras.layers.LeakyReLU()),
    "leaky_slope": out(keras.layers.LeakyReLU(negative_slope=0.1)),
    "relu": out(keras.layers.ReLU()),
    "relu6": out(keras.layers.ReLU(max_value=6.0)),
    "relu_threshold": out(keras.layers.ReLU(negative_slope=0.2, threshold=0.5)),
    "softmax": out(keras.layers.Softmax()),
    "elu": out(keras.layers.ELU(alpha=0.5)),
    "prelu_like_in_model": keras.Sequential([keras.Input(shape=(7,)), keras.layers.Dense(7, use_bias=False,
                                             kernel_initializer="identity"), keras.layers.LeakyReLU(0.2)])
    .predict(x, verbose=0),
}
