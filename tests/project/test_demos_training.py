"""The training demos: XOR learned to 100%, sin(x) fitted, the spiral classified to >= 95%, and every figure written.

The training functions are called in-process (where numpy's floating-point errors raise, see conftest.py); each script
also runs once as a user runs it, with ``--quick --out tmp_path``, and its printed headline is checked.
"""
import re

import numpy as np
import pytest
from helpers import DEMOS, assert_pngs, import_demo, run_demo

README = (DEMOS.parent / "README.md").read_text(encoding="utf-8")


def readme_headline(demo: str) -> str:
    """The headline cell of the README's demo table for ``demos/<demo>``: it must be a number the demo prints."""
    row = re.search(rf"^\| `demos/{demo}` \|.*\| ([^|]+) \|$", README, re.MULTILINE)
    assert row is not None, f"the README's demo table has no row for demos/{demo}"
    return row.group(1)
# ----------------------------------------------------------------------------------------------------------------
# XOR: the 2-4-1 tanh network
# ----------------------------------------------------------------------------------------------------------------
def test_xor_learns_the_truth_table_to_100_percent_with_a_margin():
    train_xor = import_demo("train_xor")
    results = train_xor.train(print_every=None)  # full size: 300 epochs on 4 examples
    model = results["model"]
    assert [layer.units for layer in model.layers] == [4, 1] and model.count_params() == 17  # 2-4-1
    probabilities = model.predict(np.array([[0, 0], [0, 1], [1, 0], [1, 1]]))[:, 0]
    np.testing.assert_array_equal(probabilities > 0.5, [False, True, True, False])  # XOR from its definition
    assert np.max(np.abs(probabilities - [0, 1, 1, 0])) < 0.05
    assert results["history"]["loss"][-1] < 0.01 < np.log(2) < results["history"]["loss"][0] + 0.1


@pytest.mark.parametrize("seed", range(1, 9))
def test_xor_reaches_100_percent_from_other_starting_weights(seed):
    model = import_demo("train_xor").train(seed=seed, print_every=None)["model"]
    np.testing.assert_array_equal(model.predict(np.array([[0, 0], [0, 1], [1, 0], [1, 1]]))[:, 0] > 0.5,
                                  [False, True, True, False])


def test_xor_a_stuck_start_is_what_the_demo_says_it_is():
    """The demo's text names --seed 92 as a start that stalls with two of the four points at 0.5."""
    model = import_demo("train_xor").train(seed=92, print_every=None)["model"]
    probabilities = model.predict(np.array([[0, 0], [0, 1], [1, 0], [1, 1]]))[:, 0]
    assert np.sum(np.abs(probabilities - 0.5) < 0.01) == 2


def test_xor_prints_the_truth_table_and_a_keras_style_log(capsys):
    train_xor = import_demo("train_xor")
    results = train_xor.train(print_every=50)
    assert train_xor.truth_table(results["model"]) == 1.0
    printed = capsys.readouterr().out
    log = re.findall(r"^Epoch +(\d+)/300 - loss: \S+ - accuracy: \S+$", printed, flags=re.MULTILINE)
    assert [int(epoch) for epoch in log] == [1, 50, 100, 150, 200, 250, 300]
    rows = re.findall(r"^ +([01]) +([01]) \| +([01]) \| +([0-9.]+) \| +([01])$", printed, flags=re.MULTILINE)
    assert [(a, b, target) for a, b, target, _, _ in rows] == [("0", "0", "0"), ("0", "1", "1"), ("1", "0", "1"),
                                                                ("1", "1", "0")]
    assert all(answer == target for _, _, target, _, answer in rows)
    assert "accuracy: 100% (4/4)" in printed
    assert readme_headline("train_xor.py") == "100% (4/4)"  # what the demo printed, as the README quotes it


def test_xor_script_writes_its_figures(tmp_path):
    printed = run_demo("train_xor.py", tmp_path, "--quick", timeout=120)
    assert "accuracy: 100% (4/4)" in printed
    assert_pngs(tmp_path, ["xor_decision.png", "xor_loss.png"])


# ----------------------------------------------------------------------------------------------------------------
# Regression: sin(x) on [-pi, pi]
# ----------------------------------------------------------------------------------------------------------------
def test_regression_samples_are_noisy_sine_values_on_the_interval():
    x, y = import_demo("train_regression").make_data(samples=500, noise=0.1, seed=3)
    assert x.shape == y.shape == (500, 1) and x.dtype == y.dtype == np.float32
    assert -np.pi <= x.min() and x.max() <= np.pi
    assert np.std(y - np.sin(x)) == pytest.approx(0.1, rel=0.15)


