# ModelCheckpoint saving the best weights only, then loading them back.
import os

import keras
import numpy as np

rng = np.random.default_rng(6)
x = rng.normal(size=(40, 3)).astype("float32")
y = (x.sum(axis=1, keepdims=True) > 0).astype("float32")

model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
init = np.random.default_rng(0)
model.set_weights([init.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
checkpoint = keras.callbacks.ModelCheckpoint(filepath="best.weights.h5", save_weights_only=True,
                                             monitor="val_loss", save_best_only=True)
history = model.fit(x, y, validation_split=0.25, epochs=5, batch_size=10, shuffle=False,
                    callbacks=[checkpoint], verbose=0)
final = model.predict(x[:3], verbose=0)
model.load_weights("best.weights.h5")

result = {
    "file_written": os.path.exists("best.weights.h5"),
    "val_loss": history.history["val_loss"],
    "restored_eval": model.evaluate(x[30:], y[30:], verbose=0),
    "final_prediction": final,
}
