"""Global state, as Keras' backend module has it: layer-name counters, the default float type, epsilon, the seed;
and ``lookup``, which finds an activation, loss, optimizer, metric or initializer by name.

``import tinygrad_acts.backend as K`` then ``K.clear_session()`` between models, as the classic lesson does.
"""
from __future__ import annotations

import collections
import difflib
import random
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

_FLOATX = "float32"  # Keras' default float type
_EPSILON = 1e-7  # Keras' fuzz factor: keeps log(p) and 1/x finite at p = 0
_name_counts: collections.Counter = collections.Counter()
_rng = np.random.default_rng()


def floatx() -> str:
    """The default float type of weights and inputs: 'float32', as in Keras."""
    return _FLOATX


def set_floatx(value: str) -> None:
    """Make new weights, and the data given to models, this float type: 'float64' for exact gradient checks of a
    whole model (or 'float16'); 'float32' is the default. Weights that exist already keep their type."""
    if value not in ("float16", "float32", "float64"):
        raise ValueError(f"set_floatx expects 'float16', 'float32' or 'float64', got {value!r}")
    global _FLOATX
    _FLOATX = value


def epsilon() -> float:
    """The small constant used to clip probabilities away from 0 and 1: 1e-7, as in Keras."""
    return _EPSILON


def set_epsilon(value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not 0 < value < 0.5:
        raise ValueError(f"set_epsilon expects a small positive number such as 1e-7, got {value!r}")
    global _EPSILON
    _EPSILON = float(value)


def unique_name(base: str) -> str:
    """'dense', then 'dense_1', 'dense_2', ... as Keras numbers its layers; clear_session() starts again."""
    count = _name_counts[base]
    _name_counts[base] += 1
    return base if count == 0 else f"{base}_{count}"


def clear_session() -> None:
    """Forget the layer-name counters (the next Dense is 'dense' again), as keras.backend.clear_session() does."""
    _name_counts.clear()


def set_random_seed(seed: int) -> None:
    """Same seed, same initial weights and the same shuffling in fit(). Also reachable as utils.set_random_seed.
    As Keras 3's does, it also seeds Python's ``random`` and numpy's global generator (``np.random.randn``)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"set_random_seed expects an integer >= 0, got {seed!r}")
    global _rng
    _rng = np.random.default_rng(seed)
    random.seed(seed)
    np.random.seed(seed)


def rng() -> np.random.Generator:
    """The generator every initializer and every shuffle draws from."""
    return _rng


def _plain(name: str) -> str:
    return name.lower().replace("_", "")


def lookup(kind: str, name: str, table: Mapping[str, Any], listed: Sequence[str] | None = None,
           expected: str | None = None) -> Any:
    """``table[name]`` for the activations, losses, optimizers, metrics and initializers looked up by name.

    A name that is not in the table still finds its entry when, ignoring case and underscores, it fits exactly one
    ('ReLU' is 'relu', 'Mse' is 'mse', 'He_Normal' is 'he_normal'). Otherwise a ValueError says what was found and
    suggests the nearest valid name: "Unknown loss 'msee'. Did you mean 'mse'? Valid names: …", or, given
    ``expected``, "Unknown initializer 'glorot': expected {expected}. Did you mean 'glorot_normal'?".
    ``listed`` are the names to suggest and list (default: every name in the table)."""
    if name in table:
        return table[name]
    fits = [key for key in table if _plain(key) == _plain(name)]
    if fits and all(table[key] is table[fits[0]] for key in fits):
        return table[fits[0]]
    listed = list(table) if listed is None else list(listed)
    if not fits:  # difflib on the plain forms, so that case and underscores do not count against a name
        plain = {_plain(key): key for key in sorted(listed, key=str.islower)}  # 'mse' rather than 'MSE'
        fits = [plain[close] for close in difflib.get_close_matches(_plain(name), plain, n=1)]
    hint = f" Did you mean {' or '.join(repr(key) for key in fits)}?" if fits else ""
    if expected is not None:
        raise ValueError(f"Unknown {kind} {name!r}: expected {expected}.{hint}")
    raise ValueError(f"Unknown {kind} {name!r}.{hint} Valid names: {', '.join(listed)}")
