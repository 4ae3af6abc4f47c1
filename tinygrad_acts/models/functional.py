"""Model: a model of your own (a subclass with ``__init__`` and ``call``), or Keras' functional API (``Model(inputs,
outputs)``, a chain of layers — its most common shape in tutorials)."""
from __future__ import annotations

from typing import Any, cast

import numpy as np

from .. import backend, saving
from ..data import Columns, as_tensor
from ..layers import InputLayer, KerasTensor, Layer, Node, snake_case
from ..tensor import Tensor, no_grad
from ..variables import Variable
from .sequential import Sequential, param_totals


@saving.register_keras_serializable(package="tinygrad_acts")
class Model(Sequential):
    """Keras' functional API, a graph of layers:

        inputs = Input(shape=(4,))
        h = Dense(8, activation="tanh")(inputs)
        h = add([h, Dense(8, activation="tanh")(h)])      # a residual connection: branch, then merge
        outputs = Dense(1)(h)
        model = Model(inputs=inputs, outputs=outputs)     # then compile, fit, predict, summary as for Sequential

    Calling a layer on ``inputs`` computes nothing: it gives a ``KerasTensor`` that remembers the call (its layer
    and the placeholders it took, ``layers.py``). The model follows the calls back from ``outputs`` to ``inputs``
    and runs them in that order; a layer called twice is one layer, with one set of weights. Several inputs or
    outputs are lists (or a dict of outputs by name, kept in sorted order as Keras does): ``model([x1, x2])`` gives
    one result per output, and ``fit`` takes losses, loss weights and metrics as lists or dicts by output name.

    Or a model of your own, as Keras' guides write one — layers as attributes, the forward pass in ``call``:

        class MLP(Model):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.dense_1 = Dense(64, activation="relu")
                self.dropout = Dropout(0.5)
                self.dense_2 = Dense(10)

            def call(self, inputs, training=None):
                x = self.dropout(self.dense_1(inputs), training=training)
                return self.dense_2(x)

    Its layers are the attributes that hold layers (``layers.Layer`` tracks them); it is built on its first call
    (or by ``build(input_shape)``, which runs ``call`` once on a sample of zeros), and then compiles, fits,
    evaluates, predicts, summarizes and saves its weights as any model. ``fit`` passes ``training=True`` to
    ``call``, and every layer called inside it without a flag gets that one.
    """

    def __init__(self, inputs: Any = None, outputs: Any = None, name: str | None = None, **kwargs: Any):
        if inputs is None and outputs is None and type(self).call is not Layer.call:  # a model of your own
            Sequential.__init__(self, name=name or backend.unique_name(snake_case(type(self).__name__)))
            self._subclassed = True
            if kwargs.pop("trainable", True) is False:
                self.trainable = False
            if kwargs:
                raise TypeError(f"{type(self).__name__} got unexpected keyword arguments {kwargs}: a model of your "
                                f"own passes name= (and trainable=) to super().__init__(); keep the others yourself")
            return
        if kwargs:
            raise TypeError(f"Model got unexpected keyword arguments {kwargs}; write Model(inputs, outputs, name=...)")
        if inputs is None or outputs is None:
            raise TypeError("Model(inputs, outputs) needs both: inputs = Input(shape=...), outputs = the result of "
                            "calling layers on it. Or subclass Model: define __init__, which makes the layers, and "
                            "call(self, inputs, training=None), which runs them")
        input_list, _ = _listed("inputs", inputs)
        output_list, self._output_names = _listed("outputs", outputs)
        for tensor in input_list:
            if not (isinstance(tensor, KerasTensor) and isinstance(tensor.node.layer, InputLayer)):
                raise TypeError(f"Model: inputs must be what Input(shape=...) returns, got {type(tensor).__name__}")
        for tensor in output_list:
            if not isinstance(tensor, KerasTensor):
                raise TypeError(f"Model: outputs must be the result of calling layers on the inputs, e.g. "
                                f"Dense(1)(x), got {type(tensor).__name__}")
        nodes = _graph_order(input_list, output_list)
        Sequential.__init__(self, name=name or backend.unique_name("functional"))
        self._inputs, self._outputs, self._nodes = input_list, output_list, nodes
        # as Keras: a list of one output gives that output; a dict gives a dict
        self._output_structure = "one" if len(output_list) == 1 else "dict" if isinstance(outputs, dict) else "list"
        in_graph: list[Layer] = [t.node.layer for t in input_list]  # as Keras 3: the InputLayers first
        for node in nodes:
            if all(node.layer is not layer for layer in in_graph):  # a layer used twice is listed once
                in_graph.append(node.layer)
        _read(Sequential.layers, self).extend(in_graph)
        self._input_layer = cast(InputLayer, input_list[0].node.layer)
        # several inputs or outputs: a list of shapes, as Keras'
        self.input_shape = input_list[0].shape if len(input_list) == 1 else cast(tuple, [t.shape for t in input_list])
        self.output_shape = output_list[0].shape if len(output_list) == 1 else \
            cast(tuple, [t.shape for t in output_list])
        self._symbolic_output = output_list[0]
        self.built = True

    # ----------------------------------------------------------------------------------------------------------
    # A graph of layers: the forward pass follows the calls recorded on the placeholders, in order
    # ----------------------------------------------------------------------------------------------------------
    @property
    def inputs(self) -> list[KerasTensor]:
        return list(self._inputs) if not self._subclassed else _read(Sequential.inputs, self)

    @property
    def outputs(self) -> list[KerasTensor]:
        return list(self._outputs) if not self._subclassed else _read(Sequential.outputs, self)

    @property
    def output(self) -> Any:
        """The model's output placeholder (a list of them for several outputs), as Keras' model.output."""
        return self._outputs[0] if len(self._outputs) == 1 else list(self._outputs)

    @property
    def graph(self) -> tuple[list[KerasTensor], list[Node], list[KerasTensor]] | None:
        """(inputs, the calls in the order they run, outputs): what saving/keras.py converts; None for a model of
        your own."""
        return None if self._subclassed else (list(self._inputs), list(self._nodes), list(self._outputs))

    @property
    def output_names(self) -> list[str]:
        """The names of the outputs: the keys of a dict of outputs, else the layers that gave them."""
        return self._output_names or [t.node.layer.name for t in self._outputs]

    def _input_names(self) -> list[str]:
        return [t.node.layer.name for t in self._inputs] if not self._subclassed and len(self._inputs) > 1 else []

    def _output_names_trained(self) -> list[str]:
        return self.output_names if not self._subclassed and len(self._outputs) > 1 else []

    def _run_graph(self, x: Any, training: bool | None, keep: list | None = None) -> Any:
        """Each recorded call, in order, on the numbers; ``keep`` collects (layer, input, output) of each."""
        given = x.arrays if isinstance(x, Columns) else x if isinstance(x, (list, tuple)) else \
            [x[name] for name in self._input_names()] if isinstance(x, dict) else [x]
        if len(given) != len(self._inputs):
            raise ValueError(f"model '{self.name}' has {len(self._inputs)} inputs "
                             f"({', '.join(t.node.layer.name for t in self._inputs)}), got {len(given)}; give a list "
                             f"with one array per input, in that order")
        values = {id(t): v if isinstance(v, Tensor) else as_tensor(v, f"input '{t.node.layer.name}'")
                  for t, v in zip(self._inputs, given, strict=True)}
        for node in self._nodes:
            arguments = [values[id(t)] for t in node.inputs]
            result = node.layer(arguments if node.takes_list else arguments[0], training=training)
            values[id(node.output)] = result
            if keep is not None:
                keep.append((node.layer, arguments[0], result))
        results = [values[id(t)] for t in self._outputs]
        if self._output_structure == "one":
            return results[0]
        if self._output_structure == "dict":
            return dict(zip(self._output_names, results, strict=True))
        return results

    _subclassed = False  # a model of your own, with its call; else a functional model (a chain of layers)

    # ----------------------------------------------------------------------------------------------------------
    # A model of your own: what differs from the stack of layers
    # ----------------------------------------------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        """The layers: for a model of your own, the attributes that hold layers, in the order they were set."""
        return Layer._sublayers(self) if self._subclassed else _read(Sequential.layers, self)

    def _sublayers(self) -> list[Layer]:
        return Layer._sublayers(self) if self._subclassed else list(_read(Sequential.layers, self))

    def __call__(self, x: Any, training: bool | None = None) -> Any:
        if not self._subclassed:
            if isinstance(x, KerasTensor) or isinstance(x, (list, tuple)) and x and isinstance(x[0], KerasTensor):
                return KerasTensor.after(x, self)  # a model called on placeholders: one more node of a graph
            return self._run_graph(x, training)
        if isinstance(x, KerasTensor):
            raise TypeError(f"model '{self.name}': a model of your own runs its call on numbers, not on Input(...): "
                            f"call it on a batch of data, model(x), or build it, model.build((None, features))")
        return Layer.__call__(self, x, training=training)

    def build(self, input_shape: tuple) -> None:
        """For a model of your own: run ``call`` once on one sample of zeros of ``input_shape`` (batch axis first),
        which builds every layer it calls, as Keras runs it symbolically."""
        if not self._subclassed:
            return None  # a graph of layers is built as it is made
        shape = tuple(input_shape) if isinstance(input_shape, (tuple, list)) else input_shape
        if not isinstance(shape, tuple) or len(shape) < 2 or any(
                size is None or isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size <= 0
                for size in shape[1:]):
            raise ValueError(f"build: model '{self.name}' needs an input shape with the batch axis first and every "
                             f"other size known, such as (None, 4), got {input_shape!r}; or call the model on a "
                             f"batch of data, model(x)")
        self.input_shape, self.built = shape, True  # set first: the call below must not build again
        try:
            with no_grad():
                output = Layer.__call__(self, Tensor(np.zeros((1,) + shape[1:], dtype=backend.floatx())))
        except Exception:
            self.built = False
            raise
        self.output_shape = (None,) + output.shape[1:] if isinstance(output, Tensor) else None
        return None

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        if self._subclassed:
            return Layer.output_shape_for(self, tuple(input_shape))
        shapes: dict[int, Any] = {id(self._inputs[0]): tuple(input_shape)}
        for node in self._nodes:
            arguments = [shapes[id(t)] for t in node.inputs]
            shapes[id(node.output)] = node.layer.output_shape_for(cast(tuple, arguments) if node.takes_list
                                                                  else arguments[0])
        return shapes[id(self._outputs[0])]

    def output_shape_for(self, input_shape: tuple) -> tuple:
        return self.compute_output_shape(input_shape)

    def layer_outputs(self, x: Any, training: bool | None = None) -> list[tuple[Layer, Tensor, Tensor]]:
        """For a model of your own, the one step that can be seen from outside: (the model, input, output)."""
        if not self._subclassed:
            steps: list = []
            self._run_graph(x, training, keep=steps)
            return steps
        x = x if isinstance(x, Tensor) else Tensor(x)
        return [(self, x, self(x, training=training))]

    @property
    def weights(self) -> list[Variable]:
        return _read(Layer.weights, self) if self._subclassed else _read(Sequential.weights, self)

    @property
    def trainable_weights(self) -> list[Variable]:
        return _read(Layer.trainable_weights, self) if self._subclassed else \
            _read(Sequential.trainable_weights, self)

    @property
    def non_trainable_weights(self) -> list[Variable]:
        return _read(Layer.non_trainable_weights, self) if self._subclassed else \
            _read(Sequential.non_trainable_weights, self)

    @property
    def losses(self) -> list[Tensor]:
        return _read(Layer.losses, self) if self._subclassed else _read(Sequential.losses, self)

    def count_params(self) -> int:
        return sum(w.size for w in self.weights)

    def to_keras(self) -> Any:
        if self._subclassed:
            raise NotImplementedError(f"to_keras: model '{self.name}' is a model of your own ({type(self).__name__}"
                                      f"), whose call is Python code; write it as a Sequential or a functional Model "
                                      f"to convert it, or copy its weights with get_weights/set_weights")
        return Sequential.to_keras(self)

    def require_built(self, what: str) -> None:
        if self._subclassed and not self.built:
            raise ValueError(f"{what}: the model '{self.name}' has not been built yet, so it has no weights: call it "
                             f"on a batch of data, model(x), or build it, model.build((None, features))")
        Sequential.require_built(self, what)

    def __repr__(self) -> str:
        if self._subclassed:
            return f"<{type(self).__name__} name={self.name!r}, built={self.built}>"
        return Sequential.__repr__(self)

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Model:
        """The same graph, rebuilt the functional way: each layer made from its config, then called, in the recorded
        order, on the placeholders its ``inbound_nodes`` name (``[layer name, which call of it]``), as Keras'."""
        made = {entry["config"]["name"] if "name" in entry.get("config", {}) else entry.get("name"):
                saving.layer_from_config(entry, custom_objects) for entry in config["layers"]}
        if "nodes" not in config:  # the older form: a chain from its InputLayer
            layers = list(made.values())
            if not layers or not isinstance(layers[0], InputLayer):
                raise ValueError("Model.from_config: the config must start with its InputLayer")
            x = layers[0].tensor
            for layer in layers[1:]:
                x = layer(x)
            return cls(layers[0].tensor, x, name=config.get("name"))
        calls: dict[str, list[KerasTensor]] = {}  # each layer's outputs, one per call, in order
        for name, layer in made.items():
            if isinstance(layer, InputLayer):
                calls[name] = [layer.tensor]
        for name, arguments, takes_list in config["nodes"]:
            placeholders = [calls[source][index] for source, index in arguments]
            calls.setdefault(name, []).append(made[name](placeholders if takes_list else placeholders[0]))
        inputs = [calls[source][index] for source, index in config["input_layers"]]
        outputs = [calls[source][index] for source, index in config["output_layers"]]
        names = config.get("output_names")
        return cls(inputs if len(inputs) > 1 else inputs[0],
                   dict(zip(names, outputs, strict=True)) if names else outputs if len(outputs) > 1 else outputs[0],
                   name=config.get("name"))

    def get_config(self) -> dict[str, Any]:
        """The graph as data: each layer's config with the calls that feed it, then the calls in order, as
        ``[layer name, [[source layer, which call], ...], called on a list]``, and where inputs and outputs are."""
        if self._subclassed:  # as Keras: a model of your own says what makes it again by overriding get_config
            return {"name": self.name, "trainable": self.trainable}
        where = {id(t): [t.node.layer.name, 0] for t in self._inputs}
        count: dict[int, int] = {}
        nodes = []
        for node in self._nodes:
            index = count.get(id(node.layer), 0)
            count[id(node.layer)] = index + 1
            nodes.append([node.layer.name, [where[id(t)] for t in node.inputs], node.takes_list])
            where[id(node.output)] = [node.layer.name, index]
        layers = [{"class_name": type(layer).__name__, "config": layer.get_config(),
                   "inbound_nodes": [n[1] for n in nodes if n[0] == layer.name]} for layer in self.layers]
        config: dict[str, Any] = {"name": self.name, "layers": layers, "nodes": nodes,
                                  "input_layers": [where[id(t)] for t in self._inputs],
                                  "output_layers": [where[id(t)] for t in self._outputs]}
        if self._output_structure == "dict":
            config["output_names"] = list(self._output_names)
        return config

    def summary(self, print_fn: Any = print) -> None:
        """As a Sequential's, with Keras' "Connected to" column when the graph is not a chain: which layer's call
        (``name[call][0]``) each layer takes."""
        if self._subclassed or all(len(node.inputs) == 1 for node in self._nodes) and len(self._inputs) == 1 and \
                len(self._outputs) == 1 and len({id(node.layer) for node in self._nodes}) == len(self._nodes):
            return Sequential.summary(self, print_fn)
        where = {id(t): f"{t.node.layer.name}[0][0]" for t in self._inputs}
        count: dict[int, int] = {}
        connected: dict[int, list[str]] = {}
        for node in self._nodes:
            index = count.get(id(node.layer), 0)
            count[id(node.layer)] = index + 1
            connected.setdefault(id(node.layer), []).extend(where[id(t)] for t in node.inputs)
            where[id(node.output)] = f"{node.layer.name}[{index}][0]"
        widths = (28, 22, 10, 30)
        rule = "_" * sum(widths)
        lines = [f'Model: "{self.name}"', rule,
                 f"{'Layer (type)':<{widths[0]}}{'Output Shape':<{widths[1]}}{'Param #':>{widths[2]}}  "
                 f"{'Connected to':<{widths[3] - 2}}", "=" * sum(widths)]
        for i, layer in enumerate(self.layers):
            sources = connected.get(id(layer), []) or ["-"]
            lines.append(f"{f'{layer.name} ({type(layer).__name__})':<{widths[0]}}"
                         f"{str(getattr(layer, 'output_shape', '?')):<{widths[1]}}{layer.count_params():>{widths[2]},}"
                         f"  {sources[0]}")
            lines += [" " * (sum(widths[:3]) + 2) + source for source in sources[1:]]
            lines.append(rule if i == len(self.layers) - 1 else "")
        lines += param_totals(self)
        for line in lines:
            print_fn(line)


