# FAQ: freezing a layer with trainable = False before compile.
import keras
import numpy as np

model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, activation="relu", name="frozen"),
                          keras.layers.Dense(1, name="head")])
init = np.random.default_rng(10)
model.set_weights([init.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
model.get_layer("frozen").trainable = False
frozen_before = model.get_layer("frozen").get_weights()
head_before = model.get_layer("head").get_weights()
model.compile(optimizer="adam", loss="mse")
x = np.linspace(-1, 1, 30, dtype="float32").reshape(10, 3)
history = model.fit(x, x[:, :1] ** 2, epochs=3, batch_size=5, shuffle=False, verbose=0)

result = {
    "n_trainable": len(model.trainable_weights),
    "n_non_trainable": len(model.non_trainable_weights),
    "frozen_unchanged": all(np.array_equal(a, b)
                            for a, b in zip(frozen_before, model.get_layer("frozen").get_weights(), strict=True)),
    "head_changed": not np.allclose(head_before[0], model.get_layer("head").get_weights()[0]),
    "loss": history.history["loss"],
}
