# %% [markdown]
# # Training a network: fitting sin(x)
# Regression: the network's output is a number, not a class. We sample sin(x) on [-pi, pi], add a little noise,
# and fit a small tanh network, 1-16-16-1 (321 weights), with the mean squared error.
#
# 1. The samples: 200 points, y = sin(x) + noise (standard deviation 0.1).
# 2. The model and ``fit``, with a learning rate that shrinks as training goes, and a callback that measures, after
#    each epoch, how far the network is from sin itself — possible only because we know the function behind the
#    samples.
# 3. The final errors: against the noisy samples, which should end near the noise (0.1^2 = 0.01), not far below it;
#    and against sin.
# 4. Figures: the fit as it develops, and the two loss curves on a log scale.
#
# Run: ``python demos/train_regression.py [--out DIR] [--show] [--quick] [--seed N]``

# %%
from __future__ import annotations

import time

import numpy as np

import tinygrad_acts.backend as K
from tinygrad_acts.callbacks import Callback, LearningRateScheduler
from tinygrad_acts.layers import Dense
from tinygrad_acts.models import Sequential
from tinygrad_acts.optimizers import Adam
from tinygrad_acts.utils import set_random_seed

from _common import PrintEvery, parse_args, pyplot, save

SAMPLES, NOISE = 200, 0.1
EPOCHS, QUICK_EPOCHS = 1000, 600
FIRST_LEARNING_RATE, LAST_LEARNING_RATE = 0.02, 0.001
SNAPSHOT_EPOCHS = (10, 100, 300)  # the fit is drawn after these epochs too, to show how it develops

# %% [markdown]
# ## 1. The samples
# Inputs have shape (200, 1): 200 samples of one feature, as Dense expects. The targets likewise.

