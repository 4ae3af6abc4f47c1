# Functional API guide style: two inputs merged with Concatenate, two named outputs, losses and loss weights
# given as dicts keyed by output name, targets as a dict too.
import keras
import numpy as np
from keras import layers

title_input = keras.Input(shape=(5,), name="title")
body_input = keras.Input(shape=(3,), name="body")
title_features = layers.Dense(4, activation="relu")(title_input)
body_features = layers.Dense(2, activation="relu")(body_input)
x = layers.Concatenate()([title_features, body_features])
priority_pred = layers.Dense(1, name="priority")(x)
department_pred = layers.Dense(3, activation="softmax", name="department")(x)
model = keras.Model(inputs=[title_input, body_input], outputs={"priority": priority_pred,
                                                              "department": department_pred})
init = np.random.default_rng(24)
model.set_weights([init.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])

model.compile(
    optimizer=keras.optimizers.RMSprop(learning_rate=0.01),
    loss={"priority": keras.losses.MeanSquaredError(), "department": keras.losses.CategoricalCrossentropy()},
    loss_weights={"priority": 1.0, "department": 0.2},
)
rng = np.random.default_rng(6)
title_data = rng.normal(size=(12, 5)).astype("float32")
body_data = rng.normal(size=(12, 3)).astype("float32")
priority_targets = rng.random(size=(12, 1)).astype("float32")
dept_targets = keras.utils.to_categorical(rng.integers(0, 3, size=12), 3)
history = model.fit({"title": title_data, "body": body_data},
                    {"priority": priority_targets, "department": dept_targets},
                    epochs=3, batch_size=4, shuffle=False, verbose=0)

result = {
    "loss": history.history["loss"],
    "input_names": [layer.name for layer in model.layers if isinstance(layer, keras.layers.InputLayer)],
    "count_params": model.count_params(),
}
