"""One playground run: a configuration checked, its data and network built, trained batch by batch, and drawn as
numbers the browser paints (heat maps as 50 x 50 grids of bytes). Pure Python and numpy: no HTTP here.

The network is a ``Sequential`` of Dense layers ending in one linear unit: a logit for classification (class 1
where it is > 0, trained with binary cross-entropy from logits), the value itself for regression (mean squared
error). Training is plain SGD through ``train_on_batch``, the training data shuffled at the start of each epoch, as
the TensorFlow Playground does. Regularization is every kernel's ``kernel_regularizer``, L1(rate) or L2(rate): rate *
sum |w| or rate * sum w^2 joins the loss that is minimized; the losses shown are the data loss alone.
"""
from __future__ import annotations

import base64
import inspect as source_code
import math
import textwrap
import threading
import warnings
from typing import Any

import numpy as np

import tinygrad_acts as keras

from . import backprop, datasets

GRID = 50  # heat maps: GRID x GRID points over [-EXTENT, EXTENT]^2
EXTENT = 6.0
MAX_BATCHES = 1000  # per step request
MAX_HISTORY = 2000  # loss-chart points kept; beyond that every other one is dropped
# every activation the library ships, but glu (it halves a layer's width) and threshold (it has no defaults)
ACTIVATIONS = tuple(name for name in keras.activations.ALL_ACTIVATIONS if name not in ("glu", "threshold"))
FEATURE_LABELS = {"x1^2": "x1²", "x2^2": "x2²", "x1*x2": "x1·x2"}  # as the page writes them
REGULARIZATIONS = ("none", "l1", "l2")
VIEWS = ("output", "gradient")
LIVE_FIELDS = ("learning_rate", "regularization", "regularization_rate", "batch_size")  # change without a reset
DEFAULTS: dict[str, Any] = {
    "problem": "classification", "dataset": "circle", "noise": 0, "ratio": 50, "batch_size": 10,
    "features": ["x1", "x2"], "hidden": [4, 2], "activation": "tanh", "learning_rate": 0.03,
    "regularization": "none", "regularization_rate": 0.0, "seed": 1, "data_seed": 1,
}  # the TensorFlow Playground's defaults, plus the two seeds that make a link reproduce a run


