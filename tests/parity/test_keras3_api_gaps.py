"""Keras 3 names that were missing (issue 23): the lowercase initializers with arguments, the losses and one_hot of
keras.ops, keras.random, the metrics named after losses, and schedules called with an array of steps.

Values come from the math, or from real Keras 3 (on PyTorch) compared live; without Keras those tests skip, saying
why — except under CI, which installs it, where they fail instead. Gradients are checked with gradcheck in float64.
"""
import math

import numpy as np
import pytest

from tinygrad_acts import Tensor, gradcheck, gradgradcheck, initializers, metrics, ops, random
from tinygrad_acts.initializers import (
    GlorotUniform,
    HeNormal,
    Identity,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    Zeros,
)
from tinygrad_acts.optimizers import schedules
from tinygrad_acts.utils import set_random_seed

RNG = np.random.default_rng(23)




def numbers(x):
    """A Tensor's, a Keras tensor's or an array's values as a float64 numpy array."""
    if isinstance(x, Tensor):
        return x.data.astype(np.float64)
    return np.asarray(x.detach().cpu().numpy() if hasattr(x, "detach") else x, dtype=np.float64)


def dtype_name(x):
    """'float32', 'int32', ... of a Tensor or of a Keras (torch) tensor."""
    return str(x.dtype).removeprefix("torch.")


# ----------------------------------------------------------------------------------------------------------------
# initializers: Keras 3's lowercase names, with arguments
# ----------------------------------------------------------------------------------------------------------------
def test_a_lowercase_initializer_with_arguments_is_the_initializer_of_its_class():
    assert initializers.random_normal(stddev=0.01).get_config() == {"mean": 0.0, "stddev": 0.01, "seed": None}
    assert isinstance(initializers.random_uniform(minval=-1, maxval=1), RandomUniform)
    assert isinstance(initializers.truncated_normal(mean=1.0, stddev=0.5, seed=3), TruncatedNormal)
    assert isinstance(initializers.variance_scaling(scale=2.0, mode="fan_out"), VarianceScaling)
    assert isinstance(initializers.zeros(), Zeros) and isinstance(initializers.identity(gain=2.0), Identity)
    assert initializers.orthogonal(gain=2.0, seed=1).get_config() == {"gain": 2.0, "seed": 1}
    assert initializers.constant(2.5).get_config() == {"value": 2.5}
    np.testing.assert_array_equal(initializers.constant(2.5)((2, 3)), np.full((2, 3), 2.5, dtype=np.float32))


def test_a_seeded_lowercase_initializer_draws_what_its_class_draws():
    np.testing.assert_array_equal(initializers.glorot_uniform(seed=1)((4, 3)), GlorotUniform(seed=1)((4, 3)))
    np.testing.assert_array_equal(initializers.he_normal(seed=2)((4, 3)), HeNormal(seed=2)((4, 3)))
    # the first positional argument is Keras' first parameter: the seed of a glorot, the mean of random_normal
    assert initializers.glorot_uniform(7).seed == 7 and initializers.random_normal(0.5).mean == 0.5


def test_a_shape_first_still_draws_at_once_as_the_functions_of_earlier_versions():
    set_random_seed(4)
    drawn = initializers.he_normal((30, 20), "float64")
    set_random_seed(4)
    np.testing.assert_array_equal(drawn, HeNormal()((30, 20), "float64"))
    np.testing.assert_array_equal(initializers.random_normal((5,), stddev=0.01, seed=3),
                                  RandomNormal(stddev=0.01, seed=3)((5,)))  # the class' arguments by name
    np.testing.assert_array_equal(initializers.identity([2, 2]), np.eye(2, dtype=np.float32))
    assert initializers.orthogonal(shape=(3, 3), dtype="float64").dtype == np.float64
    assert initializers.IdentityInitializer is Identity and initializers.OrthogonalInitializer is Orthogonal


def test_the_draw_at_once_form_refuses_a_third_positional_argument_saying_how_to_write_it():
    with pytest.raises(TypeError, match=r"random_normal\(shape, dtype=None, \*\*arguments\) draws at once: after "
                                        r"the shape only the dtype comes by position, RandomNormal's own arguments "
                                        r"by name"):
        initializers.random_normal((2, 2), "float32", 0.5)
    with pytest.raises(ValueError, match=r"Constant expects a finite number for value, got value=\(3, 4\)"):
        initializers.constant((3, 4))  # constant's argument is the value, as in Keras: no shape form


def test_every_lowercase_initializer_keras_exports_is_here_and_makes_the_same_config(keras):
    names = {name for name in dir(keras.initializers) if name.islower() and not name.startswith("_")}
    assert names - {"get", "serialize", "deserialize", "stft"} <= set(dir(initializers))
    for name, arguments in [("random_normal", {"stddev": 0.01}), ("random_uniform", {"minval": -1.0, "maxval": 1.0}),
                            ("truncated_normal", {"mean": 1.0, "seed": 3}), ("constant", {"value": 2.0}),
                            ("orthogonal", {"gain": 2.0}), ("he_normal", {"seed": 5}),
                            ("glorot_uniform", {"seed": 1}), ("variance_scaling", {"scale": 2.0, "mode": "fan_avg"}),
                            ("zeros", {}), ("ones", {})]:
        theirs = getattr(keras.initializers, name)(**arguments).get_config()
        ours = getattr(initializers, name)(**arguments).get_config()
        assert ours == theirs, name
    # Keras 3.15's Identity.get_config() is {}, losing the gain; ours keeps it
    assert keras.initializers.identity(gain=3.0).gain == initializers.identity(gain=3.0).gain == 3.0


