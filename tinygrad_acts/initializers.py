"""Weight initializers with Keras 3's names, classes and formulas: ``GlorotUniform(seed=0)((3, 4))`` is a (3, 4)
float32 array, and ``initializers.get('he_normal')`` is ``HeNormal()``.

An initializer is an object called as ``init(shape, dtype=None)``. fan_in and fan_out are the numbers of inputs and
outputs of the kernel (``compute_fans``). The glorot (Xavier), he and lecun families are one formula,
``VarianceScaling``: draw weights with variance ``scale / n``, n = fan_in, fan_out or their mean. Keeping that
variance near 1 / n keeps the size of activations (fan_in) or of gradients (fan_out) roughly constant from layer to
layer; he's scale 2 makes up for ReLU zeroing half of its inputs.

Seeds, as Keras 3: ``seed=42`` gives the same values on every call. Unseeded ones draw from the backend's generator
(``backend.set_random_seed`` makes them reproducible), so two calls differ; Keras 3 instead fixes a random seed per
instance. The lowercase names are Keras 3's too: ``random_normal(stddev=0.01)`` is ``RandomNormal(stddev=0.01)``;
given a shape first, ``glorot_uniform((3, 4))`` draws at once, as this module's functions of earlier versions did.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from . import backend
from .keywords import SuggestsKeywords

TRUNCATION_STDDEV = 0.87962566103423978  # stddev of N(0, 1) cut at +-2: divide by it so the kept values have stddev 1


def compute_fans(shape: tuple, input_axes: Any = None, output_axes: Any = None) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight shape, as Keras computes them.

    0-d: (1, 1); 1-d (n,): (n, n); 2-d (inputs, outputs): as they are; a convolution kernel
    (*receptive_field, inputs, outputs): both multiplied by the receptive field's size (3 * 3 for a 3x3 kernel).
    ``input_axes`` and ``output_axes`` name the axes to multiply instead.
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return int(np.prod([shape[a] for a in input_axes])), int(np.prod([shape[a] for a in output_axes]))
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = int(np.prod(shape[:-2]))  # 1 for a 2-d kernel
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def _shape(owner: str, shape: Any) -> tuple:
    """A shape as a tuple of integers >= 0; a single integer n is (n,)."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)) or not all(
            isinstance(size, (int, np.integer)) and not isinstance(size, bool) and size >= 0 for size in shape):
        raise ValueError(f"{owner} expects a shape such as (3, 4) (integers >= 0), got {shape!r}")
    return tuple(int(size) for size in shape)


def _float_dtype(owner: str, dtype: Any) -> np.dtype:
    """The dtype asked for, by default backend.floatx(): random values need a float type."""
    dtype = np.dtype(dtype or backend.floatx())
    if dtype.kind != "f":
        raise ValueError(f"{owner} draws random numbers, so it needs a float dtype such as 'float32', got {dtype}")
    return dtype


def _number(owner: str, argument: str, value: Any) -> float:
    """A finite real number (not a bool, a string or nan), as a Python float."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or \
            not np.isfinite(value):
        raise ValueError(f"{owner} expects a finite number for {argument}, got {argument}={value!r}")
    return float(value)


def _snake_case(name: str) -> str:
    """'GlorotUniform' -> 'glorot_uniform', as Keras names an initializer class."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class Initializer(SuggestsKeywords):
    """The base of every initializer: ``init(shape, dtype=None)`` returns an array of that shape and dtype, and
    ``get_config()`` the constructor's arguments, so ``type(init).from_config(init.get_config())`` is a copy."""

    def __call__(self, shape: tuple, dtype: Any = None) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must define __call__(shape, dtype=None)")

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Initializer:
        return cls(**config)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.get_config().items())})"


class Zeros(Initializer):
    """All zeros: Keras' default for biases."""

    def __call__(self, shape: tuple, dtype: Any = None) -> np.ndarray:
        return np.zeros(_shape("Zeros", shape), dtype=dtype or backend.floatx())


class Ones(Initializer):
    """All ones: Keras' default for BatchNormalization's gamma and moving variance."""

    def __call__(self, shape: tuple, dtype: Any = None) -> np.ndarray:
        return np.ones(_shape("Ones", shape), dtype=dtype or backend.floatx())


