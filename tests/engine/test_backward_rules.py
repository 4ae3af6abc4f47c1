"""What the engine asks of a backward rule, the cases issue 12 fixed, and numpy functions on Tensors.

1. The issue's regressions: transpose with negative axes, x ** 0 at 0, d(0 ** y)/dy.
2. The engine refuses what no rule should return: a gradient whose shape no broadcasting explains, an integer or
   boolean gradient for a leaf.
3. numpy's elementwise functions on Tensors are Tensor ops (that is what lets one rule run on arrays and on Tensors);
   the ones that are not raise a TypeError saying what to use instead.
"""
import warnings

import numpy as np
import pytest

import tinygrad_acts.backend as K
from tinygrad_acts import Tensor, gradcheck, gradgradcheck, record
from tinygrad_acts.layers import Activation, Dense
from tinygrad_acts.models import Sequential


# ----------------------------------------------------------------------------------------------------------------
# 1. Regressions from issue 12
# ----------------------------------------------------------------------------------------------------------------
def test_transpose_with_negative_axes_gives_each_entry_its_own_gradient():
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((3, 4, 5, 6)), requires_grad=True)
    out = x.transpose((-2, -1, 1, 0))  # axes (2, 3, 1, 0)
    assert out.shape == (5, 6, 4, 3)
    out.sum().backward(retain_graph=True)  # out is backpropagated again below
    assert x.grad.shape == (3, 4, 5, 6)
    np.testing.assert_array_equal(x.grad, np.ones((3, 4, 5, 6)))
    weights = rng.standard_normal((5, 6, 4, 3))
    x.grad = None
    (out * weights).sum().backward()  # out[k, l, j, i] = x[i, j, k, l], so d/dx[i, j, k, l] = weights[k, l, j, i]
    np.testing.assert_array_equal(x.grad, np.einsum("klji->ijkl", weights))
    assert gradcheck(lambda x: x.transpose((-1, 0, -2)), rng.standard_normal((2, 3, 4)))


def test_x_to_the_power_0_has_gradient_0_at_0_not_nan():
    x = Tensor(np.array([0.0, 2.0, -1.5]), requires_grad=True)
    (x ** 0).sum().backward()  # 0 * 0^-1 would be 0 * inf = nan
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])
    x.grad = None
    (x ** 1).sum().backward()  # and x^1 has slope 1 at 0: 1 * 0^0
    np.testing.assert_array_equal(x.grad, [1.0, 1.0, 1.0])


def zero_to_the(y):
    """0 ** y as a function of the Tensor y; inf for y < 0, with numpy's divide-by-zero warning (that is the math)."""
    with np.errstate(divide="ignore"):
        return 0.0 ** y


def test_the_gradient_of_0_to_the_y_with_respect_to_y_is_0_for_negative_and_positive_y():
    y = Tensor(np.array([-1.5, -1.0, 0.5, 2.0]), requires_grad=True)
    out = zero_to_the(y)
    np.testing.assert_array_equal(out.data, [np.inf, np.inf, 0.0, 0.0])
    with np.errstate(divide="ignore"):  # (see the next test: nothing here should need it)
        out.backward(np.ones(4))
    np.testing.assert_array_equal(y.grad, [0.0, 0.0, 0.0, 0.0])  # 0^y is constant in y on either side of 0


def test_the_gradient_of_0_to_the_y_computes_no_gradient_for_the_constant_base():
    # 0 ** 0.5 = 0 is finite, and so is its gradient in y; the base is a constant, so no d/dx = y 0^(y-1) (inf here)
    # should be computed at all, let alone warn "divide by zero encountered in power"
    y = Tensor(np.array([-1.5, 0.5, 2.0]), requires_grad=True)
    out = zero_to_the(y)
    out.backward(np.ones(3))
    np.testing.assert_array_equal(y.grad, [0.0, 0.0, 0.0])


