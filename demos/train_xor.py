# %% [markdown]
# # Training a network: XOR
# XOR is 1 when exactly one of its two inputs is 1. No straight line separates the 1s from the 0s in the plane,
# so no model without a hidden layer can learn it. Two inputs, four tanh units, one sigmoid output — 17 weights —
# are enough: the hidden layer bends the plane until one line does separate them.
#
# 1. The four examples and the 2-4-1 network, built and compiled the Keras way.
# 2. ``fit``: 300 passes over the four examples, a Keras-style line every 50 epochs.
# 3. The truth table the network learned, and its accuracy.
# 4. Figures: the learned function over the unit square, and the loss curve.
#
# Run: ``python demos/train_xor.py [--out DIR] [--show] [--quick] [--seed N]``

# %%
from __future__ import annotations

import time

import numpy as np

import tinygrad_acts.backend as K
from tinygrad_acts.layers import Dense
from tinygrad_acts.models import Sequential
from tinygrad_acts.optimizers import SGD
from tinygrad_acts.utils import set_random_seed

from _common import PrintEvery, parse_args, pyplot, save

EPOCHS = 300

# %% [markdown]
# ## 1. The data and the model
# The whole data set is the truth table: four inputs and their targets. The output is a probability (sigmoid), so
# the loss is binary crossentropy, and a prediction above 0.5 reads as 1.

# %%
XOR_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_TARGETS = np.array([[0], [1], [1], [0]], dtype=np.float32)


def build_model(seed: int = 0) -> Sequential:
    """The 2-4-1 network: Dense(4, tanh) then Dense(1, sigmoid), compiled with SGD + momentum and crossentropy."""
    K.clear_session()  # layer names from 'dense' again in the summary, however many models came before
    set_random_seed(seed)  # the same seed, the same initial weights and the same run
    model = Sequential([Dense(4, activation="tanh", input_shape=(2,)), Dense(1, activation="sigmoid")], name="xor")
    # A large step with momentum: on four examples every step sees them all, so the gradient is exact, not noisy
    model.compile(optimizer=SGD(learning_rate=0.5, momentum=0.9), loss="binary_crossentropy", metrics=["accuracy"])
    return model


# %% [markdown]
# ## 2. Training
# ``verbose=2`` would print one line per epoch — 300 lines. A callback prints the same Keras line every 50 epochs:
# ``fit`` calls ``on_epoch_end(epoch, logs)`` after each pass, ``logs`` holding the epoch's loss and metrics.
#
# Not every start succeeds: about 1 seed in 100 gets stuck with two of the four points at 0.5 — a region where the
# tanh units saturate and the gradient all but vanishes (try ``--seed 92``). Bigger layers make it rarer.

# %%


def train(seed: int = 0, epochs: int = EPOCHS, print_every: int | None = 50) -> dict:
    """Build the network and fit it on the four examples (each step sees all four: batch_size=4)."""
    model = build_model(seed)
    callbacks = [PrintEvery(print_every, epochs)] if print_every else []
    start = time.perf_counter()
    history = model.fit(XOR_INPUTS, XOR_TARGETS, batch_size=4, epochs=epochs, verbose=0, callbacks=callbacks)
    return {"model": model, "history": history.history, "epochs": epochs, "seconds": time.perf_counter() - start}


# %% [markdown]
# ## 3. What it learned
# ``predict`` gives the probability that the output is 1; rounding it gives the network's answer.

# %%
def truth_table(model: Sequential) -> float:
    """Print the learned truth table; return the accuracy (fraction of the four rows answered correctly)."""
    probabilities = model.predict(XOR_INPUTS)[:, 0]
    answers = (probabilities > 0.5).astype(int)
    print(f"{'x1':>3} {'x2':>3} | {'target':>6} | {'P(y=1)':>7} | {'answer':>6}")
    for (x1, x2), target, probability, answer in zip(XOR_INPUTS.astype(int), XOR_TARGETS[:, 0].astype(int),
                                                     probabilities, answers, strict=True):
        mark = "" if answer == target else "  <- wrong"
        print(f"{x1:>3} {x2:>3} | {target:>6} | {probability:>7.4f} | {answer:>6}{mark}")
    accuracy = float(np.mean(answers == XOR_TARGETS[:, 0]))
    print(f"accuracy: {accuracy:.0%} ({int(round(accuracy * 4))}/4)")
    return accuracy


# %% [markdown]
# ## 4. Figures
# The network is a function on the whole plane, not only on the four corners: colour shows P(y=1) over the unit
# square, the black line is where it crosses 0.5 — the decision boundary the hidden layer made possible.

# %%
def figures(results: dict, out, show: bool, resolution: int = 201) -> None:
    plt = pyplot(show)
    model, history = results["model"], results["history"]

    fig, ax = plt.subplots(figsize=(5.4, 4.6))
    axis = np.linspace(-0.25, 1.25, resolution, dtype=np.float32)
    grid_x, grid_y = np.meshgrid(axis, axis)
    grid = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    probability = model.predict(grid, batch_size=len(grid))[:, 0].reshape(grid_x.shape)
    image = ax.contourf(grid_x, grid_y, probability, levels=np.linspace(0, 1, 21), cmap="RdBu_r")
    ax.contour(grid_x, grid_y, probability, levels=[0.5], colors="k", linewidths=1.5)
    fig.colorbar(image, ax=ax, label="P(y = 1)", ticks=np.linspace(0, 1, 6))
    for (x1, x2), target in zip(XOR_INPUTS, XOR_TARGETS[:, 0], strict=True):
        ax.scatter(x1, x2, s=160, c="C3" if target else "C0", edgecolors="white", linewidths=2, zorder=3)
        ax.annotate(f"{int(x1)} xor {int(x2)} = {int(target)}", (x1, x2), xytext=(0, -20 if x2 < 0.5 else 14),
                    textcoords="offset points", ha="center", fontsize=9, color="k",
                    bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.8))
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_aspect("equal")
    ax.set_title("XOR as the 2-4-1 tanh network learned it\n(black line: P(y = 1) = 0.5)", fontsize=11)
    save(fig, out, "xor_decision.png")

    fig, ax = plt.subplots(figsize=(5.4, 3.6))
    epochs = np.arange(1, len(history["loss"]) + 1)
    ax.plot(epochs, history["loss"], color="C0", label="training loss")
    ax.axhline(np.log(2), color="grey", ls="--", lw=1, label="ln 2: answering 0.5 for every input")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("binary crossentropy")
    ax.set_title("XOR: training loss")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    save(fig, out, "xor_loss.png")
    if show:
        plt.show()


# %%
def main() -> None:
    args = parse_args("Train a 2-4-1 tanh network on XOR; print the truth table it learned.",
                      quick="a coarser figure grid (training is already quick)")
    print("== 1. The model ==")
    build_model(args.seed).summary()
    print(f"\n== 2. Training: SGD(learning_rate=0.5, momentum=0.9), binary crossentropy, {EPOCHS} epochs ==")
    results = train(seed=args.seed)
    print(f"trained in {results['seconds']:.2f} s")
    print("\n== 3. The learned truth table ==")
    truth_table(results["model"])
    print()
    figures(results, args.out, args.show, resolution=61 if args.quick else 201)


if __name__ == "__main__":
    main()
