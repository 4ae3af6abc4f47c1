"""The Tensor and its engine. Each test is also an example of the API.

Gradients are checked against central finite differences in float64 with the project's own ``gradcheck``,
on plain shapes and on broadcast shapes: (3, 1) with (1, 4), (5, 4) with (4,), and a scalar with a matrix.
"""
import re

import numpy as np
import pytest
from helpers import BINARY_OP_TABLE, UNARY_OP_TABLE, op_cases

import tinygrad_acts as ta
from tinygrad_acts import Tensor, gradcheck, record

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


def test_a_tensor_built_from_a_float64_tensor_keeps_float64():
    """Tensor(t) takes t's array, so its precision too, as Tensor(t.data) would."""
    assert Tensor(Tensor(np.zeros(3))).dtype == np.float64
    assert Tensor(Tensor(np.zeros(3)), dtype="float32").dtype == np.float32


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
    assert not y.requires_grad and y.parents == ()
    assert np.array_equal(y.data, [3.0, 6.0])


# ----------------------------------------------------------------------------------------------------------------
# Gradients of every op, on plain and broadcast shapes
# ----------------------------------------------------------------------------------------------------------------
BINARY_OPS = {op: BINARY_OP_TABLE[op][0] for op in ("add", "sub", "mul", "div", "maximum", "minimum", "where")}


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


UNARY_OPS = op_cases(UNARY_OP_TABLE, ("neg", "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu", "clip", "rsub",
                                      "rdiv"), {"any": (-2, 2), "positive": (0.5, 3), "nonzero": (0.5, 2)})


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


def test_indexing_with_an_integer_tensor_picks_entries_and_adds_their_gradients_back():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    picked = x[Tensor([0, 2, 2], dtype="int64")]
    assert picked.data.tolist() == [1.0, 3.0, 3.0]
    (picked * picked).sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 12.0]  # 2x at 0; 2x twice at 2


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


def test_a_constant_beside_a_tensor_takes_the_tensors_dtype_on_either_side():
    """As for operators (x * np.ones(2) stays float32): a float64 array beside a float32 Tensor becomes float32."""
    tensor, constant = Tensor([2.0, 3.0]), np.array([1.0, 5.0])
    for result in (ta.maximum(constant, tensor), ta.maximum(tensor, constant), ta.minimum(constant, tensor),
                   tensor.hypot(constant)):
        assert result.dtype == np.float32
    assert ta.maximum(constant, tensor).data.tolist() == [2.0, 5.0]
    picked = ta.where([True, False], constant, tensor)
    assert picked.dtype == np.float32 and picked.data.tolist() == [1.0, 3.0]


def test_comparisons_give_plain_boolean_arrays():
    t = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    for result in (t < 2, t <= 2, t > 2, t >= 2, t == 2, t != 2, t > Tensor([0.0, 5.0, 1.0])):
        assert isinstance(result, np.ndarray) and result.dtype == bool  # numpy's, whose `if` is explained
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


def test_a_graph_is_backpropagated_once_unless_retain_graph_is_asked_for():
    """backward() releases each rule as it runs it (and what the rule keeps), as PyTorch does: going through the
    same graph again is an error that says what to do; retain_graph=True keeps the rules for another pass."""
    x = Tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    loss.backward()
    with pytest.raises(RuntimeError, match=r"went through a graph a second time.*backward\(retain_graph=True\)"):
        loss.backward()

    x.grad = None
    loss = (x * x).sum()
    loss.backward(retain_graph=True)
    loss.backward()  # the second pass adds 2x again
    assert x.grad.tolist() == [4.0, 8.0]

    loss = (x * 3.0).sum()
    assert [(t is x, g.tolist()) for t, g in loss.backpropagate()] == [(True, [3.0, 3.0])]  # backward's loop
    with pytest.raises(RuntimeError, match="a second time"):  # it released the rules as backward() does
        loss.backward()


def test_retains_grad_is_false_until_retain_grad_is_called():
    x = Tensor([1.0, 2.0], requires_grad=True)
    hidden = x * 2.0
    assert x.retains_grad is False and hidden.retains_grad is False
    assert hidden.retain_grad() is hidden and hidden.retains_grad is True


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
        assert not y.requires_grad and y.parents == () and y.backward_rule is None
    assert (x * 2).requires_grad