class Constant(Initializer):
    """Every entry equal to ``value``."""

    def __init__(self, value: float = 0.0):
        self.value = _number("Constant", "value", value)

    def __call__(self, shape: tuple, dtype: Any = None) -> np.ndarray:
        return np.full(_shape("Constant", shape), self.value, dtype=dtype or backend.floatx())

    def get_config(self) -> dict:
        return {"value": self.value}


class RandomInitializer(Initializer):
    """The base of the random initializers: holds the seed and gives the generator to draw from."""

    def __init__(self, seed: int | None = None):
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
            raise ValueError(f"{type(self).__name__} expects seed to be an integer >= 0 or None, got seed={seed!r}")
        self.seed = seed

    def _generator(self) -> np.random.Generator:
        # seeded: a fresh generator on each call, so each call gives the same values (as in Keras 3)
        return backend.rng() if self.seed is None else np.random.default_rng(self.seed)

    def get_config(self) -> dict:
        return {"seed": self.seed}


def _truncated_normal(generator: np.random.Generator, shape: tuple) -> np.ndarray:
    """Samples of N(0, 1) redrawn until all lie within two standard deviations, as Keras' truncated normal."""
    values = generator.standard_normal(shape)
    outside = np.abs(values) > 2
    while outside.any():  # each pass redraws only the ~5% that fell outside, so this ends in a few passes
        values[outside] = generator.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2
    return values


class RandomNormal(RandomInitializer):
    """N(mean, stddev^2)."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        self.mean = _number("RandomNormal", "mean", mean)
        self.stddev = _number("RandomNormal", "stddev", stddev)
        if self.stddev < 0:
            raise ValueError(f"RandomNormal expects stddev >= 0, got stddev={stddev!r}")
        super().__init__(seed)

    def __call__(self, shape: tuple, dtype: Any = None) -> np.ndarray:
        shape, dtype = _shape("RandomNormal", shape), _float_dtype("RandomNormal", dtype)
        return (self.mean + self.stddev * self._generator().standard_normal(shape)).astype(dtype)

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(RandomInitializer):
    """N(mean, stddev^2) with every value more than two stddev from the mean redrawn (so the values' own standard
    deviation is 0.88 * stddev)."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        self.mean = _number("TruncatedNormal", "mean", mean)
        self.stddev = _number("TruncatedNormal", "stddev", stddev)
        if self.stddev < 0:
            raise ValueError(f"TruncatedNormal expects stddev >= 0, got stddev={stddev!r}")
        super().__init__(seed)

    def __call__(self, shape: tuple, dtype: Any = None) -> np.ndarray:
        shape, dtype = _shape("TruncatedNormal", shape), _float_dtype("TruncatedNormal", dtype)
        return (self.mean + self.stddev * _truncated_normal(self._generator(), shape)).astype(dtype)

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(RandomInitializer):
    """U(minval, maxval)."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None):
        self.minval = _number("RandomUniform", "minval", minval)
        self.maxval = _number("RandomUniform", "maxval", maxval)
        if self.minval > self.maxval:
            raise ValueError(f"RandomUniform expects minval <= maxval, got minval={minval!r}, maxval={maxval!r}")
        super().__init__(seed)

    def __call__(self, shape: tuple, dtype: Any = None) -> np.ndarray:
        shape, dtype = _shape("RandomUniform", shape), _float_dtype("RandomUniform", dtype)
        return self._generator().uniform(self.minval, self.maxval, size=shape).astype(dtype)

    def get_config(self) -> dict:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class VarianceScaling(RandomInitializer):
    """Weights of variance ``scale / n``, n = fan_in, fan_out or (fan_in + fan_out) / 2 by ``mode`` (at least 1).

    distribution 'uniform': U(-limit, limit), limit = sqrt(3 * scale / n) (a uniform's variance is limit^2 / 3);
    'truncated_normal' (or 'normal'): N(0, scale / n) cut at two stddev, its stddev first divided by 0.8796 so the
    values keep variance scale / n; 'untruncated_normal': N(0, scale / n).
    """

    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal",
                 seed: int | None = None, input_axes: Any = None, output_axes: Any = None):
        name = type(self).__name__
        if _number(name, "scale", scale) <= 0:
            raise ValueError(f"{name} expects scale > 0, got scale={scale!r}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"{name} expects mode 'fan_in', 'fan_out' or 'fan_avg', got mode={mode!r}")
        if isinstance(distribution, str) and distribution.lower() == "normal":
            distribution = "truncated_normal"  # as Keras: 'normal' means the truncated one
        if not isinstance(distribution, str) or \
                distribution.lower() not in ("uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError(f"{name} expects distribution 'uniform', 'truncated_normal', 'untruncated_normal' or "
                             f"'normal', got distribution={distribution!r}")
        self.scale, self.mode, self.distribution = float(scale), mode, distribution.lower()
        self.input_axes, self.output_axes = input_axes, output_axes
        super().__init__(seed)

    def __call__(self, shape: tuple, dtype: Any = None) -> np.ndarray:
        name = type(self).__name__
        shape, dtype = _shape(name, shape), _float_dtype(name, dtype)
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, n)  # as Keras: a fan of 0 (an empty kernel) counts as 1
        generator = self._generator()
        if self.distribution == "uniform":
            limit = np.sqrt(3.0 * variance)
            values = generator.uniform(-limit, limit, size=shape)
        elif self.distribution == "truncated_normal":
            values = np.sqrt(variance) / TRUNCATION_STDDEV * _truncated_normal(generator, shape)
        else:
            values = np.sqrt(variance) * generator.standard_normal(shape)
        return values.astype(dtype)

    def get_config(self) -> dict:
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution, "seed": self.seed,
                "input_axes": self.input_axes, "output_axes": self.output_axes}


class _VarianceScalingPreset(VarianceScaling):
    """A named VarianceScaling: only the seed (and the fan axes) are arguments, as in Keras."""
    SCALE, MODE, DISTRIBUTION = 1.0, "fan_in", "truncated_normal"

    def __init__(self, seed: int | None = None, input_axes: Any = None, output_axes: Any = None):
        super().__init__(self.SCALE, self.MODE, self.DISTRIBUTION, seed, input_axes, output_axes)

    def get_config(self) -> dict:
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


class GlorotUniform(_VarianceScalingPreset):
    """U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)): VarianceScaling(1.0, 'fan_avg', 'uniform').
    Keras' default kernel initializer."""
    SCALE, MODE, DISTRIBUTION = 1.0, "fan_avg", "uniform"


