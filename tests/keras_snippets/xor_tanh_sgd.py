# XOR with a tanh hidden layer: fixed weights, the classic first network.
import keras
import numpy as np

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
y = np.array([[0], [1], [1], [0]], dtype="float32")
model = keras.Sequential()
model.add(keras.layers.Dense(8, input_dim=2))
model.add(keras.layers.Activation("tanh"))
model.add(keras.layers.Dense(1))
model.add(keras.layers.Activation("sigmoid"))
init = np.random.default_rng(11)
model.set_weights([init.normal(0, 1.0, w.shape).astype("float32") for w in model.get_weights()])
model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=0.5), metrics=["accuracy"])
history = model.fit(X, y, batch_size=4, epochs=50, verbose=0)

result = {
    "loss_every_10": history.history["loss"][::10],
    "prediction": model.predict(X, verbose=0),
}
