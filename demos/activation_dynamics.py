# %% [markdown]
# # Inside the network: what activations do at initialization and while they train
# A deep network learns only if a signal can travel through it: forward, the activations must neither blow up nor
# shrink to nothing from layer to layer; backward, the gradient must reach the first layer. Both depend on the
# activation function *and* on the scale of the initial weights. We look inside 10-layer networks with
# ``tinygrad_acts.diagnostics``, layer by layer.
#
# 1. At initialization: 10 hidden layers of 64 units, for linear, sigmoid, tanh, relu and gelu, each with two naive
#    inits (RandomNormal with stddev 1.0 and 0.01) and its textbook init (Glorot for linear, sigmoid and tanh; He
#    for relu and gelu). One forward and one backward pass (``diagnostics.inspect``): the distribution of each
#    layer's outputs, their standard deviation, and the gradient norm per layer.
# 2. Training the same networks on the 3-class spiral (``train_spiral.py``) for a fixed budget: loss curves,
#    saturated and dead fractions, and update-to-data ratios over training (``diagnostics.LayerStats``).
# 3. Remedies: He init for ReLU; BatchNormalization before sigmoid and tanh; residual connections (identity
#    shortcuts) in deep sigmoid and tanh networks; LeakyReLU against the ReLUs that a too-high learning rate kills.
#
# Run: ``python demos/activation_dynamics.py [--out DIR] [--show] [--quick] [--seed N]``

# %%
from __future__ import annotations

import time
import warnings
from typing import cast

import numpy as np

import tinygrad_acts.backend as K
from tinygrad_acts import Tensor
from tinygrad_acts.diagnostics import LayerStats, Record, inspect
from tinygrad_acts.initializers import GlorotNormal, HeNormal, Initializer, RandomNormal
from tinygrad_acts.layers import Activation, Add, BatchNormalization, Dense, Input, add
from tinygrad_acts.losses import SparseCategoricalCrossentropy
from tinygrad_acts.models import Model, NanLossWarning, Sequential
from tinygrad_acts.optimizers import SGD, Adam
from tinygrad_acts.utils import set_random_seed

from _common import parse_args, pyplot, save
from train_spiral import make_spiral  # the spiral data: the same generator, imported (train_spiral runs nothing)

DEPTH, WIDTH = 10, 64  # hidden layers, units in each
SAMPLES, FEATURES = 512, 64  # section 1: inputs drawn from N(0, 1)
ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu", "gelu")
TRAINED = ("sigmoid", "tanh", "relu", "gelu")  # section 2 (a linear network cannot separate the spiral)
NAIVE = ("RandomNormal(1.0)", "RandomNormal(0.01)")
EPOCHS, QUICK_EPOCHS = 40, 3
LEARNING_RATE, MOMENTUM = 0.01, 0.9  # section 2: plain SGD, which, unlike Adam, does not rescale small gradients
GOOD_ADAM, HIGH_ADAM = 0.005, 0.1  # section 3: train_spiral.py's learning rate for Adam, and 20 times it
RECORD_EVERY = 10  # LayerStats: a record every 10th step
BN_MOMENTUM = 0.9  # BatchNormalization's moving averages over ~10 steps, not Keras' ~100: see section 3


# %% [markdown]
# ## The networks
# ``Dense(64, activation=...)`` ten times, then a linear output layer, every kernel drawn by the same initializer.
# The initializers are not seeded: each layer draws its own weights from the backend's generator, which
# ``set_random_seed`` makes reproducible. (A *seeded* initializer gives the same matrix at every call, as in Keras
# 3: ten identical layers.)
#
# Textbook inits (Keras' names): Glorot & Bengio (2010) draw weights of variance 2 / (fan_in + fan_out) — 1 / 64
# here — which keeps the variance of a linear or tanh layer's output near its input's. He et al. (2015) draw
# variance 2 / fan_in: ReLU zeroes half of its inputs, and the factor 2 gives the lost variance back.
#
# With batch_norm, each hidden layer is ``Dense(64, use_bias=False)`` -> ``BatchNormalization()`` ->
# ``Activation(...)``: the activation sees each unit normalized over the batch. (No bias: BatchNormalization
# subtracts the mean, and its beta is the bias.)

# %%
def initializer(name: str) -> Initializer:
    return {"RandomNormal(1.0)": RandomNormal(stddev=1.0), "RandomNormal(0.01)": RandomNormal(stddev=0.01),
            "GlorotNormal": GlorotNormal(), "HeNormal": HeNormal()}[name]


def textbook_init(activation: str) -> str:
    return "HeNormal" if activation in ("relu", "gelu", "leaky_relu") else "GlorotNormal"


def inits_for(activation: str) -> tuple[str, ...]:
    return NAIVE + (textbook_init(activation),)


