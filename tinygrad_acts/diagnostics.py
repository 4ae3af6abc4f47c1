"""Inside the network: activations, gradients and weight updates, layer by layer, while it trains or at one look.

Why look? A network that does not learn usually shows it layer by layer before the loss says anything: tanh or
sigmoid units pinned at their flat ends (saturated: almost no gradient passes them), ReLU units that no sample ever
switches on (dead: none passes at all), gradients that shrink by orders of magnitude on the way down to the first
layer (Glorot & Bengio, 2010), or steps that move the weights by far more, or far less, than a thousandth of their
size. Two ways in:

    stats = LayerStats(every=10)                  # a callback: a record every 10th training batch
    model.fit(x, y, callbacks=[stats])
    record = stats.record                         # record.output_std[step, layer], record.update_ratio[step, weight]
    plot_activation_histograms(record)            # Karpathy's picture: one histogram per layer

    record = inspect(model, x, y)                 # one forward and one backward pass, the model left untouched

What is measured, at each recorded step, for each layer (its activation is Dense's ``activation``, or the function
an Activation, ReLU, LeakyReLU, ELU or Softmax layer applies; other layers, and linear ones, have none):

- its output and, for a layer with an activation, its pre-activation z: mean, standard deviation and a histogram;
- saturated: the fraction of entries where the activation's local derivative f'(z) is below 5% of its largest
  value max f' (found once per activation on a grid over [-10, 10] and cached: 1 for tanh, 1/4 for sigmoid, 1/6
  for hard_sigmoid, 1 for relu). f'(z) comes from the engine, differentiating the activation alone at the recorded
  z; for plain relu it is the engine's rule, (z > 0), applied directly (a test checks that both agree). For an
  activation that does not act entry by entry (softmax, glu), f' is not one number per entry: nan;
- dead: the fraction of units (columns, every axis but the batch one) where f'(z) = 0 for every sample of the
  batch: no gradient reaches that unit's weights (the ReLU family's failure);
- the gradient g of the loss with respect to its output: mean, standard deviation, norm, and a histogram of
  log10|g|, where vanishing gradients show as a curve sliding left (nan where the engine computed no gradient,
  in layers before the first weight);
- for each weight w: ||w|| and ||dL/dw|| at the step's forward pass, and the update-to-data ratio ||Δw|| / ||w||
  of the step (around 1e-3 is the rule of thumb for a healthy learning rate; nan where ||w|| = 0, as for a bias
  at its first step, and in ``inspect``, which takes no step). For plain SGD (no momentum, every weight trainable)
  the step is Δw = -learning_rate dL/dw, so ||Δw|| is learning_rate ||dL/dw|| (what the step subtracts, before the
  rounding of w - Δw); for any other optimizer it is measured on a copy of the weights taken before the step.

Histograms use fixed bins, the same for every step and layer, so any two are comparable; each holds fractions
summing to 1, values beyond the range counted in the end bins:

- values (outputs, pre-activations): [-4, 4] in 80 bins of 0.1 (``VALUE_EDGES``);
- gradients: log10|g| over [-12, 0] in 60 bins of 0.2 (``GRAD_EDGES``); |g| below 1e-12, exact zeros included,
  counts in the first bin, |g| above 1 in the last.

No second pass through the network: LayerStats is a callback, and fit hands it each training step's own tensors
through two hooks of ours that Keras lacks (callbacks.Callback): ``on_train_batch_outputs`` after the forward
pass, with each layer's input and output (``Sequential.layer_outputs``), and ``on_train_batch_gradients`` after the
backward pass, before the optimizer's step. LayerStats keeps a reference to each output and calls
``retain_grad()`` on it, so the step's own ``backward()`` leaves its gradient there. A Dense layer's pre-activation
is found by walking back from its output through ``parents`` to the tensor computed from the layer's own bias
(``x @ kernel + bias``; from its kernel when it has no bias); an activation layer's pre-activation is its input.
The numbers are computed at ``on_train_batch_end``, after the step, and only for steps that were taken (fit skips a
step whose loss or gradient is nan or inf).

To keep recording cheap (see benchmarks/train_step.py): a mean and a standard deviation come from sum(x) = x . 1
and sum(x^2) = x . x, two BLAS dot products (the centered formula where |mean| > 4 std, as there E[x^2] - mean^2
would lose digits); the histograms of a step are counted together, one np.bincount for the values and one for the
gradients; and a relu layer's output histogram is its pre-activation's with the bins below 0 moved into [0, 0.1),
which is exact.

Memory: the record keeps scalars and histograms, never activations: 8 + 952 L + 24 W bytes per recorded step for L
layers and W weights (9 float64 scalars and 80 + 80 + 60 float32 bins per layer, 3 float64 per weight, the step
number): about 3 KB for a 3-layer MLP. ``Record.nbytes`` gives the total. While fit runs, LayerStats fills arrays
with room for up to twice the steps recorded (doubled when full), holds the step's tensors from its forward pass to
its optimizer step, and keeps buffers for counting histograms the size of one step's pre-activations, outputs and
gradients (0.8 MB for W2, a 64-128-128-10 MLP on batches of 64), reused from step to step and from fit to fit.
"""
from __future__ import annotations

