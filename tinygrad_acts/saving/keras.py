"""The way to Keras and back: a Sequential to a real keras.Sequential and back, and Keras' own file formats
through that.

Every layer we have, Keras 3 has under the same name, with the same arguments and the same weights in the same
order (a Dense kernel is (inputs, units) in both; BatchNormalization's weights are gamma, beta, moving_mean,
moving_variance in both), and our activations are Keras' by name. So a conversion copies the arguments, the
activation's name and the weights, and nothing else: the two models then compute the same function.

What does not convert: a layer or an argument the other side lacks (a custom layer, a Keras Conv2D, a Dense with a
kernel_constraint), and an activation written as a Python function, which has no name the other side knows. Each
is an error that names the layer. ``to_keras`` and ``from_keras`` give uncompiled models (compile on the side you
train on); ``save('m.keras')`` and ``models.load_model`` also carry the compile state — optimizer, loss and metrics —
when each has a name or class both sides know (not a loss function of your own, nor a learning-rate schedule).

Keras (and PyTorch, the backend our ``keras`` extra installs) is imported only when one of these functions runs:
``import tinygrad_acts`` never imports it. Without it they raise an ImportError that names the extra.
"""
from __future__ import annotations

import inspect
import os
from typing import Any

from .. import activations, backend, initializers, layers, losses, metrics, optimizers, regularizers

# saving/ does not import models (the models import it): these functions take a Sequential without naming the
# class, and from_keras returns the layers that saving.from_keras stacks into one.
AnySequential = Any

INSTALL = "pip install tinygrad-acts[keras]"

# Our layer class, Keras' class of the same name, and the arguments they share: a layer converts with these
# arguments, either way, and with COMMON, which every layer has. Every other Keras argument must be at its default
# (a kernel_constraint has no counterpart here). Input(shape) is not a layer of our Sequential (it sets the model's
# input_shape); it becomes keras.Input.
LAYERS: list[tuple[type[layers.Layer], str, tuple[str, ...]]] = [
    (cls, cls.__name__, cls.config_arguments)  # the same class name in Keras, and the arguments get_config records
    for cls in (layers.Dense, layers.Activation, layers.ReLU, layers.LeakyReLU, layers.ELU, layers.Softmax,
                layers.Flatten, layers.Dropout, layers.BatchNormalization, layers.Add, layers.Subtract,
                layers.Multiply, layers.Average, layers.Maximum, layers.Minimum, layers.Concatenate)
]
COMMON = ("trainable", "activity_regularizer")
# Initializers and regularizers are the same classes with the same configs on both sides ({'l1': 0.01} for L1).
# An initializer the other side lacks is left at its default: it never runs, as the weights are copied. A
# regularizer changes training, so one the other side lacks (a Python function) is an error.
REGULARIZERS = ("L1", "L2", "L1L2")
LAYER_NAMES = ", ".join(keras_name for _, keras_name, _ in LAYERS)


def import_keras(what: str) -> Any:
    """Keras 3, on the PyTorch backend unless KERAS_BACKEND names another; else an ImportError naming the extra."""
    os.environ.setdefault("KERAS_BACKEND", "torch")  # Keras' own default, TensorFlow, is not in our extra
    try:
        import keras
    except ImportError as error:  # Keras missing, or its backend (torch) missing
        raise ImportError(f"{what} needs Keras 3 with PyTorch, which are not installed ({error}): {INSTALL}") from None
    if not keras.__version__.startswith("3."):
        raise ImportError(f"{what} needs Keras 3, found Keras {keras.__version__}: {INSTALL}")
    return keras


# ----------------------------------------------------------------------------------------------------------------
# Ours to Keras
# ----------------------------------------------------------------------------------------------------------------
def _activation_name(layer: layers.Layer, function: Any) -> str:
    """The name under which both frameworks know ``function``: 'relu' for activations.relu."""
    try:
        return activations.serialize(function)
    except ValueError:
        pass
    shown = getattr(function, "__name__", repr(function))
    raise ValueError(f"to_keras: layer '{layer.name}' ({type(layer).__name__}) has the activation {shown}, a Python "
                     f"function Keras cannot name; use an activation by name, such as 'tanh' (one of "
                     f"{', '.join(sorted(activations.ALL_ACTIVATIONS))})")


