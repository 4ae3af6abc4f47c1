# keras.utils.to_categorical, with and without num_classes, and argmax back.
import keras
import numpy as np

labels = np.array([0, 2, 1, 3, 2])
one_hot = keras.utils.to_categorical(labels)
one_hot_5 = keras.utils.to_categorical([1, 0, 4], num_classes=5)
column = keras.utils.to_categorical(np.array([[1], [0]]), num_classes=2)

result = {
    "one_hot": one_hot,
    "shape": list(one_hot.shape),
    "dtype": str(one_hot.dtype),
    "one_hot_5": one_hot_5,
    "column_shape": list(column.shape),
    "back": np.argmax(one_hot, axis=1).tolist(),
}
