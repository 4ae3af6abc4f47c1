"""Keras-style layers: each maps a Tensor to a Tensor and owns its weights.

A layer creates its weights on first use (``build``), when it first sees the shape of its input, so
``Dense(16)`` needs no input size. Shapes here include the batch axis as ``None``: ``(None, 2)`` is "any number of
samples with 2 features each", as Keras prints them.
"""
from __future__ import annotations

import contextvars
import inspect
import re
from collections.abc import Callable, Sequence
from typing import Any, cast

import numpy as np

from . import activations, backend, initializers, regularizers
from .data import as_tensor, to_float
from .engine import elementwise, shapes as shape_ops
from .keywords import SuggestsKeywords, hints
from .tensor import Tensor, no_grad
from .variables import Variable

# Inside the call of a layer of layers: (the training flag of the outermost call, the path of the layer whose call
# it is), so the layers it calls (Dropout, BatchNormalization in a block of your own) get the flag it was given, and
# the weights they make are named under it ('mlp_block/linear/kernel'), as in Keras; None outside any such call.
_outer_call: contextvars.ContextVar[tuple[bool | None, str] | None] = contextvars.ContextVar("outer_call",
                                                                                            default=None)


def snake_case(name: str) -> str:
    """'LeakyReLU' -> 'leaky_re_lu', the way Keras turns a class name into a layer name."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _check_non_negative(layer: str, argument: str, value: Any) -> None:
    """As Keras: slopes and caps must be numbers >= 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not value >= 0:
        raise ValueError(f"{layer} expects a number >= 0 for {argument}, got {value!r}")


def _check_number(layer: str, argument: str, value: Any) -> float:
    """A real number (not a string, None or nan), as a Python float."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or np.isnan(value):
        raise ValueError(f"{layer} expects a number for {argument}, got {value!r}")
    return float(value)


def _check_shape(owner: str, shape: Any) -> tuple:
    """An input shape without the batch axis, such as (2,) — or 2, read as (2,). Sizes are positive integers, or
    None for a size that varies from batch to batch."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)) or not all(
            size is None or (isinstance(size, (int, np.integer)) and not isinstance(size, bool) and size > 0)
            for size in shape):
        raise ValueError(f"{owner} expects an input shape such as (2,) (sizes without the batch axis, positive "
                         f"integers), got {shape!r}")
    return tuple(None if size is None else int(size) for size in shape)


def _input_dim_as_shape(owner: str, input_dim: Any, input_shape: tuple | None) -> tuple:
    """Keras 2's input_dim=n, the number of input features: input_shape=(n,). Given with an input_shape that says
    otherwise, which of the two is meant is unclear, so that is an error."""
    if isinstance(input_dim, bool) or not isinstance(input_dim, (int, np.integer)) or input_dim <= 0:
        raise ValueError(f"{owner} expects input_dim, the number of input features, to be a positive integer, got "
                         f"{input_dim!r}")
    if input_shape is not None and input_shape != (int(input_dim),):
        raise ValueError(f"{owner} got input_dim={input_dim} and input_shape={input_shape}, which disagree: "
                         f"input_dim=n means input_shape=(n,); give one of them")
    return (int(input_dim),)


def _explain_truth_value_error(layer: Dense | Activation, error: ValueError, shape: tuple) -> None:
    """Runs when a layer's activation function raised ValueError: if it is numpy's "truth value of an array with
    more than one element is ambiguous", the function was written for one number (max(x, 0), `x if x > 0 else 0`),
    so raise an error that says so and what to write instead. Any other error is left to propagate as it is."""
    if "truth value" not in str(error):  # numpy's "truth value of an array ...", or a comparison of Tensors
        return
    function = getattr(layer.activation, "__name__", repr(layer.activation))
    raise ValueError(f"{type(layer).__name__} '{layer.name}': the activation {function} treats its input as one "
                     f"number (Python's max(x, 0) and `x if x > 0 else 0` do), but it receives the whole batch, a "
                     f"Tensor of shape {shape}, on which a comparison such as x > 0 gives many booleans, not one. "
                     f"Write it with Tensor ops, which work number by number: tinygrad_acts.maximum(x, 0) (or the "
                     f"name 'relu'), tinygrad_acts.where(x > 0, x, 0)") from error


