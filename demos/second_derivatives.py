# %% [markdown]
# # Second derivatives: the gradient of a gradient
# The backward pass is a computation too. ``backward(create_graph=True)`` records it as ops, like any forward
# computation, so a gradient can be differentiated again. ``grad(f)`` is f' as a function, ``grad(grad(f))`` is f'',
# and ``hessian(f)`` is the matrix of every second derivative of a function of several numbers.
#
# 1. One number: tanh'' at 0.5, three ways (``backward(create_graph=True)``, ``grad(grad(...))``, by hand).
# 2. Every one-dimensional Keras activation: f, f' and f'' by autodiff, drawn over f' and f'' worked out by hand.
# 3. What second derivatives buy: Newton's method, with the Hessian from autodiff, against gradient descent on the
#    Rosenbrock function, the classic curved valley.
#
# Run: ``python demos/second_derivatives.py [--out DIR] [--show]``

# %%
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

import tinygrad_acts as ta
from tinygrad_acts import Tensor, grad, hessian

from _common import parse_args, pyplot, save

args = parse_args("Second derivatives by autodiff: every activation's f'', and Newton's method with the autodiff "
                  "Hessian against gradient descent on the Rosenbrock function.")
plt = pyplot(args.show)

# %% [markdown]
# ## 1. One number: tanh'' at 0.5
# tanh' = 1 - tanh^2, and differentiating once more, tanh'' = -2 tanh (1 - tanh^2).
# The engine knows only the first rule, ``g * (1 - out * out)``. With ``create_graph=True`` that rule runs on
# Tensors, so ``x.grad`` is a Tensor computed from x by recorded ops, and ``x.grad.backward()`` differentiates it.
# ``grad(grad(tanh))`` does the same in one line. The input is float64 (``np.float64``), so the digits agree.

# %%
x = Tensor(np.float64(0.5), requires_grad=True)
x.tanh().backward(create_graph=True)
tanh_slope = x.grad  # a Tensor: tanh'(x), recorded as  1 * (1 - out * out)  with out = tanh(x)
x.grad = None  # clear it, or the next backward adds tanh'' to tanh'
tanh_slope.backward()
by_hand = -2 * math.tanh(0.5) * (1 - math.tanh(0.5) ** 2)
print(f"tanh''(0.5): backward(create_graph=True) {x.grad.item():.15f}, grad(grad(tanh)) "
      f"{grad(grad(ta.activations.tanh))(np.float64(0.5)).item():.15f}, by hand {by_hand:.15f}")

# %% [markdown]
# ## 2. Every activation's second derivative
# On a grid of 800 points at once (float64). An activation works entry by entry, so the gradient of
# ``f(z).sum()`` is f' at every point, and the gradient of ``f'(z).sum()`` is f'' at every point.
#
# Things to notice: tanh'' and sigmoid'' are largest where f' falls fastest, around |x| ~ 0.7 and 1.3; softplus''
# is sigmoid' (a bump); the piecewise-linear functions (relu, relu6, hard_tanh, ...) have f'' = 0 everywhere
# except at their kinks, where it does not exist (the grid never lands on one); the piecewise-quadratic ones
# (hard_silu, sparse_plus) have a step of f''; elu and selu have a jump of f'' at 0, softsign a jump from +2 to -2.

# %%
SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805  # Klambauer et al. (2017)
THRESHOLD, DEFAULT_VALUE = 1.0, 0.0  # `threshold` has no defaults in Keras: these are ours
WHOLE_AXIS = ("softmax", "log_softmax", "glu", "sparsemax")  # functions of a whole row: f'' is not one number


