"""keras.random: random tensors (normal, uniform, truncated_normal, randint) and random operations on tensors
(shuffle, dropout, categorical), with Keras 3's names, arguments and defaults.

Seeds, as Keras 3: ``seed=42`` gives the same numbers on every call; a ``SeedGenerator(42)`` given as the seed gives
new numbers on each call, in the same sequence every run; ``seed=None`` draws from the backend's generator, which
``utils.set_random_seed`` seeds. The numbers are numpy's (an integer seed s draws with ``np.random.default_rng(s)``,
the k-th draw of a SeedGenerator(s) with ``np.random.default_rng([s, k])``, the recipe of Keras' numpy backend), so
they differ from Keras' on PyTorch; the shapes, dtypes, ranges and distributions are Keras'. Every result is a Tensor;
``shuffle`` and ``dropout`` pass gradients to their input.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import backend
from .engine.elementwise import where
from .keywords import SuggestsKeywords, suggests_keywords
from .tensor import Tensor

Shape = int | Sequence[int]


class SeedGenerator(SuggestsKeywords):
    """A seed that moves on: each random call given it as ``seed`` draws with the next seed of its sequence, so two
    calls differ, and a run repeats its numbers. Its state is [seed, count], the count one higher after each draw,
    as in Keras 3::

        seed_generator = random.SeedGenerator(42)
        a = random.normal((2, 3), seed=seed_generator)
        b = random.normal((2, 3), seed=seed_generator)   # other numbers than a
        random.normal((2, 3), seed=42)                   # a again: the first draw of SeedGenerator(42)

    ``seed=None`` starts from a seed drawn from the backend's generator (Keras draws it from Python's ``random``;
    ``set_random_seed`` seeds both)."""

    def __init__(self, seed: int | None = None, name: str | None = None):
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
            raise ValueError(f"SeedGenerator: seed must be an integer >= 0 or None (a seed drawn from the backend's "
                             f"generator), got seed={seed!r}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"SeedGenerator: name must be a string, got {name!r}")
        self._initial_seed = seed
        self.name = name or backend.unique_name("seed_generator")
        start = int(backend.rng().integers(1, 10**9)) if seed is None else int(seed)  # Keras: randint(1, 1e9)
        self.state = np.array([start, 0], dtype=np.int64)

    def next(self) -> np.ndarray:
        """The seed to draw with now, [seed, count]; the count then moves on by one."""
        seed = self.state.copy()
        self.state[1] += 1
        return seed

    def get_config(self) -> dict[str, Any]:
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> SeedGenerator:
        return cls(**config)

    def __repr__(self) -> str:
        return f"SeedGenerator(seed={self._initial_seed!r}, name={self.name!r})"


# ----------------------------------------------------------------------------------------------------------------
# Checking the arguments
# ----------------------------------------------------------------------------------------------------------------
def _generator(function: str, seed: Any) -> np.random.Generator:
    """The generator one call draws from: the backend's for None, a fresh one seeded by an integer or by a
    SeedGenerator's next seed."""
    if seed is None:
        return backend.rng()
    if isinstance(seed, SeedGenerator):
        return np.random.default_rng(seed.next())
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"random.{function}: seed must be an integer >= 0, a random.SeedGenerator or None (the "
                         f"backend's generator), got seed={seed!r}")
    return np.random.default_rng(int(seed))


def _shape(function: str, shape: Any) -> tuple[int, ...]:
    """A shape: a tuple or list of integers >= 0; one integer n is (n,)."""
    lengths = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
    if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 0 for n in lengths):
        raise ValueError(f"random.{function}: shape must be a tuple of integers >= 0 such as (2, 3), got {shape!r}")
    return tuple(int(n) for n in lengths)


def _dtype(function: str, dtype: Any, kinds: str, example: str) -> np.dtype:
    """The dtype asked for (floatx by default), of one of numpy's ``kinds`` ('f' float, 'iu' integer)."""
    found = np.dtype(backend.floatx() if dtype is None else dtype)
    if found.kind not in kinds:
        kind = "a floating-point" if kinds == "f" else "an integer"
        raise ValueError(f"random.{function} requires {kind} dtype such as {example!r}, got dtype={found}")
    return found


