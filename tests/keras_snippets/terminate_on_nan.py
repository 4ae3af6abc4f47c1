# TerminateOnNaN stops training when a too-large learning rate blows the loss up.
import keras
import numpy as np

x = np.linspace(-3, 3, 40, dtype="float32").reshape(20, 2)
y = (10 * x[:, :1]).astype("float32")
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(8), keras.layers.Dense(1)])
model.set_weights([np.full(w.shape, 0.5, dtype="float32") for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=10.0), loss="mse")
history = model.fit(x, y, epochs=50, batch_size=20, callbacks=[keras.callbacks.TerminateOnNaN()], verbose=0)
losses = history.history["loss"]

result = {
    "stopped_early": len(losses) < 50,
    "last_is_nan_or_inf": bool(not np.isfinite(losses[-1])),
}
