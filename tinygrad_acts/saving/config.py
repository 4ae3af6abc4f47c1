"""A model's architecture as data: layers from their configs, and a model from the JSON ``to_json`` wrote
(``models.model_from_json``, Keras' name). New weights, always: weights go through weights.py."""
from __future__ import annotations

import inspect
import json
from typing import Any

from .. import layers as layers_module
from ..layers import InputLayer, Layer
from .registry import get_registered_object


def layer_from_config(entry: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Any:
    """One layer (or a whole model, used as a layer) from its ``{'class_name': ..., 'config': ...}`` entry. A class
    is found in ``custom_objects``, among the registered ones (Sequential and Model, and yours), then in layers."""
    name, config = entry.get("class_name"), entry.get("config", {})
    cls = get_registered_object(str(name), custom_objects) or getattr(layers_module, str(name), None)
    if not (isinstance(cls, type) and (issubclass(cls, Layer) or hasattr(cls, "from_config"))):
        raise ValueError(f"from_config: unknown layer class {name!r}; a layer of your own is passed as "
                         f"custom_objects={{{name!r}: {name}}}")
    if issubclass(cls, InputLayer):
        return InputLayer(batch_shape=tuple(config["batch_shape"]), name=config.get("name"))
    if "custom_objects" in inspect.signature(cls.from_config).parameters:  # a model: it rebuilds its own layers,
        return cls.from_config(config, custom_objects)  # which may be yours
    return cls.from_config(config)


def to_json(model: Any, **kwargs: Any) -> str:
    """The architecture as JSON text (``json.dumps`` options pass through); ``model_from_json`` reads it."""
    return json.dumps({"class_name": type(model).__name__, "config": model.get_config()}, **kwargs)


def model_from_json(json_string: str, custom_objects: dict[str, Any] | None = None) -> Any:
    """The model ``to_json`` described, with new weights, as keras.models.model_from_json."""
    try:
        description = json.loads(json_string)
    except (TypeError, json.JSONDecodeError) as error:
        raise ValueError(f"model_from_json expects the text model.to_json() wrote: {error}") from None
    if not isinstance(description, dict) or "config" not in description:
        raise ValueError("model_from_json expects the text model.to_json() wrote: {'class_name': ..., 'config': ...}")
    name = "Model" if description.get("class_name") in ("Model", "Functional") else "Sequential"
    return get_registered_object(name).from_config(description["config"], custom_objects)