class ConfigError(ValueError):
    """A request the playground refuses; ``field`` names the part that is wrong."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


# ----------------------------------------------------------------------------------------------------------------
# Checking what a request asks for, once, at the boundary
# ----------------------------------------------------------------------------------------------------------------
def _number(body: dict, field: str, low: float, high: float, low_included: bool = True) -> float:
    value = body[field]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(field, f"expected a finite number, got {value!r}")
    if value < low or (value == low and not low_included) or value > high:
        bound = f"[{low:g}, {high:g}]" if low_included else f"({low:g}, {high:g}]"
        raise ConfigError(field, f"expected a number in {bound}, got {value!r}")
    return float(value)


def _integer(body: dict, field: str, low: int, high: int) -> int:
    value = body[field]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(field, f"expected an integer from {low} to {high}, got {value!r}")
    return value


def _name(body: dict, field: str, known: tuple[str, ...]) -> str:
    value = body[field]
    if not isinstance(value, str) or value not in known:
        raise ConfigError(field, f"expected one of {', '.join(known)}; got {value!r}")
    return value


def _fields(body: Any, known: tuple[str, ...]) -> dict:
    if not isinstance(body, dict):
        raise ConfigError("body", f"expected a JSON object, got {type(body).__name__}")
    for field in body:
        if field not in known:
            raise ConfigError(str(field), f"unknown field; the known ones are {', '.join(known)}")
    return body


def check_config(body: Any) -> dict[str, Any]:
    """A complete configuration: the defaults with the request's fields checked and put over them. The problem
    follows the data set when only that is given, and a problem given alone brings its first data set."""
    body = _fields(body, tuple(DEFAULTS))
    config = dict(DEFAULTS, **body)
    if "problem" in body and "dataset" not in body:
        config["dataset"] = datasets.PROBLEMS[_name(config, "problem", tuple(datasets.PROBLEMS))][0]
    if "dataset" in body and "problem" not in body:
        dataset = _name(config, "dataset", tuple(datasets.GENERATORS))
        config["problem"] = next(p for p, names in datasets.PROBLEMS.items() if dataset in names)
    problem = _name(config, "problem", tuple(datasets.PROBLEMS))
    config["dataset"] = _name(config, "dataset", datasets.PROBLEMS[problem])
    config["noise"] = _number(config, "noise", 0, 50)
    config["ratio"] = _number(config, "ratio", 10, 90)
    config["batch_size"] = _integer(config, "batch_size", 1, 30)
    config["learning_rate"] = _number(config, "learning_rate", 0, math.inf, low_included=False)
    config["regularization_rate"] = _number(config, "regularization_rate", 0, math.inf)
    config["activation"] = _name(config, "activation", ACTIVATIONS)
    config["regularization"] = _name(config, "regularization", REGULARIZATIONS)
    config["seed"] = _integer(config, "seed", 0, 2**32 - 1)
    config["data_seed"] = _integer(config, "data_seed", 0, 2**32 - 1)
    features, hidden = config["features"], config["hidden"]
    if (not isinstance(features, list) or not 1 <= len(features) <= len(datasets.FEATURES)
            or any(not isinstance(f, str) or f not in datasets.FEATURES for f in features)
            or len(set(features)) != len(features)):
        raise ConfigError("features", f"expected a list of 1 to 7 different names from "
                                      f"{', '.join(datasets.FEATURES)}; got {features!r}")
    config["features"] = [f for f in datasets.FEATURES if f in features]  # the playground's order
    if not isinstance(hidden, list) or len(hidden) > 6 or any(
            isinstance(units, bool) or not isinstance(units, int) or not 1 <= units <= 8 for units in hidden):
        raise ConfigError("hidden", f"expected a list of 0 to 6 layer sizes, each an integer from 1 to 8; "
                                    f"got {hidden!r}")
    return config


def check_step(body: Any) -> tuple[int, str]:
    """(batches, view) of a step request: 1 to 1000 batches, and 'output' or 'gradient' for the neurons."""
    body = dict({"batches": 1, "view": "output"}, **_fields(body, ("batches", "view")))
    return _integer(body, "batches", 1, MAX_BATCHES), _name(body, "view", VIEWS)


def check_view(body: Any) -> str:
    return _name(dict({"view": "output"}, **_fields(body, ("view",))), "view", VIEWS)


# ----------------------------------------------------------------------------------------------------------------
# Numbers the browser reads
# ----------------------------------------------------------------------------------------------------------------
def encode_grid(values: np.ndarray, scale: float = 1.0) -> str:
    """values / scale, clipped to [-1, 1] and quantized to a byte (0 is -1, 255 is +1; nan as 0), in base64."""
    with np.errstate(all="ignore"):
        scaled = np.nan_to_num(np.asarray(values, np.float64) / scale, nan=0.0, posinf=1.0, neginf=-1.0)
    quantized = np.rint((np.clip(scaled, -1.0, 1.0) + 1.0) * 127.5).astype(np.uint8)
    return base64.b64encode(quantized.tobytes()).decode("ascii")


def decode_grid(text: str, scale: float = 1.0) -> np.ndarray:
    """encode_grid's values back, to within scale / 255: a GRID x GRID array, row 0 at the top (x2 = +6)."""
    quantized = np.frombuffer(base64.b64decode(text), np.uint8).astype(np.float64)
    return (quantized / 127.5 - 1.0).reshape(GRID, GRID) * scale


def _round(value: float, digits: int = 4) -> float | None:
    """A JSON number, or None for nan and inf (JSON has neither)."""
    value = float(value)
    return round(value, digits) if math.isfinite(value) else None


def _loss_value(value: float) -> float | str:
    """A loss as the page shows it: a number, however large, or 'inf' / 'nan' (JSON has neither)."""
    value = float(value)
    return float(f"{value:.6g}") if math.isfinite(value) else str(value)


