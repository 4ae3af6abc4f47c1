# The functional API guide's first model: Input -> Dense -> Dense -> Dense, keras.Model(inputs, outputs).
import keras
import numpy as np
from keras import layers

inputs = keras.Input(shape=(784,))
x = layers.Dense(64, activation="relu")(inputs)
x = layers.Dense(64, activation="relu")(x)
outputs = layers.Dense(10)(x)
model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")
model.summary()

rng = np.random.default_rng(8)
x_train = rng.random((200, 784)).astype("float32")
y_train = rng.integers(0, 10, size=200)
model.compile(
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    optimizer=keras.optimizers.RMSprop(),
    metrics=["accuracy"],
)
history = model.fit(x_train, y_train, batch_size=64, epochs=2, validation_split=0.2, verbose=0)
test_scores = model.evaluate(x_train[:50], y_train[:50], verbose=0)

result = {
    "name": model.name,
    "count_params": model.count_params(),
    "n_layers": len(model.layers),
    "history_keys": sorted(history.history),
    "n_scores": len(test_scores),
    "output_shape": list(model.predict(x_train[:3], verbose=0).shape),
}