def build_mlp(activation: str, init: str, inputs: int, outputs: int, batch_norm: bool = False,
              seed: int = 0) -> Sequential:
    """DEPTH hidden layers of WIDTH units and a linear output layer of ``outputs`` units, kernels from ``init``."""
    K.clear_session()
    set_random_seed(seed)
    layers = []
    for _ in range(DEPTH):
        if batch_norm:
            layers += [Dense(WIDTH, use_bias=False, kernel_initializer=initializer(init)),
                       BatchNormalization(momentum=BN_MOMENTUM), Activation(activation)]
        else:
            layers.append(Dense(WIDTH, activation=activation, kernel_initializer=initializer(init)))
    model = Sequential([*layers, Dense(outputs, kernel_initializer=initializer(init))])
    model.build((None, inputs))
    return model


def hidden(record: Record) -> list[int]:
    """The layers whose outputs are the DEPTH hidden layers' outputs: all but the output layer, or, with batch
    normalization, the Activation layer ending each block of three."""
    per_block = (len(record.layer_names) - 1) // DEPTH
    return [block * per_block + per_block - 1 for block in range(DEPTH)]


# %% [markdown]
# ## 1. At initialization
# 512 inputs of 64 features from N(0, 1), random regression targets from N(0, 1), mean squared error: one forward
# and one backward pass each (``inspect``), nothing trained. For every layer: the histogram of its outputs (Karpathy's
# picture), their standard deviation, and the norm of the gradient of the loss with respect to them.
#
# What to expect, layer by layer, for a layer of 64 inputs: with weights of standard deviation s, a pre-activation
# sums 64 products, so its standard deviation is about 8 s times the typical size of the layer's input. s = 1
# multiplies by 8 at every layer, s = 0.01 divides by 12.5, unless the activation bends it back: tanh and sigmoid
# cannot exceed 1, but then sit on their flat ends (saturated), where f' is about 0.

# %%
def init_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Section 1's inputs and random regression targets, from N(0, 1)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((SAMPLES, FEATURES)).astype(np.float32)
    return x, rng.standard_normal((SAMPLES, 1)).astype(np.float32)


def at_initialization(seed: int = 0) -> dict[tuple[str, str], Record]:
    x, y = init_data(seed)
    records = {}
    for activation in ACTIVATIONS:
        for init in inits_for(activation):
            with np.errstate(over="ignore"):  # relu and gelu at RandomNormal(1.0) reach 1e7, their squares 1e14
                records[activation, init] = inspect(build_mlp(activation, init, FEATURES, 1, seed=seed), x, y)
    return records


def summary_at_initialization(records: dict[tuple[str, str], Record]) -> None:
    print(f"{'activation':<10} {'init':<19} {'std, layer 10':>13} {'|grad| layer 1':>14} {'|grad| layer 10':>15} "
          f"{'layer 1 / 10':>12} {'saturated':>9}")
    for (activation, init), record in records.items():
        layers = hidden(record)
        std, grad = record.output_std[0, layers], record.grad_norm[0, layers]
        saturated = np.mean(record.saturated[0, layers])
        print(f"{activation:<10} {init:<19} {std[-1]:>13.2e} {grad[0]:>14.2e} {grad[-1]:>15.2e} "
              f"{grad[0] / grad[-1]:>12.1e} {'-' if np.isnan(saturated) else f'{saturated:.0%}':>9}")
    print("(std: of the 10th hidden layer's outputs; |grad|: norm of dLoss/d(output) of hidden layer 1 and 10; "
          "saturated: f'(z) below 5% of its largest, mean over the 10 layers; for ReLU that is the half at z < 0)")


# %% [markdown]
# ## 2. Training on the spiral
# The same ten-layer networks, now with 2 inputs and 3 outputs (logits: the loss applies the softmax itself,
# ``from_logits=True``, which stays exact when a logit is huge), trained for the same budget with the same
# optimizer: SGD with momentum, batches of 32. LayerStats records every 10th step: the saturated and dead fractions
# of each layer and the update-to-data ratio ||Δw|| / ||w|| of each weight (about 1e-3 is the rule of thumb).
#
# A run whose loss becomes inf or nan is stopped by ``fit`` (a NanLossWarning), keeping the last good weights.