def test_no_grad_works_as_a_decorator():
    @ta.no_grad()
    def double(t):
        return t * 2
    assert not double(Tensor([1.0], requires_grad=True)).requires_grad


def test_nothing_is_recorded_when_no_input_requires_grad():
    y = Tensor([1.0]) * Tensor([2.0]) + 1
    assert not y.requires_grad and y.parents == ()


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


@pytest.mark.parametrize(("a", "b"), [((2, 2, 3), (2, 4, 5)), ((2, 3), (4,))], ids=["batches", "matrix-vector"])
def test_incompatible_matmul_names_the_two_axes_that_must_agree(a, b):
    with pytest.raises(ValueError, match=re.escape("the last axis of the first, (3,), must equal the second-to-last "
                                                   "of the second, (4,)")):
        Tensor(np.ones(a)) @ Tensor(np.ones(b))


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
        return ta.record(x * x, (t,), lambda g, out, x: (g * x,), "wrong_square")  # should be 2x

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
    with pytest.raises(TypeError, match="dtype must be a number type such as 'float32', got complex128"):
        Tensor([1.0], dtype=np.complex128)


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
    for grad in out.backward_rule(np.ones(out.shape, dtype=np.float32), out.data, *[p.data for p in out.parents]):
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


# Examples that pin behaviour mutation testing found unpinned
@pytest.mark.parametrize(("op", "compute"), [
    ("neg", lambda x: -x), ("div", lambda x: x / 2), ("pow", lambda x: x ** 2), ("pow", lambda x: x ** Tensor(2.0)),
    ("log", Tensor.log), ("sqrt", lambda x: x.sqrt()), ("abs", lambda x: x.abs()), ("sigmoid", Tensor.sigmoid),
    ("sin", lambda x: x.sin()), ("cos", lambda x: x.cos()), ("log1p", lambda x: x.log1p()),
    ("expm1", lambda x: x.expm1()), ("erf", lambda x: x.erf()), ("erfc", lambda x: x.erfc()),
    ("hypot", lambda x: x.hypot(1.0)), ("relu", Tensor.relu),
    ("maximum", lambda x: x.maximum(1.0)), ("clip", lambda x: x.clip(0.0, 1.0)), ("mean", Tensor.mean),
    ("max", lambda x: x.max()), ("logsumexp", lambda x: x.logsumexp()), ("cumsum", lambda x: x.cumsum(1)),
    ("reshape", lambda x: x.reshape(2)), ("transpose", lambda x: x.T), ("squeeze", lambda x: x.squeeze(0)),
    ("unsqueeze", lambda x: x.unsqueeze(0)), ("flip", lambda x: x.flip()), ("pad", lambda x: x.pad(1)),
    ("broadcast_to", lambda x: x.broadcast_to((3, 2))), ("getitem", lambda x: x[0]),
    ("where", lambda x: ta.where(x.data > 1, x, 0.0)), ("concatenate", lambda x: ta.concatenate([x, x])),
    ("stack", lambda x: ta.stack([x, x])),
])
def test_repr_names_the_op_that_made_a_tensor(op, compute):
    x = Tensor(np.array([[0.5, 2.0]]), requires_grad=True)
    assert repr(compute(x)).endswith(f"grad_fn={op})")


def test_repr_names_the_ops_of_a_recorded_backward_pass_and_of_a_nameless_custom_op():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    picked = x[1]
    (picked * picked).backward(create_graph=True)  # getitem's gradient, 2 x[1], is scattered into zeros
    assert repr(x.grad).endswith("grad_fn=scatter)") and x.grad.dtype == np.float32
    assert x.grad.data.tolist() == [0.0, 4.0, 0.0]

    @ta.custom_op
    def sine(x):
        return np.sin(x), lambda g: (g * np.cos(x),)

    x = Tensor([0.0, 1.0], requires_grad=True)
    sine(x).sum().backward(create_graph=True)
    assert repr(x.grad).endswith("grad_fn=sine (first-order))")

    class Doubling:  # a callable object has no __name__: the op is then called custom_op
        def __call__(self, x):
            return 2 * x, lambda g: (2 * g,)

    assert repr(ta.custom_op(Doubling())(x)).endswith("grad_fn=custom_op)")


def test_repr_of_a_matrix_lines_up_its_rows_under_the_first():
    assert repr(Tensor([[1.0, 2.0], [3.0, 4.0]])) == "Tensor([[1., 2.],\n        [3., 4.]])"


