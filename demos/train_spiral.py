# %% [markdown]
# # Training a classifier: three interleaved spirals
# The classic toy problem for classification (from Stanford's CS231n): three spiral arms in the plane, one class
# each. A softmax classifier gives, for each point, three probabilities that sum to 1; its answer is the largest.
#
# 1. The data: 100 points per arm, generated with numpy from a seed (no download).
# 2. Two softmax classifiers, trained the same way: one with no hidden layer — a linear classifier, whose regions
#    can only be separated by straight lines — and one with two hidden ReLU layers of 64 units.
# 3. Their accuracy on the training points, on fresh points from the same spirals, and where the errors are.
# 4. Figures: the decision regions of both, and the loss and accuracy curves.
#
# Run: ``python demos/train_spiral.py [--out DIR] [--show] [--quick] [--seed N]``

# %%
from __future__ import annotations

import time

import numpy as np

import tinygrad_acts.backend as K
from tinygrad_acts.layers import Dense
from tinygrad_acts.models import Sequential
from tinygrad_acts.optimizers import Adam
from tinygrad_acts.utils import set_random_seed

from _common import PrintEvery, parse_args, pyplot, save

CLASSES, POINTS_PER_CLASS, NOISE = 3, 100, 0.2
EPOCHS, QUICK_EPOCHS = 80, 40

# %% [markdown]
# ## 1. The data
# Arm k is the curve (r sin t, r cos t) with r going from 0 to 1 while the angle t turns by 4 radians, starting at
# 4k; noise on the angle blurs the arms. The labels are integers 0, 1, 2 — one per point, not one-hot — which is what
# ``sparse_categorical_crossentropy`` expects.

