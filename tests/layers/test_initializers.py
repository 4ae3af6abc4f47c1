"""Initializers: Keras 3's classes, names and formulas, checked against the formulas written out here.

Each random initializer draws 120,000 numbers (a 400 x 300 kernel), so sample statistics sit within a fraction of
a percent of the formula: the tolerances below (3% of a variance, 5 standard errors for a mean) are several standard
errors wide, and the seeds make every run draw the same numbers.
"""
import math

import numpy as np
import pytest

import tinygrad_acts.backend as K
from tinygrad_acts import initializers
from tinygrad_acts.initializers import (
    Constant,
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    Identity,
    LecunNormal,
    LecunUniform,
    Ones,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    Zeros,
    compute_fans,
)
from tinygrad_acts.layers import Dense

FAN_IN, FAN_OUT = 400, 300
SHAPE = (FAN_IN, FAN_OUT)
# N(0, 1) cut at +-2 has variance 1 - 2 * 2 * phi(2) / (Phi(2) - Phi(-2)), phi the standard normal density
TRUNCATED_VARIANCE = 1 - 4 * math.exp(-2) / math.sqrt(2 * math.pi) / math.erf(2 / math.sqrt(2))


def assert_variance(values, expected, rtol=0.03):
    assert values.var() == pytest.approx(expected, rel=rtol)
    assert abs(values.mean()) < 0.03 * math.sqrt(expected)  # centred: 0.03 stddev is ~10 standard errors


# ----------------------------------------------------------------------------------------------------------------
# The glorot / he / lecun family: variance scale / n, uniform or truncated normal
# ----------------------------------------------------------------------------------------------------------------
FAMILY = [  # (class, Var(w) by the paper's formula, distribution)
    (GlorotUniform, 2 / (FAN_IN + FAN_OUT), "uniform"),
    (GlorotNormal, 2 / (FAN_IN + FAN_OUT), "normal"),
    (HeUniform, 2 / FAN_IN, "uniform"),
    (HeNormal, 2 / FAN_IN, "normal"),
    (LecunUniform, 1 / FAN_IN, "uniform"),
    (LecunNormal, 1 / FAN_IN, "normal"),
]


@pytest.mark.parametrize("cls, variance, distribution", FAMILY, ids=[c[0].__name__ for c in FAMILY])
def test_each_of_the_family_has_its_variance_and_range(cls, variance, distribution):
    values = cls(seed=1)(SHAPE)
    assert values.shape == SHAPE and values.dtype == np.float32
    assert_variance(values.astype(np.float64), variance)
    if distribution == "uniform":  # U(-limit, limit) has variance limit^2 / 3
        limit = math.sqrt(3 * variance)
        assert np.abs(values).max() <= limit and np.abs(values).max() > 0.999 * limit
    else:  # cut at two of the untruncated stddevs, which is larger than the values' own stddev
        cut = 2 * math.sqrt(variance / TRUNCATED_VARIANCE)
        assert np.abs(values).max() <= cut * (1 + 1e-6) and np.abs(values).max() > 0.99 * cut


@pytest.mark.parametrize("mode, n", [("fan_in", FAN_IN), ("fan_out", FAN_OUT), ("fan_avg", (FAN_IN + FAN_OUT) / 2)])
@pytest.mark.parametrize("distribution", ["uniform", "truncated_normal", "untruncated_normal", "normal"])
def test_variance_scaling_gives_variance_scale_over_n(mode, n, distribution):
    values = VarianceScaling(scale=3.0, mode=mode, distribution=distribution, seed=2)(SHAPE, dtype="float64")
    assert values.dtype == np.float64
    assert_variance(values, 3.0 / n)
    if distribution == "untruncated_normal":  # a normal's tails: some values beyond two stddev
        assert np.abs(values).max() > 3 * math.sqrt(3.0 / n)