def test_a_leaf_used_twice_in_a_recorded_backward_pass_gets_the_sum_of_both_uses():
    x = Tensor(3.0, requires_grad=True, dtype="float64")
    (x * x).backward(create_graph=True)  # d/dx x*x = x + x
    assert x.grad.item() == 6.0
    first = x.grad
    x.grad = None
    first.backward()  # d/dx 2x = 2
    assert x.grad.item() == 2.0


def test_a_gradient_seed_is_never_aliased_by_grad():
    x = Tensor(np.zeros(4, dtype=np.float32), requires_grad=True)
    seed = np.ones((2, 2), dtype=np.float32)
    x.reshape(2, 2).backward(seed)  # reshape hands back a view of the seed
    seed[...] = 5.0
    assert x.grad.tolist() == [1.0, 1.0, 1.0, 1.0]


def test_pow_keeps_a_float64_base_s_precision_in_a_python_exponent():
    x = Tensor(np.array([2.0, 3.0]), requires_grad=True)
    np.testing.assert_array_equal((x ** 0.1).data, np.array([2.0, 3.0]) ** 0.1)


def test_pow_with_a_tensor_exponent_of_one_and_of_zero():
    x = Tensor(np.array([3.0, 0.0]), requires_grad=True)
    (x ** Tensor(np.array([1.0, 1.0]))).sum().backward()  # d/dx x^1 = 1
    assert x.grad.tolist() == [1.0, 1.0]
    x.grad = None
    (x ** Tensor(np.array([0.0, 0.0]))).sum().backward()  # x^0 = 1 is constant, also at x = 0
    assert x.grad.tolist() == [0.0, 0.0]


def test_matmul_gradients_of_a_constant_vector_times_matrices_and_of_batches_times_a_vector():
    v, w = np.array([1.0, 2.0]), np.arange(6.0).reshape(2, 3)
    kernel = Tensor(w, requires_grad=True)
    (Tensor(v) @ kernel).sum().backward()  # d/dW sum(v @ W) = outer(v, 1)
    np.testing.assert_array_equal(kernel.grad, np.outer(v, np.ones(3)))

    vector = Tensor(v, requires_grad=True)
    batch = Tensor(np.arange(24.0).reshape(2, 3, 2, 2), requires_grad=True)
    (vector @ batch).sum().backward()  # d/dv_i = sum of row i over the batch and the columns
    np.testing.assert_array_equal(vector.grad, batch.data.sum(axis=(0, 1, 3)))

    matrices = Tensor(np.arange(12.0).reshape(2, 3, 2), requires_grad=True)
    vector = Tensor(v, requires_grad=True)
    (matrices @ vector).sum().backward()  # d/dv_j = sum of column j over the batch and the rows
    np.testing.assert_array_equal(vector.grad, matrices.data.sum(axis=(0, 1)))
    np.testing.assert_array_equal(matrices.grad, np.broadcast_to(v, (2, 3, 2)))


def test_relu_and_clip_gradients_at_the_corners():
    x = Tensor(np.array([-1.0, 0.0, 1.0, 2.0, 3.0]), requires_grad=True)
    x.relu().sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 1.0, 1.0, 1.0]  # relu'(0) = 0, as in PyTorch
    x.grad = None
    x.clip(0.0, 2.0).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 1.0, 1.0, 0.0]  # the ends of the interval let the gradient through


@pytest.mark.parametrize("ddof", [True, None, "1", -1])
def test_var_refuses_a_ddof_that_is_not_a_number_at_least_0(ddof):
    with pytest.raises(ValueError, match="var: ddof must be a number >= 0"):
        Tensor([1.0, 2.0, 3.0]).var(ddof=ddof)


def test_logsumexp_keeps_unreduced_axes_of_length_one_and_its_keepdims_gradient_is_the_softmax():
    assert Tensor(np.zeros((2, 1, 3))).logsumexp(axis=2).shape == (2, 1)
    x = Tensor(np.array([[0.0, np.log(3.0)], [1.0, 1.0]]), requires_grad=True)
    x.logsumexp(axis=1, keepdims=True).sum().backward()
    np.testing.assert_allclose(x.grad, [[0.25, 0.75], [0.5, 0.5]])