def sig(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def normal_cdf(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.vectorize(math.erf)(z / math.sqrt(2)))


def normal_pdf(z: np.ndarray) -> np.ndarray:
    return np.exp(-z ** 2 / 2) / math.sqrt(2 * math.pi)


def mish_first(z: np.ndarray) -> np.ndarray:
    t = np.tanh(np.log1p(np.exp(z)))  # tanh(softplus(z)); its derivative is (1 - t^2) sigmoid(z)
    return t + z * (1 - t ** 2) * sig(z)


def mish_second(z: np.ndarray) -> np.ndarray:
    t, s = np.tanh(np.log1p(np.exp(z))), sig(z)
    return (1 - t ** 2) * s * (2 - 2 * z * t * s + z * (1 - s))  # product rule twice, with sigmoid' = s (1 - s)


def zero(z: np.ndarray) -> np.ndarray:
    return np.zeros_like(z)


def step(inside: np.ndarray, value: float) -> np.ndarray:
    return np.where(inside, value, 0.0)


# Each activation's first and second derivative, by hand (Keras' default parameters), for z in the grid.
BY_HAND: dict[str, tuple[Callable, Callable]] = {  # f' and f''
    "linear": (np.ones_like, zero),
    "tanh": (lambda z: 1 - np.tanh(z) ** 2, lambda z: -2 * np.tanh(z) * (1 - np.tanh(z) ** 2)),
    "sigmoid": (lambda z: sig(z) * (1 - sig(z)), lambda z: sig(z) * (1 - sig(z)) * (1 - 2 * sig(z))),
    "exponential": (np.exp, np.exp),
    "relu": (lambda z: step(z > 0, 1.0), zero),
    "relu6": (lambda z: step((z > 0) & (z < 6), 1.0), zero),
    "leaky_relu": (lambda z: np.where(z > 0, 1.0, 0.2), zero),
    "elu": (lambda z: np.where(z > 0, 1.0, np.exp(z)), lambda z: step(z < 0, 1.0) * np.exp(z)),  # alpha = 1
    "celu": (lambda z: np.where(z > 0, 1.0, np.exp(z)), lambda z: step(z < 0, 1.0) * np.exp(z)),  # = elu here
    "selu": (lambda z: SELU_SCALE * np.where(z > 0, 1.0, SELU_ALPHA * np.exp(z)),
             lambda z: SELU_SCALE * SELU_ALPHA * step(z < 0, 1.0) * np.exp(z)),
    "softplus": (sig, lambda z: sig(z) * (1 - sig(z))),
    "log_sigmoid": (lambda z: sig(-z), lambda z: -sig(z) * (1 - sig(z))),
    "softsign": (lambda z: 1 / (1 + np.abs(z)) ** 2, lambda z: -2 * np.sign(z) / (1 + np.abs(z)) ** 3),
    "silu": (lambda z: sig(z) * (1 + z * (1 - sig(z))), lambda z: sig(z) * (1 - sig(z)) * (2 + z * (1 - 2 * sig(z)))),
    "gelu": (lambda z: normal_cdf(z) + z * normal_pdf(z), lambda z: normal_pdf(z) * (2 - z ** 2)),
    "mish": (mish_first, mish_second),
    "squareplus": (lambda z: (1 + z / np.sqrt(z ** 2 + 4)) / 2, lambda z: 2 / np.sqrt(z ** 2 + 4) ** 3),  # b = 4
    "hard_sigmoid": (lambda z: step(np.abs(z) < 3, 1 / 6), zero),
    "hard_silu": (lambda z: np.where(z >= 3, 1.0, np.where(z > -3, (2 * z + 3) / 6, 0.0)),
                  lambda z: step(np.abs(z) < 3, 1 / 3)),
    "hard_tanh": (lambda z: step(np.abs(z) < 1, 1.0), zero),
    "sparse_plus": (lambda z: np.where(z >= 1, 1.0, np.where(z > -1, (z + 1) / 2, 0.0)),
                    lambda z: step(np.abs(z) < 1, 0.5)),
    "sparse_sigmoid": (lambda z: step(np.abs(z) < 1, 0.5), zero),
    "hard_shrink": (lambda z: step(np.abs(z) > 0.5, 1.0), zero),  # threshold = 0.5
    "soft_shrink": (lambda z: step(np.abs(z) > 0.5, 1.0), zero),
    "tanh_shrink": (lambda z: np.tanh(z) ** 2, lambda z: 2 * np.tanh(z) * (1 - np.tanh(z) ** 2)),
    "threshold": (lambda z: step(z > THRESHOLD, 1.0), zero),
    "custom x**2": (lambda z: 2 * z, lambda z: np.full_like(z, 2.0)),
}

functions: dict[str, Callable[[Tensor], Tensor]] = {}
for name, function in ta.activations.ALL_ACTIVATIONS.items():
    if name not in WHOLE_AXIS and all(function is not known for known in functions.values()):  # swish is silu
        functions[name] = function
functions["threshold"] = lambda t: ta.activations.threshold(t, THRESHOLD, DEFAULT_VALUE)
functions["custom x**2"] = lambda t: t**2
missing = sorted(set(functions) - set(BY_HAND))
if missing:
    print("no second derivative written by hand yet for:", ", ".join(missing))



def derivatives(function):
    """f' and f'' of an elementwise function, each as a function of z."""
    slope = grad(lambda z: function(z).sum())  # f' at every point of z
    curvature = grad(lambda z: slope(z).sum())  # f'' at every point: the gradient of the gradient
    return slope, curvature


grid = np.linspace(-4, 4, 800)  # an even count: no point lands on a kink
rows = []
for name, function in functions.items():
    if name not in BY_HAND:
        continue
    slope, curvature = derivatives(function)
    first, second = slope(grid).numpy(), curvature(grid).numpy()
    first_by_hand, second_by_hand = BY_HAND[name][0](grid), BY_HAND[name][1](grid)
    rows.append((name, function(Tensor(grid)).numpy(), first, second, first_by_hand, second_by_hand,
                 float(np.max(np.abs(first - first_by_hand))), float(np.max(np.abs(second - second_by_hand)))))

print(f"\nOn {grid.size} points in [-4, 4], largest |autodiff - by hand| per activation, for f' and for f'':")
for start in range(0, len(rows), 3):
    print("  " + "    ".join(f"{name:<14} f' {gap1:7.1e}  f'' {gap2:7.1e}"
                            for name, *_, gap1, gap2 in rows[start:start + 3]))
worst = max(rows, key=lambda row: row[-1])
print(f"largest autodiff-vs-analytic second-derivative gap: {worst[-1]:.1e} ({worst[0]})")

columns = 6
panel_rows = math.ceil(len(rows) / columns)
fig, axes = plt.subplots(panel_rows, columns, figsize=(2.6 * columns, 2.3 * panel_rows), sharex=True, squeeze=False)
for ax, (name, values, first, second, first_by_hand, second_by_hand, _, gap) in zip(axes.flat, rows, strict=False):
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
    ax.plot(grid, values, color="0.75", lw=1)
    ax.plot(grid, first_by_hand, color="C1", lw=4, alpha=0.4)
    ax.plot(grid, first, color="C0", lw=1.1)
    ax.plot(grid, second_by_hand, color="C2", lw=4, alpha=0.4)
    ax.plot(grid, second, color="C3", lw=1.1)
    shown = np.concatenate([first_by_hand, second_by_hand])
    low, high = min(shown.min(), -0.1), max(shown.max(), 1.1)  # frame the derivatives; f may leave the frame
    margin = 0.12 * (high - low)
    ax.set_ylim(low - margin, high + margin)
    label = {"leaky_relu": "leaky_relu 0.2", "threshold": f"threshold {THRESHOLD:g}"}.get(name, name)
    ax.set_title(f"{label}   (f'' gap {gap:.0e})" if gap else f"{label}   (f'' gap 0)", fontsize=9)
    ax.tick_params(labelsize=7, labelbottom=True)
    ax.grid(alpha=0.25)
for ax in list(axes.flat)[len(rows):]:
    ax.axis("off")
handles = [plt.Line2D([], [], color="0.75", lw=1), plt.Line2D([], [], color="C1", lw=4, alpha=0.4),
           plt.Line2D([], [], color="C0", lw=1.1), plt.Line2D([], [], color="C2", lw=4, alpha=0.4),
           plt.Line2D([], [], color="C3", lw=1.1)]
fig.legend(handles, ["f(x)", "f'(x) by hand", "f'(x) by autodiff: grad(f)", "f''(x) by hand",
                     "f''(x) by autodiff: grad(grad(f))"], loc="upper center", ncol=5, bbox_to_anchor=(0.5, 0.975),
           fontsize=10, frameon=False)
fig.suptitle("Each activation's first and second derivative: autodiff over the formula", y=0.995, fontsize=12)
fig.subplots_adjust(left=0.04, right=0.99, bottom=0.04, top=0.9, hspace=0.42, wspace=0.28)  # cheaper than tight_layout
save(fig, args.out, "second_derivatives.png")

# %% [markdown]
# ## 3. Newton's method against gradient descent
# The Rosenbrock function f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 has its minimum 0 at (1, 1), at the end of a long,
# narrow, curved valley along y = x^2. Its walls are 100 times steeper than its floor, so
#
# - **gradient descent** (x <- x - lr * gradient) must take small steps (past lr ~ 1.3e-3 it bounces off the walls
#   and diverges from (-1.2, 1)), and crawls along the flat floor;
# - **Newton's method** models f near the current point by its second-order Taylor expansion and jumps to that
#   model's minimum: solve H d = -gradient for the step d, with H the Hessian. The Hessian rescales each direction
#   by its curvature, so the steep walls and the flat floor are crossed at the same pace. Near the minimum the error
#   is squared at every step (quadratic convergence): 1e-3, 1e-6, 1e-12.
#
# Both start at (-1.2, 1), the classic start, and stop once |gradient| < 1e-8. The gradient and the Hessian come
# from autodiff, ``grad(rosenbrock)`` and ``hessian(rosenbrock)``; gradient descent is ``optimizers.SGD``.

# %%
START = (-1.2, 1.0)
TOLERANCE = 1e-8  # stop once |gradient| is below this
LEARNING_RATE = 1e-3
BUDGET = 100_000  # gradient-descent steps at most


def rosenbrock(p: Tensor) -> Tensor:
    """f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 for p = (x, y)."""
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def newton(start: tuple[float, float], tolerance: float = TOLERANCE, budget: int = 100):
    """Newton's method: p <- p + d with H d = -gradient. Returns the points visited and |gradient| at each."""
    p = np.array(start, dtype=np.float64)
    path, norms = [p], []
    for _ in range(budget + 1):
        gradient = grad(rosenbrock)(p).numpy()
        norms.append(float(np.linalg.norm(gradient)))
        if norms[-1] < tolerance or len(path) > budget:
            break
        p = p + np.linalg.solve(hessian(rosenbrock)(p).numpy(), -gradient)
        path.append(p)
    return np.array(path), np.array(norms)


def gradient_descent(start: tuple[float, float], learning_rate: float = LEARNING_RATE,
                     tolerance: float = TOLERANCE, budget: int = BUDGET):
    """Plain gradient descent with the framework's SGD optimizer. Returns the points visited and |gradient| at each."""
    p = Tensor(np.array(start, dtype=np.float64), requires_grad=True)
    optimizer = ta.optimizers.SGD(learning_rate=learning_rate)
    path, norms = [p.numpy().copy()], []
    for _ in range(budget + 1):
        optimizer.zero_grad([p])
        rosenbrock(p).backward()
        norms.append(float(np.linalg.norm(p.grad)))
        if norms[-1] < tolerance or len(path) > budget:
            break
        optimizer.step([p])
        path.append(p.numpy().copy())
    return np.array(path), np.array(norms)


hessian_at_start = hessian(rosenbrock)(np.array(START)).numpy()
x0, y0 = START  # the Hessian by hand: [[1200 x^2 - 400 y + 2, -400 x], [-400 x, 200]]
print(f"\nHessian of the Rosenbrock function at {START} by autodiff: "
      f"{np.array2string(hessian_at_start, separator=', ').replace(chr(10), '')}; by hand: "
      f"[[{1200 * x0 ** 2 - 400 * y0 + 2:g}, {-400 * x0:g}], [{-400 * x0:g}, 200]]")

newton_path, newton_norms = newton(START)
descent_path, descent_norms = gradient_descent(START)
newton_steps, descent_steps = len(newton_path) - 1, len(descent_path) - 1
print("Newton's method, |gradient| after each step:",
      " ".join(f"{norm:.1e}" for norm in newton_norms), f"-> ends at {np.array2string(newton_path[-1], precision=10)}")
if descent_norms[-1] < TOLERANCE:
    descent_result = f"{descent_steps} steps"
else:
    descent_result = (f"did not converge in {BUDGET} steps (|gradient| {descent_norms[-1]:.1e}, distance to (1, 1) "
                      f"{np.linalg.norm(descent_path[-1] - 1):.1e})")
print(f"Steps to |gradient| < {TOLERANCE:g} from {START}: Newton: {newton_steps} steps; "
      f"gradient descent (lr {LEARNING_RATE:g}): {descent_result}")

fig, (ax, ax_norms) = plt.subplots(1, 2, figsize=(13, 5.2), gridspec_kw={"width_ratios": [1.2, 1]})
xs, ys = np.meshgrid(np.linspace(-2, 2, 400), np.linspace(-3.6, 3.2, 400))
values = (1 - xs) ** 2 + 100 * (ys - xs ** 2) ** 2
levels = np.logspace(-1, 3.5, 19)  # log-spaced: the valley floor is 1e-1 .. 1e1, its walls reach 1e3
filled = ax.contourf(xs, ys, values, levels=levels, norm="log", cmap="Greys", alpha=0.35, extend="both")
ax.contour(xs, ys, values, levels=levels, norm="log", colors="0.45", linewidths=0.5)
fig.colorbar(filled, ax=ax, label="f(x, y)  (log-spaced levels)")
ax.plot(descent_path[:, 0], descent_path[:, 1], "-", color="C0", lw=2.2,
        label=f"gradient descent, lr {LEARNING_RATE:g}: {descent_steps} steps")
for k, offset in ((100, (2, -14)), (1000, (0, -15)), (10000, (-8, 6))):  # gradient descent after k steps
    ax.plot(*descent_path[k], "o", color="C0", ms=5)
    ax.annotate(f"{k}", descent_path[k], textcoords="offset points", xytext=offset, color="C0", fontsize=9,
                ha="right" if offset[0] < 0 else "left")
ax.plot(newton_path[:, 0], newton_path[:, 1], "o-", color="C3", lw=1.5, ms=6,
        label=f"Newton (autodiff Hessian): {newton_steps} steps")
for k, (px, py) in enumerate(newton_path[1:4], start=1):  # the later steps all land within 0.06 of (1, 1)
    ax.annotate(str(k), (px, py), textcoords="offset points", xytext=(8, -4), color="C3", fontsize=10,
                fontweight="bold")
ax.plot(*START, "ks", ms=7, label=f"start {START}")
ax.plot(1, 1, "k*", ms=14, label="minimum (1, 1)")
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.set_title("Rosenbrock  f = (1 - x)² + 100 (y - x²)²")
ax.legend(loc="lower left", fontsize=8.5)

ax_norms.semilogy(np.arange(len(descent_norms)), descent_norms, color="C0", label="gradient descent")
ax_norms.semilogy(np.arange(len(newton_norms)), newton_norms, "o-", color="C3", label="Newton")
ax_norms.axhline(TOLERANCE, color="k", ls="--", lw=0.8, label=f"stop: |gradient| < {TOLERANCE:g}")
ax_norms.set_xscale("symlog", linthresh=10)
ax_norms.set_xlim(0, len(descent_norms) * 1.3)
ax_norms.set_xlabel("step (linear up to 10, then logarithmic)")
ax_norms.set_ylabel("|gradient|")
ax_norms.set_title(f"Newton: {newton_steps} steps; gradient descent: {descent_steps} steps")
ax_norms.grid(alpha=0.3, which="both")
ax_norms.legend(fontsize=9)
fig.tight_layout()
save(fig, args.out, "newton_rosenbrock.png")

if args.show:
    plt.show()
