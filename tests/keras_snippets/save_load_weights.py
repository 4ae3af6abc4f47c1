# save_weights / load_weights with the .weights.h5 suffix Keras 3 requires.
import os

import keras
import numpy as np


def build():
    return keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(2)])

model = build()
init = np.random.default_rng(12)
model.set_weights([init.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
model.save_weights("my_model.weights.h5")
fresh = build()
fresh.load_weights("my_model.weights.h5")
x = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 1.0]], dtype="float32")

result = {
    "exists": os.path.exists("my_model.weights.h5"),
    "same": all(np.array_equal(a, b) for a, b in zip(model.get_weights(), fresh.get_weights(), strict=True)),
    "prediction": fresh.predict(x, verbose=0),
}
