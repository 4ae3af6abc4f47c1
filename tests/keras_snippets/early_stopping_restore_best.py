# EarlyStopping on val_loss with patience and restore_best_weights; fixed weights make the run reproducible.
import keras
import numpy as np

rng = np.random.default_rng(5)
x_train = rng.normal(size=(48, 4)).astype("float32")
y_train = (x_train[:, :1] * 2 - x_train[:, 1:2] + rng.normal(0, 0.8, size=(48, 1))).astype("float32")
x_val = rng.normal(size=(16, 4)).astype("float32")
y_val = (x_val[:, :1] * 2 - x_val[:, 1:2]).astype("float32")

model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)])
init = np.random.default_rng(0)
model.set_weights([init.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.2), loss="mse")
early_stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
history = model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=100, batch_size=16,
                    shuffle=False, callbacks=[early_stop], verbose=0)
best = min(history.history["val_loss"])

result = {
    "epochs_run": len(history.history["loss"]),
    "stopped_epoch": early_stop.stopped_epoch,
    "val_loss": history.history["val_loss"],
    "restored_val_loss": model.evaluate(x_val, y_val, verbose=0),
    "best": best,
}
