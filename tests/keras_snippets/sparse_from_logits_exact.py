# Logits output with SparseCategoricalCrossentropy(from_logits=True), fixed weights, exact numbers.
import keras
import numpy as np

rng = np.random.default_rng(10)
x = rng.normal(size=(40, 5)).astype("float32")
y = rng.integers(0, 4, size=40)
model = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(10, activation="relu"), keras.layers.Dense(4)])
init = np.random.default_rng(5)
model.set_weights([init.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=[keras.metrics.SparseCategoricalAccuracy()])
history = model.fit(x, y, batch_size=10, epochs=4, shuffle=False, verbose=0)
logits = model.predict(x[:3], verbose=0)

result = {
    "history": history.history,
    "logits": logits,
    "probs": keras.ops.convert_to_numpy(keras.ops.softmax(logits)),
    "eval": model.evaluate(x, y, verbose=0),
}
