# Initializers: deterministic ones give exact values; random ones are checked by their statistics.
import keras
import numpy as np


def kernel_of(initializer, shape=(256, 256)):
    layer = keras.layers.Dense(shape[1], kernel_initializer=initializer, bias_initializer="zeros")
    layer.build((None, shape[0]))
    return layer.get_weights()[0]

he = kernel_of(keras.initializers.HeNormal(seed=42))
glorot = kernel_of(keras.initializers.GlorotNormal(seed=1))
normal = kernel_of(keras.initializers.RandomNormal(mean=0.0, stddev=0.05, seed=3))
uniform = kernel_of(keras.initializers.RandomUniform(minval=-0.1, maxval=0.1, seed=4))
he_uniform = kernel_of("he_uniform")
constant = kernel_of(keras.initializers.Constant(0.3), shape=(2, 3))
ones = kernel_of("ones", shape=(2, 2))
ident = kernel_of(keras.initializers.Identity(), shape=(3, 3))
again = kernel_of(keras.initializers.HeNormal(seed=42))

result = {
    "he_std_ok": abs(he.std() - np.sqrt(2 / 256)) < 0.01,
    "glorot_std_ok": abs(glorot.std() - np.sqrt(2 / 512)) < 0.01,
    "normal_std_ok": abs(normal.std() - 0.05) < 0.005,
    "uniform_in_range": bool(uniform.min() >= -0.1 and uniform.max() <= 0.1),
    "he_uniform_limit_ok": bool(np.abs(he_uniform).max() <= np.sqrt(6 / 256)),
    "same_seed_same_values": bool(np.array_equal(he, again)),
    "constant": constant,
    "ones": ones,
    "identity": ident,
}
