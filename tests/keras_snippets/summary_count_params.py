# model.summary() and parameter counts, as printed in every tutorial.
import keras

model = keras.Sequential()
model.add(keras.Input(shape=(784,)))
model.add(keras.layers.Dense(64, activation="relu"))
model.add(keras.layers.Dense(64, activation="relu"))
model.add(keras.layers.Dense(10))
model.summary()

result = {
    "count_params": model.count_params(),
    "layer_count": len(model.layers),
    "per_layer": [layer.count_params() for layer in model.layers],
    "output_shape": list(model.output_shape),
    "names": [layer.name for layer in model.layers],
}
