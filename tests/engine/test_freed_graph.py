"""A graph is backpropagated once (tensor.py's loop releases each rule after it ran), as in PyTorch: a second
backward through it says what happened and the two ways out; separate graphs accumulate as before."""
import gc
import weakref

import numpy as np
import pytest

import tinygrad_acts as ta
from tinygrad_acts import Tensor, draw_graph, gradcheck, gradgradcheck

SECOND_TIME = (r"^backward\(\) went through a graph a second time: its backward rules were released after the first "
               r"backward\(\), to free memory\. To backpropagate through the same graph again, call the first one as "
               r"backward\(retain_graph=True\); to add the gradients of two losses, backpropagate their sum once: "
               r"\(loss1 \+ loss2\)\.backward\(\)$")


def test_a_second_backward_through_the_same_graph_is_refused_not_doubled():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=SECOND_TIME):
        y.backward()
    assert x.grad.tolist() == [2.0, 4.0]  # once, not 2 dy/dx


def test_retain_graph_allows_a_second_pass_which_accumulates():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 8.0]


def test_gradients_of_separate_graphs_accumulate_as_before():
    """Two losses, two batches: each its own graph, each backpropagated once."""
    w = Tensor([0.5, -1.0], requires_grad=True)
    (w * 2).sum().backward()
    (w * w).sum().backward()
    np.testing.assert_allclose(w.grad, [2 + 1.0, 2 - 2.0])


def test_a_shared_subgraph_needs_retain_graph_or_the_sum():
    x = Tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    first, second = h.sum(), (h * h).sum()
    (first + second).backward()  # the way out without retain_graph: one backward of the sum
    np.testing.assert_allclose(x.grad, 3 + 2 * 9 * np.array([1.0, 2.0]))
    x.grad = None
    h = x * 3
    h.sum().backward()
    with pytest.raises(RuntimeError, match=SECOND_TIME):
        (h * h).sum().backward()


def test_create_graph_keeps_the_graph_as_in_pytorch():
    x = Tensor(np.float64(0.5), requires_grad=True)
    y = x.tanh()
    y.backward(create_graph=True)
    y.backward(create_graph=True)  # create_graph implies retain_graph
    np.testing.assert_allclose(float(x.grad), 2 * (1 - np.tanh(0.5) ** 2))


def test_the_transforms_and_the_checks_still_work_over_repeated_passes():
    f = ta.activations.tanh
    x = np.array([0.3, -0.7])
    np.testing.assert_allclose(ta.grad(lambda t: f(t).sum())(x).data, 1 - np.tanh(x) ** 2)
    np.testing.assert_allclose(ta.jacobian(f)(x).data, np.diag(1 - np.tanh(x) ** 2))
    np.testing.assert_allclose(ta.hessian(lambda t: (t ** 3).sum())(x).data, np.diag(6 * x))
    np.testing.assert_allclose(ta.hvp(lambda t: (t ** 3).sum(), x, np.ones(2)).data, 6 * x)
    assert gradcheck(f, x) and gradgradcheck(f, x)


def test_a_drawing_after_backward_still_shows_the_graph():
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    y = (x * x).sum()
    y.backward()
    assert "mul" in draw_graph(y) and "sum" in draw_graph(y)  # the structure stays; only the rules are released


def test_what_a_released_rule_kept_is_freed_at_once():
    """The closure of a rule (matmul's, with its operands) goes when it has run, while the result is still held."""
    a = Tensor(np.ones((3, 3)), requires_grad=True)
    kept = np.ones((3, 3))

    def rule(g, out, x):
        return (g * kept_alias,)

    kept_alias = kept  # held by the rule's closure only
    y = ta.record(a.data * 2, (a,), rule, "double")
    probe = weakref.ref(y.backward_rule)
    y.sum().backward()
    del rule
    gc.collect()
    assert probe() is None and y.requires_grad  # the rule is gone; the result is still a result of an op
