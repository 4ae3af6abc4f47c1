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
  z. For an activation that does not act entry by entry (softmax, glu), f' is not one number per entry: nan;
- dead: the fraction of units (columns, every axis but the batch one) where f'(z) = 0 for every sample of the
  batch: no gradient reaches that unit's weights (the ReLU family's failure);
- the gradient g of the loss with respect to its output: mean, standard deviation, norm, and a histogram of
  log10|g|, where vanishing gradients show as a curve sliding left (nan where the engine computed no gradient,
  in layers before the first weight);
- for each weight w: ||w|| and ||dL/dw|| at the step's forward pass, and the update-to-data ratio ||Δw|| / ||w||
  of the step (around 1e-3 is the rule of thumb for a healthy learning rate; nan where ||w|| = 0, as for a bias
  at its first step, and in ``inspect``, which takes no step).

Histograms use fixed bins, the same for every step and layer, so any two are comparable; each holds fractions
summing to 1, values beyond the range counted in the end bins:

- values (outputs, pre-activations): [-4, 4] in 80 bins of 0.1 (``VALUE_EDGES``);
- gradients: log10|g| over [-12, 0] in 60 bins of 0.2 (``GRAD_EDGES``); |g| below 1e-12, exact zeros included,
  counts in the first bin, |g| above 1 in the last.

No second pass through the network: during the training forward pass, ``Sequential.__call__`` hands each layer's
input and output to the model's observers (``model._observers``, empty unless someone watches). LayerStats keeps a
reference to the output and calls ``retain_grad()`` on it, so the step's own ``backward()`` leaves its gradient
there. A Dense layer's pre-activation is found by walking back from its output through ``_parents`` to the tensor
computed from the layer's own bias (``x @ kernel + bias``; from its kernel when it has no bias); an activation
layer's pre-activation is its input. ``train_on_batch`` calls ``after_backward`` (gradients still there) and
``after_step`` (weights updated) on each observer: the numbers are computed after the step, and only for steps
that were taken (fit skips a step whose loss or gradient is nan or inf).

