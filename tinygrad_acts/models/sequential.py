"""Sequential: a stack of layers — how they are added and built, the forward pass, the weights, and the summary.

Training (compile, fit, evaluate, predict) is inherited from training.Trainer; weights files, the architecture as
JSON and Keras' formats are in saving/; drawing is in viz/. What is here is the model itself.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, cast

import numpy as np

from .. import backend, saving
from ..data import as_tensor
from ..layers import InputLayer, KerasTensor, Layer, Node, assign_weights
from ..tensor import Tensor
from ..training import Trainer
from ..variables import Variable
from ..viz.graph import plot_model


@saving.register_keras_serializable(package="tinygrad_acts")
class Sequential(Trainer, Layer):
    """Layers applied in order: ``Sequential([Dense(16, activation='relu', input_shape=(2,)), Dense(1)])``.

    A model is a layer too, as in Keras: it can be a layer of another model, or an attribute of a layer of your
    own, and ``model.trainable = False`` freezes all its layers."""

    def __init__(self, layers: Sequence[Layer | KerasTensor] | None = None, name: str | None = None):
        if layers is not None and not isinstance(layers, (list, tuple)):
            raise TypeError(f"Sequential expects a list of layers, e.g. Sequential([Dense(4), Dense(1)]), got "
                            f"{type(layers).__name__}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"a model name must be a string, got {type(name).__name__}")
        Trainer.__init__(self)  # the training state: optimizer, loss and metrics, set by compile
        Layer.__init__(self, name=name or backend.unique_name("sequential"))
        self._stack: list[Layer] = []  # the layers, in order: ``layers``
        self.input_shape: tuple | None = None  # with the batch axis: (None, features)
        self.output_shape: tuple | None = None  # type: ignore[assignment]  # a layer's is set when built
        self._input_layer: InputLayer | None = None  # Input(shape) given first, or made by build
        self.built = False
        for layer in layers or []:
            self.add(layer)

    # ----------------------------------------------------------------------------------------------------------
    # Building the stack
    # ----------------------------------------------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        """The layers, in the order they run (the list itself: ``add`` and ``pop`` change it)."""
        return self._stack

    def add(self, layer: Layer | KerasTensor) -> None:
        """Append a layer — or a whole model, which then acts as one layer (Keras' Sequential([model, Softmax()]))."""
        if isinstance(layer, KerasTensor) and layer.node is not None and isinstance(layer.node.layer, InputLayer):
            layer = layer.node.layer  # Input(shape) first: its InputLayer fixes the input shape
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add expects a layer such as Dense(4) or Activation('tanh'), got {layer!r} "
                            f"of type {type(layer).__name__}")
        if isinstance(layer, InputLayer):
            if self.layers or self.input_shape is not None:
                raise ValueError("Input(...) must come first in a Sequential model")
            assert layer.input_shape is not None  # Input(shape) always has one
            self.input_shape = (None,) + layer.input_shape
            self._input_layer = layer
            return
        if any(existing.name == layer.name for existing in self.layers):
            raise ValueError(f"All layers in a Sequential model need unique names; '{layer.name}' is already used")
        input_shape = self.input_shape
        self.layers.append(layer)
        if len(self.layers) == 1 and self.input_shape is None and layer.input_shape is not None:
            # a layer's input_shape has no batch axis; a model's has it
            self.input_shape = layer.input_shape if isinstance(layer, Sequential) else (None,) + layer.input_shape
        if self.input_shape is not None:
            try:
                self.build(self.input_shape)
            except Exception:  # a layer that cannot take the output of the one before is not added
                self.layers.pop()
                self.input_shape = input_shape
                raise

    def pop(self) -> Layer:
        """Remove the last layer and return it, as Keras does. The model keeps its input shape (Keras 3 too)."""
        if not self.layers:
            raise IndexError(f"pop: the model '{self.name}' has no layers to remove")
        layer = self.layers.pop()
        if self.built:  # the layers left are built: this only recomputes the output shape
            self.build(cast(tuple, self.input_shape))
        return layer

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """The layer called ``name``, or the one at position ``index`` (negative counts from the end), as Keras."""
        if (name is None) == (index is None):
            raise ValueError(f"get_layer expects a layer name or a layer index, exactly one of them, got "
                             f"name={name!r}, index={index!r}")
        if index is not None:
            if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or \
                    not -len(self.layers) <= index < len(self.layers):
                raise ValueError(f"get_layer: index {index!r} is not a position in model '{self.name}', which has "
                                 f"{len(self.layers)} layers")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"get_layer: model '{self.name}' has no layer named {name!r}; its layers are "
                         f"{[layer.name for layer in self.layers]}")

    def build(self, input_shape: tuple) -> None:
        """Create every layer's weights for inputs of ``input_shape`` (batch axis included, as ``None``)."""
        shape = tuple(input_shape)
        self.input_shape = shape
        if self._input_layer is None or self._input_layer.shape != shape:
            self._input_layer = InputLayer(batch_shape=shape)
        symbolic = self._input_layer.tensor
        for layer in self.layers:
            if not layer.built:
                layer.build(shape)
                layer.built = True  # as Keras: a build() that forgets `self.built = True` still runs only once
            shape = layer.output_shape_for(shape)
            layer.output_shape = shape
            # layer.output, for Model(inputs=model.inputs, outputs=layer.output): the graph up to this layer
            symbolic = layer.symbolic_output = KerasTensor(shape, symbolic.dtype, Node(layer, [symbolic], False),
                                                           name=layer.name)
        self._symbolic_output = symbolic
        self.output_shape = shape
        self.built = True

    @property
    def inputs(self) -> list[KerasTensor]:
        """[the model's Input], as Keras' model.inputs: where a functional Model built from its layers starts."""
        self.require_built("inputs")
        return [cast(InputLayer, self._input_layer).tensor]

    @property
    def outputs(self) -> list[KerasTensor]:
        """[what its last layer gives, as a placeholder], as Keras' model.outputs."""
        self.require_built("outputs")
        return [self._symbolic_output]

    @property
    def input(self) -> KerasTensor:
        """The model's one input, as Keras' model.input."""
        return self.inputs[0]

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """As a layer of another model: the shape its layers give, in turn."""
        shape = tuple(input_shape)
        for layer in self.layers:
            shape = layer.compute_output_shape(shape)
        return shape

    def output_shape_for(self, input_shape: tuple) -> tuple:
        return self.compute_output_shape(input_shape)

    def require_built(self, what: str) -> None:
        """Raise, saying how to build the model, unless it is built (it then has its weights)."""
        if not self.built:
            raise ValueError(f"{what}: the model '{self.name}' has not been built yet, so it has no weights. Give its "
                             f"first layer input_shape=(...), start it with Input(shape), or call it on data first")

    # ----------------------------------------------------------------------------------------------------------
    # The forward pass
    # ----------------------------------------------------------------------------------------------------------
    def __call__(self, x: Any, training: bool | None = None) -> Tensor:
        """The forward pass, recorded for gradients: a Tensor in, a Tensor out. ``training`` goes to every layer
        whose call takes it (Dropout, BatchNormalization): fit passes True, predict and evaluate False. Called on
        an ``Input(...)`` placeholder, it is one layer of a functional model (the transfer-learning idiom)."""
        if isinstance(x, KerasTensor):
            return cast(Tensor, KerasTensor.after(x, self))
        x = as_tensor(x)
        if not self.built:
            self.build((None,) + x.shape[1:])
        for layer in self.layers:
            x = layer(x, training=training)
        return x

    def layer_outputs(self, x: Any, training: bool | None = None) -> list[tuple[Layer, Tensor, Tensor]]:
        """The same forward pass, keeping each layer's input and output: ``[(layer, input, output), ...]``, so
        that each can be looked at (diagnostics.LayerStats does, through the on_train_batch_outputs hook)."""
        x = as_tensor(x)
        if not self.built:
            self.build((None,) + x.shape[1:])
        steps = []
        for layer in self.layers:
            inputs, x = x, layer(x, training=training)
            steps.append((layer, inputs, x))
        return steps

    # ----------------------------------------------------------------------------------------------------------
    # Weights
    # ----------------------------------------------------------------------------------------------------------
    def _sublayers(self) -> list[Layer]:
        return list(self.layers)

    @property
    def weights(self) -> list[Variable]:
        return [w for layer in self.layers for w in layer.weights]

    @property
    def trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return []
        return [w for layer in self.layers for w in layer.trainable_weights]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        """The weights the optimizer leaves alone: moving statistics, and every weight of a frozen layer."""
        if not self.trainable:
            return self.weights
        return [w for layer in self.layers for w in layer.non_trainable_weights]

    @property
    def losses(self) -> list[Tensor]:
        """Every layer's added losses (regularizers.py): what ``fit`` adds to the compiled loss."""
        return [loss for layer in self.layers for loss in layer.losses]

    def count_params(self) -> int:
        return sum(layer.count_params() for layer in self.layers)

    def get_weights(self) -> list[np.ndarray]:
        """Copies of every weight: kernel then bias, layer by layer, as Keras orders them."""
        return [w.data.copy() for w in self.weights]

    def set_weights(self, weights: list[Any]) -> None:
        """Set every weight from a list like get_weights'. A wrong count or shape raises and changes nothing."""
        self.require_built("set_weights")
        assign_weights(self.weights, weights, f"model '{self.name}'")

    # ----------------------------------------------------------------------------------------------------------
    # Saving, and the architecture as data (saving/ does the work)
    # ----------------------------------------------------------------------------------------------------------
    def save_weights(self, path: str | os.PathLike) -> None:
        """Every weight to ``path``: numpy's .npz (no Keras needed), or Keras' .weights.h5 (saving/weights.py)."""
        self.require_built("save_weights")
        saving.save_weights(self, path)

    def load_weights(self, path: str | os.PathLike) -> None:
        """Weights from a file save_weights wrote; one that does not fit raises ValueError and changes nothing."""
        self.require_built("load_weights")
        saving.load_weights(self, path)

    def save(self, path: str | os.PathLike) -> None:
        """The whole model in Keras' ``.keras`` format, through Keras (``saving.save_model``); ``models.load_model``
        and ``keras.models.load_model`` read it. Needs Keras; ``save_weights('m.npz')`` does not."""
        saving.save_model(self, path)

    def to_keras(self) -> Any:
        """This model as a real, uncompiled ``keras.Sequential`` (Keras 3): the same layers, activations and
        weights, so its ``predict`` gives ours. ``models.from_keras`` goes back. See saving/keras.py."""
        return saving.keras.to_keras(self)

    def get_config(self) -> dict[str, Any]:
        """The layers, in order, each as ``{'class_name': 'Dense', 'config': layer.get_config()}``, after an
        InputLayer entry when the input shape is known, as Keras 3's Sequential config lists them. No weights."""
        listed = bool(self.layers) and isinstance(self.layers[0], InputLayer)  # a functional model lists its input
        entries = [{"class_name": "InputLayer", "config": {"batch_shape": list(self.input_shape), "name": "input"}}] \
            if self.input_shape is not None and not listed else []
        entries += [{"class_name": type(layer).__name__, "config": layer.get_config()} for layer in self.layers]
        return {"name": self.name, "layers": entries}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Sequential:
        """A new model with the layers ``config`` describes (new weights: load them with set_weights or
        load_weights). Your own layer classes are found through ``custom_objects={'MyLayer': MyLayer}``."""
        return Sequential([saving.layer_from_config(entry, custom_objects) for entry in config["layers"]],
                          name=config.get("name"))

    def to_json(self, **kwargs: Any) -> str:
        """The architecture as JSON text (``json.dumps`` options pass through); ``models.model_from_json`` reads it."""
        return saving.to_json(self, **kwargs)

    # ----------------------------------------------------------------------------------------------------------
    # Looking at the model
    # ----------------------------------------------------------------------------------------------------------
    def summary(self, print_fn: Callable[[str], Any] = print) -> None:
        """A table of layers, output shapes and parameter counts, like Keras'."""
        self.require_built("summary")
        widths = (34, 26, 12)
        rule = "_" * sum(widths)
        lines = [f'Model: "{self.name}"', rule,
                 f"{'Layer (type)':<{widths[0]}}{'Output Shape':<{widths[1]}}{'Param #':>{widths[2]}}",
                 "=" * sum(widths)]
        for i, layer in enumerate(self.layers):
            lines.append(f"{f'{layer.name} ({type(layer).__name__})':<{widths[0]}}"
                         f"{str(getattr(layer, 'output_shape', '?')):<{widths[1]}}"  # '?': a layer never called
                         f"{layer.count_params():>{widths[2]},}")
            lines.append(rule if i == len(self.layers) - 1 else "")
        lines += param_totals(self)
        for line in lines:
            print_fn(line)

    def plot(self, to_file: str | os.PathLike | None = None, **kwargs: Any) -> str:
        """The layer stack as DOT text, drawn to ``to_file`` if given: see ``viz.graph.plot_model`` for the options."""
        return plot_model(self, to_file, **kwargs)

    def __repr__(self) -> str:
        return f"<Sequential name={self.name!r}, layers={[layer.name for layer in self.layers]}>"


def size_in_bytes(weights: Sequence[Tensor]) -> str:
    size = float(sum(w.data.nbytes for w in weights))
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.2f} {unit}"
        size /= 1024
    return ""


def param_totals(model: Any) -> list[str]:
    """The summary's last three lines, as Keras prints them: the parameters in all, trainable and not."""
    trainable = sum(w.size for w in model.trainable_weights)
    total = model.count_params()
    return [f"Total params: {total:,} ({size_in_bytes(model.weights)})",
            f"Trainable params: {trainable:,} ({size_in_bytes(model.trainable_weights)})",
            f"Non-trainable params: {total - trainable:,}"]