def _rounded(array: np.ndarray, digits: int = 3) -> Any:
    with np.errstate(all="ignore"):
        rounded = np.round(np.asarray(array, np.float64), digits)
    return [_rounded(row, digits) for row in rounded] if rounded.ndim > 1 else \
        [float(v) if math.isfinite(v) else None for v in rounded]


def _grid_points() -> np.ndarray:
    """The heat maps' points, row by row from the top (x2 = +6) and left to right (x1 = -6): (GRID^2, 2)."""
    axis = np.linspace(-EXTENT, EXTENT, GRID)
    x1, x2 = np.meshgrid(axis, axis[::-1])
    return np.column_stack([x1.ravel(), x2.ravel()])


# ----------------------------------------------------------------------------------------------------------------
# The network
# ----------------------------------------------------------------------------------------------------------------
_BUILDING = threading.Lock()  # set_random_seed is global: one tab builds its network at a time


def build_model(config: dict[str, Any]) -> keras.Sequential:
    """Dense layers of the configured sizes and activation, then one linear output unit, compiled for SGD. The
    layers are named dense_1, dense_2, ... in every run (not counted across runs, as Keras' names are)."""
    rate, kind = config["regularization_rate"], config["regularization"]
    penalty = None if kind == "none" or rate == 0 else \
        (keras.regularizers.L1(rate) if kind == "l1" else keras.regularizers.L2(rate))
    sizes = [*config["hidden"], 1]
    with _BUILDING:
        keras.utils.set_random_seed(config["seed"])
        layers = [keras.layers.Dense(units, activation=config["activation"] if index < len(sizes) else None,
                                     kernel_regularizer=penalty, name=f"dense_{index}")
                  for index, units in enumerate(sizes, start=1)]
        model = keras.Sequential([keras.Input(shape=(len(config["features"]),)), *layers], name="playground")
    loss = keras.losses.BinaryCrossentropy(from_logits=True) if config["problem"] == "classification" else \
        keras.losses.MeanSquaredError()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=config["learning_rate"]), loss=loss)
    return model


def data_loss(problem: str, outputs: np.ndarray, labels: np.ndarray) -> float:
    """The mean loss of outputs against labels, in float64: binary cross-entropy from logits, or squared error."""
    z, y = outputs.astype(np.float64).ravel(), labels.astype(np.float64).ravel()
    with np.errstate(all="ignore"):
        if problem == "classification":  # max(z, 0) - z y + log(1 + e^-|z|), finite for any finite z
            return float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))
        return float(np.mean((z - y) ** 2))


def accuracy(outputs: np.ndarray, labels: np.ndarray) -> float:
    """The fraction of points on the right side: logit > 0 for label 1, <= 0 for label 0."""
    return float(np.mean((outputs.ravel() > 0) == (labels.ravel() == 1)))


def drawn_shape(features: list[str], problem: str) -> str:
    """What a linear network of these features can draw. It computes z = w . features + b, a linear function of
    the features but not of the point (x1, x2): with x1^2, x2^2 or x1*x2 its level curves are conics, with sin
    they are periodic."""
    quadratic = [f for f in features if f in ("x1^2", "x2^2", "x1*x2")]
    periodic = [f for f in features if f.startswith("sin")]
    names = ", ".join(FEATURE_LABELS.get(f, f) for f in features)
    if problem == "regression":
        surface = ("a plane over (x1, x2)" if not quadratic and not periodic else
                   "a quadratic surface over (x1, x2): a bowl, a dome or a saddle" if not periodic else
                   "a surface of waves (sines) over (x1, x2)" if not quadratic else
                   "a quadratic surface with waves (sines) added")
        return f"Its output is a linear function of its features ({names}), so it can draw only {surface}."
    if not quadratic and not periodic:
        return ("Its output is a linear function of x1 and x2, so the boundary between the classes (z = 0) is a "
                "straight line: a line through the plane is all this network can draw.")
    if not periodic:
        curve = "a conic section: an ellipse, a circle, a parabola, a hyperbola or a pair of lines"
    elif not quadratic:
        curve = "a periodic curve: a level line of sines (plus a linear term, with x1 or x2)"
    else:
        curve = "a conic section bent by sines: a level line of a quadratic plus sines"
    return (f"Its output is a linear function of its features ({names}), not of the point (x1, x2): the boundary "
            f"between the classes (z = 0) is {curve}. Linear in the features is not a line in the plane.")


