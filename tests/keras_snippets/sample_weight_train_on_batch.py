# sample_weight in train_on_batch and a zero weight masking samples out.
import keras
import numpy as np

x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, -1.0]], dtype="float32")
y = np.array([[1.0], [0.0], [1.0], [0.0]], dtype="float32")
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1, activation="sigmoid")])
model.set_weights([np.array([[0.5], [-0.5]], "float32"), np.zeros(1, "float32")])
model.compile(optimizer=keras.optimizers.SGD(0.5), loss="binary_crossentropy")
losses = [model.train_on_batch(x, y, sample_weight=np.array([1.0, 1.0, 0.0, 2.0], "float32")) for _ in range(3)]

result = {"losses": losses, "kernel": model.get_weights()[0]}
