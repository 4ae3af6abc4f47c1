"""Properties that hold for every input, checked by hypothesis on random shapes and values.

Under CI (the CI environment variable) the conftest loads a derandomized profile, so these runs repeat exactly.
Each test says how many examples it draws; the whole file takes a few seconds.

1. Gradients: for every differentiable op and every activation, on random shapes from 0-d to 4-d (size-1 axes and
   broadcast pairs included), the engine's gradient matches central finite differences (float64).
2. Algebra a learner can read as documentation: d(a + b) is ones for both, d(sum x) is ones, softmax rows sum to 1
   and its Jacobian rows to 0, log_softmax is log(softmax), collapse(model) predicts what the model predicts.
3. Broadcasting: a gradient always comes back with exactly its input's shape and dtype.
"""
import contextlib
import warnings

import numpy as np
import pytest
from helpers import AXIS_BASED, BINARY_OP_TABLE, ELEMENTWISE, UNARY_OP_TABLE, op_cases  # every op, every activation
from hypothesis import assume, given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_acts as ta
from tinygrad_acts import Tensor, activations, gradcheck, losses
from tinygrad_acts.layers import Dense
from tinygrad_acts.models import Sequential

# Values on a grid of odd multiples of 1/128: exact binary fractions, never 0, +-0.5, +-1, +-3 or any other kink of
# the ops and activations tested here, and at least 1/128 away from one. Finite differences (step 1e-6) straddling
# a kink would disagree with the exact one-sided derivative; ties (equal values) stay possible, as they should.
ANY = st.integers(-256, 255).map(lambda i: (i + 0.5) / 64)  # in (-4, 4)
POSITIVE = st.integers(0, 255).map(lambda i: (i + 0.5) / 64)  # in (0, 4): for log and sqrt
# For a divisor and a power's base: at least 1/4 away from 0, so that no single 1/x or x^y is so large (1/128^4 ~ 3e8)
# that it swamps the finite differences of the whole (summed) output.
BASE = st.integers(16, 255).map(lambda i: (i + 0.5) / 64)
NONZERO = st.tuples(BASE, st.sampled_from([-1.0, 1.0])).map(lambda pair: pair[0] * pair[1])

SHAPES = hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=3)  # 0-d to 4-d, size-1 axes included
PAIRS = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, min_side=1, max_side=3)


def arrays(shape, elements=ANY, **kwargs):
    return hnp.arrays(np.float64, shape, elements=elements, **kwargs)


def weighted(f):
    """f, then each output entry times its own fixed weight, so that gradcheck (which sums the output) sees every
    entry: the plain sum of softmax is always 1, and its gradient 0, whatever softmax's gradient is."""
    def g(*inputs):
        out = f(*inputs)
        return out * np.cos(np.arange(out.size) * 1.7).reshape(out.shape)
    return g


