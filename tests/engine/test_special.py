"""Special functions (numpy only): erf and erfc against Python's math module, erfc to 2e-13 relative over its whole
range (its Chebyshev coefficients come from tests/reference/make_erfc_coefficients.py) and erf to full relative
accuracy near 0."""
import math

import numpy as np

from tinygrad_acts.special import erf, erfc


def test_erfc_matches_math_erfc():
    x = np.concatenate([np.linspace(-6, 27, 20001), -np.geomspace(1e-10, 1, 50), np.geomspace(1e-10, 1, 50)])
    expected = np.array([math.erfc(v) for v in x])
    tiny = expected < 1e-300  # below here erfc is subnormal, and only its absolute error is small
    relative = np.abs(erfc(x) - expected) / np.where(tiny, 1, expected)
    assert relative.max() < 2e-13
    x32 = x[np.abs(x) < 4].astype(np.float32)
    assert erfc(x32).dtype == np.float32
    np.testing.assert_allclose(erfc(x32), [math.erfc(v) for v in x32.astype(np.float64)], rtol=2e-6)


def test_erf_matches_math_erf_near_zero_and_beyond():
    # tiny x keeps full relative accuracy (Taylor series), where 1 - erfc(x) would keep only ~1e-16 absolute
    x = np.array([1e-10, -1e-10, 0.25, -0.3, 0.5, 0.7, -1.0, 2.5])
    np.testing.assert_allclose(erf(x), [math.erf(v) for v in x], rtol=1e-14)
