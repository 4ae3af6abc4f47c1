# Keras 2 Sequential-guide MLP for multi-class softmax classification on random data.
import keras
import numpy as np
from keras.layers import Dense, Dropout
from keras.models import Sequential
from keras.optimizers import SGD

x_train = np.random.random((1000, 20))
y_train = keras.utils.to_categorical(np.random.randint(10, size=(1000, 1)), num_classes=10)
x_test = np.random.random((100, 20))
y_test = keras.utils.to_categorical(np.random.randint(10, size=(100, 1)), num_classes=10)

model = Sequential()
model.add(Dense(64, activation="relu", input_dim=20))
model.add(Dropout(0.5))
model.add(Dense(64, activation="relu"))
model.add(Dropout(0.5))
model.add(Dense(10, activation="softmax"))
sgd = SGD(learning_rate=0.01, momentum=0.9, nesterov=True)
model.compile(loss="categorical_crossentropy", optimizer=sgd, metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=3, batch_size=128, verbose=0)
score = model.evaluate(x_test, y_test, batch_size=128, verbose=0)

result = {
    "y_shape": list(y_train.shape),
    "epochs": len(history.history["loss"]),
    "score_len": len(score),
    "loss_finite": bool(np.isfinite(score[0])),
    "loss_near_log10": bool(1.5 < score[0] < 3.5),
}
