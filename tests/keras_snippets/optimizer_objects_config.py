# Optimizer objects: arguments, get_config, from_config, and nesterov momentum training.
import keras
import numpy as np

adam = keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=False)
config = adam.get_config()
restored = keras.optimizers.Adam.from_config(config)
sgd = keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True)

x = np.linspace(-1, 1, 20, dtype="float32").reshape(10, 2)
y = x[:, :1] * 3 + 1
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
model.set_weights([np.zeros((2, 1), "float32"), np.zeros(1, "float32")])
model.compile(optimizer=sgd, loss="mse")
history = model.fit(x, y, epochs=5, batch_size=5, shuffle=False, verbose=0)

result = {
    "name": config["name"],
    "lr": round(float(config["learning_rate"]), 8),
    "beta_1": config["beta_1"],
    "restored_lr": round(float(keras.ops.convert_to_numpy(restored.learning_rate)), 8),
    "sgd_config": {k: sgd.get_config()[k] for k in ("momentum", "nesterov")},
    "loss": history.history["loss"],
}