def _keras_arguments(layer: layers.Layer, arguments: tuple[str, ...]) -> dict[str, Any]:
    """The layer's arguments as Keras takes them: activations by name, initializers and regularizers as configs."""
    values = {}
    for argument in (*COMMON, *arguments):
        value = getattr(layer, argument, None)
        if argument == "activation":
            value = _activation_name(layer, value)
        elif argument.endswith("_initializer"):
            if not isinstance(value, initializers.Initializer):
                continue  # a Python function: Keras keeps its default, which never runs
            value = {"class_name": type(value).__name__, "config": value.get_config()}
        elif argument.endswith("_regularizer"):
            if value is None:
                continue
            if not isinstance(value, regularizers.Regularizer) or type(value).__name__ not in REGULARIZERS:
                raise ValueError(f"to_keras: layer '{layer.name}' ({type(layer).__name__}) has {argument}="
                                 f"{getattr(value, '__name__', repr(value))}, which Keras cannot name; use one of "
                                 f"{', '.join(REGULARIZERS)}")
            value = {"class_name": type(value).__name__, "config": value.get_config()}
        values[argument] = value
    return values


def _stack(model: AnySequential) -> list[layers.Layer]:
    """The model's layers but its InputLayer (a functional model lists it first, as Keras'): keras.Input is made
    from the input shape."""
    return [layer for layer in model.layers if not isinstance(layer, layers.InputLayer)]


def check_convertible(model: AnySequential, what: str = "to_keras") -> None:
    """Raise, before Keras is imported, if a layer or an activation of ``model`` has no Keras counterpart."""
    model.require_built(what)
    for layer in _stack(model):
        arguments = next((args for ours, _, args in LAYERS if type(layer) is ours), None)
        if arguments is None:
            raise ValueError(f"{what}: layer '{layer.name}' ({type(layer).__name__}) has no Keras counterpart here; "
                             f"the layers that convert are {LAYER_NAMES}")
        _keras_arguments(layer, arguments)  # raises for an activation Keras cannot name


def to_keras(model: AnySequential) -> Any:
    """A new, uncompiled ``keras.Sequential`` with ``model``'s layers (names, arguments, activations) and a copy of
    its weights, so ``to_keras(model).predict(x)`` is ``model.predict(x)`` up to float rounding."""
    check_convertible(model)
    keras = import_keras("to_keras")
    assert model.input_shape is not None  # a built model has one
    dtype = str(model.weights[0].dtype) if model.weights else backend.floatx()
    keras_layers = []
    for layer in _stack(model):
        keras_name, arguments = next((name, args) for ours, name, args in LAYERS if type(layer) is ours)
        keras_layers.append(getattr(keras.layers, keras_name)(name=layer.name, dtype=dtype,
                                                              **_keras_arguments(layer, arguments)))
    graph = getattr(model, "graph", None)  # a functional Model: (inputs, calls in order, outputs)
    if graph is not None:
        twin = _keras_graph(keras, model, graph, dict(zip(map(id, _stack(model)), keras_layers, strict=True)), dtype)
    else:
        twin = keras.Sequential([keras.Input(shape=model.input_shape[1:], dtype=dtype), *keras_layers],
                                name=model.name)
    for layer, keras_layer in zip(_stack(model), keras_layers, strict=True):
        keras_layer.set_weights(layer.get_weights())
    return twin


def _keras_graph(keras: Any, model: AnySequential, graph: tuple, twins: dict[int, Any], dtype: str) -> Any:
    """The Keras functional model of the same graph: keras.Input per input, then each call, in order, on the
    Keras tensors its inputs became."""
    inputs, calls, outputs = graph
    values = {id(t): keras.Input(shape=t.shape[1:], dtype=dtype, name=t.node.layer.name) for t in inputs}
    keras_inputs = [values[id(t)] for t in inputs]
    for node in calls:
        arguments = [values[id(t)] for t in node.inputs]
        values[id(node.output)] = twins[id(node.layer)](arguments if node.takes_list else arguments[0])
    keras_outputs = [values[id(t)] for t in outputs]
    names = getattr(model, "output_names", None) if isinstance(getattr(model, "output", None), dict) else None
    return keras.Model(inputs=keras_inputs[0] if len(keras_inputs) == 1 else keras_inputs,
                       outputs=dict(zip(names, keras_outputs, strict=True)) if names else
                       keras_outputs[0] if len(keras_outputs) == 1 else keras_outputs, name=model.name)