# ----------------------------------------------------------------------------------------------------------------
# ops: the losses and one_hot of keras.ops
# ----------------------------------------------------------------------------------------------------------------
ONE_HOT = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
PROBABILITIES = np.array([[0.1, 0.7, 0.2], [0.3, 0.3, 0.4]])


def test_categorical_crossentropy_is_minus_the_log_of_the_true_class_probability():
    loss = ops.categorical_crossentropy(ONE_HOT, PROBABILITIES)
    np.testing.assert_allclose(loss.data, [-math.log(0.7), -math.log(0.4)], rtol=1e-12)
    assert loss.dtype == np.float64  # output's dtype; lists become float32, as Keras' floatx
    assert ops.categorical_crossentropy(ONE_HOT.tolist(), PROBABILITIES.tolist()).dtype == np.float32
    # an all-zero row of probabilities costs -log(1e-7), as losses.categorical_crossentropy (Keras: nan, 0 / 0)
    assert ops.categorical_crossentropy([1.0, 0.0], np.zeros(2)).item() == pytest.approx(-math.log(1e-7))
    # from logits: log_softmax, exact far out where clipping probabilities would stop at -log(1e-7) ~ 16.1
    logits = np.array([[1000.0, 0.0, 0.0]])
    assert ops.categorical_crossentropy([[0.0, 1.0, 0.0]], logits, from_logits=True).item() == pytest.approx(1000.0)
    # the classes along another axis
    np.testing.assert_allclose(ops.categorical_crossentropy(ONE_HOT.T, PROBABILITIES.T, axis=0).data,
                               loss.data, rtol=1e-12)


def test_sparse_categorical_crossentropy_takes_class_ids_as_a_vector_or_a_column():
    expected = [-math.log(0.7), -math.log(0.4)]
    np.testing.assert_allclose(ops.sparse_categorical_crossentropy([1, 2], PROBABILITIES).data, expected, rtol=1e-12)
    np.testing.assert_allclose(ops.sparse_categorical_crossentropy([[1], [2]], PROBABILITIES).data, expected)
    np.testing.assert_allclose(ops.sparse_categorical_crossentropy([1, 2], PROBABILITIES.T, axis=0).data, expected)
    logits = np.log(PROBABILITIES) + 5.0  # softmax(log p + c) = p
    np.testing.assert_allclose(ops.sparse_categorical_crossentropy([1, 2], logits, from_logits=True).data, expected)


def test_binary_crossentropy_is_elementwise_and_exact_from_logits():
    target = np.array([[0.0, 1.0], [1.0, 0.0]])
    loss = ops.binary_crossentropy(target, np.array([[0.2, 0.9], [0.0, 1.0]]))
    # no mean over the last axis (that is losses.binary_crossentropy); 0 and 1 are clipped to 1e-7 and 1 - 1e-7
    np.testing.assert_allclose(loss.data, [[-math.log(0.8), -math.log(0.9)], [-math.log(1e-7), -math.log(1e-7)]],
                               rtol=1e-6)
    exact = ops.binary_crossentropy(np.array([0.0, 1.0, 1.0]), np.array([1000.0, 30.0, 0.0]), from_logits=True)
    np.testing.assert_allclose(exact.data, [1000.0, math.log1p(math.exp(-30.0)), math.log(2.0)], rtol=1e-12)


def test_one_hot_puts_a_one_at_each_class_id_and_zeros_for_negative_ids():
    np.testing.assert_array_equal(ops.one_hot([1, 0], 3).data, [[0, 1, 0], [1, 0, 0]])
    assert ops.one_hot([1, 0], 3).dtype == np.float32  # floatx, as Keras
    np.testing.assert_array_equal(ops.one_hot([[1, -1]], 2).data, [[[0, 1], [0, 0]]])  # -1: a row of zeros
    assert ops.one_hot([2], 3, axis=0).shape == (3, 1) and ops.one_hot(np.array(2), 3).shape == (3,)
    assert ops.one_hot([0, 2], 3, dtype="int32").dtype == np.int32
    assert not ops.one_hot([0, 2], 3).requires_grad  # class ids have no gradient


