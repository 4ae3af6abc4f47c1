# Architecture as JSON: model.to_json() and keras.models.model_from_json.
import json

import keras
import numpy as np

model = keras.Sequential([
    keras.layers.Dense(6, activation="sigmoid", input_shape=(3,)),
    keras.layers.Dense(1),
])
json_string = model.to_json()
parsed = json.loads(json_string)
model_2 = keras.models.model_from_json(json_string)
weights = [np.full(w.shape, 0.25, dtype="float32") for w in model.get_weights()]
model.set_weights(weights)
model_2.set_weights(weights)
x = np.array([[0.1, 0.2, 0.3], [1.0, -1.0, 0.0]], dtype="float32")

result = {
    "class_name": parsed["class_name"],
    "n_layers": len(model_2.layers),
    "prediction": model_2.predict(x, verbose=0),
    "same": bool(np.allclose(model.predict(x, verbose=0), model_2.predict(x, verbose=0))),
}
