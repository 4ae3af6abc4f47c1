"""Tests for tinygrad_acts.ops: Keras 3's keras.ops names, checked against numpy and by finite differences.

Each function is a thin wrapper over a Tensor op, so the tests check what the wrapper adds: Keras' argument names,
numbers and arrays becoming Tensors, and gradients flowing through; and that a custom activation written with ops
trains in a Dense layer, as it would in Keras.
"""
import numpy as np
import pytest

import tinygrad_acts.backend as K
from tinygrad_acts import Tensor, gradcheck, gradgradcheck, ops
from tinygrad_acts.layers import Dense
from tinygrad_acts.models import Sequential
from tinygrad_acts.ops import _cast_gradient

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4))
B = RNG.standard_normal((4, 2))
P = RNG.uniform(0.5, 2.0, (3, 4))  # positive, for sqrt, log and power
C = RNG.standard_normal((5, 4, 2))  # for np.dot's rule past two axes: every row of x1 with every matrix of x2


def leaf(values):
    return Tensor(np.array(values, dtype=np.float64), requires_grad=True)


# ----------------------------------------------------------------------------------------------------------------
# Values against numpy: Keras' argument names, Tensors, numbers and arrays all accepted
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, call, expected", [
    ("add", lambda: ops.add(Tensor(A), 1.5), A + 1.5),
    ("subtract", lambda: ops.subtract(1.5, Tensor(A)), 1.5 - A),
    ("multiply", lambda: ops.multiply(A, Tensor(P)), A * P),
    ("divide", lambda: ops.divide(Tensor(A), P), A / P),
    ("power", lambda: ops.power(Tensor(P), 3), P**3),
    ("matmul", lambda: ops.matmul(Tensor(A), B), A @ B),
    ("dot", lambda: ops.dot(Tensor(A), B), np.dot(A, B)),
    ("dot-scalar", lambda: ops.dot(2.0, Tensor(A)), 2.0 * A),
    ("dot-3d", lambda: ops.dot(Tensor(A), C), np.dot(A, C)),
    ("sum", lambda: ops.sum(Tensor(A), axis=1, keepdims=True), A.sum(axis=1, keepdims=True)),
    ("mean", lambda: ops.mean(Tensor(A), axis=0), A.mean(axis=0)),
    ("max", lambda: ops.max(Tensor(A), axis=-1), A.max(axis=-1)),
    ("max-initial", lambda: ops.max(Tensor(A), axis=1, initial=0.5), np.max(A, axis=1, initial=0.5)),
    ("min", lambda: ops.min(Tensor(A), axis=(0, 1), keepdims=True), A.min(axis=(0, 1), keepdims=True)),
    ("square", lambda: ops.square(Tensor(A)), A**2),
    ("sqrt", lambda: ops.sqrt(Tensor(P)), np.sqrt(P)),
    ("exp", lambda: ops.exp(Tensor(A)), np.exp(A)),
    ("log", lambda: ops.log(P), np.log(P)),
    ("abs", lambda: ops.abs(Tensor(A)), np.abs(A)),
    ("maximum", lambda: ops.maximum(Tensor(A), 0.0), np.maximum(A, 0.0)),
    ("minimum", lambda: ops.minimum(0.0, Tensor(A)), np.minimum(A, 0.0)),
    ("where", lambda: ops.where(A > 0, Tensor(A), 0.0), np.where(A > 0, A, 0.0)),
    ("clip", lambda: ops.clip(Tensor(A), x_min=-0.5, x_max=0.5), np.clip(A, -0.5, 0.5)),
    ("reshape", lambda: ops.reshape(Tensor(A), newshape=(2, 6)), A.reshape(2, 6)),
    ("reshape-minus-one", lambda: ops.reshape(Tensor(A), (-1,)), A.reshape(-1)),
    ("transpose", lambda: ops.transpose(Tensor(A)), A.T),
    ("transpose-axes", lambda: ops.transpose(Tensor(A[None]), axes=(2, 0, 1)), A[None].transpose(2, 0, 1)),
    ("concatenate", lambda: ops.concatenate([Tensor(A), A], axis=1), np.concatenate([A, A], axis=1)),
    ("stack", lambda: ops.stack([Tensor(A), A], axis=-1), np.stack([A, A], axis=-1)),
    ("expand_dims", lambda: ops.expand_dims(Tensor(A), axis=1), np.expand_dims(A, 1)),
    ("squeeze", lambda: ops.squeeze(Tensor(A[:, None]), axis=1), A),
    ("sigmoid", lambda: ops.sigmoid(Tensor(A)), 1 / (1 + np.exp(-A))),
    ("tanh", lambda: ops.tanh(Tensor(A)), np.tanh(A)),
    ("relu", lambda: ops.relu(Tensor(A)), np.maximum(A, 0)),
    ("softmax", lambda: ops.softmax(Tensor(A), axis=0), np.exp(A) / np.exp(A).sum(axis=0)),
    ("logsumexp", lambda: ops.logsumexp(Tensor(A), axis=1), np.log(np.exp(A).sum(axis=1))),
    ("zeros", lambda: ops.zeros((2, 3)), np.zeros((2, 3))),
    ("ones", lambda: ops.ones(3, dtype="float64"), np.ones(3)),
    ("array", lambda: ops.array([[1, 2], [3, 4]]), np.array([[1.0, 2.0], [3.0, 4.0]])),
    ("convert_to_tensor", lambda: ops.convert_to_tensor(A), A),
])
def test_each_op_computes_what_numpy_computes(name, call, expected):
    out = call()
    assert isinstance(out, Tensor)
    np.testing.assert_allclose(out.data, expected, rtol=1e-6, atol=1e-12)
    assert out.shape == np.shape(expected)


