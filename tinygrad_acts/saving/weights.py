"""A model's weights in a file: numpy's .npz, written and read here without Keras, never unpickling anything; or
Keras' .weights.h5, written and read by Keras itself (keras.py)."""
from __future__ import annotations

import os
import tempfile
import zipfile
from typing import Any

import numpy as np

from ..layers import assign_weights
from . import keras


def file_path(what: str, path: Any) -> str:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{what} expects a file path such as 'model.weights.npz', got {path!r}")
    return os.fspath(path)


def weight_keys(model: Any) -> list[str]:
    """Names for a weight file that do not depend on the session's layer numbering: '0.Dense.kernel'; a layer of
    layers whose weights share names ('kernel' in each sublayer) numbers them: '0.MLPBlock.2.kernel'."""
    keys = []
    for index, layer in enumerate(model.layers):
        names = [str(w.name).rsplit("/", 1)[-1] for w in layer.weights]
        numbered = len(set(names)) < len(names)
        keys += [f"{index}.{type(layer).__name__}.{f'{j}.' if numbered else ''}{name}" for j, name in enumerate(names)]
    return keys


def save_weights(model: Any, path: str | os.PathLike) -> None:
    """Write every weight to a numpy ``.npz`` file, atomically: a temporary file, then a rename."""
    path = file_path("save_weights", path)
    if path.endswith(".weights.h5"):  # Keras' format, written by Keras itself
        return keras.save_keras_weights(model, path)
    if not path.endswith(".npz"):
        raise ValueError(f"save_weights writes numpy's .npz format, so the path must end in '.npz' (or in "
                         f"'.weights.h5' for Keras' format, with tinygrad-acts[keras]), got {path!r}")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"save_weights: the folder {folder!r} does not exist, so {path!r} cannot be "
                                f"written")
    handle, temporary = tempfile.mkstemp(suffix=".npz.tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as file:
            arrays = dict(zip(weight_keys(model), (w.data for w in model.weights), strict=True))
            np.savez(file, **arrays)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)  # a reader sees the old file or the new one, never half of one
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def load_weights(model: Any, path: str | os.PathLike) -> None:
    """Read weights written by save_weights (never unpickling anything). A file that does not fit the model
    — wrong count, names or shapes, or not an npz at all — raises ValueError and changes nothing."""
    path = file_path("load_weights", path)
    if path.endswith(".weights.h5"):  # Keras' format, read by Keras itself
        return keras.load_keras_weights(model, path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"load_weights: there is no file {path!r}")
    try:
        # we open the file, not np.load: numpy leaves its own handle open when the zip inside is broken
        with open(path, "rb") as handle:
            file = np.load(handle, allow_pickle=False)
            if not isinstance(file, np.lib.npyio.NpzFile):  # a single .npy array, not an archive of them
                raise ValueError(f"it holds a single array of shape {file.shape}, not named weights")
            with file:
                stored = {key: file[key] for key in file.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError) as error:
        raise ValueError(f"load_weights: {path!r} is not a readable .npz weight file ({error})") from None
    keys = weight_keys(model)
    if list(stored) != keys:
        missing = [k for k in keys if k not in stored]
        extra = [k for k in stored if k not in keys]
        raise ValueError(f"load_weights: the file does not fit model '{model.name}': it holds {len(stored)} arrays, "
                         f"the model has {len(keys)} weights"
                         + (f"; missing {missing}" if missing else "") + (f"; unexpected {extra}" if extra else "")
                         + ("; same names in another order" if not missing and not extra else "")
                         + "; nothing was changed")
    assign_weights(model.weights, [stored[k] for k in keys], f"model '{model.name}' (from {path!r})")