# %%
def train(activation: str, init: str, optimizer, epochs: int, batch_norm: bool = False, seed: int = 0) -> dict:
    """Fit one ten-layer network on the spiral; its history, LayerStats record and where it stopped, if it did."""
    x, y = make_spiral(seed=seed)
    model = build_mlp(activation, init, 2, 3, batch_norm=batch_norm, seed=seed)
    model.compile(optimizer=optimizer, loss=SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    stats = LayerStats(every=RECORD_EVERY)
    start = time.perf_counter()
    # An exploding network overflows float32 on purpose here: fit sees the inf loss, stops and says so.
    with warnings.catch_warnings(record=True) as caught, np.errstate(over="ignore", invalid="ignore"):
        warnings.simplefilter("always", NanLossWarning)
        history = model.fit(x, y, batch_size=32, epochs=epochs, verbose=0, callbacks=[stats])
        loss, accuracy = model.evaluate(x, y)
    stopped = [str(w.message).split(":")[0] for w in caught if issubclass(w.category, NanLossWarning)]
    return {"model": model, "x": x, "y": y, "history": history.history, "record": stats.record, "loss": loss,
            "accuracy": accuracy, "stopped": stopped[0] if stopped else "", "seconds": time.perf_counter() - start}


def sgd() -> SGD:
    return SGD(learning_rate=LEARNING_RATE, momentum=MOMENTUM)


def kernel_ratios(record: Record) -> np.ndarray:
    """The update-to-data ratio of the hidden layers' kernels: [step, layer]."""
    kernels = [index for index, name in enumerate(record.weight_names) if name.endswith("kernel")][:DEPTH]
    return record.update_ratio[:, kernels]


def summary_of_training(runs: dict[tuple[str, str], dict]) -> None:
    print(f"{'activation':<10} {'init':<19} {'loss: first epoch -> last':>26} {'accuracy':>8} {'saturated':>9} "
          f"{'dead':>5} {'update ratio':>12}")
    for (activation, init), run in runs.items():
        record, losses = run["record"], run["history"]["loss"]
        layers = hidden(record)
        ratios = kernel_ratios(record)[-1]
        ratio = f"{np.median(ratios):.0e}" if np.isfinite(ratios).any() else "-"
        note = f"  stopped: {run['stopped']}" if run["stopped"] else ""
        print(f"{activation:<10} {init:<19} {losses[0]:>12.3g} -> {losses[-1]:<10.3g} {run['accuracy']:>8.0%} "
              f"{np.mean(record.saturated[-1, layers]):>9.0%} {np.mean(record.dead[-1, layers]):>5.0%} "
              f"{ratio:>12}{note}")
    print("(accuracy: of the final weights on the 300 training points; saturated, dead and the median update ratio "
          "of the hidden kernels: at the last recorded step)")


# %% [markdown]
# ## 3. Remedies
# **He init for ReLU** is section 2's third column.
#
# **BatchNormalization** before sigmoid and tanh: whatever the weights' scale, each unit enters the activation with
# mean 0 and standard deviation 1 over the batch, where sigmoid and tanh are steep. On the way back it multiplies the
# gradient by 1 / (the standard deviation it divided by), which undoes the shrinking. Two things to know:
#
# - ``inspect`` runs a model as ``predict`` does, so BatchNormalization would use its moving statistics (0 and 1 at
#   initialization) and change nothing. We read the network at initialization from LayerStats' first record in
#   training, step 0, taken in the forward pass before any update.
# - ``predict`` and ``evaluate`` use the moving averages of the batch statistics. In a run of 400 steps, where the
#   weights still move quickly, Keras' momentum of 0.99 (an average over the last ~100 batches) lags behind them;
#   0.9 (PyTorch's default, written 0.1 there) follows them. We print the accuracy both ways. Even so, the ten
#   sigmoid layers amplify the small gap between moving and batch statistics: the inference accuracy of that
#   network swings between about 30% and 95% from one epoch to the next, and which value the last epoch lands on
#   depends on the last bits of the arithmetic (on this machine's CPU kernels for matrix products, 46% to 70%).
#   The headline reports the steadier number, the accuracy on the training batches of the last 5 epochs.
#
# **Residual connections** (He et al. 2016): each hidden layer after the first adds its input to its output,
# ``h = add([h, Dense(64, activation)(h)])``, a graph of layers (``models.Model``). On the way back the shortcut
# passes the gradient on unchanged — d h_k / d h_(k-1) = I + J — so whatever the activation does to the branch, the
# gradient reaching layer 1 is at least about the one reaching layer 10. We measure it as in section 1 (one forward
# and one backward pass, the same data), against the same layers with the same weights chained without the
# shortcuts.
#
# **LeakyReLU** against dead ReLUs. A ReLU unit whose pre-activation is negative for every input outputs 0 and gets
# no gradient: nothing can bring it back. A too-high learning rate knocks many units there. A leaky unit (slope 0.2
# below 0, Keras' ``leaky_relu``) pushed there still passes 0.2 of the gradient, and can come back. We count, before
# and after training, the units whose pre-activation is <= 0 for all 300 training points, by hand with numpy.
# At this learning rate the leaky network is not well either: its loss swings up to 1e6 (a few points answered
# wrong with enormous logits), but it keeps learning where the ReLU network answers one class for every point.

# %%
BATCH_NORMALIZED = (("sigmoid", "GlorotNormal"), ("tanh", "RandomNormal(1.0)"))  # vanishing; saturated


def summary_of_batch_norm(plain: dict, normalized: dict, activation: str, init: str) -> None:
    """What BatchNormalization changes, at step 0 and after training."""
    def numbers(run: dict) -> tuple:
        record = run["record"]
        layers = hidden(record)
        return (record.preactivation_std[0, layers], np.mean(record.saturated[0, layers]), gradient_ratio(record),
                run["history"]["accuracy"][-1], run["accuracy"])

    for name, run in ((f"{activation}, {init}", plain), ("  + BatchNormalization", normalized)):
        z_std, saturated, ratio, batches, inference = numbers(run)
        print(f"{name:<30} step 0: std of z {z_std.min():.2f} to {z_std.max():.2f}, saturated {saturated:.0%}, "
              f"gradient layer 1 / 10 {ratio:.1e}; accuracy on the last epoch's batches {batches:.0%}, "
              f"at inference {inference:.0%}")


RESIDUAL = (("sigmoid", "GlorotNormal"), ("tanh", "GlorotNormal"))


def build_residual_mlp(activation: str, init: str, skips: bool, seed: int = 0) -> Model:
    """DEPTH hidden layers of WIDTH units and a linear output, as a graph: with ``skips``, every hidden layer after
    the first adds its input to its output. The same seed draws the same weights with and without them."""
    K.clear_session()
    set_random_seed(seed)
    inputs = Input(shape=(FEATURES,))
    h = Dense(WIDTH, activation=activation, kernel_initializer=initializer(init))(inputs)
    for _ in range(DEPTH - 1):
        branch = Dense(WIDTH, activation=activation, kernel_initializer=initializer(init))(h)
        h = add([h, branch]) if skips else branch
    return Model(inputs, Dense(1, kernel_initializer=initializer(init))(h))


def residual_gradients(activation: str, init: str, skips: bool, seed: int = 0) -> dict[str, np.ndarray]:
    """One forward and backward pass of section 1's data (mse): for each hidden layer, the std of its outputs and
    |dLoss/d(its outputs)|. A hidden layer's output is its Dense's, or, with skips, the sum after it."""
    x, y = init_data(seed)
    model = build_residual_mlp(activation, init, skips, seed)
    steps = model.layer_outputs(Tensor(x))
    outputs = [output for layer, _, output in steps if isinstance(layer, Add if skips else Dense)]
    outputs = [steps[0][2], *outputs] if skips else outputs[:DEPTH]  # the first layer has no shortcut
    for output in outputs:
        output.retain_grad()
    ((steps[-1][2] - y) ** 2).mean().backward()
    return {"std": np.array([output.data.std() for output in outputs]),
            "grad": np.array([np.linalg.norm(output.grad) for output in outputs])}


def residual_ratio(run: dict[str, np.ndarray]) -> float:
    """|dLoss/d(output)| of hidden layer 1 over hidden layer 10."""
    return float(run["grad"][0] / run["grad"][-1])


def never_positive(model: Sequential, x: np.ndarray) -> np.ndarray:
    """For each hidden layer, the fraction of units whose pre-activation is <= 0 on every row of x."""
    fractions, h = [], x
    for layer in cast(list[Dense], model.layers[:DEPTH]):
        kernel, bias = layer.get_weights()
        z = h @ kernel + bias
        fractions.append(np.mean(np.all(z <= 0, axis=0)))
        h = layer.activation(Tensor(z)).data
    return np.array(fractions)


def gradient_ratio(record: Record, step: int = 0) -> float:
    """|dLoss/d(output)| of hidden layer 1 over hidden layer 10, at a recorded step."""
    layers = hidden(record)
    return record.grad_norm[step, layers[0]] / record.grad_norm[step, layers[-1]]


# %% [markdown]
# ## 4. Figures
# One colour per init (the textbook one green), one panel per activation.

# %%
RATIO_FLOOR = 1e-14  # an update ratio of exactly 0 (the step too small to change a float32 weight) is drawn here
INIT_COLOURS = {"RandomNormal(1.0)": "#d62728", "RandomNormal(0.01)": "#1f77b4", "GlorotNormal": "#2ca02c",
                "HeNormal": "#2ca02c"}


def log_scale(ax) -> None:
    """A log y axis labelled 1e-03, without minor ticks: many panels of mathtext labels (10^-3) render slowly."""
    from matplotlib.ticker import FuncFormatter, NullLocator

    ax.set_yscale("log")
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0e}"))


