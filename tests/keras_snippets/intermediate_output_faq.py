# FAQ: a feature extractor that returns an intermediate layer's output.
import keras
import numpy as np

inputs = keras.Input(shape=(4,))
h = keras.layers.Dense(3, activation="relu", name="hidden")(inputs)
outputs = keras.layers.Dense(1)(h)
model = keras.Model(inputs=inputs, outputs=outputs)
model.set_weights([np.arange(12, dtype="float32").reshape(4, 3) / 10 - 0.5, np.array([0.1, 0.0, -0.1], "float32"),
                   np.array([[1.0], [2.0], [3.0]], "float32"), np.zeros(1, "float32")])
extractor = keras.Model(inputs=model.inputs, outputs=model.get_layer("hidden").output)
x = np.array([[1.0, 0.0, 0.0, 1.0], [0.5, 0.5, -1.0, 2.0]], dtype="float32")

result = {"features": extractor.predict(x, verbose=0), "outputs": model.predict(x, verbose=0)}