def graph_from_keras(keras: Any, keras_model: Any) -> tuple[list, list, str]:
    """Our placeholders for a Keras functional model whose layers we all have: each layer made by ``_our_layer``,
    then called as its config's ``inbound_nodes`` say, and given a copy of its Keras twin's weights. Returns
    (inputs, outputs, name) for ``models.Model``."""
    config = keras_model.get_config()
    by_name = {layer.name: layer for layer in keras_model.layers}
    calls: dict[str, list] = {}
    ours: dict[str, layers.Layer] = {}
    for entry in config["layers"]:
        name = entry["name"]
        if entry["class_name"] == "InputLayer":
            calls[name] = [layers.Input(batch_shape=tuple(entry["config"]["batch_shape"]), name=name)]
            continue
        ours[name] = _our_layer(keras, by_name[name])
        for inbound in entry["inbound_nodes"]:
            argument = inbound["args"][0]
            sources = argument if isinstance(argument, list) else [argument]
            placeholders = [calls[s["config"]["keras_history"][0]][s["config"]["keras_history"][1]] for s in sources]
            calls.setdefault(name, []).append(ours[name](placeholders if isinstance(argument, list)
                                                         else placeholders[0]))
    for name, layer in ours.items():
        layer.set_weights(by_name[name].get_weights())

    def placeholders_of(where: Any) -> list:
        listed = where if where and isinstance(where[0], list) else [where]
        return [calls[entry[0]][entry[1]] for entry in listed]
    return placeholders_of(config["input_layers"]), placeholders_of(config["output_layers"]), keras_model.name


# ----------------------------------------------------------------------------------------------------------------
# Keras to ours
# ----------------------------------------------------------------------------------------------------------------
def _our_activation(keras: Any, keras_layer: Any) -> str:
    """The name of a Keras layer's activation, if it is one of ours."""
    for name in activations.ALL_ACTIVATIONS:
        if keras_layer.activation is keras.activations.get(name):
            return name
    shown = getattr(keras_layer.activation, "__name__", repr(keras_layer.activation))
    raise ValueError(f"from_keras: layer '{keras_layer.name}' ({type(keras_layer).__name__}) has the activation "
                     f"{shown}, which is not one of Keras' named activations, so it has no counterpart here")


def _our_argument(keras_layer: Any, argument: str, value: Any) -> Any:
    """A Keras config value as our layer takes it; None for an initializer we lack (ours keeps its default)."""
    if argument.endswith("_initializer"):
        try:
            return initializers.get(value)
        except (TypeError, ValueError):
            return None
    if argument.endswith("_regularizer") and value is not None:
        if value.get("class_name") not in REGULARIZERS:
            raise ValueError(f"from_keras: layer '{keras_layer.name}' ({type(keras_layer).__name__}) has {argument}="
                             f"{_shown(value)}; the regularizers that convert are {', '.join(REGULARIZERS)}")
        return getattr(regularizers, value["class_name"])(**value["config"])
    return value


