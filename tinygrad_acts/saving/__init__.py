"""Saving and loading: weights (numpy's .npz, Keras' .weights.h5), the architecture as data (configs and JSON),
whole models in Keras' .keras format, and the way to Keras itself and back (keras.py; Keras is imported only when
one of these runs). Keras' ``keras.saving`` names: ``load_model``, ``save_model``, ``register_keras_serializable``,
``get_custom_objects``, ``get_registered_object``.

This room depends on layers, never on models: the models call it (``model.save_weights``, ``model.save``), and it
finds the model classes it must make by name (registry.py)."""
from __future__ import annotations

import os
from typing import Any

from . import keras
from .config import layer_from_config, model_from_json, to_json
from .registry import get_custom_objects, get_registered_object, register_keras_serializable
from .weights import file_path, load_weights, save_weights


def save_model(model: Any, path: str | os.PathLike) -> None:
    """Write the whole model (layers, weights and, when both sides know its parts by name, the compile state) in
    Keras' ``.keras`` format, through Keras: ``keras.models.load_model`` and ``load_model`` read it."""
    path = file_path("save", path)
    if not path.endswith(".keras"):
        raise ValueError(f"save writes Keras' .keras format, so the path must end in '.keras', got {path!r}; "
                         f"to save the weights without Keras, use save_weights('model.weights.npz')")
    keras.save_keras(model, path)


def load_model(path: str | os.PathLike) -> Any:
    """The model ``save('name.keras')`` wrote (or any Keras 3 Sequential of layers we have), compiled again when it
    was saved compiled, as keras.models.load_model. Needs Keras (the keras extra)."""
    layers, name, compile_arguments = keras.load_keras_model(file_path("load_model", path))
    model = _model_of(layers, name)
    if compile_arguments is not None:
        model.compile(**compile_arguments)
    return model


def from_keras(keras_model: Any) -> Any:
    """Our Sequential for a built ``keras.Sequential`` whose layers we all have, with a copy of its weights;
    an error names the first layer (or argument) that has no counterpart here."""
    return _model_of(keras.from_keras(keras_model), keras_model.name)


def _model_of(converted: Any, name: str) -> Any:
    """A Sequential of a list of layers; a functional Model of (inputs, outputs, name), a graph from Keras."""
    if isinstance(converted, tuple):
        inputs, outputs, _ = converted
        return get_registered_object("Model")(inputs[0] if len(inputs) == 1 else inputs,
                                              outputs[0] if len(outputs) == 1 else outputs, name=name)
    return get_registered_object("Sequential")(converted, name=name)


__all__ = ["from_keras", "get_custom_objects", "get_registered_object", "keras", "layer_from_config", "load_model",
           "load_weights", "model_from_json", "register_keras_serializable", "save_model", "save_weights",
           "to_json"]
