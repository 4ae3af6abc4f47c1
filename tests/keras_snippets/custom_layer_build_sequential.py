# A custom Dense-like layer with build(), get_config, inside a Sequential model, trained from fixed weights.
import keras
import numpy as np
from keras import ops


class MyDense(keras.layers.Layer):
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return ops.tanh(ops.matmul(inputs, self.w) + self.b)

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config

model = keras.Sequential([keras.Input(shape=(3,)), MyDense(5, name="my_dense"), keras.layers.Dense(1)])
init = np.random.default_rng(3)
model.set_weights([init.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
x = np.linspace(-1, 1, 36, dtype="float32").reshape(12, 3)
y = x[:, :1] * x[:, 1:2]
model.compile(optimizer="adam", loss="mse")
history = model.fit(x, y, epochs=5, batch_size=4, shuffle=False, verbose=0)
config = model.get_layer("my_dense").get_config()
clone = MyDense.from_config(config)

result = {
    "loss": history.history["loss"],
    "units": config["units"],
    "clone_units": clone.units,
    "count_params": model.count_params(),
}
