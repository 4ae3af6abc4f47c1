# How many epochs does EarlyStopping run? A callback listed first scripts the val_loss it sees.
import keras
import numpy as np


class ScriptedValLoss(keras.callbacks.Callback):
    def __init__(self, values):
        super().__init__()
        self.values = values

    def on_epoch_end(self, epoch, logs=None):
        logs["val_loss"] = self.values[epoch]

x = np.ones((8, 2), dtype="float32")
y = np.zeros((8, 1), dtype="float32")
runs = {}
for patience, min_delta in [(0, 0.0), (2, 0.0), (2, 0.1), (5, 0.0)]:
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    script = ScriptedValLoss([1.0, 0.8, 0.75, 0.9, 0.7, 0.71, 0.72, 0.73, 0.74, 0.6, 0.5, 0.4])
    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, min_delta=min_delta)
    history = model.fit(x, y, epochs=12, callbacks=[script, stopper], verbose=0)
    runs[f"{patience}_{min_delta}"] = [len(history.history["loss"]), stopper.stopped_epoch]

result = runs
