# A manual training loop with train_on_batch and test_on_batch.
import keras
import numpy as np

rng = np.random.default_rng(12)
x = rng.normal(size=(32, 3)).astype("float32")
y = (x[:, :1] > 0).astype("float32")
model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
init = np.random.default_rng(6)
model.set_weights([init.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])

train_losses = []
for _epoch in range(3):
    for start in range(0, 32, 8):
        loss, acc = model.train_on_batch(x[start:start + 8], y[start:start + 8])
        train_losses.append(loss)
test_loss = model.test_on_batch(x[:8], y[:8])
plain = model.train_on_batch(x[:8], y[:8], return_dict=True)

result = {"train_losses": train_losses, "last_acc": acc, "test": test_loss, "plain_keys": sorted(plain)}