# %%
def make_data(samples: int = SAMPLES, noise: float = NOISE, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """x uniform on [-pi, pi], y = sin(x) + normal noise, both of shape (samples, 1), float32."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-np.pi, np.pi, (samples, 1))
    y = np.sin(x) + rng.normal(0.0, noise, (samples, 1))
    return x.astype(np.float32), y.astype(np.float32)


# %% [markdown]
# ## 2. The model and training
# tanh hidden layers make a smooth curve; the output layer has no activation, so it can reach any number.
# Each step sees all 200 samples (``batch_size=200``): the gradient is exact, not a noisy estimate.
#
# Callbacks run inside ``fit``, before and after each epoch:
# - ``LearningRateScheduler`` (as in Keras) sets the step size before each epoch: from 0.02 down to 0.001. With a
#   constant rate Adam keeps overshooting once the gradient is tiny, and the loss curve shows spikes every hundred
#   epochs or so; a shrinking step settles into the minimum.
# - ``DistanceToSine`` evaluates the network on a fine grid after each epoch and adds ``sine_mse`` to the logs.
# - ``PrintEvery`` prints Keras' one-line log every 100 epochs (``verbose=2`` would print 1000 lines).

# %%
def build_model(seed: int = 0) -> Sequential:
    K.clear_session()  # layer names from 'dense' again in the summary
    set_random_seed(seed)
    model = Sequential([Dense(16, activation="tanh", input_shape=(1,)), Dense(16, activation="tanh"), Dense(1)],
                       name="sine")
    model.compile(optimizer=Adam(learning_rate=FIRST_LEARNING_RATE), loss="mse")
    return model


def exponential_decay(epochs: int):
    """lr(epoch) = first * (last / first)^(epoch / epochs): from FIRST_LEARNING_RATE down to LAST_LEARNING_RATE."""
    return lambda epoch, learning_rate: FIRST_LEARNING_RATE * (LAST_LEARNING_RATE / FIRST_LEARNING_RATE) ** (
        epoch / epochs)






class DistanceToSine(Callback):
    """After each epoch: the mse between the network and sin(x) on a grid (also added to the logs as 'sine_mse');
    and the curve itself at chosen epochs."""

    def __init__(self, grid: np.ndarray, snapshot_epochs: tuple[int, ...]):
        self.grid, self.snapshot_epochs = grid, snapshot_epochs
        self.mse: list[float] = []
        self.snapshots: dict[int, np.ndarray] = {}

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        curve = self.model.predict(self.grid, batch_size=len(self.grid))
        self.mse.append(float(np.mean((curve - np.sin(self.grid)) ** 2)))
        if logs is not None:
            logs["sine_mse"] = self.mse[-1]
        if epoch + 1 in self.snapshot_epochs:
            self.snapshots[epoch + 1] = curve[:, 0]


def train(seed: int = 0, epochs: int = EPOCHS, samples: int = SAMPLES, print_every: int | None = 100) -> dict:
    """Fit the network to the noisy samples; return the model, the curves and the final errors."""
    x, y = make_data(samples, seed=seed)
    model = build_model(seed)
    grid = np.linspace(-np.pi, np.pi, 500, dtype=np.float32)[:, None]
    distance = DistanceToSine(grid, SNAPSHOT_EPOCHS)
    callbacks = [distance, LearningRateScheduler(exponential_decay(epochs))]
    callbacks += [PrintEvery(print_every, epochs)] if print_every else []
    start = time.perf_counter()
    history = model.fit(x, y, batch_size=len(x), epochs=epochs, verbose=0, callbacks=callbacks)
    seconds = time.perf_counter() - start
    return {"model": model, "x": x, "y": y, "grid": grid, "epochs": epochs, "seconds": seconds,
            "loss": history.history["loss"], "distance": distance.mse, "snapshots": distance.snapshots,
            "train_mse": model.evaluate(x, y), "sine_mse": distance.mse[-1],
            "noise_mse": float(np.mean((y - np.sin(x)) ** 2))}


# %% [markdown]
# ## 3. How good is the fit?
# sin(x) itself scores about 0.01 on the samples: that is the noise. A network scoring much less would be fitting
# the noise (overfitting); one close to it, and close to sin on the grid, has found the function under the noise.

# %%
def report(results: dict) -> None:
    print(f"training mse (against the noisy samples): {results['train_mse']:.4f}   "
          f"(sin(x) itself scores {results['noise_mse']:.4f}: the noise)")
    print(f"mse against sin(x) on a 500-point grid:   {results['sine_mse']:.5f}")


# %% [markdown]
# ## 4. Figures

# %%
def figures(results: dict, out, show: bool) -> None:
    plt = pyplot(show)
    grid = results["grid"][:, 0]
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    ax.plot(results["x"][:, 0], results["y"][:, 0], ".", color="grey", ms=4, label=f"{len(results['x'])} samples")
    ax.plot(grid, np.sin(grid), "k--", lw=1.2, label="target: sin(x)")
    for shade, (epoch, curve) in zip((0.25, 0.45, 0.65), sorted(results["snapshots"].items()), strict=False):
        ax.plot(grid, curve, color="C3", lw=1, alpha=shade, label=f"after {epoch} epochs")
    ax.plot(grid, results["model"].predict(results["grid"], batch_size=len(grid))[:, 0], color="C3", lw=2.2,
            label=f"after {results['epochs']} epochs (mse to sin {results['sine_mse']:.4f})")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_xticks(np.linspace(-np.pi, np.pi, 5), ["−π", "−π/2", "0", "π/2", "π"])
    ax.set_title("A 1-16-16-1 tanh network fits sin(x)")
    ax.legend(fontsize=8, loc="upper left")
    save(fig, out, "regression_fit.png")

    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    epochs = np.arange(1, len(results["loss"]) + 1)
    ax.plot(epochs, results["loss"], color="C0", label="training loss (mse against the samples)")
    ax.plot(epochs, results["distance"], color="C3", label="mse against sin(x) on a grid")
    ax.axhline(results["noise_mse"], color="grey", ls="--", lw=1,
               label=f"the noise: sin(x) scores {results['noise_mse']:.4f} on the samples")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean squared error")
    ax.set_title("The training loss stops at the noise; the distance to sin(x) falls further")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    save(fig, out, "regression_loss.png")
    if show:
        plt.show()


# %%
def main() -> None:
    args = parse_args("Fit sin(x) on [-pi, pi] with a 1-16-16-1 tanh network; figures of the fit and the loss.",
                      quick=f"{QUICK_EPOCHS} epochs instead of {EPOCHS}")
    epochs = QUICK_EPOCHS if args.quick else EPOCHS
    print(f"== 1-2. The model, and training: Adam, learning rate {FIRST_LEARNING_RATE} decaying to "
          f"{LAST_LEARNING_RATE}, mse, full batch ==")
    build_model(args.seed).summary()
    results = train(seed=args.seed, epochs=epochs)
    print(f"trained in {results['seconds']:.2f} s")
    print("\n== 3. The fit ==")
    report(results)
    print()
    figures(results, args.out, args.show)


if __name__ == "__main__":
    main()