# ----------------------------------------------------------------------------------------------------------------
# 2. What the engine refuses
# ----------------------------------------------------------------------------------------------------------------
def test_a_rule_returning_a_gradient_of_the_wrong_shape_is_an_error_naming_the_op_and_both_shapes():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    out = record(x.data * 2, (x,), lambda g, out, x: (2 * g.T,), "double")
    with pytest.raises(RuntimeError, match=r"the backward rule of 'double' returned a gradient of shape \(3, 2\) for "
                                           r"an input of shape \(2, 3\)"):
        out.sum().backward()
    column = Tensor(np.ones((3, 1)), requires_grad=True)
    out = record(column.data * 2, (column,), lambda g, out, x: (np.ones((3, 4)),), "spread")
    out.sum().backward()  # (3, 4) for a (3, 1) input: broadcasting explains it, and the engine sums it back
    np.testing.assert_array_equal(column.grad, np.full((3, 1), 4.0))


def test_a_wrong_shaped_gradient_in_a_recorded_backward_is_the_same_error():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    out = record(x.data * 2, (x,), lambda g, out, x: (2 * g.T,), "double")
    with pytest.raises(RuntimeError, match=r"the backward rule of 'double' returned a gradient of shape \(3, 2\) for "
                                           r"an input of shape \(2, 3\)"):
        out.sum().backward(create_graph=True)


@pytest.mark.parametrize("gradient, dtype", [(lambda g: np.ones(g.shape, dtype=int), "int64"),
                                             (lambda g: g > 0, "bool")], ids=["integers", "booleans"])
def test_a_rule_handing_a_leaf_an_integer_or_boolean_gradient_is_an_error(gradient, dtype):
    x = Tensor(np.array([0.5, -1.0]), requires_grad=True)
    out = record(x.data * 1.0, (x,), lambda g, out, x: (gradient(g),), "broken")
    with pytest.raises(RuntimeError, match=rf"a backward rule handed a tensor of dtype float64 a gradient of dtype "
                                           rf"{dtype}; gradients are floating-point arrays"):
        out.backward(np.ones(2))


# ----------------------------------------------------------------------------------------------------------------
# 3. numpy functions of Tensors
# ----------------------------------------------------------------------------------------------------------------
def test_np_exp_of_a_tensor_is_a_tensor_with_a_gradient():
    t = Tensor(np.array([-1.0, 0.5, 2.0]), requires_grad=True)
    y = np.exp(t)
    assert isinstance(y, Tensor) and y.requires_grad
    np.testing.assert_allclose(y.data, np.exp(t.data))
    y.sum().backward()
    np.testing.assert_allclose(t.grad, np.exp(t.data))
    assert gradgradcheck(lambda t: np.tanh(np.sin(t)) * np.sqrt(np.exp(t)), t)  # numpy functions all the way down


def test_a_numpy_array_on_the_left_of_a_tensor_gives_a_tensor():
    t = Tensor(np.array([-1.0, 0.5, 2.0]), requires_grad=True)
    y = np.ones(3) * t
    assert isinstance(y, Tensor)
    (np.arange(3.0) * t + np.ones(3) - t).sum().backward()
    np.testing.assert_array_equal(t.grad, np.arange(3.0) - 1)
    assert isinstance(np.maximum(t, 0), Tensor) and isinstance(np.float64(2.0) ** t, Tensor)


def test_numpy_functions_that_are_not_tensor_ops_compute_on_the_values():
    t = Tensor(np.array([1.0, 2.0]))
    assert np.shape(t) == (2,)
    assert np.allclose(t, [1.2, 2.0], atol=0.5) and not np.allclose(t, [1.2, 2.0])  # keywords reach numpy


def test_np_zeros_like_of_a_tensor_is_a_constant_tensor_of_its_shape_and_dtype():
    t = Tensor(np.ones((2, 3)))
    zeros = np.zeros_like(t)
    assert isinstance(zeros, Tensor) and not zeros.requires_grad
    assert zeros.shape == (2, 3) and zeros.dtype == np.float64 and not zeros.data.any()
    assert np.zeros_like(Tensor([1, 2], dtype="int64")).dtype == np.int64
    assert np.zeros_like(Tensor([1.0, 2.0]), dtype=np.float64).dtype == np.float64
    assert np.zeros_like(t, shape=(4,)).data.tolist() == [0.0, 0.0, 0.0, 0.0]


