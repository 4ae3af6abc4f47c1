# predict with batch_size, predict_on_batch, and calling the model directly.
import keras
import numpy as np

model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, activation="relu"),
                          keras.layers.Dense(2, activation="softmax")])
model.set_weights([np.array([[0.1, -0.3], [0.4, 0.2], [-0.5, 0.6]], dtype="float32"), np.array([0.1, 0.0], "float32"),
                   np.array([[1.0, -1.0], [0.5, 0.25]], dtype="float32"), np.zeros(2, "float32")])
x = np.arange(15, dtype="float32").reshape(5, 3) / 10
p1 = model.predict(x, batch_size=2, verbose=0)
p2 = model.predict_on_batch(x)
p3 = keras.ops.convert_to_numpy(model(x, training=False))

result = {
    "p1": p1,
    "same_on_batch": bool(np.allclose(p1, np.asarray(p2))),
    "same_call": bool(np.allclose(p1, p3)),
    "classes": np.argmax(p1, axis=-1).tolist(),
    "dtype": str(p1.dtype),
}