import math
import os
import weakref
import zipfile
from collections.abc import Callable
from typing import Any

import numpy as np

from . import activations, data, losses
from .callbacks import Callback
from .layers import ELU, Activation, Dense, LeakyReLU, ReLU, Softmax, weight_label
from .models import Sequential
from .optimizers import SGD
from .tensor import Tensor, is_grad_enabled

VALUE_EDGES = np.linspace(-4.0, 4.0, 81)  # outputs and pre-activations: 80 bins of 0.1
GRAD_EDGES = np.linspace(-12.0, 0.0, 61)  # log10|gradient|: 60 bins of 0.2 (a factor 1.6 each)
SATURATION_THRESHOLD = 0.05  # saturated: f'(z) below 5% of the largest f'
_FORMAT = "tinygrad_acts.diagnostics.Record/1"  # stored in every saved record, so load() can tell one from other files

# name: (axes after (step,), dtype). "L" layers, "W" weights, "V" and "G" the value and gradient bins.
_PER_STEP = {
    "steps": ((), np.int64),
    "output_mean": (("L",), np.float64), "output_std": (("L",), np.float64), "output_hist": (("L", "V"), np.float32),
    "preactivation_mean": (("L",), np.float64), "preactivation_std": (("L",), np.float64),
    "preactivation_hist": (("L", "V"), np.float32),
    "saturated": (("L",), np.float64), "dead": (("L",), np.float64),
    "grad_mean": (("L",), np.float64), "grad_std": (("L",), np.float64), "grad_norm": (("L",), np.float64),
    "grad_hist": (("L", "G"), np.float32),
    "weight_norm": (("W",), np.float64), "weight_grad_norm": (("W",), np.float64),
    "update_ratio": (("W",), np.float64),
}
_FIXED = ("layer_names", "activation_names", "weight_names", "weight_layer", "value_edges", "grad_edges")


