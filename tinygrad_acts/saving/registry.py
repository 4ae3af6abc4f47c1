"""Classes found by name, as Keras' keras.saving does it: what a config's ``class_name`` means when a model is
rebuilt from a config, JSON or a file. ``register_keras_serializable`` adds your own classes; the models register
Sequential and Model here (models/), so this room never imports them."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

_CUSTOM_OBJECTS: dict[str, Any] = {}  # "package>Name" -> the class or function, as Keras' global custom objects


def register_keras_serializable(package: str = "Custom", name: str | None = None) -> Callable[[Any], Any]:
    """A decorator, as Keras': ``@register_keras_serializable()`` on a layer class of your own lets
    ``model_from_json``, ``from_config`` and ``load_model`` find it by name without ``custom_objects``."""
    def register(obj: Any) -> Any:
        key = f"{package}>{name or obj.__name__}"
        if key in _CUSTOM_OBJECTS and _CUSTOM_OBJECTS[key] is not obj:
            raise ValueError(f"register_keras_serializable: {key!r} is already registered for "
                             f"{_CUSTOM_OBJECTS[key]!r}; give another package= or name=")
        _CUSTOM_OBJECTS[key] = obj
        return obj

    return register


def get_custom_objects() -> dict[str, Any]:
    """The registered objects, by their registered names ('Custom>MyLayer'), as Keras' (the dict itself)."""
    return _CUSTOM_OBJECTS


def get_registered_object(name: str, custom_objects: dict[str, Any] | None = None) -> Any:
    """The object known as ``name``: from ``custom_objects``, then a registered one, by its full name or by its
    name alone ('MyLayer' finds 'Custom>MyLayer'); None when there is none."""
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in _CUSTOM_OBJECTS:
        return _CUSTOM_OBJECTS[name]
    return next((obj for key, obj in _CUSTOM_OBJECTS.items() if key.rsplit(">", 1)[-1] == name), None)
