"""What runs around training: Keras' Callback hooks, the History fit() returns, Keras 3's callbacks, the progress line.

The callbacks are Keras 3.15's, with its arguments, defaults, attributes and printed messages: EarlyStopping,
ModelCheckpoint, CSVLogger, TerminateOnNaN, ReduceLROnPlateau, LearningRateScheduler, LambdaCallback
(keras/src/callbacks/*.py). Where Keras accepts nonsense silently (an unknown mode, a negative patience) they raise.
"""
from __future__ import annotations

import csv
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from typing import Any, TextIO

import numpy as np

from . import metrics as metrics_module
from .keywords import SuggestsKeywords


class Callback(SuggestsKeywords):
    """Hooks that fit(), evaluate() and predict() call, with Keras 3's names, arguments and order.

    Before the first hook, ``set_model`` and ``set_params`` give ``self.model`` and ``self.params``
    (``{'verbose', 'epochs', 'steps'}``). Setting ``self.model.stop_training = True`` stops fit as Keras does: the
    epoch ends after the current batch (validation and on_epoch_end still run), and no other epoch starts.
    ``logs`` is always a dict: empty at a begin hook; at
    ``on_train_batch_end`` and ``on_test_batch_end`` the running means of the loss and metrics over the batches so
    far; at ``on_epoch_end`` and ``on_train_end`` those of the epoch, with ``val_`` entries after validation; at
    ``on_test_end`` the evaluation's results; at ``on_predict_batch_end`` ``{'outputs': the batch's predictions}``.
    fit() calls, for each epoch: on_epoch_begin, then on_train_batch_begin/end per batch, then (with validation
    data) on_test_begin, on_test_batch_begin/end per batch, on_test_end, then on_epoch_end; all of it between
    on_train_begin and on_train_end. Every callback of the list sees a hook before any sees the next one.
    ``on_batch_begin`` and ``on_batch_end`` are Keras 2's names for the train batch hooks; as in Keras 3,
    on_train_batch_begin/end call them, so a callback may override either name.
    """

    model: Any = None
    params: dict | None = None

    def set_model(self, model: Any) -> None:
        self.model = model

    def set_params(self, params: dict) -> None:
        self.params = params

    def on_train_begin(self, logs: dict | None = None) -> None: ...

    def on_train_end(self, logs: dict | None = None) -> None: ...

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None: ...

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None: ...

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.on_batch_end(batch, logs=logs)

    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None: ...

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None: ...

    def on_test_begin(self, logs: dict | None = None) -> None: ...

    def on_test_end(self, logs: dict | None = None) -> None: ...

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None: ...

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None: ...

    def on_predict_begin(self, logs: dict | None = None) -> None: ...

    def on_predict_end(self, logs: dict | None = None) -> None: ...

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None: ...

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None: ...

    # tinygrad_acts' own hooks, which Keras lacks: a look inside a training step (diagnostics.LayerStats uses them)
    def on_train_batch_outputs(self, batch: int, outputs: list) -> None:
        """After a training step's forward pass: ``outputs`` holds each layer's ``(layer, input, output)`` Tensors;
        ``output.retain_grad()`` keeps the output's gradient in ``.grad`` through the step's backward pass."""

    def on_train_batch_gradients(self, batch: int, logs: dict | None = None) -> None:
        """After the step's backward pass, before the optimizer's update: each weight's gradient is in ``.grad``."""


HOOKS = tuple(name for name in vars(Callback) if name.startswith("on_"))  # every hook's name, for LambdaCallback
BATCH_HOOKS = ("on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin", "on_test_batch_end",
               "on_predict_batch_begin", "on_predict_batch_end", "on_train_batch_outputs", "on_train_batch_gradients")


def check_callbacks(callbacks: Any, what: str) -> list[Callback]:
    """``callbacks`` as a list, or a ValueError saying what was expected — raised before any callback is touched."""
    if callbacks is None:
        return []
    if not isinstance(callbacks, (list, tuple)) or not all(isinstance(c, Callback) for c in callbacks):
        raise ValueError(f"{what}: callbacks must be a list of Callback objects such as EarlyStopping(...), got "
                         f"{callbacks!r}")
    return list(callbacks)


