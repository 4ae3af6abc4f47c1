"""The activation-functions demo runs, writes its six figures, and prints numbers that are right:
the softmax row sums to 1 and autodiff agrees with the derivatives written by hand."""
import re

import numpy as np
import pytest
from helpers import PNG_SIGNATURE, run_demo

FIGURES = ("identity.png", "tanh.png", "all_activations.png", "softmax.png", "custom_square.png", "derivatives.png")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Run the demo once, as a learner would, into a fresh folder; numpy warnings are errors."""
    out = tmp_path_factory.mktemp("figures")
    return out, run_demo("activation_functions.py", out, timeout=120)


@pytest.mark.parametrize("name", FIGURES)
def test_every_figure_is_a_non_empty_png(run, name):
    out, _ = run
    data = (out / name).read_bytes()
    assert len(data) > 1000
    assert data.startswith(PNG_SIGNATURE)


def test_the_softmax_row_sums_to_one(run):
    _, stdout = run
    total = float(re.search(r"softmax sum = (\S+)", stdout).group(1))
    assert total == pytest.approx(1.0, abs=1e-6)
    probabilities = re.search(r"probabilities: \[([^\]]*)\]", stdout).group(1).split()
    expected = np.exp(np.arange(-3, 3.5, 0.5)) / np.exp(np.arange(-3, 3.5, 0.5)).sum()  # the definition
    np.testing.assert_allclose([float(p) for p in probabilities], expected, atol=1e-4)


def test_the_lesson_values_are_printed(run):
    _, stdout = run
    tanh = re.search(r"^\s+tanh\s+\[([^\]]*)\]", stdout, re.MULTILINE).group(1).split()
    np.testing.assert_allclose([float(v) for v in tanh], np.tanh(np.arange(-3, 3.5, 0.5)), atol=1e-3)


def test_autodiff_matches_the_derivatives_written_by_hand(run):
    _, stdout = run
    assert "no derivative written by hand" not in stdout  # every 1-d activation has its panel
    gap = float(re.search(r"largest autodiff-vs-analytic derivative gap: (\S+)", stdout).group(1))
    assert gap < 1e-12  # float64 on both sides: only rounding differs
