# Loss classes and functions called directly, as in the Keras docstrings.
import keras
import numpy as np

y_true = np.array([[0.0, 1.0], [0.0, 0.0]], dtype="float32")
y_pred = np.array([[0.6, 0.4], [0.4, 0.6]], dtype="float32")
labels = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], dtype="float32")
probs = np.array([[0.7, 0.2, 0.1], [0.2, 0.5, 0.3]], dtype="float32")
signs = np.array([[1.0, -1.0], [-1.0, 1.0]], dtype="float32")

def value(loss):
    return float(keras.ops.convert_to_numpy(loss))

result = {
    "mse": value(keras.losses.MeanSquaredError()(y_true, y_pred)),
    "mae": value(keras.losses.MeanAbsoluteError()(y_true, y_pred)),
    "bce": value(keras.losses.BinaryCrossentropy()(y_true, y_pred)),
    "bce_logits": value(keras.losses.BinaryCrossentropy(from_logits=True)(y_true, y_pred)),
    "cce": value(keras.losses.CategoricalCrossentropy()(labels, probs)),
    "scce": value(keras.losses.SparseCategoricalCrossentropy()(np.array([0, 1]), probs)),
    "huber": value(keras.losses.Huber(delta=0.5)(y_true, y_pred)),
    "kld": value(keras.losses.KLDivergence()(labels + 0.1, probs)),
    "poisson": value(keras.losses.Poisson()(y_true, y_pred)),
    "log_cosh": value(keras.losses.LogCosh()(y_true, y_pred)),
    "hinge": value(keras.losses.Hinge()(signs, y_pred)),
    "sum_reduction": value(keras.losses.MeanSquaredError(reduction="sum")(y_true, y_pred)),
    "per_sample_mse": keras.ops.convert_to_numpy(keras.losses.mean_squared_error(y_true, y_pred)),
    "per_sample_cce": keras.ops.convert_to_numpy(keras.losses.categorical_crossentropy(labels, probs)),
}
