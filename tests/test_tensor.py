"""The Tensor and its engine. Each test is also an example of the API.

Gradients are checked against central finite differences in float64 with the project's own ``gradcheck``,
on plain shapes and on broadcast shapes: (3, 1) with (1, 4), (5, 4) with (4,), and a scalar with a matrix.
"""
import numpy as np
import pytest

import tinygrad_acts as ta
from tinygrad_acts import Tensor, gradcheck

BROADCAST_PAIRS = [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((5, 4), (4,)), ((), (2, 3)), ((2, 3), ())]


def data(rng, shape, low=-2.0, high=2.0):
    return rng.uniform(low, high, size=shape)


# ----------------------------------------------------------------------------------------------------------------
# Construction and dtype rules
# ----------------------------------------------------------------------------------------------------------------
def test_python_numbers_lists_and_integers_become_float32():
    assert Tensor(3).dtype == np.float32
    assert Tensor(2.5).dtype == np.float32
    assert Tensor([[1, 2], [3, 4]]).dtype == np.float32
    assert Tensor(np.arange(4)).dtype == np.float32
    assert Tensor(np.array([True, False])).dtype == np.float32


def test_float_arrays_keep_their_precision_and_explicit_dtype_wins():
    assert Tensor(np.zeros(3)).dtype == np.float64
    assert Tensor(np.zeros(3, dtype=np.float32)).dtype == np.float32
    assert Tensor(np.float64(1.5)).dtype == np.float64
    assert Tensor([1, 2], dtype=np.float64).dtype == np.float64
    assert Tensor(np.zeros(3), dtype="float32").dtype == np.float32


def test_a_tensor_can_be_built_from_a_tensor():
    t = Tensor([1.0, 2.0])
    assert np.array_equal(Tensor(t).data, t.data)


@pytest.mark.parametrize("bad", ["abc", None, {"a": 1}, [1, "x"], object()])
def test_non_numeric_data_raises_type_error_naming_the_type(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Tensor(bad)


def test_ragged_lists_raise_a_clear_value_error():
    with pytest.raises(ValueError, match="rectangular"):
        Tensor([[1, 2], [3]])


def test_only_float_tensors_can_require_grad():
    with pytest.raises(TypeError, match="floating-point"):
        Tensor([1, 2], dtype=np.int64, requires_grad=True)


def test_array_like_behaviour():
    t = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert t.shape == (2, 3) and t.ndim == 2 and t.size == 6 and len(t) == 2
    assert isinstance(t.numpy(), np.ndarray)
    assert np.asarray(t) is t.data
    assert np.asarray(t, dtype=np.float64).dtype == np.float64
    assert Tensor(7.0).item() == 7.0
    assert isinstance(t.data, np.ndarray) and isinstance(t.sum().data, np.ndarray)  # 0-d results stay arrays


def test_repr_shows_values_and_the_op_that_made_the_tensor():
    x = Tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "Tensor([1., 2.], requires_grad=True)"
    assert repr(x * 2) == "Tensor([2., 4.], grad_fn=mul)"
    assert repr(Tensor([1.0])) == "Tensor([1.])"


def test_detach_cuts_the_graph():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * 3).detach()
    assert not y.requires_grad and y._parents == ()
    assert np.array_equal(y.data, [3.0, 6.0])


# ----------------------------------------------------------------------------------------------------------------
# Gradients of every op, on plain and broadcast shapes
# ----------------------------------------------------------------------------------------------------------------
BINARY_OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "maximum": lambda a, b: a.maximum(b),
    "minimum": lambda a, b: a.minimum(b),
    "where": lambda a, b: ta.where(a.data > 0, a, b),
}


@pytest.mark.parametrize("op", BINARY_OPS)
@pytest.mark.parametrize("shapes", BROADCAST_PAIRS, ids=str)
def test_binary_op_gradients(op, shapes, rng):
    a = data(rng, shapes[0])
    b = data(rng, shapes[1], 0.5, 2.0) * rng.choice([-1, 1], size=shapes[1])  # keep away from 0 for div
    assert gradcheck(BINARY_OPS[op], a, b)


