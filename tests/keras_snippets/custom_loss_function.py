# A custom loss function written with keras.ops, passed to compile (training guide style).
import keras
import numpy as np
from keras import ops


def custom_mean_squared_error(y_true, y_pred):
    return ops.mean(ops.square(y_true - y_pred), axis=-1)

def weighted_abs(y_true, y_pred):
    return ops.mean(ops.abs(y_true - y_pred) * (1.0 + y_true), axis=-1)

x = np.linspace(-1, 1, 30, dtype="float32").reshape(10, 3)
y = np.stack([x.sum(axis=1), x[:, 0] - x[:, 2]], axis=1)
losses = {}
for fn in (custom_mean_squared_error, weighted_abs):
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    model.set_weights([np.full((3, 2), 0.1, "float32"), np.zeros(2, "float32")])
    model.compile(optimizer="adam", loss=fn)
    losses[fn.__name__] = model.fit(x, y, epochs=3, batch_size=5, shuffle=False, verbose=0).history["loss"]

result = losses
