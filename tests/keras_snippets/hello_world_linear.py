# "Hello world" of deep learning: one Dense unit learns y = 2x - 1.
import keras
import numpy as np

model = keras.Sequential([keras.layers.Dense(units=1, input_shape=[1])])
model.compile(optimizer="sgd", loss="mean_squared_error")
xs = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0], dtype=float)
ys = np.array([-3.0, -1.0, 1.0, 3.0, 5.0, 7.0], dtype=float)
model.fit(xs, ys, epochs=500, verbose=0)
prediction = model.predict(np.array([10.0]), verbose=0)

result = {"shape": list(prediction.shape), "close_to_19": bool(abs(prediction[0][0] - 19) < 0.1)}
