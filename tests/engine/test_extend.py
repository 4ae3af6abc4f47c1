"""custom_op: your own differentiable op from numpy code, forward and backward side by side.

The usual form returns the result and a backward rule of the incoming gradient g; it behaves like a built-in op
(numbers and arrays mix in, draw_graph shows it, no_grad records nothing, it works as an Activation and with
gradcheck) and is first-order. The ``custom_op(backward=...)`` form is twice differentiable.
"""
import numpy as np
import pytest

import tinygrad_acts as ta
import tinygrad_acts.backend as K
from tinygrad_acts import Tensor, custom_op, grad, gradcheck, gradgradcheck, hessian, no_grad
from tinygrad_acts.layers import Activation, Dense
from tinygrad_acts.models import Sequential


@custom_op
def sin(x):
    return np.sin(x), lambda g: (g * np.cos(x),)


@custom_op(backward=lambda g, out, x: (g * np.cos(x),))
def twice_differentiable_sin(x):
    return np.sin(x)


X = np.array([[-2.0, -0.5, 0.0], [0.3, 1.0, 2.5]])


# ----------------------------------------------------------------------------------------------------------------
# The example
# ----------------------------------------------------------------------------------------------------------------
def test_the_sin_example_gives_sin_its_gradient_is_cos_and_it_passes_gradcheck():
    x = Tensor(X, requires_grad=True)
    y = sin(x)
    assert isinstance(y, Tensor) and y.dtype == np.float64
    np.testing.assert_allclose(y.data, np.sin(X))
    y.sum().backward()
    np.testing.assert_allclose(x.grad, np.cos(X))
    assert gradcheck(sin, X)


def test_numbers_and_arrays_mix_with_tensors_as_for_built_in_ops():
    @custom_op
    def scaled_sin(x, scale):
        return scale * np.sin(x), lambda g: (g * scale * np.cos(x), g * np.sin(x))

    assert sin(0.5).item() == pytest.approx(np.sin(0.5), rel=1e-6)  # a number: a float32 Tensor, as Tensor(0.5)
    assert sin(0.5).dtype == np.float32 and sin(X).dtype == np.float64  # a float64 array stays float64
    x = Tensor(X, requires_grad=True)
    y = scaled_sin(x, 3.0)  # the number takes the tensor's dtype
    assert y.dtype == np.float64
    y.sum().backward()
    np.testing.assert_allclose(x.grad, 3 * np.cos(X))
    scale = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    scaled_sin(X, scale).sum().backward()  # an array and a broadcast Tensor: its gradient summed over the rows
    np.testing.assert_allclose(scale.grad, np.sin(X).sum(axis=0))
    assert gradcheck(scaled_sin, X, np.array([1.0, 2.0, 3.0]))


def test_draw_graph_shows_the_op_under_its_function_name():
    x = Tensor([0.1, 0.2], requires_grad=True, name="x")
    dot = ta.draw_graph(sin(x).sum())
    assert '[label="sin\\l"' in dot and '[label="sum\\l"' in dot


def test_no_grad_records_nothing():
    x = Tensor(X, requires_grad=True)
    with no_grad():
        y = sin(x)
    assert not y.requires_grad and y.parents == () and y.backward_rule is None
    np.testing.assert_allclose(y.data, np.sin(X))


def test_a_custom_op_works_as_an_activation_in_a_model_that_predicts_and_trains():
    K.clear_session()
    K.set_random_seed(0)
    model = Sequential([Dense(4, input_shape=(2,)), Activation(sin), Dense(1)])
    x = np.random.default_rng(0).standard_normal((8, 2)).astype(np.float32)
    y = np.sin(x.sum(axis=1, keepdims=True))
    (kernel, bias), (kernel_2, bias_2) = model.layers[0].get_weights(), model.layers[2].get_weights()
    np.testing.assert_allclose(model.predict(x, verbose=0), np.sin(x @ kernel + bias) @ kernel_2 + bias_2,
                               rtol=1e-5, atol=1e-6)
    model.compile(optimizer=ta.optimizers.SGD(0.1), loss="mse")
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0)  # one step
    assert np.isfinite(history.history["loss"][0])
    # sin passed gradients back
    assert all(not np.array_equal(b, a) for b, a in zip(before, model.get_weights(), strict=True))


# ----------------------------------------------------------------------------------------------------------------
# Several inputs, None gradients
# ----------------------------------------------------------------------------------------------------------------
@custom_op
def shift(x, offset):
    """x + offset, with offset treated as a constant: its gradient is None."""
    return x + offset, lambda g: (g, None)


def test_a_two_input_op_may_return_none_for_an_input_that_needs_no_gradient():
    x = Tensor(X, requires_grad=True)
    offset = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    out = shift(x, offset)
    np.testing.assert_allclose(out.data, X + [1.0, 2.0, 3.0])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, np.ones_like(X))
    assert offset.grad is None  # None: nothing flows into it, even though it requires grad
    assert gradcheck(lambda x: shift(x, 2.0), X)


