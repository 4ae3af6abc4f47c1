# Imbalanced-classification example style: normalise with numpy, a Dense/Dropout stack, metrics, class_weight.
import keras
import numpy as np

rng = np.random.default_rng(17)
features = rng.normal(size=(400, 10)).astype("float32")
targets = (features[:, 0] + features[:, 1] > 2.2).astype("uint8")
mean, std = features.mean(axis=0), features.std(axis=0)
features = (features - mean) / std
counts = np.bincount(targets)
weight_for_0 = 1.0 / counts[0]
weight_for_1 = 1.0 / counts[1]

model = keras.Sequential([
    keras.Input(shape=(features.shape[-1],)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dropout(0.3),
    keras.layers.Dense(1, activation="sigmoid"),
])
metrics = [keras.metrics.FalseNegatives(name="fn"), keras.metrics.FalsePositives(name="fp"),
           keras.metrics.TrueNegatives(name="tn"), keras.metrics.TruePositives(name="tp"),
           keras.metrics.Precision(name="precision"), keras.metrics.Recall(name="recall")]
model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy", metrics=metrics)
history = model.fit(features, targets, batch_size=128, epochs=5, verbose=0,
                    validation_data=(features[:100], targets[:100]),
                    class_weight={0: weight_for_0, 1: weight_for_1})
last = {k: v[-1] for k, v in history.history.items()}

result = {
    "keys": sorted(history.history),
    "confusion_total": last["tp"] + last["fp"] + last["tn"] + last["fn"],
    "positives": int(counts[1]),
}
