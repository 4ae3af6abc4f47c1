"""The transforms (grad, value_and_grad, jacobian, hessian, hvp) agree with each other and with finite differences:
hessian(f) is jacobian(grad(f)), symmetric, and hvp(f, x, v) is hessian(f)(x) @ v; grad as a building block: several
arguments, inside no_grad(), and a gradient penalty (WGAN-GP) whose gradient flows into the weights the function closes
over."""
import numpy as np
import pytest

from tinygrad_acts import (
    Tensor,
    grad,
    hessian,
    hvp,
    jacobian,
    no_grad,
    value_and_grad,
)

# ----------------------------------------------------------------------------------------------------------------
# 1. The transforms agree: hessian, jacobian of grad, finite differences of grad, hvp
# ----------------------------------------------------------------------------------------------------------------
W = np.array([[0.5, -1.0, 0.3], [0.8, 0.2, -0.6]])


def smooth(x):
    """A function of a vector whose Hessian has no zero entries: every entry meets every other."""
    return ((Tensor(W) @ x).tanh() ** 2).sum() + x[0] * x[1:].exp().sum() + x.sin().sum() * x.sum()


def test_the_hessian_is_the_jacobian_of_the_gradient_symmetric_and_matches_finite_differences_of_the_gradient():
    x = np.array([0.3, -0.8, 1.1])
    h = hessian(smooth)(x).data
    np.testing.assert_allclose(h, jacobian(grad(smooth))(x).data, rtol=1e-12)
    np.testing.assert_allclose(h, h.T, rtol=1e-12)  # d^2f / dx_i dx_j = d^2f / dx_j dx_i
    eps = 1e-6
    columns = [(grad(smooth)(x + eps * e).data - grad(smooth)(x - eps * e).data) / (2 * eps) for e in np.eye(3)]
    np.testing.assert_allclose(h, np.stack(columns, axis=1), rtol=1e-6, atol=1e-8)
    assert np.all(np.abs(h) > 1e-3)


def test_hvp_is_the_hessian_times_the_vector():
    x, v = np.array([0.3, -0.8, 1.1]), np.array([1.0, -2.0, 0.5])
    product = hvp(smooth, x, v)
    assert product.shape == (3,)
    np.testing.assert_allclose(product.data, hessian(smooth)(x).data @ v, rtol=1e-12)


def test_backward_with_create_graph_leaves_a_tensor_in_grad_that_can_be_differentiated_again():
    x = Tensor(np.array([-1.0, 0.5, 2.0]), requires_grad=True)
    (x ** 3).sum().backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Tensor) and first.requires_grad
    np.testing.assert_allclose(first.data, 3 * x.data ** 2)
    x.grad = None  # as in PyTorch: clear it, or the second backward adds into it
    first.sum().backward()  # d/dx sum(3 x^2) = 6 x
    assert type(x.grad) is np.ndarray
    np.testing.assert_allclose(x.grad, 6 * x.data)


def test_backward_with_create_graph_takes_a_seed_and_adds_into_grad():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    (x * x).backward(np.array([1.0, 10.0]), create_graph=True)  # d/dx sum(seed * x^2) = 2 x seed
    assert x.grad.data.tolist() == [2.0, 40.0]
    (x * x * x).sum().backward(create_graph=True)  # adds 3x^2 into the Tensor in .grad
    assert isinstance(x.grad, Tensor) and x.grad.data.tolist() == [5.0, 52.0]


def test_a_tracked_seed_is_part_of_the_recorded_gradient():
    """backward(w, create_graph=True) computes sum(w * y)'s gradient: with w tracked, it depends on w too."""
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    w = Tensor(np.array([1.0, 10.0]), requires_grad=True)
    (x * x).backward(w, create_graph=True)
    first = x.grad  # 2 x w
    assert first.data.tolist() == [2.0, 40.0]
    x.grad = None
    first.sum().backward()
    assert w.grad.tolist() == [2.0, 4.0] and x.grad.tolist() == [2.0, 20.0]  # d/dw = 2x, d/dx = 2w


def test_backward_with_create_graph_inside_no_grad_is_the_plain_backward_and_keeps_the_graph():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = x * x
    with no_grad():
        y.backward(np.array([1.0, 10.0]), create_graph=True)
        assert type(x.grad) is np.ndarray and x.grad.tolist() == [2.0, 40.0]
        y.backward(np.array([1.0, 10.0]), create_graph=True)  # create_graph keeps the graph, as in PyTorch
    assert x.grad.tolist() == [4.0, 80.0]


# ----------------------------------------------------------------------------------------------------------------
# 2. grad as a building block
# ----------------------------------------------------------------------------------------------------------------
def test_value_and_grad_with_several_argnums_gives_a_tuple_of_gradients():
    def f(a, b):
        return (a * b.exp()).sum()

    a, b = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    value, (da, db) = value_and_grad(f, argnums=(0, 1))(a, b)
    assert value.item() == pytest.approx(np.sum(a * np.exp(b)))
    np.testing.assert_allclose(da.data, np.exp(b))
    np.testing.assert_allclose(db.data, a * np.exp(b))
    np.testing.assert_allclose(grad(f, argnums=1)(a, b).data, a * np.exp(b))  # one argnum: the gradient alone
    np.testing.assert_allclose(grad(f, argnums=-1)(a, b).data, a * np.exp(b))  # counted from the end
    (db_alone,) = grad(f, argnums=(1,))(a, b)  # a tuple of one: a tuple back
    np.testing.assert_allclose(db_alone.data, a * np.exp(b))


def test_grad_works_inside_no_grad_as_torch_func_grad_does():
    x = np.array([-1.0, 0.5, 2.0])
    with no_grad():
        first = grad(lambda t: (t ** 3).sum())(x)
        second = hessian(lambda t: (t ** 3).sum())(x)
    np.testing.assert_allclose(first.data, 3 * x ** 2)
    np.testing.assert_allclose(second.data, np.diag(6 * x))
    assert not first.requires_grad and not second.requires_grad  # nothing recorded to differentiate further


def test_a_gradient_penalty_through_grad_trains_the_weights_the_function_closes_over():
    """WGAN-GP: the critic's gradient with respect to its input, squared, is a loss for the critic's weights."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3))
    w = Tensor(rng.standard_normal((3, 2)), requires_grad=True)

    def critic(inputs):
        return (inputs @ w).tanh().sum()

    penalty = (grad(critic)(x) ** 2).sum()
    penalty.backward()
    assert w.grad.shape == (3, 2)

    def penalty_by_hand(weights):  # d/dx sum(tanh(x w)) = (1 - tanh(x w)^2) w^T, in numpy
        return np.sum(((1 - np.tanh(x @ weights) ** 2) @ weights.T) ** 2)

    assert penalty.item() == pytest.approx(penalty_by_hand(w.data), rel=1e-12)
    eps, numeric = 1e-6, np.zeros((3, 2))
    for index in np.ndindex(3, 2):
        step = np.zeros((3, 2))
        step[index] = eps
        numeric[index] = (penalty_by_hand(w.data + step) - penalty_by_hand(w.data - step)) / (2 * eps)
    np.testing.assert_allclose(w.grad, numeric, rtol=1e-6, atol=1e-9)


def test_grad_of_a_function_of_a_tensor_that_requires_grad_is_a_function_of_that_tensor():
    x = Tensor(np.array([0.4, -1.2]), requires_grad=True)
    slope = grad(lambda t: t.sin().sum())(x)  # cos(x), recorded as a function of x
    assert slope.requires_grad
    slope.sum().backward()
    np.testing.assert_allclose(x.grad, -np.sin(x.data))