class Layer(SuggestsKeywords):
    """The base of every layer: a name, weights made by ``build``, and ``call`` from Tensor to Tensor.

    ``layer(x, training=True)`` hands the flag to ``call`` when ``call`` has a ``training`` argument (Dropout,
    BatchNormalization, or your own ``def call(self, x, training=None)``); ``fit`` sets it True, ``predict`` and
    ``evaluate`` False. A ``call(self, x)`` never sees it.

    Layers of layers: an attribute that is a layer (``self.dense_1 = Dense(32)`` in ``__init__``), or a list, tuple or
    dict of layers, is tracked, as in Keras. Its weights join this layer's (``weights``, ``count_params``, what
    ``fit`` trains: own weights first, then each sublayer's in the order they were assigned), ``trainable = False``
    freezes it too, and inside ``call`` it gets the outer call's ``training`` flag.

    Extra losses (``regularizers.py``): ``layer.losses`` lists what the last call added —
    ``activity_regularizer(output) / batch size``, or your own ``self.add_loss(...)`` inside ``call`` — its own and
    its sublayers', then the penalties of the regularized weights at their current values. ``fit`` adds them all to
    the training loss, as Keras does.
    """
    _call_takes_training = False
    _tracked: list[str] | tuple = ()  # the names of the attributes that hold layers, in assignment order
    _probed_shapes: tuple | None = None  # output_shape_for's (input shape, output shape) of a layer of your own
    config_arguments: tuple[str, ...] = ()  # the constructor arguments get_config records (besides name, trainable)
    activity_regularizer: Any = None  # a layer given one keeps it on the instance (the class default costs no lookup)
    output_shape: tuple  # set by the Sequential that builds the layer (Sequential.build)
    symbolic_output: KerasTensor | None = None  # ... and the chain of layers up to this one (``output``)

    def __init_subclass__(cls, **kwargs: Any):
        super().__init_subclass__(**kwargs)
        # decided once per class, when it is defined: __call__ then costs one attribute read, not an inspect
        cls._call_takes_training = "training" in inspect.signature(cls.call).parameters

    def __init__(self, name: str | None = None, input_shape: tuple | None = None, trainable: bool = True,
                 input_dim: int | None = None, activity_regularizer: Any = None, **unknown: Any):
        if unknown:  # as Keras: a misspelt argument is an error, not silently ignored
            accepted = [name for cls in type(self).__mro__ if "__init__" in vars(cls) and issubclass(cls, Layer)
                        for name in inspect.signature(cls.__init__).parameters if name not in ("self", "kwargs")]
            raise TypeError(f"{type(self).__name__} got unexpected keyword arguments {unknown}: "
                            f"{hints(type(self).__name__, unknown, list(dict.fromkeys(accepted)))}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"a layer name must be a string, got {type(name).__name__}")
        # without the batch axis
        self.input_shape = None if input_shape is None else _check_shape(type(self).__name__, input_shape)
        if input_dim is not None:  # Keras 2's Dense(12, input_dim=8) means input_shape=(8,)
            self.input_shape = _input_dim_as_shape(type(self).__name__, input_dim, self.input_shape)
        self.name = name or backend.unique_name(snake_case(type(self).__name__))
        self._trainable = bool(trainable)
        self.built = False
        self._trainable_weights: list[Variable] = []
        self._non_trainable_weights: list[Variable] = []  # updated by the layer itself, such as a moving mean
        self._regularized: list[tuple[Variable, Callable]] = []  # (weight, its regularizer), from add_weight
        self._losses: list[Tensor] = []  # what the last call added (activity_regularizer, add_loss)
        if activity_regularizer is not None:
            self.activity_regularizer = regularizers.get(activity_regularizer)

    def build(self, input_shape: tuple) -> None:
        """Create the weights for inputs of this shape (batch axis included). Layers without weights need nothing."""
        self.built = True

    def call(self, x: Tensor) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} must define call(x)")

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape  # most layers keep the shape

    def output_shape_for(self, input_shape: tuple) -> tuple:
        """The shape this layer gives for inputs of ``input_shape``: compute_output_shape; for a layer of your own
        that does not define it (or that holds layers, which the call builds), one call on one sample of zeros, as
        Keras runs it symbolically to find out."""
        if (type(self).__module__ == Layer.__module__ or type(self).compute_output_shape is not
                Layer.compute_output_shape) and not self._sublayers() or any(size is None for size in input_shape[1:]):
            return self.compute_output_shape(input_shape)
        probed = getattr(self, "_probed_shapes", None)  # (input shape, output shape), once per input shape
        if probed is None or probed[0] != input_shape:
            with no_grad():  # no training flag, as in Keras' symbolic call
                output = self(np.zeros((1,) + tuple(input_shape[1:]), dtype=backend.floatx()))
            probed = self._probed_shapes = (input_shape, (None,) + output.shape[1:])
        return probed[1]

    def __call__(self, x: Any, training: bool | None = None) -> Any:
        if not isinstance(x, Tensor):
            if isinstance(x, KerasTensor) or isinstance(x, (list, tuple)) and x and all(
                    isinstance(item, KerasTensor) for item in x):  # the functional API: no numbers, only the graph
                return KerasTensor.after(x, self)
            if isinstance(x, (list, tuple)) and x and all(isinstance(item, (Tensor, np.ndarray)) for item in x):
                # several inputs (a merge layer): each a Tensor
                return self._call_on_list([item if isinstance(item, Tensor) else
                                           as_tensor(item, f"an input of layer '{self.name}'") for item in x], training)
            x = as_tensor(x, f"the input of layer '{self.name}'")
        if not self.built:
            self.build((None,) + x.shape[1:])
            self.built = True  # as Keras: a build() that forgets `self.built = True` still runs only once
        outer = _outer_call.get()
        if outer is None:  # the outermost call: what the last one added to the losses is gone, as in Keras
            if self._losses or self._tracked:
                self._clear_losses()
        elif training is None:  # a layer called inside another's call gets that call's flag, as in Keras
            training = outer[0]
        if self._tracked:  # a layer of layers: the calls inside see this call's training flag
            token = _outer_call.set((training, self.name if outer is None else f"{outer[1]}/{self.name}"))
            try:
                output = self._call_with(x, training)
            finally:
                _outer_call.reset(token)
        elif training is not None and self._call_takes_training:  # as Keras: None leaves call's own default
            output = self.call(x, training=training)  # type: ignore[call-arg]  # this subclass's call takes it
        else:
            output = self.call(x)
        if self.activity_regularizer is not None:  # divided by the batch size, as Keras 3 does
            penalty = self.activity_regularizer(output)
            self._losses.append(penalty / len(output) if output.ndim else penalty)
        if outer is not None and isinstance(output, Tensor):  # inside a layer of layers: for its summary
            object.__setattr__(self, "output_shape", (None,) + output.shape[1:])
        return output

    def _call_on_list(self, inputs: list[Tensor], training: bool | None) -> Any:
        """A call on several Tensors (Add()([a, b])): built for their shapes, the list handed to call as it is."""
        if not self.built:
            self.build(cast(tuple, [(None,) + t.shape[1:] for t in inputs]))  # a merge layer's: a list of shapes
            self.built = True
        if _outer_call.get() is None and (self._losses or self._tracked):
            self._clear_losses()
        return self._call_with(inputs, training)  # type: ignore[arg-type]  # a merge layer's call takes the list

    def _call_with(self, x: Tensor, training: bool | None) -> Any:
        if training is not None and self._call_takes_training:  # as Keras: None leaves call's own default
            return self.call(x, training=training)  # type: ignore[call-arg]  # this subclass's call takes it
        return self.call(x)

    def _clear_losses(self) -> None:
        if self._losses:
            self._losses = []
        if self._tracked:
            for layer in self._sublayers():
                layer._clear_losses()

    # ----------------------------------------------------------------------------------------------------------
    # Layers of layers: attributes that hold layers are tracked, in the order they were assigned
    # ----------------------------------------------------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, Layer) or (isinstance(value, (list, tuple, dict)) and _may_hold_layers(name, value)):
            if not self._tracked:
                object.__setattr__(self, "_tracked", [])
            if name not in self._tracked:
                self._tracked.append(name)  # type: ignore[union-attr]  # made a list just above
        elif self._tracked and name in self._tracked:  # no longer a layer: no longer tracked
            self._tracked.remove(name)  # type: ignore[union-attr]
        object.__setattr__(self, name, value)

    def _sublayers(self) -> list[Layer]:
        """The layers this one holds directly, each once, in the order their attributes were assigned."""
        found: list[Layer] = []
        seen: set[int] = set()
        for name in self._tracked:
            value = self.__dict__.get(name)
            items = (value,) if isinstance(value, Layer) else value.values() if isinstance(value, dict) else \
                value if isinstance(value, (list, tuple)) else ()
            for item in items:
                if isinstance(item, Layer) and id(item) not in seen:
                    seen.add(id(item))
                    found.append(item)
        return found

    def _flatten_layers(self) -> list[Layer]:
        """Every layer inside this one, at any depth, each once (depth first, in assignment order)."""
        found: list[Layer] = []
        seen: set[int] = set()
        stack = self._sublayers()[::-1]
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            found.append(layer)
            if layer._tracked:  # a layer of layers (the others hold none: no need to look)
                stack.extend(layer._sublayers()[::-1])
        return found

    @property
    def trainable(self) -> bool:
        """Whether ``fit`` trains this layer's weights. Setting it sets it for every layer inside, as in Keras:
        ``model.trainable = False`` freezes the whole model (its weights then ask for no gradient)."""
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        for weight in self._trainable_weights:
            weight.trainable = self._trainable
        for layer in self._sublayers():
            layer.trainable = self._trainable

    def add_weight(self, *args: Any, shape: Any = None, initializer: Any = None, dtype: Any = None,
                   trainable: bool = True, regularizer: Any = None, constraint: Any = None,
                   name: str | None = None) -> Variable:
        """A new weight, a Variable (variables.py) named as Keras' ('kernel', path 'dense/kernel'), in Keras 3's form:
        ``self.add_weight(shape=(n, units), initializer="random_normal", trainable=True, name="w")``.

        Positional arguments are Keras 3's ``(shape, initializer, dtype)``, or, when the first is a string, Keras 2's
        ``(name, shape, dtype, initializer)``. The initializer defaults to 'glorot_uniform', the dtype to the
        backend's float type. A non-trainable weight needs no gradient: the optimizer never sees it, and the layer
        updates it itself. ``regularizer``'s penalty on this weight joins ``layer.losses``."""
        order = ("name", "shape", "dtype", "initializer") if args and isinstance(args[0], str) else \
            ("shape", "initializer", "dtype")
        if len(args) > len(order):
            raise TypeError(f"add_weight takes at most {len(order)} positional arguments {order}, got {len(args)}; "
                            f"write add_weight(shape=..., initializer=..., name=...)")
        given = {"shape": shape, "initializer": initializer, "dtype": dtype, "name": name}
        for key, value in zip(order, args):  # noqa: B905  # fewer args than names: the rest are keywords
            if given[key] is not None:
                raise TypeError(f"add_weight got {key} both as a positional and as a keyword argument")
            given[key] = value
        if constraint is not None:
            raise NotImplementedError(f"add_weight on layer '{self.name}': constraints are not supported "
                                      f"(got constraint={constraint!r}); clip the weights in a callback instead")
        shape = () if given["shape"] is None else _check_shape(f"add_weight on layer '{self.name}'", given["shape"])
        values = initializers.get(given["initializer"] or "glorot_uniform")(shape)
        if given["dtype"] is not None:
            values = np.asarray(values, dtype=given["dtype"])
        label = given["name"] or _unused_weight_name(self._trainable_weights + self._non_trainable_weights)
        outer = _outer_call.get()  # built inside another layer's call: named under it, as Keras does
        path = f"{self.name}/{label}" if outer is None else f"{outer[1]}/{self.name}/{label}"
        weight = Variable(values, trainable=trainable and self._trainable, dtype=given["dtype"], name=label, path=path)
        (self._trainable_weights if trainable else self._non_trainable_weights).append(weight)
        if regularizer is not None:
            self._regularized.append((weight, regularizers.get(regularizer)))
        return weight

    def add_loss(self, loss: Any) -> None:
        """Inside ``call``: add a number (a 0-d Tensor, so it can be differentiated) to the training loss, as
        Keras' ``self.add_loss(1e-2 * ops.sum(ops.square(x)))``. It counts until the next call."""
        value = loss if isinstance(loss, Tensor) else as_tensor(loss, f"add_loss in layer '{self.name}'")
        if value.ndim != 0:
            raise ValueError(f"add_loss in layer '{self.name}' expects one number (a 0-d Tensor), got a Tensor of "
                             f"shape {value.shape}; reduce it first, e.g. self.add_loss(ops.mean(x)) or "
                             f"ops.sum(...)")
        self._losses.append(value)

    @property
    def losses(self) -> list[Tensor]:
        """What the last call added (this layer's, then its sublayers'), then the penalty of each regularized
        trainable weight at its current value: Keras' order."""
        if not self._tracked:
            if not self._trainable:
                return list(self._losses)
            return [*self._losses, *(regularizer(weight) for weight, regularizer in self._regularized
                                     if weight.requires_grad)]
        layers = [self, *self._flatten_layers()]
        added = [loss for layer in layers for loss in layer._losses]
        return added + [regularizer(weight) for layer in layers for weight, regularizer in layer._regularized
                        if weight.requires_grad and self._trainable]

    @property
    def weights(self) -> list[Variable]:
        """Its own weights, trainable first, then each sublayer's, each once, as Keras orders them."""
        own = self._trainable_weights + self._non_trainable_weights
        if not self._tracked:
            return own
        seen = {id(w) for w in own}
        for layer in self._sublayers():
            for weight in layer.weights:
                if id(weight) not in seen:  # a weight shared by two sublayers is listed once
                    seen.add(id(weight))
                    own.append(weight)
        return own

    @property
    def trainable_weights(self) -> list[Variable]:
        if not self._trainable:
            return []
        if not self._tracked:
            return list(self._trainable_weights)
        return [w for w in self.weights if w.requires_grad]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        if not self._trainable:
            return self.weights
        if not self._tracked:
            return list(self._non_trainable_weights)
        return [w for w in self.weights if not w.requires_grad]

    def count_params(self) -> int:
        return sum(w.size for w in self.weights)

    def get_weights(self) -> list[np.ndarray]:
        return [w.data.copy() for w in self.weights]

    def set_weights(self, weights: list[Any]) -> None:
        assign_weights(self.weights, weights, f"layer '{self.name}'")

    @property
    def output(self) -> KerasTensor:
        """In a built model, the chain of layers up to this one, from the model's input (Keras' layer.output):
        ``Model(inputs=model.inputs, outputs=model.get_layer('hidden').output)`` is a feature extractor."""
        if self.symbolic_output is None:
            raise AttributeError(f"layer '{self.name}' has no output yet: it is not in a built model")
        return self.symbolic_output

    def get_config(self) -> dict[str, Any]:
        """The arguments that make this layer again (not its weights), as JSON-ready values, as Keras' get_config:
        ``Dense.from_config(layer.get_config())`` is a new, unbuilt Dense like ``layer``. A layer of your own adds
        its arguments: ``return {**super().get_config(), "units": self.units}``."""
        config: dict[str, Any] = {"name": self.name, "trainable": self.trainable}
        if self.input_shape is not None:
            config["input_shape"] = list(self.input_shape)
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = serialize(self.activity_regularizer, "activity_regularizer")
        for key in type(self).config_arguments:
            config[key] = serialize(getattr(self, key), key)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        """The layer that ``config`` (from get_config) describes."""
        return cls(**{key: deserialize(value, key) for key, value in config.items()})

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}, built={self.built}>"


