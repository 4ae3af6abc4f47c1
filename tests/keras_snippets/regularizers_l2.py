# Weight decay with kernel_regularizer=regularizers.l2(...), the Keras 2 lowercase spelling.
import keras
import numpy as np
from keras import regularizers

model = keras.Sequential([
    keras.layers.Dense(8, activation="relu", input_shape=(4,), kernel_regularizer=regularizers.l2(0.01)),
    keras.layers.Dense(1, kernel_regularizer=regularizers.l1(0.001), bias_regularizer=regularizers.l2(0.1)),
])
init = np.random.default_rng(0)
model.set_weights([init.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
penalties = [float(keras.ops.convert_to_numpy(p)) for p in model.losses]

rng = np.random.default_rng(7)
x = rng.normal(size=(32, 4)).astype("float32")
y = x[:, :1] - x[:, 1:2]
model.compile(optimizer="sgd", loss="mse")
history = model.fit(x, y, batch_size=8, epochs=4, shuffle=False, verbose=0)

result = {"n_losses": len(model.losses), "penalties": penalties, "loss": history.history["loss"]}
