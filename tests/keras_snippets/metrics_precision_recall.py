# Metric objects in compile: BinaryAccuracy, Precision, Recall, AUC, as in the imbalanced-data examples.
import keras
import numpy as np

rng = np.random.default_rng(11)
x = rng.normal(size=(64, 3)).astype("float32")
y = (x[:, 0] + 0.5 * x[:, 1] > 0.3).astype("float32")
model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1, activation="sigmoid")])
model.set_weights([np.array([[0.5], [0.1], [-0.2]], dtype="float32"), np.array([0.0], dtype="float32")])
model.compile(optimizer="adam", loss="binary_crossentropy",
              metrics=[keras.metrics.BinaryAccuracy(name="acc"), keras.metrics.Precision(name="precision"),
                       keras.metrics.Recall(name="recall"), keras.metrics.AUC(name="auc")])
history = model.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)

result = {"history": history.history, "eval": model.evaluate(x, y, verbose=0, return_dict=True)}
