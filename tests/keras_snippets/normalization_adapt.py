# Regression tutorial style: a Normalization layer adapted to the training features.
import keras
import numpy as np

rng = np.random.default_rng(19)
train_features = rng.normal(10.0, 4.0, size=(100, 3)).astype("float32")
train_labels = train_features @ np.array([1.0, -0.5, 0.25], "float32")
normalizer = keras.layers.Normalization(axis=-1)
normalizer.adapt(np.array(train_features))
normalized = keras.ops.convert_to_numpy(normalizer(train_features[:5]))

model = keras.Sequential([normalizer, keras.layers.Dense(units=1)])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1), loss="mean_absolute_error")
history = model.fit(train_features, train_labels, epochs=20, verbose=0, validation_split=0.2)

result = {
    "mean": keras.ops.convert_to_numpy(normalizer.mean),
    "normalized": normalized,
    "loss_decreased": history.history["loss"][-1] < history.history["loss"][0],
}