def test_the_family_is_variance_scaling_with_keras_presets():
    presets = {GlorotUniform: (1.0, "fan_avg", "uniform"), GlorotNormal: (1.0, "fan_avg", "truncated_normal"),
               HeUniform: (2.0, "fan_in", "uniform"), HeNormal: (2.0, "fan_in", "truncated_normal"),
               LecunUniform: (1.0, "fan_in", "uniform"), LecunNormal: (1.0, "fan_in", "truncated_normal")}
    for cls, (scale, mode, distribution) in presets.items():
        preset = cls(seed=5)
        assert isinstance(preset, VarianceScaling)
        assert (preset.scale, preset.mode, preset.distribution) == (scale, mode, distribution)
        np.testing.assert_array_equal(preset((6, 4)), VarianceScaling(scale, mode, distribution, seed=5)((6, 4)))
        assert preset.get_config() == {"seed": 5, "input_axes": None, "output_axes": None}  # Keras' keys


# ----------------------------------------------------------------------------------------------------------------
# Fans of shapes other than 2-d kernels
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape, fans", [
    ((), (1, 1)),  # a single number
    ((7,), (7, 7)),  # a bias-like vector
    ((3, 4), (3, 4)),
    ((5, 3, 4), (5 * 3, 5 * 4)),  # a 1-d convolution kernel: (width, inputs, outputs)
    ((3, 3, 16, 32), (9 * 16, 9 * 32)),  # a 3x3 2-d convolution kernel
])
def test_fans_as_keras_computes_them(shape, fans):
    assert compute_fans(shape) == fans


def test_explicit_fan_axes_override_the_kernel_layout():
    assert compute_fans((2, 3, 5), input_axes=(0,), output_axes=(1, 2)) == (2, 15)


def test_a_convolution_kernel_uses_the_receptive_field_in_its_fans():
    values = HeUniform(seed=3)((3, 3, 16, 32))
    limit = math.sqrt(6 / (3 * 3 * 16))
    assert np.abs(values).max() <= limit and np.abs(values).max() > 0.99 * limit


def test_a_vector_and_a_number_get_fans_of_their_size_and_one():
    assert np.abs(LecunUniform(seed=0)((10_000,))).max() <= math.sqrt(3 / 10_000)
    assert abs(float(LecunUniform(seed=0)(()))) <= math.sqrt(3)


# ----------------------------------------------------------------------------------------------------------------
# The plain distributions, constants and matrices
# ----------------------------------------------------------------------------------------------------------------
def test_random_normal_has_its_mean_and_stddev():
    values = RandomNormal(mean=1.5, stddev=0.2, seed=4)(SHAPE, "float64")
    assert values.mean() == pytest.approx(1.5, abs=0.003) and values.std() == pytest.approx(0.2, rel=0.02)
    assert RandomNormal().get_config() == {"mean": 0.0, "stddev": 0.05, "seed": None}  # Keras' defaults


def test_random_uniform_stays_in_its_interval_and_fills_it():
    values = RandomUniform(minval=-1.0, maxval=3.0, seed=4)(SHAPE, "float64")
    assert values.min() >= -1.0 and values.max() < 3.0
    assert values.min() < -0.999 and values.max() > 2.999
    assert values.mean() == pytest.approx(1.0, abs=0.02) and values.var() == pytest.approx(16 / 12, rel=0.03)
    assert RandomUniform().get_config() == {"minval": -0.05, "maxval": 0.05, "seed": None}


def test_truncated_normal_lies_within_two_stddev_of_its_mean():
    values = TruncatedNormal(mean=-1.0, stddev=0.5, seed=4)(SHAPE, "float64")
    assert np.abs(values + 1.0).max() <= 1.0 and np.abs(values + 1.0).max() > 0.99
    assert values.mean() == pytest.approx(-1.0, abs=0.006)  # 5 standard errors: 0.44 / sqrt(120,000) each
    assert values.var() == pytest.approx(0.25 * TRUNCATED_VARIANCE, rel=0.03)