# ----------------------------------------------------------------------------------------------------------------
# The record: numpy arrays indexed [step, layer] and [step, weight]
# ----------------------------------------------------------------------------------------------------------------
class Record:
    """What LayerStats or inspect measured. Arrays are indexed by recorded step, then layer (or weight):

    - ``steps[s]``: the training step (batch number since fit began, from 0) of row s;
    - ``layer_names[l]``, ``activation_names[l]`` ('' for a layer without an activation);
    - ``output_mean/std[s, l]``, ``output_hist[s, l, bin]`` over ``value_edges``; the same for ``preactivation_*``
      (nan and zeros for a layer without an activation);
    - ``saturated[s, l]``, ``dead[s, l]``: fractions in [0, 1] (nan without an elementwise activation);
    - ``grad_mean/std/norm[s, l]``, ``grad_hist[s, l, bin]`` over ``grad_edges`` (log10|g|): dLoss/d(output);
    - ``weight_names[w]``, ``weight_layer[w]`` (the layer it belongs to), ``weight_norm[s, w]``,
      ``weight_grad_norm[s, w]``, ``update_ratio[s, w]`` = ||Δw|| / ||w||.
    """

    # set from ``arrays`` in __init__; written out here for the reader (and the type checker)
    layer_names: np.ndarray
    activation_names: np.ndarray
    weight_names: np.ndarray
    weight_layer: np.ndarray
    value_edges: np.ndarray
    grad_edges: np.ndarray
    steps: np.ndarray
    output_mean: np.ndarray
    output_std: np.ndarray
    output_hist: np.ndarray
    preactivation_mean: np.ndarray
    preactivation_std: np.ndarray
    preactivation_hist: np.ndarray
    saturated: np.ndarray
    dead: np.ndarray
    grad_mean: np.ndarray
    grad_std: np.ndarray
    grad_norm: np.ndarray
    grad_hist: np.ndarray
    weight_norm: np.ndarray
    weight_grad_norm: np.ndarray
    update_ratio: np.ndarray
    saturation_threshold = SATURATION_THRESHOLD  # what "saturated" meant, the same for every record (for figures)

    def __init__(self, arrays: dict[str, np.ndarray]):
        for name in _FIXED + tuple(_PER_STEP):
            setattr(self, name, arrays[name])

    # the names of every array, in the order save() writes them
    FIELDS = _FIXED + tuple(_PER_STEP)

    @property
    def nbytes(self) -> int:
        """Bytes held by the per-step arrays: 8 + 952 L + 24 W per step."""
        return sum(getattr(self, name).nbytes for name in _PER_STEP)

    def to_dict(self) -> dict[str, Any]:
        """Every array by name; names as lists of str, numbers as numpy arrays."""
        return {name: (getattr(self, name).tolist() if name.endswith("_names") else getattr(self, name))
                for name in self.FIELDS}

    def save(self, path: str | os.PathLike) -> None:
        """Write the record as a numpy ``.npz`` file (plain arrays, nothing pickled)."""
        path = _npz_path("save", path)
        np.savez(path, format=np.array(_FORMAT), **{name: getattr(self, name) for name in self.FIELDS})

    @classmethod
    def load(cls, path: str | os.PathLike) -> Record:
        """Read a record written by ``save``. A file that is not one raises ValueError naming what it holds."""
        path = _npz_path("load", path)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"load: there is no file {path!r}")
        expected = ("format",) + cls.FIELDS
        not_a_record = f"load: {path!r} is not a diagnostics record: expected an .npz file written by Record.save"
        try:
            with open(path, "rb") as handle:  # our handle, not np.load's: numpy leaves its own open on a broken zip
                file = np.load(handle, allow_pickle=False)
                if not isinstance(file, np.lib.npyio.NpzFile):
                    raise ValueError(f"{not_a_record}, found a single .npy array of shape {file.shape}")
                with file:
                    arrays = {key: file[key] for key in file.files}
        except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError) as error:
            if str(error).startswith(not_a_record):
                raise
            raise ValueError(f"{not_a_record}, found a file numpy cannot read as one ({error})") from None
        found = sorted(arrays)
        if sorted(expected) != found or str(arrays["format"]) != _FORMAT:
            raise ValueError(f"{not_a_record}, with the arrays {sorted(expected)} and format {_FORMAT!r}; found the "
                             f"arrays {found}")
        return cls(arrays)

    def __repr__(self) -> str:
        return (f"<Record: {len(self.steps)} steps x {len(self.layer_names)} layers "
                f"{self.layer_names.tolist()}, {len(self.weight_names)} weights>")


def load(path: str | os.PathLike) -> Record:
    """A record saved with ``record.save(path)``."""
    return Record.load(path)


def _npz_path(what: str, path: Any) -> str:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{what} expects a file path such as 'stats.npz', got {path!r}")
    path = os.fspath(path)
    if not path.endswith(".npz"):
        raise ValueError(f"{what}: a record is a numpy .npz file, so the path must end in '.npz', got {path!r}")
    return path


# ----------------------------------------------------------------------------------------------------------------
# Activations: which function a layer applies, its derivative, its largest derivative
# ----------------------------------------------------------------------------------------------------------------
def _activation_of(layer: Any) -> tuple[Callable | None, str]:
    """The activation a layer applies, and its name: (None, '') for a layer without one (or a linear one)."""
    if isinstance(layer, (Dense, Activation)):
        if layer.activation is activations.linear:
            return None, ""
        return layer.activation, getattr(layer.activation, "__name__", type(layer.activation).__name__)
    if isinstance(layer, (ReLU, LeakyReLU, ELU, Softmax)):  # the layer's call is the function, parameters and all
        return layer.call, type(layer).__name__
    return None, ""


def _derivative(function: Callable, z: np.ndarray) -> np.ndarray | None:
    """f'(z), entry by entry, from the engine: the gradient of sum(f(z)) with respect to z, for f alone.
    None when f does not act entry by entry (its output has another shape)."""
    leaf = Tensor(z, requires_grad=True)
    out = function(leaf)
    if out.shape != leaf.shape:
        return None
    if not out.requires_grad:  # a constant function
        return np.zeros_like(leaf.data)
    out.backward(np.ones_like(out.data))
    return leaf.grad


_peaks: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # activation (or its layer) -> largest f'


def _largest_derivative(function: Callable) -> float:
    """max f' over [-10, 10] (step 0.001, 0 included), or nan for an f that does not act entry by entry. Cached."""
    key = getattr(function, "__self__", function)  # a layer's bound call is made anew at each access: key the layer
    try:
        return _peaks[key]
    except (KeyError, TypeError):
        pass
    grid = np.linspace(-10.0, 10.0, 20001)
    # entry by entry means: the same values whatever the rows are (softmax mixes a row, glu halves it)
    wide, tall = function(Tensor(grid[1:].reshape(100, 200))).data, function(Tensor(grid[1:].reshape(200, 100))).data
    elementwise = wide.shape == (100, 200) and tall.shape == (200, 100) and np.allclose(
        wide.ravel(), tall.ravel(), rtol=1e-6, atol=1e-12, equal_nan=True)
    derivative = _derivative(function, grid[None, :]) if elementwise else None
    peak = float(np.max(derivative)) if derivative is not None else math.nan
    try:
        _peaks[key] = peak
    except TypeError:  # an object weakref cannot follow: measured again next time
        pass
    return peak