def test_np_add_at_adds_into_a_fresh_constant_tensor_and_records_a_scatter_of_tracked_values():
    """Indexing's rule, run on Tensors, is np.add.at into the zeros np.zeros_like(g) made."""
    zeros = np.zeros_like(Tensor([0.0, 0.0, 0.0]))
    np.add.at(zeros, [0, 0, 2], 1.0)  # adds twice where the index repeats
    assert zeros.data.tolist() == [2.0, 0.0, 1.0] and not zeros.requires_grad

    v = Tensor([1.0, 2.0], requires_grad=True)
    scattered = np.zeros_like(v, shape=(3,))
    np.add.at(scattered, [2, 0], v)
    assert scattered.data.tolist() == [2.0, 0.0, 1.0] and scattered.op == "scatter"
    (scattered * np.array([1.0, 10.0, 100.0])).sum().backward()
    assert v.grad.tolist() == [100.0, 1.0]  # each value gets the gradient of the place it went to

    constant = np.zeros_like(v)
    np.add.at(constant, [0], Tensor([5.0]))  # values that need no gradient leave a constant
    assert constant.data.tolist() == [5.0, 0.0] and not constant.requires_grad
    with pytest.raises(TypeError, match="np.add.at with Tensors adds only into a fresh constant Tensor"):
        np.add.at(v, [0], 1.0)  # v carries a gradient: adding into it in place would lose track of it
    assert v.data.tolist() == [1.0, 2.0]


def test_numpy_comparisons_of_tensors_are_plain_boolean_arrays():
    t = Tensor(np.array([-1.0, 0.5, 2.0]), requires_grad=True)
    for result in (np.greater(t, 0), np.isfinite(t), t > 0):
        assert isinstance(result, np.ndarray) and result.dtype == bool  # numpy's, whose `if` is explained


@pytest.mark.parametrize("call, what", [(lambda t: np.arctan2(t, t), r"np\.arctan2 is not an op on Tensors"),
                                        (lambda t: np.add.reduce(t), r"np\.add\.reduce is not an op on Tensors"),
                                        (lambda t: np.exp(t, out=np.empty(3)),
                                         r"np\.exp is not an op on Tensors \(with out=\)")],
                         ids=["arctan2", "a ufunc method", "out="])
def test_a_numpy_function_that_is_not_a_tensor_op_is_a_type_error_saying_what_to_use(call, what):
    with pytest.raises(TypeError, match=rf"{what}\. Tensors support .*np\.exp.*; for anything "
                                        rf"else use t\.numpy\(\) \(no gradient\) or add it as an op with "
                                        rf"tinygrad_acts\.custom_op"):
        call(Tensor(np.array([-1.0, 0.5, 2.0]), requires_grad=True))


def test_np_tanh_works_as_an_activation_layer():
    K.clear_session()
    K.set_random_seed(0)
    model = Sequential([Dense(3, input_shape=(2,)), Activation(np.tanh), Dense(1)])
    x = np.random.default_rng(0).standard_normal((6, 2)).astype(np.float32)
    kernel, bias = model.layers[0].get_weights()
    hidden = model.layers[1](model.layers[0](x))
    assert isinstance(hidden, Tensor) and hidden.dtype == np.float32
    np.testing.assert_allclose(hidden.data, np.tanh(x @ kernel + bias), rtol=1e-6)
    model.compile(optimizer="sgd", loss="mse")
    before = model.layers[0].get_weights()[0].copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(x, np.ones((6, 1)), epochs=1, batch_size=6, verbose=0)
    assert not np.array_equal(before, model.layers[0].get_weights()[0])  # gradients flowed back through np.tanh


@pytest.mark.parametrize("reduce", ["max", "min"])
def test_max_and_min_name_a_bad_axis_as_the_other_reductions_do(reduce):
    """Not as an empty tensor (numpy's axis error used to be caught as 'zero-size array')."""
    x = Tensor([[1.0, 2.0]])
    with pytest.raises(ValueError, match=rf"^{reduce}: axis 5 is out of range for a tensor of shape \(1, 2\)$"):
        getattr(x, reduce)(axis=5)
    with pytest.raises(ValueError, match=rf"^{reduce}: axis \(0, 0\) names the same axis twice$"):
        getattr(x, reduce)(axis=(0, 0))
