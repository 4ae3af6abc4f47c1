"""The lesson's remedy of residual connections (He et al. 2016, "Deep Residual Learning"): in ten-layer sigmoid and
tanh networks, identity shortcuts h_k = h_(k-1) + f(h_(k-1)) keep the gradient reaching the first layer from
vanishing, because d h_k / d h_(k-1) = I + J_f hands it back unchanged plus the branch's part.

The demo's numbers (demos/activation_dynamics.py, section 3) are checked against the same forward and backward pass
written here in numpy by hand, then the claim is asserted with its margin.
"""
import importlib
import pathlib
import sys

import numpy as np
import pytest

from tinygrad_acts.layers import Add, Dense

DEMOS = pathlib.Path(__file__).resolve().parents[2] / "demos"


@pytest.fixture(scope="module")
def demo():
    """demos/activation_dynamics.py as a module (its main() runs only under __main__)."""
    sys.path.insert(0, str(DEMOS))
    try:
        return importlib.import_module("activation_dynamics")
    finally:
        sys.path.remove(str(DEMOS))


def by_hand(model, x, y, activation, skips):
    """|dLoss/d h_k| for the ten hidden outputs h_k, with numpy: forward, then the chain rule backwards."""
    f = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh}[activation]
    df = {"sigmoid": lambda h: h * (1 - h), "tanh": lambda h: 1 - h * h}[activation]  # from the activation's output
    dense = [layer for layer in model.layers if isinstance(layer, Dense)]
    weights = [(layer.kernel.data.astype(np.float64), layer.bias.data.astype(np.float64)) for layer in dense]
    h = x.astype(np.float64)
    outputs, branches = [], []
    for index, (kernel, bias) in enumerate(weights[:-1]):
        branch = f(h @ kernel + bias)
        branches.append(branch)
        h = h + branch if skips and index > 0 else branch
        outputs.append(h)
    kernel, bias = weights[-1]
    prediction = h @ kernel + bias
    grad = (2 * (prediction - y) / prediction.size) @ kernel.T  # d mean((p - y)^2) / d h_10
    norms = [np.linalg.norm(grad)]
    for index in range(len(outputs) - 1, 0, -1):  # from h_10 down to h_1
        through_branch = (grad * df(branches[index])) @ weights[index][0].T
        grad = grad + through_branch if skips else through_branch
        norms.append(np.linalg.norm(grad))
    return np.array(norms[::-1])


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("skips", [False, True], ids=["plain", "residual"])
def test_the_demos_gradients_are_the_chain_rule_by_hand(demo, activation, skips):
    measured = demo.residual_gradients(activation, "GlorotNormal", skips)
    model = demo.build_residual_mlp(activation, "GlorotNormal", skips)  # the same seed: the same weights
    assert sum(isinstance(layer, Add) for layer in model.layers) == (9 if skips else 0)
    x, y = demo.init_data()
    np.testing.assert_allclose(measured["grad"], by_hand(model, x, y, activation, skips), rtol=1e-4)


def test_identity_shortcuts_keep_the_first_layers_gradient_from_vanishing(demo):
    """He et al. 2016. Margins: without shortcuts the sigmoid network's layer-1 gradient is below 1e-4 of layer 10's
    (sigmoid' <= 1/4 per layer: about 4^-9 ~ 4e-6); with them it is at least half of it (the identity alone would
    keep it equal), for sigmoid and for tanh."""
    ratio = {(activation, skips): demo.residual_ratio(demo.residual_gradients(activation, "GlorotNormal", skips))
             for activation in ("sigmoid", "tanh") for skips in (False, True)}
    assert ratio["sigmoid", False] < 1e-4
    assert ratio["sigmoid", True] > 0.5 and ratio["tanh", True] > 0.5
    assert ratio["sigmoid", True] > 1e4 * ratio["sigmoid", False]
