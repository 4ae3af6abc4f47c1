"""Why depth needs nonlinearity: a stack of linear layers is one linear layer.

Two linear maps of a number, f1(x) = a1*x + b1 and f2(x) = a2*x + b2, compose to

    f1(f2(x)) = a1*(a2*x + b2) + b1 = (a1*a2)*x + (a1*b2 + b1),

again of the form a*x + b. The same holds for Dense layers without an activation. In Keras' layout a layer computes
y = x @ W + b (a row of features times a kernel of shape (inputs, units)), so layer 1 then layer 2 is

    (x @ W1 + b1) @ W2 + b2 = x @ (W1 @ W2) + (b1 @ W2 + b2),

and n layers give W = W1 @ W2 @ ... @ Wn and b = (...((b1 @ W2 + b2) @ W3 + b3)...) @ Wn + bn. However many linear
layers are stacked, the model can only ever compute what one of them computes. ``collapse(model)`` builds that one
layer. An activation between the layers breaks the argument: tanh(x @ W1) @ W2 is not x @ W for any W, and
``collapse`` raises ``NotLinearError`` naming the layer that stops it.
"""
from __future__ import annotations

import numpy as np

from . import activations
from .layers import ELU, Activation, Dense, Flatten, InputLayer, Layer, LeakyReLU, ReLU, Softmax
from .models import Sequential


class NotLinearError(ValueError):
    """The model has a nonlinear layer, so it is not one matrix product and cannot be collapsed.

    ``error.layer`` is the first nonlinear layer and ``error.index`` its position in ``model.layers``.
    """

    def __init__(self, message: str, layer: Layer, index: int):
        super().__init__(message)
        self.layer, self.index = layer, index


def _nonlinearity(layer: Layer) -> str | None:
    """None when the layer is linear; otherwise a phrase saying what bends it, for the error message."""
    if isinstance(layer, InputLayer):
        return None  # a functional model's input: x itself
    if isinstance(layer, Flatten):
        return None  # a reshape: linear (whether collapse can fold it is checked in _fold)
    if isinstance(layer, (Dense, Activation)):
        function = layer.activation
        if function is activations.linear:
            return None
        name = getattr(function, "__name__", repr(function))
        if any(function is known for known in activations.ALL_ACTIVATIONS.values()):
            return f"the activation '{name}', which is nonlinear"
        # a user's function: even lambda x: x cannot be told apart from a nonlinear one without running it
        return (f"the function {name}, and collapse cannot tell whether {name} is linear, so it counts as "
                f"nonlinear (for no activation write activation=None or 'linear')")
    if isinstance(layer, (ReLU, LeakyReLU, ELU, Softmax)):
        options = ", ".join(f"{key}={value}" for key, value in vars(layer).items()
                            if key in ("negative_slope", "alpha", "max_value", "threshold", "axis"))
        return f"a {type(layer).__name__} activation{f' ({options})' if options else ''}, which is nonlinear"
    return (f"a {type(layer).__name__} layer, and collapse cannot tell whether it is linear, so it counts as "
            f"nonlinear (collapse knows Dense and Activation with no activation or 'linear', and Flatten)")


def _first_nonlinear(model: Sequential) -> tuple[int, Layer, str] | None:
    for index, layer in enumerate(model.layers):
        reason = _nonlinearity(layer)
        if reason is not None:
            return index, layer, reason
    return None


def is_linear(model: Sequential) -> bool:
    """True when every layer is linear: Dense/Linear with no activation (or 'linear'), Activation('linear'),
    Flatten. Any other activation, or a function collapse cannot identify (even ``lambda x: x``), is nonlinear."""
    if not isinstance(model, Sequential):
        raise TypeError(f"is_linear expects a Sequential model, got {type(model).__name__}")
    return _first_nonlinear(model) is None


