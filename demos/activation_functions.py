# %% [markdown]
# # Activation functions, the Keras way
# An activation is the nonlinear function a layer applies to each of its outputs. Without one, a stack of layers is
# one linear map (see ``linear_collapse.py``). The classic Keras lesson shows what each activation does by building a
# model that is *only* that activation, feeding it the numbers -3, -2.5, ..., 3, and plotting what comes out against
# the identity line y = x.
#
# The lesson's code below is the Keras code; only the import lines name tinygrad_acts instead of keras.
# After the lesson, one step further: each activation's derivative, computed by autodiff (``backward()``).
#
# Run: ``python demos/activation_functions.py [--out DIR] [--show]``

# %%
from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np

# The lesson's imports, on tinygrad_acts: the only lines that differ from the Keras lesson (in its order: isort off).
# isort: off
import tinygrad_acts as keras
from tinygrad_acts.layers import Activation, LeakyReLU
from tinygrad_acts.models import Sequential
import tinygrad_acts.backend as K
# isort: on
from tinygrad_acts import Tensor

from _common import parse_args, pyplot, save

args = parse_args("The activation-functions lesson: each activation as a one-layer Keras model, then its derivative "
                  "by autodiff.")
plt = pyplot(args.show)


def show_values(name: str, y: np.ndarray) -> None:
    """One line per model: the 13 predictions, 3 decimals."""
    print(f"  {name:<16}", np.array2string(y.ravel(), precision=3, suppress_small=True, max_line_width=200))


