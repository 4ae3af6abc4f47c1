# Per-sample weights in fit and evaluate.
import keras
import numpy as np

x = np.linspace(-1, 1, 40, dtype="float32").reshape(20, 2)
y = (2 * x[:, :1] - x[:, 1:]).astype("float32")
sample_weight = np.where(np.arange(20) < 10, 1.0, 3.0).astype("float32")
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
model.set_weights([np.array([[0.1], [0.1]], "float32"), np.zeros(1, "float32")])
model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
history = model.fit(x, y, sample_weight=sample_weight, epochs=3, batch_size=5, shuffle=False, verbose=0)
weighted = model.evaluate(x, y, sample_weight=sample_weight, verbose=0)
unweighted = model.evaluate(x, y, verbose=0)

result = {"history": history.history, "weighted": weighted, "unweighted": unweighted}
