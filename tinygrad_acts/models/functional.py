"""Model: Keras' functional API, for a chain of layers — its most common shape in tutorials."""
from __future__ import annotations

from typing import Any, cast

from .. import backend, saving
from ..layers import InputLayer, KerasTensor
from .sequential import Sequential


@saving.register_keras_serializable(package="tinygrad_acts")
class Model(Sequential):
    """Keras' functional API, for a chain of layers:

        inputs = Input(shape=(2,))
        x = Dense(8, activation="relu")(inputs)
        outputs = Dense(1, activation="sigmoid")(x)
        model = Model(inputs=inputs, outputs=outputs)     # then compile, fit, predict, summary as for Sequential

    Calling a layer on ``inputs`` computes nothing: it gives a ``KerasTensor`` that remembers the chain of layers
    (``layers.py``). The model is the Sequential of that chain. One input and one output: with no layers that join
    two tensors, a graph cannot branch and merge again. Subclassing Model with your own ``call`` is not supported.
    """

    def __init__(self, inputs: Any = None, outputs: Any = None, name: str | None = None):
        if inputs is None or outputs is None:
            raise TypeError("Model(inputs, outputs) needs both: inputs = Input(shape=...), outputs = the result of "
                            "calling layers on it. (Subclassing Model with a call method is not supported here: "
                            "write the layers as a Sequential.)")
        inputs, outputs = _single("inputs", inputs), _single("outputs", outputs)
        if not isinstance(inputs, InputLayer):
            raise TypeError(f"Model: inputs must be what Input(shape=...) returns, got {type(inputs).__name__}")
        if not isinstance(outputs, (KerasTensor, InputLayer)):
            raise TypeError(f"Model: outputs must be the result of calling layers on the inputs, e.g. "
                            f"Dense(1)(x), got {type(outputs).__name__}")
        chain = () if isinstance(outputs, InputLayer) else outputs.layers
        if (outputs if isinstance(outputs, InputLayer) else outputs.source) is not inputs:
            raise ValueError("Model: outputs were not computed from these inputs (they start at another Input)")
        super().__init__([inputs, *chain], name=name or backend.unique_name("functional"))
        # as Keras 3, a functional model lists its InputLayer first: model.layers[1] is the first Dense
        inputs.built, inputs.output_shape = True, cast(tuple, self.input_shape)
        self.layers.insert(0, inputs)

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Model:
        """The same chain, rebuilt the functional way: the input, then each layer called on what came before."""
        entries = [saving.layer_from_config(entry, custom_objects) for entry in config["layers"]]
        if not entries or not isinstance(entries[0], InputLayer):
            raise ValueError("Model.from_config: the config must start with its InputLayer")
        x = inputs = entries[0]
        for layer in entries[1:]:
            x = layer(x)
        return cls(inputs, x, name=config.get("name"))


def _single(what: str, value: Any) -> Any:
    """The one input (or output) of a list, tuple or dict of one."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise ValueError(f"Model: {len(value)} {what} given; a model here has exactly one input and one output "
                             f"(layers that join tensors, such as Concatenate, do not exist here)")
        value = value[0]
    return value
