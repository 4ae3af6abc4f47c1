# Transfer-learning guide style: freeze a whole base model used as a layer, train a new head on top, then unfreeze
# it and fine-tune with a low learning rate.
import keras
import numpy as np

base_model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(6, activation="relu"),
                               keras.layers.BatchNormalization(), keras.layers.Dense(3, activation="relu")],
                              name="base")
base_model.trainable = False

inputs = keras.Input(shape=(4,))
x = base_model(inputs, training=False)
outputs = keras.layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
init = np.random.default_rng(25)
model.set_weights([init.normal(0, 0.5, w.shape).astype("float32") if w.ndim == 2 else w
                   for w in model.get_weights()])
frozen_counts = (len(model.weights), len(model.trainable_weights), len(model.non_trainable_weights))
base_before = [w.copy() for w in base_model.get_weights()]

x_train = np.linspace(-1, 1, 40, dtype="float32").reshape(10, 4)
y_train = x_train.sum(axis=1, keepdims=True)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
head = model.fit(x_train, y_train, epochs=3, batch_size=5, shuffle=False, verbose=0)
base_unchanged = all(np.array_equal(a, b) for a, b in zip(base_before, base_model.get_weights(), strict=True))

base_model.trainable = True
unfrozen_counts = (len(model.weights), len(model.trainable_weights), len(model.non_trainable_weights))
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
fine = model.fit(x_train, y_train, epochs=2, batch_size=5, shuffle=False, verbose=0)

result = {
    "frozen_counts": list(frozen_counts),
    "unfrozen_counts": list(unfrozen_counts),
    "base_unchanged": base_unchanged,
    "head_loss": head.history["loss"],
    "fine_loss": fine.history["loss"],
    "base_trainable": base_model.trainable,
    "layer_trainable": [layer.trainable for layer in base_model.layers],
    "moving_stats": base_model.layers[1].get_weights()[2:],  # updated by the fine-tuning fit, in Keras too
    "pred": model.predict(x_train[:2], verbose=0),
}