def init_legend(plt) -> list:
    from matplotlib.lines import Line2D

    return [Line2D([], [], color=INIT_COLOURS["RandomNormal(1.0)"], marker="o", ms=3, label="RandomNormal(1.0)"),
            Line2D([], [], color=INIT_COLOURS["RandomNormal(0.01)"], marker="o", ms=3, label="RandomNormal(0.01)"),
            Line2D([], [], color=INIT_COLOURS["HeNormal"], marker="o", ms=3,
                   label="textbook: GlorotNormal (linear, sigmoid, tanh), HeNormal (relu, gelu)")]


def figure_histograms(plt, records: dict, out, show: bool) -> None:
    """Karpathy's picture: the output distribution of each of the 10 hidden layers, one panel per activation and
    init; darker lines are deeper layers."""
    fig, axes = plt.subplots(len(ACTIVATIONS), 3, figsize=(12, 2.0 * len(ACTIVATIONS)), sharex=True)
    from matplotlib import colormaps

    for row, activation in enumerate(ACTIVATIONS):
        for column, init in enumerate(inits_for(activation)):
            ax, record = axes[row, column], records[activation, init]
            centers = (record.value_edges[:-1] + record.value_edges[1:]) / 2
            for depth, layer in enumerate(hidden(record)):
                ax.plot(centers, record.output_hist[0, layer], color=colormaps["viridis_r"](0.1 + 0.8 * depth / 9),
                        lw=1, label=f"layer {depth + 1}" if depth in (0, 4, 9) else None)
            log_scale(ax)
            ax.set_ylim(1e-4, 1.5)
            ax.set_title(f"{activation}, {init}", fontsize=9)
            ax.tick_params(labelsize=7)
            if column == 0:
                ax.set_ylabel("fraction", fontsize=8)
            if row == len(ACTIVATIONS) - 1:
                ax.set_xlabel("output value (beyond ±4: in the end bins)", fontsize=8)
    axes[0, 0].legend(fontsize=7, loc="upper left")
    fig.suptitle("At initialization: the distribution of each hidden layer's outputs (10 layers of 64 units, "
                 "512 inputs from N(0, 1))", fontsize=11)
    fig.tight_layout()
    save(fig, out, "dynamics_init_histograms.png")


