"""gradcheck cannot be fooled: every deliberately wrong backward rule below is rejected, and its correct twin accepted.

A gradient test is only as good as the check behind it. Each case builds an op with a mistake people really make
(a rule returning zeros, forgetting the incoming gradient g, a wrong sign, swapped operands, a transposed matmul
gradient, one wrong entry, a mistake that shows only for broadcast inputs, the wrong dtype or shape) and shows that
``gradcheck`` rejects it — an ``AssertionError`` naming the output index, the input and the input index, or False
with ``raise_exception=False`` — while the correct rule passes. ``gradgradcheck`` does the same one level up: a rule
whose values are right but whose recorded graph is wrong passes gradcheck and fails gradgradcheck.
"""
import numpy as np
import pytest

from tinygrad_acts import Tensor, custom_op, gradcheck, gradgradcheck
from tinygrad_acts.gradcheck import MAX_FULL_OUTPUTS, GradcheckError

X = np.array([[0.3, -1.2, 0.8], [1.1, 0.2, -0.4]])  # a (2, 3) input: distinct values, none special


def rejected(f, *inputs, match):
    """gradcheck raises an AssertionError whose message matches, and returns False when told not to raise."""
    with pytest.raises(AssertionError, match=match):
        gradcheck(f, *inputs)
    return gradcheck(f, *inputs, raise_exception=False) is False


# ----------------------------------------------------------------------------------------------------------------
# Wrong first derivatives
# ----------------------------------------------------------------------------------------------------------------
def softmax_values(x):
    exps = np.exp(x - x.max(axis=-1, keepdims=True))
    return exps / exps.sum(axis=-1, keepdims=True)


@custom_op(backward=lambda g, out, x: (np.zeros_like(g),))
def softmax_returning_zeros(x):
    return softmax_values(x)


@custom_op(backward=lambda g, out, x: (out * (g - (g * out).sum(axis=-1, keepdims=True)),))
def softmax(x):
    return softmax_values(x)


def test_a_softmax_whose_rule_returns_zeros_is_rejected_though_the_gradient_of_its_sum_is_right():
    # every row of a softmax sums to 1, so d/dx sum(softmax(x)) really is 0: a check of the sum alone passes it
    assert gradcheck(lambda x: softmax_returning_zeros(x).sum(), X)
    # the whole Jacobian does not: d softmax_i / d x_j is far from 0
    assert rejected(softmax_returning_zeros, X,
                    match=r"d output index \(\d, \d\) / d input 0 \(shape \(2, 3\)\) at index \(\d, \d\): "
                          r"autodiff gives 0.0, finite differences give")
    assert gradcheck(softmax, X)


def test_a_rule_that_forgets_to_multiply_by_the_incoming_gradient_is_rejected():
    @custom_op(backward=lambda g, out, x: (np.cos(x),))  # d sin = cos, but the chain rule needs g * cos
    def sin_forgetting_g(x):
        return np.sin(x)

    @custom_op(backward=lambda g, out, x: (g * np.cos(x),))
    def sin(x):
        return np.sin(x)

    # with g = 1 everywhere (the gradient of a sum) the mistake does not show; row by row it does
    assert gradcheck(lambda x: sin_forgetting_g(x).sum(), X)
    assert rejected(sin_forgetting_g, X, match=r"d output index \(\d, \d\) / d input 0 \(shape \(2, 3\)\)")
    assert gradcheck(sin, X)


def test_a_rule_with_the_wrong_sign_is_rejected():
    @custom_op(backward=lambda g, out, x: (g * np.sin(x),))  # d cos = -sin
    def cos_with_the_wrong_sign(x):
        return np.cos(x)

    @custom_op(backward=lambda g, out, x: (-g * np.sin(x),))
    def cos(x):
        return np.cos(x)

    # only the diagonal of an elementwise op's Jacobian is nonzero: the report is at output index = input index
    assert rejected(cos_with_the_wrong_sign, X, match=r"d output index \((\d, \d)\) / d input 0 .* at index \(\1\)")
    assert gradcheck(cos, X)


