# Functional API guide style: a residual block with layers.add, trained from fixed weights.
import keras
import numpy as np
from keras import layers

inputs = keras.Input(shape=(4,), name="x")
x = layers.Dense(6, activation="relu", name="stem")(inputs)
block_output = layers.Dense(6, activation="relu", name="block")(x)
x = layers.add([x, block_output])
x = layers.Dense(6, activation="tanh")(x)
skip = layers.Add()([x, block_output])
outputs = layers.Dense(1, name="head")(skip)
model = keras.Model(inputs=inputs, outputs=outputs, name="toy_resnet")
init = np.random.default_rng(23)
model.set_weights([init.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])

rng = np.random.default_rng(5)
data = rng.normal(size=(20, 4)).astype("float32")
target = (data[:, :1] * data[:, 1:2] + data[:, 2:3]).astype("float32")
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
history = model.fit(data, target, epochs=5, batch_size=5, shuffle=False, verbose=0)

result = {
    "name": model.name,
    "count_params": model.count_params(),
    "n_layers": len(model.layers),
    "loss": history.history["loss"],
    "mae": history.history["mae"],
    "pred": model.predict(data[:3], verbose=0),
}