Memory: the record keeps scalars and histograms, never activations: 8 + 952 L + 24 W bytes per recorded step for L
layers and W weights (9 float64 scalars and 80 + 80 + 60 float32 bins per layer, 3 float64 per weight, the step
number): about 3 KB for a 3-layer MLP. ``Record.nbytes`` gives the total.
"""
from __future__ import annotations

import math
import os
import weakref
import zipfile
from collections.abc import Callable
from typing import Any

import numpy as np

from . import activations, losses
from .callbacks import Callback
from .layers import ELU, Activation, Dense, LeakyReLU, ReLU, Softmax, _as_tensor
from .models import Sequential
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
        if any(parent is weight for parent in tensor._parents):
            return tensor
        for parent in tensor._parents:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    raise RuntimeError(f"diagnostics: no tensor computed from '{weight.name}' leads to the output of Dense "
                       f"'{layer.name}'; was the forward pass recorded (not inside no_grad())?")


# ----------------------------------------------------------------------------------------------------------------
# The numbers of one step
# ----------------------------------------------------------------------------------------------------------------
def _histogram(values: np.ndarray, edges: np.ndarray, finite: bool = True) -> np.ndarray:
    """Fractions of ``values`` in each bin; values beyond the edges count in the end bins. ``finite``: the caller
    knows there is no nan or inf (its mean was finite); otherwise only the numbers are counted.

    The bins are equal, so a value's bin is arithmetic, (v - low) / width, counted by np.bincount: several times
    faster than np.histogram, which matters when LayerStats records every step."""
    values = values.ravel() if finite else values[np.isfinite(values)]
    low, high, bins = float(edges[0]), float(edges[-1]), len(edges) - 1  # Python floats keep float32 float32
    scaled = (values - low) * (bins / (high - low))
    index = np.clip(scaled, 0, bins - 1, out=scaled).astype(np.intp)
    return (np.bincount(index, minlength=bins) / max(values.size, 1)).astype(np.float32)


def _norm(array: np.ndarray) -> float:
    values = np.asarray(array).ravel()
    return math.sqrt(float(np.dot(values, values)))  # in the array's own dtype: no float64 copy on every step


def _moments(values: np.ndarray) -> tuple[float, float]:
    """Mean and standard deviation (dividing by n), as Python floats."""
    mean = float(values.sum()) / max(values.size, 1)  # sum / n: numpy's mean() takes twice as long on small arrays
    centered = values.ravel() - values.dtype.type(mean)
    return mean, math.sqrt(float(np.dot(centered, centered)) / max(values.size, 1))


def _layer_row(layer: Any, inputs: Tensor, output: Tensor) -> dict[str, Any]:
    """Every per-layer number of one step: output, pre-activation, saturation, gradient."""
    row: dict[str, Any] = {}
    values = output.data
    row["output_mean"], row["output_std"] = _moments(values)
    row["output_hist"] = _histogram(values, VALUE_EDGES, math.isfinite(row["output_mean"]))
    function, _ = _activation_of(layer)
    row["preactivation_mean"] = row["preactivation_std"] = row["saturated"] = row["dead"] = math.nan
    row["preactivation_hist"] = np.zeros(len(VALUE_EDGES) - 1, np.float32)
    if function is not None:
        z = (_preactivation(layer, output) if isinstance(layer, Dense) else inputs).data
        row["preactivation_mean"], row["preactivation_std"] = _moments(z)
        row["preactivation_hist"] = _histogram(z, VALUE_EDGES, math.isfinite(row["preactivation_mean"]))
        peak = _largest_derivative(function)
        derivative = _derivative(function, z) if peak > 0 else None  # nan > 0 is False: not elementwise
        if derivative is not None:
            row["saturated"] = np.count_nonzero(derivative < SATURATION_THRESHOLD * peak) / derivative.size
            per_unit = derivative.reshape(len(derivative), -1) if derivative.ndim > 1 else derivative[:, None]
            row["dead"] = 1 - np.count_nonzero(per_unit.any(axis=0)) / per_unit.shape[1]  # alive: f' != 0 somewhere
    grad = output.grad
    if grad is None:
        row["grad_mean"] = row["grad_std"] = row["grad_norm"] = math.nan
        row["grad_hist"] = np.zeros(len(GRAD_EDGES) - 1, np.float32)
    else:
        grad = np.asarray(grad)
        mean, std = row["grad_mean"], row["grad_std"] = _moments(grad)
        row["grad_norm"] = math.sqrt(grad.size * (std * std + mean * mean))  # sum g^2 = n (std^2 + mean^2)
        magnitude = np.maximum(np.abs(grad), grad.dtype.type(10.0 ** GRAD_EDGES[0]))  # log(0) would be -inf
        # ln|g| over edges ln(10) * GRAD_EDGES is the histogram of log10|g|: np.log is three times faster than log10
        row["grad_hist"] = _histogram(np.log(magnitude), GRAD_EDGES * math.log(10), math.isfinite(mean))
    return row


# ----------------------------------------------------------------------------------------------------------------
# LayerStats: the callback
# ----------------------------------------------------------------------------------------------------------------
class LayerStats(Callback):
    """Records, every ``every``-th training batch (steps 0, every, 2 every, ... counted from the start of fit),
    the numbers this module's docstring lists. ``stats.record`` is the Record so far; each fit starts a new one.

    While fit runs it is one of the model's observers (added in on_train_begin, removed in on_train_end, and by fit
    itself when training raises); outside fit it costs nothing.
    """

    def __init__(self, every: int = 1):
        if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 1:
            raise ValueError(f"LayerStats expects every to be an integer >= 1 (record every n-th training batch), "
                             f"got {every!r}")
        self.every = int(every)
        self._rows: list[dict[str, Any]] = []
        self._step = 0
        self._names: dict[str, Any] | None = None
        self._forward: dict[int, tuple[Any, Tensor, Tensor]] = {}  # layer index -> (layer, input, output)
        self._pending: dict[str, Any] | None = None  # what after_backward saw, until after_step

    # --- Callback ------------------------------------------------------------------------------------------------
    def on_train_begin(self, logs: dict | None = None) -> None:
        if not isinstance(getattr(self.model, "_observers", None), list):
            raise TypeError(f"LayerStats watches a Sequential model, got {type(self.model).__name__}")
        self._rows, self._step, self._names = [], 0, None
        self._forward, self._pending = {}, None
        if self not in self.model._observers:
            self.model._observers.append(self)

    def on_train_end(self, logs: dict | None = None) -> None:
        self._detach()

    def _detach(self) -> None:
        if self.model is not None and self in getattr(self.model, "_observers", ()):
            self.model._observers.remove(self)
        self._forward, self._pending = {}, None  # drop the last step's tensors (and the graph behind them)

    # --- observer: what Sequential calls ---------------------------------------------------------------------------
    def after_layer(self, layer: Any, inputs: Tensor, output: Tensor) -> None:
        """During a forward pass: keep the output of a recorded step, and have backward() keep its gradient."""
        if not is_grad_enabled() or self._step % self.every:  # predict and evaluate run in no_grad: not training
            return
        index = self.model.layers.index(layer)
        if index == 0:  # a new forward pass
            self._forward = {}
        self._forward[index] = (layer, inputs, output.retain_grad())

    def after_backward(self, model: Any) -> None:
        """After loss.backward(), before the optimizer's step: read the weights and their gradients."""
        step, self._step = self._step, self._step + 1
        if step % self.every or len(self._forward) != len(model.layers):
            self._pending = None
            return
        weights = model.weights
        self._pending = {
            "step": step,
            "weights_before": [w.data.copy() for w in weights],  # the step updates them in place
            "weight_norm": [_norm(w.data) for w in weights],
            "weight_grad_norm": [math.nan if w.grad is None else _norm(w.grad) for w in weights],
        }

    def after_step(self, model: Any) -> None:
        """After the optimizer's step: measure Δw, then everything else, for a step that was taken."""
        self._finish(model, stepped=True)

    def _finish(self, model: Any, stepped: bool) -> None:
        pending, forward = self._pending, self._forward
        self._pending, self._forward = None, {}
        if pending is None:
            return
        weights = model.weights
        if self._names is None:
            self._names = _names(model)
        row = {"steps": pending["step"], "weight_norm": np.array(pending["weight_norm"]),
               "weight_grad_norm": np.array(pending["weight_grad_norm"])}
        if stepped:
            row["update_ratio"] = np.array([_norm(w.data - before) / norm if norm > 0 else math.nan
                                            for w, before, norm in zip(weights, pending["weights_before"],
                                                                       pending["weight_norm"], strict=True)])
        else:
            row["update_ratio"] = np.full(len(weights), math.nan)
        layer_rows = [_layer_row(*forward[index]) for index in range(len(model.layers))]
        for name in layer_rows[0] if layer_rows else ():
            row[name] = np.array([layer_row[name] for layer_row in layer_rows])
        self._rows.append(row)

    @property
    def record(self) -> Record:
        """The steps recorded so far, as arrays."""
        if self._names is None:
            if self.model is None or not getattr(self.model, "built", False):
                raise ValueError("LayerStats.record: nothing recorded yet; pass the callback to fit(callbacks=[...])")
            self._names = _names(self.model)
        return _stack(self._names, self._rows)