def figure_std_and_gradients(plt, records: dict, out, show: bool) -> None:
    fig, axes = plt.subplots(2, len(ACTIVATIONS), figsize=(15, 6.2), sharex=True)
    depth = np.arange(1, DEPTH + 1)
    for column, activation in enumerate(ACTIVATIONS):
        for init in inits_for(activation):
            record = records[activation, init]
            layers = hidden(record)
            style = {"color": INIT_COLOURS[init], "marker": "o", "ms": 3}
            axes[0, column].plot(depth, record.output_std[0, layers], **style)
            axes[1, column].plot(depth, record.grad_norm[0, layers], **style)
        axes[0, column].set_title(f"{activation}\n(textbook: {textbook_init(activation)})")
        axes[1, column].set_xlabel("hidden layer (1: next to the input)")
        for ax in axes[:, column]:
            log_scale(ax)
            ax.grid(True, alpha=0.3, which="major")
            ax.set_xticks([1, 4, 7, 10])
    axes[0, 0].set_ylabel("std of the layer's outputs")
    axes[1, 0].set_ylabel("|dLoss / d(layer's outputs)|")
    fig.suptitle("At initialization: forward, the outputs' spread; backward, the gradient reaching each layer "
                 "(log scales)")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    fig.legend(handles=init_legend(plt), loc="lower center", ncol=3, fontsize=9)
    save(fig, out, "dynamics_init_std_gradients.png")