def test_python_numbers_and_lists_become_float32_tensors_and_constants_take_the_tensors_dtype():
    assert ops.array([1, 2]).dtype == np.float32  # Keras' floatx
    assert ops.add(Tensor(A), 1).dtype == np.float64
    assert ops.multiply(2, Tensor(A.astype(np.float32))).dtype == np.float32


def test_convert_to_tensor_returns_a_tensor_itself_so_gradients_still_reach_it():
    x = leaf(A)
    assert ops.convert_to_tensor(x) is x


def test_shape_returns_a_tuple_of_python_integers():
    assert ops.shape(Tensor(A)) == (3, 4)
    assert ops.shape(A[0]) == (4,)
    assert all(type(n) is int for n in ops.shape(Tensor(A)))


def test_cast_changes_the_dtype_and_between_floats_lets_the_gradient_through():
    x = Tensor(A.astype(np.float32), requires_grad=True)
    y = ops.cast(x, "float64")
    assert y.dtype == np.float64
    (y * y).sum().backward()
    assert x.grad.dtype == np.float32  # the gradient comes back in x's own dtype
    np.testing.assert_allclose(x.grad, 2 * A, rtol=1e-6)
    assert ops.cast(Tensor([1.7, -2.2]), "int32").data.tolist() == [1, -2]  # integers: a constant, as numpy casts
    assert gradcheck(lambda x: ops.cast(x, "float32"), leaf(A), eps=1e-2, atol=1e-3)  # float32 rounding: a wide step
    assert gradgradcheck(lambda x: ops.cast(x * x, "float64"), leaf(A))


def test_where_without_branches_gives_the_indices_where_the_condition_holds():
    rows, columns = ops.where(np.array([[True, False], [False, True]]))
    assert rows.data.tolist() == [0, 1] and columns.data.tolist() == [0, 1]


