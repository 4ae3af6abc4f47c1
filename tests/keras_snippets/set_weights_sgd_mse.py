# Reproducing a run: fixed initial weights, SGD on mean squared error, no shuffling.
import keras
import numpy as np

rng = np.random.default_rng(2)
x = rng.normal(size=(40, 3)).astype("float32")
y = (x @ np.array([[1.0], [-2.0], [0.5]]) + 0.3).astype("float32")

model = keras.Sequential([
    keras.Input(shape=(3,)),
    keras.layers.Dense(4, activation="tanh"),
    keras.layers.Dense(1),
])
init = np.random.default_rng(0)
model.set_weights([init.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
history = model.fit(x, y, batch_size=8, epochs=5, shuffle=False, verbose=0)

result = {
    "loss": history.history["loss"],
    "weights": [w.tolist() for w in model.get_weights()],
    "prediction": model.predict(x[:3], verbose=0),
}