def figure_training(plt, runs: dict, out, show: bool) -> None:
    """Per activation: the loss per epoch; the saturated and dead fractions (mean over the hidden layers) and the
    median update-to-data ratio of the hidden kernels over the training steps."""
    fig, axes = plt.subplots(4, len(TRAINED), figsize=(15, 11), sharex="row")
    for column, activation in enumerate(TRAINED):
        for init in inits_for(activation):
            run = runs[activation, init]
            record, colour = run["record"], INIT_COLOURS[init]
            layers = hidden(record)
            label = f"{init}: {run['accuracy']:.0%}" + (" (stopped: inf loss)" if run["stopped"] else "")
            losses = run["history"]["loss"]
            axes[0, column].plot(np.arange(1, len(losses) + 1), losses, color=colour, marker="o" if len(losses) < 5
                                 else None, label=label)
            style = {"color": colour, "marker": "o" if len(record.steps) < 3 else None}  # a stopped run: a dot
            axes[1, column].plot(record.steps, record.saturated[:, layers].mean(axis=1), **style)
            axes[2, column].plot(record.steps, record.dead[:, layers].mean(axis=1), **style)
            ratios = np.median(kernel_ratios(record), axis=1)
            axes[3, column].plot(record.steps, np.maximum(ratios, RATIO_FLOOR), **style)
        axes[0, column].set_title(activation)
        axes[0, column].legend(fontsize=7, title="init: training accuracy", title_fontsize=7)
        axes[0, column].set_xlabel("epoch")
        axes[3, column].axhline(1e-3, color="grey", ls=":", lw=1)
        axes[3, column].axhline(RATIO_FLOOR, color="black", lw=0.8)
        axes[3, column].set_ylim(RATIO_FLOOR / 10, 1e4)
        for row in (1, 2, 3):
            axes[row, column].set_xlabel("training step")
        for row in (1, 2):
            axes[row, column].set_ylim(-0.03, 1.03)
    axes[0, 0].set_ylabel("loss (crossentropy, log)")
    axes[1, 0].set_ylabel("saturated fraction\nf'(z) < 5% of max f'")
    axes[2, 0].set_ylabel("dead fraction\nunits with f'(z) = 0 on the batch")
    axes[3, 0].set_ylabel("update ratio ||Δw|| / ||w||\n(median kernel; dotted: 1e-3;\n0 drawn on the black line)")
    for ax in axes[0]:
        ax.set_yscale("log")  # losses: keep the minor ticks, they carry the values
    for ax in axes[3]:
        log_scale(ax)
    for ax in axes.ravel():
        ax.grid(True, alpha=0.3)
        ax.tick_params(labelsize=8)
    fig.suptitle(f"Training the ten-layer networks on the spiral: SGD(learning_rate={LEARNING_RATE}, "
                 f"momentum={MOMENTUM}), batches of 32")
    fig.tight_layout()
    save(fig, out, "dynamics_training.png")


def figure_remedies(plt, runs: dict, remedies: dict, out, show: bool) -> None:
    fig, axes = plt.subplots(3, 3, figsize=(15, 11.4))
    depth = np.arange(1, DEPTH + 1)
    # BatchNormalization: the pre-activation spread at step 0, and the loss curves
    for (activation, init), colour in zip((("sigmoid", "GlorotNormal"), ("tanh", "RandomNormal(1.0)")),
                                          ("#9467bd", "#ff7f0e"), strict=True):
        for batch_norm, style in ((False, "--"), (True, "-")):
            run = remedies["batch_norm", activation, init] if batch_norm else runs[activation, init]
            record = run["record"]
            layers = hidden(record)
            label = f"{activation}, {init}" + (" + BatchNormalization" if batch_norm else "")
            axes[0, 0].plot(depth, record.preactivation_std[0, layers], style, color=colour, marker="o", ms=3,
                            label=label)
            axes[0, 1].plot(depth, record.grad_norm[0, layers], style, color=colour, marker="o", ms=3, label=label)
            losses = run["history"]["loss"]
            axes[0, 2].plot(np.arange(1, len(losses) + 1), losses, style, color=colour,
                            label=f"{label}: {run['accuracy']:.0%}")
    axes[0, 0].set_title("std of each activation's input z, step 0")
    axes[0, 0].set_ylabel("std of z (the activation's input)")
    axes[0, 1].set_title("gradient reaching each layer, step 0")
    axes[0, 1].set_ylabel("|dLoss / d(layer's outputs)|")
    log_scale(axes[0, 1])
    axes[0, 2].set_title("loss per epoch (label: accuracy at the end)")
    axes[0, 2].set_ylabel("loss")
    for ax in axes[0, :2]:
        ax.set_xlabel("hidden layer (1: next to the input)")
        ax.set_xticks([1, 4, 7, 10])
    # LeakyReLU against dead ReLUs
    colours = {"relu": "#d62728", "leaky_relu": "#2ca02c"}
    for (activation, rate), run in ((key[1:], run) for key, run in remedies.items() if key[0] == "dead"):
        style = "-" if rate == HIGH_ADAM else ":"
        label = f"{activation}, Adam({rate})"
        record = run["record"]
        layers = hidden(record)
        axes[1, 0].plot(record.steps, record.dead[:, layers].mean(axis=1), style, color=colours[activation],
                        label=label)
        if rate == HIGH_ADAM:
            axes[1, 1].bar(depth + (-0.2 if activation == "relu" else 0.2), run["never_positive"], width=0.4,
                           color=colours[activation], label=label)
        losses = run["history"]["loss"]
        axes[1, 2].plot(np.arange(1, len(losses) + 1), losses, style, color=colours[activation],
                        label=f"{label}: {run['accuracy']:.0%}")
    axes[1, 0].set_title("dead units (f'(z) = 0 on the whole batch)")
    axes[1, 0].set_xlabel("training step")
    axes[1, 0].set_ylabel("fraction (mean over 10 layers)")
    axes[1, 0].set_ylim(-0.03, 1.03)
    axes[1, 1].set_title(f"after training at Adam({HIGH_ADAM}): units with z <= 0 on all 300\npoints "
                         f"(dead for relu; for leaky_relu still learning)")
    axes[1, 1].set_xlabel("hidden layer")
    axes[1, 1].set_ylabel("fraction of the layer's units")
    axes[1, 1].set_ylim(0, 1.03)
    axes[1, 2].set_title("loss per epoch (label: accuracy at the end)")
    axes[0, 2].set_xlabel("epoch")
    axes[1, 2].set_xlabel("epoch")
    for ax in (axes[0, 2], axes[1, 2]):
        ax.set_yscale("log")
    # Residual connections: the gradient reaching each layer, and the spread of its outputs, at initialization
    for (activation, init), colour in zip(RESIDUAL, ("#9467bd", "#ff7f0e"), strict=True):
        for skips, style in ((False, "--"), (True, "-")):
            run = remedies["residual", activation, init, skips]
            label = f"{activation}, {init}" + (" + shortcuts" if skips else "")
            axes[2, 0].plot(depth, run["grad"], style, color=colour, marker="o", ms=3,
                            label=f"{label}: layer 1 / 10 = {number(residual_ratio(run))}")
            axes[2, 1].plot(depth, run["std"], style, color=colour, marker="o", ms=3, label=label)
    axes[2, 0].set_title("residual connections: gradient reaching each layer, at init")
    axes[2, 0].set_ylabel("|dLoss / d(layer's outputs)|")
    log_scale(axes[2, 0])
    axes[2, 1].set_title("residual connections: std of each layer's outputs, at init")
    axes[2, 1].set_ylabel("std")
    log_scale(axes[2, 1])
    for ax in axes[2, :2]:
        ax.set_xlabel("hidden layer (1: next to the input)")
        ax.set_xticks([1, 4, 7, 10])
    axes[2, 2].axis("off")
    axes[2, 2].text(0.02, 0.5, "h_k = h_(k-1) + f(h_(k-1)):\nthe shortcut hands the gradient back unchanged,\n"
                    "d h_k / d h_(k-1) = I + J_f,\nso it cannot vanish on its way to layer 1\n(He et al. 2016)",
                    fontsize=10, va="center")
    for ax in axes.ravel():
        if ax.has_data():
            ax.grid(True, alpha=0.3)
            ax.legend(fontsize=7)
    fig.suptitle("Remedies: BatchNormalization before sigmoid and tanh (top); LeakyReLU against a too-high learning "
                 "rate (middle); residual connections (bottom)")
    fig.tight_layout()
    save(fig, out, "dynamics_remedies.png")


