"""What activations do inside a deep network: the textbook claims, checked with fixed seeds, and the demo that shows
them (demos/activation_dynamics.py), whose headline lines the README quotes.

The claims, each measured on ten hidden layers of 64 units:

- Glorot & Bengio (2010): in a sigmoid network the gradient shrinks on its way to the input, by orders of magnitude
  over ten layers, even with Glorot's init (sigmoid' is at most 1/4); tanh with the same init keeps it.
- He et al. (2015): with weights of variance 2 / fan_in, the second moment of a ReLU layer's pre-activations stays
  the same from layer to layer; weights of standard deviation 1 multiply it by 64 / 2 = 32 per layer, of 0.01 by
  64 * 1e-4 / 2 = 0.0032.
- Ioffe & Szegedy (2015): BatchNormalization hands each sigmoid unit inputs of mean 0 and variance 1 over the batch,
  whatever the scale of the weights before it.
- A too-high learning rate leaves many ReLUs negative for every input, dead: no gradient reaches them again; leaky
  ReLUs always pass a gradient and keep learning.

Expected values come from the theory (the factors above) and from numpy written here, never from the code under
test; the margins are stated where they are asserted.
"""
import itertools
import pathlib
import re
from typing import cast

import numpy as np
import pytest
from helpers import ROOT, assert_pngs, import_demo, run_demo

import tinygrad_acts.backend as K
from tinygrad_acts import Tensor
from tinygrad_acts.diagnostics import LayerStats, inspect
from tinygrad_acts.initializers import GlorotNormal, HeNormal, RandomNormal
from tinygrad_acts.layers import Activation, BatchNormalization, Dense
from tinygrad_acts.losses import SparseCategoricalCrossentropy
from tinygrad_acts.models import Sequential
from tinygrad_acts.optimizers import SGD, Adam
from tinygrad_acts.utils import set_random_seed

FIGURES = ("dynamics_init_histograms.png", "dynamics_init_std_gradients.png", "dynamics_training.png",
           "dynamics_remedies.png")
DEPTH, WIDTH = 10, 64


def mlp(activation: str, kernel_initializer, inputs: int, outputs: int, seed: int = 0) -> Sequential:
    """Ten hidden Dense layers of 64 units and a linear output layer. The initializer is not seeded, so each layer
    draws its own weights from the backend's generator, which set_random_seed makes reproducible."""
    K.clear_session()
    set_random_seed(seed)
    model = Sequential([*(Dense(WIDTH, activation=activation, kernel_initializer=kernel_initializer())
                          for _ in range(DEPTH)), Dense(outputs, kernel_initializer=kernel_initializer())])
    model.build((None, inputs))
    return model


def gaussian_data(samples: int = 256, features: int = 32, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((samples, features)).astype(np.float32),
            rng.standard_normal((samples, 1)).astype(np.float32))


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


# ----------------------------------------------------------------------------------------------------------------
# Glorot & Bengio: vanishing gradients in a sigmoid network
# ----------------------------------------------------------------------------------------------------------------
def gradients_by_hand(model: Sequential, x: np.ndarray, y: np.ndarray, derivative) -> list[float]:
    """||dLoss/d(output of hidden layer l)|| for l = 1..10, by numpy in float64: forward, then back through each
    layer, g_{l-1} = (g_l * f'(z_l)) @ W_l^T, from the mse loss mean((out - y)^2)."""
    layers = cast(list[Dense], model.layers)  # an mlp: Dense layers only
    kernels = [layer.kernel.data.astype(np.float64) for layer in layers]
    biases = [layer.get_weights()[1].astype(np.float64) for layer in layers]  # [kernel, bias]
    h, zs = x.astype(np.float64), []
    for kernel, bias in zip(kernels[:-1], biases[:-1], strict=True):
        zs.append(h @ kernel + bias)
        h = layers[0].activation(Tensor(zs[-1])).data
    out = h @ kernels[-1] + biases[-1]
    g = (2 * (out - y) / out.size) @ kernels[-1].T  # dLoss/d(output of the last hidden layer)
    norms = [float(np.linalg.norm(g))]
    for kernel, z in zip(kernels[-2:0:-1], zs[-1:0:-1], strict=True):
        g = (g * derivative(z)) @ kernel.T
        norms.append(float(np.linalg.norm(g)))
    return norms[::-1]