@pytest.mark.parametrize("shapes", BROADCAST_PAIRS, ids=str)
def test_power_gradients_with_tensor_and_constant_exponents(shapes, rng):
    base = data(rng, shapes[0], 0.5, 2.0)  # x ** y needs x > 0 for a real result and a gradient in y
    exponent = data(rng, shapes[1], -2.0, 2.0)
    assert gradcheck(lambda x, y: x ** y, base, exponent)
    assert gradcheck(lambda x: x ** 3, data(rng, shapes[0]))
    assert gradcheck(lambda x: x ** -0.5, base)
    assert gradcheck(lambda y: 2.0 ** y, exponent)


UNARY_OPS = {
    "neg": (lambda x: -x, (-2, 2)),
    "exp": (lambda x: x.exp(), (-2, 2)),
    "log": (lambda x: x.log(), (0.5, 3)),
    "sqrt": (lambda x: x.sqrt(), (0.5, 3)),
    "abs": (lambda x: x.abs(), (-2, 2)),
    "tanh": (lambda x: x.tanh(), (-3, 3)),
    "sigmoid": (lambda x: x.sigmoid(), (-5, 5)),
    "relu": (lambda x: x.relu(), (-2, 2)),
    "clip": (lambda x: x.clip(-1.0, 1.0), (-2, 2)),
    "rsub": (lambda x: 1 - x, (-2, 2)),
    "rdiv": (lambda x: 1 / x, (0.5, 2)),
}


@pytest.mark.parametrize("op", UNARY_OPS)
@pytest.mark.parametrize("shape", [(), (4,), (3, 4), (2, 3, 4)], ids=str)
def test_unary_op_gradients(op, shape, rng):
    f, (low, high) = UNARY_OPS[op]
    x = data(rng, shape, low, high)
    if op in ("abs", "relu", "clip"):  # keep finite differences away from the kinks at 0 and +-1
        x = np.where(np.abs(np.abs(x) - 1) < 0.05, x + 0.1, x)
        x = np.where(np.abs(x) < 0.05, 0.3, x)
    assert gradcheck(f, x)


def test_unary_op_values_against_numpy():
    x = np.array([-1000.0, -2.0, -0.5, 0.0, 0.5, 2.0, 1000.0])
    t = Tensor(x)
    assert np.allclose(t.tanh().data, np.tanh(x))
    assert np.allclose(t.relu().data, np.maximum(x, 0))
    assert np.allclose(t.abs().data, np.abs(x))
    with np.errstate(over="ignore"):
        assert np.allclose(t.sigmoid().data, 1 / (1 + np.exp(-x)))
    assert np.allclose(t.clip(-1, 1).data, np.clip(x, -1, 1))


def test_sigmoid_is_stable_at_extremes():
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is expected and fine
        x = Tensor([-1000.0, 1000.0], requires_grad=True)
        y = x.sigmoid()
        y.sum().backward()
    assert np.array_equal(y.data, [0.0, 1.0])
    assert np.all(np.isfinite(x.grad))


@pytest.mark.parametrize("shapes", [((3, 4), (4, 5)), ((4,), (4, 5)), ((3, 4), (4,)), ((4,), (4,)),
                                    ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)), ((2, 3, 4), (2, 4, 5)),
                                    ((2, 1, 3, 4), (5, 4, 2))], ids=str)
def test_matmul_gradients_for_vectors_matrices_and_batches(shapes, rng):
    a, b = data(rng, shapes[0]), data(rng, shapes[1])
    assert np.allclose((Tensor(a) @ Tensor(b)).data, a @ b)
    assert gradcheck(lambda x, y: x @ y, a, b)


REDUCTIONS = ["sum", "mean", "max", "min"]
AXES = [None, 0, 1, -1, (0, 2), (0, 1, 2)]


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("keepdims", [False, True])
def test_reduction_values_and_gradients(name, axis, keepdims, rng):
    x = data(rng, (2, 3, 4))
    result = getattr(Tensor(x), name)(axis=axis, keepdims=keepdims)
    assert np.allclose(result.data, getattr(np, name)(x, axis=axis, keepdims=keepdims))
    assert gradcheck(lambda t: getattr(t, name)(axis=axis, keepdims=keepdims), x)


