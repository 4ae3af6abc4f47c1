# Imbalanced classes: class_weight in fit, computed from counts as the structured-data examples do.
import keras
import numpy as np

rng = np.random.default_rng(15)
x = rng.normal(size=(80, 3)).astype("float32")
y = (x[:, 0] > 1.0).astype("float32")
neg, pos = np.bincount(y.astype(int))
total = neg + pos
class_weight = {0: (1 / neg) * (total / 2.0), 1: (1 / pos) * (total / 2.0)}

model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
init = np.random.default_rng(9)
model.set_weights([init.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy")
history = model.fit(x, y, batch_size=20, epochs=4, shuffle=False, class_weight=class_weight, verbose=0)

result = {"counts": [int(neg), int(pos)], "loss": history.history["loss"],
          "weights": [w.tolist() for w in model.get_weights()]}