def test_a_product_rule_with_swapped_operands_is_rejected():
    @custom_op(backward=lambda g, out, a, b: (g * a, g * b))  # d(ab)/da is b, not a
    def mul_swapped(a, b):
        return a * b

    @custom_op(backward=lambda g, out, a, b: (g * b, g * a))
    def mul(a, b):
        return a * b

    a, b = X, X[::-1] * 2  # different operands: with a == b the swap would be invisible
    assert rejected(mul_swapped, a, b, match=r"/ d input 0 \(shape \(2, 3\)\)")
    assert rejected(lambda b, a: mul_swapped(a, b), b, a, match=r"/ d input 0")  # and the other operand's gradient
    assert gradcheck(mul, a, b)
    assert gradcheck(mul_swapped, X, X)  # the blind spot: equal operands cannot tell a from b


@custom_op(backward=lambda g, out, a, b: ((g @ b.T).T, (a.T @ g).T))  # each gradient transposed
def matmul_with_transposed_gradients(a, b):
    return a @ b


@custom_op(backward=lambda g, out, a, b: (g @ b.T, a.T @ g))
def matmul(a, b):
    return a @ b


def test_a_transposed_matmul_gradient_on_square_matrices_is_rejected_where_shapes_cannot_give_it_away():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    assert rejected(matmul_with_transposed_gradients, a, b,
                    match=r"d output index \(\d, \d\) / d input 0 \(shape \(3, 3\)\)")
    assert rejected(lambda b, a: matmul_with_transposed_gradients(a, b), b, a, match=r"/ d input 0 \(shape \(3, 3\)\)")
    assert gradcheck(matmul, a, b)


def test_a_transposed_matmul_gradient_on_non_square_matrices_is_refused_by_the_engine_for_its_shape():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((3, 4))
    with pytest.raises(RuntimeError, match=r"the backward rule of 'matmul_with_transposed_gradients' returned a "
                                           r"gradient of shape \(3, 2\) for an input of shape \(2, 3\)"):
        gradcheck(matmul_with_transposed_gradients, a, b)
    assert gradcheck(matmul, a, b)


def test_a_gradient_off_by_two_at_a_single_entry_is_found_at_that_entry():
    doubled = np.ones((2, 3))
    doubled[1, 2] = 2.0  # one entry of the gradient of x^2 twice too large

    @custom_op(backward=lambda g, out, x: (g * 2 * x * doubled,))
    def square_wrong_at_one_entry(x):
        return x * x

    assert rejected(square_wrong_at_one_entry, X,
                    match=r"d output index \(1, 2\) / d input 0 \(shape \(2, 3\)\) at index \(1, 2\): autodiff "
                          r"gives -1.6, finite differences give -0.79")
    assert gradcheck(lambda x: x * x, X)


def reduce_to(grad, shape, reduce):
    """Reduce a gradient numpy broadcast up to the output's shape back to ``shape`` with ``reduce``."""
    axes = tuple(axis for axis, size in enumerate(shape) if size == 1 and grad.shape[axis] != 1)
    return reduce(grad, axis=axes, keepdims=True) if axes else grad


@custom_op(backward=lambda g, out, a, b: (reduce_to(g, a.shape, np.mean), reduce_to(g, b.shape, np.mean)))
def add_averaging_broadcast_gradients(a, b):
    return a + b  # every copy broadcasting makes passes its gradient back: they must be summed, not averaged


@custom_op(backward=lambda g, out, a, b: (reduce_to(g, a.shape, np.sum), reduce_to(g, b.shape, np.sum)))
def add(a, b):
    return a + b


def test_a_rule_wrong_only_for_broadcast_inputs_is_rejected_on_broadcast_shapes():
    rng = np.random.default_rng(0)
    column, row = rng.standard_normal((3, 1)), rng.standard_normal((1, 4))
    assert gradcheck(add_averaging_broadcast_gradients, rng.standard_normal((3, 4)), rng.standard_normal((3, 4)))
    assert rejected(add_averaging_broadcast_gradients, column, row,
                    match=r"d output index \((\d), \d\) / d input 0 \(shape \(3, 1\)\) at index \(\1, 0\): autodiff "
                          r"gives 0.25, finite differences give 1.0")
    assert rejected(lambda b, a: add_averaging_broadcast_gradients(a, b), row, column,
                    match=r"d output index \(\d, (\d)\) / d input 0 \(shape \(1, 4\)\) at index \(0, \1\)")
    assert gradcheck(add, column, row)


