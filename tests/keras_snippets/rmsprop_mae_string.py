# String optimizer and loss: 'rmsprop' with 'mae', metrics 'mse'.
import keras
import numpy as np

rng = np.random.default_rng(4)
x = rng.uniform(-1, 1, size=(32, 2)).astype("float32")
y = (np.sin(x[:, :1]) + x[:, 1:] ** 2).astype("float32")

model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(6, activation="sigmoid"), keras.layers.Dense(1)])
init = np.random.default_rng(0)
model.set_weights([init.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
model.compile(optimizer="rmsprop", loss="mae", metrics=["mse"])
history = model.fit(x, y, batch_size=16, epochs=6, shuffle=False, verbose=0)

result = {"loss": history.history["loss"], "mse": history.history["mse"]}