def serialize(value: Any, argument: str) -> Any:
    """A layer argument as JSON can hold it: an activation by its name, an initializer or a regularizer as
    ``{'class_name': 'HeNormal', 'config': {'seed': None}}`` (Keras' form), a tuple as a list."""
    if isinstance(value, (initializers.Initializer, regularizers.Regularizer)):
        return {"class_name": type(value).__name__, "config": value.get_config()}
    if isinstance(value, tuple):
        return list(value)
    if callable(value):
        try:
            return activations.serialize(value)
        except ValueError:
            raise ValueError(f"get_config: {argument}={value!r} is a Python function, which a config cannot hold; "
                             f"give the layer a name instead (activation='relu'), or override get_config") from None
    return value


def deserialize(value: Any, argument: str) -> Any:
    """The inverse of serialize, for the argument named ``argument``."""
    if isinstance(value, dict) and "class_name" in value:
        if argument.endswith("_initializer"):
            return initializers.get(value)
        if argument.endswith("_regularizer"):
            return regularizers.get(value)
    if isinstance(value, list) and argument in ("input_shape", "noise_shape", "axis", "batch_shape"):
        return tuple(value)
    return value


def _may_hold_layers(name: str, value: list | tuple | dict) -> bool:
    """Whether a container assigned to a layer's attribute is tracked: when it holds a layer, or when it is a public
    empty list or dict (``self.blocks = []``, filled later). Its contents are read each time they are asked for."""
    items = value.values() if isinstance(value, dict) else value
    if any(isinstance(item, Layer) for item in items):
        return True
    return not value and not name.startswith("_") and isinstance(value, (list, dict))


