"""Draw the computation graph behind a tensor (which op made which tensor, and what flowed back), and a model's layers.

    >>> w = Tensor([1.0, -2.0], requires_grad=True, name="w")
    >>> loss = (w * w).sum()
    >>> loss.backward()
    >>> dot = draw_graph(loss)             # Graphviz DOT text, always (paste it into any Graphviz viewer)
    >>> dot = draw_graph(loss, "loss.png") # and a picture, drawn with matplotlib alone: no Graphviz needed

In a Jupyter notebook ``dot`` shows as that picture; it is still the DOT text (a ``str``), also at ``dot.source``.

Three short steps:

1. ``trace`` walks back from the tensor through ``parents`` (with a stack, not recursion: graphs can be deep) and
   returns every tensor in creation order, which is a topological order (an op's result is newer than its inputs).
2. ``tensor_graph`` turns those tensors into labelled boxes, one per tensor and one per op, and arrows in the
   direction data flows: input -> op -> result.
3. ``to_dot`` writes the boxes and arrows as DOT text; ``render`` lays them out in layers (inputs left, output
   right) and draws them with matplotlib (both in viz/layout.py).

Steps 2 and 3 know nothing about tensors: ``to_dot`` and ``render`` draw any list of ``Node`` boxes and
``(from_key, to_key)`` arrows. ``plot_model`` uses them for a model's layers, as ``keras.utils.plot_model`` does:

    >>> model = Sequential([Dense(16, activation="relu", input_shape=(2,)), Dense(1)])
    >>> dot = plot_model(model, "model.png")  # an input box, then "dense (Dense)", "(None, 2) -> (None, 16)", ...
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from ..layers import Layer, weight_label
from ..tensor import Tensor
from .layout import Dot, Node, check_path, save, to_dot


# ----------------------------------------------------------------------------------------------------------------
# 1. Walking the graph
# ----------------------------------------------------------------------------------------------------------------
def _roots(tensor: Tensor | Sequence[Tensor]) -> list[Tensor]:
    if isinstance(tensor, Tensor):
        return [tensor]
    if not isinstance(tensor, (list, tuple)):
        raise TypeError(f"expected a Tensor or a list of Tensors, got {type(tensor).__name__}")
    roots = list(tensor)
    for root in roots:
        if not isinstance(root, Tensor):
            raise TypeError(f"expected a Tensor or a list of Tensors, got a list holding a {type(root).__name__}")
    if not roots:
        raise ValueError("expected a Tensor or a list of Tensors, got an empty list")
    return roots


def trace(tensor: Tensor | Sequence[Tensor]) -> list[Tensor]:
    """Every tensor ``tensor`` was computed from, itself included, oldest first: inputs come before their results.

    An iterative depth-first walk, so a chain of 10,000 ops needs no deep recursion. A list of tensors gives the
    union of their graphs.
    """
    found: dict[int, Tensor] = {}
    stack = _roots(tensor)
    while stack:
        t = stack.pop()
        if id(t) not in found:
            found[id(t)] = t
            stack.extend(t.parents)
    return sorted(found.values(), key=lambda t: t.order)  # creation order is a topological order


def retain_grads(tensor: Tensor | Sequence[Tensor]) -> Tensor | Sequence[Tensor]:
    """Make every tensor computed on the way to ``tensor`` keep its ``.grad``, so a drawing can show it.

    Call it *before* ``backward()``: by default (as in PyTorch) only leaves keep their gradient, intermediate
    results pass theirs on and drop it. Returns ``tensor``, so ``retain_grads(loss).backward()`` works.
    """
    for t in trace(tensor):
        if t.parents:
            t.retain_grad()
    return tensor


# ----------------------------------------------------------------------------------------------------------------
# 2. Tensors to boxes and arrows
# ----------------------------------------------------------------------------------------------------------------
def _format_shape(shape: tuple) -> str:
    return "scalar" if shape == () else str(shape)


def _format_values(prefix: str, values: np.ndarray) -> list[str]:
    """``prefix`` then the array, 3 decimals, one line per row (numpy indents the following rows under the first)."""
    values = np.asarray(values)
    if values.ndim == 0:  # the common case in scalar graphs, 20x faster than array2string, with numpy's rule
        value = float(values)
        scientific = value != 0 and not 1e-4 <= abs(value) < 1e8
        return [f"{prefix}{value:.3e}" if scientific else f"{prefix}{value:.3f}"]
    text = np.array2string(values, precision=3, floatmode="fixed", separator=", ", prefix=prefix,
                           max_line_width=10_000)
    return (prefix + text).split("\n")


def _tensor_label(t: Tensor, constant: bool, show_data: bool, show_grad: bool, max_size: int) -> str:
    small = t.size <= max_size
    name = weight_label(t) if t.name else None  # a layer's weight by its path: 'dense/kernel'
    if constant:  # compact: no gradient, and an unnamed constant (the 2 in x * 2) shows just its value
        lines = [f"{name}  {_format_shape(t.shape)}"] if name else []
        if small and show_data:
            lines += _format_values("", t.data)
        elif not name:
            lines.append(_format_shape(t.shape))
        return "\n".join(lines)
    lines = [f"{name}  {_format_shape(t.shape)}" if name else _format_shape(t.shape)]
    if small and show_data:
        lines += _format_values("data ", t.data)
    if small and show_grad and t.grad is not None:
        lines += _format_values("grad ", np.asarray(t.grad))  # asarray: after backward(create_graph=True), a Tensor
    return "\n".join(lines)


def tensor_graph(tensor: Tensor | Sequence[Tensor], show_data: bool = True, show_grad: bool = True,
                 max_size: int = 8) -> tuple[list[Node], list[tuple[str, str]]]:
    """The boxes and arrows of ``tensor``'s graph: a box per tensor (``t0``, ``t1``, ... oldest first), a box per op
    (``op5`` made ``t5``), and arrows parent -> op -> result. Values and gradients are shown for tensors of at most
    ``max_size`` elements; bigger ones show their shape only."""
    tensors = trace(tensor)
    roots = {id(root) for root in _roots(tensor)}
    key = {id(t): f"t{i}" for i, t in enumerate(tensors)}
    nodes: list[Node] = []
    edges: list[tuple[str, str]] = []
    for i, t in enumerate(tensors):
        if t.parents:
            op_key = f"op{i}"
            nodes.append(Node(op_key, str(t.op), "op"))
            edges += [(key[id(parent)], op_key) for parent in t.parents]
            edges.append((op_key, key[id(t)]))
            kind = "result"
        else:
            kind = "leaf" if t.requires_grad else "constant"
        if id(t) in roots:
            kind = "output"
        label = _tensor_label(t, not t.parents and not t.requires_grad, show_data, show_grad, max_size)
        nodes.append(Node(key[id(t)], label, kind))
    return nodes, edges


# ----------------------------------------------------------------------------------------------------------------
# The calls a learner needs: a tensor's graph, and a model's layers
# ----------------------------------------------------------------------------------------------------------------


def draw_graph(tensor: Tensor | Sequence[Tensor], path: str | os.PathLike | None = None, show_data: bool = True,
               show_grad: bool = True, max_size: int = 8, rankdir: str = "LR", title: str | None = None) -> Dot:
    """The graph that produced ``tensor``: a box per tensor (its name, shape, and for tensors of at most
    ``max_size`` elements its values and gradient), a box per op, arrows in the direction data flows.

    Returns the Graphviz DOT text (nothing needs installing for that): a ``Dot``, which is that text as a ``str``
    (also at ``.source``) and shows as the picture in a Jupyter notebook. With a ``path`` ending in .png, .svg or .pdf
    also draws the graph there with matplotlib (no Graphviz binary needed); .dot or .gv writes the DOT text.
    Gradients appear after ``backward()``; for intermediate results call ``retain_grads(tensor)`` before it.
    A list of tensors draws all their graphs together.
    """
    check_path(path, "draw_graph")
    nodes, edges = tensor_graph(tensor, show_data=show_data, show_grad=show_grad, max_size=max_size)
    dot = to_dot(nodes, edges, rankdir=rankdir, title=title)
    save(dot, nodes, edges, path, rankdir=rankdir, title=title)
    return Dot(dot, nodes, edges, rankdir=rankdir, title=title)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


class LayerStack(Protocol):
    """What model_graph reads of a model: a Sequential is one. This module sits below models.py (Sequential.plot
    calls plot_model), so it names no model class, only the attributes it reads."""

    @property
    def name(self) -> str: ...
    @property
    def built(self) -> bool: ...
    @property
    def input_shape(self) -> tuple | None: ...
    @property
    def layers(self) -> Sequence[Layer]: ...


def model_graph(model: LayerStack, show_shapes: bool = True, show_layer_names: bool = True,
                show_layer_activations: bool = False,
                show_trainable: bool = False) -> tuple[list[Node], list[tuple[str, str]]]:
    """The boxes and arrows of a built Sequential model: an ``input`` box, then one box per layer (``layer0``,
    ``layer1``, ...), each arrow from a layer to the next; of a functional Model, a box per Input and per layer and
    an arrow along each call, so a residual connection is the arrow that skips a layer. A layer's box reads::

        dense (Dense)                 its name and type (the type alone with show_layer_names=False)
        (None, 2) -> (None, 16)       input and output shape, None for the batch axis    (show_shapes)
        48 params                     how many numbers it learns
        activation: relu              for a layer with an .activation           (show_layer_activations)
        trainable                     or "non-trainable", for a layer with weights        (show_trainable)
    """
    if not all(hasattr(model, attribute) for attribute in ("layers", "built", "name", "input_shape")):
        raise TypeError(f"plot_model expects a Sequential model, got {type(model).__name__}")
    if not model.built:  # the wording of Sequential._require_built
        raise ValueError(f"plot_model: the model '{model.name}' has not been built yet, so its layers have no "
                         f"shapes. Give its first layer input_shape=(...), start it with Input(shape), or call it on "
                         f"data first")
    def box(key: str, layer: Layer, input_shape: Any) -> Node:
        kind = type(layer).__name__
        lines = [f"{layer.name} ({kind})" if show_layer_names else kind]
        if show_shapes:
            lines.append(f"{input_shape} -> {layer.output_shape}")
        lines.append(_count(layer.count_params(), "param"))
        activation = getattr(layer, "activation", None)
        if show_layer_activations and activation is not None:
            lines.append(f"activation: {getattr(activation, '__name__', repr(activation))}")
        if show_trainable and layer.weights:
            lines.append("trainable" if layer.trainable else "non-trainable")
        return Node(key, "\n".join(lines), "layer")

    graph = getattr(model, "graph", None)  # a functional Model: (inputs, calls, outputs), arrows along the calls
    if graph is not None:
        return _graph_boxes(model, graph, box, show_shapes)
    shape = model.input_shape
    nodes = [Node("input", "\n".join(["input"] + ([str(shape)] if show_shapes else [])), "constant")]  # data: grey
    edges = []
    for i, layer in enumerate(model.layers):
        nodes.append(box(f"layer{i}", layer, shape))
        edges.append((nodes[-2].key, nodes[-1].key))
        shape = layer.output_shape
    return nodes, edges


def _graph_boxes(model: LayerStack, graph: tuple, box: Any, show_shapes: bool
                 ) -> tuple[list[Node], list[tuple[str, str]]]:
    """A graph of layers: an input box per Input (grey), a box per layer, an arrow per (source, layer) of each call,
    so a residual connection shows as the arrow that skips a layer."""
    _, calls, _ = graph
    keys = {id(layer): f"layer{i}" for i, layer in enumerate(model.layers)}
    sources: dict[int, list] = {}
    for call in calls:
        sources.setdefault(id(call.layer), []).extend(t.node.layer for t in call.inputs)
    nodes, edges = [], []
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            nodes.append(Node(keys[id(layer)], "\n".join([layer.name] + ([str(layer.output_shape)] if show_shapes
                                                                          else [])), "constant"))
            continue
        inputs = [source.output_shape for source in sources.get(id(layer), [])]
        nodes.append(box(keys[id(layer)], layer, inputs[0] if len(inputs) == 1 else inputs))
        for source in sources.get(id(layer), []):
            edge = (keys[id(source)], keys[id(layer)])
            if edge not in edges:
                edges.append(edge)
    return nodes, edges


def plot_model(model: LayerStack, to_file: str | os.PathLike | None = None, *, show_shapes: bool = True,
               show_layer_names: bool = True, show_layer_activations: bool = False, show_trainable: bool = False,
               rankdir: str = "TB", dpi: int = 200) -> Dot:
    """The layer stack of a Sequential model, as ``keras.utils.plot_model`` draws it: an input box on top, then a
    box per layer with its name and type, its input and output shapes and its parameter count, arrows downwards.

    Returns the Graphviz DOT text (nothing needs installing for that): a ``Dot``, which is that text as a ``str``
    (also at ``.source``) and shows as the picture in a Jupyter notebook. With ``to_file`` ending in .png, .svg or .pdf
    also draws the stack there with matplotlib alone (no Graphviz, no pydot); .dot or .gv writes the DOT text.

    Keras' argument names and its defaults for ``rankdir`` ("TB": top to bottom; "LR": left to right) and ``dpi``.
    Where we differ: ``to_file`` defaults to None (Keras writes model.png), and ``show_shapes`` and
    ``show_layer_names`` default to True (Keras 3 to False): a stack without them tells a learner little. Keras'
    ``show_dtype`` and ``expand_nested`` are not offered: every weight here is float32 and models do not nest.
    """
    check_path(to_file, "plot_model")
    nodes, edges = model_graph(model, show_shapes=show_shapes, show_layer_names=show_layer_names,
                               show_layer_activations=show_layer_activations, show_trainable=show_trainable)
    dot = to_dot(nodes, edges, rankdir=rankdir)
    save(dot, nodes, edges, to_file, rankdir=rankdir, dpi=dpi)
    return Dot(dot, nodes, edges, rankdir=rankdir, dpi=dpi)