def _number(function: str, name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or \
            not math.isfinite(value):
        raise ValueError(f"random.{function}: {name} must be a finite number, got {name}={value!r}")
    return float(value)


def _spread(function: str, stddev: Any) -> float:
    stddev = _number(function, "stddev", stddev)
    if stddev < 0:
        raise ValueError(f"random.{function}: stddev must be >= 0, got stddev={stddev!r}")
    return stddev


def _float_tensor(function: str, x: Any) -> Tensor:
    """x as a Tensor (itself if it is one, so gradients reach it), which must hold floats."""
    x = x if isinstance(x, Tensor) else Tensor(x)
    if x.dtype.kind != "f":
        raise TypeError(f"random.{function}: inputs must hold floating-point numbers, got dtype {x.dtype}")
    return x


# ----------------------------------------------------------------------------------------------------------------
# Random tensors
# ----------------------------------------------------------------------------------------------------------------
@suggests_keywords
def normal(shape: Shape, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None) -> Tensor:
    """Samples of N(mean, stddev^2), in ``dtype`` (default floatx, float32)."""
    shape, dtype = _shape("normal", shape), _dtype("normal", dtype, "f", "float32")
    mean, stddev = _number("normal", "mean", mean), _spread("normal", stddev)
    values = _generator("normal", seed).normal(loc=mean, scale=stddev, size=shape)
    return Tensor(values.astype(dtype), dtype=dtype)


@suggests_keywords
def uniform(shape: Shape, minval: float = 0.0, maxval: float = 1.0, dtype: Any = None, seed: Any = None) -> Tensor:
    """Samples of U(minval, maxval): every value in [minval, maxval), in ``dtype`` (a float type, floatx by
    default). Keras draws from the reversed interval when minval > maxval; that is an error here."""
    shape, dtype = _shape("uniform", shape), _dtype("uniform", dtype, "f", "float32")
    minval, maxval = _number("uniform", "minval", minval), _number("uniform", "maxval", maxval)
    if minval > maxval:
        raise ValueError(f"random.uniform: minval must be <= maxval, got minval={minval!r}, maxval={maxval!r}")
    values = _generator("uniform", seed).uniform(low=minval, high=maxval, size=shape).astype(dtype)
    if minval < maxval:  # rounding to float32 could reach maxval itself: keep it out
        values = np.minimum(values, np.nextafter(dtype.type(maxval), dtype.type(minval)))
    return Tensor(values, dtype=dtype)


@suggests_keywords
def truncated_normal(shape: Shape, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None,
                     seed: Any = None) -> Tensor:
    """Samples of N(mean, stddev^2) that lie within two standard deviations of the mean: the others are dropped and
    drawn again, so every value is in [mean - 2 stddev, mean + 2 stddev] and their standard deviation is
    0.88 stddev (that of a normal cut at +-2)."""
    shape, dtype = _shape("truncated_normal", shape), _dtype("truncated_normal", dtype, "f", "float32")
    mean, stddev = _number("truncated_normal", "mean", mean), _spread("truncated_normal", stddev)
    generator, size = _generator("truncated_normal", seed), math.prod(shape)
    kept = np.empty(0)
    while kept.size < size:  # each round keeps ~95% of a full batch, so one or two rounds
        batch = generator.normal(loc=mean, scale=stddev, size=size)
        kept = np.append(kept, batch[(batch >= mean - 2 * stddev) & (batch <= mean + 2 * stddev)])
    return Tensor(kept[:size].reshape(shape).astype(dtype), dtype=dtype)


@suggests_keywords
def randint(shape: Shape, minval: int, maxval: int, dtype: Any = "int32", seed: Any = None) -> Tensor:
    """Integers drawn uniformly from minval, minval + 1, ..., maxval - 1 (maxval is left out), in ``dtype``
    (an integer type, int32 by default)."""
    shape, dtype = _shape("randint", shape), _dtype("randint", dtype, "iu", "int32")
    for name, value in (("minval", minval), ("maxval", maxval)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"random.randint: {name} must be an integer, got {name}={value!r}")
    if minval >= maxval:
        raise ValueError(f"random.randint draws from minval up to maxval - 1, so minval must be < maxval, got "
                         f"minval={minval!r}, maxval={maxval!r}")
    values = _generator("randint", seed).integers(low=minval, high=maxval, size=shape, dtype=dtype)
    return Tensor(values, dtype=dtype)


# ----------------------------------------------------------------------------------------------------------------
# Random operations on tensors
# ----------------------------------------------------------------------------------------------------------------
@suggests_keywords
def shuffle(x: Any, axis: int = 0, seed: Any = None) -> Tensor:
    """x with its slices along ``axis`` in a random order: ``shuffle(x)`` shuffles the rows, each row kept whole
    (as Keras on TensorFlow and JAX; Keras on PyTorch, for axis > 0, orders each leading slice differently, and
    Keras' numpy backend every 1-d slice). An array keeps its dtype; the gradient goes back to where each slice
    came from."""
    if not isinstance(x, Tensor):
        x = Tensor(x, dtype=x.dtype) if isinstance(x, np.ndarray) else Tensor(x)
    if x.ndim == 0 or isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or \
            not -x.ndim <= axis < x.ndim:
        raise ValueError(f"random.shuffle: axis must be an integer in [{-x.ndim}, {x.ndim}) for a tensor of shape "
                         f"{x.shape}, got axis={axis!r}")
    order = _generator("shuffle", seed).permutation(x.shape[axis])
    return x[(slice(None),) * (int(axis) % x.ndim) + (order,)]


@suggests_keywords
def dropout(inputs: Any, rate: float, noise_shape: Sequence[int | None] | None = None, seed: Any = None) -> Tensor:
    """Each entry set to 0 with probability ``rate``, the others divided by 1 - rate, so the expected value of each
    entry is unchanged: ``where(u < 1 - rate, inputs / (1 - rate), 0)``, u uniform in [0, 1). ``noise_shape``
    (None entries: the inputs' size) draws one choice per entry of that shape, broadcast to the inputs: (batch, 1)
    drops whole rows. rate 0 returns the inputs, rate 1 zeros, as Keras."""
    inputs = _float_tensor("dropout", inputs)
    rate = _number("dropout", "rate", rate)
    if not 0 <= rate <= 1:
        raise ValueError(f"random.dropout: rate is the probability of dropping an entry, a number in [0, 1], got "
                         f"rate={rate!r}")
    if rate == 0:
        return inputs
    if rate == 1:
        return inputs * 0.0
    shape = inputs.shape if noise_shape is None else tuple(noise_shape)
    if len(shape) != inputs.ndim or \
            any(size not in (None, 1, full) for size, full in zip(shape, inputs.shape, strict=True)):
        raise ValueError(f"random.dropout: noise_shape must have one entry per axis of the inputs, each the axis' "
                         f"size, 1 or None, got noise_shape={noise_shape!r} for inputs of shape {inputs.shape}")
    shape = tuple(full if size is None else int(size) for size, full in zip(shape, inputs.shape, strict=True))
    keep = _generator("dropout", seed).uniform(size=shape) < 1 - rate
    return where(np.broadcast_to(keep, inputs.shape), inputs / (1 - rate), 0.0)


@suggests_keywords
def categorical(logits: Any, num_samples: int, dtype: Any = "int32", seed: Any = None) -> Tensor:
    """``num_samples`` class ids for each row of ``logits`` (batch, classes), drawn with replacement with the
    probabilities softmax(row): a Tensor of shape (batch, num_samples) in ``dtype`` (int32 by default). A logit of
    -inf is a class never drawn."""
    values = np.asarray(logits.data if isinstance(logits, Tensor) else logits, dtype=np.float64)
    dtype = _dtype("categorical", dtype, "iu", "int32")
    if values.ndim != 2:
        raise ValueError(f"random.categorical: logits must have shape (batch, classes), got shape {values.shape}")
    if isinstance(num_samples, bool) or not isinstance(num_samples, (int, np.integer)) or num_samples < 1:
        raise ValueError(f"random.categorical: num_samples must be an integer >= 1, got {num_samples!r}")
    if values.shape[1] == 0:
        raise ValueError(f"random.categorical: logits must have at least one class, got shape {values.shape}")
    top = values.max(axis=1, keepdims=True)
    if np.isnan(values).any() or not np.isfinite(top).all():
        raise ValueError("random.categorical: each row of logits needs a finite largest entry and no nan (a row of "
                         "-inf has no class to draw)")
    probabilities = np.exp(values - top)  # softmax, the largest logit subtracted so that nothing overflows
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    generator, classes = _generator("categorical", seed), values.shape[1]
    samples = [generator.choice(classes, size=num_samples, p=row) for row in probabilities]
    return Tensor(np.array(samples, dtype=dtype).reshape(len(values), num_samples), dtype=dtype)


__all__ = ["SeedGenerator", "categorical", "dropout", "normal", "randint", "shuffle", "truncated_normal", "uniform"]
