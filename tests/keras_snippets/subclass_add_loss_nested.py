# Subclassing guide style: an activity-regularization layer nested in an outer layer; layer.losses is reset on
# every call, and the penalty joins the loss during fit.
import keras
import numpy as np
from keras import ops


class ActivityRegularizationLayer(keras.layers.Layer):
    def __init__(self, rate=1e-2):
        super().__init__()
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * ops.mean(ops.square(inputs)))
        return inputs


class OuterLayer(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(4, activation="tanh")
        self.activity_reg = ActivityRegularizationLayer(0.1)

    def call(self, inputs):
        return self.activity_reg(self.dense(inputs))


layer = OuterLayer()
assert len(layer.losses) == 0
_ = layer(ops.zeros((1, 3)))
n_after_first = len(layer.losses)
_ = layer(ops.zeros((1, 3)))
n_after_second = len(layer.losses)

inputs = keras.Input(shape=(3,))
outputs = keras.layers.Dense(1)(OuterLayer()(inputs))
model = keras.Model(inputs, outputs)
init = np.random.default_rng(22)
model.set_weights([init.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
x = np.linspace(-1, 1, 24, dtype="float32").reshape(8, 3)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
history = model.fit(x, x[:, 1:2] - x[:, 2:3], epochs=4, batch_size=4, shuffle=False, verbose=0)

result = {
    "n_after_first": n_after_first,
    "n_after_second": n_after_second,
    "loss": history.history["loss"],
}