class GlorotNormal(_VarianceScalingPreset):
    """Truncated normal of stddev sqrt(2 / (fan_in + fan_out)): VarianceScaling(1.0, 'fan_avg', 'truncated_normal')."""
    SCALE, MODE, DISTRIBUTION = 1.0, "fan_avg", "truncated_normal"


class HeUniform(_VarianceScalingPreset):
    """U(-limit, limit), limit = sqrt(6 / fan_in): VarianceScaling(2.0, 'fan_in', 'uniform'). For ReLU layers."""
    SCALE, MODE, DISTRIBUTION = 2.0, "fan_in", "uniform"


class HeNormal(_VarianceScalingPreset):
    """Truncated normal of stddev sqrt(2 / fan_in): VarianceScaling(2.0, 'fan_in', 'truncated_normal'). For ReLU."""
    SCALE, MODE, DISTRIBUTION = 2.0, "fan_in", "truncated_normal"


class LecunUniform(_VarianceScalingPreset):
    """U(-limit, limit), limit = sqrt(3 / fan_in): VarianceScaling(1.0, 'fan_in', 'uniform'). For selu."""
    SCALE, MODE, DISTRIBUTION = 1.0, "fan_in", "uniform"


class LecunNormal(_VarianceScalingPreset):
    """Truncated normal of stddev sqrt(1 / fan_in): VarianceScaling(1.0, 'fan_in', 'truncated_normal'). For selu."""
    SCALE, MODE, DISTRIBUTION = 1.0, "fan_in", "truncated_normal"