def test_prod_of_integers_and_of_empty_axes_keeps_the_shape_asked_for():
    integers = Tensor([[1, 2], [3, 4]], dtype="int64")
    assert integers.prod(axis=1, keepdims=True).data.tolist() == [[2], [12]]
    empty = Tensor(np.zeros((2, 0)))
    assert empty.prod(axis=1).data.tolist() == [1.0, 1.0]  # the product of no numbers is 1
    assert empty.prod(axis=1, keepdims=True).data.tolist() == [[1.0], [1.0]]


def test_argmax_and_argmin_of_empty_tensors():
    assert Tensor(np.zeros((0, 3))).argmax(axis=1).shape == (0,)  # no rows: no answers, but nothing is undefined
    assert Tensor(np.zeros((1, 0))).argmin(axis=0).shape == (0,)
    with pytest.raises(ValueError, match="argmax: the tensor of shape .0, 3. is empty along axis 0, so it has no "
                                         "largest entry"):
        Tensor(np.zeros((0, 3))).argmax(axis=0)
    with pytest.raises(ValueError, match="argmin: .* has no smallest entry"):
        Tensor(np.zeros((0, 3))).argmin()


def test_not_equal_compares_with_the_other_operand():
    assert (Tensor([1.0, 2.0]) != 2).tolist() == [True, False]


def test_numpy_operators_and_comparisons_with_an_array_on_the_left():
    t = Tensor([1.0, 2.0], requires_grad=True)
    product = np.array([3.0, 4.0]) * t  # numpy hands the op to the Tensor (__array_ufunc__)
    assert isinstance(product, Tensor) and product.data.tolist() == [3.0, 8.0]
    assert (np.array([2.0, 1.0]) - t).data.tolist() == [1.0, -1.0]
    assert (np.array([1.5, 1.5]) < t).tolist() == [False, True]


def test_where_reads_a_numeric_condition_as_true_or_false():
    x, y = Tensor(np.ones(3), requires_grad=True), Tensor(np.ones(3), requires_grad=True)
    ta.where(np.array([2, 0, 1]), x, y).sum().backward()
    assert x.grad.tolist() == [1.0, 0.0, 1.0] and y.grad.tolist() == [0.0, 1.0, 0.0]


def test_concatenate_and_stack_join_along_axis_0_by_default():
    a, b = Tensor(np.zeros((2, 3))), Tensor(np.ones((2, 3)))
    assert ta.concatenate([a, b]).shape == (4, 3)
    assert ta.stack([a[0], b[0]]).data.tolist() == [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]


def test_split_takes_a_plain_array_too():
    pieces = ta.split(np.arange(6.0), 3)
    assert all(isinstance(piece, Tensor) for piece in pieces)
    assert [piece.data.tolist() for piece in pieces] == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]


def test_a_custom_op_rule_may_return_plain_python_numbers():
    double = ta.custom_op(lambda x: (2 * x, lambda g: ((2 * g).tolist(),)))
    x = Tensor([1.0, 2.0], requires_grad=True)
    double(x).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_a_first_order_custom_op_gives_no_gradient_where_its_rule_says_none():
    scale = ta.custom_op(lambda x, y: (x * y, lambda g: (g * y, None)))
    x, y = Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0, 4.0], requires_grad=True)
    scale(x, y).sum().backward(create_graph=True)
    assert x.grad.data.tolist() == [3.0, 4.0] and y.grad is None


@pytest.mark.parametrize(("call", "message"), [
    (lambda x: x / np.ones(2), "div: shapes (3,) and (2,) cannot be broadcast together"),
    (lambda x: x ** np.ones(2), "pow: shapes (3,) and (2,) cannot be broadcast together"),
    (lambda x: x ** Tensor(np.ones(2)), "pow: shapes (3,) and (2,) cannot be broadcast together"),
    (lambda x: x.hypot(np.ones(2)), "hypot: shapes (3,) and (2,) cannot be broadcast together"),
    (lambda x: x.std(ddof=3), "std: ddof=3 needs more than 3 entries per result, got 3"),
    (lambda x: x.var(axis=5), "var: axis 5 is out of range for a tensor of shape (3,)"),
    (lambda x: x.prod(axis=5), "prod: axis 5 is out of range for a tensor of shape (3,)"),
    (lambda x: x.cumsum(axis=5), "cumsum: axis 5 is out of range for a tensor of shape (3,)"),
    (lambda x: x.squeeze(axis=5), "squeeze: axis 5 is out of range for a tensor of shape (3,)"),
    (lambda x: x.unsqueeze(axis=5), "unsqueeze: axis 5 is out of range for a tensor of shape (3,)"),
    (lambda x: x.unsqueeze(None), "unsqueeze: axis must be an integer or a tuple of integers, got None"),
    (lambda x: x.flip(axis=5), "flip: axis 5 is out of range for a tensor of shape (3,)"),
    (lambda x: x.broadcast_to((2,)), "broadcast_to: a tensor of shape (3,) cannot be broadcast to (2,)"),
    (lambda x: ta.split(x, 3, axis=5), "split: axis 5 is out of range for a tensor of shape (3,)"),
    (lambda x: x.argmax(axis=5), "argmax: axis 5 is out of range for a tensor of shape (3,)"),
    (lambda x: x.mT, "mT needs at least 2 axes, got shape (3,)"),
])
def test_errors_name_the_op_and_the_shape(call, message):
    with pytest.raises((ValueError, TypeError), match=re.escape(message)):
        call(Tensor([1.0, 2.0, 3.0]))