def test_sigmoid_gradients_vanish_toward_the_input_even_with_glorot_init():
    x, y = gaussian_data()
    model = mlp("sigmoid", GlorotNormal, 32, 1)
    by_hand = gradients_by_hand(model, x, y, lambda z: sigmoid(z) * (1 - sigmoid(z)))
    record = inspect(model, x, y)
    np.testing.assert_allclose(record.grad_norm[0, :DEPTH], by_hand, rtol=1e-3)  # diagnostics measure the same
    # about 4x smaller per layer going down (sigmoid' <= 1/4), ~1e-6 over 9 layers: assert 1e-4, a factor 50 of room
    assert by_hand[0] / by_hand[-1] < 1e-4
    assert all(lower < upper for lower, upper in itertools.pairwise(by_hand))  # shrinking at every layer


def test_tanh_with_the_same_glorot_init_keeps_its_gradient():
    x, y = gaussian_data()
    model = mlp("tanh", GlorotNormal, 32, 1)
    by_hand = gradients_by_hand(model, x, y, lambda z: 1 - np.tanh(z) ** 2)  # tanh'(0) = 1: nothing to lose
    assert 0.1 < by_hand[0] / by_hand[-1] < 10  # measured 0.35: within a factor of 10 across ten layers


# ----------------------------------------------------------------------------------------------------------------
# He et al.: the variance of ReLU layers
# ----------------------------------------------------------------------------------------------------------------
def relu_second_moments(kernel_initializer) -> np.ndarray:
    """E[z_l^2] of the pre-activations of each of the ten ReLU layers, by numpy in float64 from the model's
    initial weights (biases start at 0)."""
    x, _ = gaussian_data(512, 64)
    model = mlp("relu", kernel_initializer, 64, 1)
    h, moments = x.astype(np.float64), []
    for layer in cast(list[Dense], model.layers[:DEPTH]):
        z = h @ layer.kernel.data.astype(np.float64)
        moments.append(np.mean(z * z))
        h = np.maximum(z, 0)
    return np.array(moments)


def per_layer_factor(moments: np.ndarray) -> float:
    """The geometric mean of E[z_l^2] / E[z_(l-1)^2] over the nine steps between ten layers."""
    return float((moments[-1] / moments[0]) ** (1 / (DEPTH - 1)))


def test_he_init_keeps_the_second_moment_of_relu_layers():
    moments = relu_second_moments(HeNormal)
    # He: E[z_l^2] = fan_in * Var[w] * E[z_(l-1)^2] / 2 = E[z_(l-1)^2]. Measured: all ten within a factor 2.0,
    # 0.94 per layer on average
    assert moments.max() / moments.min() < 3
    assert 0.8 < per_layer_factor(moments) < 1.25


@pytest.mark.parametrize("stddev, theory", [(1.0, 64 * 1.0 / 2), (0.01, 64 * 1e-4 / 2)])
def test_weights_too_large_or_too_small_explode_or_collapse_relu_layers(stddev, theory):
    moments = relu_second_moments(lambda: RandomNormal(stddev=stddev))
    assert theory / 2 < per_layer_factor(moments) < theory * 2  # 32 or 0.0032 per layer (measured 28, 0.0028)
    assert moments[-1] / moments[0] > 1e10 if stddev == 1.0 else moments[-1] / moments[0] < 1e-18


# ----------------------------------------------------------------------------------------------------------------
# Ioffe & Szegedy: BatchNormalization before each sigmoid
# ----------------------------------------------------------------------------------------------------------------
def sigmoid_inputs(batch_norm: bool) -> list[np.ndarray]:
    """The input of each of the ten sigmoids, in training mode (batch statistics), weights from N(0, 1)."""
    K.clear_session()
    set_random_seed(0)
    layers = []
    for _ in range(DEPTH):
        dense = Dense(WIDTH, use_bias=not batch_norm, kernel_initializer=RandomNormal(stddev=1.0))
        layers += [dense, BatchNormalization(), Activation("sigmoid")] if batch_norm else [dense,
                                                                                           Activation("sigmoid")]
    model = Sequential(layers)
    x, _ = gaussian_data()
    h, inputs = Tensor(x), []
    for layer in model.layers:
        if isinstance(layer, Activation):
            inputs.append(h.data.astype(np.float64))
        h = layer(h, training=True)
    return inputs


def saturated(z: np.ndarray) -> float:
    """The fraction where sigmoid'(z) is below 5% of its largest value, 1/4."""
    return float(np.mean(sigmoid(z) * (1 - sigmoid(z)) < 0.05 * 0.25))