# %%
def make_spiral(points_per_class: int = POINTS_PER_CLASS, classes: int = CLASSES, noise: float = NOISE,
                seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points of shape (classes * points_per_class, 2), float32, and their integer labels (arm numbers)."""
    rng = np.random.default_rng(seed)
    radius = np.tile(np.linspace(0.0, 1.0, points_per_class), classes)
    labels = np.repeat(np.arange(classes), points_per_class)
    angle = np.linspace(0.0, 4.0, points_per_class)[None, :] + 4.0 * np.arange(classes)[:, None]
    angle = angle.ravel() + rng.normal(0.0, noise, radius.shape)
    points = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    return points.astype(np.float32), labels


# %% [markdown]
# ## 2. Two softmax classifiers
# Both end in ``Dense(3, activation='softmax')``: three scores turned into probabilities. With nothing before it,
# each score is linear in (x, y), so the regions where one class wins are bounded by straight lines. Two hidden
# ReLU layers let the boundaries bend.
#
# ``fit`` shuffles the points each epoch and takes a step per batch of 32: 10 steps an epoch. ``verbose=2`` would
# print 80 lines; ``PrintEvery`` prints Keras' one-line log every 10 epochs.

# %%
def build_model(hidden_units: tuple[int, ...] = (64, 64), seed: int = 0) -> Sequential:
    """A softmax classifier with the given hidden ReLU layers (none: a linear classifier)."""
    K.clear_session()  # layer names from 'dense' again in the summary
    set_random_seed(seed)
    hidden = [Dense(units, activation="relu") for units in hidden_units]
    model = Sequential([*hidden, Dense(CLASSES, activation="softmax")],
                       name="mlp" if hidden_units else "linear")
    model.build((None, 2))
    model.compile(optimizer=Adam(learning_rate=0.005), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model




def train(hidden_units: tuple[int, ...] = (64, 64), seed: int = 0, epochs: int = EPOCHS,
          points_per_class: int = POINTS_PER_CLASS, print_every: int | None = 10) -> dict:
    """Fit one classifier on the spiral made from ``seed``; return it with its history and training accuracy."""
    x, y = make_spiral(points_per_class, seed=seed)
    model = build_model(hidden_units, seed)
    callbacks = [PrintEvery(print_every, epochs)] if print_every else []
    start = time.perf_counter()
    history = model.fit(x, y, batch_size=32, epochs=epochs, verbose=0, callbacks=callbacks)
    seconds = time.perf_counter() - start
    loss, accuracy = model.evaluate(x, y)
    return {"model": model, "x": x, "y": y, "history": history.history, "epochs": epochs, "seconds": seconds,
            "loss": loss, "accuracy": accuracy}


# %% [markdown]
# ## 3. How well does each one do?
# The accuracy in the log lines is a running mean over the epoch, while the weights were still moving;
# ``evaluate`` measures the final weights. Fresh points drawn from the same spirals (another seed) show whether
# the network learned the spirals or only memorised its 300 points. The confusion matrix counts, for each true
# class (row), which class the network answered (column).

# %%
def report(results: dict, seed: int = 0) -> dict:
    model = results["model"]
    fresh_x, fresh_y = make_spiral(len(results["x"]) // CLASSES, seed=seed + 1000)
    fresh_accuracy = model.evaluate(fresh_x, fresh_y)[1]
    answers = np.argmax(model.predict(results["x"]), axis=-1)
    confusion = np.zeros((CLASSES, CLASSES), dtype=int)
    np.add.at(confusion, (results["y"], answers), 1)
    print(f"{model.name}: training accuracy {results['accuracy']:.2%} (loss {results['loss']:.4f}), "
          f"on {len(fresh_x)} fresh points {fresh_accuracy:.2%}, trained in {results['seconds']:.2f} s")
    print("  confusion matrix (rows: true class, columns: answer):")
    for label, row in enumerate(confusion):
        print(f"    class {label}: " + " ".join(f"{count:>4}" for count in row))
    return {"fresh_accuracy": fresh_accuracy, "confusion": confusion}


# %% [markdown]
# ## 4. Figures
# The decision regions: every point of the plane coloured by the class the network answers there.

# %%
COLOURS = ("#1f77b4", "#d62728", "#2ca02c")
LIGHT_COLOURS = ("#c6dbef", "#fcbba1", "#c7e9c0")


def figures(runs: dict[str, dict], out, show: bool, resolution: int = 301) -> None:
    plt = pyplot(show)
    from matplotlib.colors import ListedColormap

    fig, axes = plt.subplots(1, len(runs), figsize=(5.2 * len(runs), 5.0), squeeze=False)
    axis = np.linspace(-1.15, 1.15, resolution, dtype=np.float32)
    grid_x, grid_y = np.meshgrid(axis, axis)
    grid = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    for ax, (title, results) in zip(axes[0], runs.items(), strict=True):
        regions = np.argmax(results["model"].predict(grid, batch_size=len(grid)), axis=-1).reshape(grid_x.shape)
        ax.contourf(grid_x, grid_y, regions, levels=np.arange(CLASSES + 1) - 0.5, cmap=ListedColormap(LIGHT_COLOURS))
        ax.contour(grid_x, grid_y, regions, levels=np.arange(1, CLASSES) - 0.5, colors="grey", linewidths=0.6)
        for label in range(CLASSES):
            arm = results["x"][results["y"] == label]
            ax.scatter(arm[:, 0], arm[:, 1], s=14, c=COLOURS[label], edgecolors="white", linewidths=0.4,
                       label=f"class {label}")
        ax.set_title(f"{title}\ntraining accuracy {results['accuracy']:.1%}", fontsize=11)
        ax.set_aspect("equal")
        ax.set_xticks([-1, 0, 1])
        ax.set_yticks([-1, 0, 1])
    axes[0, 0].legend(loc="lower left", fontsize=8, framealpha=0.9)
    fig.suptitle("Decision regions of two softmax classifiers on the 3-class spiral", y=1.0)
    save(fig, out, "spiral_decision.png")

    fig, (loss_ax, accuracy_ax) = plt.subplots(1, 2, figsize=(10, 3.8))
    for (title, results), style in zip(runs.items(), ("--", "-"), strict=True):
        epochs = np.arange(1, len(results["history"]["loss"]) + 1)
        loss_ax.plot(epochs, results["history"]["loss"], style, color="C0", label=title)
        accuracy_ax.plot(epochs, results["history"]["accuracy"], style, color="C3", label=title)
    accuracy_ax.axhline(1 / CLASSES, color="grey", ls=":", lw=1, label="guessing (1/3)")
    loss_ax.set_ylabel("sparse categorical crossentropy")
    accuracy_ax.set_ylabel("training accuracy")
    accuracy_ax.set_ylim(0, 1.02)
    for ax in (loss_ax, accuracy_ax):
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("Spiral: loss and accuracy per epoch (running means over each epoch's batches)")
    fig.tight_layout()
    save(fig, out, "spiral_history.png")
    if show:
        plt.show()


# %%
def main() -> None:
    args = parse_args("Classify a 3-class spiral with a softmax classifier; decision-region figure.",
                      quick=f"{QUICK_EPOCHS} epochs instead of {EPOCHS} and a coarser figure grid")
    epochs = QUICK_EPOCHS if args.quick else EPOCHS
    runs = {}
    print(f"== 1-2. Adam(learning_rate=0.005), sparse categorical crossentropy, batches of 32, {epochs} epochs ==")
    print("-- no hidden layer (a linear classifier) --")
    runs["no hidden layer"] = train((), seed=args.seed, epochs=epochs)
    print("-- two hidden ReLU layers --")
    build_model((64, 64), args.seed).summary()
    runs["2 hidden ReLU layers of 64"] = train((64, 64), seed=args.seed, epochs=epochs)
    print("\n== 3. Accuracy ==")
    for results in runs.values():
        report(results, args.seed)
    print()
    figures(runs, args.out, args.show, resolution=101 if args.quick else 301)


if __name__ == "__main__":
    main()
