# TensorFlow beginner tutorial style: Flatten -> Dense -> Dropout -> logits, then wrap with Softmax.
import keras
import numpy as np

rng = np.random.default_rng(0)
x_train = rng.random((128, 28, 28)).astype("float32")
y_train = (x_train[:, :14, :].mean(axis=(1, 2)) * 10).astype("int64") % 10
x_test, y_test = x_train[:32], y_train[:32]

model = keras.models.Sequential([
    keras.layers.Flatten(input_shape=(28, 28)),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dropout(0.2),
    keras.layers.Dense(10),
])
predictions = keras.ops.convert_to_numpy(model(x_train[:1]))
first_probs = keras.ops.convert_to_numpy(keras.ops.softmax(predictions))
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
untrained_loss = float(loss_fn(y_train[:1], predictions))
model.compile(optimizer="adam", loss=loss_fn, metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=3, verbose=0)
test_loss, test_acc = model.evaluate(x_test, y_test, verbose=0)

probability_model = keras.Sequential([model, keras.layers.Softmax()])
probs = probability_model.predict(x_test[:5], verbose=0)

result = {
    "logits_shape": list(predictions.shape),
    "first_probs_sum": float(first_probs.sum()),
    "untrained_loss_positive": untrained_loss > 0,
    "epochs": len(history.history["loss"]),
    "history_keys": sorted(history.history),
    "probs_shape": list(probs.shape),
    "probs_sum_to_one": np.allclose(probs.sum(axis=1), 1.0, atol=1e-5),
    "test_acc_is_fraction": 0.0 <= test_acc <= 1.0,
}
