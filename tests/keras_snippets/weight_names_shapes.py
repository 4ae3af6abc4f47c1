# Inspecting model.weights: names, shapes, trainable flags.
import keras

model = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(3, name="dense_a"),
                          keras.layers.BatchNormalization(name="bn"), keras.layers.Dense(2, name="dense_b")])

result = {
    "names": [w.name for w in model.weights],
    "shapes": [list(w.shape) for w in model.weights],
    "trainable": [w.name for w in model.trainable_weights],
    "non_trainable": [w.name for w in model.non_trainable_weights],
    "layer_weights": [len(layer.weights) for layer in model.layers],
}
