"""Generate tests/reference/keras_activations.json: what real Keras 3 computes, for tests that must not import it.

Keras is not a dependency of tinygrad_acts. This script was run once, in a throwaway environment outside the repo:

    python -m venv /tmp/kerasenv
    /tmp/kerasenv/bin/pip install keras numpy torch==2.13.0
    KERAS_BACKEND=torch /tmp/kerasenv/bin/python tests/reference/make_keras_reference.py

with keras 3.15.1, torch 2.13.0+cpu, numpy 2.4.6 (the JSON records the versions it actually ran with).

The JSON has two parts:
- "activations": a list of cases, each {name, kwargs, x, y}: float32 inputs and keras.activations.<name>(x, **kwargs).
  A case where Keras is known to compute something other than the formula it documents has a "keras_wrong" note;
  the tests check those cases against the formula instead (and check that Keras' recorded values really differ).
- "lesson": the classic Keras lesson on activations, run in real Keras: for each model, the code that built and ran
  it and the output of model.predict.
"""
import json
import os
import pathlib
import re

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import Sequential  # noqa: E402
from keras.layers import Activation, LeakyReLU  # noqa: E402

OUT = pathlib.Path(__file__).with_name("keras_activations.json")
GRID = [-20, -5, -3, -1.5, -1, -0.5, -0.1, 0, 0.1, 0.5, 1, 1.5, 3, 5, 20]
WIDE_GRID = [-1000] + GRID + [1000]  # for the functions that are finite at +-1000
ROWS = [[-20, -3, -0.5, 0.5, 3, 20], [0, 0, 0, 0, 0, 0], [1, 2, 3, 4, 5, 6], [-1000, 1000, 0, -0.5, 0.5, 3]]
CUBE = np.arange(12).reshape(2, 3, 2) * 0.5 - 3  # a 3-d batch for the axis-based functions

SPARSEMAX_WRONG = ("Keras 3.15 sums the partial sums over the support instead of taking the k-th one, so sparsemax "
                   "is wrong in general once two or more outputs are nonzero (keras-team/keras issue 23425)")
SQUAREPLUS_WRONG = ("Keras 3.15 computes (x + sqrt(x^2 + b)) / 2 directly; far below zero the two terms cancel in "
                    "float32 (0.7% off at -1000, 0 at -10000); the equal form b / (2 (sqrt(x^2 + b) - x)) "
                    "is exact")
RELU_WRONG = ("with max_value set, Keras 3.15 clips the upper branch to [0, max_value], so for a negative threshold "
              "it gives 0 instead of x between the threshold and 0 (without max_value it gives x)")

CASES = [
    # (name, kwargs, x, keras_wrong)
    ("linear", {}, WIDE_GRID, None),
    ("tanh", {}, WIDE_GRID, None),
    ("sigmoid", {}, WIDE_GRID, None),
    ("hard_sigmoid", {}, WIDE_GRID, None),
    ("log_sigmoid", {}, WIDE_GRID, None),
    ("relu", {}, WIDE_GRID, None),
    ("relu", {"negative_slope": 0.5}, GRID, None),
    ("relu", {"negative_slope": 2.0}, GRID, None),
    ("relu", {"max_value": 2.0}, GRID, None),
    ("relu", {"threshold": 1.0}, GRID, None),
    ("relu", {"negative_slope": 0.5, "max_value": 1.5, "threshold": 1.0}, GRID, None),
    ("relu", {"threshold": -1.0, "max_value": 2.0}, GRID, RELU_WRONG),
    ("relu6", {}, WIDE_GRID, None),
    ("leaky_relu", {}, WIDE_GRID, None),
    ("leaky_relu", {"negative_slope": 0.5}, GRID, None),
    ("elu", {}, WIDE_GRID, None),
    ("elu", {"alpha": 0.5}, GRID, None),
    ("celu", {}, WIDE_GRID, None),
    ("celu", {"alpha": 2.0}, GRID, None),
    ("selu", {}, WIDE_GRID, None),
    ("gelu", {}, WIDE_GRID, None),
    ("gelu", {"approximate": True}, WIDE_GRID, None),
    ("silu", {}, WIDE_GRID, None),
    ("swish", {}, GRID, None),
    ("hard_silu", {}, WIDE_GRID, None),
    ("hard_swish", {}, GRID, None),
    ("hard_tanh", {}, WIDE_GRID, None),
    ("softplus", {}, WIDE_GRID, None),
    ("softsign", {}, WIDE_GRID, None),
    ("mish", {}, WIDE_GRID, None),
    ("exponential", {}, GRID, None),  # e^1000 is inf
    ("squareplus", {}, GRID + [1000], None),
    ("squareplus", {"b": 1.0}, GRID, None),
    ("squareplus", {}, [-10000, -1000, -300], SQUAREPLUS_WRONG),
    ("sparse_plus", {}, WIDE_GRID, None),
    ("sparse_sigmoid", {}, WIDE_GRID, None),
    ("hard_shrink", {}, WIDE_GRID, None),
    ("hard_shrink", {"threshold": 1.0}, GRID, None),
    ("soft_shrink", {}, WIDE_GRID, None),
    ("soft_shrink", {"threshold": 1.0}, GRID, None),
    ("tanh_shrink", {}, WIDE_GRID, None),
    ("threshold", {"threshold": 0.5, "default_value": -1.0}, GRID, None),
    ("threshold", {"threshold": -3.0, "default_value": 0.0}, GRID, None),
    ("softmax", {}, ROWS, None),
    ("softmax", {"axis": 0}, ROWS, None),
    ("softmax", {"axis": 1}, CUBE.tolist(), None),
    ("log_softmax", {}, ROWS, None),
    ("log_softmax", {"axis": 0}, ROWS, None),
    ("log_softmax", {"axis": 1}, CUBE.tolist(), None),
    ("glu", {}, ROWS, None),
    ("glu", {"axis": 0}, ROWS, None),
    ("glu", {"axis": 1}, np.arange(16).reshape(2, 4, 2).tolist(), None),
    ("sparsemax", {}, [[-20, -3, -0.5, 0.5, 3, 20], [-1000, 1000, 0, -0.5, 0.5, 3], [0, 0, 0, 0, 0, 10]], None),
    ("sparsemax", {}, [[1, 0.5], [0, 0], [0.5, 0.2]], SPARSEMAX_WRONG),
    ("sparsemax", {"axis": 0}, [[1, 0, 3], [0.5, 0, 2.9], [-1, 0, 0]], SPARSEMAX_WRONG),
]