def test_max_shares_the_gradient_between_ties():
    x = Tensor([1.0, 3.0, 3.0], requires_grad=True)
    x.max().backward()
    assert np.array_equal(x.grad, [0.0, 0.5, 0.5])


def test_mean_of_an_empty_tensor_is_an_error():
    with pytest.raises(ValueError, match="empty"):
        Tensor(np.zeros((0, 3))).mean()


@pytest.mark.parametrize("f", [
    lambda t: t.reshape(4, 6), lambda t: t.reshape((-1,)), lambda t: t.transpose(), lambda t: t.transpose(1, 0, 2),
    lambda t: t.T, lambda t: t.flatten(), lambda t: t[0], lambda t: t[:, 1:3], lambda t: t[..., ::2],
    lambda t: t[[0, 1, 1]], lambda t: t[np.array([0, 0]), np.array([2, 2])], lambda t: t[t.data > 0],
    lambda t: t[None, 1, -1],
], ids=["reshape", "reshape-1", "transpose", "transpose-axes", "T", "flatten", "int", "slices", "ellipsis-step",
        "int-array-repeated", "pair-repeated", "bool-mask", "newaxis"])
def test_shape_and_indexing_gradients(f, rng):
    assert gradcheck(f, data(rng, (2, 3, 4)))


def test_indexing_with_a_repeated_index_adds_both_gradients():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2]].sum().backward()
    assert np.array_equal(x.grad, [2.0, 0.0, 1.0])


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concatenate_and_stack_gradients(axis, rng):
    a, b, c = data(rng, (2, 3)), data(rng, (2, 3)), data(rng, (2, 3))
    assert gradcheck(lambda x, y, z: ta.concatenate([x, y * 2, z], axis=axis), a, b, c)
    assert gradcheck(lambda x, y, z: ta.stack([x, y * 2, z], axis=axis), a, b, c)
    assert np.array_equal(ta.concatenate([a, b], axis=axis).data, np.concatenate([a, b], axis=axis))
    assert np.array_equal(ta.stack([a, b], axis=axis).data, np.stack([a, b], axis=axis))


def test_module_level_maximum_minimum_and_where_accept_constants(rng):
    x = data(rng, (3, 4))
    assert gradcheck(lambda t: ta.maximum(0.5, t) + ta.minimum(t, 0.0), x)
    assert gradcheck(lambda t: ta.where(x > 0, 1.0, t * t), x)
    assert np.array_equal(ta.maximum(np.zeros(2), np.ones(2)).data, [1.0, 1.0])


def test_comparisons_give_plain_boolean_arrays():
    t = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    for result in (t < 2, t <= 2, t > 2, t >= 2, t == 2, t != 2, t > Tensor([0.0, 5.0, 1.0])):
        assert type(result) is np.ndarray and result.dtype == bool
    assert np.array_equal(t == 2, [False, True, False])


# ----------------------------------------------------------------------------------------------------------------
# The engine: graphs, accumulation, no_grad, depth
# ----------------------------------------------------------------------------------------------------------------
def test_issue_example_gradient_of_tanh_of_matrix_square():
    x64 = np.array([[1.0, 2.0], [3.0, 4.0]]) / 10  # small values keep tanh away from saturation
    x = Tensor(x64, requires_grad=True)
    ((x @ x).tanh().sum()).backward()
    upstream = 1 - np.tanh(x64 @ x64) ** 2  # d sum(tanh(y)) / dy, with y = x @ x
    assert np.allclose(x.grad, upstream @ x64.T + x64.T @ upstream)


def test_a_diamond_gets_the_sum_of_its_paths():
    x = Tensor(3.0, requires_grad=True)
    a, b = x * 2, x * x  # two paths from x to the output
    (a + b).backward()
    assert x.grad == pytest.approx(2 + 2 * 3.0)


def test_a_tensor_used_many_times_gets_every_contribution():
    x = Tensor(2.0, requires_grad=True)
    total = x
    for _ in range(9):
        total = total + x
    total.backward()
    assert x.grad == pytest.approx(10.0)


def test_backward_twice_accumulates_as_in_pytorch():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    (x * x).sum().backward()
    assert np.array_equal(x.grad, [4.0, 8.0])
    x.grad = None  # how gradients are cleared
    (x * 3).sum().backward()
    assert np.array_equal(x.grad, [3.0, 3.0])


