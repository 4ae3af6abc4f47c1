# A stateful custom metric subclassing keras.metrics.Metric, from the training guide's pattern.
import keras
import numpy as np
from keras import ops


class CategoricalTruePositives(keras.metrics.Metric):
    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1, 1))
        values = ops.cast(y_true, "int32") == ops.cast(y_pred, "int32")
        values = ops.cast(values, "float32")
        self.true_positives.assign(self.true_positives + ops.sum(values))

    def result(self):
        return self.true_positives

    def reset_state(self):
        self.true_positives.assign(0.0)

x = np.linspace(-1, 1, 24, dtype="float32").reshape(12, 2)
y = (x[:, :1] > 0).astype("int32")
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(2, activation="softmax")])
model.set_weights([np.array([[1.0, -1.0], [0.5, 0.5]], "float32"), np.zeros(2, "float32")])
model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=[CategoricalTruePositives()])
history = model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)

result = {"history": history.history}