def test_clip_with_bounds_of_a_larger_shape_broadcasts_x_and_sums_its_gradient_back():
    x = Tensor(np.array([1.0, 5.0]), requires_grad=True)
    out = x.clip(np.zeros((2, 2)), np.array([[3.0], [6.0]]))  # rows clipped at 3 and at 6
    assert out.data.tolist() == [[1.0, 3.0], [1.0, 5.0]]
    out.sum().backward()
    assert x.grad.tolist() == [2.0, 1.0]  # 1 passes both rows; 5 only the second


def test_reshape_without_a_shape_is_an_error_as_in_numpy_and_torch():
    with pytest.raises(TypeError, match=r"reshape needs the new shape"):
        Tensor(np.array([3.0])).reshape()
    assert Tensor(np.array([3.0])).reshape(()).shape == ()  # a single number's shape, written out


def test_a_list_times_a_tensor_with_at_is_the_matrix_product():
    t = Tensor(np.array([[1.0], [2.0]]), requires_grad=True)
    product = [[3.0, 4.0]] @ t  # a list has no @ of its own: Tensor.__rmatmul__ answers
    assert product.data.tolist() == [[11.0]]
    product.backward()
    assert t.grad.tolist() == [[3.0], [4.0]]


def test_reshape_to_one_impossible_length_names_the_shape_asked_for():
    with pytest.raises(ValueError, match=r"6 elements\) into shape \(7,\)"):
        Tensor(np.zeros((2, 3))).reshape(7)


def test_clip_with_a_scalar_min_and_a_larger_max_broadcasts_x():
    """Each bound narrows the pass-through mask in turn; a scalar min must not shrink it back to x's shape."""
    x = Tensor(np.array([-1.0, 5.0]), requires_grad=True)
    out = x.clip(0.0, np.array([[3.0], [6.0]]))  # rows clipped at [0, 3] and at [0, 6]
    assert out.data.tolist() == [[0.0, 3.0], [0.0, 5.0]]
    out.sum().backward()
    assert x.grad.tolist() == [0.0, 1.0]  # -1 is below min in both rows; 5 passes only the second


def test_a_tensor_wraps_a_float_array_without_copying_with_or_without_its_own_dtype():
    """As np.asarray and torch.as_tensor: Tensor(a) and Tensor(a, dtype=a.dtype) hold a itself (no copy per
    constant an op lifts); a different dtype makes a converted copy."""
    a = np.zeros(2)
    same, named, converted = Tensor(a), Tensor(a, dtype="float64"), Tensor(a, dtype="float32")
    a[0] = 7.0
    assert same.data.tolist() == [7.0, 0.0]
    assert named.data.tolist() == [7.0, 0.0]
    assert converted.data.tolist() == [0.0, 0.0]


def test_backward_gives_the_seed_the_roots_dtype():
    """A list seed becomes numbers of the root's dtype: 0.1 in a float64 graph stays float64's 0.1, not float32's
    0.10000000149..."""
    x = Tensor(np.array([1.0]), requires_grad=True)
    x.backward([0.1])
    assert x.grad.tolist() == [0.1]
    y = Tensor(np.array([1.0]), requires_grad=True)
    (y * 1.0).backward([0.1])
    assert y.grad.tolist() == [0.1]