def test_batch_normalization_gives_every_sigmoid_unit_inputs_of_mean_0_and_variance_1():
    plain, normalized = sigmoid_inputs(batch_norm=False), sigmoid_inputs(batch_norm=True)
    # without: N(0, 1) weights sum 64 inputs of size ~0.5, z has std ~5 and 40% of the sigmoids sit flat (measured)
    assert all(z.std() > 3 for z in plain[1:]) and np.mean([saturated(z) for z in plain[1:]]) > 0.25
    for z in normalized:
        np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-5)  # every unit, over the batch of 256
        # std = sqrt(variance / (variance + epsilon)), epsilon = 1e-3, takes up to 7e-4 off (measured): allow 3e-3
        np.testing.assert_allclose(z.std(axis=0), 1, atol=3e-3)
        assert saturated(z) < 0.01  # |z| > 3.7 is rare in N(0, 1)


def test_layer_stats_sees_the_unit_variance_at_the_first_training_step():
    K.clear_session()
    set_random_seed(0)
    layers = []
    for _ in range(3):
        layers += [Dense(16, use_bias=False, kernel_initializer=RandomNormal(stddev=1.0)), BatchNormalization(),
                   Activation("sigmoid")]
    model = Sequential([*layers, Dense(1)])
    model.build((None, 32))
    model.compile(optimizer=SGD(learning_rate=0.01), loss="mse")
    x, y = gaussian_data()
    stats = LayerStats(every=1)
    model.fit(x, y, batch_size=256, epochs=1, verbose=0, callbacks=[stats])
    sigmoids = [index for index, layer in enumerate(model.layers) if isinstance(layer, Activation)]
    # 16 inputs of variance ~0.04 after the first sigmoid: variance ~0.7, so epsilon = 1e-3 takes ~0.1% off the std
    np.testing.assert_allclose(stats.record.preactivation_std[0, sigmoids], 1, atol=5e-3)
    np.testing.assert_allclose(stats.record.preactivation_mean[0, sigmoids], 0, atol=1e-5)


# ----------------------------------------------------------------------------------------------------------------
# Dead ReLUs after a too-high learning rate; leaky ReLUs keep learning
# ----------------------------------------------------------------------------------------------------------------
def never_positive(model: Sequential, x: np.ndarray) -> float:
    """The fraction of hidden units whose pre-activation is <= 0 on every point of x (a dead ReLU)."""
    h, dead = x.astype(np.float64), []
    for layer in cast(list[Dense], model.layers[:DEPTH]):
        kernel, bias = layer.get_weights()
        z = h @ kernel + bias
        dead.append(np.all(z <= 0, axis=0))
        h = layer.activation(Tensor(z)).data
    return float(np.mean(dead))