def test_grad_is_a_fresh_writable_array_not_shared_with_other_tensors():
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = Tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()  # add hands the same gradient to both inputs
    a.grad *= 0  # changing one gradient in place must not change the other
    assert np.array_equal(b.grad, [1.0, 1.0])


def test_intermediate_tensors_keep_no_grad_unless_asked():
    x = Tensor([1.0, 2.0], requires_grad=True)
    hidden = x * 3
    kept = (x * 2).retain_grad()
    (hidden * kept).sum().backward()
    assert hidden.grad is None
    assert np.array_equal(kept.grad, hidden.data)


def test_backward_on_a_leaf_gives_ones():
    x = Tensor(5.0, requires_grad=True)
    x.backward()
    assert x.grad == 1.0


def test_backward_with_an_explicit_gradient():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).backward(np.array([1.0, 0.0, 2.0]))
    assert np.array_equal(x.grad, [2.0, 0.0, 12.0])


def test_no_grad_records_nothing_and_nests():
    x = Tensor([1.0], requires_grad=True)
    with ta.no_grad():
        with ta.no_grad():
            inner = x * 2
        outer = x * 2
        assert not ta.is_grad_enabled()
    assert ta.is_grad_enabled()
    for y in (inner, outer):
        assert not y.requires_grad and y._parents == () and y._backward is None
    assert (x * 2).requires_grad


def test_no_grad_works_as_a_decorator():
    @ta.no_grad()
    def double(t):
        return t * 2
    assert not double(Tensor([1.0], requires_grad=True)).requires_grad


def test_nothing_is_recorded_when_no_input_requires_grad():
    y = Tensor([1.0]) * Tensor([2.0]) + 1
    assert not y.requires_grad and y._parents == ()


def test_a_chain_of_100000_ops_backpropagates_without_recursion():
    x = Tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


def test_broadcast_gradients_come_back_with_the_input_shape_and_dtype():
    a = Tensor(np.ones((3, 1), np.float32), requires_grad=True)
    b = Tensor(np.ones((4,), np.float32), requires_grad=True)
    (a * b).sum().backward()
    assert a.grad.shape == (3, 1) and b.grad.shape == (4,)
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float32
    assert np.array_equal(a.grad, np.full((3, 1), 4.0)) and np.array_equal(b.grad, np.full(4, 3.0))


def test_float32_stays_float32_with_python_and_numpy_constants():
    x = Tensor(np.ones(3, np.float32), requires_grad=True)
    y = (x * 2.5 + np.float64(1.0) - np.ones(3) / 3.0) ** 2
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32


# ----------------------------------------------------------------------------------------------------------------
# numpy interop from both sides
# ----------------------------------------------------------------------------------------------------------------
def test_numpy_arrays_and_scalars_on_the_left_give_tensors():
    t = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    for result in (np.ones(3) * t, 2 - t, np.float32(2) ** t, np.ones(3) + t, np.ones(3) / t, np.eye(3) @ t):
        assert isinstance(result, Tensor) and result.requires_grad
    assert np.allclose((2 - t).data, [1.0, 0.0, -1.0])
    assert np.allclose((np.float32(2) ** t).data, [2.0, 4.0, 8.0])


# ----------------------------------------------------------------------------------------------------------------
# Errors users will meet
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("op,name", [(lambda a, b: a + b, "add"), (lambda a, b: a * b, "mul"),
                                     (lambda a, b: a - b, "sub"), (lambda a, b: a.maximum(b), "maximum")])
def test_incompatible_broadcast_names_the_op_and_both_shapes(op, name):
    with pytest.raises(ValueError, match=rf"{name}: shapes \(3,\) and \(4,\)"):
        op(Tensor(np.ones(3)), Tensor(np.ones(4)))


def test_incompatible_matmul_names_both_shapes():
    with pytest.raises(ValueError, match=r"matmul: shapes \(2, 3\) and \(4, 5\)"):
        Tensor(np.ones((2, 3))) @ Tensor(np.ones((4, 5)))


def test_backward_on_a_tensor_that_does_not_require_grad():
    with pytest.raises(RuntimeError, match="requires grad"):
        (Tensor([1.0]) * 2).sum().backward()


