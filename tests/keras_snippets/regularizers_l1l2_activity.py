# L1L2 on the kernel and an activity regularizer on the output, Keras 3 class spellings.
import keras
import numpy as np

model = keras.Sequential([
    keras.Input(shape=(3,)),
    keras.layers.Dense(5, activation="tanh",
                       kernel_regularizer=keras.regularizers.L1L2(l1=1e-3, l2=1e-2),
                       activity_regularizer=keras.regularizers.L1(0.01)),
    keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L2(0.05)),
])
init = np.random.default_rng(1)
model.set_weights([init.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
x = np.linspace(-1, 1, 30, dtype="float32").reshape(10, 3)
y = np.cos(x[:, :1])
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
history = model.fit(x, y, epochs=5, batch_size=5, shuffle=False, verbose=0)

result = {
    "loss": history.history["loss"],
    "evaluate": model.evaluate(x, y, verbose=0),
    "config_l2": model.layers[0].get_config()["kernel_regularizer"]["config"]["l2"],
}
