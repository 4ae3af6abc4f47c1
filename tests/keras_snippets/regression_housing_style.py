# Regression tutorial style: standardise features with numpy, two hidden layers, RMSprop, mse + mae.
import keras
import numpy as np

rng = np.random.default_rng(18)
train_data = rng.normal(5.0, 2.0, size=(200, 6)).astype("float32")
train_targets = train_data @ rng.normal(size=(6,)).astype("float32") + rng.normal(0, 0.1, size=200)
mean = train_data.mean(axis=0)
std = train_data.std(axis=0)
train_data = (train_data - mean) / std

def build_model():
    model = keras.Sequential([
        keras.layers.Dense(64, activation="relu", input_shape=(train_data.shape[1],)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer=keras.optimizers.RMSprop(0.001), loss="mse", metrics=["mae"])
    return model

model = build_model()
history = model.fit(train_data, train_targets, epochs=15, batch_size=32, validation_split=0.2, verbose=0)
mae = history.history["val_mae"]

result = {
    "keys": sorted(history.history),
    "val_mae_improved": mae[-1] < mae[0] * 0.5,
    "predict_shape": list(model.predict(train_data[:4], verbose=0).shape),
}
