# Whole-model saving to the .keras format and keras.models.load_model, compiled state included.
import keras
import numpy as np

model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(3, activation="tanh"),
                          keras.layers.Dense(1, activation="sigmoid")])
model.set_weights([np.array([[0.5, -0.5, 0.2], [0.1, 0.4, -0.3]], "float32"), np.zeros(3, "float32"),
                   np.array([[1.0], [-1.0], [0.5]], "float32"), np.zeros(1, "float32")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.save("my_model.keras")
reconstructed = keras.models.load_model("my_model.keras")
x = np.array([[0.3, 0.7], [1.0, -1.0]], dtype="float32")
y = np.array([[1.0], [0.0]], dtype="float32")

result = {
    "prediction": reconstructed.predict(x, verbose=0),
    "same": bool(np.allclose(model.predict(x, verbose=0), reconstructed.predict(x, verbose=0))),
    "evaluate": reconstructed.evaluate(x, y, verbose=0),
}