def test_regression_fits_sine_to_well_below_the_noise():
    train_regression = import_demo("train_regression")
    results = train_regression.train(print_every=None)  # full size: 1000 full-batch epochs
    grid = np.linspace(-np.pi, np.pi, 1001, dtype=np.float32)
    distance = float(np.mean((results["model"].predict(grid)[:, 0] - np.sin(grid)) ** 2))
    assert distance < 0.002  # sin has variance 0.5 on the interval: 99.6% of it explained
    assert distance == pytest.approx(results["sine_mse"], rel=0.1)  # the demo's own measure agrees
    # fitted down to the noise (0.1^2 = 0.01) and not far below it: the network learned sin, not the noise
    assert 0.8 * results["noise_mse"] < results["train_mse"] < 1.2 * results["noise_mse"]
    assert results["noise_mse"] == pytest.approx(0.01, rel=0.25)
    assert results["loss"][-1] < results["loss"][0] / 10
    # the README quotes the number the demo prints ("mse against sin(x) on a 500-point grid: 0.00036")
    assert readme_headline("train_regression.py") == f"mse to sin(x) {results['sine_mse']:.5f}"


def test_regression_learning_rate_decays_from_first_to_last():
    train_regression = import_demo("train_regression")
    schedule = train_regression.exponential_decay(1000)
    assert schedule(0, None) == pytest.approx(0.02)
    assert schedule(500, None) == pytest.approx(np.sqrt(0.02 * 0.001))  # geometric: halfway is the geometric mean
    assert schedule(1000, None) == pytest.approx(0.001)


def test_regression_script_writes_its_figures(tmp_path):
    printed = run_demo("train_regression.py", tmp_path, "--quick", timeout=120)
    assert float(re.search(r"mse against sin\(x\) on a 500-point grid: +(\S+)", printed).group(1)) < 0.01
    assert re.search(r"^Epoch +600/600 - loss: \S+ - sine_mse: \S+ - learning_rate: \S+$", printed, re.MULTILINE)
    assert_pngs(tmp_path, ["regression_fit.png", "regression_loss.png"])


# ----------------------------------------------------------------------------------------------------------------
# Spiral: three classes, softmax
# ----------------------------------------------------------------------------------------------------------------
def test_spiral_data_is_three_arms_inside_the_unit_disc():
    points, labels = import_demo("train_spiral").make_spiral(points_per_class=50, seed=4)
    assert points.shape == (150, 2) and points.dtype == np.float32
    np.testing.assert_array_equal(np.bincount(labels), [50, 50, 50])
    radius = np.hypot(points[:, 0], points[:, 1])
    np.testing.assert_allclose(radius, np.tile(np.linspace(0, 1, 50), 3), atol=1e-6)  # noise moves only the angle
    again, _ = import_demo("train_spiral").make_spiral(points_per_class=50, seed=4)
    np.testing.assert_array_equal(points, again)


def test_spiral_softmax_classifier_reaches_95_percent_and_a_linear_one_cannot():
    train_spiral = import_demo("train_spiral")
    mlp = train_spiral.train((64, 64), print_every=None)  # full size: 300 points, 80 epochs
    answers = np.argmax(mlp["model"].predict(mlp["x"]), axis=-1)
    assert np.mean(answers == mlp["y"]) >= 0.95
    assert mlp["accuracy"] == pytest.approx(np.mean(answers == mlp["y"]))
    probabilities = mlp["model"].predict(mlp["x"])
    np.testing.assert_allclose(probabilities.sum(axis=-1), 1, rtol=1e-5)  # a softmax output
    linear = train_spiral.train((), print_every=None)
    assert linear["accuracy"] < 0.7  # no straight-line boundaries separate the arms
    # the README quotes the two accuracies the demo prints ("training accuracy 99.33%")
    assert readme_headline("train_spiral.py") == \
        f"{linear['accuracy']:.2%} against {mlp['accuracy']:.2%} training accuracy"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_spiral_reaches_95_percent_for_other_seeds_in_the_quick_setting(seed):
    train_spiral = import_demo("train_spiral")
    assert train_spiral.train((64, 64), seed=seed, epochs=train_spiral.QUICK_EPOCHS, print_every=None)[
        "accuracy"] >= 0.95


def test_spiral_script_writes_its_figures(tmp_path):
    printed = run_demo("train_spiral.py", tmp_path, "--quick", timeout=120)
    assert float(re.search(r"mlp: training accuracy ([0-9.]+)%", printed).group(1)) >= 95
    assert re.search(r"^Epoch 40/40 - loss: \S+ - accuracy: \S+$", printed, re.MULTILINE)
    assert_pngs(tmp_path, ["spiral_decision.png", "spiral_history.png"])