class Orthogonal(RandomInitializer):
    """``gain`` times an orthogonal matrix: the Q of the QR decomposition of a matrix of N(0, 1) samples, each
    column's sign fixed by R's diagonal so Q is uniformly distributed. Orthonormal columns (or rows, whichever are
    fewer); a shape of more than 2 axes is made as a (product of all but the last, last) matrix, then reshaped."""

    def __init__(self, gain: float = 1.0, seed: int | None = None):
        self.gain = _number("Orthogonal", "gain", gain)
        super().__init__(seed)

    def __call__(self, shape: tuple, dtype: Any = None) -> np.ndarray:
        shape, dtype = _shape("Orthogonal", shape), _float_dtype("Orthogonal", dtype)
        if len(shape) < 2:
            raise ValueError(f"Orthogonal needs a shape of at least 2 axes, got shape={shape} of rank {len(shape)}")
        rows, columns = int(np.prod(shape[:-1])), shape[-1]
        q, r = np.linalg.qr(self._generator().standard_normal((max(rows, columns), min(rows, columns))))
        q = q * np.where(np.diag(r) < 0, -1.0, 1.0)  # sign(diag(r)), with 0 read as +1
        if rows < columns:
            q = q.T
        return (self.gain * q.reshape(shape)).astype(dtype)

    def get_config(self) -> dict:
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """``gain`` times the identity matrix (2-d shapes only; ones on the diagonal of a non-square one)."""

    def __init__(self, gain: float = 1.0):
        self.gain = _number("Identity", "gain", gain)

    def __call__(self, shape: tuple, dtype: Any = None) -> np.ndarray:
        shape = _shape("Identity", shape)
        if len(shape) != 2:
            raise ValueError(f"Identity needs a 2-d shape, got shape={shape}")
        return (self.gain * np.eye(*shape)).astype(dtype or backend.floatx())

    def get_config(self) -> dict:
        return {"gain": self.gain}


CLASSES = [Zeros, Ones, Constant, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling, GlorotUniform,
           GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal, Orthogonal, Identity]
# Keras' names: each class by its own name and in snake_case ('GlorotUniform', 'glorot_uniform'), and the aliases
ALL_INITIALIZERS: dict[str, type[Initializer]] = {
    **{cls.__name__: cls for cls in CLASSES}, **{_snake_case(cls.__name__): cls for cls in CLASSES},
    "uniform": RandomUniform, "normal": RandomNormal, "zero": Zeros, "one": Ones,
}


def get(identifier: Any) -> Callable:
    """An initializer from a name ('he_normal', 'uniform', ...: a new instance with Keras' defaults), a class, a
    config dict ``{'class_name': 'RandomNormal', 'config': {'stddev': 1.0}}``, an instance, or any callable
    ``(shape, dtype=None) -> array``."""
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if callable(identifier):
        return identifier
    names = sorted(name for name in ALL_INITIALIZERS if name.islower())
    expected = (f"one of {names} (or a class name such as 'GlorotUniform'), an initializer, or a callable taking a "
                f"shape and returning an array")
    if isinstance(identifier, str):  # case and underscores do not matter: 'he_Normal' is 'he_normal'
        return backend.lookup("initializer", identifier, ALL_INITIALIZERS, names, expected)()
    if isinstance(identifier, dict) and identifier.get("class_name") in ALL_INITIALIZERS:
        return ALL_INITIALIZERS[identifier["class_name"]].from_config(identifier.get("config", {}))
    raise ValueError(f"Unknown initializer {identifier!r}: expected {expected}")


# Keras 3's lowercase names. In Keras they are the classes themselves (``keras.initializers.random_normal is
# RandomNormal``), so ``random_normal(stddev=0.01)`` is an initializer and ``he_normal(seed=1)((3, 4))`` draws. Here
# they are functions that make the same initializer, and that also keep this module's earlier function form: given a
# shape first (a tuple or a list), ``glorot_uniform((3, 4), dtype=None, seed=...)`` draws at once. Keras reads such a
# tuple as the first argument (``random_normal((3, 4))`` is RandomNormal(mean=(3, 4)); ``zeros((3, 4))`` a TypeError).
def _lowercase(cls: type[Initializer], args: tuple, kwargs: dict) -> Initializer | np.ndarray:
    """``cls(*args, **kwargs)``, an initializer; or, with a shape first (or ``shape=``), ``cls(**kwargs)(shape,
    dtype)``, an array."""
    if "shape" not in kwargs and not (args and isinstance(args[0], (tuple, list))):
        return cls(*args, **kwargs)
    shape, *rest = args if "shape" not in kwargs else (kwargs.pop("shape"), *args)
    if len(rest) > 1 or (rest and "dtype" in kwargs):
        name = _snake_case(cls.__name__)
        raise TypeError(f"{name}(shape, dtype=None, **arguments) draws at once: after the shape only the dtype comes "
                        f"by position, {cls.__name__}'s own arguments by name; got {len(args)} positional arguments "
                        f"{args!r}")
    dtype = rest[0] if rest else kwargs.pop("dtype", None)
    return cls(**kwargs)(shape, dtype)


