"""Sequential: a stack of layers with Keras' model API — predict, compile, fit, evaluate, summary, weights in/out."""
from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Sequence
from typing import Any, cast

import numpy as np

from . import backend, layers as layers_module, losses, metrics as metrics_module, optimizers
from .callbacks import Callback, CallbackList, History, ProgressBar, check_callbacks
from .graph import plot_model
from .layers import InputLayer, KerasTensor, Layer, _as_tensor, _assign
from .tensor import Tensor, no_grad


def _refuse_string_labels(y: Any, what: str) -> None:
    """Labels given as names ('cat', 'dog'): say how to turn them into the class ids a loss needs."""
    labels = np.asarray(y, dtype=object).ravel()
    if labels.size and all(isinstance(label, str) for label in labels):
        names = np.unique(labels.astype(str))
        shown = ", ".join(repr(str(name)) for name in names[:3]) + (", ..." if len(names) > 3 else "")
        raise TypeError(f"{what}: y must be an array of numbers, got strings ({shown}); labels must be numbers. "
                        f"Encode them as integers: classes, y = np.unique(y, return_inverse=True) gives class ids "
                        f"0 to {len(names) - 1} (classes[i] is the name of class i), for "
                        f"loss='sparse_categorical_crossentropy' (or 'binary_crossentropy' for two classes)") from None


class NanLossWarning(UserWarning):
    """fit() stopped because the loss or a gradient became nan or inf."""