def test_zeros_ones_constant_and_identity():
    assert np.array_equal(Zeros()((2, 3)), np.zeros((2, 3))) and Zeros()((2, 3)).dtype == np.float32
    assert np.array_equal(Ones()((4,)), np.ones(4))
    assert np.array_equal(Constant(2.5)((2, 2)), np.full((2, 2), 2.5)) and Constant().get_config() == {"value": 0.0}
    assert np.array_equal(Identity(gain=3.0)((2, 3)), [[3, 0, 0], [0, 3, 0]])
    assert Ones()((2,), dtype="float64").dtype == np.float64


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (5, 5)])
def test_orthogonal_gives_orthonormal_columns_or_rows_times_the_gain(shape):
    q = Orthogonal(gain=2.0, seed=6)(shape, "float64") / 2.0
    small = q.T @ q if shape[0] >= shape[1] else q @ q.T  # the fewer of rows and columns are orthonormal
    np.testing.assert_allclose(small, np.eye(min(shape)), atol=1e-12)


def test_orthogonal_of_a_4d_shape_is_an_orthogonal_matrix_reshaped():
    values = Orthogonal(seed=6)((3, 3, 4, 8), "float64")
    flat = values.reshape(-1, 8)  # (3 * 3 * 4, 8): 36 rows, 8 orthonormal columns
    np.testing.assert_allclose(flat.T @ flat, np.eye(8), atol=1e-12)


# ----------------------------------------------------------------------------------------------------------------
# Seeds
# ----------------------------------------------------------------------------------------------------------------
SEEDABLE = [RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling, GlorotUniform, GlorotNormal, HeUniform,
            HeNormal, LecunUniform, LecunNormal, Orthogonal]


@pytest.mark.parametrize("cls", SEEDABLE, ids=[c.__name__ for c in SEEDABLE])
def test_a_seeded_initializer_gives_the_same_values_on_every_call(cls):
    init = cls(seed=11)
    first = init((5, 4))
    np.testing.assert_array_equal(first, init((5, 4)))
    np.testing.assert_array_equal(first, cls(seed=11)((5, 4)))
    assert not np.array_equal(first, cls(seed=12)((5, 4)))


@pytest.mark.parametrize("cls", SEEDABLE, ids=[c.__name__ for c in SEEDABLE])
def test_an_unseeded_initializer_draws_from_the_backend_generator(cls):
    init = cls()
    K.set_random_seed(3)
    first, second = init((5, 4)), init((5, 4))
    assert not np.array_equal(first, second)  # a new draw on each call
    K.set_random_seed(3)
    np.testing.assert_array_equal(first, init((5, 4)))  # reproducible through set_random_seed


def test_the_functions_of_earlier_versions_still_work():
    K.set_random_seed(8)
    values = initializers.glorot_uniform((30, 20))
    assert values.dtype == np.float32 and np.abs(values).max() <= math.sqrt(6 / 50)
    K.set_random_seed(8)
    np.testing.assert_array_equal(values, GlorotUniform()((30, 20)))
    assert np.array_equal(initializers.zeros((2,)), [0, 0]) and np.array_equal(initializers.ones((2,)), [1, 1])


# ----------------------------------------------------------------------------------------------------------------
# Names, get and configs
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, cls", [
    ("glorot_uniform", GlorotUniform), ("GlorotUniform", GlorotUniform), ("he_normal", HeNormal),
    ("lecun_uniform", LecunUniform), ("uniform", RandomUniform), ("random_uniform", RandomUniform),
    ("normal", RandomNormal), ("random_normal", RandomNormal), ("truncated_normal", TruncatedNormal),
    ("orthogonal", Orthogonal), ("variance_scaling", VarianceScaling), ("constant", Constant), ("zeros", Zeros),
    ("zero", Zeros), ("ones", Ones), ("one", Ones), ("identity", Identity),
])
def test_get_knows_keras_names_and_aliases(name, cls):
    init = initializers.get(name)
    assert type(init) is cls
    assert init.get_config() == cls().get_config()  # Keras' defaults
    assert initializers.get(name) is not init  # a new instance each time, as Keras deserializes one


def test_get_takes_classes_instances_configs_and_functions():
    assert type(initializers.get(HeUniform)) is HeUniform
    seeded = RandomNormal(stddev=2.0, seed=1)
    assert initializers.get(seeded) is seeded
    from_config = initializers.get({"class_name": "RandomNormal", "config": {"stddev": 2.0, "seed": 1}})
    np.testing.assert_array_equal(from_config((3,)), seeded((3,)))

    def function(shape, dtype=None):
        return np.full(shape, 7.0, dtype=dtype or "float32")

    assert initializers.get(function) is function