def _read(attribute: Any, model: Model) -> Any:
    """A property of the class named (Layer's, for a model of your own; Sequential's, for a graph), read for model."""
    return cast(property, attribute).fget(model)  # type: ignore[misc]  # a property always has its getter here


def _listed(what: str, value: Any) -> tuple[list, list[str]]:
    """Model's inputs or outputs as a list, and their names when given as a dict (``{'score': x, ...}``): a dict's
    in the order of its sorted keys, as Keras flattens one (so the layers and weights come in Keras' order)."""
    if isinstance(value, dict):
        keys = sorted(value, key=str)
        return [value[key] for key in keys], [str(key) for key in keys]
    if isinstance(value, (list, tuple)):
        if not value:
            raise ValueError(f"Model: no {what} given; give at least one")
        return list(value), []
    return [value], []


def _graph_order(inputs: list[KerasTensor], outputs: list[KerasTensor]) -> list[Node]:
    """The calls that lead from ``inputs`` to ``outputs``, each after the calls it needs (a depth-first walk back
    from the outputs, without recursion). An output that needs an Input not among ``inputs``, or an input that no
    output needs, is an error that names it."""
    order: list[Node] = []
    done: set[int] = set()
    used: set[int] = set()
    stack: list[tuple[Node, bool]] = [(t.node, False) for t in reversed(outputs)]
    while stack:
        node, expanded = stack.pop()
        if id(node) in done:
            continue
        if isinstance(node.layer, InputLayer):
            if all(node.output is not t for t in inputs):
                raise ValueError(f"Model: the outputs need Input '{node.layer.name}', which is not among the inputs "
                                 f"({', '.join(t.node.layer.name for t in inputs)}); add it: Model(inputs=[..., "
                                 f"{node.layer.name}], outputs=...)")
            used.add(id(node.output))
            done.add(id(node))
            continue
        if expanded:
            done.add(id(node))
            order.append(node)
            continue
        stack.append((node, True))
        stack.extend((t.node, False) for t in reversed(node.inputs) if id(t.node) not in done)
    for tensor in inputs:
        if id(tensor) not in used:
            raise ValueError(f"Model: input '{tensor.node.layer.name}' is not connected to any output; remove it "
                             f"from inputs, or use it in the layers that lead to the outputs")
    return order