def _unused_weight_name(weights: list[Variable]) -> str:
    """'variable', 'variable_1', ...: the first such name this layer's weights do not have yet."""
    taken = {w.name for w in weights}
    count = 0
    while ("variable" if count == 0 else f"variable_{count}") in taken:
        count += 1
    return "variable" if count == 0 else f"variable_{count}"


def weight_label(weight: Tensor) -> str:
    """How errors, weight files and drawings name a weight: a Variable's path ('dense/kernel'), else its name."""
    return weight.path if isinstance(weight, Variable) else str(weight.name)


def assign_weights(targets: Sequence[Tensor], weights: list[Any], owner: str) -> None:
    """Copy arrays into weights, after checking all of them: a bad list raises and changes nothing."""
    if not isinstance(weights, (list, tuple)):
        raise ValueError(f"set_weights on {owner} expects a list of arrays, got {type(weights).__name__}")
    if len(weights) != len(targets):
        raise ValueError(f"set_weights on {owner} expects {len(targets)} arrays "
                         f"({', '.join(weight_label(t) for t in targets) or 'the model has no weights yet'}), "
                         f"got {len(weights)}; nothing was changed")
    arrays = []
    for target, value in zip(targets, weights, strict=True):
        label = weight_label(target)
        try:
            array = np.asarray(value.data if isinstance(value, Tensor) else value)
        except ValueError:  # a ragged nested list
            raise ValueError(f"set_weights on {owner}: '{label}' needs a rectangular array of numbers, got "
                             f"{type(value).__name__} {value!r:.60}; nothing was changed") from None
        if array.shape != target.shape:
            raise ValueError(f"set_weights on {owner}: '{label}' has shape {target.shape}, got an array of "
                             f"shape {array.shape}; nothing was changed")
        if array.dtype.kind not in "biuf":
            raise ValueError(f"set_weights on {owner}: '{label}' needs numbers, got dtype {array.dtype}; "
                             f"nothing was changed")
        arrays.append(to_float(array, f"set_weights on {owner}: '{label}'", target.dtype))
    for target, array in zip(targets, arrays, strict=True):
        target.data[...] = array  # in place: optimizers and graphs keep pointing at the same arrays


class InputLayer(Layer):
    """Where a model's data comes in: its shape without the batch axis. ``Input(shape)`` makes one and returns its
    symbolic tensor (``layer.tensor``); as the first entry of a Sequential it fixes the input shape."""

    def __init__(self, shape: tuple | None = None, name: str | None = None, batch_shape: tuple | None = None,
                 dtype: Any = None):
        if shape is not None and batch_shape is not None:
            raise TypeError("Input takes its shape without the batch axis, Input(shape=(2,)), or with it, "
                            "batch_shape=(None, 2), not both")
        shape = tuple(batch_shape)[1:] if batch_shape is not None else shape  # None: _check_shape says what to write
        super().__init__(name=name or backend.unique_name("input_layer"), input_shape=_check_shape("Input", shape))
        self.dtype = str(np.dtype(dtype or backend.floatx()))
        self.built = True
        self.output_shape = self.shape
        self.tensor = KerasTensor(self.shape, self.dtype, Node(self, [], False), name=self.name)

    def get_config(self) -> dict[str, Any]:
        return {"batch_shape": list(self.shape), "name": self.name}  # Keras 3's InputLayer config

    def call(self, x: Tensor) -> Tensor:
        return x

    @property
    def shape(self) -> tuple:
        """With the batch axis, as a Keras Input's: (None, 2)."""
        return (None,) + tuple(self.input_shape or ())


def Input(shape: tuple | None = None, name: str | None = None, batch_shape: tuple | None = None,
          dtype: Any = None) -> KerasTensor:
    """``Input(shape=(2,))``: a symbolic tensor, the start of the functional API (``x = Dense(4)(inputs)``, ...,
    ``Model(inputs, x)``), or the first entry of a Sequential, fixing its input shape, as in Keras."""
    return InputLayer(shape, name=name, batch_shape=batch_shape, dtype=dtype).tensor


class Node:
    """One call of a layer in a graph of layers: the layer, the symbolic tensors it was called on (a list given to
    a merge layer, or one tensor), and the one it gave, ``output``."""

    def __init__(self, layer: Layer, inputs: list[KerasTensor], takes_list: bool):
        self.layer, self.inputs, self.takes_list = layer, inputs, takes_list
        self.output: KerasTensor | None = None  # set by the KerasTensor that this call makes


class KerasTensor:
    """The functional API's placeholder: what ``Input(shape)`` gives, and what calling a layer on placeholders gives.
    It holds no numbers: its shape (batch axis None), its dtype, and the ``node`` that made it — the layer and the
    placeholders it was called on — so ``models.Model(inputs, outputs)`` can follow the graph back to its inputs."""

    def __init__(self, shape: tuple, dtype: str, node: Node, name: str | None = None):
        self.shape, self.dtype, self.node, self.name = tuple(shape), dtype, node, name
        node.output = self

    @staticmethod
    def after(x: Any, layer: Layer) -> KerasTensor:
        """Call ``layer`` on placeholders: build it for their shapes (as Keras does) and record the call."""
        inputs = list(x) if isinstance(x, (list, tuple)) else [x]
        shapes: Any = [t.shape for t in inputs] if isinstance(x, (list, tuple)) else inputs[0].shape
        if not layer.built:
            layer.build(shapes)
            layer.built = True
        shape = layer.output_shape_for(shapes)
        output = KerasTensor(shape, inputs[0].dtype, Node(layer, inputs, isinstance(x, (list, tuple))),
                             name=layer.name)
        if layer.symbolic_output is None:  # layer.output and the summary show its first call, as Keras'
            layer.output_shape, layer.symbolic_output = shape, output
        return output

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}, after {self.node.layer.name}>"


