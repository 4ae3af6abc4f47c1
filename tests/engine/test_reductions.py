"""The ops peers expect: squeeze/unsqueeze, var/std, logsumexp, prod, cumsum, flip, pad, split, argmax/argmin, and
the creation functions (zeros, eye, arange, seeded randn, ...).

Each op: gradcheck and gradgradcheck (first and second derivatives against finite differences, float64) on plain
shapes and on axis variants; values at chosen points against the formula; and values and gradients against PyTorch
at float32 tolerance, from tests/reference/torch_ops.json (made once by tests/reference/make_torch_reference.py:
torch is never imported here).
"""
import json

import numpy as np
import pytest
from helpers import REFERENCE_DIR
from hypothesis import given, strategies as st

import tinygrad_acts as ta
import tinygrad_acts.backend as K
from tinygrad_acts import Tensor, gradcheck, gradgradcheck

REFERENCE = REFERENCE_DIR / "torch_ops.json"
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


def test_flip_reverses_the_named_axes_and_its_gradient_is_flipped_back():
    x = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    np.testing.assert_array_equal(x.flip().data, [[6.0, 5.0, 4.0], [3.0, 2.0, 1.0]])
    np.testing.assert_array_equal(x.flip(0).data, [[4.0, 5.0, 6.0], [1.0, 2.0, 3.0]])
    x.flip(1).backward([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(x.grad, [[3.0, 2.0, 1.0], [0.0, 0.0, 0.0]])


@pytest.mark.parametrize("pad_width", [1, (1, 2), ((1, 2),), ((0, 1), (2, 0)), [[0, 0], [3, 1]]])
def test_pad_takes_numpy_s_pad_width_forms_and_its_gradient_drops_the_border(pad_width):
    x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    out = x.pad(pad_width, constant_values=-1.0)
    np.testing.assert_array_equal(out.data, np.pad(x.data, pad_width, constant_values=-1.0))
    out.backward(np.arange(out.size, dtype=np.float32).reshape(out.shape))
    before = np.broadcast_to(pad_width, (2, 2))[:, 0]
    expected = np.arange(out.size).reshape(out.shape)[before[0]:before[0] + 2, before[1]:before[1] + 2]
    np.testing.assert_array_equal(x.grad, expected)


def test_squeeze_unsqueeze_and_expand_dims_change_only_the_shape():
    x = Tensor(np.arange(6.0).reshape(1, 2, 1, 3), requires_grad=True)
    assert x.squeeze().shape == (2, 3) and x.squeeze(axis=0).shape == (2, 1, 3) and x.squeeze((0, 2)).shape == (2, 3)
    y = Tensor(np.zeros((2, 3)))
    assert y.unsqueeze(0).shape == (1, 2, 3) and y.unsqueeze(-1).shape == (2, 3, 1)
    assert y.unsqueeze(1).shape == (2, 1, 3)
    assert y.expand_dims((0, 3)).shape == (1, 2, 3, 1) and Tensor.expand_dims is Tensor.unsqueeze
    x.squeeze().unsqueeze(0).sum().backward()
    np.testing.assert_array_equal(x.grad, np.ones((1, 2, 1, 3)))


@pytest.mark.parametrize("indices_or_sections, axis", [(3, 0), (2, 1), ([1, 3], 0), ([2], -1), ([-2], 0),
                                                       ([0, 0, 5], 0), ([4, 1], 1), (1, 1)])
def test_split_gives_numpy_s_pieces(indices_or_sections, axis):
    x = np.arange(24.0).reshape(6, 4)
    pieces = ta.split(Tensor(x), indices_or_sections, axis=axis)
    expected = np.split(x, indices_or_sections, axis=axis)
    assert isinstance(pieces, list) and len(pieces) == len(expected)
    for piece, numpy_piece in zip(pieces, expected, strict=True):
        np.testing.assert_array_equal(piece.data, numpy_piece)


def test_each_split_piece_hands_back_its_own_part_of_the_gradient():
    x = Tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    first, second = ta.split(x, 2)
    (first * 10 + second.sum()).sum().backward()
    np.testing.assert_array_equal(x.grad, [10.0, 10.0, 2.0, 2.0])


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
# Creation functions
# ----------------------------------------------------------------------------------------------------------------
def test_zeros_ones_full_eye_arange_values_and_float32_default():
    assert ta.zeros((2, 3)).shape == (2, 3) and not ta.zeros(2).data.any() and ta.zeros(2).dtype == np.float32
    np.testing.assert_array_equal(ta.ones(3).data, [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(ta.full((2,), 7.5).data, [7.5, 7.5])
    np.testing.assert_array_equal(ta.eye(2).data, [[1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_array_equal(ta.eye(2, 3, k=1).data, [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    np.testing.assert_array_equal(ta.arange(3).data, [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(ta.arange(1, 2, 0.25).data, [1.0, 1.25, 1.5, 1.75])
    for tensor in (ta.ones(2), ta.full(2, 1), ta.eye(2), ta.arange(2), ta.rand(2), ta.randn(2), ta.uniform(2),
                   ta.normal(2)):
        assert tensor.dtype == np.float32 and not tensor.requires_grad


def test_creation_follows_floatx_and_dtype_and_requires_grad():
    K.set_floatx("float64")
    try:
        assert ta.zeros(2).dtype == np.float64 and ta.randn(2).dtype == np.float64
    finally:
        K.set_floatx("float32")
    assert ta.ones(2, dtype="float16").dtype == np.float16 and ta.arange(3, dtype="int64").dtype == np.int64
    weight = ta.randn(2, 3, requires_grad=True, seed=0)
    (weight * 2).sum().backward()
    np.testing.assert_array_equal(weight.grad, np.full((2, 3), 2.0))


def test_zeros_like_and_ones_like_keep_the_shape_and_dtype_of_their_model():
    model = Tensor(np.zeros((2, 3)))  # float64
    assert ta.zeros_like(model).shape == (2, 3) and ta.zeros_like(model).dtype == np.float64
    assert ta.ones_like([[1, 2]]).dtype == np.float32  # a list becomes float32 first, as in Tensor()
    np.testing.assert_array_equal(ta.ones_like(model, dtype="float32").data, np.ones((2, 3), np.float32))


def test_a_seed_gives_the_same_numbers_and_no_seed_draws_from_the_backend():
    np.testing.assert_array_equal(ta.randn(3, 2, seed=5).data, ta.randn((3, 2), seed=5).data)
    assert not np.array_equal(ta.rand(4, seed=5).data, ta.rand(4, seed=6).data)
    np.testing.assert_array_equal(ta.normal(4, seed=1, dtype="float64").data.astype(np.float32),
                                  ta.normal(4, seed=1).data)  # one seed, the same numbers in every dtype
    K.set_random_seed(3)
    first = ta.rand(5).data
    K.set_random_seed(3)
    np.testing.assert_array_equal(ta.rand(5).data, first)


def test_random_numbers_have_the_asked_distribution():
    values = ta.normal(20000, mean=5.0, stddev=2.0, seed=0).data
    assert abs(values.mean() - 5.0) < 0.05 and abs(values.std() - 2.0) < 0.05
    uniform = ta.uniform((100, 100), minval=-3.0, maxval=-1.0, seed=0).data
    assert uniform.min() >= -3.0 and uniform.max() < -1.0 and abs(uniform.mean() + 2.0) < 0.02
    unit = ta.rand(10000, seed=0).data
    assert unit.min() >= 0.0 and unit.max() < 1.0


def test_uniform_never_reaches_maxval_even_after_rounding_to_float32():
    # float32 holds 1 - 2^-23 and 1 - 2^-24 below 1; a float64 draw above 1 - 2^-25 would round to 1.0
    values = ta.uniform(1000, minval=1 - 2.0 ** -23, maxval=1.0, seed=0).data
    assert values.min() == np.float32(1 - 2.0 ** -23) and values.max() == np.float32(1 - 2.0 ** -24)


# ----------------------------------------------------------------------------------------------------------------
# Against PyTorch (values recorded by tests/reference/make_torch_reference.py)
# ----------------------------------------------------------------------------------------------------------------
REFERENCE_CASES = json.loads(REFERENCE.read_text())["cases"]


def apply(op, x, kwargs):
    return ta.split(x, **kwargs) if op == "split" else getattr(x, op)(**kwargs)


@pytest.mark.parametrize("case", REFERENCE_CASES, ids=[f"{c['op']}-{i}" for i, c in enumerate(REFERENCE_CASES)])
def test_values_and_gradients_match_pytorch(case):
    differentiable = "grad" in case
    x = Tensor(np.float32(case["x"]), requires_grad=differentiable)
    out = apply(case["op"], x, case["kwargs"])
    if not differentiable:  # argmax, argmin: indices
        np.testing.assert_array_equal(out, case["out"])
        return
    pieces = out if isinstance(out, list) else [out]
    expected = case["out"] if isinstance(out, list) else [case["out"]]
    weights = case["weights"] if isinstance(out, list) else [case["weights"]]
    assert len(pieces) == len(expected)
    total = Tensor(np.float32(0.0))
    for piece, values, weight in zip(pieces, expected, weights, strict=True):
        assert piece.dtype == np.float32
        np.testing.assert_allclose(piece.data, np.float32(values), rtol=2e-6, atol=1e-6)
        total = total + (piece * np.float32(weight)).sum()
    total.backward()
    np.testing.assert_allclose(x.grad, np.float32(case["grad"]), rtol=1e-5, atol=1e-6)


def test_the_reference_covers_every_new_op():
    assert {case["op"] for case in REFERENCE_CASES} >= {"var", "std", "logsumexp", "prod", "cumsum", "flip", "pad",
                                                       "squeeze", "unsqueeze", "split", "argmax", "argmin"}


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


# ----------------------------------------------------------------------------------------------------------------
# Examples that pin behaviour mutation testing found unpinned
# ----------------------------------------------------------------------------------------------------------------
def test_every_creation_function_takes_dtype_and_requires_grad():
    made = {"zeros": ta.zeros((2, 3), dtype="float64", requires_grad=True),
            "ones": ta.ones((2, 3), dtype="float64", requires_grad=True),
            "full": ta.full((2, 3), 0.5, dtype="float64", requires_grad=True),
            "eye": ta.eye(2, 3, dtype="float64", requires_grad=True),
            "arange": ta.arange(6, dtype="float64", requires_grad=True),
            "rand": ta.rand(2, 3, dtype="float64", seed=0, requires_grad=True),
            "randn": ta.randn(2, 3, dtype="float64", seed=0, requires_grad=True),
            "uniform": ta.uniform((2, 3), dtype="float64", seed=0, requires_grad=True),
            "normal": ta.normal((2, 3), dtype="float64", seed=0, requires_grad=True),
            "zeros_like": ta.zeros_like(np.ones((2, 3)), requires_grad=True),
            "ones_like": ta.ones_like(np.ones((2, 3)), requires_grad=True)}
    for name, tensor in made.items():
        assert tensor.dtype == np.float64 and tensor.requires_grad, name
    for tensor in (ta.zeros(2), ta.zeros_like(np.ones(2)), ta.ones_like(ta.ones(2))):
        assert not tensor.requires_grad  # requires_grad defaults to False, as for every creation function


def test_zeros_like_and_ones_like_take_the_dtype_asked_for_over_their_models():
    model = Tensor(np.array([1.0, 2.0, 3.0]))  # float64
    assert ta.zeros_like(model).dtype == np.float64 and ta.ones_like(model).dtype == np.float64
    assert ta.zeros_like(ta.ones(2)).dtype == np.float32 and ta.ones_like(ta.ones(2)).dtype == np.float32
    assert ta.zeros_like(model, dtype="float16").dtype == np.float16
    assert ta.zeros_like([1, 2], dtype="int64").dtype == np.int64  # a list works as a model too
    assert ta.ones_like(model, dtype="int32").dtype == np.int32
    np.testing.assert_array_equal(ta.zeros_like(np.ones((2, 1))).data, [[0.0], [0.0]])


def test_shapes_may_have_zero_length_axes_but_not_negative_or_non_integer_ones():
    assert ta.zeros((0, 3)).shape == (0, 3) and ta.ones(0).shape == (0,) and ta.eye(0).shape == (0, 0)
    assert ta.rand(0, 2, seed=0).shape == (0, 2) and ta.full((2, 0), 1.0).shape == (2, 0)
    for bad in (-1, (2, -1), 2.0, (2, 1.5), True):
        with pytest.raises(ValueError, match="shape must be an integer >= 0"):
            ta.zeros(bad)


def test_rand_and_randn_take_one_tuple_or_several_integers():
    assert ta.rand((2, 3), seed=0).shape == (2, 3) and ta.rand(2, 3, seed=0).shape == (2, 3)
    assert ta.randn(4, seed=0).shape == (4,) and ta.randn((4,), seed=0).shape == (4,)
    with pytest.raises(ValueError, match="shape must be"):
        ta.rand((2, 3), 4)  # a tuple among integers is not a length


def test_arange_steps_by_one_by_default():
    np.testing.assert_array_equal(ta.arange(2, 5).data, [2.0, 3.0, 4.0])
    np.testing.assert_array_equal(ta.arange(-1, 2).data, [-1.0, 0.0, 1.0])


def test_a_seed_gives_the_numbers_of_numpys_generator_with_that_seed():
    # float64 keeps numpy's draws exactly: rand and uniform are U[0, 1), randn and normal are N(0, 1) by default
    expected_uniform = np.random.default_rng(7).uniform(0.0, 1.0, size=(2, 3))
    expected_normal = np.random.default_rng(7).normal(0.0, 1.0, size=(2, 3))
    np.testing.assert_array_equal(ta.rand(2, 3, seed=7, dtype="float64").data, expected_uniform)
    np.testing.assert_array_equal(ta.uniform((2, 3), seed=7, dtype="float64").data, expected_uniform)
    np.testing.assert_array_equal(ta.randn(2, 3, seed=7, dtype="float64").data, expected_normal)
    np.testing.assert_array_equal(ta.normal((2, 3), seed=7, dtype="float64").data, expected_normal)
    np.testing.assert_array_equal(ta.uniform(3, minval=-2.0, maxval=4.0, seed=7, dtype="float64").data,
                                  np.random.default_rng(7).uniform(-2.0, 4.0, size=3))


def test_uniform_with_minval_equal_to_maxval_gives_that_value():
    # [a, a) is empty, so numpy gives a itself
    np.testing.assert_array_equal(ta.uniform(3, minval=2.0, maxval=2.0, seed=0).data, [2.0, 2.0, 2.0])
    assert ta.uniform(3, minval=0.0, maxval=5.0, dtype="int64", seed=0).dtype == np.int64


def test_arange_with_one_bound_and_a_step_counts_by_the_step():
    """arange(5, step=2) is 0, 2, 4, as np.arange(0, 5, 2) and torch.arange(5, step=2) (found by mutation testing)."""
    assert ta.arange(5, step=2).data.tolist() == [0.0, 2.0, 4.0]
    assert ta.arange(1, 2, 0.25).data.tolist() == [1.0, 1.25, 1.5, 1.75]
