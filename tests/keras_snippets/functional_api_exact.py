# Functional chain with fixed weights: training numbers match to float32 precision.
import keras
import numpy as np

inputs = keras.Input(shape=(3,), name="features")
hidden = keras.layers.Dense(6, activation="elu", name="hidden")(inputs)
hidden = keras.layers.Dense(4, activation="softplus")(hidden)
outputs = keras.layers.Dense(2, activation="softmax", name="probs")(hidden)
model = keras.Model(inputs, outputs)
init = np.random.default_rng(2)
model.set_weights([init.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])

rng = np.random.default_rng(9)
x = rng.normal(size=(30, 3)).astype("float32")
y = (x[:, 0] > x[:, 1]).astype("int32")
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
history = model.fit(x, y, epochs=6, batch_size=10, shuffle=False, verbose=0)

result = {
    "loss": history.history["loss"],
    "accuracy": history.history["accuracy"],
    "probs": model.predict(x[:3], verbose=0),
    "layer_names": [layer.name for layer in model.layers],
}
