"""Reductions and the ops peers expect: var/std, logsumexp, prod, cumsum, argmax/argmin, clip, and max/min's errors.

Each op of GRADIENT_CASES (the shape ops of test_shapes.py too): gradcheck and gradgradcheck (first and second
derivatives against finite differences, float64) on plain shapes and on axis variants; values at chosen points against
the formula; integer tensors as numpy computes them; and, by hypothesis, forward values as numpy's on any shape and
axis. Their values against PyTorch are in parity/test_pytorch.py, the creation functions in test_creation.py."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_acts as ta
from tinygrad_acts import Tensor, gradcheck, gradgradcheck

RNG = np.random.default_rng(7)
MATRIX = RNG.uniform(-2, 2, (3, 4))
CUBE = RNG.uniform(-2, 2, (2, 3, 2))
WITH_ZEROS = np.array([[0.0, 1.5, -2.0, 0.5], [0.0, 0.0, 3.0, -1.0], [0.7, -1.2, 2.0, 0.9]])


def squared(op):
    """op(x)^2 for a linear op: its second derivative runs op's backward rule on a g that depends on x, so a rule
    that is not recorded (not twice differentiable) fails gradgradcheck."""
    return lambda x: op(x) ** 2


# (id, f, input): every op on a plain shape and on its axis variants
GRADIENT_CASES = [
    ("var", lambda x: x.var(), MATRIX),
    ("var-axis-ddof", lambda x: x.var(axis=1, ddof=1), MATRIX),
    ("var-axes-keepdims", lambda x: x.var(axis=(0, 2), keepdims=True), CUBE),
    ("std", lambda x: x.std(), MATRIX),
    ("std-axis-keepdims", lambda x: x.std(axis=0, keepdims=True, ddof=1), MATRIX),
    ("logsumexp", lambda x: x.logsumexp(), MATRIX),
    ("logsumexp-axis", lambda x: x.logsumexp(axis=1), MATRIX),
    ("logsumexp-axes-keepdims", lambda x: x.logsumexp(axis=(0, 2), keepdims=True), CUBE),
    ("prod", lambda x: x.prod(), MATRIX[:2]),
    ("prod-axis-with-zeros", lambda x: x.prod(axis=1), WITH_ZEROS),
    ("prod-axis-keepdims-with-zeros", lambda x: x.prod(axis=0, keepdims=True), WITH_ZEROS),
    ("prod-axes", lambda x: x.prod(axis=(0, 2)), CUBE),
    ("cumsum", squared(lambda x: x.cumsum(0)), MATRIX),
    ("cumsum-last-axis", squared(lambda x: x.cumsum(-1)), CUBE),
    ("flip", squared(lambda x: x.flip()), CUBE),
    ("flip-axis", squared(lambda x: x.flip(1)), MATRIX),
    ("pad", squared(lambda x: x.pad(1)), MATRIX),
    ("pad-per-axis", squared(lambda x: x.pad(((0, 1), (2, 0), (1, 1)), constant_values=3.0)), CUBE),
    ("squeeze", squared(lambda x: x.squeeze()), MATRIX.reshape(3, 1, 4, 1)),
    ("squeeze-axis", squared(lambda x: x.squeeze(axis=1)), MATRIX.reshape(3, 1, 4)),
    ("unsqueeze", squared(lambda x: x.unsqueeze(0)), MATRIX),
    ("expand-dims", squared(lambda x: x.expand_dims((0, -1))), MATRIX),
    ("split", lambda x: tuple(piece ** 2 for piece in ta.split(x, 2, axis=1)), MATRIX),
    ("split-indices", lambda x: tuple(piece ** 2 for piece in ta.split(x, [1, 2], axis=0)), MATRIX),
]


@pytest.mark.parametrize("f, x", [pytest.param(f, x, id=name) for name, f, x in GRADIENT_CASES])
def test_gradients_match_finite_differences(f, x):
    assert gradcheck(f, x)


@pytest.mark.parametrize("f, x", [pytest.param(f, x, id=name) for name, f, x in GRADIENT_CASES])
def test_second_derivatives_match_finite_differences(f, x):
    assert gradgradcheck(f, x)


# ----------------------------------------------------------------------------------------------------------------
# Values against the formula, at chosen points
# ----------------------------------------------------------------------------------------------------------------
def test_var_and_std_divide_by_n_by_default_and_by_n_minus_ddof_when_asked():
    x = Tensor([1.0, 2.0, 3.0, 4.0])  # mean 2.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5
    assert x.var().item() == 1.25 and x.var(ddof=1).item() == pytest.approx(5 / 3)
    assert x.std().item() == pytest.approx(np.sqrt(1.25)) and x.std(ddof=1).item() == pytest.approx(np.sqrt(5 / 3))
    rows = Tensor([[1.0, 3.0], [2.0, 2.0]])
    np.testing.assert_array_equal(rows.var(axis=1).data, [1.0, 0.0])
    assert rows.var(axis=0, keepdims=True).shape == (1, 2)


def test_var_subtracts_the_mean_first_so_a_large_offset_keeps_its_digits():
    # sum(x^2)/n - mean^2 in float32 would be 1e8-sized numbers cancelling to noise; the variance is 2/3
    x = Tensor(np.float32([10001, 10002, 10003]))
    assert x.var().dtype == np.float32
    assert x.var().item() == pytest.approx(2 / 3, rel=1e-6)


def test_var_gradient_is_twice_the_deviation_over_n_minus_ddof():
    x = Tensor([1.0, 2.0, 6.0], requires_grad=True)  # mean 3
    x.var(ddof=1).backward()
    np.testing.assert_allclose(x.grad, [2 * -2 / 2, 2 * -1 / 2, 2 * 3 / 2])


def test_logsumexp_is_stable_at_plus_and_minus_1000():
    x = Tensor(np.float32([[1000, 1000], [-1000, -1000], [0, -1000]]))
    np.testing.assert_allclose(x.logsumexp(axis=1).data, [1000 + np.log(2), -1000 + np.log(2), 0.0], rtol=1e-7)


def test_logsumexp_of_minus_infinity_is_minus_infinity_without_a_warning():
    # the conftest turns numpy's divide-by-zero into an error: log(0) here is the answer, not an accident
    x = Tensor([[-np.inf, -np.inf], [0.0, -np.inf]])
    np.testing.assert_array_equal(x.logsumexp(axis=1).data, [-np.inf, 0.0])


def test_logsumexp_gradient_is_the_softmax():
    x = Tensor([0.0, np.log(3.0)], requires_grad=True)  # e^0 + e^log3 = 4
    out = x.logsumexp()
    assert out.item() == pytest.approx(np.log(4.0))
    out.backward()
    np.testing.assert_allclose(x.grad, [0.25, 0.75], rtol=1e-6)
    np.testing.assert_allclose(ta.hessian(lambda t: t.logsumexp())(np.array([0.0, np.log(3.0)])).data,
                               [[0.25 * 0.75, -0.25 * 0.75], [-0.25 * 0.75, 0.25 * 0.75]])  # diag(p) - p p^T


@pytest.mark.parametrize("x, gradient", [
    ([2.0, 3.0, 4.0], [12.0, 8.0, 6.0]),  # no zero: out / x
    ([0.0, 3.0, 4.0], [12.0, 0.0, 0.0]),  # one zero: only it gets a gradient, the product of the others
    ([0.0, 3.0, 0.0], [0.0, 0.0, 0.0]),  # two zeros: the product stays 0 whichever entry moves
])
def test_prod_gradient_is_the_product_of_the_other_entries_also_at_zeros(x, gradient):
    t = Tensor(np.array(x), requires_grad=True)
    t.prod().backward()
    np.testing.assert_array_equal(t.grad, gradient)


@pytest.mark.parametrize("x, hessian", [
    ([2.0, 3.0, 4.0], [[0, 4, 3], [4, 0, 2], [3, 2, 0]]),
    ([0.0, 3.0, 4.0], [[0, 4, 3], [4, 0, 0], [3, 0, 0]]),  # d2/dx0 dx1 = x2: nonzero although x0 = 0
    ([0.0, 0.0, 4.0], [[0, 4, 0], [4, 0, 0], [0, 0, 0]]),
])
def test_prod_second_derivatives_at_zeros(x, hessian):
    """d^2 prod / dx_i dx_j is the product of the entries other than i and j (0 on the diagonal)."""
    np.testing.assert_array_equal(ta.hessian(lambda t: t.prod())(np.array(x)).data, hessian)


def test_prod_values_and_the_empty_product():
    np.testing.assert_array_equal(Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]).prod(axis=1).data, [6.0, 120.0])
    assert Tensor(np.arange(1.0, 8.0)).prod().item() == 5040.0  # 7 entries: an odd count at every round of pairs
    assert Tensor(np.zeros((0, 3))).prod().item() == 1.0
    np.testing.assert_array_equal(Tensor(np.zeros((2, 0))).prod(axis=1).data, [1.0, 1.0])


def test_cumsum_values_and_its_gradient_is_the_running_sum_from_the_end():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = x.cumsum(0)
    np.testing.assert_array_equal(out.data, [1.0, 3.0, 6.0])
    out.backward([1.0, 10.0, 100.0])
    np.testing.assert_array_equal(x.grad, [111.0, 110.0, 100.0])
    np.testing.assert_array_equal(Tensor([[1.0, 2.0], [3.0, 4.0]]).cumsum(-1).data, [[1.0, 3.0], [3.0, 7.0]])


def test_argmax_and_argmin_are_plain_integers_the_first_of_equal_entries():
    x = Tensor([[1.0, 3.0, 3.0], [-2.0, -5.0, -5.0]], requires_grad=True)
    assert x.argmax() == 1 and x.argmin() == 4  # in the flattened tensor
    indices = x.argmax(axis=1)
    assert isinstance(indices, np.ndarray) and indices.dtype.kind == "i"
    np.testing.assert_array_equal(indices, [1, 0])
    np.testing.assert_array_equal(x.argmin(axis=1), [0, 1])
    np.testing.assert_array_equal(x.argmax(axis=0), [0, 0, 0])


def test_clip_with_one_bound_still_works():
    np.testing.assert_array_equal(Tensor([-2.0, 0.5, 2.0]).clip(max=1.0).data, [-2.0, 0.5, 1.0])
    np.testing.assert_array_equal(Tensor([-2.0, 0.5, 2.0]).clip(min=0.0).data, [0.0, 0.5, 2.0])


# ----------------------------------------------------------------------------------------------------------------
# Integer and boolean tensors: constants, with numpy's results
# ----------------------------------------------------------------------------------------------------------------
def test_integer_tensors_are_constants_computed_as_numpy_computes():
    counts = Tensor([[1, 2, 3], [4, 5, 6]], dtype="int64")
    assert counts.squeeze().dtype == np.int64 and counts.flip().dtype == np.int64 and counts.pad(1).dtype == np.int64
    np.testing.assert_array_equal(counts.cumsum(1).data, [[1, 3, 6], [4, 9, 15]])
    assert counts.cumsum(1).dtype == np.int64 and counts.prod(axis=1).dtype == np.int64
    np.testing.assert_array_equal(counts.prod(axis=1).data, [6, 120])
    assert counts.var().dtype == np.float64 and counts.var().item() == pytest.approx(35 / 12)
    assert counts.logsumexp().dtype == np.float64
    assert not counts.var().requires_grad and counts.argmax() == 5
    assert Tensor([True, True, False], dtype=bool).prod().item() == 0


def test_a_float_tensor_mixed_with_an_integer_one_gets_its_gradient_in_its_own_dtype():
    weights = Tensor([0.5, 2.0], requires_grad=True)  # float32
    counts = Tensor([3, 4], dtype="int64")
    out = (weights * counts).sum()
    assert out.dtype == np.float64  # numpy's promotion: float32 with int64 gives float64
    out.backward()
    assert weights.grad.dtype == np.float32
    np.testing.assert_array_equal(weights.grad, [3.0, 4.0])


# ----------------------------------------------------------------------------------------------------------------
# Properties over random shapes and axes: forward values as numpy computes them
# ----------------------------------------------------------------------------------------------------------------
@st.composite
def array_and_axis(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    seed = draw(st.integers(0, 2 ** 16))
    axis = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    return np.random.default_rng(seed).uniform(-2, 2, shape), axis


@given(array_and_axis(), st.booleans())
def test_reductions_agree_with_numpy_on_any_shape_and_axis(case, keepdims):
    x, axis = case
    t = Tensor(x)
    np.testing.assert_allclose(t.var(axis=axis, keepdims=keepdims).data, np.var(x, axis=axis, keepdims=keepdims),
                               atol=1e-12)
    np.testing.assert_allclose(t.std(axis=axis, keepdims=keepdims).data, np.std(x, axis=axis, keepdims=keepdims),
                               atol=1e-12)
    np.testing.assert_allclose(t.prod(axis=axis, keepdims=keepdims).data, np.prod(x, axis=axis, keepdims=keepdims),
                               rtol=1e-12)
    np.testing.assert_allclose(t.logsumexp(axis=axis, keepdims=keepdims).data,
                               np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims)), rtol=1e-12)
    np.testing.assert_array_equal(t.flip(axis).data, np.flip(x, axis))
    np.testing.assert_array_equal(t.argmax(axis), np.argmax(x, axis))
    if axis is not None:
        np.testing.assert_allclose(t.cumsum(axis).data, np.cumsum(x, axis), rtol=1e-12)


@pytest.mark.parametrize("reduce", ["max", "min"])
def test_max_and_min_name_a_bad_axis_as_the_other_reductions_do(reduce):
    """Not as an empty tensor (numpy's axis error used to be caught as 'zero-size array')."""
    x = Tensor([[1.0, 2.0]])
    with pytest.raises(ValueError, match=rf"^{reduce}: axis 5 is out of range for a tensor of shape \(1, 2\)$"):
        getattr(x, reduce)(axis=5)
    with pytest.raises(ValueError, match=rf"^{reduce}: axis \(0, 0\) names the same axis twice$"):
        getattr(x, reduce)(axis=(0, 0))