# ----------------------------------------------------------------------------------------------------------------
# Gradients by finite differences (float64), on plain and broadcast shapes
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, f, inputs", [
    ("sum-axis", lambda x: ops.sum(x, axis=0), [A]),
    ("sum-keepdims", lambda x: ops.sum(x * x, axis=1, keepdims=True), [A]),
    ("mean-axis", lambda x: ops.mean(x, axis=(0, 1)), [A]),
    ("max-axis", lambda x: ops.max(x, axis=1), [A]),
    ("matmul", ops.matmul, [A, B]),
    ("matmul-vector", ops.matmul, [A, B[:, 0]]),
    ("dot", ops.dot, [A, B]),
    ("dot-3d", ops.dot, [A, C]),
    ("add-broadcast", ops.add, [A, B[:, 0]]),
    ("divide-broadcast", ops.divide, [A, P[0]]),
    ("square", ops.square, [A]),
    ("power", ops.power, [P, RNG.uniform(0.5, 2.0, (4,))]),
    ("sqrt-log", lambda x: ops.sqrt(x) + ops.log(x), [P]),
    ("where", lambda x, y: ops.where(A > 0, x, y), [A, B[:, 1]]),
    ("clip", lambda x: ops.clip(x, -0.5, 0.5), [np.array([-1.3, -0.2, 0.1, 0.4, 0.9])]),
    ("softmax", lambda x: ops.softmax(x, axis=-1), [A]),
    ("logsumexp", lambda x: ops.logsumexp(x, axis=0, keepdims=True), [A]),
    ("maximum", lambda x: ops.maximum(x, 0.1 * x), [A]),
    ("reshape-transpose", lambda x: ops.transpose(ops.reshape(x, (2, 6)), axes=(1, 0)), [A]),
    ("concatenate-stack", lambda x, y: ops.stack([ops.concatenate([x, y]), ops.concatenate([y, x])], axis=1),
     [P[0], A[0]]),
])
def test_gradients_match_finite_differences(name, f, inputs):
    assert gradcheck(f, *[leaf(x) for x in inputs])


# ----------------------------------------------------------------------------------------------------------------
# A custom activation written with ops, as in Keras
# ----------------------------------------------------------------------------------------------------------------
def test_a_custom_activation_written_with_ops_trains_in_a_dense_layer():
    K.clear_session()
    K.set_random_seed(0)
    model = Sequential([Dense(4, activation=lambda x: ops.maximum(x, 0.1 * x), input_shape=(3,)), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = RNG.standard_normal((8, 3)).astype(np.float32)
    y = RNG.standard_normal((8, 1)).astype(np.float32)
    kernel = model.layers[0].kernel.data.copy()
    before = model.evaluate(x, y, verbose=0)
    model.train_on_batch(x, y)
    assert not np.array_equal(model.layers[0].kernel.data, kernel)  # the gradient reached through the activation
    assert model.evaluate(x, y, verbose=0) < before


@pytest.mark.parametrize("name, expected", [
    ("equal", [False, True, False]), ("not_equal", [True, False, True]), ("greater", [False, False, True]),
    ("greater_equal", [False, True, True]), ("less", [True, False, False]), ("less_equal", [True, True, False]),
])
def test_comparisons_give_boolean_tensors_as_keras_ops(name, expected):
    result = getattr(ops, name)(np.array([1.0, 2.0, 3.0]), 2.0)
    assert result.dtype == bool and result.data.tolist() == expected


def test_logic_and_counting_with_cast_as_metric_code_writes_it():
    positive, predicted = np.array([1, 1, 0, 0]), np.array([0.9, 0.2, 0.7, 0.1])
    hits = ops.logical_and(ops.equal(positive, 1), ops.greater(predicted, 0.5))
    assert ops.sum(ops.cast(hits, "float32")).item() == 1.0
    assert ops.logical_or(hits, ops.logical_not(hits)).data.all()


def test_divide_no_nan_is_zero_where_the_divisor_is_and_has_no_nan_gradient():
    x, y = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True), Tensor(np.array([0.0, 4.0, -2.0]), requires_grad=True)
    out = ops.divide_no_nan(x, y)
    np.testing.assert_allclose(out.data, [0.0, 0.5, -1.5])
    out.sum().backward()
    np.testing.assert_allclose(x.grad, [0.0, 0.25, -0.5])  # d(x/y)/dx = 1/y, and 0 where y = 0
    np.testing.assert_allclose(y.grad, [0.0, -2 / 16, -3 / 4])  # d(x/y)/dy = -x/y^2


# Examples that pin behaviour mutation testing found unpinned
def test_array_and_convert_to_tensor_take_the_dtype_asked_for():
    assert ops.array([1.0, 2.0], dtype="float64").dtype == np.float64
    assert ops.array(Tensor(np.array([1.0, 2.0])), dtype="float32").dtype == np.float32
    assert ops.convert_to_tensor(np.array([1.0, 2.0]), dtype="float32").dtype == np.float32
    assert ops.zeros((2, 3), dtype="float64").dtype == np.float64 and ops.ones(2, dtype="float16").dtype == np.float16


def test_convert_to_tensor_returns_the_tensor_itself_unless_the_dtype_differs():
    x32 = Tensor(np.array([1.5, -2.0], np.float32), requires_grad=True)
    assert ops.convert_to_tensor(x32) is x32 and ops.convert_to_tensor(x32, dtype="float32") is x32
    x64 = ops.convert_to_tensor(x32, dtype="float64")
    assert x64.dtype == np.float64 and x64.data.tolist() == [1.5, -2.0]
    (x64 * x64).sum().backward()  # the cast passes the gradient on: d(x^2)/dx = 2x, in x's dtype
    assert x32.grad.dtype == np.float32 and x32.grad.tolist() == [3.0, -4.0]
    back = ops.convert_to_tensor(Tensor(np.array([0.25])), dtype="float32")
    assert back.dtype == np.float32 and back.data.tolist() == [0.25]


def test_cast_to_integers_truncates_and_keeps_the_integer_dtype():
    result = ops.cast(Tensor([1.5, -2.5, 0.9]), "int32")
    assert result.dtype == np.int32 and result.data.tolist() == [1, -2, 0]


def test_cast_of_a_large_integer_to_float32_rounds_once():
    # 2^60 + 2^36 + 1 lies just above the midpoint of float32's neighbours 2^60 and 2^60 + 2^37, so it rounds up;
    # going through float64 first would drop the +1 and round the exact midpoint down (to even)
    big = Tensor(np.array([2 ** 60 + 2 ** 36 + 1]), dtype="int64")
    assert ops.cast(big, "float32").data[0] == np.float32(2 ** 60 + 2 ** 37)


def test_cast_gradient_is_an_array_of_the_input_dtype_and_a_tensor_when_recorded():
    from tinygrad_acts.transforms import grad
    x = Tensor(np.array([1.0, 2.0], np.float32), requires_grad=True)
    (ops.cast(x, "float64") ** 2).sum().backward()
    assert type(x.grad) is np.ndarray and x.grad.dtype == np.float32 and x.grad.tolist() == [2.0, 4.0]
    tracked = Tensor(np.array([1.0, 2.0], np.float32), requires_grad=True)  # so grad records its backward pass
    g = grad(lambda y: (ops.cast(y, "float64") ** 2).sum())(tracked)
    assert isinstance(g, Tensor) and g.dtype == np.float32 and g.data.tolist() == [2.0, 4.0]


def test_shape_of_a_list_and_of_a_tensor():
    assert ops.shape([[1, 2, 3], [4, 5, 6]]) == (2, 3) and ops.shape(Tensor(np.zeros((4, 1, 2)))) == (4, 1, 2)
    assert ops.shape(3.0) == ()


def test_dot_of_a_matrix_and_a_vector_and_of_a_vector_and_a_scalar():
    matrix, vector = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), np.array([1.0, 0.0, -1.0])
    np.testing.assert_array_equal(ops.dot(matrix, vector).data, [1.0 - 3.0, 4.0 - 6.0])
    np.testing.assert_array_equal(ops.dot(vector, 2.0).data, [2.0, 0.0, -2.0])
    np.testing.assert_array_equal(ops.dot(2.0, vector).data, [2.0, 0.0, -2.0])