def test_a_gradient_of_the_wrong_dtype_is_rejected_though_its_values_are_right_to_float32_precision():
    @custom_op(backward=lambda g, out, x: ((g * 2 * x).astype(np.float32),))
    def square_with_a_float32_gradient(x):
        return x * x

    match = (r"the gradient of input 0 has shape \(2, 3\) and dtype float32; the input has shape \(2, 3\) and "
             r"dtype float64")
    with pytest.raises(GradcheckError, match=match):  # gradcheck works in float64: the gradient must be float64 too
        gradcheck(square_with_a_float32_gradient, X)
    assert gradcheck(square_with_a_float32_gradient, X, raise_exception=False) is False


def test_a_gradient_of_the_wrong_shape_is_refused_by_the_engine_naming_the_op_and_both_shapes():
    @custom_op(backward=lambda g, out, x: (g.T,))
    def double_with_a_transposed_gradient(x):
        return 2 * x

    with pytest.raises(RuntimeError, match=r"the backward rule of 'double_with_a_transposed_gradient' returned a "
                                           r"gradient of shape \(3, 2\) for an input of shape \(2, 3\)"):
        gradcheck(double_with_a_transposed_gradient, X)
    assert gradcheck(lambda x: 2 * x, X)


def test_a_wrong_gradient_for_one_of_several_outputs_is_reported_with_that_output():
    @custom_op(backward=lambda g, out, x: (g * 3 * x,))  # d x^3 = 3 x^2
    def cube_off_by_x(x):
        return x ** 3

    assert rejected(lambda x: (x * 2, cube_off_by_x(x)), X,
                    match=r"d output 1 index \(\d, \d\) / d input 0 \(shape \(2, 3\)\)")
    assert gradcheck(lambda x: (x * 2, x ** 3), X)


def test_a_wrong_gradient_for_the_second_input_names_input_1_and_a_scalar_input_index_is_empty():
    @custom_op(backward=lambda g, out, x, s: (g * s, g))  # d(x s)/ds is x: the rule forgot it
    def scale_forgetting_x(x, s):
        return x * s

    # s is a single number: the engine sums its broadcast gradient g * x, so the rule may return it unreduced
    @custom_op(backward=lambda g, out, x, s: (g * s, g * x))
    def scale(x, s):
        return x * s

    assert rejected(scale_forgetting_x, X, 2.0, match=r"d output index \(\d, \d\) / d input 1 \(shape \(\)\) at "
                                                      r"index \(\)")
    assert gradcheck(scale, X, 2.0)


# ----------------------------------------------------------------------------------------------------------------
# Many outputs: random projections instead of one backward pass per output entry
# ----------------------------------------------------------------------------------------------------------------
def test_above_max_full_outputs_random_projections_reject_a_wrong_rule_and_accept_a_right_one():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((MAX_FULL_OUTPUTS + 4,))  # one output entry per input entry: too many to compare all
    doubled = np.ones_like(x)
    doubled[100] = 2.0

    @custom_op(backward=lambda g, out, x: (g * np.cos(x) * doubled,))
    def sin_wrong_at_one_entry(x):
        return np.sin(x)

    assert rejected(sin_wrong_at_one_entry, x, match=r"a random projection v\^T J u of the Jacobian with respect to "
                                                     rf"input 0 \(shape \({x.size},\); {x.size} output entries")
    assert gradcheck(lambda x: x.sin(), x)
    assert gradcheck(softmax, x.reshape(-1, 4))
    assert rejected(softmax_returning_zeros, x.reshape(-1, 4), match="random projection")


# ----------------------------------------------------------------------------------------------------------------
# gradcheck works on copies
# ----------------------------------------------------------------------------------------------------------------
def test_gradcheck_leaves_the_callers_arrays_and_tensors_unchanged():
    array = X.copy()
    tensor = Tensor(X.astype(np.float32), requires_grad=True)
    assert gradcheck(lambda a, t: a * t.exp(), array, tensor)
    np.testing.assert_array_equal(array, X)  # perturbed entry by entry inside, restored, on a copy
    assert tensor.dtype == np.float32 and tensor.grad is None and tensor.requires_grad
    np.testing.assert_array_equal(tensor.data, X.astype(np.float32))
    assert not gradcheck(softmax_returning_zeros, array, raise_exception=False)  # a failed check leaves it too
    np.testing.assert_array_equal(array, X)


# ----------------------------------------------------------------------------------------------------------------
# Second derivatives: gradgradcheck
# ----------------------------------------------------------------------------------------------------------------
@custom_op(backward=lambda g, out, x: (g * (1 - np.asarray(out) ** 2),))
def tanh_with_a_constant_slope(x):
    """The slope 1 - tanh(x)^2 is right, but np.asarray takes only out's values: in a recorded backward pass the
    slope becomes a constant, so the gradient no longer knows that it depends on x."""
    return np.tanh(x)


