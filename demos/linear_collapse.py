# %% [markdown]
# # Linear stacks collapse into one layer; nonlinear stacks do not
# Two linear maps f1(x) = a1*x + b1 and f2(x) = a2*x + b2 compose to f1(f2(x)) = (a1*a2)*x + (a1*b2 + b1): one
# linear map again. So a stack of Dense layers without activations is one Dense layer in disguise (see
# ``tinygrad_acts/collapse.py``), and depth buys nothing until an activation sits between the layers.
#
# 1. The algebra, in numbers: two scalar layers, then deep stacks of random matrices, collapsed into one layer.
# 2. The consequence for learning: on y = x^2, a deep linear stack learns exactly the least-squares line — what a
#    single Dense layer learns, and what numpy computes in closed form — while the same stack with tanh fits the curve.
# 3. The trained linear stack collapses into one layer with identical predictions; the tanh stack refuses.
#
# Run: ``python demos/linear_collapse.py [--out DIR] [--show] [--quick] [--seed N]``

# %%
from __future__ import annotations

import numpy as np

import tinygrad_acts.backend as K
from tinygrad_acts.collapse import NotLinearError, collapse
from tinygrad_acts.layers import Dense, Input
from tinygrad_acts.models import Sequential
from tinygrad_acts.optimizers import Adam
from tinygrad_acts.utils import set_random_seed

from _common import parse_args, pyplot, save

WIDTH, DEPTH = 16, 4  # the two deep stacks: DEPTH Dense layers, WIDTH units in each hidden one


# %% 1. The algebra, numerically
def scalar_layers(a1: float, b1: float, a2: float, b2: float) -> Sequential:
    """f2 then f1, each a Dense(1) with its weight and bias set by hand: the model computes f1(f2(x))."""
    f2, f1 = Dense(1, input_shape=(1,), name="f2"), Dense(1, name="f1")
    model = Sequential([f2, f1], name="f1_of_f2")
    f2.set_weights([np.array([[a2]]), np.array([b2])])
    f1.set_weights([np.array([[a1]]), np.array([b1])])
    return model


def random_stack(widths: list[int], rng: np.random.Generator) -> Sequential:
    """Dense layers of the given widths (widths[0] is the input size) with random kernels and biases."""
    model = Sequential([Input((widths[0],))] + [Dense(units) for units in widths[1:]])
    # kernels scaled by 1/sqrt(fan_in) keep the outputs of order 1 however deep the stack
    model.set_weights([rng.normal(0, 1 / np.sqrt(w.shape[0]), w.shape) if w.ndim == 2 else rng.normal(0, 1, w.shape)
                       for w in model.get_weights()])
    return model


def algebra(seed: int = 0) -> list[dict]:
    a1, b1, a2, b2 = 2.0, 3.0, 4.0, 5.0
    kernel, bias = collapse(scalar_layers(a1, b1, a2, b2)).get_weights()
    print(f"f1(x) = {a1:g}x + {b1:g},  f2(x) = {a2:g}x + {b2:g}")
    print(f"  by hand:   f1(f2(x)) = (a1*a2) x + (a1*b2 + b1) = {a1 * a2:g}x + {a1 * b2 + b1:g}")
    print(f"  collapse:  W = {kernel[0, 0]:g}, b = {bias[0]:g}")

    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, (1000, 4)).astype(np.float32)
    rows = []
    print("\nDeep stacks of random matrices (4 inputs, 3 outputs), 1000 random inputs:")
    print(f"  {'depth':>5} {'params':>7} {'collapsed':>9} {'max |y|':>8} {'max |stack - collapsed|':>24} "
          f"{'relative':>9}")
    for depth in (2, 5, 10, 30):
        widths = [4] + [32] * (depth - 1) + [3]
        stack = random_stack(widths, rng)
        collapsed = collapse(stack)
        y_stack, y_one = stack.predict(x, batch_size=1000), collapsed.predict(x, batch_size=1000)
        difference, scale = float(np.max(np.abs(y_stack - y_one))), float(np.max(np.abs(y_stack)))
        rows.append({"depth": depth, "difference": difference, "scale": scale})
        print(f"  {depth:>5} {stack.count_params():>7,} {collapsed.count_params():>9} {scale:>8.3f} "
              f"{difference:>24.2e} {difference / scale:>9.1e}")
    kernel, bias = collapsed.get_weights()
    with np.printoptions(precision=4, suppress=True):
        print(f"  the {depth}-layer stack is this one layer:\n  W =\n{kernel}\n  b = {bias}")
    print(f"  (float32 carries about 7 digits: eps = {np.finfo(np.float32).eps:.1e})")
    return rows