@pytest.mark.parametrize("init", [RandomNormal(0.5, 2.0, seed=1), RandomUniform(-2.0, 1.0, seed=1),
                                  TruncatedNormal(seed=1), VarianceScaling(2.0, "fan_out", "uniform", seed=1),
                                  GlorotNormal(seed=1), Orthogonal(gain=0.5, seed=1), Constant(3.0)])
def test_from_config_of_get_config_is_the_same_initializer(init):
    copy = type(init).from_config(init.get_config())
    np.testing.assert_array_equal(copy((4, 3)), init((4, 3)))


def test_dense_takes_initializer_objects_and_names():
    layer = Dense(3, kernel_initializer=Orthogonal(seed=1), bias_initializer=Constant(0.5))
    layer.build((None, 3))
    np.testing.assert_allclose(layer.kernel.data.T @ layer.kernel.data, np.eye(3), atol=1e-6)
    assert np.all(layer.bias.data == 0.5)
    layer = Dense(2, kernel_initializer="truncated_normal")
    layer.build((None, 2))
    assert np.abs(layer.kernel.data).max() <= 0.1  # two of TruncatedNormal's default stddev, 0.05


# ----------------------------------------------------------------------------------------------------------------
# Bad arguments: ValueError naming the argument and the value
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("make, match", [
    (lambda: RandomNormal(stddev=-1.0), r"RandomNormal expects stddev >= 0, got stddev=-1.0"),
    (lambda: TruncatedNormal(stddev=-0.1), r"TruncatedNormal expects stddev >= 0, got stddev=-0.1"),
    (lambda: RandomNormal(mean="0"), r"RandomNormal expects a finite number for mean, got mean='0'"),
    (lambda: RandomUniform(minval=1.0, maxval=-1.0), r"expects minval <= maxval, got minval=1.0, maxval=-1.0"),
    (lambda: VarianceScaling(mode="fan"), r"VarianceScaling expects mode 'fan_in', 'fan_out' or 'fan_avg', "
                                          r"got mode='fan'"),
    (lambda: VarianceScaling(distribution="gauss"), r"expects distribution 'uniform', .* got distribution='gauss'"),
    (lambda: VarianceScaling(scale=0.0), r"VarianceScaling expects scale > 0, got scale=0.0"),
    (lambda: GlorotUniform(seed="1"), r"GlorotUniform expects seed to be an integer >= 0 or None, got seed='1'"),
    (lambda: Orthogonal(gain=np.nan), r"Orthogonal expects a finite number for gain, got gain=nan"),
    (lambda: Orthogonal()((3,)), r"Orthogonal needs a shape of at least 2 axes, got shape=\(3,\) of rank 1"),
    (lambda: RandomNormal()((2,), dtype="int32"), r"RandomNormal draws random numbers, so it needs a float dtype "
                                                  r"such as 'float32', got int32"),
    (lambda: HeNormal()((2, -3)), r"HeNormal expects a shape such as \(3, 4\) \(integers >= 0\), got \(2, -3\)"),
    (lambda: initializers.get("glorot"), r"Unknown initializer 'glorot': expected one of \[.*'glorot_uniform'"),
    (lambda: initializers.get(None), r"Unknown initializer None"),
])
def test_bad_arguments_raise_a_value_error_naming_them(make, match):
    with pytest.raises(ValueError, match=match):
        make()


# Examples that pin behaviour mutation testing found unpinned
def test_fan_rules_for_1d_3d_and_4d_shapes_set_the_variance():
    # Keras' fans: (n,) -> (n, n); a kernel (*receptive_field, inputs, outputs) -> both times the field's size
    for shape, (fan_in, fan_out) in [((120_000,), (120_000, 120_000)), ((4, 300, 100), (1200, 400)),
                                     ((3, 3, 100, 150), (900, 1350))]:
        assert compute_fans(shape) == (fan_in, fan_out)
        values = GlorotUniform(seed=0)(shape)
        assert values.var() == pytest.approx(2 / (fan_in + fan_out), rel=0.03)
        values = HeNormal(seed=1)(shape)
        assert values.var() == pytest.approx(2 / fan_in, rel=0.03)


