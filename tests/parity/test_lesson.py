"""The classic Keras lesson on activation functions, run on tinygrad_acts with only its import lines changed,
gives the values real Keras 3 gives (float32, 1e-6). The Keras values come from tests/reference/, made once by
tests/reference/make_keras_reference.py with Keras itself."""
import json

import numpy as np
import pytest
from helpers import REFERENCE_DIR

REFERENCE = json.loads((REFERENCE_DIR / "keras_activations.json").read_text())["lesson"]


def run_the_lesson():
    # --- the lesson's imports, changed to tinygrad_acts: the only lines that differ from the Keras original ---
    import tinygrad_acts as keras  # noqa: F401  (the lesson imports it; it uses the names below)
    import tinygrad_acts.backend as K
    from tinygrad_acts.layers import Activation, LeakyReLU
    from tinygrad_acts.models import Sequential

    # --- the lesson's code, unchanged ---
    x = np.arange(-3, 3.5, 0.5)
    outputs = {}

    model = Sequential([Activation('tanh', input_shape=(1,))])
    outputs["tanh"] = model.predict(x)
    K.clear_session()

    model = Sequential([Activation('sigmoid', input_shape=(1,))])
    outputs["sigmoid"] = model.predict(x)
    K.clear_session()

    model = Sequential([Activation('relu', input_shape=(1,))])
    outputs["relu"] = model.predict(x)
    K.clear_session()

    model = Sequential([LeakyReLU(0.5, input_shape=(1,))])
    outputs["leaky_relu"] = model.predict(x)
    K.clear_session()

    model = Sequential([Activation('softmax', input_shape=(1, 13))])
    outputs["softmax"] = model.predict(x.reshape(1, 1, 13))
    K.clear_session()

    model = Sequential([Activation(lambda x: x**2, input_shape=(1,))])
    outputs["square"] = model.predict(x)
    K.clear_session()
    return outputs


OUTPUTS = run_the_lesson()
KERAS_MODEL_OF = {"tanh": "Activation('tanh'", "sigmoid": "Activation('sigmoid'", "relu": "Activation('relu'",
                  "leaky_relu": "LeakyReLU(0.5", "softmax": "Activation('softmax'", "square": "lambda x: x**2"}


@pytest.mark.parametrize("name", KERAS_MODEL_OF)
def test_the_lesson_gives_the_values_keras_gives(name):
    [keras] = [m for m in REFERENCE["models"] if KERAS_MODEL_OF[name] in m["model"]]
    ours = OUTPUTS[name]
    expected = np.array(keras["output"], dtype=np.float32)
    assert ours.dtype == np.float32
    assert ours.shape == expected.shape == tuple(keras["output_shape"])
    np.testing.assert_allclose(ours, expected, atol=1e-6, rtol=0)


def test_softmax_over_the_whole_row_gives_probabilities():
    row = OUTPUTS["softmax"].ravel()
    assert np.all((row >= 0) & (row <= 1))
    assert row.sum() == pytest.approx(1.0, abs=1e-6)
    assert np.all(np.diff(row) > 0)  # a bigger input gets a bigger share
