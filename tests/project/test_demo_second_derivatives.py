"""The second-derivatives demo runs, writes its two figures, and prints numbers that are right: every activation's
f'' by autodiff equals the formula, the Rosenbrock Hessian is the one worked out by hand, and Newton's method and
gradient descent take the step counts that the same methods, written by hand in numpy, take. The README quotes
those step counts: they must be what the demo prints."""
import math
import re

import numpy as np
import pytest
from helpers import ROOT, assert_pngs, run_demo

import tinygrad_acts as ta

STEPS = re.compile(r"Newton: (\d+) steps;\s+gradient\s+descent\s+\(lr\s+([0-9.e-]+)\):\s+(\d+)\s+steps")


@pytest.fixture(scope="module")
def stdout(tmp_path_factory):
    """Run the demo once, as a learner would, into a fresh folder; numpy warnings are errors."""
    out = tmp_path_factory.mktemp("figures")
    stdout = run_demo("second_derivatives.py", out)
    assert_pngs(out, ["second_derivatives.png", "newton_rosenbrock.png"])
    return stdout


def test_tanh_second_derivative_three_ways(stdout):
    line = re.search(r"tanh''\(0\.5\): .*", stdout).group(0)
    values = [float(v) for v in re.findall(r"-?\d+\.\d{15}", line)]
    t = math.tanh(0.5)
    assert len(values) == 3
    np.testing.assert_allclose(values, -2 * t * (1 - t * t), rtol=0, atol=1e-14)  # d/dx (1 - tanh^2)


def test_every_activation_has_second_derivatives_equal_to_the_formula(stdout):
    assert "no second derivative written by hand" not in stdout
    gaps = {name.strip(): (float(first), float(second))
            for name, first, second in re.findall(r"(\w[\w *]*?)\s+f' (\S+)\s+f'' (\S+)", stdout)}
    whole_axis = {"softmax", "log_softmax", "glu", "sparsemax"}
    aliases = {"swish", "hard_swish"}  # silu and hard_silu under other names: one panel each
    expected = set(ta.activations.ALL_ACTIVATIONS) - whole_axis - aliases | {"custom x**2"}
    assert set(gaps) == expected
    for name, (first, second) in gaps.items():
        assert first < 1e-12 and second < 1e-12, name  # float64 on both sides: only rounding differs
    worst = float(re.search(r"largest autodiff-vs-analytic second-derivative gap: (\S+)", stdout).group(1))
    assert worst == max(second for _, second in gaps.values())


def rosenbrock_gradient(p: np.ndarray) -> np.ndarray:
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def rosenbrock_hessian(p: np.ndarray) -> np.ndarray:
    x, y = p
    return np.array([[1200 * x * x - 400 * y + 2, -400 * x], [-400 * x, 200.0]])


def steps_to_converge(update, start=(-1.2, 1.0), tolerance=1e-8, budget=200_000) -> int:
    p = np.array(start)
    for step in range(budget):
        if np.linalg.norm(rosenbrock_gradient(p)) < tolerance:
            return step
        p = update(p)
    raise AssertionError("did not converge")


def test_the_hessian_of_rosenbrock_is_the_one_by_hand(stdout):
    autodiff = re.search(r"Hessian of the Rosenbrock function at \(-1\.2, 1\.0\) by autodiff: (\[\[.*?\]\])", stdout)
    entries = [float(v) for v in re.findall(r"-?\d+\.?\d*", autodiff.group(1))]
    np.testing.assert_allclose(np.reshape(entries, (2, 2)), rosenbrock_hessian(np.array([-1.2, 1.0])), rtol=1e-9)


def test_newton_converges_in_a_few_steps_and_far_faster_than_gradient_descent(stdout):
    assert "did not converge" not in stdout
    newton, learning_rate, descent = STEPS.search(stdout).groups()
    newton, learning_rate, descent = int(newton), float(learning_rate), int(descent)
    assert newton < 30 and descent > 100 * newton
    # the same two methods, with the gradient and Hessian by hand, take the same number of steps
    assert newton == steps_to_converge(lambda p: p - np.linalg.solve(rosenbrock_hessian(p), rosenbrock_gradient(p)))
    assert descent == steps_to_converge(lambda p: p - learning_rate * rosenbrock_gradient(p))
    end = re.search(r"-> ends at \[(\S+) +(\S+)\]", stdout).groups()
    np.testing.assert_allclose([float(v) for v in end], [1, 1], atol=1e-9)


def test_the_readme_quotes_the_numbers_the_demo_prints(stdout):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quoted = STEPS.findall(readme)
    assert quoted, "the README should quote 'Newton: N steps; gradient descent (lr ...): M steps'"
    assert set(quoted) == {STEPS.search(stdout).groups()}
    claimed = float(re.search(r"the second derivatives agree to (\S+)\)", readme).group(1))
    worst = float(re.search(r"largest autodiff-vs-analytic second-derivative gap: (\S+)", stdout).group(1))
    assert worst <= claimed
