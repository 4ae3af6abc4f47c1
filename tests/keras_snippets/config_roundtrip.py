# get_config / from_config for a model and a layer: same architecture, fresh weights.
import keras
import numpy as np

model = keras.Sequential([
    keras.Input(shape=(4,)),
    keras.layers.Dense(8, activation="relu", name="d1"),
    keras.layers.Dropout(0.3),
    keras.layers.Dense(2, activation="softmax", name="d2"),
])
config = model.get_config()
new_model = keras.Sequential.from_config(config)
new_model.set_weights(model.get_weights())
x = np.linspace(0, 1, 8, dtype="float32").reshape(2, 4)

layer = keras.layers.Dense(16, activation="tanh", use_bias=False)
layer_config = layer.get_config()
new_layer = keras.layers.Dense.from_config(layer_config)

result = {
    "class_names": [entry["class_name"] for entry in config["layers"]],
    "units": [entry["config"].get("units") for entry in config["layers"]],
    "same_params": model.count_params() == new_model.count_params(),
    "same_output": bool(np.allclose(model.predict(x, verbose=0), new_model.predict(x, verbose=0))),
    "layer_units": layer_config["units"],
    "layer_activation": layer_config["activation"],
    "layer_use_bias": layer_config["use_bias"],
    "new_layer_units": new_layer.units,
}
