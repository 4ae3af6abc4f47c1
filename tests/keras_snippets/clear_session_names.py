# keras.backend.clear_session resets the automatic layer names.
import keras

keras.backend.clear_session()
first = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(3), keras.layers.Dense(1)])
second = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(3)])
keras.backend.clear_session()
third = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(3)])

result = {
    "first": [layer.name for layer in first.layers],
    "second": [layer.name for layer in second.layers],
    "third": [layer.name for layer in third.layers],
}
