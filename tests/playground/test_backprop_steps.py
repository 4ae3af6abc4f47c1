"""Backprop, step by step (tinygrad_acts.playground.backprop): the steps are the engine's, in its order, and they end
at the gradients backward() gives."""
import numpy as np
import pytest

import tinygrad_acts as ta
from tinygrad_acts.playground.backprop import backprop_steps, too_big
from tinygrad_acts.playground.session import Session


def backward_gradients(session, sample):
    """The weights' gradients of one training point's loss, from backward() itself."""
    x = ta.Tensor(session.x_train[sample:sample + 1])
    for layer in session.model.layers:
        x = layer(x)
    session.model.loss(ta.Tensor(session.y_train[sample:sample + 1]), x).backward()
    gradients = {weight.path: weight.grad.copy() for weight in session.model.weights}
    for weight in session.model.weights:
        weight.grad = None
    return gradients


@pytest.mark.parametrize("config", [{"hidden": [3, 2], "activation": "tanh"},
                                    {"hidden": [3, 3, 3], "activation": "relu", "features": ["x1", "x2", "x1^2"]},
                                    {"hidden": [2], "activation": "relu", "problem": "regression",
                                     "dataset": "plane"}])
def test_stepping_to_the_end_gives_the_gradients_backward_gives(config):
    session = Session(config)
    session.step(30)  # trained a little: no weight is at its initial value
    trace = session.backprop(7)
    expected = backward_gradients(session, 7)
    assert trace["available"] and set(trace["gradients"]) == set(expected)
    for name, gradient in expected.items():
        np.testing.assert_array_equal(np.array(trace["gradients"][name], np.float32), gradient)
    assert all(weight.grad is None for weight in session.model.weights)  # nothing left behind


def test_the_steps_follow_the_engine_newest_tensor_first_and_add_up():
    session = Session({"hidden": [3, 2]})
    trace = session.backprop(0)
    nodes, steps = trace["nodes"], trace["steps"]
    assert [step["node"] for step in steps] == sorted((n["id"] for n in nodes if n["kind"] == "op"), reverse=True)
    assert steps[0]["arriving"] == 1.0 and nodes[steps[0]["node"]]["label"] == "mean"  # the loss, first
    tanh = next(step for step in steps if step["op"] == "tanh")
    assert tanh["rule"] == "g·(1 − out²)"
    out, g = np.array(nodes[tanh["node"]]["value"]), np.array(tanh["arriving"])
    np.testing.assert_allclose(tanh["sends"][0]["grad"], g * (1 - out * out), rtol=1e-5)  # the formula it shows
    received = {}  # what reached each op is the sum of what the steps before sent it
    for step in steps:
        if step["node"] in received:
            np.testing.assert_allclose(step["arriving"], received[step["node"]], rtol=1e-6)
        for send in step["sends"]:
            received[send["to"]] = received.get(send["to"], 0) + np.array(send["grad"])
    labels = {node["label"] for node in nodes if node["kind"] == "weight"}
    assert labels == {"dense_1/kernel", "dense_1/bias", "dense_2/kernel", "dense_2/bias", "dense_3/kernel",
                      "dense_3/bias"}


def test_only_a_tiny_network_is_stepped_through():
    assert too_big([3, 3, 3]) == "" and too_big([]) == ""
    message = Session({"hidden": [4, 2]}).backprop(0)["message"]
    assert "up to 3 hidden layers of up to 3 neurons" in message and "has 2 hidden layers of 4, 2 neurons" in message
    assert "has 4 hidden layers of 1, 1, 1, 1 neurons" in too_big([1, 1, 1, 1])


def test_backprop_steps_works_on_any_sequential():
    model = ta.Sequential([ta.Input(shape=(2,)), ta.layers.Dense(2, activation="sigmoid"), ta.layers.Dense(1)])
    trace = backprop_steps(model, ta.losses.MeanSquaredError(), np.ones((1, 2), np.float32),
                           np.zeros((1, 1), np.float32))
    assert {step["op"] for step in trace["steps"]} >= {"sigmoid", "matmul", "add"}
    assert next(s for s in trace["steps"] if s["op"] == "sigmoid")["rule"] == "g·out·(1 − out)"