@contextlib.contextmanager
def softmax_over_one_entry_allowed():
    """softmax over an axis of length 1 warns (its result is always 1); the tests below draw that shape on purpose."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="softmax over axis", category=UserWarning)
        yield


# ----------------------------------------------------------------------------------------------------------------
# 1. Gradients against finite differences
# ----------------------------------------------------------------------------------------------------------------
DOMAINS = {"any": ANY, "positive": POSITIVE, "nonzero": NONZERO, "base": BASE}  # of helpers' op tables
BINARY_OPS = op_cases(BINARY_OP_TABLE, ("add", "sub", "mul", "div", "pow", "maximum", "minimum", "where"), DOMAINS)


@pytest.mark.parametrize("op", BINARY_OPS)
@settings(max_examples=30)
@given(data=st.data(), shapes=PAIRS)
def test_binary_op_gradients_on_broadcast_shapes(op, data, shapes):
    f, a_values, b_values = BINARY_OPS[op]
    a = data.draw(arrays(shapes.input_shapes[0], a_values), label="a")
    b = data.draw(arrays(shapes.input_shapes[1], b_values), label="b")
    assert gradcheck(weighted(f), a, b)


UNARY_OPS = op_cases(UNARY_OP_TABLE, ("neg", "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu", "clip", "square",
                                      "cube", "reciprocal", "inverse square", "square root as a power",
                                      "constant over x", "constant to the x"), DOMAINS) | {  # and the shape ops
    "flatten": (lambda x: x.flatten(), ANY),
    "transpose": (lambda x: x.T, ANY),
    "reshape to a column": (lambda x: x.reshape(-1, 1), ANY),
    "index the first row twice": (lambda x: x[[0, 0]] if x.ndim else x * 1.0, ANY),
    "slice with a step": (lambda x: x[::2] if x.ndim else x * 1.0, ANY),
}


@pytest.mark.parametrize("op", UNARY_OPS)
@settings(max_examples=25)
@given(data=st.data(), shape=SHAPES)
def test_unary_op_gradients(op, data, shape):
    f, values = UNARY_OPS[op]
    assert gradcheck(weighted(f), data.draw(arrays(shape, values), label="x"))


def axes_of(shape):
    """None, one axis (negative too) or a tuple of distinct axes of ``shape``."""
    ndim = len(shape)
    if ndim == 0:
        return st.none()
    one = st.integers(-ndim, ndim - 1)
    several = st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(tuple)
    return st.one_of(st.none(), one, several)


@pytest.mark.parametrize("reduction", ["sum", "mean", "max", "min"])
@settings(max_examples=30)
@given(data=st.data(), shape=SHAPES, keepdims=st.booleans())
def test_reduction_gradients_over_any_axes(reduction, data, shape, keepdims):
    axis = data.draw(axes_of(shape), label="axis")
    # max and min: distinct values (with a tie, the max is not differentiable; the rule shares the gradient)
    x = data.draw(arrays(shape, unique=reduction in ("max", "min")), label="x")
    assert gradcheck(weighted(lambda t: getattr(t, reduction)(axis=axis, keepdims=keepdims)), x)


@settings(max_examples=50)
@given(data=st.data(), batch=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=3),
       sizes=st.tuples(*[st.integers(1, 3)] * 3), vectors=st.sampled_from(["", "a", "b", "ab"]))
def test_matmul_gradients_for_vectors_matrices_and_broadcast_batches(data, batch, sizes, vectors):
    n, k, m = sizes
    a_shape = (k,) if "a" in vectors else batch.input_shapes[0] + (n, k)  # a 1-d operand has no batch axes
    b_shape = (k,) if "b" in vectors else batch.input_shapes[1] + (k, m)
    a = data.draw(arrays(a_shape), label="a")
    b = data.draw(arrays(b_shape), label="b")
    assert gradcheck(weighted(lambda x, y: x @ y), a, b)


@settings(max_examples=30)
@given(data=st.data(), shape=SHAPES.filter(len), count=st.integers(1, 3), new_axis=st.booleans())
def test_concatenate_and_stack_gradients(data, shape, count, new_axis):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1), label="axis")
    parts = [data.draw(arrays(shape), label=f"part {i}") for i in range(count)]
    join = ta.stack if new_axis else ta.concatenate
    assert gradcheck(weighted(lambda *tensors: join(list(tensors), axis=axis)), *parts)


@pytest.mark.parametrize("name, kwargs, kinks", ELEMENTWISE, ids=lambda v: v if isinstance(v, str) else "")
@settings(max_examples=30)
@given(data=st.data(), shape=SHAPES)
def test_activation_gradients_on_any_shape(name, kwargs, kinks, data, shape):
    x = data.draw(arrays(shape), label="x")  # the grid is 1/128 or more away from every kink in ELEMENTWISE
    assert gradcheck(weighted(lambda t: activations.get(name)(t, **kwargs)), x)


@pytest.mark.parametrize("name", sorted({name for name, _ in AXIS_BASED}))
@settings(max_examples=30)
@given(data=st.data(), shape=SHAPES.filter(len))
def test_axis_activation_gradients_on_any_shape_and_axis(name, data, shape):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1), label="axis")
    if name == "glu":  # glu splits the axis into two halves
        shape = shape[:axis % len(shape)] + (2 * shape[axis],) + shape[axis % len(shape) + 1:]
    x = data.draw(arrays(shape), label="x")
    function = getattr(activations, name)
    if name == "sparsemax":  # sparsemax has a kink wherever an entry meets the threshold tau: stay 1e-3 away
        out = function(x, axis=axis).data
        tau = np.max(x - out, axis=axis, keepdims=True)  # x - out = tau on the support, x < tau off it
        assume(np.abs(x - tau).min() > 1e-3)
    with softmax_over_one_entry_allowed():
        assert gradcheck(weighted(lambda t: function(t, axis=axis)), x)


# ----------------------------------------------------------------------------------------------------------------
# 2. Algebra a learner can read as documentation
# ----------------------------------------------------------------------------------------------------------------
@settings(max_examples=30)
@given(data=st.data(), shape=SHAPES)
def test_the_gradient_of_a_sum_of_two_tensors_is_ones_for_both(data, shape):
    a = Tensor(data.draw(arrays(shape)), requires_grad=True)
    b = Tensor(data.draw(arrays(shape)), requires_grad=True)
    (a + b).backward(np.ones(shape))
    assert np.array_equal(a.grad, np.ones(shape)) and np.array_equal(b.grad, np.ones(shape))


@settings(max_examples=20)
@given(data=st.data(), shapes=PAIRS)
def test_each_entry_of_a_broadcast_input_gets_one_for_every_copy_numpy_made_of_it(data, shapes):
    a_shape, b_shape = shapes.input_shapes
    a = Tensor(data.draw(arrays(a_shape)), requires_grad=True)
    b = Tensor(data.draw(arrays(b_shape)), requires_grad=True)
    total = (a + b).sum()
    total.backward()
    out_size = int(np.prod(shapes.result_shape))
    assert np.array_equal(a.grad, np.full(a_shape, out_size / a.size))
    assert np.array_equal(b.grad, np.full(b_shape, out_size / b.size))


@settings(max_examples=30)
@given(data=st.data(), shape=SHAPES)
def test_the_gradient_of_x_sum_is_ones_however_it_is_summed(data, shape):
    x = Tensor(data.draw(arrays(shape)), requires_grad=True)
    x.sum().backward()
    assert np.array_equal(x.grad, np.ones(shape))
    x.grad = None
    axis = data.draw(axes_of(shape), label="axis")
    x.sum(axis=axis, keepdims=data.draw(st.booleans(), label="keepdims")).sum().backward()  # in two steps
    assert np.array_equal(x.grad, np.ones(shape))


WIDE = st.floats(-1e3, 1e3, allow_nan=False)  # logits of any size a network might produce


@settings(max_examples=50)
@given(data=st.data(), shape=SHAPES.filter(len), dtype=st.sampled_from([np.float32, np.float64]))
def test_softmax_rows_sum_to_one_and_its_jacobian_rows_sum_to_zero(data, shape, dtype):
    x = Tensor(data.draw(hnp.arrays(dtype, shape, elements=WIDE), label="x"), requires_grad=True)
    with softmax_over_one_entry_allowed():
        y = activations.softmax(x)
    assert y.dtype == dtype and np.all(y.data >= 0)
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(y.data.sum(axis=-1), 1, rtol=tolerance)
    # row i of each sample's Jacobian, d y_i / d x, is the gradient for an incoming one-hot gradient at i. Its entries
    # sum to 0: adding the same number to every x leaves softmax unchanged.
    for i in range(shape[-1]):
        x.grad = None
        y.backward(np.broadcast_to(np.eye(shape[-1])[i], shape), retain_graph=True)
        np.testing.assert_allclose(x.grad.sum(axis=-1), 0, atol=10 * tolerance)


@settings(max_examples=50)
@given(data=st.data(), shape=SHAPES.filter(len))
def test_log_softmax_is_the_log_of_softmax_wherever_both_are_finite(data, shape):
    x = data.draw(hnp.arrays(np.float64, shape, elements=WIDE), label="x")
    with softmax_over_one_entry_allowed():
        softmax = activations.softmax(x).data
    # far below the maximum softmax underflows: first to subnormal numbers, which keep only a few digits, then to 0
    normal = softmax >= np.finfo(np.float64).tiny
    log_of_softmax = np.log(softmax, where=normal, out=np.full(shape, -np.inf))
    direct = activations.log_softmax(x).data
    assert np.all(np.isfinite(direct))  # log_softmax itself never underflows to -inf
    np.testing.assert_allclose(direct[normal], log_of_softmax[normal], rtol=1e-9, atol=1e-12)


@settings(max_examples=20)
@given(data=st.data(), widths=st.lists(st.integers(1, 4), min_size=2, max_size=5),
       biases=st.lists(st.booleans(), min_size=4, max_size=4), seed=st.integers(0, 2 ** 16))
def test_collapse_predicts_what_the_linear_stack_predicts(data, widths, biases, seed):
    ta.backend.set_random_seed(seed)
    layers = [Dense(units, use_bias=use_bias, bias_initializer="random_normal")
              for units, use_bias in zip(widths[1:], biases, strict=False)]  # biases: enough for any depth
    model = Sequential([ta.Input((widths[0],))] + layers)
    x = data.draw(hnp.arrays(np.float32, (5, widths[0]), elements=st.floats(-10, 10, width=32)), label="x")
    collapsed = ta.collapse(model)
    assert len(collapsed.layers) == 1
    expected = model.predict(x).astype(np.float64)
    scale = np.abs(x).max() * np.prod([np.abs(layer.kernel.data).sum(axis=0).max() for layer in layers]) + 1
    np.testing.assert_allclose(collapsed.predict(x), expected, atol=1e-5 * scale)


# ----------------------------------------------------------------------------------------------------------------
# 3. Broadcast gradients keep their input's shape and dtype
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "where"])
@settings(max_examples=30)
@given(data=st.data(), shapes=PAIRS, dtypes=st.sampled_from([(np.float32, np.float32), (np.float64, np.float64),
                                                            (np.float32, np.float64), (np.float64, np.float32)]))
def test_broadcast_gradients_have_exactly_the_input_shape_and_dtype(op, data, shapes, dtypes):
    f, a_values, b_values = BINARY_OPS[op]
    a = Tensor(data.draw(arrays(shapes.input_shapes[0], a_values)).astype(dtypes[0]), requires_grad=True)
    b = Tensor(data.draw(arrays(shapes.input_shapes[1], b_values)).astype(dtypes[1]), requires_grad=True)
    out = f(a, b)
    assert out.shape == shapes.result_shape
    if dtypes[0] == dtypes[1]:
        assert out.dtype == dtypes[0]  # no silent upcast of float32
    out.sum().backward()
    for tensor in (a, b):
        assert type(tensor.grad) is np.ndarray
        assert tensor.grad.shape == tensor.shape and tensor.grad.dtype == tensor.dtype


# ----------------------------------------------------------------------------------------------------------------
# 4. Numerics: every loss over -1e4..1e4, and dtypes kept through training
#    (tests/layers/test_activations.py sweeps every activation the same way)
# ----------------------------------------------------------------------------------------------------------------
SWEEP = np.concatenate([[-1e4, -1000.0, -1e-30, 0.0, 1e-30, 1000.0, 1e4, 0.5],
                        np.linspace(-1e4, 1e4, 2000)]).reshape(-1, 4)  # 502 samples of 4 outputs each
SWEEP_TARGETS = {  # the targets each loss takes, for 502 samples of 4 outputs
    "regression": np.linspace(-1e4, 1e4, SWEEP.size)[::-1].reshape(SWEEP.shape),
    "binary": (np.arange(SWEEP.size) % 3 == 0).reshape(SWEEP.shape).astype(float),
    "one_hot": np.eye(4)[np.arange(len(SWEEP)) % 4],
    "ids": np.arange(len(SWEEP)) % 4,
}
LOSSES = [  # (loss, targets); the probability forms clip, as Keras does, so they are finite for any prediction
    (losses.mean_squared_error, "regression"), (losses.mean_absolute_error, "regression"),
    (losses.huber, "regression"),
    (losses.binary_crossentropy, "binary"), (losses.BinaryCrossentropy(from_logits=True), "binary"),
    (losses.categorical_crossentropy, "one_hot"), (losses.CategoricalCrossentropy(from_logits=True), "one_hot"),
    (losses.sparse_categorical_crossentropy, "ids"), (losses.SparseCategoricalCrossentropy(from_logits=True), "ids"),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("loss, targets", LOSSES, ids=lambda v: getattr(v, "__name__", repr(v)))
def test_every_loss_is_finite_with_finite_gradients_from_minus_to_plus_ten_thousand(loss, targets, dtype):
    """Under the conftest's np.errstate, any overflow, 0/0 or division by zero on the way raises."""
    predictions = Tensor(SWEEP.astype(dtype), requires_grad=True)
    value = loss(SWEEP_TARGETS[targets], predictions).mean()
    value.backward()
    assert value.dtype == dtype and predictions.grad.dtype == dtype
    assert np.isfinite(value.item()) and np.all(np.isfinite(predictions.grad))
    reference = loss(SWEEP_TARGETS[targets], Tensor(SWEEP.astype(dtype).astype(np.float64))).mean().item()
    # float32 loses only rounding, except where probabilities are clipped: 1 - 1e-7 rounds to 1 - 1.19e-7 in float32,
    # so there a saturated probability costs -log(1.19e-7) = 15.94 instead of 16.12 (as in Keras)
    assert value.item() == pytest.approx(reference, rel=2e-2 if loss is losses.binary_crossentropy else 1e-5)


