# PiecewiseConstantDecay: a step learning-rate schedule.
import keras
import numpy as np

step = keras.optimizers.schedules.PiecewiseConstantDecay(boundaries=[3, 6], values=[0.1, 0.05, 0.01])
x = np.linspace(0, 1, 16, dtype="float32").reshape(8, 2)
y = x[:, :1] - 2 * x[:, 1:]
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
model.set_weights([np.ones((2, 1), dtype="float32"), np.zeros(1, dtype="float32")])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=step, momentum=0.9), loss="mse")
history = model.fit(x, y, epochs=5, batch_size=4, shuffle=False, verbose=0)

result = {
    "values": [float(step(s)) for s in [0, 3, 4, 6, 7, 100]],
    "loss": history.history["loss"],
}