@pytest.mark.parametrize("function, target, output, options", [
    ("categorical_crossentropy", ONE_HOT, PROBABILITIES, {}),
    ("categorical_crossentropy", ONE_HOT.astype(np.float32), PROBABILITIES.astype(np.float32), {}),
    ("categorical_crossentropy", ONE_HOT, RNG.normal(size=(2, 3)) * 4, {"from_logits": True}),
    ("categorical_crossentropy", ONE_HOT.T, PROBABILITIES.T, {"axis": 0}),
    ("categorical_crossentropy", ONE_HOT[0], PROBABILITIES[0], {}),
    ("categorical_crossentropy", [[0.2, 0.8]], [[0.5, 0.5]], {}),
    ("sparse_categorical_crossentropy", np.array([1, 2]), PROBABILITIES, {}),
    ("sparse_categorical_crossentropy", np.array([[1], [2]]), PROBABILITIES.astype(np.float32), {}),
    ("sparse_categorical_crossentropy", np.array([0, 2]), RNG.normal(size=(2, 3)) * 4, {"from_logits": True}),
    ("sparse_categorical_crossentropy", np.array([1, 2]), PROBABILITIES.T, {"axis": 0}),
    ("binary_crossentropy", np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[0.2, 0.9], [0.0, 1.0]]), {}),
    ("binary_crossentropy", np.array([0.0, 1.0, 0.3], dtype=np.float32), np.array([1000.0, 30.0, -2.0], np.float32),
     {"from_logits": True}),
])
def test_the_losses_of_ops_give_keras_values_and_dtypes(keras, function, target, output, options):
    ours = getattr(ops, function)(target, output, **options)
    theirs = getattr(keras.ops, function)(target, output, **options)
    np.testing.assert_allclose(numbers(ours), numbers(theirs), rtol=1e-6, atol=1e-12)
    assert ours.shape == tuple(theirs.shape) and dtype_name(ours) == dtype_name(theirs)


@pytest.mark.parametrize("x, num_classes, options", [
    ([1, 3, 2, 0], 4, {}), ([[1, -1], [0, 2]], 3, {}), ([[1, 0], [0, 2]], 3, {"axis": 0}),
    ([[1, 0], [0, 2]], 3, {"axis": 1}), ([1, 2], 3, {"dtype": "int32"}), (2, 3, {}), ([0, 1], 2, {"dtype": "bool"}),
])
def test_one_hot_gives_keras_values_shapes_and_dtypes(keras, x, num_classes, options):
    ours, theirs = ops.one_hot(np.array(x), num_classes, **options), keras.ops.one_hot(np.array(x), num_classes,
                                                                                       **options)
    np.testing.assert_array_equal(numbers(ours), numbers(theirs))
    assert ours.shape == tuple(theirs.shape) and dtype_name(ours) == dtype_name(theirs)


def test_the_losses_of_ops_pass_gradients_to_target_and_output():
    target, probabilities = RNG.uniform(size=(3, 4)), RNG.uniform(0.1, 0.9, size=(3, 4))
    logits = RNG.normal(size=(3, 4)) * 3
    assert gradcheck(lambda t, z: ops.binary_crossentropy(t, z, from_logits=True), target, logits)
    assert gradcheck(lambda t, p: ops.binary_crossentropy(t, p), target, probabilities)
    assert gradcheck(lambda t, z: ops.categorical_crossentropy(t, z, from_logits=True, axis=0), target, logits)
    assert gradcheck(lambda t, p: ops.categorical_crossentropy(t, p), target, probabilities)
    assert gradcheck(lambda z: ops.sparse_categorical_crossentropy([0, 3, 1], z, from_logits=True), logits)
    assert gradcheck(lambda p: ops.sparse_categorical_crossentropy([0, 2, 1, 1], p, axis=0), probabilities)
    # broadcasting is no part of these: the shapes must match, as in Keras; second derivatives work too
    assert gradgradcheck(lambda t, z: ops.binary_crossentropy(t, z, from_logits=True), target, logits)
    assert gradgradcheck(lambda t, z: ops.categorical_crossentropy(t, z, from_logits=True), target, logits)


def test_the_sigmoid_crossentropy_gradient_is_sigmoid_minus_target_also_at_zero():
    """max(z, 0) and |z| both have a kink at 0; the hand-written rule gives the smooth function's gradient there."""
    logits = Tensor(np.array([0.0, 0.0, 3.0]), requires_grad=True)
    ops.binary_crossentropy(np.array([1.0, 0.0, 1.0]), logits, from_logits=True).sum().backward()
    np.testing.assert_allclose(logits.grad, [0.5 - 1.0, 0.5, 1 / (1 + math.exp(-3.0)) - 1.0], rtol=1e-12)


