"""Backprop, step by step: one sample through a tiny network, its graph as the engine recorded it, and the backward
pass in the engine's own order, each step with the gradient arriving, the rule and the gradients it sends.

Nothing here re-implements a derivative. The forward pass is the model's layers and loss on Tensors; the order is
``Tensor.backpropagate``'s (newest tensor first), which yields each tensor that retains its gradient as its turn
comes, with the gradient that has reached it; what a step sends to its inputs is that tensor's recorded
``backward_rule`` applied to those numbers. The weights' gradients at the end are what ``backward()`` gives.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

import tinygrad_acts as keras
from tinygrad_acts.tensor import unbroadcast

MAX_LAYERS, MAX_UNITS = 3, 3  # a network small enough to read every number of
RULES = {  # the local derivative each op's rule applies, as its docstring states it; g is the gradient arriving
    "matmul": "to x: g @ Wᵀ;  to W: xᵀ @ g",
    "add": "to each input: g (summed over the rows for a bias)",
    "sub": "to a: g;  to b: −g",
    "mul": "to a: g·b;  to b: g·a",
    "div": "to a: g / b;  to b: −g·a / b²",
    "neg": "−g",
    "pow": "g·p·x^(p−1)",
    "exp": "g·out",
    "expm1": "g·(out + 1)",
    "abs": "g·sign(x)",
    "tanh": "g·(1 − out²)",
    "sigmoid": "g·out·(1 − out)",
    "relu": "g·[x > 0]",
    "softplus": "g·σ(x)",
    "squareplus": "g·(1 + x / √(x² + b)) / 2",
    "erfc": "−g·(2/√π)·e^(−x²)",
    "clip": "g where low < x < high, else 0",
    "where": "g to the branch chosen at each place, 0 to the other",
    "softmax": "out·(g − Σ g·out)",
    "log_softmax": "g − softmax(x)·Σ g",
    "mean": "g / n to each of the n numbers averaged",
    "sum": "g to each number summed",
    "binary_crossentropy_with_logits": "to the logit z: g·(σ(z) − y), y the label",
}


def _numbers(array: Any) -> Any:
    """A small array as nested lists of floats for JSON (None for nan and inf)."""
    values = np.asarray(array, np.float64)
    if values.ndim == 0:
        value = float(values)
        return value if math.isfinite(value) else None
    return [_numbers(row) for row in values]


def _graph(loss: keras.Tensor) -> list[keras.Tensor]:
    """Every tensor the loss was computed from, oldest first (a stack, as viz/graph.py walks it)."""
    seen: dict[int, keras.Tensor] = {}
    stack = [loss]
    while stack:
        tensor = stack.pop()
        if id(tensor) not in seen:
            seen[id(tensor)] = tensor
            stack.extend(tensor.parents)
    return sorted(seen.values(), key=lambda tensor: tensor.order)


def backprop_steps(model: keras.Sequential, loss_function: Any, x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """The graph of ``loss_function(y, model(x))`` for one sample and the engine's backward pass over it, step by
    step. The model's weights are left without gradients, as between training steps."""
    names = {id(weight): weight.path for weight in model.weights}
    inputs, labels = keras.Tensor(x), keras.Tensor(y)
    output = inputs
    for layer in model.layers:
        output = layer(output)
    loss = loss_function(labels, output)
    tensors = _graph(loss)
    ids = {id(tensor): index for index, tensor in enumerate(tensors)}
    nodes = []
    for index, tensor in enumerate(tensors):
        label: str
        if tensor.backward_rule is not None:
            tensor.retain_grad()  # so that backpropagate stops at it, with the gradient that reached it
            kind, label = "op", str(tensor.op)
        elif id(tensor) in names:  # a weight: its name, dense_1/kernel
            kind, label = "weight", names[id(tensor)]
        else:
            kind, label = "data", "x (the sample)" if tensor is inputs else "y (its label)" if tensor is labels \
                else "a constant"
        nodes.append({"id": index, "kind": kind, "label": label, "shape": list(tensor.shape),
                      "value": _numbers(tensor.data), "inputs": [ids[id(parent)] for parent in tensor.parents]})
    steps: list[dict[str, Any]] = []
    gradients: dict[int, np.ndarray] = {}
    for tensor, arriving in loss.backpropagate(retain_graph=True):  # the engine's loop, newest tensor first
        if tensor.backward_rule is None:  # a leaf's gradient: sent by the step before; weights sum their uses
            gradients[id(tensor)] = arriving if id(tensor) not in gradients else gradients[id(tensor)] + arriving
            continue
        inputs_of_step = tensor.parents
        sent = tensor.backward_rule(arriving, tensor.data, *[parent.data for parent in inputs_of_step])
        sends = [{"to": ids[id(parent)], "grad": _numbers(unbroadcast(np.asarray(grad), parent.data.shape))}
                 for parent, grad in zip(inputs_of_step, sent, strict=True)
                 if grad is not None and parent.requires_grad]
        steps.append({"node": ids[id(tensor)], "op": tensor.op, "rule": RULES.get(str(tensor.op),
                                                                                   "the rule recorded with the op"),
                      "arriving": _numbers(arriving), "sends": sends})
    for weight in model.weights:
        weight.grad = None
    return {"nodes": nodes, "steps": steps, "loss": _numbers(loss.data),
            "gradients": {names[key]: _numbers(grad) for key, grad in gradients.items() if key in names}}


def too_big(hidden: list[int]) -> str:
    """Why a network is too big to step through, or '' when it is small enough."""
    if len(hidden) <= MAX_LAYERS and all(units <= MAX_UNITS for units in hidden):
        return ""
    return (f"Backprop step by step takes a network of up to {MAX_LAYERS} hidden layers of up to {MAX_UNITS} "
            f"neurons, so that every number can be read; this one has {len(hidden)} hidden layers of "
            f"{', '.join(map(str, hidden))} neurons. Remove layers or neurons to step through it.")