def zeros(*args: Any, **kwargs: Any) -> Initializer | np.ndarray:
    """``Zeros()``; ``zeros(shape, dtype=None)`` draws at once."""
    return _lowercase(Zeros, args, kwargs)


def ones(*args: Any, **kwargs: Any) -> Initializer | np.ndarray:
    """``Ones()``; ``ones(shape, dtype=None)`` draws at once."""
    return _lowercase(Ones, args, kwargs)


def constant(value: float = 0.0) -> Constant:
    """``Constant(value)``, as Keras' ``constant``: a tuple here is the value Keras would read, so there is no shape
    form (``Constant(2.0)((3, 4))`` fills a shape)."""
    return Constant(value)


def identity(*args: Any, **kwargs: Any) -> Initializer | np.ndarray:
    """``Identity(gain=1.0)``; ``identity(shape, dtype=None, gain=1.0)`` draws at once."""
    return _lowercase(Identity, args, kwargs)


def random_normal(*args: Any, **kwargs: Any) -> Initializer | np.ndarray:
    """``RandomNormal(mean=0.0, stddev=0.05, seed=None)``; ``random_normal(shape, dtype=None, ...)`` draws at once."""
    return _lowercase(RandomNormal, args, kwargs)


def random_uniform(*args: Any, **kwargs: Any) -> Initializer | np.ndarray:
    """``RandomUniform(minval=-0.05, maxval=0.05, seed=None)``; ``random_uniform(shape, dtype=None, ...)`` draws."""
    return _lowercase(RandomUniform, args, kwargs)


def truncated_normal(*args: Any, **kwargs: Any) -> Initializer | np.ndarray:
    """``TruncatedNormal(mean=0.0, stddev=0.05, seed=None)``; ``truncated_normal(shape, dtype=None, ...)`` draws."""
    return _lowercase(TruncatedNormal, args, kwargs)


def variance_scaling(*args: Any, **kwargs: Any) -> Initializer | np.ndarray:
    """``VarianceScaling(scale=1.0, mode='fan_in', distribution='truncated_normal', seed=None)``;
    ``variance_scaling(shape, dtype=None, ...)`` draws at once."""
    return _lowercase(VarianceScaling, args, kwargs)


def glorot_uniform(*args: Any, **kwargs: Any) -> Initializer | np.ndarray:
    """``GlorotUniform(seed=None)``; ``glorot_uniform(shape, dtype=None, seed=None)`` draws at once."""
    return _lowercase(GlorotUniform, args, kwargs)


def glorot_normal(*args: Any, **kwargs: Any) -> Initializer | np.ndarray:
    """``GlorotNormal(seed=None)``; ``glorot_normal(shape, dtype=None, seed=None)`` draws at once."""
    return _lowercase(GlorotNormal, args, kwargs)


def he_uniform(*args: Any, **kwargs: Any) -> Initializer | np.ndarray:
    """``HeUniform(seed=None)``; ``he_uniform(shape, dtype=None, seed=None)`` draws at once."""
    return _lowercase(HeUniform, args, kwargs)


def he_normal(*args: Any, **kwargs: Any) -> Initializer | np.ndarray:
    """``HeNormal(seed=None)``; ``he_normal(shape, dtype=None, seed=None)`` draws at once."""
    return _lowercase(HeNormal, args, kwargs)


def lecun_uniform(*args: Any, **kwargs: Any) -> Initializer | np.ndarray:
    """``LecunUniform(seed=None)``; ``lecun_uniform(shape, dtype=None, seed=None)`` draws at once."""
    return _lowercase(LecunUniform, args, kwargs)


def lecun_normal(*args: Any, **kwargs: Any) -> Initializer | np.ndarray:
    """``LecunNormal(seed=None)``; ``lecun_normal(shape, dtype=None, seed=None)`` draws at once."""
    return _lowercase(LecunNormal, args, kwargs)


def orthogonal(*args: Any, **kwargs: Any) -> Initializer | np.ndarray:
    """``Orthogonal(gain=1.0, seed=None)``; ``orthogonal(shape, dtype=None, ...)`` draws at once."""
    return _lowercase(Orthogonal, args, kwargs)


IdentityInitializer, OrthogonalInitializer = Identity, Orthogonal  # Keras 3's other names of the two classes
