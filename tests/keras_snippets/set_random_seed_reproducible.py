# keras.utils.set_random_seed makes initial weights and training repeatable.
import keras
import numpy as np


def run():
    keras.utils.set_random_seed(1337)
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dropout(0.5), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    initial = model.get_weights()
    x = np.random.rand(32, 4).astype("float32")
    y = np.random.rand(32, 1).astype("float32")
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    return initial, history.history["loss"], x

w1, loss1, x1 = run()
w2, loss2, x2 = run()

result = {
    "same_initial_weights": all(np.array_equal(a, b) for a, b in zip(w1, w2, strict=True)),
    "same_losses": loss1 == loss2,
    "same_numpy_data": bool(np.array_equal(x1, x2)),
    "numpy_data": x1[:2],
}
