"""Special functions in numpy alone: erf and erfc (numpy lacks them) to float64 accuracy, and a sigmoid that cannot
overflow. The engine's ops compute their values here."""
from __future__ import annotations

import math

import numpy as np

# erfc(z) for z >= 0, written as  t * exp(-z^2 + P(2t - 1))  with  t = 2 / (2 + z):  P is smooth on [-1, 1], so a
# Chebyshev series converges fast. These 28 coefficients were fitted by tests/reference/make_erfc_coefficients.py
# (60-digit mpmath); the tests check the result against math.erfc: relative error < 1e-13 in float64.
_ERFC_CHEBYSHEV = (
    -0.6513268598908547, 0.6419697923564902, 0.019476473204185836, -0.009561514786808632,
    -0.0009465953444820369, 0.00036683949785276145, 4.252332480690777e-05, -2.0278578112534242e-05,
    -1.6242900046470256e-06, 1.3036558355805232e-06, 1.5626441722066142e-08, -8.523809591492654e-08,
    6.5290544390988515e-09, 5.059343495551469e-09, -9.91364156493033e-10, -2.273651222931836e-10,
    9.646791102015527e-11, 2.3940380830391146e-12, -6.886027526497553e-12, 8.944879273090725e-13,
    3.130921399342958e-13, -1.1270822361367252e-13, 3.810905255189232e-16, 7.106097613609237e-15,
    -1.5230282014571043e-15, -9.457494571291233e-17, 1.210237189224279e-16, -2.816663087747177e-17,
)


def erfc(x: np.ndarray) -> np.ndarray:
    """The complementary error function 1 - erf(x) = 2/sqrt(pi) * integral_x^inf e^(-s^2) ds, elementwise, in x's dtype.

    numpy has no erf (and scipy is not a dependency). erfc rather than erf: 1 - erf(x) would lose every digit of the
    tail that gelu's far negative side needs. Uses erfc(-z) = 2 - erfc(z), and Clenshaw's recurrence for the series.
    """
    z = np.minimum(np.abs(x), 30.0)  # erfc(30) is far below the smallest float64; capping keeps z^2 finite
    t = 2 / (2 + z)
    u = 2 * t - 1
    b1 = b2 = 0.0
    for coefficient in _ERFC_CHEBYSHEV[:0:-1]:
        b1, b2 = 2 * u * b1 - b2 + coefficient, b1
    tail = t * np.exp(u * b1 - b2 + _ERFC_CHEBYSHEV[0] - z * z)
    return np.where(x < 0, 2 - tail, tail)


# erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1)): for |x| < 0.5 fourteen terms reach 1e-17, where
# 1 - erfc(x) would keep only the absolute accuracy of erfc (erf(1e-10) would lose six of its digits).
_ERF_TAYLOR = tuple((-1) ** n / (math.factorial(n) * (2 * n + 1)) * 2 / math.sqrt(math.pi) for n in range(14))


def erf(x: np.ndarray) -> np.ndarray:
    """The error function erf(x) = 2/sqrt(pi) * integral_0^x e^(-s^2) ds, elementwise, in x's dtype: its Taylor
    series near 0 (full relative accuracy for tiny x), 1 - erfc(|x|) with x's sign elsewhere."""
    x = np.asarray(x)
    near = np.minimum(np.abs(x), 0.5)  # the series, evaluated where it converges (its value elsewhere is unused)
    square = near * near
    series = np.zeros_like(near)
    for coefficient in _ERF_TAYLOR[::-1]:
        series = series * square + coefficient
    return np.where(np.abs(x) < 0.5, np.copysign(near, x) * series, np.sign(x) * (1 - erfc(np.abs(x))))


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-x), as e^min(x,0) / (1 + e^-|x|): no exponent is positive, so nothing overflows."""
    return np.exp(np.minimum(x, 0)) / (1 + np.exp(-np.abs(x)))
