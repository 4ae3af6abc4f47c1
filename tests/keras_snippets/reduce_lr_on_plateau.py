# ReduceLROnPlateau halves the learning rate when the monitored loss stops improving.
import keras
import numpy as np


class ScriptedLoss(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        logs["val_loss"] = [1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9][epoch]

x = np.ones((4, 2), dtype="float32")
y = np.ones((4, 1), dtype="float32")
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
reduce_lr = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_lr=0.002)
history = model.fit(x, y, epochs=8, callbacks=[ScriptedLoss(), reduce_lr], verbose=0)

result = {
    "final_lr": float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)),
    "lr_history": history.history.get("learning_rate"),
}