def _our_layer(keras: Any, keras_layer: Any) -> layers.Layer:
    """Our layer for one Keras layer, or a ValueError naming the layer and what it uses that we lack."""
    kind = type(keras_layer).__name__
    match = next(((ours, args) for ours, name, args in LAYERS if type(keras_layer) is getattr(keras.layers, name)),
                 None)
    if match is None:
        raise ValueError(f"from_keras: layer '{keras_layer.name}' ({kind}) has no counterpart in tinygrad_acts; the "
                         f"layers that convert are {LAYER_NAMES}")
    ours, arguments = match
    # the activation first: get_config itself fails on a lambda activation
    activation = _our_activation(keras, keras_layer) if "activation" in arguments else None
    config = keras_layer.get_config()
    if keras_layer.dtype_policy.name not in ("float32", "float64"):
        raise ValueError(f"from_keras: layer '{keras_layer.name}' ({kind}) computes in "
                         f"{keras_layer.dtype_policy.name}; tinygrad_acts computes in float32 or float64")
    # the arguments we share (an unset activity_regularizer is not in the config); every other one must be what a
    # layer made from the shared ones alone has, its default
    shared = {key: config[key] for key in (*COMMON, *arguments) if key in config}
    default = type(keras_layer).from_config({"name": config["name"], **shared}).get_config()
    unsupported = [f"{key}={_shown(value)}" for key, value in config.items()
                   if key not in ("name", "dtype", *shared) and value != default.get(key, ...)]
    if unsupported:
        raise ValueError(f"from_keras: layer '{keras_layer.name}' ({kind}) uses {', '.join(unsupported)}, which "
                         f"tinygrad_acts' {ours.__name__} does not have")
    values = {key: _our_argument(keras_layer, key, value) for key, value in shared.items()}
    if activation is not None:
        values["activation"] = activation
    # None is our default for every one of these arguments (for an initializer we lack, ours never runs)
    return ours(name=config["name"], **{key: value for key, value in values.items() if value is not None})


def _shown(value: Any) -> str:
    """A Keras config value in a message: a class name for a serialized object, else its repr."""
    if isinstance(value, dict) and "class_name" in value:
        return str(value["class_name"])
    return type(value).__name__ if hasattr(value, "get_config") else repr(value)


def from_keras(keras_model: Any) -> Any:
    """Our layers for a built ``keras.Sequential`` whose layers we all have (see ``LAYERS``): ``Input(shape)``, then
    each layer built, holding a copy of its Keras twin's weights (in backend.floatx()). ``models.from_keras`` stacks
    them in a Sequential: the same function as the Keras model, uncompiled."""
    keras = import_keras("from_keras")
    if not isinstance(keras_model, keras.Sequential):
        if isinstance(keras_model, keras.Model) and hasattr(keras_model, "input_spec") and \
                type(keras_model).__name__ == "Functional":
            return graph_from_keras(keras, keras_model)
        raise TypeError(f"from_keras converts a keras.Sequential or a functional keras.Model, got "
                        f"{type(keras_model).__name__}")
    if not keras_model.built or not keras_model.inputs:
        raise ValueError(f"from_keras: the Keras model '{keras_model.name}' has no input shape yet; start it with "
                         f"keras.Input(shape), as in keras.Sequential([keras.Input((2,)), ...])")
    shape = tuple(keras_model.inputs[0].shape)  # with the batch axis, None
    ours = [_our_layer(keras, keras_layer) for keras_layer in keras_model.layers]  # all checked before any is built
    for layer, keras_layer in zip(ours, keras_model.layers, strict=True):
        layer.build(shape)
        layer.set_weights(keras_layer.get_weights())
        shape = layer.compute_output_shape(shape)
    return [layers.Input(tuple(keras_model.inputs[0].shape[1:])), *ours]


# ----------------------------------------------------------------------------------------------------------------
# Keras' file formats, written and read by Keras itself through the twin model
# ----------------------------------------------------------------------------------------------------------------
def save_keras(model: AnySequential, path: str) -> None:
    """``model.save('name.keras')``: Keras' whole-model format (layers, weights, and the compile state when
    _keras_compile_arguments finds it), which ``keras.models.load_model`` and our ``models.load_model`` read."""
    check_convertible(model, "save")
    keras = import_keras(f"save({path!r})")
    twin = to_keras(model)
    arguments = _keras_compile_arguments(keras, model)
    if arguments is not None:
        twin.compile(**arguments)
    twin.save(path)


def load_keras_model(path: str) -> tuple[list[layers.Layer], str, dict[str, Any] | None]:
    """``models.load_model('name.keras')``: Keras reads the file; its model comes back as our layers (see
    from_keras), its name, and compile()'s arguments here (None when it was not compiled, or not convertibly)."""
    keras = import_keras(f"load_model({path!r})")
    if not os.path.exists(path):
        raise FileNotFoundError(f"load_model: there is no file {path!r}")
    keras_model = keras.models.load_model(path)
    return from_keras(keras_model), keras_model.name, _our_compile_arguments(keras_model)


