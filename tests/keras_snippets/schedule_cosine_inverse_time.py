# CosineDecay and InverseTimeDecay: evaluate the schedule, then train with it.
import keras
import numpy as np

cosine = keras.optimizers.schedules.CosineDecay(initial_learning_rate=0.1, decay_steps=10)
cosine_alpha = keras.optimizers.schedules.CosineDecay(0.1, decay_steps=10, alpha=0.1)
inverse = keras.optimizers.schedules.InverseTimeDecay(initial_learning_rate=0.1, decay_steps=5, decay_rate=0.5)

x = np.linspace(-1, 1, 24, dtype="float32").reshape(12, 2)
y = np.tanh(x[:, :1] + x[:, 1:])
losses = {}
for name, schedule in [("cosine", cosine), ("inverse", inverse)]:
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(3, activation="tanh"), keras.layers.Dense(1)])
    model.set_weights([np.full(w.shape, 0.2, dtype="float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule), loss="mse")
    losses[name] = model.fit(x, y, epochs=4, batch_size=6, shuffle=False, verbose=0).history["loss"]

result = {
    "cosine": [float(cosine(s)) for s in [0, 5, 10, 20]],
    "cosine_alpha": [float(cosine_alpha(s)) for s in [0, 5, 10]],
    "inverse": [float(inverse(s)) for s in [0, 5, 10]],
    "losses": losses,
}