class CallbackList:
    """The callbacks of one fit(), evaluate() or predict() call, given the model and the params.

    ``call(hook, *args)`` calls a hook on every callback in order. The batch hooks run once per batch, so
    ``listening[hook]`` holds only the callbacks that override it — built once here; the loops skip an empty list,
    and a callback that does nothing costs nothing. As Keras, the loops pass batch hooks their logs by keyword.
    """

    def __init__(self, callbacks: Any, model: Any, what: str, **params: Any):
        self.callbacks = check_callbacks(callbacks, what)
        for callback in self.callbacks:
            callback.set_model(model)
            callback.set_params(params)
        self.listening = {hook: [getattr(c, hook) for c in self.callbacks if _overrides(c, hook)]
                          for hook in BATCH_HOOKS}

    def call(self, hook: str, *args: Any) -> None:
        for callback in self.callbacks:
            getattr(callback, hook)(*args)


LEGACY_NAMES = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}


def _overrides(callback: Callback, hook: str) -> bool:
    """Whether ``callback`` does something at ``hook``: its method is not Callback's own (for the train batch hooks,
    nor that of Keras 2's name, which Callback's calls). A function set on the instance (LambdaCallback) counts."""
    names = (hook, LEGACY_NAMES[hook]) if hook in LEGACY_NAMES else (hook,)
    return any(getattr(getattr(callback, name), "__func__", None) is not getattr(Callback, name) for name in names)


class History(Callback):
    """``history.history`` maps 'loss', each metric and their 'val_' forms to one value per epoch."""

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)


# ----------------------------------------------------------------------------------------------------------------
# Watching one logged quantity: EarlyStopping, ReduceLROnPlateau, ModelCheckpoint
# ----------------------------------------------------------------------------------------------------------------
ACCURACIES = (metrics_module.binary_accuracy, metrics_module.categorical_accuracy,
              metrics_module.sparse_categorical_accuracy)


def _direction(model: Any, monitor: str) -> str | None:
    """'min' or 'max' for a logged quantity, found as Keras 3 finds it (monitor_callback.py): 'loss' goes down, and a
    metric given to compile goes the way Keras' metric of that name does — accuracies up; errors, hinges and
    divergences down. None for anything else: Keras 3 no longer guesses from the name, as Keras 2 did ('acc' in it)."""
    name = monitor.removeprefix("val_")
    if name == "loss":
        return "min"
    names = getattr(model, "metrics_names", [])[1:]
    for metric_name, metric in zip(names, getattr(model, "metrics", []), strict=False):
        if metric_name == name:
            if metric in ("accuracy", "acc") or metric in ACCURACIES:
                return "max"
            if metric in metrics_module.ALL_METRICS.values():
                return "min"
    return None