def test_a_fan_of_1_gives_the_scale_itself_as_variance():
    values = VarianceScaling(scale=1.5, distribution="untruncated_normal", seed=0)((1, 120_000))
    assert values.var() == pytest.approx(1.5 / 1, rel=0.03)


def test_variance_scaling_defaults_to_scale_1_fan_in_truncated_normal():
    values = VarianceScaling(seed=0)(SHAPE)
    assert values.var() == pytest.approx(1 / FAN_IN, rel=0.03)
    assert np.abs(values).max() <= 2 * math.sqrt(1 / FAN_IN / TRUNCATED_VARIANCE)


def test_input_axes_and_output_axes_choose_the_fans():
    shape = (200, 30, 20)  # default rules would give fan_in = 30 * 200, fan_out = 20 * 200
    assert compute_fans(shape, input_axes=(0,), output_axes=(1, 2)) == (200, 600)
    assert compute_fans(shape, input_axes=(0,)) == (6000, 4000)  # both are needed; one alone is ignored
    fan_in = VarianceScaling(scale=1.0, mode="fan_in", distribution="untruncated_normal", seed=0,
                             input_axes=(0,), output_axes=(1, 2))(shape)
    assert fan_in.var() == pytest.approx(1 / 200, rel=0.03)
    fan_out = VarianceScaling(scale=1.0, mode="fan_out", distribution="untruncated_normal", seed=0,
                              input_axes=(0,), output_axes=(1, 2))(shape)
    assert fan_out.var() == pytest.approx(1 / 600, rel=0.03)
    assert HeNormal(seed=0, input_axes=(0,), output_axes=(1, 2))(shape).var() == pytest.approx(2 / 200, rel=0.03)
    assert GlorotUniform(seed=0, input_axes=(0,), output_axes=(1, 2))(shape).var() == pytest.approx(2 / 800, rel=0.03)


def test_truncated_normal_stays_within_two_stddevs_of_the_mean():
    values = TruncatedNormal(mean=1.0, stddev=0.5, seed=0)(SHAPE)
    assert values.min() >= 0.0 and values.max() <= 2.0
    assert values.min() < 0.01 and values.max() > 1.99  # and it reaches the cut: 120,000 draws


def test_a_zero_spread_gives_a_constant():
    np.testing.assert_array_equal(RandomNormal(mean=0.5, stddev=0, seed=0)((2, 3)), np.full((2, 3), 0.5))
    np.testing.assert_array_equal(TruncatedNormal(mean=0.5, stddev=0, seed=0)((2, 3)), np.full((2, 3), 0.5))
    np.testing.assert_array_equal(RandomUniform(minval=0.5, maxval=0.5, seed=0)((2, 3)), np.full((2, 3), 0.5))


def test_shapes_may_be_one_integer_or_have_zero_sizes():
    assert RandomNormal(seed=0)(5).shape == (5,)
    assert Zeros()(3).shape == (3,)
    assert GlorotUniform(seed=0)((0, 3)).shape == (0, 3)
    assert Ones()((2, 0)).shape == (2, 0)


@pytest.mark.parametrize("make", [Zeros, Ones, lambda: Constant(0.5), Identity, lambda: RandomNormal(seed=0),
                                  lambda: TruncatedNormal(seed=0), lambda: RandomUniform(seed=0),
                                  lambda: Orthogonal(seed=0), lambda: GlorotUniform(seed=0)])
def test_dtypes_default_to_floatx_and_follow_the_argument(make):
    assert make()((3, 3)).dtype == np.dtype(K.floatx())
    assert make()((3, 3), "float64").dtype == np.float64
    assert make()((3, 3), "float32").dtype == np.float32


def test_the_function_forms_pass_the_dtype_on():
    assert initializers.zeros((2, 2), "float64").dtype == np.float64
    assert initializers.ones((2, 2), "float64").dtype == np.float64
    assert initializers.glorot_uniform((2, 2), "float64").dtype == np.float64