# ----------------------------------------------------------------------------------------------------------------
# The compile state, by the names and classes both sides have
# ----------------------------------------------------------------------------------------------------------------
def _keras_compile_arguments(keras: Any, model: AnySequential) -> dict[str, Any] | None:
    """compile()'s arguments for the Keras twin of a compiled model, or None."""
    if model.optimizer is None or model.loss is None:
        return None
    config = model.optimizer.get_config()
    if not isinstance(config["learning_rate"], float):  # a schedule: left to Keras users to give again
        return None
    optimizer = getattr(keras.optimizers, type(model.optimizer).__name__)(
        **{key: value for key, value in config.items() if key != "name"})
    if isinstance(model.loss, losses.Loss):
        loss = getattr(keras.losses, type(model.loss).__name__).from_config(model.loss.get_config())
    elif _named(losses.get, getattr(model.loss, "__name__", "")) is model.loss:
        loss = model.loss.__name__
    else:  # a loss function of your own
        return None
    compiled = []
    for name, metric in zip(model.metrics_names[1:], model.metrics, strict=True):
        if isinstance(metric, metrics.Metric):
            compiled.append(getattr(keras.metrics, type(metric).__name__).from_config(metric.get_config()))
        elif isinstance(metric, str) or _named(metrics.get, name) is metric:
            compiled.append(name)
        else:
            return None
    return {"optimizer": optimizer, "loss": loss, "metrics": compiled}


def _our_compile_arguments(keras_model: Any) -> dict[str, Any] | None:
    """compile()'s arguments here for a compiled Keras model, from its compile config, or None."""
    if not getattr(keras_model, "compiled", False) or keras_model.optimizer is None:
        return None
    optimizer_class = getattr(optimizers, type(keras_model.optimizer).__name__, None)
    if optimizer_class is None:
        return None
    config = keras_model.optimizer.get_config()
    optimizer = optimizer_class(**{key: config[key] for key in ("learning_rate", *optimizer_class.config_arguments)
                                   if key in config})
    compile_config = keras_model.get_compile_config()
    loss = _ours(losses, compile_config.get("loss"))
    compiled = [_ours(metrics, metric) for metric in compile_config.get("metrics") or []]
    if loss is None or any(metric is None for metric in compiled):
        return None
    return {"optimizer": optimizer, "loss": loss, "metrics": compiled}


def _named(get: Any, name: str) -> Any:
    """What ``get(name)`` gives, or None for a name it does not know."""
    try:
        return get(name)
    except (ValueError, TypeError):
        return None


def _ours(module: Any, serialized: Any) -> Any:
    """A Keras compile-config entry (a name, or {'class_name': ..., 'config': ...}) as our loss or metric: a name is
    kept as it is; a class we have is made from the arguments of its config that it takes. None otherwise."""
    if isinstance(serialized, str):
        return serialized if _named(module.get, serialized) is not None else None
    if not isinstance(serialized, dict):
        return None
    cls = getattr(module, str(serialized.get("class_name")), None)
    if not isinstance(cls, type):
        return None
    accepted = inspect.signature(cls).parameters
    return cls(**{key: value for key, value in serialized.get("config", {}).items() if key in accepted})


def save_keras_weights(model: AnySequential, path: str) -> None:
    """``model.save_weights('name.weights.h5')``: Keras' weight file, which a Keras model of the same layers loads."""
    check_convertible(model, "save_weights")
    import_keras(f"save_weights({path!r})")
    to_keras(model).save_weights(path)


def load_keras_weights(model: AnySequential, path: str) -> None:
    """``model.load_weights('name.weights.h5')``: Keras reads the file into a twin of ``model``, whose weights are
    then copied over, all checked before any is changed."""
    check_convertible(model, "load_weights")
    import_keras(f"load_weights({path!r})")
    if not os.path.exists(path):
        raise FileNotFoundError(f"load_weights: there is no file {path!r}")
    twin = to_keras(model)
    twin.load_weights(path)
    model.set_weights(twin.get_weights())