class Sequential:
    """Layers applied in order: ``Sequential([Dense(16, activation='relu', input_shape=(2,)), Dense(1)])``."""

    def __init__(self, layers: Sequence[Layer] | None = None, name: str | None = None):
        if layers is not None and not isinstance(layers, (list, tuple)):
            raise TypeError(f"Sequential expects a list of layers, e.g. Sequential([Dense(4), Dense(1)]), got "
                            f"{type(layers).__name__}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"a model name must be a string, got {type(name).__name__}")
        self.name = name or backend.unique_name("sequential")
        self.layers: list[Layer] = []
        self.input_shape: tuple | None = None  # with the batch axis: (None, features)
        self.output_shape: tuple | None = None
        self._input_layer: InputLayer | None = None  # Input(shape) given first, or made by build
        self.built = False
        # set by compile; every method that uses them checks for that first (_check_xy)
        self.optimizer: optimizers.Optimizer = None  # type: ignore[assignment]
        self.loss: Callable[[Any, Tensor], Tensor] = None  # type: ignore[assignment]
        self.metrics: list[Any] = []
        self._metric_names: list[str] = []
        self._stateful_names: list[str] = []  # the compiled metrics that are Metric objects (compile)
        self.stop_training = False
        self._observers: list[Any] = []  # who watches each layer and step (diagnostics.LayerStats); usually no one
        for layer in layers or []:
            self.add(layer)

    # ----------------------------------------------------------------------------------------------------------
    # Building the stack
    # ----------------------------------------------------------------------------------------------------------
    def add(self, layer: Layer | Sequential) -> None:
        """Append a layer — or a whole model, which then acts as one layer (Keras' Sequential([model, Softmax()]))."""
        if not isinstance(layer, (Layer, Sequential)):
            raise TypeError(f"Sequential.add expects a layer such as Dense(4) or Activation('tanh'), got {layer!r} "
                            f"of type {type(layer).__name__}")
        if isinstance(layer, InputLayer):
            if self.layers or self.input_shape is not None:
                raise ValueError("Input(...) must come first in a Sequential model")
            assert layer.input_shape is not None  # Input(shape) always has one
            self.input_shape = (None,) + layer.input_shape
            self._input_layer = layer
            return
        if any(existing.name == layer.name for existing in self.layers):
            raise ValueError(f"All layers in a Sequential model need unique names; '{layer.name}' is already used")
        input_shape = self.input_shape
        self.layers.append(cast(Layer, layer))  # a model added here acts as one layer: it has the same methods
        if len(self.layers) == 1 and self.input_shape is None and layer.input_shape is not None:
            # a layer's input_shape has no batch axis; a model's has it
            self.input_shape = layer.input_shape if isinstance(layer, Sequential) else (None,) + layer.input_shape
        if self.input_shape is not None:
            try:
                self.build(self.input_shape)
            except Exception:  # a layer that cannot take the output of the one before is not added
                self.layers.pop()
                self.input_shape = input_shape
                raise

    def pop(self) -> Layer:
        """Remove the last layer and return it, as Keras does. The model keeps its input shape (Keras 3 too)."""
        if not self.layers:
            raise IndexError(f"pop: the model '{self.name}' has no layers to remove")
        layer = self.layers.pop()
        if self.built:  # the layers left are built: this only recomputes the output shape
            self.build(cast(tuple, self.input_shape))
        return layer

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """The layer called ``name``, or the one at position ``index`` (negative counts from the end), as Keras."""
        if (name is None) == (index is None):
            raise ValueError(f"get_layer expects a layer name or a layer index, exactly one of them, got "
                             f"name={name!r}, index={index!r}")
        if index is not None:
            if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or \
                    not -len(self.layers) <= index < len(self.layers):
                raise ValueError(f"get_layer: index {index!r} is not a position in model '{self.name}', which has "
                                 f"{len(self.layers)} layers")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"get_layer: model '{self.name}' has no layer named {name!r}; its layers are "
                         f"{[layer.name for layer in self.layers]}")

    def build(self, input_shape: tuple) -> None:
        """Create every layer's weights for inputs of ``input_shape`` (batch axis included, as ``None``)."""
        shape = tuple(input_shape)
        self.input_shape = shape
        if self._input_layer is None or self._input_layer.shape != shape:
            self._input_layer = InputLayer(batch_shape=shape)
        for index, layer in enumerate(self.layers):
            if not layer.built:
                layer.build(shape)
                layer.built = True  # as Keras: a build() that forgets `self.built = True` still runs only once
            shape = _output_shape(layer, shape)
            layer.output_shape = shape
            # layer.output, for Model(inputs=model.inputs, outputs=layer.output): the chain up to this layer
            layer._output = KerasTensor(self._input_layer, _chain(self.layers[:index + 1]), shape)
        self.output_shape = shape
        self.built = True

    @property
    def inputs(self) -> list[InputLayer]:
        """[the model's Input], as Keras' model.inputs: where a functional Model built from its layers starts."""
        self._require_built("inputs")
        return [cast(InputLayer, self._input_layer)]

    @property
    def outputs(self) -> list[KerasTensor]:
        """[the chain of all its layers], as Keras' model.outputs."""
        self._require_built("outputs")
        return [KerasTensor(cast(InputLayer, self._input_layer), _chain(self.layers), cast(tuple, self.output_shape))]

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """As a layer of another model: the shape its layers give, in turn."""
        shape = tuple(input_shape)
        for layer in self.layers:
            shape = layer.compute_output_shape(shape)
        return shape

    def _require_built(self, what: str) -> None:
        if not self.built:
            raise ValueError(f"{what}: the model '{self.name}' has not been built yet, so it has no weights. Give its "
                             f"first layer input_shape=(...), start it with Input(shape), or call it on data first")

    def __call__(self, x: Any, training: bool | None = None) -> Tensor:
        """The forward pass, recorded for gradients: a Tensor in, a Tensor out. ``training`` goes to every layer
        whose call takes it (Dropout, BatchNormalization): fit passes True, predict and evaluate False."""
        x = _as_tensor(x)
        if not self.built:
            self.build((None,) + x.shape[1:])
        if self._observers:  # someone watches (diagnostics): hand them each layer's input and output
            for layer in self.layers:
                inputs, x = x, layer(x, training=training)
                for observer in self._observers:
                    observer.after_layer(layer, inputs, x)
            return x
        for layer in self.layers:
            x = layer(x, training=training)
        return x

    # ----------------------------------------------------------------------------------------------------------
    # Weights
    # ----------------------------------------------------------------------------------------------------------
    @property
    def weights(self) -> list[Tensor]:
        return [w for layer in self.layers for w in layer.weights]

    @property
    def trainable_weights(self) -> list[Tensor]:
        return [w for layer in self.layers for w in layer.trainable_weights]

    @property
    def non_trainable_weights(self) -> list[Tensor]:
        """The weights the optimizer leaves alone: moving statistics, and every weight of a frozen layer."""
        return [w for layer in self.layers for w in layer.non_trainable_weights]

    @property
    def losses(self) -> list[Tensor]:
        """Every layer's added losses (regularizers.py): what ``fit`` adds to the compiled loss."""
        return [loss for layer in self.layers if layer._losses or layer._regularized for loss in layer.losses]

    @property
    def _losses(self) -> list[Tensor]:  # as a layer of another model: its layers' last calls' added losses
        return [loss for layer in self.layers for loss in layer._losses]

    @property
    def _regularized(self) -> list[tuple[Tensor, Callable]]:  # ... and its layers' regularized weights
        return [pair for layer in self.layers for pair in layer._regularized]

    def count_params(self) -> int:
        return sum(layer.count_params() for layer in self.layers)

    def get_weights(self) -> list[np.ndarray]:
        """Copies of every weight: kernel then bias, layer by layer, as Keras orders them."""
        return [w.data.copy() for w in self.weights]

    def set_weights(self, weights: list[Any]) -> None:
        """Set every weight from a list like get_weights'. A wrong count or shape raises and changes nothing."""
        self._require_built("set_weights")
        _assign(self.weights, weights, f"model '{self.name}'")

    def _weight_keys(self) -> list[str]:
        """Names for a weight file that do not depend on the session's layer numbering: '0.Dense.kernel'."""
        return [f"{index}.{type(layer).__name__}.{str(w.name).rsplit('/', 1)[-1]}"
                for index, layer in enumerate(self.layers) for w in layer.weights]

    def save_weights(self, path: str | os.PathLike) -> None:
        """Write every weight to a numpy ``.npz`` file, atomically: a temporary file, then a rename."""
        self._require_built("save_weights")
        path = _file_path("save_weights", path)
        if path.endswith(".weights.h5"):  # Keras' format, written by Keras itself (interop.py)
            from .interop import save_keras_weights
            return save_keras_weights(self, path)
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
                arrays = dict(zip(self._weight_keys(), (w.data for w in self.weights), strict=True))
                np.savez(file, **arrays)  # type: ignore[arg-type]  # numpy's stub reads **arrays as allow_pickle
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)  # a reader sees the old file or the new one, never half of one
        except BaseException:
            if os.path.exists(temporary):
                os.remove(temporary)
            raise

    def load_weights(self, path: str | os.PathLike) -> None:
        """Read weights written by save_weights (never unpickling anything). A file that does not fit the model
        — wrong count, names or shapes, or not an npz at all — raises ValueError and changes nothing."""
        self._require_built("load_weights")
        path = _file_path("load_weights", path)
        if path.endswith(".weights.h5"):  # Keras' format, read by Keras itself (interop.py)
            from .interop import load_keras_weights
            return load_keras_weights(self, path)
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
        keys = self._weight_keys()
        if list(stored) != keys:
            missing = [k for k in keys if k not in stored]
            extra = [k for k in stored if k not in keys]
            raise ValueError(f"load_weights: the file does not fit model '{self.name}': it holds {len(stored)} arrays, "
                             f"the model has {len(keys)} weights"
                             + (f"; missing {missing}" if missing else "") + (f"; unexpected {extra}" if extra else "")
                             + ("; same names in another order" if not missing and not extra else "")
                             + "; nothing was changed")
        _assign(self.weights, [stored[k] for k in keys], f"model '{self.name}' (from {path!r})")

    def save(self, path: str | os.PathLike) -> None:
        """Write the whole model (layers, weights and, when both sides know its parts by name, the compile state) in
        Keras' ``.keras`` format, through ``to_keras``: ``keras.models.load_model`` and ``models.load_model`` read
        it. Needs Keras; ``save_weights('m.npz')`` does not."""
        path = _file_path("save", path)
        if not path.endswith(".keras"):
            raise ValueError(f"save writes Keras' .keras format, so the path must end in '.keras', got {path!r}; "
                             f"to save the weights without Keras, use save_weights('model.weights.npz')")
        from .interop import save_keras  # Keras is imported only here, never by `import tinygrad_acts`
        save_keras(self, path)

    def to_keras(self) -> Any:
        """This model as a real, uncompiled ``keras.Sequential`` (Keras 3): the same layers, activations and
        weights, so its ``predict`` gives ours. ``from_keras`` goes back. See interop.py."""
        from .interop import to_keras
        return to_keras(self)

    # ----------------------------------------------------------------------------------------------------------
    # Inference
    # ----------------------------------------------------------------------------------------------------------
    def _as_batch(self, x: Any, what: str) -> np.ndarray:
        """Data as a float32 array of samples. A 1-d array for a model with one input feature is N samples."""
        data = _as_tensor(x, f"{what}: x").data
        if data.ndim == 0:
            raise ValueError(f"{what} expects an array of samples, got a single number {data.item()!r}")
        if data.shape[0] == 0:
            raise ValueError(f"{what} got no samples (input of shape {data.shape})")
        if data.ndim == 1 and (self.input_shape == (None, 1) or (self.input_shape is None and self.layers
                                                                 and self.layers[0].input_shape is None)):
            data = data[:, None]  # as Keras: x of shape (13,) for input_shape=(1,) is 13 samples of one feature
        return data

    def predict(self, x: Any, batch_size: int | None = None, verbose: int | str = 0,
                callbacks: Sequence[Callback] | None = None) -> np.ndarray:
        """The model's output for ``x``, as a numpy array of floatx (float32), with nothing recorded for gradients.

        nan or inf in ``x`` give nan or inf in the rows they reach, silently, as in Keras.
        Unlike Keras (whose default is verbose='auto'), predict is silent by default: a lesson calls it often.
        """
        data = self._as_batch(x, "predict")
        batch_size = _batch_size("predict", batch_size)
        hooks = CallbackList(callbacks, self, "predict", verbose=verbose, epochs=1, steps=-(-len(data) // batch_size))
        batch_begin, batch_end = hooks.listening["on_predict_batch_begin"], hooks.listening["on_predict_batch_end"]
        hooks.call("on_predict_begin", {})
        outputs = []
        with no_grad(), _numpy_quiet_unless_finite(data):
            for batch, start in enumerate(range(0, len(data), batch_size)):
                for hook in batch_begin:
                    hook(batch, logs={})
                outputs.append(self(data[start:start + batch_size], training=False).data)
                for hook in batch_end:
                    hook(batch, logs={"outputs": outputs[-1]})
        hooks.call("on_predict_end", {})
        return np.concatenate(outputs).astype(backend.floatx(), copy=False)

    # ----------------------------------------------------------------------------------------------------------
    # Training
    # ----------------------------------------------------------------------------------------------------------
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, metrics: list | None = None) -> None:
        """Choose how fit() learns: an optimizer (name or instance), a loss (name or function) and metrics — names
        ('accuracy', 'mae', 'precision'), functions (y_true, y_pred) -> values, or Metric objects (Precision(),
        AUC(), your own subclass; a Metric class gives a new instance, as in Keras). A metric is logged under the
        name given, else under a Metric's ``name`` or a function's ``__name__``."""
        if loss is None:
            raise ValueError("compile needs a loss, e.g. loss='mse' or loss='binary_crossentropy'")
        if metrics is not None and not isinstance(metrics, (list, tuple)):
            raise ValueError(f"compile expects metrics as a list, e.g. metrics=['accuracy'], got {metrics!r}")
        # look everything up before changing anything: a bad name leaves the model as it was
        resolved = optimizers.get(optimizer), losses.get(loss), [metrics_module.get(m) for m in metrics or []]
        self.optimizer, self.loss, self.metrics = resolved
        self._metric_names = [given if isinstance(given, str) else metric.name
                              if isinstance(metric, metrics_module.Metric) else getattr(given, "__name__", "metric")
                              for given, metric in zip(metrics or [], self.metrics, strict=True)]
        # Metric objects (Precision(), AUC(), ...) keep a state across batches; their names, in log order
        self._stateful_names = [name for name, metric in zip(self._metric_names, self.metrics, strict=True)
                                if isinstance(metric, metrics_module.Metric)]

    @property
    def metrics_names(self) -> list[str]:
        """The labels of evaluate's list, ['loss', 'accuracy'], as Keras 2 (Keras 3 gives ['loss',
        'compile_metrics'], which does not label the list); [] before compile."""
        return ["loss", *self._metric_names] if self.loss is not None else []

    def _check_xy(self, x: Any, y: Any, what: str) -> tuple[np.ndarray, np.ndarray]:
        if self.loss is None:
            raise RuntimeError(f"{what}: call compile(optimizer=..., loss=...) before {what}")
        data = self._as_batch(x, what)
        if isinstance(y, np.ndarray) and y.dtype.kind in "iu":
            targets = y  # class ids stay integers: the loss then needs no check per batch that they are whole
        else:
            try:
                targets = _as_tensor(y, f"{what}: y").data
            except TypeError:
                _refuse_string_labels(y, what)
                raise
        if targets.ndim == 0 or len(targets) != len(data):
            raise ValueError(f"{what}: x has {len(data)} samples but y has "
                             f"{'a single value' if targets.ndim == 0 else len(targets)} (shapes {data.shape} and "
                             f"{targets.shape})")
        return data, targets

    def _metric_values(self, y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
        """Each metric on one batch: a function's batch mean; a Metric object updated with the batch, and its
        result() so far (fit and evaluate reset it when an epoch or an evaluation starts: reset_metrics)."""
        values = {}
        # one name per metric, made together in compile; a bare zip in fit's loop, as strict= costs ~0.3 µs a call
        for name, metric in zip(self._metric_names, self.metrics):  # noqa: B905
            if self._stateful_names and isinstance(metric, metrics_module.Metric):
                metric.update_state(y_true, y_pred)
                values.update(metrics_module.result_values(metric, name))
                continue
            if metric in ("accuracy", "acc"):
                metric = metrics_module.accuracy_for(y_true, y_pred)
            values[name] = float(np.mean(metric(y_true, y_pred)))
        return values

    def reset_metrics(self) -> None:
        """Start every Metric object afresh, as Keras' model.reset_metrics() (fit does it at each epoch)."""
        for metric in self.metrics:
            if isinstance(metric, metrics_module.Metric):
                metric.reset_state()

    def _with_results(self, means: dict[str, float], batch_logs: dict[str, float]) -> dict[str, float]:
        """Logs: running means over the samples so far, but a Metric object's own result(), which already covers
        them (batch_logs holds the latest one)."""
        if self._stateful_names:
            means.update({key: value for key, value in batch_logs.items() if key in self._stateful_names})
        return means

    def train_on_batch(self, x: Any, y: Any, sample_weight: Any = None, class_weight: dict | None = None,
                       return_dict: bool = False) -> Any:
        """One training step on one batch, as Keras 3: the loss on this batch (from the forward pass, before the
        update), or [loss, *metrics] when compiled with metrics, or a dict with ``return_dict=True``. If the loss or a
        gradient is nan or inf, the step is not taken, nothing changes, and the values returned are nan."""
        data, targets = self._check_xy(x, y, "train_on_batch")
        if self._stateful_names:  # as Keras 3: the values returned are this batch's
            self.reset_metrics()
        result = self._train_step(data, targets, sample_weight, class_weight)
        if result is None:
            values = {name: math.nan for name in self.metrics_names}
        else:
            values = {"loss": result[0], **self._metric_values(targets, result[1])}
        if return_dict:
            return values
        return values["loss"] if len(values) == 1 else list(values.values())

    def _train_step(self, x: np.ndarray, y: np.ndarray, sample_weight: Any = None,
                    class_weight: dict | None = None) -> tuple[float, np.ndarray] | None:
        """The step itself: forward, loss, backward, update. Returns (loss, predictions), or None — and changes
        nothing — when the loss or a gradient is nan or inf. ``sample_weight`` (one weight per sample) or
        ``class_weight`` ({class index: weight}) weight each sample's loss, as in fit."""
        if sample_weight is not None or class_weight is not None:  # checked before anything changes
            sample_weight = _sample_weights("train_on_batch", y, len(x), sample_weight, class_weight)
        params = self.trainable_weights
        for param in params:  # gradients accumulate: start this step from none
            param.grad = None
        predictions = self(Tensor(x), training=True)  # x is a checked float array (fit converted the data once)
        if sample_weight is None:
            loss = self.loss(y, predictions).mean()
        else:
            loss = _weighted_loss(self.loss, y, predictions, sample_weight)
        added = self.losses
        if added:  # regularization penalties and the layers' add_loss: part of the loss, as in Keras
            loss = loss + sum(added[1:], added[0])
        loss.backward()
        observers = self._observers
        if observers:  # diagnostics read the gradients here, before the step changes the weights
            for observer in observers:
                observer.after_backward(self)
        if not (math.isfinite(loss.item()) and _all_finite(p.grad for p in params if p.grad is not None)):
            self.optimizer.zero_grad(params)
            return None
        self.optimizer.step(params)
        for param in params:  # between steps the model holds no gradients (nor their memory)
            param.grad = None
        if observers:  # ... and here the step's change of each weight
            for observer in observers:
                observer.after_step(self)
        return loss.item(), predictions.data

    def fit(self, x: Any, y: Any, batch_size: int | None = 32, epochs: int = 1, verbose: int | str = "auto",
            validation_data: tuple | None = None, validation_split: float = 0.0, shuffle: bool = True,
            callbacks: Sequence[Callback] | None = None, class_weight: dict | None = None,
            sample_weight: Any = None) -> History:
        """Train for ``epochs`` passes over the data, ``batch_size`` samples per step.

        ``sample_weight`` (one number per sample) or ``class_weight`` ({class index: weight}; not both, as Keras)
        weight each sample's loss: a batch's loss is ``sum(w * loss) / batch size`` (losses.reduce_weighted_values).
        Compiled metrics are not weighted, as in Keras 3. ``validation_data`` may carry its own weights as a third
        item; ``validation_split`` splits sample_weight with the data (class weights weigh training only).

        Stops by itself, with a NanLossWarning naming the epoch and batch, if the loss or a gradient becomes nan or
        inf — keeping the weights from before that step (Keras needs the opt-in TerminateOnNaN, which keeps the
        broken weights). Any error during fit restores the weights and optimizer state fit() started with.
        """
        data, targets = self._check_xy(x, y, "fit")
        batch_size = _batch_size("fit", batch_size)
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(f"fit: epochs must be an integer >= 0, got {epochs!r}")
        if verbose not in ("auto", 0, 1, 2):
            raise ValueError(f"fit: verbose must be 'auto', 0 (silent), 1 (progress bar) or 2 (one line per epoch), "
                             f"got {verbose!r}")
        if isinstance(validation_split, bool) or not isinstance(validation_split, (int, float, np.number)) or \
                not 0.0 <= validation_split < 1.0:
            raise ValueError(f"fit: validation_split must be a number in [0, 1), got {validation_split!r}")
        if validation_data is not None and not (isinstance(validation_data, (tuple, list)) and
                                                len(validation_data) in (2, 3)):
            raise ValueError(f"fit: validation_data must be a pair (x_val, y_val) or a triple (x_val, y_val, "
                             f"val_sample_weight), got {validation_data!r:.100}")
        callbacks = check_callbacks(callbacks, "fit")
        weights = None if sample_weight is None and class_weight is None else \
            _sample_weights("fit", targets, len(data), sample_weight, class_weight)
        if validation_split:  # as Keras: the last fraction of the samples, taken before any shuffling
            cut = int(len(data) * (1 - validation_split))
            if cut == 0 or cut == len(data):
                raise ValueError(f"fit: validation_split={validation_split} leaves no samples for training or for "
                                 f"validation out of {len(data)}")
            validation_weights = weights[cut:] if weights is not None and class_weight is None else None
            data, targets, validation_data = data[:cut], targets[:cut], (data[cut:], targets[cut:], validation_weights)
            weights = None if weights is None else weights[:cut]
        if validation_data is not None:
            x_val, y_val = self._check_xy(validation_data[0], validation_data[1], "fit (validation_data)")
            validation_weights = validation_data[2] if len(validation_data) == 3 else None
            if validation_weights is not None:
                validation_weights = _sample_weights("fit (validation_data)", y_val, len(x_val), validation_weights,
                                                     None)
            validation_data = (x_val, y_val, validation_weights)
        verbose = 1 if verbose == "auto" else verbose
        if not self.built:
            self.build((None,) + data.shape[1:])
        if not self.trainable_weights:
            raise ValueError(f"fit: the model '{self.name}' has no trainable weights, so there is nothing to train; "
                             f"add a layer with weights, such as Dense(1)")

        history = History()  # last, as in Keras: it records what the others logged
        callback_list = CallbackList(callbacks + [history], self, "fit", verbose=verbose, epochs=int(epochs),
                                     steps=-(-len(data) // batch_size))
        snapshot = self.get_weights(), self.optimizer.get_state()
        observers = list(self._observers)
        try:
            with _numpy_quiet_unless_finite(data, targets):
                self._fit_loop(data, targets, int(batch_size), int(epochs), verbose, validation_data, shuffle,
                               callback_list, weights)
        except Exception:
            self.set_weights(snapshot[0])
            self.optimizer.set_state(snapshot[1])
            raise
        finally:  # an observer a callback added (LayerStats) leaves with fit, even when fit raised
            self._observers[:] = observers
        return history

    def _fit_loop(self, data, targets, batch_size, epochs, verbose, validation_data, shuffle, callbacks,
                  sample_weight=None) -> None:
        steps = -(-len(data) // batch_size)
        batch_begin, batch_end = callbacks.listening["on_train_batch_begin"], callbacks.listening["on_train_batch_end"]
        self.stop_training = False
        logs: dict[str, float] = {}
        callbacks.call("on_train_begin", {})
        for epoch in range(epochs):
            if verbose:
                print(f"Epoch {epoch + 1}/{epochs}")
            callbacks.call("on_epoch_begin", epoch, {})
            order = backend.rng().permutation(len(data)) if shuffle else None
            progress = ProgressBar(steps, verbose) if verbose else None
            if self._stateful_names:  # as Keras: Metric objects start each epoch afresh
                self.reset_metrics()
            totals: dict[str, float] = {}
            seen = 0
            for step in range(steps):
                rows = slice(step * batch_size, (step + 1) * batch_size)
                batch = rows if order is None else order[rows]  # unshuffled, a slice: the batch is a view, no copy
                x_batch, y_batch = data[batch], targets[batch]
                for hook in batch_begin:
                    hook(step, logs={})
                if sample_weight is None:
                    result = self._train_step(x_batch, y_batch)
                else:  # the same rows of the weights, shuffled or not
                    result = self._train_step(x_batch, y_batch, sample_weight=sample_weight[batch])
                if result is None:
                    warnings.warn(f"Epoch {epoch + 1}, batch {step + 1}: the loss or a gradient became nan or inf, so "
                                  f"training stopped; the weights are those from before this step", NanLossWarning,
                                  stacklevel=3)
                    self.stop_training = True
                    break
                loss_value, predictions = result
                batch_logs = {"loss": loss_value, **self._metric_values(y_batch, predictions)}
                for key, value in batch_logs.items():  # running means weighted by batch size, as Keras reports
                    totals[key] = totals.get(key, 0.0) + value * len(x_batch)
                seen += len(x_batch)
                if progress or batch_end:
                    running = self._with_results({k: v / seen for k, v in totals.items()}, batch_logs)
                    if progress:
                        progress.update(step + 1, running)
                    for hook in batch_end:
                        hook(step, logs=running)
                if self.stop_training:  # a callback asked to stop: as in Keras, the epoch still ends normally
                    break
            if self.stop_training and not seen:
                break
            logs = self._with_results({k: v / seen for k, v in totals.items()}, batch_logs)
            if validation_data is not None:
                results = cast(dict[str, float], self.evaluate(validation_data[0], validation_data[1],
                                                               batch_size=batch_size, return_dict=True,
                                                               callbacks=callbacks,
                                                               sample_weight=validation_data[2]))
                logs.update({f"val_{k}": v for k, v in results.items()})
            if progress:
                progress.finish(logs)
            callbacks.call("on_epoch_end", epoch, logs)
            if self.stop_training:
                break
        callbacks.call("on_train_end", logs)

    def evaluate(self, x: Any, y: Any, batch_size: int | None = 32, verbose: int | str = 0,
                 sample_weight: Any = None, return_dict: bool = False, callbacks: Sequence[Callback] | None = None
                 ) -> Any:  # float, list [loss, *metrics] or dict: Any, so `loss, acc = evaluate(...)` type-checks
        """The loss (and metrics) on ``x, y``, averaged over samples: a number, or [loss, *metrics] as Keras.
        With ``sample_weight`` each batch's loss is ``sum(w * loss) / batch size``, as in fit; metrics unweighted."""
        data, targets = self._check_xy(x, y, "evaluate")
        batch_size = _batch_size("evaluate", batch_size)
        weights = None if sample_weight is None else _sample_weights("evaluate", targets, len(data), sample_weight,
                                                                       None)
        steps = -(-len(data) // batch_size)
        hooks = callbacks if isinstance(callbacks, CallbackList) else \
            CallbackList(callbacks, self, "evaluate", verbose=verbose, epochs=1, steps=steps)  # fit passes its own
        batch_begin, batch_end = hooks.listening["on_test_batch_begin"], hooks.listening["on_test_batch_end"]
        hooks.call("on_test_begin", {})
        if self._stateful_names:  # as Keras: Metric objects start each evaluation afresh
            self.reset_metrics()
        totals: dict[str, float] = {}
        seen = 0
        with no_grad(), _numpy_quiet_unless_finite(data, targets):
            for step in range(steps):
                for hook in batch_begin:
                    hook(step, logs={})
                rows = slice(step * batch_size, (step + 1) * batch_size)
                x_batch, y_batch = data[rows], targets[rows]
                predictions = self(x_batch, training=False).data
                added = sum(float(loss.item()) for loss in self.losses)  # as in training, so the two compare
                if weights is None:
                    loss = self.loss(y_batch, Tensor(predictions)).mean()
                else:
                    loss = _weighted_loss(self.loss, y_batch, Tensor(predictions), weights[rows])
                batch_logs = {"loss": loss.item() + added, **self._metric_values(y_batch, predictions)}
                for key, value in batch_logs.items():  # means over samples, weighted by batch size as in fit
                    totals[key] = totals.get(key, 0.0) + value * len(x_batch)
                seen += len(x_batch)
                for hook in batch_end:
                    hook(step, logs=self._with_results({k: v / seen for k, v in totals.items()}, batch_logs))
        results = self._with_results({k: v / seen for k, v in totals.items()}, batch_logs)
        hooks.call("on_test_end", results)
        loss_value = results["loss"]
        if verbose:
            print(" - ".join(f"{k}: {v:.4f}" for k, v in results.items()))
        if return_dict:
            return results
        return loss_value if len(results) == 1 else list(results.values())

    def predict_on_batch(self, x: Any) -> np.ndarray:
        """The predictions for one batch, as one call: predict with the whole of x as its batch."""
        data = self._as_batch(x, "predict_on_batch")
        return self.predict(data, batch_size=max(len(data), 1))

    def test_on_batch(self, x: Any, y: Any, sample_weight: Any = None, return_dict: bool = False) -> Any:
        """The loss (and metrics) on one batch, with nothing changed: what evaluate gives for batch_size=len(x)."""
        data, targets = self._check_xy(x, y, "test_on_batch")
        if sample_weight is not None:  # checked here, so an error names test_on_batch
            sample_weight = _sample_weights("test_on_batch", targets, len(data), sample_weight, None)
        return self.evaluate(data, targets, batch_size=len(data), return_dict=return_dict, sample_weight=sample_weight)

    # ----------------------------------------------------------------------------------------------------------
    # Looking at the model
    # ----------------------------------------------------------------------------------------------------------
    def summary(self, print_fn: Callable[[str], Any] = print) -> None:
        """A table of layers, output shapes and parameter counts, like Keras'."""
        self._require_built("summary")
        widths = (34, 26, 12)
        rule = "_" * sum(widths)
        lines = [f'Model: "{self.name}"', rule,
                 f"{'Layer (type)':<{widths[0]}}{'Output Shape':<{widths[1]}}{'Param #':>{widths[2]}}",
                 "=" * sum(widths)]
        for i, layer in enumerate(self.layers):
            lines.append(f"{f'{layer.name} ({type(layer).__name__})':<{widths[0]}}"
                         f"{str(layer.output_shape):<{widths[1]}}{layer.count_params():>{widths[2]},}")
            lines.append(rule if i == len(self.layers) - 1 else "")
        trainable = sum(w.size for w in self.trainable_weights)
        total = self.count_params()
        lines += [f"Total params: {total:,} ({_bytes(self.weights)})",
                  f"Trainable params: {trainable:,} ({_bytes(self.trainable_weights)})",
                  f"Non-trainable params: {total - trainable:,}"]
        for line in lines:
            print_fn(line)

    def plot(self, to_file: str | os.PathLike | None = None, **kwargs: Any) -> str:
        """The layer stack as DOT text, drawn to ``to_file`` if given: see ``graph.plot_model`` for the options."""
        return plot_model(self, to_file, **kwargs)

    # ----------------------------------------------------------------------------------------------------------
    # The architecture as data: get_config, from_config, to_json (weights go to save_weights)
    # ----------------------------------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """The layers, in order, each as ``{'class_name': 'Dense', 'config': layer.get_config()}``, after an
        InputLayer entry when the input shape is known, as Keras 3's Sequential config lists them. No weights."""
        listed = bool(self.layers) and isinstance(self.layers[0], InputLayer)  # a functional model lists its input
        entries = [{"class_name": "InputLayer", "config": {"batch_shape": list(self.input_shape), "name": "input"}}] \
            if self.input_shape is not None and not listed else []
        entries += [{"class_name": type(layer).__name__, "config": layer.get_config()} for layer in self.layers]
        return {"name": self.name, "layers": entries}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Sequential:
        """A new model with the layers ``config`` describes (new weights: load them with set_weights or
        load_weights). Your own layer classes are found through ``custom_objects={'MyLayer': MyLayer}``."""
        return Sequential([_layer_from_config(entry, custom_objects) for entry in config["layers"]],
                          name=config.get("name"))

    def to_json(self, **kwargs: Any) -> str:
        """The architecture as JSON text (``json.dumps`` options pass through); ``models.model_from_json`` reads it."""
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()}, **kwargs)

    def __repr__(self) -> str:
        return f"<Sequential name={self.name!r}, layers={[layer.name for layer in self.layers]}>"


def _chain(layers: list[Layer]) -> tuple[Layer, ...]:
    """The layers a KerasTensor records: all but an InputLayer, which is where the chain starts."""
    return tuple(layer for layer in layers if not isinstance(layer, InputLayer))


def _output_shape(layer: Layer, shape: tuple) -> tuple:
    """The shape a layer gives for inputs of ``shape``. A layer of your own that does not define
    compute_output_shape is run once on one sample of zeros, as Keras runs it symbolically to find out."""
    if type(layer).__module__ == Layer.__module__ or type(layer).compute_output_shape is not \
            Layer.compute_output_shape or any(size is None for size in shape[1:]):
        return layer.compute_output_shape(shape)
    probed = getattr(layer, "_probed_shapes", None)  # (input shape, output shape), once per input shape
    if probed is None or probed[0] != shape:
        with no_grad():  # no training flag, as in Keras' symbolic call
            output = layer(np.zeros((1,) + tuple(shape[1:]), dtype=backend.floatx()))
        probed = layer._probed_shapes = (shape, (None,) + output.shape[1:])  # type: ignore[attr-defined]
    return probed[1]


class Model(Sequential):
    """Keras' functional API, for a chain of layers — its most common shape in tutorials:

        inputs = Input(shape=(2,))
        x = Dense(8, activation="relu")(inputs)
        outputs = Dense(1, activation="sigmoid")(x)
        model = Model(inputs=inputs, outputs=outputs)     # then compile, fit, predict, summary as for Sequential

    Calling a layer on ``inputs`` computes nothing: it gives a ``KerasTensor`` that remembers the chain of layers
    (``layers.py``). The model is the Sequential of that chain. One input and one output: with no layers that join
    two tensors, a graph cannot branch and merge again. Subclassing Model with your own ``call`` is not supported.
    """

    def __init__(self, inputs: Any = None, outputs: Any = None, name: str | None = None):
        if inputs is None or outputs is None:
            raise TypeError("Model(inputs, outputs) needs both: inputs = Input(shape=...), outputs = the result of "
                            "calling layers on it. (Subclassing Model with a call method is not supported here: "
                            "write the layers as a Sequential.)")
        inputs, outputs = _single("inputs", inputs), _single("outputs", outputs)
        if not isinstance(inputs, InputLayer):
            raise TypeError(f"Model: inputs must be what Input(shape=...) returns, got {type(inputs).__name__}")
        if not isinstance(outputs, (KerasTensor, InputLayer)):
            raise TypeError(f"Model: outputs must be the result of calling layers on the inputs, e.g. "
                            f"Dense(1)(x), got {type(outputs).__name__}")
        chain = () if isinstance(outputs, InputLayer) else outputs.layers
        if (outputs if isinstance(outputs, InputLayer) else outputs.source) is not inputs:
            raise ValueError("Model: outputs were not computed from these inputs (they start at another Input)")
        super().__init__([inputs, *chain], name=name or backend.unique_name("functional"))
        # as Keras 3, a functional model lists its InputLayer first: model.layers[1] is the first Dense
        inputs.built, inputs.output_shape = True, cast(tuple, self.input_shape)
        self.layers.insert(0, inputs)

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Model:
        """The same chain, rebuilt the functional way: the input, then each layer called on what came before."""
        entries = [_layer_from_config(entry, custom_objects) for entry in config["layers"]]
        if not entries or not isinstance(entries[0], InputLayer):
            raise ValueError("Model.from_config: the config must start with its InputLayer")
        x = inputs = entries[0]
        for layer in entries[1:]:
            x = layer(x)
        return cls(inputs, x, name=config.get("name"))


def _single(what: str, value: Any) -> Any:
    """The one input (or output) of a list, tuple or dict of one."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise ValueError(f"Model: {len(value)} {what} given; a model here has exactly one input and one output "
                             f"(layers that join tensors, such as Concatenate, do not exist here)")
        value = value[0]
    return value


def _layer_from_config(entry: dict[str, Any], custom_objects: dict[str, Any] | None) -> Any:
    """One layer (or a whole model, used as a layer) from its ``{'class_name': ..., 'config': ...}`` entry."""
    name, config = entry.get("class_name"), entry.get("config", {})
    known = {"Sequential": Sequential, "Model": Model, "Functional": Model, **(custom_objects or {})}
    cls = known.get(str(name)) or getattr(layers_module, str(name), None)
    if not (isinstance(cls, type) and issubclass(cls, (Layer, Sequential))):
        raise ValueError(f"from_config: unknown layer class {name!r}; a layer of your own is passed as "
                         f"custom_objects={{{name!r}: {name}}}")
    if issubclass(cls, InputLayer):
        return InputLayer(batch_shape=tuple(config["batch_shape"]), name=config.get("name"))
    if issubclass(cls, Sequential):
        return Sequential.from_config(config, custom_objects)
    return cls.from_config(config)


def model_from_json(json_string: str, custom_objects: dict[str, Any] | None = None) -> Sequential:
    """The model ``to_json`` described, with new weights, as keras.models.model_from_json."""
    try:
        description = json.loads(json_string)
    except (TypeError, json.JSONDecodeError) as error:
        raise ValueError(f"model_from_json expects the text model.to_json() wrote: {error}") from None
    if not isinstance(description, dict) or "config" not in description:
        raise ValueError("model_from_json expects the text model.to_json() wrote: {'class_name': ..., 'config': ...}")
    cls = Model if description.get("class_name") in ("Model", "Functional") else Sequential
    return cls.from_config(description["config"], custom_objects)


def _sample_weights(what: str, y: Any, samples: int, sample_weight: Any, class_weight: Any) -> np.ndarray:
    """One weight per sample, from ``sample_weight`` or from ``class_weight`` (not both, as in Keras), each a finite
    number >= 0 (Keras takes nan and negative weights too, and trains on them: nan ruins the weights, a negative
    weight rewards a larger loss)."""
    if sample_weight is not None and class_weight is not None:
        raise ValueError(f"{what}: give sample_weight or class_weight, not both (Keras refuses both too); to combine "
                         f"them, multiply them into one sample_weight: sample_weight * np.array([class_weight[c] for "
                         f"c in class_ids])")
    if class_weight is not None:
        return _class_weight_to_sample_weights(what, y, class_weight)
    try:
        weights = np.asarray(sample_weight.data if isinstance(sample_weight, Tensor) else sample_weight)
    except ValueError:  # a ragged list
        weights = np.asarray(None)
    if weights.dtype.kind not in "biuf":
        raise TypeError(f"{what}: sample_weight must be an array of numbers, one per sample, shape ({samples},); got "
                        f"{sample_weight!r:.80} of type {type(sample_weight).__name__}")
    if weights.ndim == 0 or len(weights) != samples:
        found = f"a single number {weights.item()!r}" if weights.ndim == 0 else \
            f"{len(weights)} weights (shape {weights.shape})"
        raise ValueError(f"{what}: sample_weight has {found} but x has {samples} samples; give one weight per sample, "
                         f"an array of shape ({samples},)")
    bad = ~(np.isfinite(weights) & (weights >= 0))  # nan compares False, quietly
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{what}: sample_weight holds {weights[where].item()!r} at index "
                         f"{where[0] if len(where) == 1 else where}; weights must be finite numbers >= 0 (give 0 "
                         f"to leave a sample out of the loss)")
    return weights if weights.dtype.kind == "f" else weights.astype(backend.floatx())


def _class_weight_to_sample_weights(what: str, y: Any, class_weight: Any) -> np.ndarray:
    """Keras' class_weight_to_sample_weights: each sample weighs its class's weight, 1 for a class the dict leaves
    out. A sample's class is its label rounded to an integer — the argmax of a one-hot row; a trailing axis of 1 is
    dropped first."""
    if not isinstance(class_weight, dict):
        raise TypeError(f"{what}: class_weight must be a dict {{class index: weight}}, e.g. {{0: 1.0, 1: 5.0}}, got "
                        f"{class_weight!r:.80} of type {type(class_weight).__name__}")
    table = {}
    for key, weight in class_weight.items():
        if isinstance(key, bool) or not (isinstance(key, (int, np.integer)) or
                                         isinstance(key, (float, np.floating)) and float(key).is_integer()):
            raise TypeError(f"{what}: class_weight keys must be integer class indices, got {key!r} of type "
                            f"{type(key).__name__}; write e.g. {{0: 1.0, 1: 5.0}}")
        if isinstance(weight, bool) or not isinstance(weight, (int, float, np.integer, np.floating)) or \
                not (math.isfinite(weight) and weight >= 0):
            raise ValueError(f"{what}: class_weight[{key!r}] is {weight!r}; class weights must be finite numbers "
                             f">= 0")
        table[int(key)] = float(weight)
    labels = np.asarray(y.data if isinstance(y, Tensor) else y)
    if labels.ndim > 1:
        labels = labels[..., 0] if labels.shape[-1] == 1 else labels.argmax(axis=-1)
    if labels.ndim != 1:
        raise ValueError(f"{what}: class_weight needs one class per sample: y of shape (n,), (n, 1) or one-hot "
                         f"(n, classes), got y of shape {np.shape(y)}; give sample_weight instead")
    if labels.dtype.kind not in "biuf" or not np.isfinite(labels).all():
        raise ValueError(f"{what}: class_weight needs finite class ids in y, got {labels[~np.isfinite(labels)][0]!r}"
                         if labels.dtype.kind == "f" else f"{what}: class_weight needs class ids in y, got dtype "
                         f"{labels.dtype}")
    class_ids = np.round(labels).astype(np.int64)
    weights = np.ones(len(class_ids), dtype=backend.floatx())
    for class_id, weight in table.items():
        weights[class_ids == class_id] = weight
    return weights


def _weighted_loss(loss: Callable, y: Any, predictions: Tensor, sample_weight: np.ndarray) -> Tensor:
    """A batch's loss with each sample's loss weighted, as Keras' compiled loss: a Loss object reduces as its
    ``reduction`` says; a loss function (a name in compile) gets Keras' default, ``sum(w * loss) / batch size``."""
    if isinstance(loss, losses.Loss):
        value = loss(y, predictions, sample_weight=sample_weight)
    else:
        value = losses.reduce_weighted_values(loss(y, predictions), sample_weight)
    return value if value.ndim == 0 else value.mean()  # reduction='none' is averaged, as the unweighted path does


def _batch_size(what: str, batch_size: Any) -> int:
    """A positive integer; None means Keras' default, 32."""
    if batch_size is None:
        return 32
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
        raise ValueError(f"{what}: batch_size must be a positive integer (or None for 32), got {batch_size!r}")
    return int(batch_size)


def _all_finite(arrays: Any) -> bool:
    """No nan or inf in any of the arrays, checked fast: an array's dot product with itself is nan or inf exactly
    when it holds one — or when its squared norm overflows (entries near 1e19 in float32: a gradient that has
    exploded anyway) — and BLAS makes it the cheapest full pass, with no temporary array."""
    return all(math.isfinite(np.dot(array.ravel(), array.ravel())) for array in arrays)


def _file_path(what: str, path: Any) -> str:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{what} expects a file path such as 'model.weights.npz', got {path!r}")
    return os.fspath(path)


def _numpy_quiet_unless_finite(*arrays: np.ndarray) -> contextlib.AbstractContextManager:
    """Silence numpy's floating-point warnings for data that hold nan or inf, and only then.

    Such data make numpy warn from inside some op ('invalid value encountered in matmul'), which says nothing useful:
    predict returns the nan or inf, as Keras does, and fit stops with a NanLossWarning naming the batch. On finite
    data numpy's warnings stay on, because there an overflow or a 0/0 would be a bug in the framework.
    """
    if all(np.isfinite(array).all() for array in arrays):  # exact, not _all_finite: data may hold huge values
        return contextlib.nullcontext()
    return np.errstate(over="ignore", invalid="ignore", divide="ignore")


def _bytes(weights: list[Tensor]) -> str:
    size = float(sum(w.data.nbytes for w in weights))
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.2f} {unit}"
        size /= 1024
    return ""


def load_model(path: str | os.PathLike) -> Sequential:
    """The model ``save('name.keras')`` wrote (or any Keras 3 Sequential of layers we have), compiled again when it
    was saved compiled, as keras.models.load_model. Needs Keras (the keras extra); see interop.py."""
    from .interop import load_keras_model  # Keras is imported only here, never by `import tinygrad_acts`
    layers, name, compile_arguments = load_keras_model(_file_path("load_model", path))
    model = Sequential(layers, name=name)
    if compile_arguments is not None:
        model.compile(**compile_arguments)
    return model


def from_keras(keras_model: Any) -> Sequential:
    """Our Sequential for a built ``keras.Sequential`` whose layers we all have, with a copy of its weights;
    an error names the first layer (or argument) that has no counterpart here. See interop.py."""
    from .interop import from_keras as layers_from_keras  # Keras is imported only here, never by `import tinygrad_acts`
    return Sequential(layers_from_keras(keras_model), name=keras_model.name)