def _dense(model: keras.Sequential) -> list[keras.layers.Dense]:
    """The model's layers, all of them Dense here, typed as such."""
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


class Session:
    """The playground's current run. Every method either succeeds or raises and leaves the run as it was."""

    config: dict[str, Any]
    model: keras.Sequential

    def __init__(self, config: Any = None):
        self.configure({} if config is None else config)

    # --- building ------------------------------------------------------------------------------------------------
    def configure(self, body: Any) -> bool:
        """Take a configuration (fields not given take their defaults). When only learning rate, regularization,
        its rate or batch size differ from the run's, they apply from the next step and the run goes on, as in the
        TensorFlow Playground; any other change starts a new run. Says whether it started a new one."""
        config = check_config(body)
        current = getattr(self, "config", None)
        if current is not None and all(config[field] == current[field]
                                       for field in config if field not in LIVE_FIELDS):
            self._change_live(config)
            return False
        self._start(config)
        return True

    def _change_live(self, config: dict[str, Any]) -> None:
        """The same weights in a network compiled with the new rate and penalty: plain SGD keeps no state, so the
        next step is the step the new settings take from here. The batch size applies from the next batch."""
        with _quiet():
            model = build_model(config)
        model.set_weights(self.model.get_weights())
        self.config, self.model = config, model

    def backprop(self, sample: int) -> dict[str, Any]:
        """The backward pass of one training sample, step by step (backprop.py), or why the network is too big."""
        message = backprop.too_big(self.config["hidden"])
        if message:
            return {"available": False, "message": message}
        if not 0 <= sample < len(self.x_train):
            raise ConfigError("sample", f"expected an integer from 0 to {len(self.x_train) - 1}, got {sample}")
        x, y = self.x_train[sample:sample + 1], self.y_train[sample:sample + 1]
        with _quiet():
            trace = backprop.backprop_steps(self.model, self.model.loss, x, y)
        point, label = self.points["train"][0][sample], self.points["train"][1][sample]
        return {"available": True, "sample": sample, "samples": len(self.x_train), "point": _rounded(point, 3),
                "label": float(label), "features": self.config["features"], **trace}

    def set_weight(self, body: Any) -> None:
        """Set one weight, as the TensorFlow Playground lets you click a line and type: {"layer": i, "to": unit,
        "from": input unit, or null for the unit's bias, "value": a number from -1000 to 1000}."""
        body = dict({"from": None}, **_fields(body, ("layer", "to", "from", "value")))
        for field in ("layer", "to", "value"):
            if field not in body:
                raise ConfigError(field, "missing")
        dense = _dense(self.model)
        layer = _integer(body, "layer", 0, len(dense) - 1)
        kernel, bias = dense[layer].get_weights()
        to = _integer(body, "to", 0, kernel.shape[1] - 1)
        source = None if body["from"] is None else _integer(body, "from", 0, kernel.shape[0] - 1)
        value = _number(body, "value", -1000, 1000)
        if source is None:
            bias[to] = value
        else:
            kernel[source, to] = value
        dense[layer].set_weights([kernel, bias])
        self.diverged = False  # the user changed the weights: the run may train again
        self._measure()

    def reset(self) -> None:
        """Start the same run again: same seeds, so the same weights and the same batches."""
        self._start(self.config)

    def _start(self, config: dict[str, Any]) -> None:
        x_train, y_train, x_test, y_test = datasets.make_data(config["dataset"], config["noise"], config["ratio"],
                                                              config["data_seed"])
        if len(x_train) == 0 or len(x_test) == 0:
            raise ConfigError("ratio", "leaves no training or no test data")
        with _quiet():
            model = build_model(config)
        self.config, self.model = config, model
        self.points = {"train": (x_train, y_train), "test": (x_test, y_test)}
        self.x_train, self.x_test = (datasets.features(x, config["features"]) for x in (x_train, x_test))
        self.y_train, self.y_test = (y.reshape(-1, 1).astype(np.float32) for y in (y_train, y_test))
        self.grid = datasets.features(_grid_points(), config["features"])
        self.shuffle = np.random.default_rng(config["seed"])  # the order of the batches
        self.order = np.arange(0)
        self.cursor = self.seen = self.batches = 0
        self.diverged = False
        self.run = getattr(self, "run", 0) + 1  # the browser drops answers about an older run
        self.linear = keras.is_linear(model)
        self.not_linear_message = ""
        if not self.linear:
            try:
                keras.collapse(model)
            except keras.NotLinearError as error:
                self.not_linear_message = str(error)
        self.history: list[list[float | None]] = []
        self._measure()

    # --- training ------------------------------------------------------------------------------------------------
    @property
    def batches_per_epoch(self) -> int:
        return -(-len(self.x_train) // self.config["batch_size"])

    @property
    def epoch(self) -> float:
        """Passes over the training data so far (fractional within an epoch)."""
        return self.seen / len(self.x_train)

    def train(self, batches: int) -> None:
        """``batches`` steps of SGD, each on the next batch of the epoch's shuffled order. A step whose loss or
        gradient is nan or inf is not taken: the run is then diverged, and trains no more until reset."""
        size = self.config["batch_size"]
        with _quiet():
            for _ in range(batches):
                if self.diverged:
                    break
                if self.cursor == 0:
                    self.order = self.shuffle.permutation(len(self.x_train))
                rows = self.order[self.cursor:self.cursor + size]
                if math.isnan(self.model.train_on_batch(self.x_train[rows], self.y_train[rows])):  # step refused
                    self.diverged = True
                    break
                self.batches += 1
                self.seen += len(rows)
                self.cursor = (self.cursor + len(rows)) % len(self.x_train)
        self._measure()

    def _measure(self) -> None:
        """Losses (and accuracies) on the training and the test data, appended to the history."""
        problem = self.config["problem"]
        with _quiet():
            outputs = {part: self.model.predict(x) for part, x in (("train", self.x_train), ("test", self.x_test))}
        labels = {"train": self.y_train, "test": self.y_test}
        self.loss = {part: data_loss(problem, outputs[part], labels[part]) for part in outputs}
        self.accuracy = {part: accuracy(outputs[part], labels[part]) for part in outputs} \
            if problem == "classification" else None
        if not all(math.isfinite(value) for value in self.loss.values()):
            self.diverged = True
        self.history.append([round(self.epoch, 3), _round(self.loss["train"]), _round(self.loss["test"])])
        if len(self.history) > MAX_HISTORY:
            self.history = self.history[::2]

    # --- what the browser draws ------------------------------------------------------------------------------------
    def layer_grids(self, view: str = "output") -> list[np.ndarray]:
        """Each layer's output over the grid (GRID^2, units), or with view='gradient' the gradient of the network's
        output with respect to it: how much the output moves, at each point, when that neuron moves."""
        x = keras.Tensor(self.grid)
        with _quiet():
            if view == "output":
                with keras.no_grad():
                    outputs = []
                    for layer in self.model.layers:
                        x = layer(x)
                        outputs.append(x.data)
                    return outputs
            tensors = []
            for layer in self.model.layers:
                x = layer(x).retain_grad()
                tensors.append(x)
            x.sum().backward()
            for weight in self.model.weights:  # the model holds no gradients between steps
                weight.grad = None
            return [np.asarray(t.grad) for t in tensors]

    def snapshot(self, view: str = "output") -> dict[str, Any]:
        """What changes with each step: counters, losses, the output and every neuron as heat maps, the weights,
        the gradient statistics per layer, and the collapse panel."""
        grids = self.layer_grids(view)
        output = grids[-1] if view == "output" else self.layer_grids("output")[-1]
        with np.errstate(all="ignore"):  # the output as a number in [-1, 1]: 2 p - 1 = tanh(z / 2) for a logit
            shown = np.tanh(output / 2) if self.config["problem"] == "classification" else output
        neurons, scales = [], []
        for grid in grids[:-1]:
            with np.errstate(all="ignore"):
                layer_scales = np.nanmax(np.abs(grid), axis=0) if view == "gradient" else np.ones(grid.shape[1])
            layer_scales = np.where(np.isfinite(layer_scales) & (layer_scales > 0), layer_scales, 1.0)
            neurons.append([encode_grid(grid[:, unit], layer_scales[unit]) for unit in range(grid.shape[1])])
            scales.append([float(f"{s:.3g}") for s in layer_scales])
        dense = _dense(self.model)
        return {
            "run": self.run, "epoch": round(self.epoch, 3), "batches": self.batches, "diverged": self.diverged,
            "loss": {part: _loss_value(value) for part, value in self.loss.items()},
            "diverged_message": self.diverged_message(),
            "accuracy": None if self.accuracy is None else {p: _round(v) for p, v in self.accuracy.items()},
            "history_point": self.history[-1],
            "view": view, "output": encode_grid(shown), "neurons": neurons, "scales": scales,
            "weights": [_rounded(layer.kernel.data) for layer in dense],
            "biases": [_rounded(layer.bias.data) for layer in dense if layer.bias is not None],
            "stats": self.stats(), "collapse": self.collapse_panel(output),
        }

    def diverged_message(self) -> str:
        """Why training stopped, with the loss the run has now (a number, however large, or inf or nan)."""
        if not self.diverged:
            return ""
        loss = self.loss["train"]  # written as the page writes the losses
        shown = str(loss) if not math.isfinite(loss) else f"{loss:.2e}" if abs(loss) >= 1e4 else f"{loss:.3f}"
        return (f"The run diverged: a step's loss or gradient was not a finite number, so training stopped at the "
                f"last finite weights, where the training loss is {shown}. Lower the learning rate and press Reset.")

    def stats(self) -> list[dict[str, Any]]:
        """Per layer, from diagnostics.inspect on the training data: the saturated and dead fractions, the norm of
        the loss's gradient with respect to the layer's output, and the histogram of its outputs (the fraction in
        each of 80 bins over [-4, 4], values beyond in the end bins), as plot_activation_histograms
        draws it."""
        if self.diverged:
            return [{"saturated": None, "dead": None, "grad_norm": None, "histogram": None, "mean": None,
                     "std": None} for _ in self.model.layers]
        with _quiet():
            record = keras.diagnostics.inspect(self.model, self.x_train, self.y_train)
        return [{"saturated": _round(record.saturated[0, layer]), "dead": _round(record.dead[0, layer]),
                 "grad_norm": _round(record.grad_norm[0, layer], 6),
                 "histogram": _rounded(record.output_hist[0, layer], 4), "mean": _round(record.output_mean[0, layer]),
                 "std": _round(record.output_std[0, layer])} for layer in range(len(self.model.layers))]

    def collapse_panel(self, output: np.ndarray) -> dict[str, Any]:
        """For a linear network, the one Dense layer it equals (from tinygrad_acts.collapse), the largest difference
        between their outputs over the grid, and what such a network can draw; otherwise NotLinearError's message."""
        if not self.linear:
            return {"linear": False, "message": self.not_linear_message}
        with _quiet():
            single = keras.collapse(self.model)
            difference = float(np.max(np.abs(single.predict(self.grid) - output)))
        kernel, bias = single.layers[-1].get_weights()
        layers = len(self.model.layers)
        lead = ("The network is one Dense layer, linear already (tinygrad_acts.collapse finds it so):" if layers == 1
                else f"All {layers} layers are linear, so they equal one Dense layer (tinygrad_acts.collapse):")
        return {"linear": True, "features": self.config["features"], "kernel": _rounded(kernel[:, 0], 4),
                "bias": _round(bias[0]), "max_difference": float(f"{difference:.3g}") if math.isfinite(difference)
                else None, "layers": layers, "lead": lead,
                "drawn": drawn_shape(self.config["features"], self.config["problem"])}

    def state(self, view: str = "output") -> dict[str, Any]:
        """Everything the page needs to draw the run from scratch."""
        grid_points = _grid_points()
        feature_grids = {}
        for name in datasets.FEATURES:  # all of them: the page shows the ones switched off dimmed
            values = datasets.FEATURES[name](grid_points[:, 0], grid_points[:, 1])
            feature_grids[name] = encode_grid(values, float(np.max(np.abs(values))) or 1.0)
        points = {part: [[round(float(a), 3), round(float(b), 3), round(float(label), 3)]
                         for (a, b), label in zip(x, y, strict=True)] for part, (x, y) in self.points.items()}
        return {"config": self.config, "defaults": DEFAULTS, "batches_per_epoch": self.batches_per_epoch,
                "grid": {"size": GRID, "extent": EXTENT}, "feature_grids": feature_grids, "points": points,
                "history": self.history, **self.snapshot(view),
                "options": {"live_fields": LIVE_FIELDS, "activations": ACTIVATIONS, "problems": datasets.PROBLEMS,
                            "features": list(datasets.FEATURES), "regularizations": REGULARIZATIONS}}

    def step(self, batches: int, view: str = "output") -> dict[str, Any]:
        """Train ``batches`` batches and say what changed."""
        self.train(batches)
        return self.snapshot(view)

    def export(self, flavor: str = "tinygrad_acts", epochs: int | None = None) -> str:
        """A Python script that generates this data, builds this network and trains it the same way."""
        if flavor not in ("tinygrad_acts", "keras"):
            raise ConfigError("flavor", f"expected tinygrad_acts or keras, got {flavor!r}")
        if epochs is None:
            epochs = max(1, math.ceil(self.epoch)) if self.seen else 100
        return export_script(self.config, flavor, epochs)


class _quiet:
    """numpy's floating-point warnings and the library's warnings (a diverging run, softmax over one neuron) stay
    inside the playground: the page shows a diverged run, and the server must not print or raise over it."""

    def __enter__(self) -> None:
        self._errstate = np.errstate(all="ignore")
        self._errstate.__enter__()
        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.simplefilter("ignore")

    def __exit__(self, *exc: Any) -> None:
        self._warnings.__exit__(*exc)
        self._errstate.__exit__(*exc)


# ----------------------------------------------------------------------------------------------------------------
# Export: the run as a script
# ----------------------------------------------------------------------------------------------------------------
_SCRIPT = '''"""{title}

{description}
"""
import sys

import numpy as np

import {module}

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else {epochs}
SEED = {seed}  # the initial weights and the order of the batches
DATA_SEED = {data_seed}  # the points
NOISE = {noise!r}  # percent
TRAINING_RATIO = {ratio!r}  # percent of the points for training, the rest for testing
BATCH_SIZE = {batch_size}
LEARNING_RATE = {learning_rate!r}{regularization_constant}


{generator}

def make_data():
    """The points, shuffled, then split into training and test data."""
    rng = np.random.default_rng(DATA_SEED)
    points, labels = {dataset}(rng, {samples}, NOISE)
    order = rng.permutation(len(points))
    points, labels = points[order], labels[order]
    split = int(len(points) * TRAINING_RATIO / 100)
    return points[:split], labels[:split], points[split:], labels[split:]


def features(points):
    """What the network sees of a point (x1, x2): {features}."""
    x1, x2 = points[:, 0], points[:, 1]
    return np.column_stack([{feature_code}]).astype(np.float32)


points_train, labels_train, points_test, labels_test = make_data()
x_train, x_test = features(points_train), features(points_test)
y_train, y_test = (labels.reshape(-1, 1).astype(np.float32) for labels in (labels_train, labels_test))

keras.utils.set_random_seed(SEED)
model = keras.Sequential([
    keras.Input(shape=({n_features},)),
{layer_lines}    keras.layers.Dense(1{regularizer}),  # {output_comment}
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=LEARNING_RATE), loss={loss_name})


def report(epoch):
    """The data loss{accuracy_doc} on the training and the test data, as the playground shows them."""
    line = f"epoch {{epoch}}:"
    for part, x, y in (("training", x_train, y_train), ("test", x_test, y_test)):
        z = model.predict(x, verbose=0).astype(np.float64)
{loss_lines}
    print(line)


rng = np.random.default_rng(SEED)
for epoch in range(1, EPOCHS + 1):
    order = rng.permutation(len(x_train))
    for start in range(0, len(order), BATCH_SIZE):
        batch = order[start:start + BATCH_SIZE]
        model.train_on_batch(x_train[batch], y_train[batch])
    if epoch % 10 == 0 or epoch == EPOCHS:
        report(epoch)
'''


def export_script(config: dict[str, Any], flavor: str, epochs: int) -> str:
    """The script for a checked configuration; flavor 'tinygrad_acts' or 'keras' says which library it imports."""
    classification = config["problem"] == "classification"
    kind, rate = config["regularization"], config["regularization_rate"]
    regularized = kind != "none" and rate != 0
    constant = {"l1": "L1", "l2": "L2"}.get(kind, "")
    # the same code for both libraries: only the import differs
    regularizer = f", kernel_regularizer=keras.regularizers.{constant}({constant})" if regularized else ""
    loss_name = "keras.losses.BinaryCrossentropy(from_logits=True)" if classification else '"mean_squared_error"'
    if classification:
        loss_lines = ("        value = np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))  "
                      "# cross-entropy of the logit\n"
                      "        line += f\" {part} loss {value:.6f}, accuracy {np.mean((z > 0) == (y == 1)):.3f};\"")
    else:
        loss_lines = ("        value = np.mean((z - y) ** 2)\n"
                      "        line += f\" {part} loss {value:.6f};\"")
    activation = config["activation"]
    layer_lines = "".join(f'    keras.layers.Dense({units}, activation="{activation}"{regularizer}),\n'
                          for units in config["hidden"])
    hidden = config["hidden"]
    layers = (f"{len(hidden)} hidden layer{'s' if len(hidden) != 1 else ''} of {', '.join(map(str, hidden))} "
              f"{activation} neurons" if hidden else "no hidden layer")
    description = textwrap.fill(
        f"Generated by the tinygrad_acts playground: the {config['dataset']} data set ({config['noise']:g}% noise, "
        f"{config['ratio']:g}% of the points for training), features {', '.join(config['features'])}, {layers}, "
        f"trained with plain SGD on batches of {config['batch_size']}, the training data shuffled at each epoch. "
        f"Run it as `python this_script.py [epochs]`.", width=116)
    return _SCRIPT.format(
        description=description,
        title=f"A {'classifier' if classification else 'regression'} from the tinygrad_acts playground, "
              f"{'with tinygrad_acts' if flavor == 'tinygrad_acts' else 'with Keras 3'}.",
        module="keras" if flavor == "keras" else "tinygrad_acts as keras",
        dataset=config["dataset"], noise=config["noise"], ratio=config["ratio"], features=", ".join(config["features"]),
        batch_size=config["batch_size"], epochs=epochs, seed=config["seed"],
        data_seed=config["data_seed"], learning_rate=config["learning_rate"],
        regularization_constant=f"\n{constant} = {rate!r}  # the regularization rate" if regularized else "",
        generator=source_code.getsource(datasets.GENERATORS[config["dataset"]]),
        samples=datasets.SAMPLES[config["problem"]],
        feature_code=", ".join(datasets.FEATURE_CODE[name] for name in config["features"]),
        n_features=len(config["features"]), layer_lines=layer_lines, regularizer=regularizer,
        output_comment="one logit: class 1 where it is > 0" if classification else "the predicted value",
        loss_name=loss_name, loss_lines=loss_lines,
        accuracy_doc=" and the accuracy" if classification else "")