def collapse(model: Sequential) -> Sequential:
    """One Dense layer that computes exactly what a stack of linear layers computes.

    For layers y = x @ Wk + bk (k = 1..n): W = W1 @ W2 @ ... @ Wn and b = (...((b1 @ W2 + b2) @ W3 + b3)...).
    The products are taken in float64 and rounded to the weights' type (float32) once at the end, so the collapsed
    layer carries one rounding instead of n; its predictions match the stack's to float32 precision.

    The new model is a fresh Sequential with the same input shape holding one Dense layer (with a bias unless no
    layer of the stack has one). Activation('linear') layers disappear; a Flatten before the first Dense is kept in
    front of it, a Flatten of inputs that are already flat disappears. The original model is not changed.

    Raises ``NotLinearError`` (a ValueError) naming the first nonlinear layer, and ValueError for a model without
    weights yet or a Flatten after a Dense that acted on a multi-dimensional input.
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"collapse expects a Sequential model, got {type(model).__name__}")
    found = _first_nonlinear(model)
    if found is not None:
        index, layer, reason = found
        raise NotLinearError(
            f"cannot collapse model '{model.name}': layer {index} ({type(layer).__name__} '{layer.name}') applies "
            f"{reason}. Linear layers compose into one matrix product, x @ (W1 @ W2) + (b1 @ W2 + b2), but a "
            f"nonlinearity between them cannot be folded into a matrix: f(x @ W1) @ W2 is x @ W for some W only when "
            f"f itself is linear",
            layer, index)
    if not model.built or model.input_shape is None:
        raise ValueError(f"collapse: the model '{model.name}' has not been built yet, so its layers have no weights. "
                         f"Give its first layer input_shape=(...), start it with Input(shape), or call it on data")
    kernel, bias, flatten_first = _fold(model)
    has_bias = any(isinstance(layer, Dense) and layer.use_bias for layer in model.layers)
    dense = Dense(kernel.shape[1], use_bias=has_bias, kernel_initializer="zeros", name="collapsed_dense")
    # zeros, not the default glorot: building the new layer must not draw from (and so shift) the session's seed
    layers: list[Layer] = [dense]
    if flatten_first:
        layers.insert(0, Flatten(input_shape=model.input_shape[1:], name="flatten"))
    collapsed = Sequential(layers, name=f"{model.name}_collapsed")
    collapsed.build(model.input_shape)
    weights = [kernel] + ([bias] if has_bias else [])  # set_weights rounds them to the new layer's dtype
    collapsed.set_weights(weights)
    return collapsed


def _fold(model: Sequential) -> tuple[np.ndarray, np.ndarray, bool]:
    """Multiply the layers out, in float64: (W, b, whether the model starts by flattening its input)."""
    shape = model.input_shape
    assert shape is not None  # the callers checked that the model is built
    flatten_first = False
    kernel = np.eye(shape[-1])  # start from the identity map x -> x @ I + 0
    bias = np.zeros(shape[-1])
    seen_dense = False
    for layer in model.layers:
        if isinstance(layer, Flatten) and len(shape) > 2:
            if seen_dense:  # a Dense acted on the last axis only, then Flatten mixes axes: no single kernel for that
                raise ValueError(
                    f"collapse: Flatten '{layer.name}' flattens {shape} after a Dense layer that acted on the last "
                    f"axis only; that map is linear but not one Dense kernel. collapse() handles Flatten before the "
                    f"first Dense (or flatten x yourself with x.reshape(len(x), -1))")
            flatten_first = True
            size = int(np.prod(shape[1:]))
            kernel, bias = np.eye(size), np.zeros(size)
        elif isinstance(layer, Dense):
            seen_dense = True
            layer_kernel = layer.kernel.data.astype(np.float64)
            bias = bias @ layer_kernel  # (x @ W + b) @ Wk + bk = x @ (W @ Wk) + (b @ Wk + bk)
            if layer.bias is not None:
                bias = bias + layer.bias.data
            kernel = kernel @ layer_kernel
        shape = layer.compute_output_shape(shape)
    return kernel, bias, flatten_first