def test_backward_without_grad_needs_a_single_element():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"single-element.*\(2,\)"):
        (x * 2).backward()


def test_backward_with_a_wrong_shaped_grad():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        (x * 2).backward(np.ones(3))


def test_reshape_to_an_impossible_shape():
    with pytest.raises(ValueError, match=r"reshape: cannot reshape a tensor of shape \(2, 3\)"):
        Tensor(np.ones((2, 3))).reshape(4, 2)


# ----------------------------------------------------------------------------------------------------------------
# gradcheck itself must be able to fail
# ----------------------------------------------------------------------------------------------------------------
def test_gradcheck_fails_on_a_deliberately_wrong_backward():
    def wrong_square(t):
        x = t.data
        return t._child(x * x, (t,), lambda g, out, x: (g * x,), "wrong_square")  # should be 2x

    with pytest.raises(AssertionError,
                       match=r"d output index \(\d,\) / d input 0 \(shape \(3,\)\) at index \(\d,\).*autodiff.*finite"):
        gradcheck(wrong_square, np.array([1.0, 2.0, 3.0]))


def test_gradcheck_passes_on_a_correct_op_and_leaves_inputs_alone():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    assert gradcheck(lambda t: t * t, x)
    assert x.grad is None and x.dtype == np.float32



# ----------------------------------------------------------------------------------------------------------------
# Division as its own op: a / b with d/db = -(a / b) / b, never b ** -1, which can overflow where a / b does not
# ----------------------------------------------------------------------------------------------------------------
def test_dividing_by_a_tiny_number_gives_the_quotient_not_inf():
    # b ** -1 = 1e40 overflows float32, although a / b = 1e30 does not
    a, b = np.float32(1e-10), np.float32(1e-40)
    assert (Tensor(a) / Tensor(b)).item() == pytest.approx(float(a / b), rel=1e-6)


def test_the_gradient_of_a_quotient_does_not_overflow_where_it_is_finite():
    # d(c / x)/dx = -c / x^2 = -1e20 at c = x = 1e-20 in float32, but x ** -2 = 1e40 overflows
    x = Tensor(np.float32(1e-20), requires_grad=True)
    (Tensor(np.float32(1e-20)) / x).backward()
    assert x.grad == pytest.approx(-1e20, rel=1e-5) and x.grad.dtype == np.float32


# ----------------------------------------------------------------------------------------------------------------
# Clear errors instead of numpy's
# ----------------------------------------------------------------------------------------------------------------
def test_a_non_numeric_dtype_is_refused():
    with pytest.raises(TypeError, match="dtype"):
        Tensor([1.0], dtype=str)


def test_the_max_of_an_empty_tensor_is_an_error_naming_the_op_and_the_shape():
    with pytest.raises(ValueError, match=r"max.*\(0, 3\).*empty"):  # numpy: "zero-size array to reduction ..."
        Tensor(np.zeros((0, 3))).max(axis=0)
    assert Tensor(np.zeros((0, 3))).max(axis=1).shape == (0,)  # an empty batch of maxima is fine


def test_transpose_with_axes_that_do_not_fit_names_them_and_the_shape():
    with pytest.raises(ValueError, match=r"transpose.*\(1, 0\).*\(2,\)"):  # numpy: "axes don't match array"
        Tensor([1.0, 2.0]).transpose(1, 0)


@pytest.mark.parametrize("call", [lambda t: t ** "a", lambda t: (t * 2).backward(["a", "b"])],
                         ids=["pow", "backward"])
def test_strings_as_an_exponent_or_a_gradient_are_a_type_error_saying_numbers_are_needed(call):
    with pytest.raises(TypeError, match="numbers"):  # numpy: ValueError "could not convert string to float"
        call(Tensor([1.0, 2.0], requires_grad=True))


@pytest.mark.parametrize("op", [lambda t: t.max(axis=0), lambda t: t.min(), lambda t: t.maximum(0.5),
                                lambda t: t.minimum(Tensor(np.zeros(3, np.float32))), lambda t: t / 3.0,
                                lambda t: t.clip(0, 1), lambda t: ta.where(t.data > 0, t, 0.0)],
                         ids=["max", "min", "maximum", "minimum", "div", "clip", "where"])
