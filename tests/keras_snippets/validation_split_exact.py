# validation_split holds out the last 20% of the arrays; with fixed weights the numbers reproduce.
import keras
import numpy as np

rng = np.random.default_rng(14)
x = rng.normal(size=(50, 4)).astype("float32")
y = (x[:, :2].sum(axis=1) > 0).astype("float32")
model = keras.Sequential([keras.layers.Dense(6, activation="relu", input_shape=(4,)),
                          keras.layers.Dense(1, activation="sigmoid")])
init = np.random.default_rng(8)
model.set_weights([init.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(x, y, validation_split=0.2, epochs=4, batch_size=40, verbose=0)

result = {"history": history.history, "keys": sorted(history.history), "epoch": history.epoch}