def _preactivation(layer: Dense, output: Tensor) -> Tensor:
    """The tensor of the forward graph that a Dense layer's activation was applied to: the newest ancestor of
    ``output`` computed from the layer's bias (``x @ kernel + bias``), or from its kernel when it has no bias.

    Every path from the output back into earlier layers passes through it, so the walk never leaves the
    activation's own few ops."""
    weight = layer.bias if layer.bias is not None else layer.kernel
    stack, seen = [output], set()
    while stack:
        tensor = stack.pop()
        if any(parent is weight for parent in tensor.parents):
            return tensor
        for parent in tensor.parents:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    raise RuntimeError(f"diagnostics: no tensor computed from '{weight_label(weight)}' leads to the output of Dense "
                       f"'{layer.name}'; was the forward pass recorded (not inside no_grad())?")


# ----------------------------------------------------------------------------------------------------------------
# The numbers of one step
# ----------------------------------------------------------------------------------------------------------------
# Recording every step must cost a fraction of the step. At W2's sizes (64 x 128 entries per hidden layer) one numpy
# pass over an array takes a few µs, and so does each numpy call: hence two dot products for a mean and a standard
# deviation, and the histograms of a step counted together, in one np.bincount for the values, one for the gradients.
_LN_GRAD_EDGES = GRAD_EDGES * math.log(10)  # ln|g| over these edges is log10|g| over GRAD_EDGES; np.log is 3x log10


def _histogram(values: np.ndarray, edges: np.ndarray, finite: bool = True) -> np.ndarray:
    """Fractions of ``values`` in each bin; values beyond the edges count in the end bins. ``finite``: the caller
    knows there is no nan or inf; otherwise only the numbers are counted. One array at a time: LayerStats uses it for
    arrays that hold nan or inf, and ``_Bins`` for the others, the same arithmetic for several arrays at once.

    The bins are equal, so a value's bin is arithmetic, (v - low) / width, counted by np.bincount: several times
    faster than np.histogram."""
    values = values.ravel() if finite else values[np.isfinite(values)]
    low, high, bins = float(edges[0]), float(edges[-1]), len(edges) - 1  # Python floats keep float32 float32
    scaled = (values - low) * (bins / (high - low))
    index = np.clip(scaled, 0, bins - 1, out=scaled).astype(np.intp)
    return (np.bincount(index, minlength=bins) / max(values.size, 1)).astype(np.float32)


class _Bins:
    """Histograms of several finite arrays over the same equal bins, counted by one np.bincount: the arrays are
    written into one buffer, each value there becomes its bin number (v - low) / width as in ``_histogram``, and the
    bin numbers of the k-th array are offset by k * bins. Made for the arrays' sizes and dtype, reused every step."""

    def __init__(self, edges: np.ndarray, sizes: tuple[int, ...], dtype: np.dtype):
        self.low, high, self.bins = float(edges[0]), float(edges[-1]), len(edges) - 1  # floats keep float32 float32
        self.scale = self.bins / (high - self.low)
        self.buffer = np.empty(sum(sizes), dtype)
        ends = np.cumsum(sizes)
        self.parts = [self.buffer[end - size:end] for size, end in zip(sizes, ends, strict=True)]
        self.offsets = np.repeat(np.arange(len(sizes), dtype=np.intp) * self.bins, sizes)
        # the bin numbers, and the same plus offsets as intp (what np.bincount takes without converting), reused
        self.index, self.codes = np.empty(len(self.buffer), np.int32), np.empty(len(self.buffer), np.intp)

    def count(self, arrays: list[np.ndarray], logarithm: bool = False) -> np.ndarray:
        """Counts per bin, one row per array, of the values, or with ``logarithm`` of ln|value| (ln 0 = -inf counts
        in the first bin)."""
        buffer = self.buffer
        if logarithm:
            for array, part in zip(arrays, self.parts, strict=True):
                np.abs(array.ravel(), out=part)
            with np.errstate(divide="ignore"):
                np.log(buffer, out=buffer)
            np.subtract(buffer, self.low, out=buffer)
        else:
            for array, part in zip(arrays, self.parts, strict=True):
                np.subtract(array.ravel(), self.low, out=part)
        np.multiply(buffer, self.scale, out=buffer)
        np.clip(buffer, 0, self.bins - 1, out=buffer)
        self.index[...] = buffer  # the bin number; int32, as numpy converts float to int64 several times slower
        np.add(self.index, self.offsets, out=self.codes)
        return np.bincount(self.codes, minlength=len(self.parts) * self.bins).reshape(len(self.parts), self.bins)


