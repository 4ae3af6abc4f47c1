# ExponentialDecay as the optimizer's learning_rate, as in the optimizers guide.
import keras
import numpy as np

lr_schedule = keras.optimizers.schedules.ExponentialDecay(
    initial_learning_rate=0.1, decay_steps=4, decay_rate=0.9)
staircase = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=4, decay_rate=0.5, staircase=True)
optimizer = keras.optimizers.SGD(learning_rate=lr_schedule)

x = np.linspace(-1, 1, 32, dtype="float32").reshape(16, 2)
y = (x @ np.array([[2.0], [-1.0]], dtype="float32")) + 0.5
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
model.set_weights([np.zeros((2, 1), dtype="float32"), np.zeros(1, dtype="float32")])
model.compile(optimizer=optimizer, loss="mse")
history = model.fit(x, y, epochs=4, batch_size=4, shuffle=False, verbose=0)

result = {
    "values": [float(lr_schedule(step)) for step in [0, 1, 4, 10]],
    "staircase": [float(staircase(step)) for step in [0, 3, 4, 9]],
    "loss": history.history["loss"],
}
