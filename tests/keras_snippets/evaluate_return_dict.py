# evaluate(..., return_dict=True), metrics_names, and several metrics by string.
import keras
import numpy as np

x = np.linspace(-1, 1, 40, dtype="float32").reshape(20, 2)
y = x[:, :1] + 0.5 * x[:, 1:]
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
model.set_weights([np.array([[0.8], [0.1]], dtype="float32"), np.array([0.05], dtype="float32")])
model.compile(optimizer="sgd", loss="mse", metrics=["mae", "mse"])
scores = model.evaluate(x, y, verbose=0)
as_dict = model.evaluate(x, y, verbose=0, return_dict=True)

result = {
    "scores": scores,
    "dict": as_dict,
    "metrics_names": model.metrics_names,
}