def train_on_spiral(activation: str, learning_rate: float) -> tuple[Sequential, float, float, float, LayerStats]:
    """Ten He-initialized layers on the spiral, Adam for 40 epochs: the model, the never-positive fraction before
    and after, the training accuracy, and the LayerStats callback."""
    x, y = import_demo("train_spiral").make_spiral(seed=0)
    model = mlp(activation, HeNormal, 2, 3)
    model.compile(optimizer=Adam(learning_rate=learning_rate), loss=SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    dead_before = never_positive(model, x)
    stats = LayerStats(every=10)
    with np.errstate(over="ignore"):  # at this learning rate a leaky network's logits reach 1e6: float32 squares
        model.fit(x, y, batch_size=32, epochs=40, verbose=0, callbacks=[stats])
    accuracy = model.evaluate(x, y)[1]
    return model, dead_before, never_positive(model, x), accuracy, stats


def test_a_too_high_learning_rate_kills_relus():
    _, before, after, accuracy, _ = train_on_spiral("relu", 0.1)  # 20 times Adam(0.005), which trains it well
    # measured (seeds 0, 1, 2): 13-19% before, 87-91% after, and the network answers one class for every point
    assert before < 0.3 and after > 0.6
    assert accuracy < 0.5


def test_at_a_good_learning_rate_relus_stay_alive():
    _, before, after, accuracy, _ = train_on_spiral("relu", 0.005)
    assert after < 0.3 and accuracy > 0.9  # measured: 16%, 98%


def test_leaky_relus_never_die_and_keep_learning_at_the_same_learning_rate():
    model, _, _, accuracy, stats = train_on_spiral("leaky_relu", 0.1)
    hidden = stats.record.dead[:, :DEPTH]
    assert np.all(hidden == 0)  # f'(z) = 0.2 below 0: every unit passes a gradient, at every recorded step
    assert accuracy > 0.7  # measured 84-94% over seeds 0, 1, 2, where ReLU ends at 33%


# ----------------------------------------------------------------------------------------------------------------
# The demo, and the README's quotes of it
# ----------------------------------------------------------------------------------------------------------------
def run_the_demo(out: pathlib.Path, *options: str) -> str:
    stdout = run_demo("activation_dynamics.py", out, *options)
    assert_pngs(out, FIGURES)
    return stdout


def headlines(stdout: str) -> list[str]:
    return [line for line in stdout.split("== Headlines ==\n", 1)[1].splitlines() if line.startswith("- ")]


@pytest.fixture(scope="module")
def stdout(tmp_path_factory):
    """The full demo, run once as a learner runs it (about 20 s)."""
    return run_the_demo(tmp_path_factory.mktemp("figures"))


def test_the_quick_mode_writes_every_figure_and_the_same_numbers_at_initialization(tmp_path, stdout):
    quick = run_the_demo(tmp_path, "--quick")
    at_init = [line for line in headlines(stdout) if line.startswith("- at init")]
    assert len(at_init) == 4 and at_init == [line for line in headlines(quick) if line.startswith("- at init")]


def test_the_demo_prints_the_textbook_claims(stdout):
    lines = "\n".join(headlines(stdout))
    ratio = {activation: float(value) for activation, value in re.findall(
        r"at init, (\w+) GlorotNormal: the gradient reaching layer 1 is (\S+) times", lines)}
    assert ratio["sigmoid"] < 1e-4 and 0.1 < ratio["tanh"] < 10
    relu_line = re.search(r"at init, relu: std of layer 10's outputs (.*)", lines).group(1)
    stds = {init: float(value) for value, init in re.findall(r"(\S+) with ([^,]+)", relu_line)}
    assert stds["RandomNormal(1.0)"] > 1e5 and stds["RandomNormal(0.01)"] < 1e-8 and 0.1 < stds["HeNormal"] < 10
    trained = dict(re.findall(r"relu (\S+) (\d+)%", re.search(r"trained with SGD.*", lines).group(0)))
    assert int(trained["HeNormal"]) >= 95 and int(trained["RandomNormal(1.0)"]) < 50 and \
        int(trained["RandomNormal(0.01)"]) < 50
    sigmoid_bn = re.search(r"before sigmoid \(GlorotNormal\): gradient layer 1 / 10 at step 0 (\S+) -> (\S+);", lines)
    assert float(sigmoid_bn.group(1)) < 1e-4 < 1e-2 < float(sigmoid_bn.group(2))  # no longer vanishing
    for before, after in re.findall(r"BatchNormalization before .* last 5 epochs (\d+)% -> (\d+)%", lines):
        assert int(before) < 40 and int(after) > 75  # a network that could not learn now does
    before, after, relu, leaky = re.search(r"ReLUs with z <= 0 on all 300 points (\d+)% -> (\d+)%, accuracy (\d+)%; "
                                           r"LeakyReLU accuracy (\d+)%", lines).groups()
    assert int(after) > 60 > 30 > int(before) and int(leaky) > int(relu) + 30


def test_the_readme_quotes_the_headlines_the_demo_prints(stdout):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Inside the network: what activations do while it trains", 1)[1].split("\n## ", 1)[0]
    quoted = re.search(r"```text\n(.*?)```", section, re.S).group(1).splitlines()
    printed = headlines(stdout)
    assert len(quoted) == len(printed)
    for said, seen in zip(quoted, printed, strict=True):
        if said.startswith("- at init"):
            assert said == seen  # one forward and backward pass: the same digits on every CPU
            continue
        # After training, CPUs differ: OpenBLAS sums matrix products in another order on each CPU family, and 400
        # steps amplify the last bits (seen here across OpenBLAS's kernels: up to 5 points). Same words, and each
        # percentage within 6 points; the gradient ratios at step 0 are the same digits.
        assert re.sub(r"\d+%", "N%", said) == re.sub(r"\d+%", "N%", seen)
        for a, b in zip(re.findall(r"(\d+)%", said), re.findall(r"(\d+)%", seen), strict=True):
            assert abs(int(a) - int(b)) <= 6, (said, seen)
    for name in ("dynamics_init_std_gradients.png", "dynamics_training.png", "dynamics_remedies.png"):
        assert f"docs/figures/{name}" in section