_ZERO_BIN = int(np.flatnonzero(VALUE_EDGES == 0)[0])  # the bin [0, 0.1), where relu puts every z <= 0


def _relu_counts(preactivation_counts: np.ndarray) -> np.ndarray:
    """The histogram counts of max(z, 0) from those of z, exactly, without a pass over the output: every z <= 0
    becomes 0, which falls in the bin [0, 0.1), and every z > 0 stays in its own bin, that one or one above."""
    counts = preactivation_counts.copy()
    counts[_ZERO_BIN] = preactivation_counts[:_ZERO_BIN + 1].sum()
    counts[:_ZERO_BIN] = 0
    return counts


def _norm(array: np.ndarray) -> float:
    values = np.asarray(array).ravel()
    return math.sqrt(float(np.dot(values, values)))  # in the array's own dtype: no float64 copy on every step


def _moments(values: np.ndarray) -> tuple[float, float]:
    """Mean and standard deviation (dividing by n), as Python floats, by the centered formula."""
    mean = float(values.sum()) / max(values.size, 1)  # sum / n: numpy's mean() takes twice as long on small arrays
    centered = values.ravel() - values.dtype.type(mean)
    return mean, math.sqrt(float(np.dot(centered, centered)) / max(values.size, 1))


def _sums(values: np.ndarray, ones: np.ndarray) -> tuple[float, float, float]:
    """Mean, standard deviation (dividing by n) and sum of squares, from two dot products x . 1 and x . x in the
    array's dtype (BLAS: a third of the time of x.sum() and a centered pass). ``ones``: at least n ones.

    var = E[x^2] - mean^2 loses digits to cancellation when |mean| is large against the std: there (mean^2 > 16 var,
    nan and inf included) mean and std come from the centered formula instead."""
    flat = values.ravel()
    n = max(flat.size, 1)
    total, squares = float(np.dot(flat, ones[:flat.size])), float(np.dot(flat, flat))
    mean = total / n
    variance = squares / n - mean * mean
    if not 16 * variance >= mean * mean:
        return (*_moments(flat), squares)
    return mean, math.sqrt(variance), squares


def _is_relu(layer: Any) -> bool:
    """Whether the layer applies plain max(z, 0) (Dense's or Activation's relu, a ReLU() with its defaults): then
    f'(z) is (z > 0), the engine's own rule for relu, and its output's histogram is that of z folded at 0."""
    if isinstance(layer, (Dense, Activation)):
        return layer.activation is activations.relu
    return (type(layer) is ReLU and layer.negative_slope == 0 and layer.max_value is None
            and layer.threshold == 0)


def _saturated_and_dead(function: Callable, relu: bool, z: np.ndarray) -> tuple[float, float]:
    """The fraction of entries where f'(z) < SATURATION_THRESHOLD * max f', and of units (columns) where f'(z) = 0
    for every sample; nan for both when f does not act entry by entry."""
    if relu:  # f'(z) is 1 where z > 0, else 0 (the engine's rule for relu; a test checks): one comparison, no engine
        active = z > 0
        saturated = (active.size - np.count_nonzero(active)) / active.size
    else:
        peak = _largest_derivative(function)
        derivative = _derivative(function, z) if peak > 0 else None  # nan > 0 is False: not elementwise
        if derivative is None:
            return math.nan, math.nan
        saturated = np.count_nonzero(derivative < SATURATION_THRESHOLD * peak) / derivative.size
        active = derivative != 0
    per_unit = active.reshape(len(active), -1) if active.ndim > 1 else active[:, None]
    return saturated, 1 - np.count_nonzero(per_unit.any(axis=0)) / per_unit.shape[1]  # alive: f' != 0 somewhere


def _sgd_rate(model: Any) -> float | None:
    """The learning rate, when the coming step is w -= learning_rate * dL/dw for every weight (plain SGD, every
    weight trainable): then ||Δw|| = learning_rate * ||dL/dw|| (up to the rounding of w - Δw), and measuring it needs
    no copy of the weights. None otherwise."""
    optimizer = getattr(model, "optimizer", None)
    if type(optimizer) is SGD and optimizer.momentum == 0 and len(model.trainable_weights) == len(model.weights):
        return optimizer.learning_rate  # read before the step: the rate this step uses
    return None