# ----------------------------------------------------------------------------------------------------------------
# First-order and twice-differentiable rules
# ----------------------------------------------------------------------------------------------------------------
def test_differentiating_the_closure_form_twice_is_an_error_naming_the_op_and_the_fix():
    message = (r"custom op 'sin' has a backward rule written with numpy, so it is first-order.*"
               r"custom_op\(forward, backward=lambda g, out, x: ...\)")
    with pytest.raises(RuntimeError, match=message):
        grad(grad(lambda t: sin(t)))(np.float64(0.3))
    with pytest.raises(RuntimeError, match=message):
        hessian(lambda t: sin(t).sum())(X[0])
    with pytest.raises(RuntimeError, match=message):
        gradgradcheck(sin, X)
    first = grad(lambda t: sin(t).sum())(X)  # one level is fine, also through the transforms
    np.testing.assert_allclose(first.data, np.cos(X))


def test_the_backward_keyword_form_is_twice_differentiable():
    np.testing.assert_allclose(twice_differentiable_sin(X).data, np.sin(X))
    assert gradcheck(twice_differentiable_sin, X)
    assert gradgradcheck(twice_differentiable_sin, X)
    d2 = grad(grad(lambda t: twice_differentiable_sin(t)))
    for v in (-1.2, 0.0, 0.7):
        assert d2(np.float64(v)).item() == pytest.approx(-np.sin(v), rel=1e-12, abs=1e-15)  # (sin)'' = -sin


def test_a_two_input_backward_keyword_form_passes_gradgradcheck():
    @custom_op(backward=lambda g, out, x, y: (g * y * out, g * x * out))
    def exp_of_product(x, y):
        return np.exp(x * y)

    assert gradgradcheck(exp_of_product, X, X[::-1] * 0.5)


def test_a_twice_differentiable_rule_may_answer_with_a_constant_array_taken_in_the_inputs_dtype():
    @custom_op(backward=lambda g, out, x: (np.zeros(np.shape(x)),))  # floor is flat: its derivative is 0
    def floor(x):
        return np.floor(x)

    x = Tensor(np.array([1.5, 2.5], np.float32), requires_grad=True)
    (floor(x) + x * x).sum().backward(create_graph=True)
    assert isinstance(x.grad, Tensor) and x.grad.dtype == np.float32
    assert x.grad.data.tolist() == [3.0, 5.0]  # 0 + 2x


# ----------------------------------------------------------------------------------------------------------------
# Bad returns are clear errors
# ----------------------------------------------------------------------------------------------------------------
def test_a_forward_that_does_not_return_a_result_and_a_rule_is_an_error_showing_the_form():
    @custom_op
    def no_rule(x):
        return np.sin(x)

    with pytest.raises(TypeError,
                       match=r"custom op 'no_rule' must return \(result, backward\).*custom_op\(backward=\.\.\.\)"):
        no_rule(Tensor(X, requires_grad=True))


def test_a_rule_returning_the_wrong_number_of_gradients_is_an_error():
    @custom_op
    def two_gradients(x):
        return np.sin(x), lambda g: (g * np.cos(x), g)

    @custom_op
    def a_bare_gradient(x):
        return np.sin(x), lambda g: g * np.cos(x)  # not a tuple

    x = Tensor(X, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"backward rule of custom op 'two_gradients' must return a tuple of 1 "
                                           r"gradient\(s\), one per input"):
        two_gradients(x).sum().backward()
    with pytest.raises(RuntimeError, match=r"'a_bare_gradient' must return a tuple of 1 gradient\(s\)"):
        a_bare_gradient(x).sum().backward()


@pytest.mark.parametrize("bad, dtype", [(lambda g: np.ones(g.shape, dtype=int), "int64"), (lambda g: g > 0, "bool"),
                                        (lambda g: "g", "<U1")], ids=["integers", "booleans", "a string"])
def test_a_rule_returning_a_non_float_gradient_is_an_error(bad, dtype):
    @custom_op
    def bad_gradient(x):
        return np.sin(x), lambda g: (bad(g),)

    with pytest.raises(RuntimeError, match=rf"(?s)backward rule of custom op 'bad_gradient' returned .* \(dtype "
                                           rf"{dtype}\); each gradient must be a floating-point array or None"):
        bad_gradient(Tensor(X, requires_grad=True)).sum().backward()


def test_a_forward_returning_integers_is_an_error():
    @custom_op
    def rounded(x):
        return np.round(x).astype(int), lambda g: (g * 0,)

    with pytest.raises(TypeError, match=r"custom op 'rounded' returned an array of dtype int64; a differentiable op "
                                        r"returns floating-point values"):
        rounded(Tensor(X, requires_grad=True))


def test_custom_op_needs_a_function():
    with pytest.raises(TypeError, match=r"custom_op needs a function of numpy arrays, got 3"):
        custom_op(3)
