"""Training, the loop a textbook prints — Keras' compile, fit, evaluate and predict, for any model.

    for epoch in range(epochs):
        for x_batch, y_batch in batches(x, y):                        # shuffled each epoch
            loss = model.loss(y_batch, model(x_batch)).mean()         # forward
            loss.backward()                                           # every weight's gradient
            model.optimizer.step(model.trainable_weights)             # one step downhill

``fit`` is that loop and ``_train_step`` that step, with what Keras adds around them: metrics, callbacks, a
validation set, sample and class weights, regularization losses, and a stop before any step whose loss or gradient
is nan or inf. ``Trainer`` is a mixin: ``Sequential`` and ``Model`` inherit it, as Keras 3's models inherit its
Trainer; it asks of the model only ``__call__``, ``trainable_weights``, ``losses``, ``build`` and weights in and
out. The checks of x, y and the weights are in data.py.
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from . import backend, data, losses, metrics as metrics_module, optimizers
from .callbacks import Callback, CallbackList, History, ProgressBar, check_callbacks
from .keywords import SuggestsKeywords, suggests_keywords
from .tensor import Tensor, no_grad


class NanLossWarning(UserWarning):
    """fit() stopped because the loss or a gradient became nan or inf."""


class Trainer(SuggestsKeywords):
    """compile, fit, evaluate, predict, and their one-batch forms, as Keras 3's models have them."""

    def __init__(self) -> None:
        # set by compile; every method that uses them checks for that first (_check_xy)
        self.optimizer: optimizers.Optimizer = None  # type: ignore[assignment]
        self.loss: Callable[[Any, Tensor], Tensor] | None = None  # None: the model's own losses are the loss
        self.metrics: list[Any] = []
        self._metric_names: list[str] = []
        self._stateful_names: list[str] = []  # the compiled metrics that are Metric objects (compile)
        # a model of several outputs: per output, its name, loss, loss weight and metrics [(name, metric)] (compile)
        self._per_output: list[tuple[str, Callable | None, float, list[tuple[str, Any]]]] = []
        self._output_loss_values: dict[str, float] = {}  # each output's loss in the last step, for the logs
        self.stop_training = False

    # ----------------------------------------------------------------------------------------------------------
    # The loop
    # ----------------------------------------------------------------------------------------------------------
    @suggests_keywords
    def fit(self, x: Any, y: Any = None, batch_size: int | None = 32, epochs: int = 1, verbose: int | str = "auto",
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
        x_data, targets = self._check_xy(x, y, "fit")
        size = data.batch_size("fit", batch_size)
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(f"fit: epochs must be an integer >= 0, got {epochs!r}")
        verbose = _verbosity(verbose, "fit")
        if isinstance(validation_split, bool) or not isinstance(validation_split, (int, float, np.number)) or \
                not 0.0 <= validation_split < 1.0:
            raise ValueError(f"fit: validation_split must be a number in [0, 1), got {validation_split!r}")
        if validation_data is not None and not (isinstance(validation_data, (tuple, list)) and
                                                len(validation_data) in (2, 3)):
            raise ValueError(f"fit: validation_data must be a pair (x_val, y_val) or a triple (x_val, y_val, "
                             f"val_sample_weight), got {validation_data!r:.100}")
        callbacks = check_callbacks(callbacks, "fit")
        weights = None if sample_weight is None and class_weight is None else \
            data.sample_weights("fit", targets, len(x_data), sample_weight, class_weight)
        if validation_split:  # as Keras: the last fraction of the samples, taken before any shuffling
            cut = int(len(x_data) * (1 - validation_split))
            if cut == 0 or cut == len(x_data):
                raise ValueError(f"fit: validation_split={validation_split} leaves no samples for training or for "
                                 f"validation out of {len(x_data)}")
            validation_weights = weights[cut:] if weights is not None and class_weight is None else None
            validation_data = (x_data[cut:], targets[cut:], validation_weights)
            x_data, targets = x_data[:cut], targets[:cut]
            weights = None if weights is None else weights[:cut]
        if validation_data is not None:
            x_val, y_val = self._check_xy(validation_data[0], validation_data[1], "fit (validation_data)")
            validation_weights = validation_data[2] if len(validation_data) == 3 else None
            if validation_weights is not None:
                validation_weights = data.sample_weights("fit (validation_data)", y_val, len(x_val),
                                                         validation_weights, None)
            validation_data = (x_val, y_val, validation_weights)
        if not self.built:
            self.build((None,) + x_data.shape[1:])
        if not self.trainable_weights:
            raise ValueError(f"fit: the model '{self.name}' has no trainable weights, so there is nothing to train; "
                             f"add a layer with weights, such as Dense(1)")

        history = History()  # last, as in Keras: it records what the others logged
        callback_list = CallbackList(callbacks + [history], self, "fit", verbose=verbose, epochs=int(epochs),
                                     steps=-(-len(x_data) // size))
        snapshot = self.get_weights(), self.optimizer.get_state()
        try:
            self._fit_loop(x_data, targets, size, int(epochs), verbose, validation_data, shuffle, callback_list,
                           weights)
        except Exception:
            self.set_weights(snapshot[0])
            self.optimizer.set_state(snapshot[1])
            raise
        return history

    def _fit_loop(self, x, y, batch_size, epochs, verbose, validation_data, shuffle, callbacks,
                  sample_weight=None) -> None:
        steps = -(-len(x) // batch_size)
        batch_begin, batch_end = callbacks.listening["on_train_batch_begin"], callbacks.listening["on_train_batch_end"]
        looking = callbacks if callbacks.listening["on_train_batch_outputs"] or \
            callbacks.listening["on_train_batch_gradients"] else None  # someone looks inside each step
        self.stop_training = False
        logs: dict[str, float] = {}
        callbacks.call("on_train_begin", {})
        for epoch in range(epochs):
            if verbose:
                print(f"Epoch {epoch + 1}/{epochs}")
            callbacks.call("on_epoch_begin", epoch, {})
            order = backend.rng().permutation(len(x)) if shuffle else None
            progress = ProgressBar(steps, verbose) if verbose else None
            if self._stateful_names:  # as Keras: Metric objects start each epoch afresh
                self.reset_metrics()
            totals: dict[str, float] = {}
            seen = 0
            for step in range(steps):
                rows = slice(step * batch_size, (step + 1) * batch_size)
                batch = rows if order is None else order[rows]  # unshuffled, a slice: the batch is a view, no copy
                x_batch, y_batch = x[batch], y[batch]
                for hook in batch_begin:
                    hook(step, logs={})
                weights = None if sample_weight is None else sample_weight[batch]  # the same rows of the weights
                result = self._train_step(x_batch, y_batch, weights, looking=looking, batch=step)
                if result is None:
                    warnings.warn(f"Epoch {epoch + 1}, batch {step + 1}: the loss or a gradient became nan or inf, so "
                                  f"training stopped; the weights are those from before this step", NanLossWarning,
                                  stacklevel=4)  # the line that called fit: past _fit_loop, fit, suggests_keywords
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

    def _train_step(self, x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None,
                    looking: CallbackList | None = None, batch: int = 0) -> tuple[float, Any] | None:
        """The step itself: forward, loss, backward, update. Returns (loss, predictions), or None — and changes
        nothing — when the loss or a gradient is nan or inf. ``sample_weight``, one checked weight per sample,
        weights each sample's loss. ``looking``: callbacks that look inside the step (on_train_batch_outputs/
        gradients)."""
        x_in = Tensor(x) if type(x) is np.ndarray else x  # a checked float array (fit converted it), or Columns
        if looking is None:
            predictions = self(x_in, training=True)
        else:
            outputs = self.layer_outputs(x_in, training=True)
            for hook in looking.listening["on_train_batch_outputs"]:
                hook(batch, outputs)
            predictions = outputs[-1][2]
        params = self.trainable_weights  # after the forward pass, which builds the layers a first call builds
        for param in params:  # gradients accumulate: start this step from none
            param.grad = None
        loss = self._batch_loss(y, predictions, sample_weight)
        loss.backward()
        if looking is not None:  # the gradients are read before the step changes the weights
            for hook in looking.listening["on_train_batch_gradients"]:
                hook(batch, logs={})
        if not (math.isfinite(loss.item()) and data.all_finite(p.grad for p in params if p.grad is not None)):
            self.optimizer.zero_grad(params)
            return None
        self.optimizer.step(params)
        for param in params:  # between steps the model holds no gradients (nor their memory)
            param.grad = None
        if type(predictions) is not Tensor:  # several outputs: one array each
            return loss.item(), [p.data for p in _outputs_of(predictions)]
        return loss.item(), predictions.data

    def _batch_loss(self, y: Any, predictions: Any, sample_weight: np.ndarray | None) -> Tensor:
        """One batch's loss: the compiled loss (over several outputs, their weighted sum), plus what the layers
        added (regularization penalties and add_loss), as in Keras."""
        if self.loss is None:  # compiled without a loss (Keras allows it): the model's add_loss terms are the loss
            return self._only_added_loss("fit")
        if self._per_output:
            loss = self._several_losses(y, predictions, sample_weight)
        elif sample_weight is None:
            loss = self.loss(y, predictions).mean()
        else:
            loss = _weighted_loss(self.loss, y, predictions, sample_weight)
        added = self.losses
        return loss + sum(added[1:], added[0]) if added else loss

    @suggests_keywords
    def train_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, class_weight: dict | None = None,
                       return_dict: bool = False) -> Any:
        """One training step on one batch, as Keras 3: the loss on this batch (from the forward pass, before the
        update), or [loss, *metrics] when compiled with metrics, or a dict with ``return_dict=True``. If the loss or a
        gradient is nan or inf, the step is not taken, nothing changes, and the values returned are nan."""
        x_data, targets = self._check_xy(x, y, "train_on_batch")
        if sample_weight is not None or class_weight is not None:  # checked before anything changes
            sample_weight = data.sample_weights("train_on_batch", targets, len(x_data), sample_weight, class_weight)
        if self._stateful_names:  # as Keras 3: the values returned are this batch's
            self.reset_metrics()
        result = self._train_step(x_data, targets, sample_weight)
        if result is None:
            values = {name: math.nan for name in self.metrics_names}
        else:
            values = {"loss": result[0], **self._metric_values(targets, result[1])}
        if return_dict:
            return values
        return values["loss"] if len(values) == 1 else list(values.values())

    # ----------------------------------------------------------------------------------------------------------
    # Evaluation and inference: the same loop over batches, with nothing recorded for gradients
    # ----------------------------------------------------------------------------------------------------------
    @suggests_keywords
    def evaluate(self, x: Any, y: Any = None, batch_size: int | None = 32, verbose: int | str = 0,
                 sample_weight: Any = None, return_dict: bool = False, callbacks: Sequence[Callback] | None = None
                 ) -> Any:  # float, list [loss, *metrics] or dict: Any, so `loss, acc = evaluate(...)` type-checks
        """The loss (and metrics) on ``x, y``, averaged over samples: a number, or [loss, *metrics] as Keras.
        With ``sample_weight`` each batch's loss is ``sum(w * loss) / batch size``, as in fit; metrics unweighted."""
        x_data, targets = self._check_xy(x, y, "evaluate")
        size = data.batch_size("evaluate", batch_size)
        verbose = _verbosity(verbose, "evaluate")
        weights = None if sample_weight is None else data.sample_weights("evaluate", targets, len(x_data),
                                                                         sample_weight, None)
        steps = -(-len(x_data) // size)
        hooks = callbacks if isinstance(callbacks, CallbackList) else \
            CallbackList(callbacks, self, "evaluate", verbose=verbose, epochs=1, steps=steps)  # fit passes its own
        batch_begin, batch_end = hooks.listening["on_test_batch_begin"], hooks.listening["on_test_batch_end"]
        progress = ProgressBar(steps, verbose) if verbose else None
        hooks.call("on_test_begin", {})
        if self._stateful_names:  # as Keras: Metric objects start each evaluation afresh
            self.reset_metrics()
        totals: dict[str, float] = {}
        seen = 0
        with no_grad():
            for step in range(steps):
                for hook in batch_begin:
                    hook(step, logs={})
                rows = slice(step * size, (step + 1) * size)
                x_batch, y_batch = x_data[rows], targets[rows]
                output = self(x_batch, training=False)
                predictions = output.data if isinstance(output, Tensor) else [p.data for p in _outputs_of(output)]
                added = sum(float(loss.item()) for loss in self.losses)  # as in training, so the two compare
                if self.loss is None:  # compiled without a loss: the model's add_loss terms are all of it
                    compiled = 0.0 if self.losses else self._only_added_loss("evaluate").item()
                elif self._per_output:
                    compiled = self._several_losses(y_batch, [Tensor(p) for p in predictions],
                                                    None if weights is None else weights[rows]).item()
                elif weights is None:
                    compiled = self.loss(y_batch, Tensor(predictions)).mean().item()
                else:
                    compiled = _weighted_loss(self.loss, y_batch, Tensor(predictions), weights[rows]).item()
                batch_logs = {"loss": compiled + added, **self._metric_values(y_batch, predictions)}
                for key, value in batch_logs.items():  # means over samples, weighted by batch size as in fit
                    totals[key] = totals.get(key, 0.0) + value * len(x_batch)
                seen += len(x_batch)
                if progress or batch_end:
                    running = self._with_results({k: v / seen for k, v in totals.items()}, batch_logs)
                    if progress:
                        progress.update(step + 1, running)
                    for hook in batch_end:
                        hook(step, logs=running)
        results = self._with_results({k: v / seen for k, v in totals.items()}, batch_logs)
        hooks.call("on_test_end", results)
        if progress:  # as Keras: its progress line is the last callback, so it finishes after the others
            progress.finish(results)
        loss_value = results["loss"]
        if return_dict:
            return results
        return loss_value if len(results) == 1 else list(results.values())

    @suggests_keywords
    def test_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False) -> Any:
        """The loss (and metrics) on one batch, with nothing changed: what evaluate gives for batch_size=len(x)."""
        x_data, targets = self._check_xy(x, y, "test_on_batch")
        if sample_weight is not None:  # checked here, so an error names test_on_batch
            sample_weight = data.sample_weights("test_on_batch", targets, len(x_data), sample_weight, None)
        return self.evaluate(x_data, targets, batch_size=len(x_data), return_dict=return_dict,
                             sample_weight=sample_weight)

    @suggests_keywords
    def predict(self, x: Any, batch_size: int | None = None, verbose: int | str = 0,
                callbacks: Sequence[Callback] | None = None) -> np.ndarray:
        """The model's output for ``x``, as a numpy array of floatx (float32), with nothing recorded for gradients.

        nan or inf in ``x`` is refused with an error that names the first (Keras returns nan in the rows they reach).
        Unlike Keras (whose default is verbose='auto'), predict is silent by default: a lesson calls it often.
        """
        x_data = self._as_batch(x, "predict")
        size = data.batch_size("predict", batch_size)
        verbose, steps = _verbosity(verbose, "predict"), -(-len(x_data) // size)
        hooks = CallbackList(callbacks, self, "predict", verbose=verbose, epochs=1, steps=steps)
        batch_begin, batch_end = hooks.listening["on_predict_batch_begin"], hooks.listening["on_predict_batch_end"]
        progress = ProgressBar(steps, verbose) if verbose else None  # Keras' line, without logs: '3/3 ━━━ 0s 1ms/step'
        hooks.call("on_predict_begin", {})
        outputs = []
        with no_grad():
            for batch, start in enumerate(range(0, len(x_data), size)):
                for hook in batch_begin:
                    hook(batch, logs={})
                output = self(x_data[start:start + size], training=False)
                outputs.append(output.data if isinstance(output, Tensor) else output)
                for hook in batch_end:
                    hook(batch, logs={"outputs": outputs[-1]})
                if progress:
                    progress.update(batch + 1, {})
        hooks.call("on_predict_end", {})
        if progress:
            progress.finish({})
        if isinstance(outputs[0], np.ndarray):
            return np.concatenate(outputs).astype(backend.floatx(), copy=False)
        joined = [np.concatenate([_outputs_of(o)[i].data for o in outputs]).astype(backend.floatx(), copy=False)
                  for i in range(len(_outputs_of(outputs[0])))]  # several outputs: each joined over the batches
        return dict(zip(outputs[0], joined, strict=True)) if isinstance(outputs[0], dict) else joined

    def predict_on_batch(self, x: Any) -> np.ndarray:
        """The predictions for one batch, as one call: predict with the whole of x as its batch."""
        x_data = self._as_batch(x, "predict_on_batch")
        return self.predict(x_data, batch_size=max(len(x_data), 1))

    def _input_names(self) -> list[str]:
        """The names of the inputs of a model of several inputs; [] for one (Model overrides it)."""
        return []

    def _output_names_trained(self) -> list[str]:
        """The names of the outputs of a model of several outputs; [] for one (Model overrides it)."""
        return []

    def _as_batch(self, x: Any, what: str) -> np.ndarray:
        """x as checked samples; a 1-d x for a model of one input feature (or of unknown input) is N samples. For a
        model of several inputs, one array each (a list in order, or a dict by name), sliced together (Columns)."""
        names = self._input_names()
        if names:
            return cast(np.ndarray, data.columns(x, names, what, "input", lambda item, name: data.as_batch(
                item, f"{what} (input '{name}')", False)))
        one_feature = self.input_shape == (None, 1) or (
            self.input_shape is None and bool(self.layers) and self.layers[0].input_shape is None)
        return data.as_batch(x, what, one_feature)

    def _check_xy(self, x: Any, y: Any, what: str) -> tuple[np.ndarray, np.ndarray]:
        if self.optimizer is None:
            raise RuntimeError(f"{what}: call compile(optimizer=..., loss=...) before {what}")
        x_data = self._as_batch(x, what)
        if y is None:  # Keras: a model whose loss is its own (add_loss) is fitted on x alone
            if self.loss is not None:
                raise ValueError(f"{what}: y is missing, but the compiled loss compares predictions with y; give "
                                 f"{what}(x, y), or compile without a loss if the model's call adds its own (add_loss)")
            return x_data, np.zeros((len(x_data), 0), dtype=backend.floatx())
        names = self._output_names_trained()
        if names:
            return x_data, cast(np.ndarray, data.columns(y, names, what, "output", lambda item, name: data.as_targets(
                item, len(x_data), f"{what} (output '{name}')", x_data.shape)))
        return x_data, data.as_targets(y, len(x_data), what, x_data.shape)

    def _several_losses(self, y: Any, predictions: Any, sample_weight: np.ndarray | None) -> Tensor:
        """A model of several outputs: sum of loss weight * each output's loss (as Keras'); each output's own loss,
        unweighted, kept for the logs ('o1_loss')."""
        total: Tensor | None = None
        self._output_loss_values = {}
        for (name, loss, weight, _), target, prediction in zip(self._per_output, y.arrays,  # noqa: B905
                                                                _outputs_of(predictions)):
            if loss is None:
                continue
            part = loss(target, prediction).mean() if sample_weight is None else \
                _weighted_loss(loss, target, prediction, sample_weight)
            self._output_loss_values[f"{name}_loss"] = part.item()
            total = part * weight if total is None else total + part * weight
        assert total is not None  # compile gives every output a loss
        return total

    def _only_added_loss(self, what: str) -> Tensor:
        """Compiled without a loss: the model's own losses (add_loss in call) are the loss."""
        added = self.losses
        if not added:
            raise ValueError(f"{what}: model '{self.name}' was compiled without a loss and its call added none "
                             f"(self.add_loss); compile(optimizer=..., loss='mse'), or add a loss in call")
        return sum(added[1:], added[0])

    # ----------------------------------------------------------------------------------------------------------
    # compile, and the metrics it chose
    # ----------------------------------------------------------------------------------------------------------
    @suggests_keywords
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, metrics: Any = None,
                loss_weights: Any = None) -> None:
        """Choose how fit() learns: an optimizer (name or instance), a loss (name or function) and metrics — names
        ('accuracy', 'mae', 'precision'), functions (y_true, y_pred) -> values, or Metric objects (Precision(),
        AUC(), your own subclass; a Metric class gives a new instance, as in Keras). A metric is logged under the
        name given, else under a Metric's ``name`` or a function's ``__name__``.

        A model of several outputs takes, as Keras, a loss for each (one for all, a list in output order, or a dict
        by output name), ``loss_weights`` (a list or a dict: the training loss is the weighted sum), and metrics
        per output (a dict by name, or a list of lists); it logs 'loss', then '<output>_loss' and
        '<output>_<metric>' for each output."""
        names = self._output_names_trained()
        if names:
            self._compile_several(names, optimizer, loss, metrics, loss_weights)
            return
        if loss_weights is not None:
            raise ValueError(f"compile: loss_weights weighs the losses of a model of several outputs; model "
                             f"'{self.name}' has one output (got loss_weights={loss_weights!r})")
        if metrics is not None and not isinstance(metrics, (list, tuple)):
            raise ValueError(f"compile expects metrics as a list, e.g. metrics=['accuracy'], got {metrics!r}")
        # look everything up before changing anything: a bad name leaves the model as it was
        resolved = optimizers.get(optimizer), None if loss is None else losses.get(loss), \
            [metrics_module.get(m) for m in metrics or []]
        self.optimizer, self.loss, self.metrics = resolved
        self._metric_names = [given if isinstance(given, str) else metric.name
                              if isinstance(metric, metrics_module.Metric) else getattr(given, "__name__", "metric")
                              for given, metric in zip(metrics or [], self.metrics, strict=True)]
        # Metric objects (Precision(), AUC(), ...) keep a state across batches; their names, in log order
        self._stateful_names = [name for name, metric in zip(self._metric_names, self.metrics, strict=True)
                                if isinstance(metric, metrics_module.Metric)]
        self._per_output = []

    def _compile_several(self, names: list[str], optimizer: Any, loss: Any, metrics: Any, loss_weights: Any) -> None:
        """compile for a model of several outputs: everything looked up and checked before anything changes."""
        def per_output(argument: str, value: Any, default: Any) -> list:
            if value is None:
                return [default] * len(names)
            if isinstance(value, dict):
                if sorted(map(str, value)) != sorted(names):
                    raise ValueError(f"compile: {argument} is a dict with the keys {sorted(map(str, value))}, but the "
                                     f"model's outputs are named {names}; give one entry per output")
                return [value[name] for name in names]
            if isinstance(value, (list, tuple)) and (argument != "metrics" or all(
                    isinstance(item, (list, tuple)) for item in value)):
                if len(value) != len(names):
                    raise ValueError(f"compile: {argument} has {len(value)} entries, but the model has {len(names)} "
                                     f"outputs ({', '.join(names)}); give one per output, or a dict by name")
                return list(value)
            return [value] * len(names)  # one for every output
        resolved_losses = [None if entry is None else losses.get(entry) for entry in per_output("loss", loss, None)]
        weights = [float(w) for w in per_output("loss_weights", loss_weights, 1.0)]
        listed = per_output("metrics", metrics, [])
        resolved_metrics = []
        for name, entries in zip(names, listed, strict=True):
            entries = entries if isinstance(entries, (list, tuple)) else [entries]
            found = [(given if isinstance(given, str) else getattr(given, "__name__", "metric"),
                      metrics_module.get(given)) for given in entries]
            if any(isinstance(metric, metrics_module.Metric) for _, metric in found):
                raise ValueError(f"compile: output '{name}' has a Metric object; a model of several outputs takes "
                                 f"metric names or functions here (such as 'mae')")
            resolved_metrics.append(found)
        self.optimizer, self.loss = optimizers.get(optimizer), None if loss is None else resolved_losses[0]
        self.metrics, self._metric_names, self._stateful_names = [], [], []
        self._per_output = list(zip(names, resolved_losses, weights, resolved_metrics, strict=True))
        if loss is not None and any(entry is None for entry in resolved_losses):
            raise ValueError("compile: every output needs a loss")

    @property
    def metrics_names(self) -> list[str]:
        """The labels of evaluate's list, ['loss', 'accuracy'], as Keras 2 (Keras 3 gives ['loss',
        'compile_metrics'], which does not label the list); [] before compile."""
        if self._per_output:
            return ["loss", *(key for name, loss, _, found in self._per_output
                              for key in ([f"{name}_loss"] if loss is not None else []) +
                              [f"{name}_{metric_name}" for metric_name, _ in found])]
        return ["loss", *self._metric_names] if self.optimizer is not None else []

    def _metric_values(self, y_true: np.ndarray, y_pred: Any) -> dict[str, float]:
        """Each metric on one batch: a function's batch mean; a Metric object updated with the batch, and its
        result() so far (fit and evaluate reset it when an epoch or an evaluation starts: reset_metrics)."""
        if self._per_output:
            return self._several_metric_values(y_true, y_pred)
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

    def _several_metric_values(self, y_true: Any, y_pred: list[np.ndarray]) -> dict[str, float]:
        """Each output's loss of the last step, then its metrics, as Keras logs them ('o1_loss', 'o1_mae')."""
        values: dict[str, float] = {}
        for (name, _, _, found), target, prediction in zip(self._per_output, y_true.arrays, y_pred,  # noqa: B905
                                                            ):
            if f"{name}_loss" in self._output_loss_values:
                values[f"{name}_loss"] = self._output_loss_values[f"{name}_loss"]
            for metric_name, metric in found:
                if metric in ("accuracy", "acc"):
                    metric = metrics_module.accuracy_for(target, prediction)
                values[f"{name}_{metric_name}"] = float(np.mean(metric(target, prediction)))
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

    if TYPE_CHECKING:  # what the model that inherits Trainer provides (Sequential, Model)
        name: str
        built: bool
        input_shape: tuple | None

        @property
        def layers(self) -> list: ...

        __call__: Callable[..., Tensor]
        build: Callable[[tuple], None]
        layer_outputs: Callable[..., list]
        get_weights: Callable[[], list[np.ndarray]]
        set_weights: Callable[[list[Any]], None]

        @property
        def trainable_weights(self) -> Sequence[Tensor]: ...

        @property
        def losses(self) -> list[Tensor]: ...


def _verbosity(verbose: Any, what: str) -> int:
    """fit's, evaluate's and predict's ``verbose`` as Keras reads it: 'auto' is 1 (a progress bar; Keras too, outside
    Colab), 2 one plain line, 0 silence; anything else is refused."""
    if verbose not in ("auto", 0, 1, 2):  # True and False too, as 1 and 0
        raise ValueError(f"{what}: verbose must be 'auto', 0 (silent), 1 (progress bar) or 2 (one line per "
                         f"{'epoch' if what == 'fit' else 'call'}), got {verbose!r}")
    return 1 if verbose == "auto" else int(verbose)


def _outputs_of(predictions: Any) -> list:
    """A model's several outputs as a list: a list stays, a dict gives its values in order."""
    return list(predictions.values()) if isinstance(predictions, dict) else list(predictions)


def _weighted_loss(loss: Callable, y: Any, predictions: Tensor, sample_weight: np.ndarray) -> Tensor:
    """A batch's loss with each sample's loss weighted, as Keras' compiled loss: a Loss object reduces as its
    ``reduction`` says; a loss function (a name in compile) gets Keras' default, ``sum(w * loss) / batch size``."""
    if isinstance(loss, losses.Loss):
        value = loss(y, predictions, sample_weight=sample_weight)
    else:
        value = losses.reduce_weighted_values(loss(y, predictions), sample_weight)
    return value if value.ndim == 0 else value.mean()  # reduction='none' is averaged, as the unweighted path does
