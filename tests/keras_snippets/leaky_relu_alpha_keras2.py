# Keras 2 tutorials write LeakyReLU(alpha=0.1) after a linear Dense layer.
import keras  # noqa: F401 - the tutorial imports it; the layers come by name
import numpy as np
from keras.layers import Dense, LeakyReLU
from keras.models import Sequential

model = Sequential()
model.add(Dense(4, input_dim=2))
model.add(LeakyReLU(alpha=0.1))
model.add(Dense(1, activation="sigmoid"))
model.set_weights([np.array([[1.0, -1.0, 0.5, -0.5], [0.2, 0.3, -0.4, 0.1]], "float32"), np.zeros(4, "float32"),
                   np.array([[0.5], [-0.5], [1.0], [0.25]], "float32"), np.zeros(1, "float32")])
x = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -2.0]], dtype="float32")

result = {"prediction": model.predict(x, verbose=0)}