def test_backward_rules_keep_float32_gradients_float32(op, rng):
    # the rule itself, not the stored .grad (which is cast to the input's dtype anyway): a float64 intermediate
    # gradient would double the memory and time of everything behind it
    x = Tensor(rng.standard_normal((2, 3)).astype(np.float32), requires_grad=True)
    out = op(x)
    for grad in out._backward(np.ones(out.shape, dtype=np.float32), out.data, *[p.data for p in out._parents]):
        assert grad is None or grad.dtype == np.float32


# ----------------------------------------------------------------------------------------------------------------
# Examples at chosen points: a number on either side of an operator, equal values in comparisons, reductions'
# defaults. Each pins a behaviour that a one-token change of the source (mutation testing) would break.
# ----------------------------------------------------------------------------------------------------------------
T = np.array([1.0, 2.0, 4.0])


@pytest.mark.parametrize("op, value, derivative", [
    (lambda t: 2 + t, [3, 4, 6], [1, 1, 1]), (lambda t: t + 2, [3, 4, 6], [1, 1, 1]),
    (lambda t: 2 - t, [1, 0, -2], [-1, -1, -1]), (lambda t: t - 2, [-1, 0, 2], [1, 1, 1]),
    (lambda t: 2 * t, [2, 4, 8], [2, 2, 2]), (lambda t: t * 2, [2, 4, 8], [2, 2, 2]),
    (lambda t: 2 / t, [2, 1, 0.5], [-2, -0.5, -0.125]), (lambda t: t / 2, [0.5, 1, 2], [0.5, 0.5, 0.5]),
    (lambda t: 2 ** t, [2, 4, 16], [2 * np.log(2), 4 * np.log(2), 16 * np.log(2)]),
    (lambda t: t ** 2, [1, 4, 16], [2, 4, 8]),
    (lambda t: -t, [-1, -2, -4], [-1, -1, -1]),
], ids=["2+t", "t+2", "2-t", "t-2", "2*t", "t*2", "2/t", "t/2", "2**t", "t**2", "-t"])
def test_a_number_on_either_side_of_an_operator(op, value, derivative):
    t = Tensor(T, requires_grad=True)
    out = op(t)
    np.testing.assert_allclose(out.data, value)
    out.sum().backward()
    np.testing.assert_allclose(t.grad, derivative)


def test_comparisons_at_equal_values_and_from_either_side():
    t = Tensor(np.array([1.0, 2.0, 3.0]))
    assert (t < 2).tolist() == [True, False, False] and (t <= 2).tolist() == [True, True, False]
    assert (t > 2).tolist() == [False, False, True] and (t >= 2).tolist() == [False, True, True]
    assert (2 > t).tolist() == [True, False, False] and (2 >= t).tolist() == [True, True, False]
    assert (t < Tensor(np.array([2.0, 2.0, 2.0]))).tolist() == [True, False, False]


@pytest.mark.parametrize("reduce", ["sum", "mean", "max", "min", "prod", "var", "std", "logsumexp"])
def test_reductions_drop_the_axis_unless_asked_to_keep_it(reduce):
    x = Tensor(np.arange(1.0, 25.0).reshape(2, 3, 4))
    assert getattr(x, reduce)().shape == ()
    assert getattr(x, reduce)(axis=1).shape == (2, 4)
    assert getattr(x, reduce)(axis=1, keepdims=True).shape == (2, 1, 4)
    assert getattr(x, reduce)(axis=(0, 2)).shape == (3,)


def test_min_and_max_at_chosen_points_on_3d_inputs():
    x = Tensor(np.array([[[3.0, -1.0], [2.0, 5.0]], [[0.5, 4.0], [-2.0, 1.0]]]), requires_grad=True)
    np.testing.assert_array_equal(x.min(axis=0).data, [[0.5, -1.0], [-2.0, 1.0]])
    np.testing.assert_array_equal(x.max(axis=-1).data, [[3.0, 5.0], [4.0, 1.0]])
    x.min().backward()  # the gradient goes to the one smallest entry
    assert x.grad.tolist() == [[[0, 0], [0, 0]], [[0, 0], [1, 0]]]
