"""The diagnostics' figures, drawn from a diagnostics.Record: Karpathy's histograms of each layer's outputs (or
pre-activations) and gradients, saturation and dead units over training, update-to-data ratios, gradient norms by
layer. Each function returns a matplotlib Figure (no pyplot: no global state, no window); matplotlib is imported
only when one is drawn."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # the figures read a record's arrays; diagnostics.py imports this module, not the other way
    from ..diagnostics import Record

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
    saturated_axes.set_title(f"Saturated: f'(z) < {record.saturation_threshold:.0%} of max f'")
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
