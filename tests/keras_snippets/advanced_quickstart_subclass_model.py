# TensorFlow "advanced quickstart" style: class MyModel(keras.Model) with layers in __init__ and the forward pass
# in call, compiled with a from_logits loss and fit (dense layers on small images instead of a convolution).
import keras
import numpy as np


class MyModel(keras.Model):
    def __init__(self):
        super().__init__()
        self.flatten = keras.layers.Flatten()
        self.d1 = keras.layers.Dense(16, activation="relu")
        self.d2 = keras.layers.Dense(3)

    def call(self, x):
        x = self.flatten(x)
        x = self.d1(x)
        return self.d2(x)


rng = np.random.default_rng(7)
x_train = rng.random(size=(24, 4, 4)).astype("float32")
y_train = (x_train.mean(axis=(1, 2)) * 6).astype("int64") % 3

model = MyModel()
model(x_train[:1])
init = np.random.default_rng(26)
model.set_weights([init.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=4, batch_size=8, shuffle=False, verbose=0)
test_loss, test_accuracy = model.evaluate(x_train[:8], y_train[:8], verbose=0)

result = {
    "loss": history.history["loss"],
    "accuracy": history.history["accuracy"],
    "test_loss": test_loss,
    "test_accuracy": test_accuracy,
    "n_weights": len(model.weights),
    "logits": model.predict(x_train[:2], verbose=0),
}
