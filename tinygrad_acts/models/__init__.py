"""Models, as Keras' ``keras.models``: ``Sequential`` (a stack of layers, sequential.py) and ``Model`` (the
functional API's graph of layers, or a model of your own with its call: functional.py), both trained by
training.Trainer; ``load_model``, ``model_from_json`` and ``from_keras`` make one from a file, from JSON or from a
Keras model (saving/ does the reading)."""
from ..saving import from_keras, load_model, model_from_json
from ..training import NanLossWarning
from .functional import Model
from .sequential import Sequential

__all__ = ["Model", "NanLossWarning", "Sequential", "from_keras", "load_model", "model_from_json"]