class Dense(Layer):
    """A fully connected layer: ``y = activation(x @ kernel + bias)``, kernel of shape (inputs, units).

    With no activation it is a linear (affine) map — and a stack of those is still one linear map
    (see ``collapse.py``).
    """
    config_arguments = ("units", "activation", "use_bias", "kernel_initializer", "bias_initializer",
                        "kernel_regularizer", "bias_regularizer")

    def __init__(self, units: int, activation: str | Callable | None = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 input_shape: tuple | None = None, name: str | None = None, **kwargs: Any):
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(f"Dense expects units to be a positive integer, got units={units!r}")
        for constraint in ("kernel_constraint", "bias_constraint"):
            if kwargs.pop(constraint, None) is not None:
                raise NotImplementedError(f"Dense: {constraint} is not supported; clip the weights in a callback")
        super().__init__(name=name, input_shape=input_shape, **kwargs)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel: Tensor = None  # type: ignore[assignment]  # made by build, which runs before any call
        self.bias: Tensor | None = None  # stays None without use_bias

    def build(self, input_shape: tuple) -> None:
        if len(input_shape) < 2:
            raise ValueError(f"Dense '{self.name}' expects inputs with a batch axis and a feature axis, got input "
                             f"shape {input_shape}; for a batch of single numbers x, pass x.reshape(-1, 1)")
        if not input_shape[-1]:  # None (unknown) or 0: no kernel to make (and fan_in = 0 in he_uniform's 6 / fan_in)
            raise ValueError(f"Dense '{self.name}' needs to know its number of input features, at least 1, got input "
                             f"shape {input_shape}")
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, name="kernel")
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, name="bias")
        self.built = True

    def call(self, x: Tensor) -> Tensor:
        if x.ndim < 2 or x.shape[-1] != self.kernel.shape[0]:
            raise ValueError(self._wrong_input(x))
        y = x @ self.kernel
        if self.bias is not None:
            y = y + self.bias
        try:
            return self.activation(y)
        except ValueError as error:  # costs nothing unless raised
            _explain_truth_value_error(self, error, y.shape)
            raise

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape[:-1]) + (self.units,)

    def _wrong_input(self, x: Tensor) -> str:
        """What is wrong with an input of the wrong shape, and what to write instead."""
        features = self.kernel.shape[0]
        message = f"Dense '{self.name}' expects {features} input features, got input of shape {x.shape}"
        if x.ndim == 1 and len(x) == features:  # one sample without its batch axis: the classic mistake
            values = ", ".join(np.format_float_positional(value, trim="0") for value in x.data)
            as_list = f", or [[{values}]] as a list" if features <= 6 else ""
            return (f"{message}, which looks like one sample: a model takes a batch of samples, of shape (batch, "
                    f"{features}). For one sample write x.reshape(1, {features}){as_list}")
        if x.ndim < 2:
            return f"{message}: a model takes a batch of samples, of shape (batch, {features})"
        return message


Linear = Dense  # the same layer, under the name learners know from PyTorch (with Keras' arguments)


class Activation(Layer):
    """Applies an activation: a name ('tanh', 'relu', ...), None (linear), or any function Tensor -> Tensor."""
    config_arguments = ("activation",)

    def __init__(self, activation: str | Callable | None, input_shape: tuple | None = None, name: str | None = None,
                 **kwargs: Any):
        super().__init__(name=name, input_shape=input_shape, **kwargs)
        self.activation = activations.get(activation)

    def call(self, x: Tensor) -> Tensor:
        try:
            return self.activation(x)
        except ValueError as error:
            _explain_truth_value_error(self, error, x.shape)
            raise


class ReLU(Layer):
    """max(x, 0), with Keras' options: a slope below ``threshold`` and a cap at ``max_value``."""
    config_arguments = ("max_value", "negative_slope", "threshold")

    def __init__(self, max_value: float | None = None, negative_slope: float = 0.0, threshold: float = 0.0,
                 input_shape: tuple | None = None, name: str | None = None, **kwargs: Any):
        if max_value is not None:
            _check_non_negative("ReLU", "max_value", max_value)
        _check_non_negative("ReLU", "negative_slope", negative_slope)
        threshold = _check_number("ReLU", "threshold", threshold)  # any number, as in Keras: only None is refused
        super().__init__(name=name, input_shape=input_shape, **kwargs)
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold

    def call(self, x: Tensor) -> Tensor:
        return activations.relu(x, negative_slope=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)


class LeakyReLU(Layer):
    """x for x >= 0, negative_slope * x below: ``LeakyReLU(0.5)``. Keras' default slope for the layer is 0.3.

    The older Keras keyword ``alpha=`` is accepted too.
    """
    config_arguments = ("negative_slope",)

    def __init__(self, negative_slope: float = 0.3, input_shape: tuple | None = None, name: str | None = None,
                 alpha: float | None = None, **kwargs: Any):
        if alpha is not None:
            negative_slope = alpha
        _check_non_negative("LeakyReLU", "negative_slope", negative_slope)
        super().__init__(name=name, input_shape=input_shape, **kwargs)
        self.negative_slope = float(negative_slope)

    def call(self, x: Tensor) -> Tensor:
        return activations.leaky_relu(x, negative_slope=self.negative_slope)


class ELU(Layer):
    """x for x > 0, alpha * (e^x - 1) below."""
    config_arguments = ("alpha",)

    def __init__(self, alpha: float = 1.0, input_shape: tuple | None = None, name: str | None = None, **kwargs: Any):
        super().__init__(name=name, input_shape=input_shape, **kwargs)
        self.alpha = _check_number("ELU", "alpha", alpha)

    def call(self, x: Tensor) -> Tensor:
        return activations.elu(x, alpha=self.alpha)


class Softmax(Layer):
    """Probabilities along ``axis``: e^x / sum(e^x)."""
    config_arguments = ("axis",)

    def __init__(self, axis: int | tuple[int, ...] = -1, input_shape: tuple | None = None, name: str | None = None,
                 **kwargs: Any):
        axes = axis if isinstance(axis, tuple) else (axis,)
        if not axes or not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axes):
            raise ValueError(f"Softmax expects axis to be an integer or a tuple of integers, got {axis!r}")
        super().__init__(name=name, input_shape=input_shape, **kwargs)
        self.axis = axis

    def call(self, x: Tensor) -> Tensor:
        return activations.softmax(x, axis=self.axis)