@pytest.mark.parametrize("call, error, match", [
    (lambda: ops.binary_crossentropy([0.0, 1.0], [[0.3, 0.4]]), ValueError,
     r"ops.binary_crossentropy: target and output must have the same shape, got target of shape \(2,\) and output "
     r"of shape \(1, 2\)"),
    (lambda: ops.categorical_crossentropy([1.0], Tensor([1], dtype="int32")), TypeError,
     r"ops.categorical_crossentropy: output must hold floating-point numbers .* got dtype int32"),
    (lambda: ops.sparse_categorical_crossentropy([1, 3], PROBABILITIES), ValueError,
     r"class ids must be in \[0, 3\) for 3 classes, got 3"),
    (lambda: ops.sparse_categorical_crossentropy([1.5, 0], PROBABILITIES), ValueError,
     r"class ids must be whole numbers, got 1.5"),
    (lambda: ops.sparse_categorical_crossentropy([1, 2, 0], PROBABILITIES), ValueError,
     r"target must have output's shape without axis -1, \(2,\), got target of shape \(3,\)"),
    (lambda: ops.one_hot([1, 5], 3), ValueError,
     r"ops.one_hot: class ids must be below num_classes=3 \(a negative id gives a row of zeros\), got 5"),
    (lambda: ops.one_hot([1], 0), ValueError, r"ops.one_hot: num_classes must be an integer >= 1, got 0"),
    (lambda: ops.one_hot([1], 3, axis=2), ValueError, r"axis must be an integer in \[-2, 2\) for 2 axes, got axis=2"),
    (lambda: ops.one_hot([1], 3, sparse=True), ValueError, r"sparse=True is not supported"),
])
def test_bad_arguments_to_the_losses_and_one_hot_say_what_was_expected(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ----------------------------------------------------------------------------------------------------------------
# random: keras.random
# ----------------------------------------------------------------------------------------------------------------
def test_normal_has_the_mean_and_standard_deviation_asked_for():
    values = random.normal((100_000,), mean=2.0, stddev=3.0, seed=0)
    assert values.shape == (100_000,) and values.dtype == np.float32
    assert abs(values.data.mean() - 2.0) < 0.05 and abs(values.data.std() - 3.0) < 0.05  # ~5 standard errors


def test_uniform_stays_in_its_half_open_interval_and_fills_it_evenly():
    values = random.uniform((100_000,), minval=-1.0, maxval=3.0, dtype="float64", seed=0).data
    assert values.dtype == np.float64 and values.min() >= -1.0 and values.max() < 3.0
    counts = np.histogram(values, bins=4, range=(-1.0, 3.0))[0]
    assert np.all(np.abs(counts / 25_000 - 1) < 0.03)  # each unit interval holds a quarter
    # a float64 draw just below maxval may round up to it in float32: it is kept below
    assert random.uniform((1000,), minval=1.0, maxval=1.0 + 1e-7, seed=0).data.max() < np.float32(1.0 + 1e-7)


def test_truncated_normal_keeps_values_within_two_standard_deviations():
    values = random.truncated_normal((100_000,), mean=1.0, stddev=0.5, seed=0).data
    assert values.min() >= 0.0 and values.max() <= 2.0
    assert abs(values.std() - 0.87962566 * 0.5) < 0.01  # a normal cut at +-2 has standard deviation 0.8796
    assert abs(values.mean() - 1.0) < 0.01


def test_randint_draws_every_integer_from_minval_to_maxval_minus_one():
    values = random.randint((60_000,), minval=-2, maxval=4, seed=0)
    assert values.dtype == np.int32 and random.randint((2,), 0, 3, dtype="int64").dtype == np.int64
    counts = np.bincount(values.data + 2)
    assert len(counts) == 6 and np.all(np.abs(counts / 10_000 - 1) < 0.05)


def test_an_integer_seed_repeats_its_numbers_and_a_seed_generator_moves_on():
    np.testing.assert_array_equal(random.normal((3,), seed=42).data, random.normal((3,), seed=42).data)
    seed_generator = random.SeedGenerator(42)
    first, second = random.normal((3,), seed=seed_generator), random.normal((3,), seed=seed_generator)
    assert not np.array_equal(first.data, second.data)
    np.testing.assert_array_equal(first.data, random.normal((3,), seed=42).data)  # draw 0 of SeedGenerator(42)
    np.testing.assert_array_equal(second.data, np.random.default_rng([42, 1]).normal(size=3).astype(np.float32))
    again = random.SeedGenerator.from_config(seed_generator.get_config())
    np.testing.assert_array_equal(random.normal((3,), seed=again).data, first.data)


def test_no_seed_draws_from_the_backend_generator_that_set_random_seed_seeds():
    set_random_seed(5)
    first = [random.normal((3,)).data, random.uniform((2,)).data, random.SeedGenerator().state.copy()]
    set_random_seed(5)
    second = [random.normal((3,)).data, random.uniform((2,)).data, random.SeedGenerator().state.copy()]
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(random.normal((3,)).data, first[0])  # the generator moved on


def test_shuffle_reorders_whole_slices_along_the_axis():
    x = np.arange(12).reshape(3, 4)
    rows = random.shuffle(x, seed=0).data
    assert rows.dtype == x.dtype and sorted(rows[:, 0].tolist()) == [0, 4, 8]
    np.testing.assert_array_equal(rows - rows[:, :1], np.tile(np.arange(4), (3, 1)))  # each row kept whole
    columns = random.shuffle(x, axis=1, seed=0).data
    np.testing.assert_array_equal(columns - columns[0], np.repeat([[0], [4], [8]], 4, axis=1))  # one order for all
    assert sorted(columns[0].tolist()) == [0, 1, 2, 3]


def test_dropout_zeros_a_fraction_rate_and_scales_the_rest_so_the_mean_stays():
    values = random.dropout(np.ones((200, 500), dtype=np.float32), rate=0.3, seed=0).data
    assert set(np.unique(values).tolist()) == {0.0, np.float32(1 / 0.7).item()}
    assert abs((values == 0).mean() - 0.3) < 0.01 and abs(values.mean() - 1.0) < 0.02
    rows = random.dropout(np.ones((100, 4)), rate=0.5, noise_shape=(None, 1), seed=0).data
    assert np.all((rows == 0).all(axis=1) | (rows == 2).all(axis=1))  # one choice per row
    inputs = Tensor(np.ones(3))
    assert random.dropout(inputs, rate=0.0) is inputs and np.all(random.dropout(inputs, rate=1.0).data == 0)


def test_categorical_draws_classes_as_often_as_their_softmax_probability():
    with np.errstate(divide="ignore"):  # log(0) = -inf: a class never drawn
        logits = np.log([[0.2, 0.8, 0.0], [0.5, 0.25, 0.25]])
    samples = random.categorical(logits, 20_000, seed=0)
    assert samples.shape == (2, 20_000) and samples.dtype == np.int32
    np.testing.assert_allclose(np.bincount(samples.data[0], minlength=3) / 20_000, [0.2, 0.8, 0.0], atol=0.01)
    assert not (samples.data[0] == 2).any()  # a logit of -inf: never drawn
    np.testing.assert_allclose(np.bincount(samples.data[1], minlength=3) / 20_000, [0.5, 0.25, 0.25], atol=0.01)


def test_dropout_and_shuffle_pass_the_gradient_back_to_their_input():
    x = RNG.normal(size=(3, 4))
    assert gradcheck(lambda t: random.dropout(t, 0.4, seed=3), x)
    assert gradcheck(lambda t: random.dropout(t, 0.5, noise_shape=(3, 1), seed=3), x)
    assert gradcheck(lambda t: random.shuffle(t, axis=1, seed=3), x)


def test_random_gives_keras_shapes_and_dtypes(keras):
    for name, call in [("normal", lambda r: r.normal((2, 3), seed=1)),
                       ("normal float64", lambda r: r.normal((2,), dtype="float64", seed=1)),
                       ("uniform", lambda r: r.uniform((4,), seed=1)), ("scalar", lambda r: r.uniform((), seed=1)),
                       ("truncated_normal", lambda r: r.truncated_normal((2, 2), seed=1)),
                       ("randint", lambda r: r.randint((5,), 0, 3, seed=1)),
                       ("randint int64", lambda r: r.randint((5,), 0, 3, dtype="int64", seed=1)),
                       ("categorical", lambda r: r.categorical(np.zeros((2, 3)), 4, seed=1)),
                       ("shuffle", lambda r: r.shuffle(np.arange(6).reshape(3, 2), seed=1))]:
        ours, theirs = call(random), call(keras.random)
        assert ours.shape == tuple(theirs.shape), name
        assert dtype_name(ours) == dtype_name(theirs) or name == "shuffle", name  # torch's integer default: int64
    assert keras.random.SeedGenerator(3).get_config()["seed"] == random.SeedGenerator(3).get_config()["seed"]


@pytest.mark.parametrize("call, match", [
    (lambda: random.uniform((2,), dtype="int32"), r"random.uniform requires a floating-point dtype such as "
                                                  r"'float32', got dtype=int32"),
    (lambda: random.randint((2,), 0, 3, dtype="float32"), r"requires an integer dtype such as 'int32'"),
    (lambda: random.normal((2,), seed=1.5), r"random.normal: seed must be an integer >= 0, a random.SeedGenerator "
                                            r"or None \(the backend's generator\), got seed=1.5"),
    (lambda: random.randint((2,), 5, 3), r"so minval must be < maxval, got minval=5, maxval=3"),
    (lambda: random.uniform((2,), 5.0, 3.0), r"random.uniform: minval must be <= maxval, got minval=5.0"),
    (lambda: random.normal((2,), stddev=-1.0), r"random.normal: stddev must be >= 0, got stddev=-1.0"),
    (lambda: random.normal((2, -1)), r"shape must be a tuple of integers >= 0 such as \(2, 3\), got \(2, -1\)"),
    (lambda: random.dropout(np.ones(3), 1.5), r"rate is the probability of dropping an entry, a number in \[0, 1\]"),
    (lambda: random.dropout(np.ones((2, 3)), 0.5, noise_shape=(2, 2)),
     r"noise_shape must have one entry per axis of the inputs, each the axis' size, 1 or None, got "
     r"noise_shape=\(2, 2\) for inputs of shape \(2, 3\)"),
    (lambda: random.categorical(np.zeros(3), 2), r"logits must have shape \(batch, classes\), got shape \(3,\)"),
    (lambda: random.categorical(np.full((1, 2), -np.inf), 2), r"each row of logits needs a finite largest entry"),
    (lambda: random.shuffle(np.ones(3), axis=1), r"axis must be an integer in \[-1, 1\) for a tensor of shape"),
    (lambda: random.SeedGenerator(-3), r"SeedGenerator: seed must be an integer >= 0 or None"),
])
def test_bad_arguments_to_random_say_what_was_expected(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ----------------------------------------------------------------------------------------------------------------
# metrics: the ones named after losses
# ----------------------------------------------------------------------------------------------------------------
def test_binary_crossentropy_metric_is_the_mean_of_the_loss_over_every_sample_seen():
    metric = metrics.BinaryCrossentropy()
    metric.update_state([[0.0, 1.0]], [[0.6, 0.4]])  # -(log 0.4 + log 0.4) / 2
    metric.update_state([[0.0, 0.0]], [[0.4, 0.6]])  # -(log 0.6 + log 0.4) / 2
    expected = -(2 * math.log(0.4) + math.log(0.6) + math.log(0.4)) / 4
    assert float(metric.result()) == pytest.approx(expected, rel=1e-6)
    metric.reset_state()
    assert float(metric([[1.0]], [[0.5]])) == pytest.approx(math.log(2.0))


def test_cosine_similarity_is_one_for_the_same_direction_and_minus_one_for_the_opposite():
    y_true, y_pred = [[1.0, 1.0], [0.0, 2.0], [3.0, 0.0], [0.0, 0.0]], [[2.0, 2.0], [0.0, -1.0], [1.0, 1.0], [1.0, 2.0]]
    # 1, -1, cos 45 deg, and 0 for a vector of zeros (its norm counts as 1e-7)
    assert float(metrics.CosineSimilarity()(y_true, y_pred)) == pytest.approx((1 - 1 + math.sqrt(0.5) + 0) / 4)
    assert float(metrics.CosineSimilarity(axis=0)([[3.0], [4.0]], [[6.0], [8.0]])) == pytest.approx(1.0)


def test_sparse_categorical_crossentropy_with_ignore_class_averages_the_other_samples():
    """As the loss of that name averages them; Keras 3.15's metric counts the ignored samples as zeros instead."""
    labels, predictions = np.array([1, 2, 0]), np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1], [0.5, 0.25, 0.25]])
    expected = (-math.log(0.95) - math.log(0.5)) / 2  # the sample labelled 2 does not count
    assert float(metrics.SparseCategoricalCrossentropy(ignore_class=2)(labels, predictions)) == pytest.approx(expected)
    weighted = metrics.SparseCategoricalCrossentropy(ignore_class=2)
    assert float(weighted(labels, predictions, sample_weight=[1.0, 5.0, 3.0])) == \
        pytest.approx((-math.log(0.95) - 3 * math.log(0.5)) / 4)
    np.testing.assert_allclose(metrics.sparse_categorical_crossentropy(labels, predictions, ignore_class=2),
                               [-math.log(0.95), 0.0, -math.log(0.5)], rtol=1e-12)