def _names(model: Sequential) -> dict[str, Any]:
    """The arrays that do not change from step to step: names, and the bin edges."""
    layer_of = [index for index, layer in enumerate(model.layers) for _ in layer.weights]
    return {"layer_names": np.array([layer.name for layer in model.layers], dtype=str),
            "activation_names": np.array([_activation_of(layer)[1] for layer in model.layers], dtype=str),
            "weight_names": np.array([w.name or "" for w in model.weights], dtype=str),
            "weight_layer": np.array(layer_of, dtype=np.int64),
            "value_edges": VALUE_EDGES.copy(), "grad_edges": GRAD_EDGES.copy()}


def _stack(names: dict[str, Any], rows: list[dict[str, Any]]) -> Record:
    sizes = {"L": len(names["layer_names"]), "W": len(names["weight_names"]), "V": len(VALUE_EDGES) - 1,
             "G": len(GRAD_EDGES) - 1}
    arrays = dict(names)
    for name, (axes, dtype) in _PER_STEP.items():
        shape = (len(rows),) + tuple(sizes[axis] for axis in axes)
        arrays[name] = np.array([row[name] for row in rows], dtype=dtype).reshape(shape)
    return Record(arrays)


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
    data = _as_tensor(x, "inspect: x").data
    if data.ndim == 1 and model.input_shape == (None, 1):
        data = data[:, None]  # as predict: 13 numbers for a model of one input feature are 13 samples
    expected = model.input_shape
    assert expected is not None  # a built model knows its input shape
    if data.ndim != len(expected) or any(size is not None and size != got
                                         for size, got in zip(expected[1:], data.shape[1:], strict=True)):
        shape = "(batch, " + ", ".join("any" if size is None else str(size) for size in expected[1:]) + ")"
        raise ValueError(f"inspect: model '{model.name}' expects x of shape {shape}, got shape {data.shape}")
    if data.shape[0] == 0:
        raise ValueError(f"inspect got no samples (x of shape {data.shape})")
    if y is not None:
        targets = y if isinstance(y, np.ndarray) and y.dtype.kind in "iu" else _as_tensor(y, "inspect: y").data
        if targets.ndim == 0 or len(targets) != len(data):
            raise ValueError(f"inspect: x has {len(data)} samples but y has "
                             f"{'a single value' if targets.ndim == 0 else len(targets)} (shapes {data.shape} and "
                             f"{targets.shape})")
    if not is_grad_enabled():
        raise RuntimeError("inspect records the forward pass to find pre-activations and gradients; call it outside "
                           "no_grad()")
    stats = LayerStats()
    stats.set_model(model)
    weights = model.weights
    grads = [w.grad for w in weights]  # backward adds into .grad: put these back afterwards
    model._observers.append(stats)
    try:
        for w in weights:
            w.grad = None
        output = model(Tensor(data))
        if y is not None:
            loss = (model.loss if model.loss is not None else losses.get("mse"))(targets, output).mean()
            loss.backward()
        stats.after_backward(model)
        stats._finish(model, stepped=False)
    finally:
        model._observers.remove(stats)
        for w, grad in zip(weights, grads, strict=True):
            w.grad = grad
    return stats.record


