# LearningRateScheduler with the docstring-style schedule function.
import keras
import numpy as np


def scheduler(epoch, lr):
    if epoch < 2:
        return lr
    return lr * 0.5

x = np.arange(12, dtype="float32").reshape(6, 2) / 10
y = x.sum(axis=1, keepdims=True)
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
model.set_weights([np.zeros((2, 1), dtype="float32"), np.zeros(1, dtype="float32")])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
callback = keras.callbacks.LearningRateScheduler(scheduler)
history = model.fit(x, y, epochs=5, callbacks=[callback], verbose=0, batch_size=6)

result = {
    "final_lr": round(float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)), 6),
    "loss": history.history["loss"],
}
