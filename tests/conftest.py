"""Shared test setup: a derandomized hypothesis profile under CI, a fresh session with fixed seeds for every test, and
numpy errors instead of warnings. What test files share besides fixtures (paths, tables, small models) is in
helpers.py."""
import os

import numpy as np
import pytest
from helpers import SLOW_FILES, TESTS
from hypothesis import HealthCheck, settings

import tinygrad_acts.backend as K

settings.register_profile("ci", derandomize=True, max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=40, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def numpy_floating_point_errors_raise():
    """Overflow, invalid values (0/0, inf - inf, log(-1)) and division by zero raise FloatingPointError in every
    test: the framework must not produce them on finite inputs. Underflow to 0 is fine (stable formulas rely on it).
    A test that means to overflow says so with its own ``np.errstate``."""
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        yield


@pytest.fixture(autouse=True)
def fresh_session():
    """Every test starts from a fresh session: the layer names counted from 'dense' again (clear_session), the same
    backend seed, so an unseeded initializer or shuffle gives the same numbers whatever ran before it, and float32
    weights again afterwards, whatever the test set. A test's verdict cannot depend on the order the suite runs in."""
    K.clear_session()
    K.set_random_seed(0)
    yield
    K.set_floatx("float32")


@pytest.fixture
def rng():
    """A fresh, seeded random generator for each test: deterministic data."""
    return np.random.default_rng(0)


def pytest_collection_modifyitems(items):
    """The tests of helpers.SLOW_FILES are marked slow, so that `python -m pytest -m "not slow"` is the quick loop."""
    for item in items:
        if item.path.relative_to(TESTS).as_posix() in SLOW_FILES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def keras():
    """Real Keras 3 on PyTorch, for the tests that compare with it (Keras' numpy backend would need JAX), imported
    once: the import takes seconds. Without it the test skips, saying so; under CI, which installs it, it fails."""
    os.environ["KERAS_BACKEND"] = "torch"
    try:
        import keras
        version = keras.__version__  # a folder named keras on the path imports without one: not Keras
    except (ImportError, AttributeError) as error:
        reason = f"Keras 3 with PyTorch is not installed ({error}); pip install tinygrad-acts[keras]"
        if os.environ.get("CI"):  # CI installs them: there a missing Keras is a broken setup, not a skip
            pytest.fail(reason)
        pytest.skip(reason)
    assert version.startswith("3."), f"these tests need Keras 3, found {version}"
    assert keras.backend.backend() == "torch"
    return keras
