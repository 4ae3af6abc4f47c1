# A layer that adds an activity penalty with self.add_loss, as in the custom-layers guide.
import keras
import numpy as np
from keras import ops


class ActivityRegularizationLayer(keras.layers.Layer):
    def __init__(self, rate=1e-2):
        super().__init__()
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * ops.sum(inputs))
        return inputs

model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, activation="relu"),
                          ActivityRegularizationLayer(0.05), keras.layers.Dense(1)])
init = np.random.default_rng(13)
model.set_weights([init.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
x = np.linspace(-1, 1, 30, dtype="float32").reshape(10, 3)
model.compile(optimizer="sgd", loss="mse")
history = model.fit(x, x[:, :1], epochs=3, batch_size=5, shuffle=False, verbose=0)

result = {"loss": history.history["loss"]}
