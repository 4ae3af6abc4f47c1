"""Print the order and arguments of every Callback hook real Keras 3 calls, for tests/training/test_callbacks.py.

Keras is not a dependency of tinygrad_acts, so the test holds this script's output as literal data. It was run once,
in a throwaway environment outside the repo:

    python -m venv /tmp/kerasref2
    /tmp/kerasref2/bin/pip install keras torch==2.13.0
    KERAS_BACKEND=torch /tmp/kerasref2/bin/python tests/reference/make_keras_callback_order.py

with keras 3.15.1, torch 2.13.0+cpu, numpy 2.4.6. Each call prints as (hook, epoch or batch if it takes one, the
sorted keys of its logs); set_params prints its params. The setup: 6 samples in batches of 2 (3 steps), metrics
['mae'], fit over 2 epochs with 4 validation samples (2 steps), then evaluate and predict on the 6 samples; last
(STOP), the same fit with a callback that sets model.stop_training = True at the end of the first batch.
"""
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402

HOOKS = ["on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_train_batch_begin",
         "on_train_batch_end", "on_test_begin", "on_test_end", "on_test_batch_begin", "on_test_batch_end",
         "on_predict_begin", "on_predict_end", "on_predict_batch_begin", "on_predict_batch_end"]


class Recorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def set_model(self, model):
        self.calls.append(("set_model",))
        super().set_model(model)

    def set_params(self, params):
        self.calls.append(("set_params", dict(params)))
        super().set_params(params)


def recording(hook):
    def method(self, *args, **kwargs):  # Keras passes logs by keyword to the batch hooks, by position to the others
        *number, logs = args + tuple(kwargs.values())
        assert isinstance(logs, dict) and self.model is not None
        self.calls.append((hook, *number, sorted(logs)))
    return method


for hook in HOOKS:
    setattr(Recorder, hook, recording(hook))


class StopAtFirstBatch(Recorder):
    """Sets model.stop_training in on_train_batch_end of the first batch."""

    def on_train_batch_end(self, batch, logs=None):
        self.calls.append(("on_train_batch_end", batch, sorted(logs)))
        self.model.stop_training = True

if __name__ == "__main__":
    keras.utils.set_random_seed(0)
    x, y = np.random.rand(6, 3).astype("float32"), np.random.rand(6, 1).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=["mae"])
    for what, run in [
        ("fit", lambda r: model.fit(x, y, batch_size=2, epochs=2, validation_data=(x[:4], y[:4]), verbose=0,
                                    callbacks=[r])),
        ("evaluate", lambda r: model.evaluate(x, y, batch_size=2, verbose=0, callbacks=[r])),
        ("predict", lambda r: model.predict(x, batch_size=2, verbose=0, callbacks=[r])),
        ("stop", lambda r: model.fit(x, y, batch_size=2, epochs=2, validation_data=(x[:4], y[:4]), verbose=0,
                                     callbacks=[r])),
    ]:
        recorder = StopAtFirstBatch() if what == "stop" else Recorder()
        run(recorder)
        print(f"{what.upper()} = [")
        for call in recorder.calls:
            print(f"    {call!r},")
        print("]")