def test_sparse_categorical_crossentropy_with_ignore_class_follows_the_keras_loss_not_the_keras_metric(keras):
    labels, predictions = np.array([1, -1, 0]), np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1], [0.5, 0.25, 0.25]])
    ours = float(metrics.SparseCategoricalCrossentropy(ignore_class=-1)(labels, predictions))
    assert ours == pytest.approx(float(keras.losses.SparseCategoricalCrossentropy(ignore_class=-1)(labels,
                                                                                                  predictions)))
    diluted = float(keras.metrics.SparseCategoricalCrossentropy(ignore_class=-1)(labels, predictions))
    assert diluted == pytest.approx(ours * 2 / 3)  # the Keras 3.15 metric divides by all three samples


Y_BINARY, P_BINARY = np.array([[0.0, 1.0], [0.0, 0.0]]), np.array([[0.6, 0.4], [0.4, 0.6]])
Y_ONE_HOT, P_CLASSES = np.array([[0, 1, 0], [0, 0, 1.0]]), np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
LOGITS = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 5.0]])
Y_VECTORS = np.array([[0.0, 1.0], [1.0, 1.0], [1.0, 2.0], [0.0, 0.0]])
P_VECTORS = np.array([[1.0, 3.0], [1.0, 1.0], [-1.0, -3.0], [1.0, 2.0]])


