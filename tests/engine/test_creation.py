"""Creation functions: zeros, ones, full, eye, arange, the *_like functions and seeded random numbers, with floatx,
dtype and requires_grad."""
import numpy as np
import pytest

import tinygrad_acts as ta
import tinygrad_acts.backend as K
from tinygrad_acts import Tensor


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