class _Rows:
    """The per-step arrays of the record, filled in place, a row per recorded step: room for 16 steps, doubled when
    full (so at most twice the record's bytes). A number a layer or weight does not have stays nan (its bins 0)."""

    def __init__(self, layers: int, weights: int):
        self.sizes = {"L": layers, "W": weights, "V": len(VALUE_EDGES) - 1, "G": len(GRAD_EDGES) - 1}
        self.count = 0
        self.columns = self._empty(16)

    def _empty(self, steps: int) -> dict[str, np.ndarray]:
        return {name: np.full((steps,) + tuple(self.sizes[axis] for axis in axes),
                              0 if name == "steps" or name.endswith("_hist") else np.nan, dtype)
                for name, (axes, dtype) in _PER_STEP.items()}

    def add(self, step: int) -> int:
        """The index of a new row, for training step ``step``."""
        if self.count == len(self.columns["steps"]):
            grown = self._empty(2 * self.count)
            for name, column in self.columns.items():
                grown[name][:self.count] = column
            self.columns = grown
        row, self.count = self.count, self.count + 1
        self.columns["steps"][row] = step
        return row

    def stacked(self) -> dict[str, np.ndarray]:
        return {name: column[:self.count].copy() for name, column in self.columns.items()}


# ----------------------------------------------------------------------------------------------------------------
# LayerStats: the callback
# ----------------------------------------------------------------------------------------------------------------
class LayerStats(Callback):
    """Records, every ``every``-th training batch (steps 0, every, 2 every, ... counted from the start of fit),
    the numbers this module's docstring lists. ``stats.record`` is the Record so far; each fit starts a new one.

    Outside fit it costs nothing, and on a step it does not record, a few comparisons.
    """

    def __init__(self, every: int = 1):
        if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 1:
            raise ValueError(f"LayerStats expects every to be an integer >= 1 (record every n-th training batch), "
                             f"got {every!r}")
        self.every = int(every)
        # kept from fit to fit (they depend only on the arrays' sizes): a step's histograms, counted together, by
        # the arrays' sizes and dtypes; and ones for x . 1 = sum(x), by dtype
        self._bins: dict[tuple, _Bins] = {}
        self._ones: dict[np.dtype, np.ndarray] = {}
        self._start()

    def _start(self) -> None:
        """Forget the last record (on_train_begin: each fit starts a new one)."""
        self._step = 0
        self._names: dict[str, Any] | None = None
        self._rows: _Rows | None = None  # made at the first recorded step, when the model's shapes are known
        self._layers: list[tuple[Callable | None, bool]] = []  # per layer: its activation, and whether it is relu
        self._forward: dict[int, tuple[Any, Tensor, Tensor]] = {}  # layer index -> (layer, input, output)
        self._pending: tuple | None = None  # what on_train_batch_gradients saw, until on_train_batch_end

    # --- Callback ------------------------------------------------------------------------------------------------
    def on_train_begin(self, logs: dict | None = None) -> None:
        if not isinstance(self.model, Sequential):
            raise TypeError(f"LayerStats watches a Sequential model, got {type(self.model).__name__}")
        self._start()

    def on_train_end(self, logs: dict | None = None) -> None:
        self._forward, self._pending = {}, None  # drop the last step's tensors (and the graph behind them)

    def on_train_batch_outputs(self, batch: int, outputs: list) -> None:
        """After the forward pass: keep each layer's output of a recorded step, and have backward() keep its
        gradient."""
        if self._step % self.every == 0:
            self._forward = {index: (layer, inputs, output.retain_grad())
                             for index, (layer, inputs, output) in enumerate(outputs)}

    def on_train_batch_gradients(self, batch: int, logs: dict | None = None) -> None:
        """After loss.backward(), before the optimizer's step: read the weights and their gradients."""
        model = self.model
        step, self._step = self._step, self._step + 1
        if step % self.every or len(self._forward) != len(model.layers):
            self._pending = None
            return
        weights = model.weights
        rate = _sgd_rate(model)
        before = None if rate is not None else [w.data.copy() for w in weights]  # the step updates them in place
        self._pending = (step, [_norm(w.data) for w in weights],
                         [math.nan if w.grad is None else _norm(w.grad) for w in weights], rate, before)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """After the optimizer's step: measure Δw, then everything else, for a step that was taken."""
        self._finish(self.model, stepped=True)

    def _finish(self, model: Any, stepped: bool) -> None:
        pending, forward = self._pending, self._forward
        self._pending, self._forward = None, {}
        if pending is None:
            return
        step, weight_norms, grad_norms, rate, before = pending
        if self._rows is None:
            self._names = self._names or _names(model)
            self._rows = _Rows(len(model.layers), len(weight_norms))
            self._layers = [(_activation_of(layer)[0], _is_relu(layer)) for layer in model.layers]
        row = self._rows.add(step)
        columns = self._rows.columns
        columns["weight_norm"][row] = weight_norms
        columns["weight_grad_norm"][row] = grad_norms
        if stepped:
            if before is None:  # plain SGD: Δw = -rate * dL/dw, and a weight without a gradient did not move
                changes = [0.0 if math.isnan(norm) else rate * norm for norm in grad_norms]
            else:
                changes = [_norm(np.subtract(w.data, old, out=old))
                           for w, old in zip(model.weights, before, strict=True)]
            columns["update_ratio"][row] = [change / norm if norm > 0 else math.nan
                                            for change, norm in zip(changes, weight_norms, strict=True)]
        self._measure_layers([forward[index] for index in range(len(model.layers))], columns, row)

    def _measure_layers(self, forward: list[tuple[Any, Tensor, Tensor]], columns: dict[str, np.ndarray],
                        row: int) -> None:
        """Every per-layer number of one step, into ``row`` of ``columns``: output, pre-activation, saturation,
        gradient."""
        values: list[tuple[np.ndarray, str, int]] = []  # (array, histogram column, layer) to count over VALUE_EDGES
        gradients: list[tuple[np.ndarray, str, int]] = []  # the same over GRAD_EDGES (of log10|g|)
        relu_outputs: list[tuple[int, int]] = []  # (layer, place of its z in values): output histogram = folded z's
        finite = {"value": True, "grad": True}  # no nan or inf: then a step's histograms are counted together
        for index, (layer, inputs, output) in enumerate(forward):
            function, relu = self._layers[index]
            out = output.data
            mean, columns["output_std"][row, index], _ = self._sums(out)
            columns["output_mean"][row, index] = mean
            finite["value"] = finite["value"] and math.isfinite(mean)
            if function is not None:
                z = (_preactivation(layer, output) if isinstance(layer, Dense) else inputs).data
                z_mean, columns["preactivation_std"][row, index], _ = self._sums(z)
                columns["preactivation_mean"][row, index] = z_mean
                finite["value"] = finite["value"] and math.isfinite(z_mean)
                columns["saturated"][row, index], columns["dead"][row, index] = _saturated_and_dead(function, relu, z)
                values.append((z, "preactivation_hist", index))
            if relu:
                relu_outputs.append((index, len(values) - 1))
            else:
                values.append((out, "output_hist", index))
            if output.grad is not None:
                grad = np.asarray(output.grad)
                mean, columns["grad_std"][row, index], squares = self._sums(grad)
                columns["grad_mean"][row, index], columns["grad_norm"][row, index] = mean, math.sqrt(squares)
                finite["grad"] = finite["grad"] and math.isfinite(mean)
                gradients.append((grad, "grad_hist", index))
        if not finite["value"]:  # no folding: relu(-inf) = 0 is a number, -inf is not, so the two counts differ
            values += [(forward[index][2].data, "output_hist", index) for index, _ in relu_outputs]
            relu_outputs = []
        counts = self._histograms(values, VALUE_EDGES, finite["value"], columns, row)
        for index, place in relu_outputs:
            assert counts is not None  # counted together: the values are finite
            columns["output_hist"][row, index] = _relu_counts(counts[place]) / values[place][0].size
        self._histograms(gradients, _LN_GRAD_EDGES, finite["grad"], columns, row, logarithm=True)

    def _sums(self, values: np.ndarray) -> tuple[float, float, float]:
        ones = self._ones.get(values.dtype)
        if ones is None or ones.size < values.size:
            ones = self._ones[values.dtype] = np.ones(values.size, values.dtype)
        return _sums(values, ones)

    def _histograms(self, entries: list[tuple[np.ndarray, str, int]], edges: np.ndarray, finite: bool,
                    columns: dict[str, np.ndarray], row: int, logarithm: bool = False) -> np.ndarray | None:
        """Write the histogram of each (array, column, layer) into ``row`` of ``columns``, over ``edges``, of the
        values or with ``logarithm`` of ln|value|. Returns the counts, a row per entry, when the arrays are finite:
        then they are counted together, else one by one, only their numbers."""
        if not entries:  # no gradients (inspect without y)
            return None
        if not finite:
            for array, column, index in entries:
                if logarithm:  # |g| below the first edge, exact zeros included, in the first bin (log(0) = -inf)
                    array = np.log(np.maximum(np.abs(array), array.dtype.type(math.exp(edges[0]))))
                columns[column][row, index] = _histogram(array, edges, finite=False)
            return None
        layout = (logarithm, tuple((array.size, array.dtype) for array, _, _ in entries))
        bins = self._bins.get(layout)
        if bins is None:  # the first step, or another batch size (an epoch's last batch)
            bins = self._bins[layout] = _Bins(edges, tuple(array.size for array, _, _ in entries),
                                              np.result_type(*[array for array, _, _ in entries]))
        counts = bins.count([array for array, _, _ in entries], logarithm)
        for (array, column, index), array_counts in zip(entries, counts, strict=True):
            columns[column][row, index] = array_counts / array.size
        return counts

    @property
    def record(self) -> Record:
        """The steps recorded so far, as arrays."""
        if self._names is None:
            if self.model is None or not getattr(self.model, "built", False):
                raise ValueError("LayerStats.record: nothing recorded yet; pass the callback to fit(callbacks=[...])")
            self._names = _names(self.model)
        rows = self._rows or _Rows(len(self._names["layer_names"]), len(self._names["weight_names"]))
        return Record({**self._names, **rows.stacked()})