def as_floats(array):
    """float32 values as short decimal floats: 9 significant digits round-trip any float32 exactly."""
    return json.loads(json.dumps(np.asarray(array, dtype=np.float32).tolist(),
                                 default=None), parse_float=lambda s: float(f"{float(s):.9g}"))


def activation_cases():
    cases = []
    for name, kwargs, x, keras_wrong in CASES:
        x32 = np.asarray(x, dtype=np.float32)
        y = keras.ops.convert_to_numpy(keras.activations.get(name)(x32, **kwargs))
        assert y.dtype == np.float32 and np.all(np.isfinite(y)), (name, kwargs, y)
        case = {"name": name, "kwargs": kwargs, "x": as_floats(x32), "y": as_floats(y)}
        if keras_wrong:
            case["keras_wrong"] = keras_wrong
        cases.append(case)
    return cases


def lesson():
    """The classic lesson: one Activation layer per model, predicting on x = arange(-3, 3.5, 0.5)."""
    x = np.arange(-3, 3.5, 0.5)
    models = [
        ("Sequential([Activation('tanh', input_shape=(1,))])", Sequential([Activation("tanh", input_shape=(1,))]),
         "x", x),
        ("Sequential([Activation('sigmoid', input_shape=(1,))])",
         Sequential([Activation("sigmoid", input_shape=(1,))]), "x", x),
        ("Sequential([Activation('relu', input_shape=(1,))])", Sequential([Activation("relu", input_shape=(1,))]),
         "x", x),
        ("Sequential([LeakyReLU(0.5, input_shape=(1,))])", Sequential([LeakyReLU(0.5, input_shape=(1,))]), "x", x),
        ("Sequential([Activation('softmax', input_shape=(1, 13))])",
         Sequential([Activation("softmax", input_shape=(1, 13))]), "x.reshape(1, 1, 13)", x.reshape(1, 1, 13)),
        ("Sequential([Activation(lambda x: x**2, input_shape=(1,))])",
         Sequential([Activation(lambda t: t**2, input_shape=(1,))]), "x", x),
    ]
    runs = []
    for code, model, predict_on, inputs in models:
        output = model.predict(inputs, verbose=0)
        runs.append({"model": code, "predict": f"model.predict({predict_on})", "input_shape": list(inputs.shape),
                     "output_shape": list(output.shape), "output": as_floats(output)})
    return {
        "x": "np.arange(-3, 3.5, 0.5)  (13 values, float64; Keras predicts in float32)",
        "x_values": x.tolist(),
        "notes": ("Keras 3 reads the 1-d x of shape (13,) as 13 samples of 1 feature and returns shape (13, 1). "
                  "LeakyReLU's first argument is negative_slope in Keras 3 (alpha= still works with a deprecation "
                  "warning). Keras warns that input_shape on a layer is deprecated (use keras.Input); it still works."),
        "models": runs,
    }


def main():
    import torch

    reference = {
        "generated_by": "tests/reference/make_keras_reference.py",
        "versions": {"keras": keras.__version__, "backend": keras.backend.backend(), "torch": torch.__version__,
                     "numpy": np.__version__},
        "command": "KERAS_BACKEND=torch /tmp/kerasenv/bin/python tests/reference/make_keras_reference.py",
        "activations": activation_cases(),
        "lesson": lesson(),
    }
    text = json.dumps(reference, indent=1)
    # readable: each innermost list of numbers on one line
    text = re.sub(r"\[[-0-9.e,\s]*\]", lambda match: " ".join(match.group(0).split()), text)
    OUT.write_text(text + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(reference['activations'])} activation cases)")


if __name__ == "__main__":
    main()