def identity_axes(title: str, ylabel: str = "model.predict(x)"):
    """A square figure with the axes through 0 and the identity line y = x, dashed, for comparison."""
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.axhline(0, color="grey", lw=0.6)
    ax.axvline(0, color="grey", lw=0.6)
    ax.plot(x, x, "k--", lw=1, label="identity  y = x")
    ax.set_xlabel("x  (model input)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    return fig, ax


# %% [markdown]
# ## The input, and the identity line
# Thirteen numbers from -3 to 3 in steps of 0.5. The identity y = x is what a layer with no activation ("linear")
# computes: it passes its input through unchanged. Every plot below compares an activation with it.

# %%
x = np.arange(-3, 3.5, 0.5)
print("x =", x)
print("\nThe lesson's models, model.predict(x) for the 13 inputs:")
model = Sequential([Activation('linear', input_shape=(1,))])
y_linear = model.predict(x)
K.clear_session()
show_values("linear", y_linear)

fig, ax = identity_axes("The identity line: no activation", ylabel="y")
ax.plot(x, y_linear, "o", color="k", ms=4, label="Activation('linear'): model.predict(x)")
ax.legend(loc="upper left")
save(fig, args.out, "identity.png")

# %% [markdown]
# ## tanh
# A model with one layer that only applies tanh. ``predict`` reads the 13 numbers as 13 samples of one feature and
# returns shape (13, 1). tanh follows the identity near 0 and is zero-centred (negative in, negative out), but it
# saturates: past |x| ~ 2 it is almost flat at -1 or 1, so its gradient there is almost 0.

# %%
model = Sequential([Activation('tanh', input_shape=(1,))])
y_tanh = model.predict(x)
K.clear_session()  # forget the layer names, so the next model starts from 'activation' again
show_values("tanh", y_tanh)

fig, ax = identity_axes("tanh against the identity")
ax.plot(x, y_tanh, "o-", color="C0", ms=4, label="tanh(x)")
ax.legend(loc="upper left")
save(fig, args.out, "tanh.png")

# %% [markdown]
# ## sigmoid, ReLU, Leaky ReLU and a custom activation
# - **sigmoid** squashes any number into (0, 1), so it reads as a probability; like tanh it saturates at both ends.
# - **ReLU** is the identity for positive inputs and 0 otherwise, so its gradient is 1 or 0: cheap, and no
#   saturation on the positive side — but a unit whose inputs are all negative gets no gradient ("dies").
# - **Leaky ReLU** keeps a small slope below 0 (here 0.5, the layer's default is 0.3), so the gradient never dies.
# - A **custom** activation is any function of Tensors: ``lambda x: x**2`` works as it is.

# %%
model = Sequential([Activation('sigmoid', input_shape=(1,))])
y_sigmoid = model.predict(x)
K.clear_session()
show_values("sigmoid", y_sigmoid)

model = Sequential([Activation('relu', input_shape=(1,))])
y_relu = model.predict(x)
K.clear_session()
show_values("relu", y_relu)

model = Sequential([LeakyReLU(0.5, input_shape=(1,))])
y_leaky = model.predict(x)
K.clear_session()
show_values("LeakyReLU(0.5)", y_leaky)

model = Sequential([Activation(lambda x: x**2, input_shape=(1,))])
y_square = model.predict(x)
K.clear_session()
show_values("x**2", y_square)

fig, ax = identity_axes("All activations against the identity")
ax.plot(x, y_tanh, "o-", ms=3, label="tanh")
ax.plot(x, y_sigmoid, "o-", ms=3, label="sigmoid")
ax.plot(x, y_relu, "o-", ms=6, lw=4, alpha=0.5, label="relu")  # wide: leaky relu and the identity cover it for x > 0
ax.plot(x, y_leaky, "s-", ms=3, label="leaky relu (0.5)")
ax.plot(x, y_square, "o-", ms=3, label="custom: x**2")
ax.set_ylim(-3.2, 4.2)  # x**2 leaves the frame above 4 (it is drawn in full in custom_square.png)
ax.legend(loc="upper left", fontsize=9)
save(fig, args.out, "all_activations.png")

# %% [markdown]
# ## softmax: a whole row at once
# softmax is not a function of one number: it turns a whole row into probabilities, e^(x_i) / sum_j e^(x_j), each in
# [0, 1] and summing to 1. So the model takes the 13 numbers as *one* sample of shape (1, 13). The largest input gets
# the largest share, and each step of 0.5 multiplies the probability by e^0.5 ~ 1.65.
# Given one number at a time, softmax would answer 1 every time (one entry always has all the probability).

# %%
model = Sequential([Activation('softmax', input_shape=(1, 13))])
y_softmax = model.predict(x.reshape(1, 1, 13))
K.clear_session()
probabilities = y_softmax.ravel()
print("\nsoftmax over the whole row, shape", y_softmax.shape)
print("  probabilities:", np.array2string(probabilities, precision=4, suppress_small=True, max_line_width=200))
print(f"  softmax sum = {probabilities.sum(dtype=np.float64):.6f}")

with warnings.catch_warnings(record=True) as caught:  # the framework warns about this mistake; show its message
    warnings.simplefilter("always")
    model = Sequential([Activation('softmax', input_shape=(1,))])
    one_at_a_time = model.predict(x)
    K.clear_session()
print("  softmax of each number alone:", np.array2string(one_at_a_time.ravel(), precision=0, max_line_width=200))
for warning in caught:
    print("  (the framework warns:", str(warning.message).split(".")[0] + ".)")

fig, ax = plt.subplots(figsize=(7, 4))
bars = ax.bar(x, probabilities, width=0.4, color="C4")
ax.bar_label(bars, labels=[f"{p:.3f}" for p in probabilities], fontsize=7, padding=2)
ax.set_xticks(x)
ax.set_xlabel("x  (one row of 13 inputs)")
ax.set_ylabel("softmax probability")
ax.set_title(f"softmax of the whole row: 13 probabilities, sum = {probabilities.sum(dtype=np.float64):.6f}")
ax.grid(axis="y", alpha=0.3)
save(fig, args.out, "softmax.png")

# %% [markdown]
# ## The custom activation against the true parabola
# The model with ``Activation(lambda x: x**2)`` gives exactly x^2 at the 13 inputs. And because the lambda is made of
# Tensor ops, autodiff differentiates it for free: calling the model on a Tensor that requires grad records the
# graph, and ``backward()`` gives d(x^2)/dx = 2x, with no derivative written anywhere.

# %%
dense = np.linspace(-3.2, 3.2, 200)
fig, ax = identity_axes("Custom activation x**2 against the true parabola")
ax.plot(dense, dense ** 2, "-", color="C2", lw=4, alpha=0.35, label="true parabola  x²")
ax.plot(x, y_square, "o", color="C2", ms=5, label="model.predict(x)  with  lambda x: x**2")
ax.set_ylim(-3.2, 10.5)
ax.legend(loc="upper center", fontsize=9)
save(fig, args.out, "custom_square.png")

inputs = Tensor(x.reshape(-1, 1), requires_grad=True)
model = Sequential([Activation(lambda x: x**2, input_shape=(1,))])
model(inputs).sum().backward()  # each output depends on its own input only, so this gives every derivative
K.clear_session()
print("\nd(x**2)/dx by autodiff:", np.array2string(inputs.grad.ravel(), precision=3, max_line_width=200),
      f"(largest gap to 2x: {np.max(np.abs(inputs.grad.ravel() - 2 * x)):.1e})")

# %% [markdown]
# ## Beyond the lesson: every activation's derivative, by autodiff
# Training needs each activation's derivative. Here it comes from ``backward()`` on 800 points at once (float64),
# for every Keras activation that maps one number to one number, drawn over the derivative worked out by hand below.
# Things to notice: tanh and sigmoid have small derivatives away from 0 (saturation, "vanishing gradients"); the ReLU
# family has steps, 0 or 1 (or the leaky slope); smooth variants (softplus, silu, gelu, mish) round those steps off.
# At a kink the derivative does not exist; the grid skips the kinks (800 points never land on 0, ±0.5, ±1 or ±3).
# softmax, log_softmax, glu and sparsemax act on a whole axis (their derivative is a matrix), so they are left out.

# %%
SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805  # Klambauer et al. (2017)
THRESHOLD, DEFAULT_VALUE = 1.0, 0.0  # `threshold` has no defaults in Keras: these are ours


def sig(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def normal_cdf(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.vectorize(math.erf)(z / math.sqrt(2)))


def mish_derivative(z: np.ndarray) -> np.ndarray:
    t = np.tanh(np.log1p(np.exp(z)))  # tanh(softplus(z))
    return t + z * (1 - t ** 2) * sig(z)  # product rule, and softplus' = sigmoid


# Each activation's derivative, by hand (with Keras' default parameters): f'(z) for z in the grid.
ANALYTIC_DERIVATIVE: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "linear": lambda z: np.ones_like(z),
    "tanh": lambda z: 1 - np.tanh(z) ** 2,
    "sigmoid": lambda z: sig(z) * (1 - sig(z)),
    "exponential": np.exp,
    "relu": lambda z: (z > 0) * 1.0,
    "relu6": lambda z: ((z > 0) & (z < 6)) * 1.0,
    "leaky_relu": lambda z: np.where(z > 0, 1.0, 0.2),
    "elu": lambda z: np.where(z > 0, 1.0, np.exp(z)),  # alpha = 1
    "celu": lambda z: np.where(z > 0, 1.0, np.exp(z)),  # alpha = 1: the same function as elu
    "selu": lambda z: SELU_SCALE * np.where(z > 0, 1.0, SELU_ALPHA * np.exp(z)),
    "softplus": sig,
    "log_sigmoid": lambda z: sig(-z),
    "softsign": lambda z: 1 / (1 + np.abs(z)) ** 2,
    "silu": lambda z: sig(z) * (1 + z * (1 - sig(z))),
    "gelu": lambda z: normal_cdf(z) + z * np.exp(-z ** 2 / 2) / math.sqrt(2 * math.pi),
    "mish": mish_derivative,
    "squareplus": lambda z: (1 + z / np.sqrt(z ** 2 + 4)) / 2,  # b = 4
    "hard_sigmoid": lambda z: (np.abs(z) < 3) / 6,
    "hard_silu": lambda z: np.where(z >= 3, 1.0, np.where(z > -3, (2 * z + 3) / 6, 0.0)),
    "hard_tanh": lambda z: (np.abs(z) < 1) * 1.0,
    "sparse_plus": lambda z: np.where(z >= 1, 1.0, np.where(z > -1, (z + 1) / 2, 0.0)),
    "sparse_sigmoid": lambda z: (np.abs(z) < 1) * 0.5,
    "hard_shrink": lambda z: (np.abs(z) > 0.5) * 1.0,  # threshold = 0.5
    "soft_shrink": lambda z: (np.abs(z) > 0.5) * 1.0,
    "tanh_shrink": lambda z: np.tanh(z) ** 2,
    "threshold": lambda z: (z > THRESHOLD) * 1.0,
    "custom x**2": lambda z: 2 * z,
}
WHOLE_AXIS = ("softmax", "log_softmax", "glu", "sparsemax")

functions: dict[str, Callable[[Tensor], Tensor]] = {}
aliases = []
for name, function in keras.activations.ALL_ACTIVATIONS.items():
    if name in WHOLE_AXIS:
        continue
    original = next((known for known, f in functions.items() if f is function), None)
    if original is not None:  # swish is silu, hard_swish is hard_silu: one panel each
        aliases.append(f"{name} = {original}")
        continue
    functions[name] = function
print("\nOne panel per activation; other names for the same function:", ", ".join(aliases))
functions["threshold"] = lambda t: keras.activations.threshold(t, THRESHOLD, DEFAULT_VALUE)
functions["custom x**2"] = lambda t: t**2
missing = sorted(set(functions) - set(ANALYTIC_DERIVATIVE))
if missing:
    print("no derivative written by hand yet for:", ", ".join(missing))

grid = np.linspace(-4, 4, 800)  # an even count: no point lands on a kink
rows = []
for name, function in functions.items():
    if name not in ANALYTIC_DERIVATIVE:
        continue
    z = Tensor(grid, requires_grad=True)
    out = function(z)
    out.sum().backward()  # elementwise: d sum(f(z)) / dz_i = f'(z_i)
    by_hand = ANALYTIC_DERIVATIVE[name](grid)
    rows.append((name, out.data, z.grad, by_hand, float(np.max(np.abs(z.grad - by_hand)))))

print(f"\nDerivatives on {grid.size} points in [-4, 4], largest |autodiff - by hand| per activation:")
for start in range(0, len(rows), 3):
    print("  " + "      ".join(f"{name:<15}{gap:8.1e}" for name, *_, gap in rows[start:start + 3]))
worst = max(rows, key=lambda row: row[-1])
print(f"largest autodiff-vs-analytic derivative gap: {worst[-1]:.1e} ({worst[0]})")

columns = 6
panel_rows = math.ceil(len(rows) / columns)
fig, axes = plt.subplots(panel_rows, columns, figsize=(2.6 * columns, 2.2 * panel_rows), sharex=True, squeeze=False)
for ax, (name, values, autodiff, by_hand, gap) in zip(axes.flat, rows, strict=False):
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
    ax.plot(grid, values, color="0.75", lw=1)
    ax.plot(grid, by_hand, color="C1", lw=4, alpha=0.45)
    ax.plot(grid, autodiff, color="C0", lw=1.2)
    low, high = min(by_hand.min(), -0.1), max(by_hand.max(), 1.1)  # frame the derivative; f may leave it
    margin = 0.12 * (high - low)
    ax.set_ylim(low - margin, high + margin)
    label = {"leaky_relu": "leaky_relu 0.2", "threshold": f"threshold {THRESHOLD:g}"}.get(name, name)
    ax.set_title(f"{label}   (gap {gap:.0e})" if gap else f"{label}   (gap 0)", fontsize=9)
    ax.tick_params(labelsize=7, labelbottom=True)
    ax.grid(alpha=0.25)
for ax in list(axes.flat)[len(rows):]:
    ax.axis("off")
handles = [plt.Line2D([], [], color="0.75", lw=1), plt.Line2D([], [], color="C1", lw=4, alpha=0.45),
           plt.Line2D([], [], color="C0", lw=1.2)]
fig.legend(handles, ["f(x)", "f'(x) by hand", "f'(x) by autodiff (backward)"], loc="upper center", ncol=3,
           bbox_to_anchor=(0.5, 1.0), fontsize=10, frameon=False)
fig.suptitle("Each activation's derivative: autodiff over the formula", y=1.03, fontsize=12)
fig.tight_layout()
save(fig, args.out, "derivatives.png")

if args.show:
    plt.show()