# %%
def main() -> None:
    args = parse_args("Inside ten-layer networks: activations and gradients at initialization, saturation, dead units "
                      "and update ratios in training, and the remedies.",
                      quick=f"{QUICK_EPOCHS} training epochs instead of {EPOCHS} (section 1 is the same)")
    epochs = QUICK_EPOCHS if args.quick else EPOCHS
    start = time.perf_counter()
    plt = pyplot(args.show)

    print(f"== 1. At initialization: {DEPTH} hidden layers of {WIDTH}, {SAMPLES} inputs of {FEATURES} features "
          f"from N(0, 1), mse to random targets ==")
    records = at_initialization(args.seed)
    summary_at_initialization(records)

    print(f"\n== 2. Training on the spiral: SGD(learning_rate={LEARNING_RATE}, momentum={MOMENTUM}), batches of 32, "
          f"{epochs} epochs ==")
    runs = {(activation, init): train(activation, init, sgd(), epochs, seed=args.seed)
            for activation in TRAINED for init in inits_for(activation)}
    summary_of_training(runs)

    print("\n== 3. Remedies ==")
    remedies: dict[tuple, dict] = {}  # keyed (remedy, activation, init or learning rate)
    for activation, init in BATCH_NORMALIZED:
        remedies["batch_norm", activation, init] = train(activation, init, sgd(), epochs, batch_norm=True,
                                                         seed=args.seed)
        summary_of_batch_norm(runs[activation, init], remedies["batch_norm", activation, init], activation, init)
    for activation, init in RESIDUAL:
        for skips in (False, True):
            remedies["residual", activation, init, skips] = residual_gradients(activation, init, skips, args.seed)
        print(f"{activation}, {init}, {DEPTH} layers at init: gradient layer 1 / 10 without shortcuts "
              f"{number(residual_ratio(remedies['residual', activation, init, False]))}, with "
              f"{number(residual_ratio(remedies['residual', activation, init, True]))}")
    for rate in (GOOD_ADAM, HIGH_ADAM):
        for activation in ("relu", "leaky_relu"):
            run = remedies["dead", activation, rate] = train(activation, "HeNormal", Adam(learning_rate=rate),
                                                             epochs, seed=args.seed)
            run["never_positive_at_init"] = never_positive(build_mlp(activation, "HeNormal", 2, 3, seed=args.seed),
                                                           run["x"])
            run["never_positive"] = never_positive(run["model"], run["x"])
            dead = np.mean(run["record"].dead[-1, hidden(run["record"])])
            print(f"{activation}, HeNormal, Adam(learning_rate={rate}): units with z <= 0 on all 300 points "
                  f"{run['never_positive_at_init'].mean():.0%} at init -> {run['never_positive'].mean():.0%} "
                  f"trained; dead on the last recorded batch {dead:.0%}; accuracy {run['accuracy']:.0%}")

    print("\n== Headlines ==")
    for line in headlines(records, runs, remedies):
        print(line)

    print()
    figure_histograms(plt, records, args.out, args.show)
    figure_std_and_gradients(plt, records, args.out, args.show)
    figure_training(plt, runs, args.out, args.show)
    figure_remedies(plt, runs, remedies, args.out, args.show)
    print(f"({time.perf_counter() - start:.0f} s)")
    if args.show:
        plt.show()


