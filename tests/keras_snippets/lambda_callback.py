# LambdaCallback collecting per-epoch losses and counting batches.
import keras
import numpy as np

epoch_losses = []
batches = []
logger = keras.callbacks.LambdaCallback(
    on_epoch_end=lambda epoch, logs: epoch_losses.append(logs["loss"]),
    on_batch_end=lambda batch, logs: batches.append(batch),
)
x = np.linspace(0, 1, 30, dtype="float32").reshape(15, 2)
y = 3 * x[:, :1] - x[:, 1:]
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
model.set_weights([np.array([[0.1], [0.2]], dtype="float32"), np.array([0.0], dtype="float32")])
model.compile(optimizer="sgd", loss="mse")
history = model.fit(x, y, epochs=3, batch_size=4, shuffle=False, callbacks=[logger], verbose=0)

result = {
    "epoch_losses": epoch_losses,
    "same_as_history": bool(np.allclose(epoch_losses, history.history["loss"])),
    "batches": batches,
}
