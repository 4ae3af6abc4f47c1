"""Hardening that needs a change in tinygrad_acts/tensor.py. These tests fail until it is made.

Each test names the change it needs; the exact code is in the issue-8 report to the lead. Once tensor.py has it,
these tests belong in tests/test_tensor.py (and the loss one in tests/test_losses.py).
"""
import numpy as np
import pytest

from tinygrad_acts import Tensor, losses


# ----------------------------------------------------------------------------------------------------------------
# Division as its own op, a / b with d/db = -(a / b) / b, instead of a * b ** -1
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


def test_categorical_crossentropy_of_a_row_with_a_tiny_total_has_a_finite_gradient():
    # the loss rescales each row by 1 / its total (as Keras): a float32 row summing to 4e-20 is rescaled fine, and
    # its gradient (~2.5e19) is finite, but the backward pass of total ** -1 squares 4e-20
    p = Tensor(np.array([[3e-20, 1e-20, 0.0, 0.0]], dtype=np.float32), requires_grad=True)
    losses.categorical_crossentropy(np.eye(4)[[0]], p).sum().backward()
    # loss = -log(x0 / S) with S = sum(x) = 4e-20 (the zeros are clipped to epsilon, where clip passes no gradient):
    # d/dx0 = -1/x0 + 1/S = -1/(12e-20), and d/dxk = 1/S = 2.5e19 for the others
    np.testing.assert_allclose(p.grad, [[-1 / 12e-20, 2.5e19, 2.5e19, 2.5e19]], rtol=1e-5)


# ----------------------------------------------------------------------------------------------------------------
# Clear errors instead of numpy's
# ----------------------------------------------------------------------------------------------------------------
def test_a_non_numeric_dtype_is_refused():
    with pytest.raises(TypeError, match="dtype"):  # today Tensor([1.0], dtype=str) is a tensor of strings
        Tensor([1.0], dtype=str)


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