def test_backward_checks_the_shape_of_a_tensor_seed():
    """backward(grad=Tensor) outside create_graph is a seed like any array: it must have the root's shape."""
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    with pytest.raises(ValueError, match=re.escape("grad has shape (3,), expected the tensor's shape (2,)")):
        (x * 3.0).backward(Tensor([1.0, 1.0, 1.0]))
    (x * 3.0).backward(Tensor([1.0, 10.0]))
    assert type(x.grad) is np.ndarray and x.grad.tolist() == [3.0, 30.0]


def test_a_grad_never_shares_memory_with_the_seed_or_another_grad():
    """.grad is the tensor's own array: changing the seed afterwards, or another tensor's .grad in place, leaves it
    alone. Here add passes its gradient straight through, so b and a (both retained) receive the same array."""
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    seed = np.array([1.0, 1.0])
    x.backward(seed)
    seed[0] = 99.0
    assert x.grad.tolist() == [1.0, 1.0]

    a = (x * 1.0).retain_grad()
    b = (a + 0.0).retain_grad()
    seed = np.array([2.0, 2.0])
    b.backward(seed)
    seed[0] = 99.0
    b.grad[1] = -5.0
    assert b.grad.tolist() == [2.0, -5.0]
    assert a.grad.tolist() == [2.0, 2.0]


def test_gradients_that_reshape_hands_on_as_views_become_arrays_of_their_own():
    """reshape's rule hands back a view of the gradient it got; .grad copies a view, so the gradients of x and of
    the retained h, both views of one array inside the pass, do not change each other."""
    x = Tensor(np.array([1.0, 2.0, 3.0, 4.0]), requires_grad=True)
    h = x.reshape(2, 2).retain_grad()
    (h.reshape(4) * np.array([1.0, 2.0, 3.0, 4.0])).sum().backward()
    assert h.grad.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    h.grad[0, 0] = 100.0
    assert x.grad.tolist() == [1.0, 2.0, 3.0, 4.0]


def test_ops_of_three_inputs_get_every_input_and_the_output_in_their_rule():
    """The engine hands a rule (g, out, *inputs) for any number of inputs, not only one or two."""
    @ta.custom_op(backward=lambda g, out, x, y, z: (g * out / x, g * out / y, g * out / z))
    def product3(x, y, z):
        return x * y * z

    x, y, z = (Tensor(np.array([v]), requires_grad=True) for v in (2.0, 3.0, 5.0))
    out = product3(x, y, z)
    assert out.data.tolist() == [30.0]
    out.backward()
    assert (x.grad.tolist(), y.grad.tolist(), z.grad.tolist()) == ([15.0], [10.0], [6.0])
    parts = [Tensor(np.array([1.0]), requires_grad=True) for _ in range(3)]
    (ta.stack(parts) * np.array([[1.0], [2.0], [3.0]])).sum().backward()
    assert [p.grad.tolist() for p in parts] == [[1.0], [2.0], [3.0]]


def test_backward_runs_each_rule_once_even_when_its_output_is_used_twice():
    """Newest first: a tensor comes off the heap only when every use of it has handed back its gradient, so its
    rule runs once with the sum (visiting oldest first would run it once per use, exponentially in a deep graph)."""
    calls = []

    @ta.custom_op(backward=lambda g, out, x: calls.append("sin") or (g * np.cos(x),))
    def sin(x):
        return np.sin(x)

    x = Tensor(np.array([0.0]), requires_grad=True)
    y = sin(x)
    (y * 2.0 + y * 3.0).sum().backward()
    assert calls == ["sin"]
    assert x.grad.tolist() == [5.0]


def test_grad_of_a_function_that_retains_an_intermediate_gradient():
    """The engine hands a retained tensor's gradient to whoever runs the pass: backward() stores it in .grad, the
    function transforms keep only their inputs' gradients and leave it alone."""
    kept = []

    def f(x):
        doubled = (x * 2.0).retain_grad()
        kept.append(doubled)
        return (doubled * doubled).sum()

    assert ta.grad(f)(Tensor(np.array([1.0, 3.0]))).data.tolist() == [8.0, 24.0]  # d/dx (2x)^2 = 8x
    assert kept[0].grad is None


# ----------------------------------------------------------------------------------------------------------------
# Regressions from issue 12: transpose with negative axes, x ** 0 at 0, d(0 ** y)/dy
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
# What the engine refuses from a backward rule
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