class Normalization(Layer):
    """Standardizes each feature with a mean and variance learned from data, before training: ``(x - mean) /
    sqrt(variance)``, as Keras 3's Normalization layer (the denominator kept at least ``backend.epsilon()``).

        normalizer = Normalization(axis=-1)
        normalizer.adapt(train_features)           # the mean and variance of each column, once, with numpy
        model = Sequential([normalizer, Dense(1)])

    ``axis`` holds the features (the statistics are taken over every other axis). ``invert=True`` undoes a
    normalization instead. Adapted, the layer has Keras 3's three non-trainable weights: ``mean`` and ``variance``,
    one entry per feature (shape ``(features,)``), and ``count``, an int32 number that Keras 3 keeps, always 0, so
    that its older saved files load (Keras 2 counted the samples there); saved with the model, never changed by the
    optimizer. ``layer.mean`` and ``layer.variance`` are the statistics shaped to broadcast against the inputs,
    ``(1, features)``, as Keras'. ``mean`` and ``variance`` may be given instead of adapting (numbers, or arrays with
    one entry per feature): then, as in Keras, they are arguments of the layer (in its config), not weights.
    """
    config_arguments = ("axis", "invert")

    def __init__(self, axis: int | None = -1, mean: Any = None, variance: Any = None, invert: bool = False,
                 input_shape: tuple | None = None, name: str | None = None, **kwargs: Any):
        if (mean is None) != (variance is None):
            raise ValueError("Normalization takes both mean and variance, or neither (then call adapt(data))")
        if axis is not None and (isinstance(axis, bool) or not isinstance(axis, (int, np.integer))):
            raise ValueError(f"Normalization expects axis to be an integer (or None), got axis={axis!r}")
        super().__init__(name=name, input_shape=input_shape, **kwargs)
        self.axis, self.invert = axis, bool(invert)
        self._given = None if mean is None else (np.asarray(mean, np.float64), np.asarray(variance, np.float64))
        self._broadcast_shape: tuple | None = None  # the statistics' shape against the inputs: (1, features)
        self.adapt_mean: Variable | None = None  # the weights, as Keras names the attributes (their names: 'mean', ...)
        self.adapt_variance: Variable | None = None
        self.count: Variable | None = None

    def get_config(self) -> dict[str, Any]:
        """As Keras': a mean and variance given to the constructor are arguments (adapt's are weights, saved with
        them), so ``from_config`` makes the same normalization."""
        mean, variance = (None, None) if self._given is None else (self._given[0].tolist(), self._given[1].tolist())
        return {**super().get_config(), "mean": mean, "variance": variance}

    def _statistics_shape(self, input_shape: tuple) -> tuple:
        if self.axis is None:
            return (1,) * len(input_shape)
        if not -len(input_shape) <= self.axis < len(input_shape) or input_shape[self.axis] is None:
            raise ValueError(f"Normalization '{self.name}' normalizes axis {self.axis}, which inputs of shape "
                             f"{input_shape} do not have (or whose size is unknown)")
        axis = self.axis % len(input_shape)
        return tuple(input_shape[axis] if i == axis else 1 for i in range(len(input_shape)))

    def build(self, input_shape: tuple) -> None:
        self._broadcast_shape = self._statistics_shape(input_shape)
        if self._given is None:  # Keras' order: mean, variance, count; the weights hold the kept axis only
            shape = () if self.axis is None else (self._broadcast_shape[self.axis],)
            self.adapt_mean = self.add_weight(shape=shape, initializer="zeros", trainable=False, name="mean")
            self.adapt_variance = self.add_weight(shape=shape, initializer="ones", trainable=False, name="variance")
            self.count = self.add_weight(shape=(), initializer="zeros", dtype="int32", trainable=False, name="count")
        self.built = True

    @property
    def mean(self) -> Tensor | None:
        """The mean shaped to broadcast against the inputs, (1, features); None before the layer is built."""
        return self._statistic(0)

    @property
    def variance(self) -> Tensor | None:
        """The variance shaped to broadcast against the inputs, (1, features); None before the layer is built."""
        return self._statistic(1)

    def _statistic(self, which: int) -> Tensor | None:
        if self._broadcast_shape is None:
            return None
        if self._given is not None:
            return Tensor(np.broadcast_to(self._given[which], self._broadcast_shape).astype(backend.floatx()))
        weight = self.adapt_mean if which == 0 else self.adapt_variance
        assert weight is not None  # made by build
        return Tensor(weight.data.reshape(self._broadcast_shape))

    def adapt(self, data: Any) -> None:
        """Learn each feature's mean and (biased) variance from ``data``, as Keras' adapt does. The layer then knows
        its input shape, so ``Sequential([normalizer, Dense(1)])`` is built, its summary whole, at once."""
        array = to_float(np.asarray(data.data if isinstance(data, Tensor) else data),
                          f"Normalization '{self.name}'.adapt", np.float64)
        if array.ndim < 1 or len(array) == 0:
            raise ValueError(f"Normalization '{self.name}'.adapt needs a batch of samples, got shape {array.shape}")
        shape = (None,) + array.shape[1:]
        if self._given is not None:
            raise ValueError(f"Normalization '{self.name}' was given its mean and variance, so it has nothing to "
                             f"adapt; make it with Normalization() to learn them from data")
        if not self.built:
            self.build(shape)
        if self.input_shape is None and array.ndim > 1:  # as if given: a Sequential starting with it is built at once
            self.input_shape = shape[1:]
        stats_shape = self._statistics_shape(shape)
        axes = tuple(i for i, size in enumerate(stats_shape) if size == 1)
        assert self.adapt_mean is not None and self.adapt_variance is not None  # made by build
        self.adapt_mean.assign(array.mean(axis=axes).reshape(self.adapt_mean.shape))
        self.adapt_variance.assign(array.var(axis=axes).reshape(self.adapt_variance.shape))

    def call(self, x: Tensor) -> Tensor:
        mean, variance = self.mean, self.variance
        assert mean is not None and variance is not None  # made by build
        scale = np.maximum(np.sqrt(variance.data), backend.epsilon())
        if self.invert:
            return x * scale + mean.data
        return (x - mean.data) / scale


class Flatten(Layer):
    """Keeps the batch axis and flattens the rest: (batch, 4, 5) -> (batch, 20)."""

    def call(self, x: Tensor) -> Tensor:
        if x.ndim == 0:
            raise ValueError(f"Flatten '{self.name}' expects a batch of samples, got a single number")
        return x.reshape(x.shape[0], int(np.prod(x.shape[1:])))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        rest = input_shape[1:]
        return (input_shape[0], None if None in rest else int(np.prod(rest)))


