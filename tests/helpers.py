"""What several test files share, written once: the repository's paths, the files marked slow, the demo runner, the
tables of elementwise ops and of activations with their domains, small models and their data, and checks of weights.
Test files import from here by name (``from helpers import small_model``): tests/conftest.py's folder is on sys.path.
Fixtures that every test gets are in conftest.py."""
import importlib
import pathlib
import socket
import subprocess
import sys

import numpy as np
import pytest

import tinygrad_acts as ta
from tinygrad_acts import Tensor
from tinygrad_acts.layers import Dense
from tinygrad_acts.models import Sequential
from tinygrad_acts.optimizers import SGD

ROOT = pathlib.Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
DEMOS = ROOT / "demos"
REFERENCE_DIR = TESTS / "reference"  # values recorded once from Keras and PyTorch, with the scripts that made them
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# The files whose tests conftest.py marks slow, by their path under tests/: other processes (demos, notebooks, the
# browser, the playground's server, ruff and mypy), real Keras, the benchmarks, and the engine's property and limit
# tests. `python -m pytest -m "not slow"` leaves them out: the quick loop of the unit tests.
SLOW_FILES = {
    "project/test_notebooks.py", "project/test_demos_training.py", "project/test_demo_activation_functions.py",
    "project/test_demo_second_derivatives.py", "project/test_benchmarks.py", "project/test_tools.py",
    "playground/test_playground.py", "playground/test_playground_browser.py", "playground/test_page_in_browser.py",
    "playground/test_server_http.py",
    "parity/test_keras_snippets.py", "parity/test_keras3_api_gaps.py", "saving/test_interop.py",
    "diagnostics/test_activation_dynamics.py", "engine/test_properties.py", "engine/test_engine_edge_cases.py",
}


# ----------------------------------------------------------------------------------------------------------------
# Demos
# ----------------------------------------------------------------------------------------------------------------
def import_demo(name: str):
    """A demo as a module (demos import their neighbour _common, so the folder is on the path while importing)."""
    sys.path.insert(0, str(DEMOS))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(DEMOS))