@pytest.mark.parametrize("name, options, y_true, y_pred, sample_weight", [
    ("BinaryCrossentropy", {}, Y_BINARY, P_BINARY, None),
    ("BinaryCrossentropy", {"label_smoothing": 0.2}, Y_BINARY, P_BINARY, None),
    ("BinaryCrossentropy", {"from_logits": True}, Y_BINARY, np.array([[2.0, -1.0], [0.5, 3.0]]), None),
    ("BinaryCrossentropy", {}, Y_BINARY, P_BINARY, np.array([1.0, 0.0])),
    ("CategoricalCrossentropy", {}, Y_ONE_HOT, P_CLASSES, None),
    ("CategoricalCrossentropy", {"label_smoothing": 0.3}, Y_ONE_HOT, P_CLASSES, None),
    ("CategoricalCrossentropy", {"from_logits": True}, Y_ONE_HOT, LOGITS, np.array([2.0, 1.0])),
    ("CategoricalCrossentropy", {"axis": 0}, Y_ONE_HOT.T, P_CLASSES.T, None),
    ("SparseCategoricalCrossentropy", {}, np.array([1, 2]), P_CLASSES, None),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, np.array([[1], [2]]), LOGITS, None),
    ("SparseCategoricalCrossentropy", {"axis": 0}, np.array([1, 2]), P_CLASSES.T, None),
    ("CosineSimilarity", {}, Y_VECTORS, P_VECTORS, None),
    ("CosineSimilarity", {"axis": 0}, Y_VECTORS, P_VECTORS, None),
    ("CosineSimilarity", {}, Y_VECTORS, P_VECTORS, np.array([1.0, 1.0, 0.0, 2.0])),
    ("KLDivergence", {}, Y_ONE_HOT, P_CLASSES, None),
    ("Poisson", {}, Y_VECTORS, np.abs(P_VECTORS), None),
    ("LogCoshError", {}, Y_VECTORS, P_VECTORS, None),
])
def test_the_loss_named_metric_classes_give_keras_values(keras, name, options, y_true, y_pred, sample_weight):
    ours, theirs = getattr(metrics, name)(**options), getattr(keras.metrics, name)(**options)
    for _ in range(2):  # two batches: the mean over both
        ours.update_state(y_true, y_pred, sample_weight=sample_weight)
        theirs.update_state(y_true, y_pred, sample_weight=sample_weight)
    assert float(ours.result()) == pytest.approx(float(theirs.result()), rel=1e-6, abs=1e-7)
    assert ours.name == theirs.name
    config = ours.get_config()
    assert {key: config[key] for key in theirs.get_config()} == theirs.get_config()