def _names(model: Sequential) -> dict[str, Any]:
    """The arrays that do not change from step to step: names, and the bin edges."""
    layer_of = [index for index, layer in enumerate(model.layers) for _ in layer.weights]
    return {"layer_names": np.array([layer.name for layer in model.layers], dtype=str),
            "activation_names": np.array([_activation_of(layer)[1] for layer in model.layers], dtype=str),
            "weight_names": np.array([weight_label(w) for w in model.weights], dtype=str),
            "weight_layer": np.array(layer_of, dtype=np.int64),
            "value_edges": VALUE_EDGES.copy(), "grad_edges": GRAD_EDGES.copy()}


# ----------------------------------------------------------------------------------------------------------------
# inspect: one look, nothing changed
# ----------------------------------------------------------------------------------------------------------------
def inspect(model: Sequential, x: Any, y: Any = None) -> Record:
    """The same record for one forward pass on ``x`` (and one backward pass when ``y`` is given, with the compiled
    loss, or mse for a model not compiled): "look at the network at initialization". One step, numbered 0; no
    update, so ``update_ratio`` is nan. Weights, gradients and optimizer state are left exactly as they were."""
    if not isinstance(model, Sequential):
        raise TypeError(f"inspect expects a Sequential model, got {type(model).__name__}")
    if not model.built:
        raise ValueError(f"inspect: the model '{model.name}' has not been built yet, so it has no weights. Give its "
                         f"first layer input_shape=(...), or call it on data first")
    samples = data.as_batch(x, "inspect", one_feature=model.input_shape == (None, 1))  # as predict takes x
    expected = model.input_shape
    assert expected is not None  # a built model knows its input shape
    if samples.ndim != len(expected) or any(size is not None and size != got
                                            for size, got in zip(expected[1:], samples.shape[1:], strict=True)):
        shape = "(batch, " + ", ".join("any" if size is None else str(size) for size in expected[1:]) + ")"
        raise ValueError(f"inspect: model '{model.name}' expects x of shape {shape}, got shape {samples.shape}")
    targets = None if y is None else data.as_targets(y, len(samples), "inspect", samples.shape)
    if not is_grad_enabled():
        raise RuntimeError("inspect records the forward pass to find pre-activations and gradients; call it outside "
                           "no_grad()")
    stats = LayerStats()
    stats.set_model(model)
    weights = model.weights
    grads = [w.grad for w in weights]  # backward adds into .grad: put these back afterwards
    try:
        for w in weights:
            w.grad = None
        outputs = model.layer_outputs(Tensor(samples))
        stats.on_train_batch_outputs(0, outputs)
        if y is not None:
            loss = (model.loss if model.loss is not None else losses.get("mse"))(targets, outputs[-1][2]).mean()
            loss.backward()
        stats.on_train_batch_gradients(0)
        stats._finish(model, stepped=False)
    finally:
        for w, grad in zip(weights, grads, strict=True):
            w.grad = grad
    return stats.record


# the figures, drawn from a record (viz/plots.py): kept here too, where a learner of this module looks for them
from .viz.plots import (  # noqa: E402  after the record they draw
    plot_activation_histograms,
    plot_gradient_histograms,
    plot_gradient_norms,
    plot_saturation,
    plot_update_ratios,
)

__all__ = ["GRAD_EDGES", "SATURATION_THRESHOLD", "VALUE_EDGES", "LayerStats", "Record", "inspect", "load",
           "plot_activation_histograms", "plot_gradient_histograms", "plot_gradient_norms", "plot_saturation",
           "plot_update_ratios"]
