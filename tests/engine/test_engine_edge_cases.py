"""The engine at its limits: very deep and very wide graphs, memory after a graph is dropped, no_grad across threads.

tests/engine/test_tensor.py already backpropagates through a chain of 100,000 multiplications and checks that no_grad
nests; here are the cases around them.
"""
import gc
import threading
import weakref

import numpy as np
import pytest

import tinygrad_acts as ta
from tinygrad_acts import Tensor, activations, losses
from tinygrad_acts.layers import Dense
from tinygrad_acts.models import Sequential


def graph_nodes(root: Tensor) -> list[Tensor]:
    """Every tensor computed on the way to ``root`` (not the leaves), found by following ``_parents``."""
    seen, stack, nodes = set(), [root], []
    while stack:
        tensor = stack.pop()
        if id(tensor) in seen or tensor.backward_rule is None:
            continue
        seen.add(id(tensor))
        nodes.append(tensor)
        stack.extend(tensor.parents)
    return nodes


@pytest.fixture
def reference_counting_only():
    """Switch the cycle collector off: whatever is freed is then freed by reference counting alone, which proves
    that nothing in the graph points back at itself (a cycle would keep it alive until the collector runs)."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


# ----------------------------------------------------------------------------------------------------------------
# Deep and wide graphs
# ----------------------------------------------------------------------------------------------------------------
def test_a_chain_of_100000_mixed_ops_backpropagates_and_is_freed_without_recursion(reference_counting_only):
    x = Tensor(np.array([0.5, -0.25]), requires_grad=True)
    y = x
    for _ in range(25_000):  # 4 ops a step: 100,000 nodes between y and x
        y = ((y * 1.0 + 0.0) - 0.0) / 1.0
    first = weakref.ref(graph_nodes(y)[-1])  # the op next to x, at the bottom of the chain
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])
    del y  # freeing 100,000 nested tensors must not overflow the C stack either
    assert first() is None


def test_one_tensor_used_10000_times_gets_the_sum_of_all_its_uses():
    x = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    total = x
    for _ in range(9_999):  # fan-in through a chain of additions
        total = total + x
    total.sum().backward()
    np.testing.assert_array_equal(x.grad, [10_000.0] * 3)

    x.grad = None
    ta.stack([x] * 10_000).sum().backward()  # fan-in in a single op: 10,000 parents that are the same tensor
    np.testing.assert_array_equal(x.grad, [10_000.0] * 3)


def test_an_intermediate_tensor_used_10000_times_passes_the_summed_gradient_on_once():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    hidden = x * x  # not a leaf: its 10,000 incoming gradients are summed before its own rule runs, once
    ta.stack([hidden * float(k) for k in range(10_000)]).sum().backward()
    np.testing.assert_allclose(x.grad, 2 * x.data * sum(range(10_000)))


# ----------------------------------------------------------------------------------------------------------------
# Memory: a dropped graph is freed at once, by reference counting alone
# ----------------------------------------------------------------------------------------------------------------
def assert_freed_after_backward(make_loss):
    """Build a loss, backpropagate, drop it: every tensor of its graph must be gone at once."""
    loss = make_loss()
    nodes = [weakref.ref(node) for node in graph_nodes(loss)]
    assert nodes, "the loss should have a graph"
    loss.backward()
    del loss
    alive = [ref().op for ref in nodes if ref() is not None]
    assert not alive, f"still reachable after del: {alive}"


TENSOR_OPS = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b, "div": lambda a, b: a / b,
    "pow": lambda a, b: a ** 2, "tensor pow": lambda a, b: a ** b, "matmul": lambda a, b: a @ b.T,
    "exp": lambda a, b: a.exp(), "log": lambda a, b: a.log(), "sqrt": lambda a, b: a.sqrt(),
    "abs": lambda a, b: a.abs(), "tanh": lambda a, b: a.tanh(), "sigmoid": lambda a, b: a.sigmoid(),
    "relu": lambda a, b: a.relu(), "maximum": lambda a, b: a.maximum(b), "minimum": lambda a, b: a.minimum(b),
    "clip": lambda a, b: a.clip(0.2, 0.8), "sum": lambda a, b: a.sum(axis=0), "mean": lambda a, b: a.mean(axis=1),
    "max": lambda a, b: a.max(axis=0), "min": lambda a, b: a.min(), "reshape": lambda a, b: a.reshape(-1),
    "transpose": lambda a, b: a.T, "getitem": lambda a, b: a[[0, 0, 1]], "where": lambda a, b: ta.where(a > b, a, b),
    "concatenate": lambda a, b: ta.concatenate([a, b]), "stack": lambda a, b: ta.stack([a, b]),
}


@pytest.mark.parametrize("op", TENSOR_OPS)
def test_every_tensor_op_leaves_nothing_behind(op, reference_counting_only):
    a = Tensor(np.array([[0.3, 0.6], [0.9, 0.4]]), requires_grad=True)
    b = Tensor(np.array([[0.5, 0.7], [0.2, 0.1]]), requires_grad=True)
    assert_freed_after_backward(lambda: TENSOR_OPS[op](a, b).sum())


@pytest.mark.parametrize("name", sorted(activations.ALL_ACTIVATIONS))
def test_every_activation_leaves_nothing_behind(name, reference_counting_only):
    x = Tensor(np.array([[-1.5, 0.5, 2.0, -0.3]]), requires_grad=True)
    kwargs = {"threshold": 0.1, "default_value": 0.0} if name == "threshold" else {}
    assert_freed_after_backward(lambda: activations.get(name)(x * 1.0, **kwargs).sum())


@pytest.mark.parametrize("loss", [losses.MeanSquaredError(), losses.MeanAbsoluteError(), losses.Huber(),
                                  losses.BinaryCrossentropy(), losses.BinaryCrossentropy(from_logits=True),
                                  losses.CategoricalCrossentropy(), losses.CategoricalCrossentropy(from_logits=True)],
                         ids=repr)
def test_every_loss_leaves_nothing_behind(loss, reference_counting_only):
    prediction = Tensor(np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]]), requires_grad=True)
    assert_freed_after_backward(lambda: loss(np.eye(3)[[2, 0]], prediction * 1.0))


def test_a_model_forward_and_backward_leave_nothing_behind(reference_counting_only):
    model = Sequential([Dense(8, activation="tanh", input_shape=(3,)), Dense(3, activation="softmax")])
    x = np.ones((4, 3), np.float32)
    assert_freed_after_backward(lambda: losses.categorical_crossentropy(np.eye(3)[[0, 1, 2, 0]], model(x)).mean())
    assert all(w.grad is not None for w in model.weights)  # the leaves keep their gradients, as they should


def test_fit_keeps_no_tensor_alive_between_calls(reference_counting_only):
    model = Sequential([Dense(8, activation="tanh", input_shape=(3,)), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x, y = np.ones((16, 3), np.float32), np.zeros((16, 1), np.float32)
    model.fit(x, y, batch_size=4, verbose=0)
    # type(), not isinstance(): isinstance reads __class__, a deprecated property that warns on some objects of other
    # libraries loaded beside us (torch.distributed.reduce_op)
    before = sum(type(o) is Tensor for o in gc.get_objects())
    model.fit(x, y, batch_size=4, epochs=3, verbose=0)
    assert sum(type(o) is Tensor for o in gc.get_objects()) == before
    assert all(w.grad is None for w in model.weights)  # zeroed after each step, so no gradient array is kept either


# ----------------------------------------------------------------------------------------------------------------
# no_grad: nested, and in two threads at once
# ----------------------------------------------------------------------------------------------------------------
def test_no_grad_nested_three_deep_restores_each_level_even_after_an_error():
    x = Tensor([1.0], requires_grad=True)
    with pytest.raises(KeyError):
        with ta.no_grad():
            with ta.no_grad():
                with ta.no_grad():
                    raise KeyError("leaving through an exception")
    assert ta.is_grad_enabled() and (x * 2).requires_grad


def test_no_grad_in_one_thread_does_not_switch_off_gradients_in_another():
    x = Tensor([1.0, 2.0], requires_grad=True)
    inside, outside = threading.Barrier(2), threading.Barrier(2)
    seen = {}

    def quiet_thread():
        with ta.no_grad():
            inside.wait()  # the other thread now computes while this one is inside no_grad
            seen["quiet"] = (x * 2).requires_grad
            outside.wait()
        seen["quiet after"] = (x * 2).requires_grad

    def recording_thread():
        inside.wait()
        seen["recording"] = (x * 2).requires_grad
        outside.wait()

    threads = [threading.Thread(target=quiet_thread), threading.Thread(target=recording_thread)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert seen == {"quiet": False, "recording": True, "quiet after": True}
    assert ta.is_grad_enabled()  # the main thread was never affected


def test_many_threads_toggling_no_grad_never_see_each_others_state():
    errors = []

    def worker(index):
        x = Tensor([float(index)], requires_grad=True)
        for _ in range(200):
            with ta.no_grad():
                if (x * 2).requires_grad:
                    errors.append(f"thread {index} recorded inside no_grad")
            if not (x * 2).requires_grad:
                errors.append(f"thread {index} recorded nothing outside no_grad")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
