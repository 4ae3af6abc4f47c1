# keras.ops as a numpy-like API: the calls tutorials make.
import keras  # noqa: F401 - the tutorial imports it; the functions come from keras.ops
import numpy as np
from keras import ops

a = np.array([[1.0, -2.0, 3.0], [0.5, 0.0, -1.5]], dtype="float32")
b = np.array([[2.0], [1.0], [-1.0]], dtype="float32")
t = ops.convert_to_tensor(a)

def np_(v):
    return ops.convert_to_numpy(v)

result = {
    "matmul": np_(ops.matmul(a, b)),
    "sum_axis0": np_(ops.sum(t, axis=0)),
    "mean": float(np_(ops.mean(t))),
    "max_keepdims": np_(ops.max(t, axis=1, keepdims=True)),
    "exp_log": np_(ops.log(ops.exp(t))),
    "softmax": np_(ops.softmax(t, axis=-1)),
    "relu": np_(ops.relu(t)),
    "reshape": list(ops.reshape(t, (3, 2)).shape),
    "transpose": np_(ops.transpose(t)),
    "concat": np_(ops.concatenate([t, t], axis=0)).shape[0],
    "stack": list(ops.stack([t, t]).shape),
    "clip": np_(ops.clip(t, -1.0, 1.0)),
    "abs_sqrt": np_(ops.sqrt(ops.abs(t))),
    "square": np_(ops.square(t)),
    "argmax": np_(ops.argmax(t, axis=1)).tolist(),
    "expand": list(ops.expand_dims(t, 0).shape),
    "ones_zeros": np_(ops.ones((2,)) + ops.zeros((2,))),
    "sigmoid": np_(ops.sigmoid(t)),
}