class Dropout(Layer):
    """Inverted dropout: in training, each entry is zeroed with probability ``rate`` and the kept ones are scaled by
    1 / (1 - rate), so every entry keeps its expected value: E[y] = (1 - rate) * x / (1 - rate) = x. At inference
    (``predict``, ``evaluate``, ``training`` not True) it is the identity, with nothing to rescale.

    ``noise_shape`` is the mask's shape, broadcast over the input, None where it takes the input's size:
    ``(None, 1, features)`` drops the same features at every time step. With ``seed`` the layer draws its masks from
    its own generator, so ``Dropout(rate, seed=s)`` gives the same sequence of masks each time it is made (a new mask
    on each call, as Keras 3); without it, from the backend's generator (see ``backend.set_random_seed``).
    """
    config_arguments = ("rate", "noise_shape", "seed")

    def __init__(self, rate: float, noise_shape: tuple | None = None, seed: int | None = None,
                 input_shape: tuple | None = None, name: str | None = None, **kwargs: Any):
        if isinstance(rate, bool) or not isinstance(rate, (int, float, np.number)) or not 0 <= rate < 1:
            raise ValueError(f"Dropout expects rate, the fraction of entries to drop, in [0, 1), got rate={rate!r}")
        if noise_shape is not None and (not isinstance(noise_shape, (tuple, list)) or not all(
                size is None or (isinstance(size, (int, np.integer)) and not isinstance(size, bool) and size > 0)
                for size in noise_shape)):
            raise ValueError(f"Dropout expects noise_shape to be a tuple of positive integers or None, such as "
                             f"(None, 1), got noise_shape={noise_shape!r}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
            raise ValueError(f"Dropout expects seed to be an integer >= 0 or None, got seed={seed!r}")
        super().__init__(name=name, input_shape=input_shape, **kwargs)
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self._generator = None if seed is None else np.random.default_rng(seed)

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        if not training or self.rate == 0:
            return x
        shape = x.shape
        if self.noise_shape is not None:
            shape = tuple(x.shape[i] if size is None else size for i, size in enumerate(self.noise_shape))
            if len(shape) != x.ndim or any(size not in (1, full) for size, full in zip(shape, x.shape, strict=True)):
                raise ValueError(f"Dropout '{self.name}' has noise_shape {self.noise_shape}, which does not broadcast "
                                 f"to its input of shape {x.shape} (each size must be None, 1 or the input's)")
        keep = (self._generator or backend.rng()).random(shape) >= self.rate  # kept with probability 1 - rate
        return x * (keep * (1.0 / (1.0 - self.rate))).astype(x.dtype)


class BatchNormalization(Layer):
    """Normalizes each feature over the batch, then scales and shifts it, as Keras 3 does:

        y = gamma * (x - mean) / sqrt(variance + epsilon) + beta

    ``axis`` holds the features (the last axis by default); mean and variance are taken over all the other axes.
    In training (``fit``, ``training=True``) they are the batch's — the biased variance mean((x - mean)^2), as in
    Keras — and the moving statistics follow them:

        moving_mean = momentum * moving_mean + (1 - momentum) * mean      (moving_variance: the same, with variance)

    At inference (``predict``, ``evaluate``) mean and variance are the moving ones, so a sample's output no longer
    depends on the rest of its batch. gamma and beta are trained; moving_mean and moving_variance are non-trainable
    weights (``get_weights()`` order: gamma, beta, moving_mean, moving_variance). With ``trainable = False`` the layer
    runs in inference mode even in training, as in Keras 3. A batch with nan or inf leaves the moving statistics as
    they were, so ``fit`` stopping at a bad batch keeps them from before it.
    """
    config_arguments = ("axis", "momentum", "epsilon", "center", "scale", "beta_initializer", "gamma_initializer",
                        "moving_mean_initializer", "moving_variance_initializer")

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 moving_mean_initializer: Any = "zeros", moving_variance_initializer: Any = "ones",
                 input_shape: tuple | None = None, name: str | None = None, **kwargs: Any):
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise ValueError(f"BatchNormalization expects axis to be an integer, got axis={axis!r}")
        if _check_number("BatchNormalization", "momentum", momentum) < 0 or momentum > 1:
            raise ValueError(f"BatchNormalization expects momentum in [0, 1], got momentum={momentum!r}")
        if _check_number("BatchNormalization", "epsilon", epsilon) <= 0:
            raise ValueError(f"BatchNormalization expects epsilon > 0 (it keeps 1 / sqrt(variance + epsilon) finite), "
                             f"got epsilon={epsilon!r}")
        super().__init__(name=name, input_shape=input_shape, **kwargs)
        self.axis, self.momentum, self.epsilon = int(axis), float(momentum), float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.gamma: Tensor | None = None  # stays None without scale
        self.beta: Tensor | None = None  # stays None without center
        # made by build, which runs before any call
        self.moving_mean: Tensor = None  # type: ignore[assignment]
        self.moving_variance: Tensor = None  # type: ignore[assignment]

    def build(self, input_shape: tuple) -> None:
        rank = len(input_shape)
        if not -rank <= self.axis < rank:
            raise ValueError(f"BatchNormalization '{self.name}' normalizes axis {self.axis}, but its inputs of shape "
                             f"{input_shape} have no such axis")
        axis = self.axis % rank
        if not input_shape[axis]:
            raise ValueError(f"BatchNormalization '{self.name}' needs to know the size of axis {self.axis}, got input "
                             f"shape {input_shape}")
        self._input_shape = tuple(input_shape)
        self._reduction_axes = tuple(i for i in range(rank) if i != axis)
        size = (input_shape[axis],)
        self._broadcast_shape = size + (1,) * (rank - 1 - axis)  # lines a (features,) vector up with the axis
        if self.scale:
            self.gamma = self.add_weight(shape=size, initializer=self.gamma_initializer, name="gamma")
        if self.center:
            self.beta = self.add_weight(shape=size, initializer=self.beta_initializer, name="beta")
        self.moving_mean = self.add_weight(shape=size, initializer=self.moving_mean_initializer, trainable=False,
                                           name="moving_mean")
        self.moving_variance = self.add_weight(shape=size, initializer=self.moving_variance_initializer,
                                               trainable=False, name="moving_variance")
        self.built = True

    def _along_axis(self, vector: Tensor) -> Tensor:
        """A (features,) weight shaped to broadcast along ``axis``: itself on the last axis, else (features, 1, …)."""
        return vector if len(self._broadcast_shape) == 1 else vector.reshape(self._broadcast_shape)

    def call(self, x: Tensor, training: bool | None = None) -> Tensor:
        if x.ndim != len(self._input_shape) or any(size is not None and size != got
                                                   for size, got in zip(self._input_shape, x.shape, strict=True)):
            raise ValueError(f"BatchNormalization '{self.name}' expects inputs of shape {self._input_shape}, got input "
                             f"of shape {x.shape}")
        if training and self.trainable:
            mean = x.mean(axis=self._reduction_axes, keepdims=True)
            centered = x - mean
            variance = (centered * centered).mean(axis=self._reduction_axes, keepdims=True)
            self._update_moving_statistics(mean.data, variance.data)
        else:
            centered = x - self._along_axis(self.moving_mean)
            variance = self._along_axis(self.moving_variance)
        y = centered / (variance + self.epsilon).sqrt()
        if self.gamma is not None:
            y = y * self._along_axis(self.gamma)
        if self.beta is not None:
            y = y + self._along_axis(self.beta)
        return y

    def _update_moving_statistics(self, mean: np.ndarray, variance: np.ndarray) -> None:
        """The running averages, written into ``.data``: bookkeeping for inference, not part of the graph."""
        if not (np.isfinite(mean).all() and np.isfinite(variance).all()):
            return
        for moving, batch in ((self.moving_mean, mean), (self.moving_variance, variance)):
            moving.data[...] = self.momentum * moving.data + (1.0 - self.momentum) * batch.reshape(-1)


