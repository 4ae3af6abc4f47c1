# CSVLogger writes one row per epoch; read it back with the csv module.
import csv

import keras
import numpy as np

x = np.linspace(-1, 1, 20, dtype="float32").reshape(10, 2)
y = (x[:, :1] > 0).astype("float32")
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1, activation="sigmoid")])
model.set_weights([np.array([[0.5], [-0.5]], dtype="float32"), np.zeros(1, dtype="float32")])
model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=4, batch_size=5, shuffle=False, verbose=0, callbacks=[keras.callbacks.CSVLogger("training.log")])

with open("training.log") as f:
    rows = list(csv.DictReader(f))

result = {
    "columns": sorted(rows[0].keys()),
    "rows": len(rows),
    "epochs": [int(r["epoch"]) for r in rows],
    "loss": [float(r["loss"]) for r in rows],
}