def number(value: float) -> str:
    """0.63, 28 or 1.6e+07: two significant digits."""
    return f"{value:.2g}" if 0.01 <= abs(value) < 100 else f"{value:.1e}"


LAST_EPOCHS = 5  # BatchNormalization's headline: an average over the last epochs, not one evaluation (section 3)


def late_accuracy(run: dict) -> float:
    """The mean accuracy on the training batches of the last LAST_EPOCHS epochs."""
    return float(np.mean(run["history"]["accuracy"][-LAST_EPOCHS:]))


def headlines(records: dict, runs: dict, remedies: dict) -> list[str]:
    """The handful of lines the README quotes."""
    lines = []
    for activation, init in (("sigmoid", "GlorotNormal"), ("sigmoid", "RandomNormal(0.01)"), ("tanh", "GlorotNormal")):
        lines.append(f"- at init, {activation} {init}: the gradient reaching layer 1 is "
                     f"{number(gradient_ratio(records[activation, init]))} times the one reaching layer 10")
    stds = {init: records["relu", init].output_std[0, hidden(records["relu", init])[-1]] for init in inits_for("relu")}
    lines.append("- at init, relu: std of layer 10's outputs " + ", ".join(f"{number(value)} with {init}"
                                                                         for init, value in stds.items()))
    trained = []
    for activation, init in (("relu", "HeNormal"), ("relu", "RandomNormal(1.0)"), ("relu", "RandomNormal(0.01)"),
                             ("sigmoid", "GlorotNormal"), ("tanh", "GlorotNormal")):
        run = runs[activation, init]
        stopped = " (inf loss, stopped)" if run["stopped"] else ""
        trained.append(f"{activation} {init} {run['accuracy']:.0%}{stopped}")
    lines.append(f"- trained with SGD, {len(runs['relu', 'HeNormal']['history']['loss'])} epochs, accuracy: "
                 + ", ".join(trained))
    for activation, init in BATCH_NORMALIZED:
        plain, normalized = runs[activation, init], remedies["batch_norm", activation, init]
        lines.append(f"- BatchNormalization before {activation} ({init}): gradient layer 1 / 10 at step 0 "
                     f"{number(gradient_ratio(plain['record']))} -> {number(gradient_ratio(normalized['record']))}; "
                     f"accuracy on the training batches of the last {LAST_EPOCHS} epochs "
                     f"{late_accuracy(plain):.0%} -> {late_accuracy(normalized):.0%}")
    for activation, init in RESIDUAL:
        lines.append(f"- residual connections in {activation} ({init}), at init: gradient layer 1 / 10 "
                     f"{number(residual_ratio(remedies['residual', activation, init, False]))} without shortcuts -> "
                     f"{number(residual_ratio(remedies['residual', activation, init, True]))} with them")
    relu, leaky = remedies["dead", "relu", HIGH_ADAM], remedies["dead", "leaky_relu", HIGH_ADAM]
    lines.append(f"- Adam({HIGH_ADAM}): ReLUs with z <= 0 on all 300 points {relu['never_positive_at_init'].mean():.0%}"
                 f" -> {relu['never_positive'].mean():.0%}, accuracy {relu['accuracy']:.0%}; LeakyReLU accuracy "
                 f"{leaky['accuracy']:.0%}")
    return lines


if __name__ == "__main__":
    main()