# %% 2. The consequence for learning
def least_squares(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """The best line y ~ slope*x + intercept, in closed form: (slope, intercept, its mean squared error)."""
    design = np.column_stack([x, np.ones_like(x)]).astype(np.float64)
    (slope, intercept), *_ = np.linalg.lstsq(design, y.astype(np.float64), rcond=None)
    mse = float(np.mean((design @ [slope, intercept] - y) ** 2))
    return float(slope), float(intercept), mse


def build_models(seed: int) -> dict[str, Sequential]:
    """The deep linear stack, the same stack with tanh between its layers, and one Dense layer."""
    K.clear_session()  # layer names from 'dense' again, so the error message below names 'dense_3', not 'dense_57'
    models = {}
    set_random_seed(seed)
    models["linear stack"] = Sequential([Input((1,))] + [Dense(WIDTH) for _ in range(DEPTH - 1)] + [Dense(1)],
                                        name="linear_stack")
    set_random_seed(seed)  # the same initial weights: the only difference is the tanh
    models["nonlinear stack"] = Sequential([Input((1,))] + [Dense(WIDTH, activation="tanh") for _ in range(DEPTH - 1)]
                                           + [Dense(1)], name="tanh_stack")
    set_random_seed(seed)
    models["single Dense"] = Sequential([Input((1,)), Dense(1)], name="single_dense")
    return models


def learning(quick: bool = False, seed: int = 0) -> dict:
    """Train the three models on y = x^2, x in [-3, 3], with the same optimizer and epochs.

    Each step sees all the points (batch_size = len(x)): full-batch gradients settle exactly on the optimum, where
    minibatch noise would leave each model jittering around it, blurring the comparison with least squares.
    """
    points, epochs = (100, 300) if quick else (200, 500)
    x = np.linspace(-3, 3, points, dtype=np.float32)[:, None]
    y = x ** 2
    slope, intercept, optimum = least_squares(x[:, 0], y[:, 0])
    models = build_models(seed)
    history, final_loss = {}, {}
    for name, model in models.items():
        set_random_seed(seed)  # the same shuffling for each model
        model.compile(optimizer=Adam(learning_rate=0.02), loss="mse")
        history[name] = model.fit(x, y, batch_size=len(x), epochs=epochs, verbose=0).history["loss"]
        final_loss[name] = model.evaluate(x, y)
    return {"x": x, "y": y, "epochs": epochs, "models": models, "history": history, "final_loss": final_loss,
            "least_squares": (slope, intercept), "least_squares_mse": optimum}


def print_losses(results: dict) -> None:
    optimum = results["least_squares_mse"]
    slope, intercept = results["least_squares"]
    print(f"Fitting y = x^2 on [-3, 3] ({len(results['x'])} points; Adam(0.02), full batch, {results['epochs']} "
          f"epochs, mse):")
    print(f"  least-squares line (numpy, closed form): y = {slope:.4f} x + {intercept:.4f}, mse = {optimum:.4f}")
    print(f"  {'model':<34} {'params':>6} {'final mse':>10} {'/ least squares':>16}")
    for name, model in results["models"].items():
        label = f"{name} ({len(model.layers)} Dense{', tanh' if name == 'nonlinear stack' else ''})"
        loss = results["final_loss"][name]
        print(f"  {label:<34} {model.count_params():>6} {loss:>10.4f} {loss / optimum:>16.6f}")


# %% 3. Collapse the trained stacks
def collapse_trained(results: dict) -> None:
    stack = results["models"]["linear stack"]
    one = collapse(stack)
    kernel, bias = one.get_weights()
    slope, intercept = results["least_squares"]
    difference = float(np.max(np.abs(stack.predict(results["x"]) - one.predict(results["x"]))))
    print(f"The trained {len(stack.layers)}-layer linear stack ({stack.count_params()} weights) collapses to "
          f"y = {kernel[0, 0]:.4f} x + {bias[0]:.4f}  (least squares: y = {slope:.4f} x + {intercept:.4f})")
    print(f"  largest difference between the stack's and the one layer's predictions: {difference:.2e}")
    try:
        collapse(results["models"]["nonlinear stack"])
    except NotLinearError as error:
        print(f"collapse(tanh stack) raises NotLinearError:\n  {error}")


# %% Figures
def figures(results: dict, out, show: bool) -> None:
    plt = pyplot(show)
    x, y = results["x"][:, 0], results["y"][:, 0]
    slope, intercept = results["least_squares"]
    styles = {"linear stack": dict(color="C0", lw=3, alpha=0.6), "nonlinear stack": dict(color="C3", lw=1.5),
              "single Dense": dict(color="C2", lw=1.5, ls="--")}

    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    ax.plot(x, y, "k.", ms=3, label="target y = x²")
    for name, model in results["models"].items():
        ax.plot(x, model.predict(x)[:, 0], label=f"{name} (mse {results['final_loss'][name]:.3f})", **styles[name])
    ax.plot(x, slope * x + intercept, "k:", lw=1, label="least-squares line (numpy)")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(f"{DEPTH} Dense layers without activations fit no better than one")
    ax.legend(fontsize=8)
    save(fig, out, "linear_collapse_fits.png")

    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    epochs = np.arange(1, results["epochs"] + 1)
    for name, losses in results["history"].items():
        ax.plot(epochs[:len(losses)], losses, label=name, **styles[name])
    ax.axhline(results["least_squares_mse"], color="k", ls=":", lw=1,
               label=f"least-squares optimum of one linear layer ({results['least_squares_mse']:.2f})")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (mse)")
    ax.set_title("Loss curves: the linear stack stops at the linear optimum")
    ax.legend(fontsize=8)
    save(fig, out, "linear_collapse_losses.png")
    if show:
        plt.show()


# %%
def main() -> None:
    args = parse_args("Linear stacks collapse into one layer; a nonlinearity between the layers breaks the collapse.",
                      quick="fewer points and epochs (for the tests)")
    print("== 1. Linear layers compose to one linear layer ==")
    algebra(args.seed)
    print("\n== 2. What a deep linear stack can learn ==")
    results = learning(quick=args.quick, seed=args.seed)
    print_losses(results)
    print("\n== 3. Collapsing the trained models ==")
    collapse_trained(results)
    print()
    figures(results, args.out, args.show)


if __name__ == "__main__":
    main()
