# Multi-class with one-hot labels, Adam and categorical crossentropy, from fixed weights.
import keras
import numpy as np

rng = np.random.default_rng(3)
x = rng.normal(size=(60, 4)).astype("float32")
labels = np.argmax(x[:, :3], axis=1)
y = keras.utils.to_categorical(labels, num_classes=3)

model = keras.Sequential([
    keras.layers.Dense(8, activation="relu", input_shape=(4,)),
    keras.layers.Dense(3, activation="softmax"),
])
init = np.random.default_rng(0)
model.set_weights([init.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
              loss="categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x, y, batch_size=60, epochs=10, verbose=0)
loss, acc = model.evaluate(x, y, verbose=0)

result = {
    "loss": history.history["loss"],
    "accuracy": history.history["accuracy"],
    "evaluate": [loss, acc],
    "probs": model.predict(x[:4], verbose=0),
}