# ----------------------------------------------------------------------------------------------------------------
# Figures (matplotlib, imported only here)
# ----------------------------------------------------------------------------------------------------------------
def _figure(width: float = 9.0, height: float = 4.0) -> Any:
    from matplotlib.figure import Figure  # no pyplot: no global state, no window, works anywhere
    return Figure(figsize=(width, height), layout="constrained")


def _color(record: Record, layer: int) -> Any:
    """One color per layer, from the input side (dark) to the output side (light): depth reads off the color."""
    from matplotlib import colormaps
    return colormaps["viridis"](layer / max(len(record.layer_names) - 1, 1) * 0.9)


def _row(record: Record, step: int) -> int:
    """The row of ``step`` (a training step number), or -1 (the last) by default."""
    if len(record.steps) == 0:
        raise ValueError("the record has no steps yet")
    if step == -1:
        return len(record.steps) - 1
    rows = np.flatnonzero(record.steps == step)
    if rows.size == 0:
        raise ValueError(f"step {step} was not recorded; the record has steps {record.steps.tolist()}")
    return int(rows[0])


def _label(record: Record, layer: int | np.integer) -> str:
    activation = record.activation_names[layer]
    return f"{layer}: {record.layer_names[layer]}" + (f" ({activation})" if activation else "")


def plot_activation_histograms(record: Record, step: int = -1, which: str = "output") -> Any:
    """One curve per layer: the histogram of its outputs (``which='output'``) or pre-activations
    (``'preactivation'``) at ``step``, as in Karpathy's "Activations & Gradients, BatchNorm" lecture."""
    if which not in ("output", "preactivation"):
        raise ValueError(f"which must be 'output' or 'preactivation', got {which!r}")
    row = _row(record, step)
    figure = _figure()
    axes = figure.add_subplot()
    centers = (record.value_edges[:-1] + record.value_edges[1:]) / 2
    for layer in range(len(record.layer_names)):
        if which == "preactivation" and not record.activation_names[layer]:
            continue
        mean, std = getattr(record, f"{which}_mean")[row, layer], getattr(record, f"{which}_std")[row, layer]
        saturated = record.saturated[row, layer]
        extra = "" if math.isnan(saturated) else f", saturated {saturated:.0%}"
        axes.plot(centers, getattr(record, f"{which}_hist")[row, layer], color=_color(record, layer),
                  label=f"{_label(record, layer)}: mean {mean:+.2f}, std {std:.2f}{extra}")
    what = "output" if which == "output" else "pre-activation"
    axes.set_xlabel(f"{what} value (clipped to [{record.value_edges[0]:g}, {record.value_edges[-1]:g}])")
    axes.set_ylabel("fraction of entries")
    axes.set_title(f"{what.capitalize()} distribution per layer, step {record.steps[row]}")
    axes.legend(fontsize="small")
    return figure