def _check_count(owner: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{owner}: {name} must be a whole number of epochs >= 0, got {value!r}")
    return int(value)


class MonitorCallback(Callback):
    """What EarlyStopping, ReduceLROnPlateau and ModelCheckpoint share, as Keras 3's base class of that name: the
    logged quantity ``monitor``, which way is better (``mode``), and whether a value improves on another.

    ``mode='auto'`` takes the direction from the model (see ``_direction``) and raises if it is unknown; a value
    improves on the reference when ``value + min_delta < reference`` (mode 'min') or ``value - min_delta >
    reference`` (mode 'max'), so equal values and changes smaller than ``min_delta`` do not count.
    """

    def __init__(self, monitor: str = "val_loss", mode: str = "auto", baseline: float | None = None,
                 min_delta: float = 0.0):
        if mode not in ("auto", "min", "max"):  # Keras warns and falls back to 'auto': a typo would go unnoticed
            raise ValueError(f"{type(self).__name__}: mode must be 'auto', 'min' or 'max', got {mode!r}")
        if not isinstance(monitor, str):
            raise TypeError(f"{type(self).__name__}: monitor must be the name of a logged value such as 'val_loss', "
                            f"got {monitor!r}")
        self.monitor, self.mode, self.best, self.min_delta = monitor, mode, baseline, abs(min_delta)
        self.direction: str | None = None if mode == "auto" else mode

    def _set_direction(self) -> None:
        """For mode 'auto', which way is better: read once, from the model (Keras too raises for an unknown name)."""
        if self.direction is not None:
            return
        self.direction = _direction(self.model, self.monitor)
        if self.direction is None:
            known = ["loss", *getattr(self.model, "metrics_names", [])[1:]]
            raise ValueError(f"{type(self).__name__} callback received monitor={self.monitor!r}, but mode='auto' "
                             f"cannot tell whether it should be maximized or minimized (it knows {known} and their "
                             f"'val_' forms). Pass mode='max' to keep the highest value, or mode='min' for the lowest")

    def _is_improvement(self, value: float, reference: float | None) -> bool:
        if reference is None:
            return True
        if self.direction == "min":
            return bool(value + self.min_delta < reference)
        return bool(value - self.min_delta > reference)


def _missing(logs: dict, monitor: str) -> str:
    """Keras' 'Available metrics are: loss,mae', and what gives a missing 'val_' value."""
    hint = " (val_ values need validation_data or validation_split in fit())" if monitor.startswith("val_") else ""
    return f"Available metrics are: {','.join(logs)}{hint}"


class EarlyStopping(MonitorCallback):
    """Stop training when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs.

    At each epoch's end (from epoch ``start_from_epoch`` on) ``wait`` counts the epochs since the last improvement;
    training stops at the end of the epoch where ``wait >= patience`` (never after the first epoch). So with
    patience=2 and the best value in the third epoch, Keras runs 5 epochs. With a ``baseline``, only an improvement
    that also beats the baseline restarts the count. With ``restore_best_weights=True`` the model ends training —
    stopped early or not — with the weights of its best epoch. A missing ``monitor`` warns, as Keras does, and the
    epoch is not judged. Attributes as Keras': ``best``, ``best_epoch``, ``wait``, ``stopped_epoch`` (0-based).
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0, patience: int = 0, verbose: int = 0,
                 mode: str = "auto", baseline: float | None = None, restore_best_weights: bool = False,
                 start_from_epoch: int = 0):
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = _check_count("EarlyStopping", "patience", patience)
        self.start_from_epoch = _check_count("EarlyStopping", "start_from_epoch", start_from_epoch)
        self.verbose, self.baseline, self.restore_best_weights = verbose, baseline, restore_best_weights
        self.wait = self.stopped_epoch = self.best_epoch = 0
        self.best_weights: list[np.ndarray] | None = None

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._set_direction()  # Keras waits for the first epoch's end; the model already knows its metrics here
        self.wait = self.stopped_epoch = self.best_epoch = 0  # as Keras, one instance serves several fit() calls
        self.best, self.best_weights = None, None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._set_direction()
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(f"Early stopping conditioned on metric `{self.monitor}` which is not available. "
                          f"{_missing(logs, self.monitor)}", stacklevel=2)
        if value is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:  # the first epoch judged is the best so far
            self.best_weights, self.best_epoch = self.model.get_weights(), epoch
        self.wait += 1
        if self._is_improvement(value, self.best):
            self.best, self.best_epoch = value, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(value, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the optimizer's learning rate by ``factor`` when ``monitor`` has not improved for ``patience`` epochs.

    At each epoch's end it logs the rate the epoch used as 'learning_rate', then: during a cooldown (``cooldown``
    epochs after a reduction) it counts the cooldown down and ``wait`` stays 0; an improvement (by more than
    ``min_delta``) sets ``wait`` to 0; otherwise, out of cooldown, ``wait`` grows, and at ``wait >= patience`` the
    rate becomes ``max(rate * factor, min_lr)`` — unless it is at ``min_lr`` already. An optimizer whose
    learning_rate is a schedule cannot be reduced: setting it raises TypeError, as in Keras.
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10, verbose: int = 0,
                 mode: str = "auto", min_delta: float = 1e-4, cooldown: int = 0, min_lr: float = 0.0):
        super().__init__(monitor, mode, min_delta=min_delta)
        if isinstance(factor, bool) or not isinstance(factor, (int, float, np.number)) or not 0 <= factor < 1:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0 (nor < 0): the new rate is rate * "
                             f"factor. Received factor={factor!r}; write e.g. factor=0.1 to divide the rate by 10")
        if isinstance(min_lr, bool) or not isinstance(min_lr, (int, float, np.number)) or min_lr < 0:
            raise ValueError(f"ReduceLROnPlateau: min_lr must be a number >= 0, got {min_lr!r}")
        self.factor, self.min_lr, self.verbose = factor, min_lr, verbose
        self.patience = _check_count("ReduceLROnPlateau", "patience", patience)
        self.cooldown = _check_count("ReduceLROnPlateau", "cooldown", cooldown)
        self.cooldown_counter = self.wait = 0

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._set_direction()
        self.best, self.cooldown_counter, self.wait = None, 0, 0

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._set_direction()
        logs = logs if logs is not None else {}
        logs["learning_rate"] = float(self.model.optimizer.learning_rate)
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(f"Learning rate reduction is conditioned on metric `{self.monitor}` which is not "
                          f"available. {_missing(logs, self.monitor)}.", stacklevel=2)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(value, self.best):
            self.best, self.wait = value, 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience and self._reduce(epoch):
                self.cooldown_counter, self.wait = self.cooldown, 0

    def _reduce(self, epoch: int) -> bool:
        """Lower the rate; False if it is at min_lr already (compared in float32, in which Keras holds rates)."""
        optimizer = self.model.optimizer
        rate = float(optimizer.learning_rate)
        if not np.float32(rate) > np.float32(self.min_lr):
            return False
        new_rate = max(rate * self.factor, self.min_lr)
        optimizer.learning_rate = new_rate
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_rate}.")
        return True


class ModelCheckpoint(MonitorCallback):
    """Save the model (or its weights) after every epoch, or every ``save_freq`` batches, to ``filepath``.

    ``filepath`` may hold format fields filled from ``epoch`` (counted from 1), ``batch`` (from 1, with an integer
    save_freq) and the logs: ``'ckpt-{epoch:02d}-{val_loss:.2f}.weights.npz'``. With ``save_best_only=True`` a file
    is written only when ``monitor`` improves on the best so far (which starts at ``initial_value_threshold``); a
    missing ``monitor`` warns and saves. The folder is created if needed.

    Files, written by the model: with ``save_weights_only=True``, ``model.save_weights(filepath)``, so the path ends
    in ``.weights.h5`` as Keras asks (Keras' format: needs Keras installed) or in ``.npz`` (numpy's, always
    available); otherwise ``model.save(filepath)``, to a ``.keras`` file (Keras also takes its legacy ``.h5``).
    """

    def __init__(self, filepath: str | os.PathLike, monitor: str = "val_loss", verbose: int = 0,
                 save_best_only: bool = False, save_weights_only: bool = False, mode: str = "auto",
                 save_freq: str | int = "epoch", initial_value_threshold: float | None = None):
        super().__init__(monitor, mode, baseline=initial_value_threshold)
        if not isinstance(filepath, (str, os.PathLike)):
            raise TypeError(f"ModelCheckpoint expects a file path such as 'best.weights.npz', got {filepath!r}")
        self.filepath = os.fspath(filepath)
        self.verbose, self.save_best_only, self.save_weights_only = verbose, save_best_only, save_weights_only
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, (int, np.integer))
                                     or save_freq < 1):
            raise ValueError(f"Unrecognized save_freq: {save_freq!r}. Expected save_freq are 'epoch' or a number of "
                             f"batches >= 1")
        self.save_freq = save_freq if save_freq == "epoch" else int(save_freq)
        stem = self.filepath.removesuffix(".h5").removesuffix(".keras").removesuffix(".npz").removesuffix(".weights")
        if save_weights_only and not self.filepath.endswith((".weights.h5", ".npz")):
            raise ValueError(f"When using save_weights_only=True in ModelCheckpoint, the filepath must end in "
                             f"'.weights.h5' (Keras weights format, written through Keras) or '.npz' (numpy's, no "
                             f"Keras needed). Received: filepath={self.filepath!r}; write {stem + '.weights.npz'!r}")
        if not save_weights_only and not self.filepath.endswith(".keras"):
            raise ValueError(f"The filepath provided must end in '.keras' (Keras model format). Received: "
                             f"filepath={self.filepath!r}; write {stem + '.keras'!r}, or pass save_weights_only=True "
                             f"to save only the weights, to '.weights.h5' or '.npz'")
        self._batches_seen_since_last_saving, self._last_batch_seen, self._current_epoch = 0, -1, 0

    def _writer(self) -> Callable[[str], Any]:
        """model.save_weights, or model.save for a whole-model checkpoint, which a model may lack."""
        if self.save_weights_only:
            return self.model.save_weights
        save = getattr(self.model, "save", None)
        if save is None:
            raise ValueError(f"ModelCheckpoint: the model cannot save itself whole to {self.filepath!r}: it has "
                             f"save_weights but no save. Pass save_weights_only=True and a filepath ending in "
                             f"'.weights.npz', e.g. ModelCheckpoint('best.weights.npz', save_weights_only=True)")
        return save

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._set_direction()  # both before any training, so a mistake costs no epoch
        self._writer()

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._current_epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if isinstance(self.save_freq, str):  # 'epoch'
            return
        new_epoch = batch <= self._last_batch_seen  # batch numbers start again from 0
        self._batches_seen_since_last_saving += batch + 1 if new_epoch else batch - self._last_batch_seen
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            self._save(self._current_epoch, batch, logs or {})

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._set_direction()
        if self.save_freq == "epoch":
            self._save(epoch, None, logs or {})

    def _save(self, epoch: int, batch: int | None, logs: dict) -> None:
        filepath = self._file_path(epoch, batch, logs)
        if not self._should_save(epoch, logs, filepath):
            return
        if os.path.isdir(filepath):
            raise IsADirectoryError(f"Please specify a non-directory filepath for ModelCheckpoint. Filepath used is "
                                    f"an existing directory: {filepath}")
        folder = os.path.dirname(filepath)
        if folder:
            os.makedirs(folder, exist_ok=True)
        self._writer()(filepath)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _file_path(self, epoch: int, batch: int | None, logs: dict) -> str:
        """filepath with its fields filled: epoch and batch counted from 1, as Keras."""
        fields = {"epoch": epoch + 1, **({} if batch is None or "batch" in logs else {"batch": batch + 1}), **logs}
        try:
            return self.filepath.format(**fields)
        except KeyError as error:
            raise KeyError(f"Failed to format this callback filepath: {self.filepath!r}. Reason: {error} is not "
                           f"one of the fields available: {sorted(fields)}") from None

    def _should_save(self, epoch: int, logs: dict, filepath: str) -> bool:
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=4)
            return True
        if np.ndim(value) > 0:
            warnings.warn(f"Can save best model only when `monitor` is a scalar value. Received: {value}. Falling "
                          f"back to `save_best_only=False`.", stacklevel=4)
            return True
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(value, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to {value:.5f}, saving model to "
                      f"{filepath}")
            self.best = value
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False


# ----------------------------------------------------------------------------------------------------------------
# Logging, stopping on nan, changing the learning rate, callbacks from functions
# ----------------------------------------------------------------------------------------------------------------
class CSVLogger(Callback):
    """Write each epoch's logs as a row of a CSV file: ``epoch`` (from 0), then the log keys sorted by name.

    As Keras: the columns are fixed at the first epoch; if no 'val_' key is among them, a 'val_' column is added
    for each (validation may come later), and a missing value is written 'NA'. Numbers are written as Python
    prints them (``0.25``, ``0.1234567890123``); lines end in ``\\r\\n``, the csv module's default. With
    ``append=True`` rows go after an existing file's, and the header is written only into an empty file.
    """

    def __init__(self, filename: str | os.PathLike, separator: str = ",", append: bool = False):
        if not isinstance(filename, (str, os.PathLike)):
            raise TypeError(f"CSVLogger expects a file name such as 'training.csv', got {filename!r}")
        self.filename, self.sep, self.append = os.fspath(filename), separator, append
        self.keys: list[str] | None = None
        self.writer: csv.DictWriter | None = None
        self.csv_file: TextIO | None = None
        self.append_header = True

    def on_train_begin(self, logs: dict | None = None) -> None:
        if self.append and os.path.exists(self.filename):
            with open(self.filename) as file:
                self.append_header = not file.readline()
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.csv_file = open(self.filename, "a" if self.append else "w", newline="")  # closed at train end
        self.writer, self.keys = None, None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(key.startswith("val_") for key in self.keys):
                self.keys += [f"val_{key}" for key in self.keys]
        if self.writer is None:
            assert self.csv_file is not None, "CSVLogger: on_train_begin opens the file"
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch", *self.keys], delimiter=self.sep)
            if self.append_header:
                self.writer.writeheader()
        self.writer.writerow({"epoch": epoch, **{key: _csv_value(logs.get(key, "NA")) for key in self.keys}})
        assert self.csv_file is not None
        self.csv_file.flush()

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None


def _csv_value(value: Any) -> Any:
    """A log value for a CSV cell, as Keras writes it: a list or array as the text "[1, 2]" (quotes included)."""
    if isinstance(value, str) or not isinstance(value, Iterable) or \
            (isinstance(value, np.ndarray) and value.ndim == 0):
        return value
    return f'"[{", ".join(map(str, value))}]"'


class TerminateOnNaN(Callback):
    """Stop training when a batch's loss is nan or inf (or raise RuntimeError at once with ``raise_error=True``).

    As Keras: it reads ``logs['loss']`` at on_batch_end, prints ``Batch 3: Invalid loss, terminating training`` and
    sets ``model.stop_training``. Here fit() itself stops at the first nan or inf loss or gradient, before the step,
    with a NanLossWarning and the weights from before it — so inside fit this callback never sees such a loss; it is
    kept so that Keras code runs, and acts on the logs of any other caller.
    """

    def __init__(self, raise_error: bool = False):
        self.raise_error = raise_error

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is None or np.isfinite(loss):
            return
        if self.raise_error:
            raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. Terminating "
                               f"training immediately.")
        print(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True


class LearningRateScheduler(Callback):
    """Before each epoch, ``optimizer.learning_rate = schedule(epoch, current rate)``; the rate is logged as
    'learning_rate' at the epoch's end.

    As Keras: ``epoch`` counts from 0, a one-argument ``schedule(epoch)`` (Keras 2's form) works too, the schedule
    must return a float (an int such as 1 is an error: write 1.0), and an optimizer whose learning_rate is a
    schedule raises TypeError.
    """

    def __init__(self, schedule: Callable[..., float], verbose: int = 0):
        if not callable(schedule):
            raise TypeError(f"LearningRateScheduler expects a function schedule(epoch, lr) -> new lr, got {schedule!r}")
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        optimizer = self.model.optimizer
        try:
            rate = self.schedule(epoch, float(optimizer.learning_rate))
        except TypeError:  # Keras' fallback for a schedule of the epoch alone
            rate = self.schedule(epoch)
        if not isinstance(rate, (float, np.float32, np.float64)):
            raise ValueError(f"The output of the `schedule` function should be a float. Got: {rate!r} of type "
                             f"{type(rate).__name__}" + ("; write it as a float, e.g. 1.0 for 1"
                                                         if isinstance(rate, (int, np.integer)) else ""))
        optimizer.learning_rate = rate
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {rate}.")

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


class LambdaCallback(Callback):
    """A callback made of functions: ``LambdaCallback(on_epoch_end=lambda epoch, logs: print(logs['loss']))``.

    The six hooks named in the signature, and as keywords any other hook (``on_batch_end``, ``on_test_begin``, ...),
    as Keras 3. Each function takes the hook's arguments: ``(epoch, logs)`` for the epoch hooks, ``(logs)`` for
    train begin/end, ``(batch, logs)`` for batch hooks, which fit calls with ``logs`` by keyword. Unlike Keras,
    which silently keeps any keyword, a name that is not a hook raises.
    """

    def __init__(self, on_epoch_begin: Callable | None = None, on_epoch_end: Callable | None = None,
                 on_train_begin: Callable | None = None, on_train_end: Callable | None = None,
                 on_train_batch_begin: Callable | None = None, on_train_batch_end: Callable | None = None,
                 **kwargs: Callable):
        unknown = [name for name in kwargs if name not in HOOKS]
        if unknown:
            raise TypeError(f"LambdaCallback got {unknown}, which are not callback hooks; the hooks are {list(HOOKS)}")
        hooks = {"on_epoch_begin": on_epoch_begin, "on_epoch_end": on_epoch_end, "on_train_begin": on_train_begin,
                 "on_train_end": on_train_end, "on_train_batch_begin": on_train_batch_begin,
                 "on_train_batch_end": on_train_batch_end, **kwargs}
        for name, function in hooks.items():
            if function is None:
                continue
            if not callable(function):
                raise TypeError(f"LambdaCallback: {name} must be a function, got {function!r}")
            setattr(self, name, function)  # on the instance, it replaces the method: the hook calls the function


class ProgressBar:
    """Keras' progress line: ``12/32 ━━━━━━━━──────────── 0s 2ms/step - loss: 0.1234``.

    On a terminal the line is redrawn in place; anywhere else (a log file, CI) only the finished line is printed,
    so the output holds no control characters. ``verbose=2`` prints one plain line per epoch.
    """

    WIDTH = 20

    def __init__(self, steps: int, verbose: int, stream: TextIO | None = None):
        self.steps, self.verbose = steps, verbose
        self.stream = stream or sys.stdout
        self.interactive = verbose == 1 and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = time.perf_counter()
        self.last_draw = 0.0

    def _line(self, step: int, logs: dict) -> str:
        elapsed = time.perf_counter() - self.start
        per_step = elapsed / max(step, 1)
        metrics = "".join(f" - {entry}" for entry in format_logs(logs))
        if self.verbose == 2:
            return f"{step}/{self.steps} - {elapsed:.0f}s - {_duration(per_step)}/step{metrics}"
        done = int(self.WIDTH * step / self.steps)
        bar = "━" * done + "─" * (self.WIDTH - done)
        return f"{step}/{self.steps} {bar} {elapsed:.0f}s {_duration(per_step)}/step{metrics}"

    def update(self, step: int, logs: dict) -> None:
        """After each batch: redraw on a terminal, at most 20 times a second."""
        now = time.perf_counter()
        if self.interactive and (now - self.last_draw > 0.05 or step == self.steps):
            self.stream.write("\r" + self._line(step, logs) + "\033[K")  # \033[K clears what a longer line left
            self.stream.flush()
            self.last_draw = now

    def finish(self, logs: dict) -> None:
        line = self._line(self.steps, logs)
        self.stream.write(("\r" + line + "\033[K\n") if self.interactive else line + "\n")
        self.stream.flush()


def format_logs(logs: dict) -> list[str]:
    """'loss: 0.1234' for each entry, as Keras prints them: 4 decimals, or 4 significant digits below 1e-3."""
    return [f"{key}: {value:.4f}" if abs(value) > 1e-3 else f"{key}: {value:.4e}" for key, value in logs.items()]


def _duration(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.0f}s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms"
    return f"{seconds * 1e6:.0f}us"