def test_dot_with_3d_operands_sums_the_last_axis_of_x1_with_the_second_to_last_of_x2():
    a = np.arange(12.0).reshape(2, 3, 2)  # (i, j, l)
    b = np.arange(24.0).reshape(3, 2, 4) - 10  # (k, l, m)
    expected = np.zeros((2, 3, 3, 4))
    for i, j, k, m in np.ndindex(2, 3, 3, 4):
        expected[i, j, k, m] = a[i, j, 0] * b[k, 0, m] + a[i, j, 1] * b[k, 1, m]
    np.testing.assert_array_equal(ops.dot(a, b).data, expected)
    v = np.array([1.0, -1.0])  # a vector x1: no axes of its own remain
    result = ops.dot(v, b)
    assert result.shape == (3, 4)
    np.testing.assert_array_equal(result.data, b[:, 0, :] - b[:, 1, :])


def test_where_with_a_condition_only_gives_integer_indices():
    rows, columns = ops.where(np.array([[True, False], [False, True]]))
    assert rows.dtype.kind == "i" and columns.dtype.kind == "i"
    assert rows.data.tolist() == [0, 1] and columns.data.tolist() == [0, 1]


def test_reductions_default_to_all_axes_without_keepdims_and_honour_both_when_given():
    x = np.arange(24.0).reshape(2, 3, 4) - 11.5
    assert ops.sum(x).shape == () and ops.sum(x).item() == 0.0  # -11.5 ... 11.5 cancel in pairs
    assert ops.min(x).shape == () and ops.min(x).item() == -11.5
    assert ops.mean(x, axis=1, keepdims=True).shape == (2, 1, 4)
    assert ops.max(x, axis=2, keepdims=True).shape == (2, 3, 1)
    assert ops.min(x, axis=0, keepdims=True).shape == (1, 3, 4)
    assert ops.logsumexp(x, axis=(0, 2), keepdims=True).shape == (1, 3, 1)
    np.testing.assert_array_equal(ops.min(x, axis=1).data, x[:, 0, :])  # x grows along every axis
    np.testing.assert_array_equal(ops.max(x, axis=2).data, x[:, :, 3])