@custom_op(backward=lambda g, out, x: (g * (1 - out * out),))
def tanh(x):
    return np.tanh(x)


def test_a_rule_right_at_first_order_but_with_a_wrong_recorded_graph_passes_gradcheck_and_fails_gradgradcheck():
    assert gradcheck(tanh_with_a_constant_slope, X)
    with pytest.raises(AssertionError, match=r"^gradgradcheck: the second derivative d\^2 L / \(d input 0 at "
                                             r"index \((\d, \d)\)\) \(d input 0 at index \(\1\)\), "
                                             r"L = sum\(f\(inputs\) \* v\): autodiff gives 0.0, finite "
                                             r"differences of the first derivative give -?\d"):
        gradgradcheck(tanh_with_a_constant_slope, X)  # d/dx of the gradient: the diagonal -2 tanh (1 - tanh^2) g
    assert gradgradcheck(tanh_with_a_constant_slope, X, raise_exception=False) is False
    assert gradgradcheck(tanh, X)


def test_gradgradcheck_rejects_a_wrong_second_derivative_even_when_the_first_is_right_for_two_inputs():
    @custom_op(backward=lambda g, out, a, b: (g * np.asarray(b), g * a))  # b's values only, in a's gradient
    def mul_with_a_constant_operand_in_one_gradient(a, b):
        return a * b

    b = X[::-1] * 2
    assert gradcheck(mul_with_a_constant_operand_in_one_gradient, X, b)
    # d/db of a's gradient, g, is missing; d/da of b's gradient is there
    with pytest.raises(AssertionError,
                       match=r"second derivative d\^2 L / \(d input 0 at index \((\d, \d)\)\) \(d input 1 at index "
                             r"\(\1\)\)"):
        gradgradcheck(mul_with_a_constant_operand_in_one_gradient, X, b)
    assert gradgradcheck(lambda a, b: a * b, X, b)


@pytest.mark.parametrize("error", [0.5, 0.01])
def test_a_rule_slightly_off_fails_at_the_default_tolerances(error):
    """f(x) = 3x with a backward rule off by ``error``: gradcheck's defaults (atol 1e-5, rtol 1e-3) catch 0.01."""
    wrong = custom_op(lambda x: x * 3, backward=lambda g, out, x: (g * (3 + error),))
    with pytest.raises(GradcheckError):
        gradcheck(wrong, np.array([0.5, -1.0, 2.0]))
    assert gradcheck(custom_op(lambda x: x * 3, backward=lambda g, out, x: (g * 3,)), np.array([0.5, -1.0, 2.0]))


# Examples that pin behaviour mutation testing found unpinned
def test_a_wrong_entry_in_the_second_output_is_named_by_its_index_there():
    # output 1 is made from raw numpy values, so autodiff sees no path through it: 0, where the truth is 3
    def two_outputs(x):
        return x * 2.0, Tensor(x.data * 3.0)

    with pytest.raises(GradcheckError, match=r"d output 1 index \(0,\) / d input 0 .* at index \(0,\)"):
        gradcheck(two_outputs, np.array([0.5, -1.0]))


def _square_with_a_second_derivative_blind_to_uniform_weights():
    """x^2 whose backward rule adds (g - mean(g)) * x^2 with x^2 held constant: the derivative of that term,
    2x (g - mean(g)), is missing, and it vanishes only when every entry of g is the same."""
    return custom_op(lambda x: x * x, backward=lambda g, out, x: (g * 2 * x + (g - g.mean()) * np.asarray(x) ** 2,))


def test_gradgradcheck_weights_outputs_at_random_so_no_direction_hides_a_wrong_second_derivative():
    flawed, x = _square_with_a_second_derivative_blind_to_uniform_weights(), np.array([0.5, -1.0, 2.0])
    assert gradgradcheck(flawed, x, grad_outputs=np.ones(3))  # all outputs weighted alike: the flaw is invisible
    with pytest.raises(GradcheckError):
        gradgradcheck(flawed, x)  # the default random weights see it
    with pytest.raises(GradcheckError):
        gradgradcheck(flawed, x, grad_outputs=Tensor(np.array([1.0, -2.0, 0.5])))