def every_layer_model(units=3):
    return Sequential([Dense(6, activation="tanh", input_shape=(2, 2)), ta.layers.ReLU(negative_slope=0.1),
                       ta.layers.LeakyReLU(), ta.layers.ELU(), ta.layers.Flatten(), Dense(units),
                       ta.layers.Activation("gelu"), Dense(units), ta.layers.Softmax()])


@pytest.mark.parametrize("floatx", ["float32", "float64"])
@pytest.mark.parametrize("optimizer", [lambda: ta.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
                                       lambda: ta.optimizers.Adam(amsgrad=True),
                                       lambda: ta.optimizers.RMSprop(momentum=0.5, centered=True)],
                         ids=["sgd", "adam", "rmsprop"])
def test_the_float_type_is_kept_through_forward_backward_and_every_optimizer(floatx, optimizer):
    ta.backend.set_floatx(floatx)
    try:
        model = every_layer_model()
        model.compile(optimizer=optimizer(), loss="categorical_crossentropy")
        x = np.random.default_rng(0).standard_normal((8, 2, 2))  # float64 data: cast once, to floatx
        y = np.eye(3)[np.arange(8) % 3]
        prediction = model(x)
        loss = model.loss(y, prediction).mean()
        loss.backward()
        assert prediction.dtype == floatx and loss.dtype == floatx
        assert all(w.dtype == floatx and w.grad.dtype == floatx for w in model.weights)
        model.fit(x, y, batch_size=4, epochs=2, verbose=0)
        assert all(w.dtype == floatx for w in model.weights)
        state = model.optimizer.get_state()["slots"]
        assert state and all(array.dtype == floatx for slots in state.values() for array in slots.values())
        assert model.predict(x).dtype == floatx
    finally:
        ta.backend.set_floatx("float32")
