"""What runs around training: Keras' Callback hooks, the History fit() returns, EarlyStopping, the progress line."""
from __future__ import annotations

import sys
import time
from typing import Any, TextIO


class Callback:
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

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None: ...

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None: ...

    def on_test_begin(self, logs: dict | None = None) -> None: ...

    def on_test_end(self, logs: dict | None = None) -> None: ...

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None: ...

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None: ...

    def on_predict_begin(self, logs: dict | None = None) -> None: ...

    def on_predict_end(self, logs: dict | None = None) -> None: ...

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None: ...

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None: ...


BATCH_HOOKS = ("on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin", "on_test_batch_end",
               "on_predict_batch_begin", "on_predict_batch_end")


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


def _overrides(callback: Callback, hook: str) -> bool:
    """Whether ``callback`` does something at ``hook``: its method is not Callback's empty one."""
    return getattr(getattr(callback, hook), "__func__", None) is not getattr(Callback, hook)


class History(Callback):
    """``history.history`` maps 'loss', each metric and their 'val_' forms to one value per epoch."""

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs.

    With ``restore_best_weights=True`` the model ends with the weights of its best epoch. ``mode='auto'`` minimises
    losses and errors and maximises anything named like accuracy, as Keras does.
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0.0, patience: int = 0, mode: str = "auto",
                 restore_best_weights: bool = False):
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"EarlyStopping mode must be 'auto', 'min' or 'max', got {mode!r}")
        if patience < 0:
            raise ValueError(f"EarlyStopping patience must be >= 0, got {patience}")
        self.monitor, self.min_delta, self.patience = monitor, abs(min_delta), patience
        self.restore_best_weights = restore_best_weights
        self.maximize = mode == "max" or (mode == "auto" and "acc" in monitor)
        self.stopped_epoch = 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.best, self.best_weights, self.best_epoch, self.wait = None, None, 0, 0

    def _improved(self, value: float) -> bool:
        if self.best is None:
            return True
        return value - self.min_delta > self.best if self.maximize else value + self.min_delta < self.best

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        if self.monitor not in logs:
            raise ValueError(f"EarlyStopping monitors {self.monitor!r}, but training reports only {sorted(logs)}"
                             + ("; pass validation_data or validation_split to fit()" if self.monitor.startswith("val_")
                                else ""))
        value = logs[self.monitor]
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait > self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.restore_best_weights and self.best_weights is not None:
                self.model.set_weights(self.best_weights)


class LearningRateScheduler(Callback):
    """Before each epoch, ``optimizer.learning_rate = schedule(epoch, current learning rate)``, as in Keras.
    The rate used is logged as 'learning_rate'."""

    def __init__(self, schedule: Any):
        self.schedule = schedule

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self.model.optimizer.learning_rate = self.schedule(epoch, self.model.optimizer.learning_rate)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            logs["learning_rate"] = self.model.optimizer.learning_rate


class TerminateOnNaN(Callback):
    """Kept for Keras compatibility: fit() here always stops on a nan or inf loss, and keeps the last good weights."""


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