def test_gradgradcheck_takes_one_weight_per_output_as_arrays_lists_or_tensors():
    x = np.array([0.5, -1.0, 2.0])
    # a zero weight is allowed: the weighted sum x^2 * w just drops that entry
    assert gradgradcheck(lambda x: x * x, x, grad_outputs=([1.0, 0.0, 2.0],))
    assert gradgradcheck(lambda x: x * x, x, grad_outputs=[Tensor([1.0, 0.0, 2.0])])
    assert gradgradcheck(lambda x: (x * x, x * x * x), x, grad_outputs=(np.ones(3), [0.0, 1.0, -1.0]))
    with pytest.raises(ValueError):  # two weights for one output
        gradgradcheck(lambda x: x * x, x, grad_outputs=(np.ones(3), np.ones(3)))


def test_gradgradcheck_passes_eps_atol_and_rtol_on_to_the_comparison():
    # f = x^4: the first derivative 4x^3 has derivative 12x^2 = 12 at x = 1, while the central difference with step
    # h gives (4(1 + h)^3 - 4(1 - h)^3) / 2h = 12 + 4h^2 = 13 at h = 0.5: off by 1
    x, weight = np.array([1.0]), np.ones(1)
    assert gradgradcheck(lambda x: x ** 4, x, grad_outputs=weight)  # default eps = 1e-6: off by 4e-12
    assert not gradgradcheck(lambda x: x ** 4, x, grad_outputs=weight, eps=0.5, raise_exception=False)
    assert gradgradcheck(lambda x: x ** 4, x, grad_outputs=weight, eps=0.5, atol=2.0)  # |13 - 12| <= 2
    assert gradgradcheck(lambda x: x ** 4, x, grad_outputs=weight, eps=0.5, rtol=0.1)  # |13 - 12| <= 0.1 * 13


def test_inputs_or_outputs_with_no_entries_have_empty_jacobians_that_agree():
    assert gradcheck(lambda x, y: x.sum() * y, np.zeros((0,)), np.array(2.0))  # x has no entries
    assert gradcheck(lambda x: x[:0] * 2.0, np.ones(3))  # f has no output entries


def test_the_tolerance_is_inclusive_as_in_numpy_allclose():
    """|autodiff - numeric| <= atol + rtol * |numeric| passes: here 2.5 against 2 with atol=0.5, all exact in binary."""
    @custom_op(backward=lambda g, out, x: (g * 2.5,))
    def double(x):
        return 2.0 * x

    assert gradcheck(double, np.array([0.0]), eps=0.5, atol=0.5, rtol=0.0)  # (2 * 0.5 - 2 * -0.5) / 1 = 2 exactly
    assert not gradcheck(double, np.array([0.0]), eps=0.5, atol=0.25, rtol=0.0, raise_exception=False)


def test_infinite_or_overflowing_gradients_fail_the_check_and_raise_nothing_else():
    """inf against inf, or 1e308 against -1e308 (their difference overflows): a GradcheckError, not numpy's error."""
    @custom_op(backward=lambda g, out, x: (g * np.inf,))
    def step(x):
        return np.where(x > 0, np.inf, 0.0)  # f jumps to inf right of 0: finite differences give inf

    @custom_op(backward=lambda g, out, x: (g * 1e308,))
    def falling(x):
        return x * -1e308

    with pytest.raises(GradcheckError):
        gradcheck(step, np.array([0.0]))
    with pytest.raises(GradcheckError, match=r"autodiff gives 1e\+308,"):
        gradcheck(falling, np.array([0.5]))


def test_exactly_max_full_outputs_entries_are_still_compared_one_by_one():
    @custom_op(backward=lambda g, out, x: (g * 3.0,))
    def wrong_double(x):
        return 2.0 * x

    with pytest.raises(GradcheckError, match=r"d output index \(0,\) / d input 0"):
        gradcheck(wrong_double, np.ones(MAX_FULL_OUTPUTS))
    with pytest.raises(GradcheckError, match="random projection"):
        gradcheck(wrong_double, np.ones(MAX_FULL_OUTPUTS + 1))


def test_a_rule_that_answers_with_tensors_is_checked_like_one_that_answers_with_arrays():
    """A rule written with Tensor operations (it gets arrays outside a recorded pass, and makes Tensors anyway)."""
    @custom_op(backward=lambda g, out, x: (Tensor(g) * 2.0,))
    def double(x):
        return 2.0 * x

    assert gradcheck(double, np.array([1.0, -3.0]))
