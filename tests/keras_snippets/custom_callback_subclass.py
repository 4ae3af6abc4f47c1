# The classic LossHistory callback subclass from the Keras 2 docs, plus on_epoch_end.
import keras
import numpy as np


class LossHistory(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.losses = []
        self.epochs = []

    def on_batch_end(self, batch, logs=None):
        self.losses.append(logs.get("loss"))

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append((epoch, sorted(logs.keys())))

x = np.linspace(-1, 1, 24, dtype="float32").reshape(12, 2)
y = (x[:, :1] * x[:, 1:] > 0).astype("float32")
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(3, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
model.set_weights([np.array([[0.3, -0.4, 0.2], [0.1, 0.5, -0.3]], dtype="float32"), np.zeros(3, dtype="float32"),
                   np.array([[0.4], [-0.2], [0.6]], dtype="float32"), np.zeros(1, dtype="float32")])
model.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
history_cb = LossHistory()
model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0, callbacks=[history_cb])

result = {"batch_losses": history_cb.losses, "epochs": [[e, k] for e, k in history_cb.epochs]}