# ----------------------------------------------------------------------------------------------------------------
# Merge layers: several tensors in, one out — how a graph of layers joins its branches (a residual connection is
# ``add([x, block(x)])``). Called on a list: ``Add()([a, b])``, or the function ``add([a, b])``.
# ----------------------------------------------------------------------------------------------------------------
class Merge(Layer):
    """The base of the merge layers: a list of at least two tensors of the same shape, combined entry by entry."""

    def _check_shapes(self, shapes: Any) -> list[tuple]:
        kind = type(self).__name__
        if not isinstance(shapes, list) or len(shapes) < 2:
            raise ValueError(f"{kind} '{self.name}' expects a list of at least 2 inputs, e.g. {kind}()([x, y]), got "
                             f"{'one input of shape ' + str(shapes) if isinstance(shapes, tuple) else shapes!r}")
        return [tuple(shape) for shape in shapes]

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shapes = self._check_shapes(input_shape)
        for shape in shapes[1:]:
            if len(shape) != len(shapes[0]) or any(a is not None and b is not None and a != b
                                                    for a, b in zip(shape, shapes[0], strict=True)):
                raise ValueError(f"{type(self).__name__} '{self.name}' expects inputs of the same shape, got shapes "
                                 f"{', '.join(str(s) for s in shapes)}; make them agree first (a Dense to the same "
                                 f"number of units), or join them with Concatenate")
        return shapes[0]

    def build(self, input_shape: Any) -> None:
        self.compute_output_shape(input_shape)  # refuses shapes that do not merge, before any call
        self.built = True

    def output_shape_for(self, input_shape: Any) -> tuple:
        return self.compute_output_shape(input_shape)

    def call(self, inputs: list[Tensor]) -> Tensor:  # type: ignore[override]  # a list, as Keras' merge layers
        self.compute_output_shape([(None,) + t.shape[1:] for t in inputs])
        return self.merge(inputs)

    def merge(self, inputs: list[Tensor]) -> Tensor:
        raise NotImplementedError


class Add(Merge):
    """x1 + x2 + ...: a residual connection is ``Add()([x, block(x)])``; the gradient reaches each input whole."""

    def merge(self, inputs: list[Tensor]) -> Tensor:
        total = inputs[0]
        for x in inputs[1:]:
            total = total + x
        return total


class Subtract(Merge):
    """x1 - x2, exactly two inputs."""

    def _check_shapes(self, shapes: Any) -> list[tuple]:
        checked = super()._check_shapes(shapes)
        if len(checked) != 2:
            raise ValueError(f"Subtract '{self.name}' expects exactly 2 inputs, got {len(checked)}")
        return checked

    def merge(self, inputs: list[Tensor]) -> Tensor:
        return inputs[0] - inputs[1]


class Multiply(Merge):
    """x1 * x2 * ..., entry by entry."""

    def merge(self, inputs: list[Tensor]) -> Tensor:
        product = inputs[0]
        for x in inputs[1:]:
            product = product * x
        return product


class Average(Merge):
    """(x1 + x2 + ... + xn) / n."""

    def merge(self, inputs: list[Tensor]) -> Tensor:
        return Add.merge(self, inputs) * (1.0 / len(inputs))  # type: ignore[arg-type]  # the same sum


class Maximum(Merge):
    """The largest of the inputs, entry by entry (the gradient goes to the input that was largest)."""

    def merge(self, inputs: list[Tensor]) -> Tensor:
        result = inputs[0]
        for x in inputs[1:]:
            result = elementwise.maximum(result, x)
        return result


class Minimum(Merge):
    """The smallest of the inputs, entry by entry."""

    def merge(self, inputs: list[Tensor]) -> Tensor:
        result = inputs[0]
        for x in inputs[1:]:
            result = elementwise.minimum(result, x)
        return result


class Concatenate(Merge):
    """The inputs joined along ``axis`` (the last by default): (batch, 3) and (batch, 2) give (batch, 5)."""
    config_arguments = ("axis",)

    def __init__(self, axis: int = -1, name: str | None = None, **kwargs: Any):
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise ValueError(f"Concatenate expects axis to be an integer, got axis={axis!r}")
        super().__init__(name=name, **kwargs)
        self.axis = int(axis)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shapes = self._check_shapes(input_shape)
        rank = len(shapes[0])
        if not -rank <= self.axis < rank or self.axis % rank == 0:
            raise ValueError(f"Concatenate '{self.name}' joins along axis {self.axis}, which inputs of shape "
                             f"{shapes[0]} do not have apart from the batch axis")
        axis = self.axis % rank
        for shape in shapes[1:]:
            if len(shape) != rank or any(i != axis and a is not None and b is not None and a != b
                                         for i, (a, b) in enumerate(zip(shape, shapes[0], strict=True))):
                raise ValueError(f"Concatenate '{self.name}' expects inputs whose shapes agree except along axis "
                                 f"{self.axis}, got shapes {', '.join(str(s) for s in shapes)}")
        sizes = [shape[axis] for shape in shapes]
        return shapes[0][:axis] + (None if None in sizes else sum(sizes),) + shapes[0][axis + 1:]

    def merge(self, inputs: list[Tensor]) -> Tensor:
        return shape_ops.concatenate(inputs, axis=self.axis)


def add(inputs: list, **kwargs: Any) -> Any:
    """``add([x, y])``: Add()([x, y]), as keras.layers.add."""
    return Add(**kwargs)(inputs)


def subtract(inputs: list, **kwargs: Any) -> Any:
    """``subtract([x, y])``: Subtract()([x, y])."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs: list, **kwargs: Any) -> Any:
    """``multiply([x, y])``: Multiply()([x, y])."""
    return Multiply(**kwargs)(inputs)


def average(inputs: list, **kwargs: Any) -> Any:
    """``average([x, y])``: Average()([x, y])."""
    return Average(**kwargs)(inputs)


def maximum(inputs: list, **kwargs: Any) -> Any:
    """``maximum([x, y])``: Maximum()([x, y])."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs: list, **kwargs: Any) -> Any:
    """``minimum([x, y])``: Minimum()([x, y])."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs: list, axis: int = -1, **kwargs: Any) -> Any:
    """``concatenate([x, y], axis=-1)``: Concatenate(axis)([x, y])."""
    return Concatenate(axis=axis, **kwargs)(inputs)
