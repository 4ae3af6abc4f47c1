# Named layers, get_layer, pop, and the layers list.
import keras
from keras import layers

model = keras.Sequential([
    layers.Dense(16, activation="relu", input_shape=(8,), name="hidden_1"),
    layers.Dense(16, activation="relu", name="hidden_2"),
    layers.Dense(1, activation="sigmoid", name="output"),
])
hidden = model.get_layer("hidden_2")
kernel_shape = hidden.get_weights()[0].shape
first = model.get_layer(index=0).name
model.pop()
model.add(layers.Dense(3, activation="softmax", name="new_head"))

result = {
    "kernel_shape": list(kernel_shape),
    "first": first,
    "names": [layer.name for layer in model.layers],
    "output_units": model.layers[-1].units,
    "count_params": model.count_params(),
}