def plot_gradient_histograms(record: Record, step: int = -1) -> Any:
    """One curve per layer: the histogram of log10|dLoss/d(output)| at ``step``. Curves sliding left with depth
    toward the input are vanishing gradients."""
    row = _row(record, step)
    if np.isnan(record.grad_norm[row]).all():
        raise ValueError("the record holds no gradients (inspect without y?)")
    figure = _figure()
    axes = figure.add_subplot()
    centers = (record.grad_edges[:-1] + record.grad_edges[1:]) / 2
    for layer in range(len(record.layer_names)):
        if np.isnan(record.grad_norm[row, layer]):
            continue
        axes.plot(centers, record.grad_hist[row, layer], color=_color(record, layer),
                  label=f"{_label(record, layer)}: norm {record.grad_norm[row, layer]:.2e}")
    axes.set_xlabel("log10 |gradient of the loss with respect to the layer's output|")
    axes.set_ylabel("fraction of entries")
    axes.set_title(f"Gradient distribution per layer, step {record.steps[row]}")
    axes.legend(fontsize="small")
    return figure


def plot_saturation(record: Record) -> Any:
    """The saturated and the dead fraction of each layer with an activation, over the recorded steps."""
    figure = _figure(10.0, 4.0)
    saturated_axes, dead_axes = figure.subplots(1, 2, sharey=True)
    for layer in range(len(record.layer_names)):
        if np.isnan(record.saturated[:, layer]).all():
            continue
        style = {"marker": ".", "color": _color(record, layer), "label": _label(record, layer)}
        saturated_axes.plot(record.steps, record.saturated[:, layer], **style)
        dead_axes.plot(record.steps, record.dead[:, layer], **style)
    saturated_axes.set_title(f"Saturated: f'(z) < {SATURATION_THRESHOLD:.0%} of max f'")
    dead_axes.set_title("Dead units: f'(z) = 0 for the whole batch")
    saturated_axes.set_ylabel("fraction")
    for axes in (saturated_axes, dead_axes):
        axes.set_xlabel("training step")
        axes.set_ylim(-0.02, 1.02)
    saturated_axes.legend(fontsize="small")
    return figure


def plot_update_ratios(record: Record) -> Any:
    """log10(||Δw|| / ||w||) of each weight over the recorded steps, with the rule-of-thumb guide at 1e-3:
    far below, the weights barely move; far above, the steps are too large for them."""
    figure = _figure()
    axes = figure.add_subplot()
    for index, name in enumerate(record.weight_names):
        ratios = record.update_ratio[:, index]
        if np.isnan(ratios).all():
            continue
        axes.plot(record.steps, ratios, color=_color(record, record.weight_layer[index]),
                  linestyle="--" if name.endswith("bias") else "-", label=name)
    axes.axhline(1e-3, color="red", linewidth=1, linestyle=":", label="1e-3")
    axes.set_yscale("log")
    axes.set_xlabel("training step")
    axes.set_ylabel("||Δw|| / ||w||")
    axes.set_title("Update-to-data ratio per weight (a zero weight, such as a bias at step 0, has none)")
    axes.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.01, 0.5))
    return figure


def plot_gradient_norms(record: Record, step: int = -1) -> Any:
    """Against depth: the norm of the gradient with respect to each layer's output, and of each kernel's
    gradient, at ``step`` (log scale). A line climbing steeply from the input toward the output is vanishing
    gradients in the early layers."""
    row = _row(record, step)
    figure = _figure(8.0, 4.0)
    axes = figure.add_subplot()
    depth = np.arange(len(record.layer_names))
    axes.plot(depth, record.grad_norm[row], marker="o", label="||dLoss/d(output)||")
    kernels = [index for index, name in enumerate(record.weight_names) if name.endswith("kernel")]
    if kernels:
        axes.plot(record.weight_layer[kernels], record.weight_grad_norm[row, kernels], marker="s",
                  label="||dLoss/d(kernel)||")
    axes.set_yscale("log")
    axes.set_xticks(depth, [_label(record, layer) for layer in depth], rotation=30, ha="right", fontsize="small")
    axes.set_xlabel("layer (input side on the left)")
    axes.set_ylabel("gradient norm")
    axes.set_title(f"Gradient norm against depth, step {record.steps[row]}")
    axes.legend(fontsize="small")
    return figure