def test_min_with_initial_is_at_most_initial():
    x = np.array([[1.0, 5.0], [3.0, -2.0]])
    assert ops.min(x, initial=-3.0).item() == -3.0 and ops.min(x, initial=10.0).item() == -2.0
    np.testing.assert_array_equal(ops.min(x, axis=0, initial=2.0).data, [1.0, -2.0])
    np.testing.assert_array_equal(ops.min(x, axis=1, initial=0.0).data, [0.0, -2.0])


def test_squeeze_one_axis_and_stack_along_the_first_by_default():
    assert ops.squeeze(np.zeros((1, 3, 1)), axis=0).shape == (3, 1)
    stacked = ops.stack([np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0])])
    assert stacked.shape == (2, 3) and stacked.data.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]


def test_array_is_a_copy_as_keras_ops_array():
    original = Tensor(np.array([1.0, 2.0]))
    copied = ops.array(original)
    copied.data[0] = 99.0
    assert original.data.tolist() == [1.0, 2.0]
    values = np.array([3.0, 4.0])
    ops.array(values).data[0] = 0.0
    assert values.tolist() == [3.0, 4.0]


def test_comparisons_of_plain_lists_are_entry_by_entry():
    assert ops.equal([1, 2], [1, 3]).data.tolist() == [True, False]
    assert ops.greater([1.0, 5.0], [2.0, 2.0]).data.tolist() == [False, True]


def test_array_of_a_python_number_and_convert_to_numpy_copies():
    assert ops.array(3.0).item() == 3.0 and ops.array([1.0, 2.0]).data.tolist() == [1.0, 2.0]
    t = Tensor(np.array([1.0, 2.0]))
    values = ops.convert_to_numpy(t)
    values[0] = 99.0  # a copy: the tensor keeps its values
    assert isinstance(values, np.ndarray) and t.data.tolist() == [1.0, 2.0]
    assert ops.convert_to_numpy([[1, 2]]).tolist() == [[1, 2]]


def test_cast_sends_the_gradient_back_in_the_inputs_dtype():
    x = Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    (ops.cast(x, "float64") * 3.0).sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.tolist() == [3.0, 3.0]
    (g,) = _cast_gradient(np.ones(2), None, x)  # the rule itself, as the engine calls it
    assert g.dtype == np.float32


def test_argmax_and_argmin_are_int32_without_kept_axes_by_default():
    x = [[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]]  # a plain list works too
    for find, expected in ((ops.argmax, [0, 1]), (ops.argmin, [1, 0])):
        found = find(x, axis=1)
        assert found.dtype == np.int32 and found.shape == (2,) and found.data.tolist() == expected
        kept = find(Tensor(np.array(x)), axis=1, keepdims=True)
        assert kept.shape == (2, 1) and kept.data.tolist() == [[e] for e in expected]
    assert ops.argmax(x).item() == 4 and ops.argmin(x).item() == 3  # axis=None: of the flattened entries


def test_logical_not_of_a_list_and_divide_no_nan_without_zeros():
    assert ops.logical_not([0, 1, 2]).data.tolist() == [True, False, False]
    assert ops.divide_no_nan(6.0, 3.0).item() == 2.0
    assert ops.divide_no_nan([6.0, 1.0], [3.0, 0.0]).data.tolist() == [2.0, 0.0]