def run_demo(script: str, out: pathlib.Path, *options: str, timeout: float = 300) -> str:
    """Run ``demos/<script>`` as a learner runs it, its figures written to ``out``, with numpy's RuntimeWarnings as
    errors; return what it printed. A warning printed on stderr fails the run too."""
    result = subprocess.run([sys.executable, "-W", "error::RuntimeWarning", str(DEMOS / script), "--out", str(out),
                             *options], capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr, result.stderr
    return result.stdout


def assert_pngs(out: pathlib.Path, names, min_bytes: int = 10_000) -> None:
    """Each figure is a PNG, and a real picture, not an empty canvas."""
    for name in names:
        data = (out / name).read_bytes()
        assert data.startswith(PNG_SIGNATURE) and len(data) > min_bytes, name


# ----------------------------------------------------------------------------------------------------------------
# Elementwise ops: op -> (function, the domain of each input). A domain says where the op is smooth and finite:
# "any" value, "positive" (log, sqrt), "nonzero" (a divisor) or "base" (a power's base: positive, away from 0). Each
# test file takes the ops it checks with op_cases, saying what a domain is for its kind of data: an interval, a
# hypothesis strategy, or a function that moves values into the domain.
# ----------------------------------------------------------------------------------------------------------------
BINARY_OP_TABLE = {
    "add": (lambda a, b: a + b, "any", "any"),
    "sub": (lambda a, b: a - b, "any", "any"),
    "mul": (lambda a, b: a * b, "any", "any"),
    "div": (lambda a, b: a / b, "any", "nonzero"),
    "pow": (lambda a, b: a ** b, "base", "any"),
    "hypot": (lambda a, b: a.hypot(b), "any", "any"),
    "maximum": (lambda a, b: a.maximum(b), "any", "any"),  # ties split the gradient in half, as finite differences do
    "minimum": (lambda a, b: a.minimum(b), "any", "any"),
    "where": (lambda a, b: ta.where(a.data > 0, a * b, b.exp()), "any", "any"),  # a condition that does not move
}
UNARY_OP_TABLE = {
    "neg": (lambda x: -x, "any"),
    "exp": (lambda x: x.exp(), "any"),
    "log": (lambda x: x.log(), "positive"),
    "sqrt": (lambda x: x.sqrt(), "positive"),
    "abs": (lambda x: x.abs(), "any"),
    "tanh": (lambda x: x.tanh(), "any"),
    "sigmoid": (lambda x: x.sigmoid(), "any"),
    "relu": (lambda x: x.relu(), "any"),
    "clip": (lambda x: x.clip(-1.0, 1.0), "any"),
    "sin": (lambda x: x.sin(), "any"),
    "cos": (lambda x: x.cos(), "any"),
    "log1p": (lambda x: x.log1p(), "positive"),
    "expm1": (lambda x: x.expm1(), "any"),
    "erf": (lambda x: x.erf(), "any"),
    "erfc": (lambda x: x.erfc(), "any"),
    "square": (lambda x: x ** 2, "any"),
    "cube": (lambda x: x ** 3, "any"),
    "reciprocal": (lambda x: x ** -1, "nonzero"),
    "inverse square": (lambda x: x ** -2, "nonzero"),
    "square root as a power": (lambda x: x ** 0.5, "positive"),
    "power 0": (lambda x: x ** 0, "any"),
    "constant to the x": (lambda x: 2.0 ** x, "any"),
    "constant over x": (lambda x: 2.0 / x, "nonzero"),
    "minus from a constant": (lambda x: 1.0 - x, "any"),
    "rsub": (lambda x: 1 - x, "any"),
    "rdiv": (lambda x: 1 / x, "nonzero"),
}


def op_cases(table, names, domains):
    """{op: (function, each input's domain as ``domains`` gives it)} for the named ops of an op table."""
    return {name: (table[name][0], *(domains[domain] for domain in table[name][1:])) for name in names}


# ----------------------------------------------------------------------------------------------------------------
# Activations: (name, kwargs, kinks) for elementwise functions, (name, kwargs) for functions of an axis
# ----------------------------------------------------------------------------------------------------------------
ELEMENTWISE = [
    ("linear", {}, ()),
    ("tanh", {}, ()),
    ("sigmoid", {}, ()),
    ("hard_sigmoid", {}, (-3, 3)),
    ("log_sigmoid", {}, ()),
    ("relu", {}, (0,)),
    ("relu", {"negative_slope": 0.1, "max_value": 6.0, "threshold": 1.0}, (1, 6)),
    ("relu", {"negative_slope": 2.0}, (0,)),
    ("relu", {"threshold": -1.0, "max_value": 2.0}, (-1, 2)),
    ("relu6", {}, (0, 6)),
    ("leaky_relu", {}, (0,)),
    ("leaky_relu", {"negative_slope": 1.5}, (0,)),
    ("elu", {}, (0,)),
    ("elu", {"alpha": 0.5}, (0,)),
    ("celu", {}, (0,)),
    ("celu", {"alpha": 2.0}, (0,)),
    ("selu", {}, (0,)),
    ("gelu", {}, ()),
    ("gelu", {"approximate": True}, ()),
    ("silu", {}, ()),
    ("hard_silu", {}, (-3, 3)),
    ("hard_tanh", {}, (-1, 1)),
    ("softplus", {}, ()),
    ("softsign", {}, (0,)),
    ("mish", {}, ()),
    ("exponential", {}, ()),
    ("squareplus", {}, ()),
    ("squareplus", {"b": 0.5}, ()),
    ("sparse_plus", {}, (-1, 1)),
    ("sparse_sigmoid", {}, (-1, 1)),
    ("hard_shrink", {}, (-0.5, 0.5)),
    ("hard_shrink", {"threshold": 1.0}, (-1, 1)),
    ("soft_shrink", {}, (-0.5, 0.5)),
    ("soft_shrink", {"threshold": 1.0}, (-1, 1)),
    ("tanh_shrink", {}, ()),
    ("threshold", {"threshold": 0.5, "default_value": -1.0}, (0.5,)),
]
AXIS_BASED = [(name, kwargs) for name in ("softmax", "log_softmax", "glu", "sparsemax")
              for kwargs in ({}, {"axis": 0}, {"axis": 1})]


def case_id(name, kwargs):
    return name + "".join(f"-{key}={value}" for key, value in kwargs.items())


def elementwise_cases():
    return [pytest.param(name, kwargs, kinks, id=case_id(name, kwargs)) for name, kwargs, kinks in ELEMENTWISE]


def axis_cases():
    return [pytest.param(name, kwargs, id=case_id(name, kwargs)) for name, kwargs in AXIS_BASED]


def away_from(x, kinks, gap=0.01):
    """Move the points that lie within `gap` of a kink by 2 * gap: finite differences straddling a kink are wrong."""
    x = np.array(x, dtype=np.float64)
    for kink in kinks:
        near = np.abs(x - kink) < gap
        x[near] += 2 * gap
    return x


# ----------------------------------------------------------------------------------------------------------------
# Optimizers
# ----------------------------------------------------------------------------------------------------------------
def apply(optimizer, start, gradients):
    """Run ``optimizer`` on one parameter starting at ``start``, feeding it the given gradients; return the values."""
    param = Tensor(np.array(start), requires_grad=True)
    for gradient in gradients:
        param.grad = np.array(gradient, dtype=param.dtype)
        optimizer.step([param])
    return param.data


# ----------------------------------------------------------------------------------------------------------------
# Small models and their data
# ----------------------------------------------------------------------------------------------------------------
XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=np.float32)


def small_model(optimizer="sgd", loss="mse", metrics=None, hidden=4, inputs=2, outputs=1, activation=None):
    """A compiled 2-4-1 tanh network (XOR's), with whatever a test changes."""
    model = Sequential([Dense(hidden, activation="tanh", input_shape=(inputs,)), Dense(outputs, activation=activation)])
    model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    return model


def linear_model(optimizer=None, metrics=("mae",)):
    """A compiled linear layer, 3 inputs to 1 output, SGD(0.01) and mse unless told otherwise: the callbacks' model."""
    model = Sequential([Dense(1, input_shape=(3,))])
    model.compile(optimizer=optimizer or SGD(0.01), loss="mse", metrics=list(metrics))
    return model


def assert_same_weights(first, second):
    """Two lists of weights, equal to the last bit."""
    assert len(first) == len(second)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)


# ----------------------------------------------------------------------------------------------------------------
# The playground, as a user starts it (the browser tests' server)
# ----------------------------------------------------------------------------------------------------------------
class Playground:
    """``python -m tinygrad_acts.playground --no-browser --port P`` in its own process, on a free port."""

    def __init__(self):
        with socket.socket() as probe:  # a free port, handed to the command line as a user would
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tinygrad_acts.playground", "--no-browser", "--port", str(self.port)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        self.url = f"http://127.0.0.1:{self.port}/"
        if self.url not in line:
            self.process.kill()
            message = self.process.communicate(timeout=10)[1]
            pytest.fail(f"the server did not start: {line!r} {message}")

    def stop(self):
        self.process.terminate()
        self.process.communicate(timeout=10)  # waits, and closes the pipes


def run_state(page):
    """The server's state of a browser tab's run, asked with the page's own session id."""
    return page.evaluate("() => call('GET', '/api/state')")
