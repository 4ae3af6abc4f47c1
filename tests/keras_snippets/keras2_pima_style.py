# Keras 2 "first neural network" tutorial style: input_dim, binary crossentropy, accuracy.
import keras  # noqa: F401 - the tutorial imports it; the layers come by name
import numpy as np
from keras.layers import Dense
from keras.models import Sequential

rng = np.random.default_rng(1)
X = rng.normal(size=(300, 8)).astype("float32")
y = (X[:, 0] + X[:, 1] - X[:, 2] > 0).astype("float32")

model = Sequential()
model.add(Dense(12, input_dim=8, activation="relu"))
model.add(Dense(8, activation="relu"))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(X, y, epochs=40, batch_size=32, verbose=0)
_, accuracy = model.evaluate(X, y, verbose=0)
predictions = (model.predict(X, verbose=0) > 0.5).astype(int)

result = {
    "accuracy_above_0_85": bool(accuracy > 0.85),
    "predictions_shape": list(predictions.shape),
    "predictions_are_0_or_1": sorted(set(predictions.ravel().tolist())) in ([0, 1], [0], [1]),
}
