# BatchNormalization between Dense layers: training statistics and moving averages, with fixed weights.
import keras
import numpy as np

model = keras.Sequential([
    keras.Input(shape=(3,)),
    keras.layers.Dense(4),
    keras.layers.BatchNormalization(),
    keras.layers.Activation("relu"),
    keras.layers.Dense(1),
])
init = np.random.default_rng(7)
weights = [init.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()]
weights[5] = np.abs(weights[5]) + 0.5  # moving variance must be positive
model.set_weights(weights)
rng = np.random.default_rng(13)
x = rng.normal(2.0, 3.0, size=(24, 3)).astype("float32")
y = x[:, :1] - x[:, 2:]
model.compile(optimizer="adam", loss="mse")
history = model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)

result = {
    "n_weights": len(model.get_weights()),
    "n_trainable": len(model.trainable_weights),
    "loss": history.history["loss"],
    "moving": [model.layers[1].get_weights()[2].tolist(), model.layers[1].get_weights()[3].tolist()],
    "predict": model.predict(x[:3], verbose=0),
}