@pytest.mark.parametrize("name, options, y_true, y_pred", [
    ("binary_crossentropy", {}, Y_BINARY, P_BINARY),
    ("binary_crossentropy", {"from_logits": True, "label_smoothing": 0.1}, Y_BINARY, LOGITS[:, :2]),
    ("binary_crossentropy", {"axis": 0}, Y_BINARY, P_BINARY),
    ("categorical_crossentropy", {}, Y_ONE_HOT, P_CLASSES),
    ("categorical_crossentropy", {"label_smoothing": 0.3, "axis": 0}, np.eye(3)[[1, 2, 0]], np.full((3, 3), 1 / 3)),
    ("sparse_categorical_crossentropy", {}, np.array([1, 2]), P_CLASSES),
    ("sparse_categorical_crossentropy", {"from_logits": True, "ignore_class": 2}, np.array([1, 2]), LOGITS),
    ("huber", {"delta": 0.5}, Y_VECTORS, P_VECTORS),
])
def test_the_loss_functions_keras_metrics_names_give_keras_values_per_sample(keras, name, options, y_true, y_pred):
    np.testing.assert_allclose(getattr(metrics, name)(y_true, y_pred, **options),
                               numbers(getattr(keras.metrics, name)(y_true, y_pred, **options)), rtol=1e-6)


def test_label_smoothing_spreads_over_the_classes_along_axis_where_keras_counts_the_last_axis(keras):
    """Keras 3.15's categorical_crossentropy divides label_smoothing by the size of the last axis whatever ``axis``
    says; the classes are along ``axis``, so here the transposed data give the same losses."""
    ours = metrics.categorical_crossentropy(Y_ONE_HOT.T, P_CLASSES.T, label_smoothing=0.3, axis=0)
    np.testing.assert_allclose(ours, metrics.categorical_crossentropy(Y_ONE_HOT, P_CLASSES, label_smoothing=0.3))
    smoothed = Y_ONE_HOT * 0.7 + 0.1  # 0.3 spread over 3 classes
    np.testing.assert_allclose(ours, -(smoothed * np.log(np.clip(P_CLASSES, 1e-7, 1))).sum(axis=1), rtol=1e-6)
    theirs = numbers(keras.metrics.categorical_crossentropy(Y_ONE_HOT.T, P_CLASSES.T, label_smoothing=0.3, axis=0))
    assert not np.allclose(theirs, ours)  # 0.3 spread over the 2 samples of the last axis


def test_binary_crossentropy_metric_takes_labels_as_a_vector_for_a_column_of_predictions():
    """As the loss does (Keras 3.15's metric refuses: its loss function does not match the shapes)."""
    expected = -(math.log(0.7) + math.log(0.8)) / 2
    assert float(metrics.BinaryCrossentropy()([0.0, 1.0], [[0.3], [0.8]])) == pytest.approx(expected)


def test_compile_takes_the_crossentropies_and_cosine_similarity_by_name_as_keras_does():
    for name, cls in [("binary_crossentropy", metrics.BinaryCrossentropy),
                      ("categorical_crossentropy", metrics.CategoricalCrossentropy),
                      ("sparse_categorical_crossentropy", metrics.SparseCategoricalCrossentropy),
                      ("cosine_similarity", metrics.CosineSimilarity)]:
        metric = metrics.get(name)
        assert type(metric) is cls and metric.name == name
    again = metrics.CosineSimilarity.from_config(metrics.CosineSimilarity(axis=0).get_config())
    assert again.get_config()["axis"] == 0  # Keras 3.15's config leaves the axis out