def test_identity_defaults_to_gain_1():
    np.testing.assert_array_equal(Identity()((3, 3)), np.eye(3))


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4), (2, 3, 4), (2, 2, 3, 6)])
def test_orthogonal_is_the_q_of_a_seeded_normal_matrix_with_r_made_positive(shape):
    # Keras' recipe: QR of a (max, min) matrix of N(0, 1) draws, Q's columns flipped where R's diagonal is negative
    rows, columns = int(np.prod(shape[:-1])), shape[-1]
    q, r = np.linalg.qr(np.random.default_rng(7).standard_normal((max(rows, columns), min(rows, columns))))
    q = q * np.sign(np.diag(r))
    expected = (q if rows >= columns else q.T).reshape(shape)
    np.testing.assert_allclose(Orthogonal(gain=2.0, seed=7)(shape, "float64"), 2.0 * expected, atol=1e-12)


def test_get_accepts_snake_case_names_and_a_config_without_options():
    assert isinstance(initializers.get("glorot_uniform"), GlorotUniform)
    assert isinstance(initializers.get("random_normal"), RandomNormal)
    assert isinstance(initializers.get("variance_scaling"), VarianceScaling)
    assert isinstance(initializers.get({"class_name": "Zeros"}), Zeros)


def test_small_truncated_normal_draws_stay_within_two_stddevs_too():
    # few draws rarely reach 3 stddevs, so every value beyond 2 must be redrawn, not only the far ones
    for seed in range(40):
        assert np.abs(TruncatedNormal(mean=0.0, stddev=1.0, seed=seed)((10,))).max() <= 2.0


def test_a_misspelt_name_is_answered_with_the_snake_case_name():
    with pytest.raises(ValueError, match="Did you mean 'glorot_uniform'"):
        initializers.get("glorot_unifrom")


def test_class_names_become_keras_snake_case_names():
    # how ALL_INITIALIZERS gets 'glorot_uniform' from GlorotUniform (it runs once, when the module is imported)
    assert initializers._snake_case("GlorotUniform") == "glorot_uniform"
    assert initializers._snake_case("Zeros") == "zeros"
    assert initializers._snake_case("VarianceScaling") == "variance_scaling"


def test_an_initializer_of_your_own_must_define_call():
    class Half(initializers.Initializer):  # forgot __call__
        pass

    with pytest.raises(NotImplementedError, match=r"Half must define __call__\(shape, dtype=None\)"):
        Half()((2, 2))


def test_an_initializer_prints_as_the_call_that_makes_it():
    assert repr(RandomNormal(mean=1.0, stddev=2.0, seed=3)) == "RandomNormal(mean=1.0, stddev=2.0, seed=3)"
    assert repr(GlorotUniform()) == "GlorotUniform(seed=None, input_axes=None, output_axes=None)"
    assert repr(Zeros()) == "Zeros()"


def test_a_random_initializer_of_your_own_keeps_its_seed_in_its_config():
    class Coin(initializers.RandomInitializer):
        """-1 or +1 with equal probability."""

        def __call__(self, shape, dtype=None):
            return self._generator().choice([-1.0, 1.0], size=shape).astype(dtype or "float32")

    coin = Coin(seed=3)
    assert coin.get_config() == {"seed": 3}
    copy = Coin.from_config(coin.get_config())
    np.testing.assert_array_equal(copy((4, 4)), coin((4, 4)))
    assert repr(coin) == "Coin(seed=3)"


@pytest.mark.parametrize("function, cls", [
    (initializers.glorot_normal, GlorotNormal), (initializers.he_uniform, HeUniform),
    (initializers.he_normal, HeNormal), (initializers.random_normal, RandomNormal),
    (initializers.random_uniform, RandomUniform),
])
def test_each_function_form_draws_like_its_class_with_keras_defaults(function, cls):
    # glorot_normal(shape, dtype) is GlorotNormal()(shape, dtype), drawing from the backend's generator
    K.set_random_seed(9)
    values = function((30, 20), "float64")
    assert values.shape == (30, 20) and values.dtype == np.float64
    K.set_random_seed(9)
    np.testing.assert_array_equal(values, cls()((30, 20), "float64"))
    assert function((3,)).dtype == np.float32  # the dtype defaults to floatx