def test_metrics_get_names_the_same_classes_keras_gives(keras):
    for name in ["binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
                 "cosine_similarity"]:
        assert type(metrics.get(name)).__name__ == type(keras.metrics.get(name)).__name__


def test_bad_metric_arguments_say_what_was_expected():
    with pytest.raises(ValueError, match=r"BinaryCrossentropy: label_smoothing must be a number in \[0, 1\] "
                                         r"\(0 for none\), got 1.5"):
        metrics.BinaryCrossentropy(label_smoothing=1.5)
    with pytest.raises(ValueError, match=r"CategoricalCrossentropy: axis must be an integer \(the axis of the "
                                         r"classes\), got axis='last'"):
        metrics.CategoricalCrossentropy(axis="last")
    with pytest.raises(ValueError, match=r"categorical_crossentropy: axis must be an integer in \[-2, 2\) for "
                                         r"predictions of 2 axes"):
        metrics.CategoricalCrossentropy(axis=2)(Y_ONE_HOT, P_CLASSES)
    with pytest.raises(ValueError, match=r"ignore_class must be an integer label or None, got 'padding'"):
        metrics.SparseCategoricalCrossentropy(ignore_class="padding")
    with pytest.raises(ValueError, match=r"CosineSimilarity: axis must be an integer, got axis=None"):
        metrics.CosineSimilarity(axis=None)


# ----------------------------------------------------------------------------------------------------------------
# schedules: an array of steps gives the array of rates
# ----------------------------------------------------------------------------------------------------------------
SCHEDULES = [
    schedules.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.5),
    schedules.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.5, staircase=True),
    schedules.InverseTimeDecay(0.1, decay_steps=100, decay_rate=0.5),
    schedules.PiecewiseConstantDecay(boundaries=[100, 200], values=[1.0, 0.5, 0.1]),
    schedules.CosineDecay(0.1, decay_steps=200, alpha=0.1),
    schedules.CosineDecay(0.0, decay_steps=200, warmup_target=0.1, warmup_steps=100),
]


@pytest.mark.parametrize("schedule", SCHEDULES, ids=repr)
def test_a_schedule_of_an_array_of_steps_is_the_array_of_its_rates(schedule):
    steps = np.arange(0, 500, 50)
    rates = schedule(steps)
    assert isinstance(rates, np.ndarray) and rates.dtype == np.float64 and rates.shape == (10,)
    assert rates.tolist() == [schedule(int(step)) for step in steps]  # each exactly what one step gives
    assert schedule(steps.reshape(2, 5)).shape == (2, 5) and schedule([0, 100]).tolist() == rates[[0, 2]].tolist()
    assert schedule(np.array(100)) == schedule(100)  # a 0-d array is one step


def test_an_array_of_steps_follows_each_formula():
    np.testing.assert_allclose(SCHEDULES[0](np.array([0, 100, 150])), [0.1, 0.05, 0.1 * 0.5**1.5], rtol=1e-12)
    assert SCHEDULES[3](np.array([0, 100, 101, 200, 201])).tolist() == [1.0, 1.0, 0.5, 0.5, 0.1]
    # warmup from 0 to 0.1 over 100 steps, then half a cosine down over 200
    np.testing.assert_allclose(SCHEDULES[5](np.array([0, 50, 100, 200, 300, 400])),
                               [0.0, 0.05, 0.1, 0.05, 0.0, 0.0], atol=1e-15)
    with pytest.raises(ValueError, match=r"ExponentialDecay: step must be >= 0, got -1"):
        SCHEDULES[0](np.array([0, -1]))


@pytest.mark.parametrize("schedule", SCHEDULES[:3] + SCHEDULES[4:5], ids=repr)
def test_an_array_of_steps_gives_keras_rates(keras, schedule):
    theirs = getattr(keras.optimizers.schedules, type(schedule).__name__).from_config(schedule.get_config())
    steps = np.arange(0, 500, 50)
    np.testing.assert_allclose(schedule(steps), numbers(theirs(steps)), rtol=1e-6)


@pytest.mark.parametrize("schedule", [SCHEDULES[3], SCHEDULES[5]], ids=repr)
def test_where_keras_fails_on_an_array_of_steps_we_give_the_rates_of_the_steps_one_by_one(keras, schedule):
    """Keras 3.15 on PyTorch: PiecewiseConstantDecay and CosineDecay with warmup need a single step."""
    theirs = getattr(keras.optimizers.schedules, type(schedule).__name__).from_config(schedule.get_config())
    steps = np.arange(0, 500, 50)
    with pytest.raises(RuntimeError):
        theirs(steps)
    np.testing.assert_allclose(schedule(steps), [numbers(theirs(int(step))) for step in steps], rtol=1e-6)
