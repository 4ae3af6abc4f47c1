"""The speed benchmark's correctness, so that CI checks it too: every workload's tinygrad_acts step computes the
same thing as its hand-written numpy step, and the script runs. Nothing here is timed: timed assertions on a
shared machine would be flaky, and speed is the benchmark's business (python benchmarks/train_step.py).
"""
import dataclasses
import gc
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest
from helpers import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import tinygrad_acts  # noqa: E402
from tinygrad_acts import Tensor  # noqa: E402

import train_step  # noqa: E402
import workloads  # noqa: E402
from workloads import WORKLOADS, NumpyMLP, TinygradMLP, check_same_step, relative_difference  # noqa: E402

BY_KEY = {w.key: w for w in WORKLOADS}


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.key)
def test_one_tinygrad_step_equals_the_hand_written_numpy_step_in_float32(workload):
    assert check_same_step(workload, "tinygrad", np.float32, rtol=1e-5) <= 1e-5


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.key)
def test_one_tinygrad_step_equals_the_hand_written_numpy_step_in_float64(workload):
    # float64 rounding is ~1e-16, so 1e-9 catches any real difference in the gradient, however small
    assert check_same_step(workload, "tinygrad", np.float64, rtol=1e-9) <= 1e-9


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.key)
def test_the_steps_really_update_something(workload):
    """Guards the equivalence check against a vacuous pass: the compared arrays change and are not all zero."""
    problem = workload.make_problem()
    model = workload.tinygrad(problem)
    before = [np.copy(r) for r in model.result()]
    model.step()
    after = model.result()
    assert all(np.any(a != 0) for a in after)
    if before:  # MLPs: every weight array moved; M1 compares gradients, which exist only after a step
        assert all(np.any(a != b) for a, b in zip(after, before, strict=True))


def test_the_check_fails_loudly_when_the_implementations_differ():
    class SlightlyWrongNumpyMLP(NumpyMLP):
        def train_on_batch(self, x, y):
            super().train_on_batch(x, y)
            self.layers[0][0][0, 0] *= 1 + 1e-4  # one weight off by 1e-4, relative

    broken = dataclasses.replace(BY_KEY["W2"], numpy=SlightlyWrongNumpyMLP)
    with pytest.raises(AssertionError, match="W2: one step of tinygrad differs from the hand-written numpy"):
        check_same_step(broken, "tinygrad", np.float32, rtol=1e-5)


def test_relative_difference_is_relative_to_each_arrays_scale():
    assert relative_difference([np.array([1.0, 2.0])], [np.array([1.0, 2.0])]) == 0.0
    assert relative_difference([np.array([100.0, 201.0])], [np.array([100.0, 200.0])]) == pytest.approx(1 / 200)
    assert relative_difference([np.array([0.0]), np.array([3.0, 4.1])],
                               [np.array([0.0]), np.array([3.0, 4.0])]) == pytest.approx(0.1 / 4)


@pytest.mark.parametrize("key", ["W2", "W3"])
def test_a_whole_epoch_of_tinygrad_equals_the_hand_written_numpy_epoch(key):
    """The model.fit rows compare epochs (many steps, each batch wrapped in a fresh Tensor)."""
    problem = train_step.FIT_PROBLEMS[key](dtype=np.float64)
    low_level, by_hand = TinygradMLP(problem), NumpyMLP(problem)
    low_level.epoch()
    by_hand.epoch()
    assert relative_difference(low_level.result(), by_hand.result()) <= 1e-9


@pytest.mark.parametrize("key", ["W2", "W3"])
def test_a_model_fit_epoch_equals_the_hand_written_numpy_epoch(key):
    """The model.fit row measures the same training as the low-level rows: same weights after one epoch."""
    problem = train_step.FIT_PROBLEMS[key]()
    fitted, by_hand = workloads.KerasFitMLP(problem), NumpyMLP(problem)
    fitted.epoch()
    by_hand.epoch()
    assert relative_difference(fitted.result(), by_hand.result()) <= 1e-5


def test_a_training_step_leaves_no_graph_behind():
    """The graph of a step is freed by reference counting alone after backward: no Tensor survives the step."""
    gc.collect()
    gc.disable()  # so that only reference counting frees anything
    try:
        baseline = train_step.live_tensors()
        model = TinygradMLP(BY_KEY["W2"].make_problem())
        model.step()
        assert train_step.live_tensors() == baseline + len(model.parameters) + 1  # weights, biases, data batch
        for _ in range(5):
            model.step()
        assert train_step.live_tensors() == baseline + len(model.parameters) + 1
    finally:
        gc.enable()


def test_the_script_runs_end_to_end(capsys):
    assert train_step.main(["--quick", "--rounds", "1", "--block-ms", "1", "--memory-steps", "20",
                            "--stats-memory-steps", "40", "--no-torch"]) == 0
    output = capsys.readouterr().out
    for workload in WORKLOADS:
        assert f"| {workload.key}: {workload.description} |" in output
    assert "- command: `python benchmarks/train_step.py --quick" in output
    assert "- after 20 W2 steps: resident" in output
    assert "model.fit" in output
    assert "### Second order: a Hessian-vector product of W2's loss" in output
    for how in train_step.HVP_HOW.values():
        assert f"| W2: {how} |" in output
    assert "### Callbacks and diagnostics: `model.fit` on W2 with callbacks" in output
    for description, *_ in train_step.CALLBACK_CASES.values():
        assert f"| {description} |" in output
    assert "### Memory: 40 steps of `model.fit` on W2 recorded by `LayerStats(every=1)`" in output
    assert "- after 40 steps: resident" in output


def test_resident_memory_is_read_in_mib():
    current, peak = train_step.resident_memory_mib()
    assert 1 < current <= peak < 100_000  # a Python process with numpy loaded holds a few tens of MiB


def test_the_tinygrad_side_uses_plain_tensors():
    model = TinygradMLP(BY_KEY["W1"].make_problem())
    assert all(type(p) is Tensor and p.requires_grad and p.dtype == np.float32 for p in model.parameters)
    assert workloads.LEARNING_RATE == 0.01


# ----------------------------------------------------------------------------------------------------------------
# Second order: the Hessian-vector product the benchmark times is H v (issue 12)
# ----------------------------------------------------------------------------------------------------------------
def test_the_hvp_equals_the_hand_written_r_operator_in_float32():
    """Both tinygrad_acts HVPs (backward(create_graph=True), and the grad transform) and their gradients."""
    assert workloads.check_same_hvp(np.float32, rtol=1e-5) <= 1e-5


def test_the_hvp_equals_the_hand_written_r_operator_in_float64():
    assert workloads.check_same_hvp(np.float64, rtol=1e-9) <= 1e-9


def test_the_hvp_equals_finite_differences_of_the_gradient():
    """(grad(w + eps v) - grad(w - eps v)) / 2 eps needs no second derivative: an independent check of both."""
    assert workloads.check_hvp_against_finite_differences(rtol=1e-6) <= 1e-6


def test_the_hvp_is_not_vacuous():
    """Every block of H v is nonzero and differs from the gradient, even though ReLU's second derivative is 0."""
    problem = workloads.hvp_problem(np.float64)
    model = workloads.TinygradHVP(problem)
    gradient, hvp = model.gradient(), model.hvp()
    assert all(np.any(h != 0) and not np.allclose(h, g) for h, g in zip(hvp, gradient, strict=True))
    assert all(p.grad is None for p in model.parameters)  # nothing left behind for the next call


def test_the_public_hvp_function_agrees_on_one_block_of_the_weights():
    """tinygrad_acts.hvp(f, x, v) differentiates in one argument: with v zero outside the middle kernel, the full
    H v restricted to that kernel is hvp of the loss as a function of the middle kernel alone."""
    problem = workloads.hvp_problem(np.float64)
    problem.vector = [v if i == 2 else np.zeros_like(v) for i, v in enumerate(problem.vector)]
    full = workloads.NumpyHVP(problem).hvp()
    model = workloads.TinygradHVP(problem)
    middle = model.layers[1][0]

    def loss_of_middle_kernel(kernel):
        model.layers[1] = (kernel, model.layers[1][1])
        return model.forward_loss()

    block = tinygrad_acts.hvp(loss_of_middle_kernel, middle.data, problem.vector[2])
    assert relative_difference([block.data], [full[2]]) <= 1e-9


def test_the_hvp_check_fails_loudly_when_the_implementations_differ(monkeypatch):
    class SlightlyWrongNumpyHVP(workloads.NumpyHVP):
        def hvp(self):
            hvps = super().hvp()
            hvps[2][0, 0] *= 1 + 1e-4
            return hvps

    monkeypatch.setitem(workloads.HVP_IMPLEMENTATIONS, "numpy", SlightlyWrongNumpyHVP)
    with pytest.raises(AssertionError, match="W2 hvp: tinygrad_acts .backward. differs from the hand-written numpy"):
        workloads.check_same_hvp(np.float32, rtol=1e-5)


def test_finite_differences_refuse_to_step_across_a_relu_kink():
    # with eps = 1e-4 some pre-activations of W2 change sign between w - eps v and w + eps v
    with pytest.raises(ValueError, match="change sign between w - eps v and w \\+ eps v"):
        workloads.finite_difference_hvp(workloads.hvp_problem(np.float64), epsilon=1e-4)


# ----------------------------------------------------------------------------------------------------------------
# Callbacks and diagnostics around model.fit (issue 11): what the callbacks table times is the same training
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("every", [1, 10])
def test_layer_stats_does_not_change_training(every):
    """A fit watched by LayerStats ends with exactly the weights of the same fit without it, and really recorded."""
    problem = train_step.callback_problem()
    stats = workloads.layer_stats_callback(every)
    watched, alone = workloads.KerasFitMLP(problem, [stats]), workloads.KerasFitMLP(problem)
    watched.epoch()
    alone.epoch()
    for found, expected in zip(watched.result(), alone.result(), strict=True):
        np.testing.assert_array_equal(found, expected)
    assert stats.record.steps.tolist() == list(range(0, problem.epoch_batches, every))


def test_every_timed_callback_leaves_training_alone_and_layer_stats_records_its_steps():
    train_step.check_callback_cases()  # raises AssertionError otherwise


def test_the_do_nothing_callbacks_really_do_nothing_at_each_batch():
    """The two 'costs nothing' rows: one overrides no hook (fit calls none per batch), one overrides the batch
    hooks with pass (fit calls two per batch)."""
    from tinygrad_acts.callbacks import CallbackList

    model = workloads.KerasFitMLP(train_step.callback_problem()).model
    nothing = CallbackList([workloads.do_nothing_callback()], model, "fit")
    passing = CallbackList([workloads.pass_at_every_batch_callback()], model, "fit")
    assert not any(nothing.listening.values())
    assert [len(passing.listening[hook]) for hook in ("on_train_batch_begin", "on_train_batch_end")] == [1, 1]


def test_the_callback_check_fails_loudly_when_a_callback_changes_training():
    from tinygrad_acts.callbacks import Callback

    class Meddler(Callback):
        def on_train_batch_end(self, batch, logs=None):
            self.model.layers[0].kernel.data[0, 0] += 1e-3

    with pytest.raises(AssertionError, match=r"callbacks \['Meddler'\] ends with other weights"):
        workloads.check_callbacks_leave_training_alone(train_step.callback_problem(), [Meddler()])


def test_the_layer_stats_memory_check_reports_the_records_bytes_per_step():
    lines = train_step.layer_stats_memory_check(40)
    # W2 as a Sequential model: 3 Dense layers, 6 weights; 8 + 952 * 3 + 24 * 6 = 3,008 bytes per recorded step
    assert lines[0] == ("- the record: 40 steps x 3 layers, 6 weights: 0.1 MiB, 3,008 bytes per step "
                        "(8 + 952 L + 24 W = 3,008)")
    assert lines[1].startswith("- after 4 steps: resident") and lines[2].startswith("- after 40 steps: resident")
    assert lines[3].startswith("- resident growth between the two:")


# ----------------------------------------------------------------------------------------------------------------
# The README's speed numbers are the script's output, written by --readme, never typed
# ----------------------------------------------------------------------------------------------------------------
def test_readme_writes_the_report_between_the_markers_and_nothing_else(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\n## Speed\n\nprose\n\n{train_step.README_START}\nold numbers\n"
                      f"{train_step.README_END}\n\nafter\n")
    train_step.write_into_readme(str(readme), "## tinygrad_acts training step\n\n| a |\n\n### Memory\n\n- x\n")
    text = readme.read_text()
    assert "old numbers" not in text and text.startswith("# Title\n\n## Speed\n\nprose\n\n")
    assert "\n### tinygrad_acts training step" in text and "\n#### Memory" in text  # one level below ## Speed
    assert text.endswith(f"{train_step.README_END}\n\nafter\n")


def test_readme_without_the_markers_is_refused(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# no markers here\n")
    with pytest.raises(SystemExit, match="no region between"):
        train_step.write_into_readme(str(readme), "report")
    assert readme.read_text() == "# no markers here\n"


def test_the_readme_speed_numbers_are_a_report_written_by_the_script():
    """Every number in the README's report region comes from a run of the script with --readme (it prints the
    command it was run with); outside the region the Speed section quotes no measured ratio."""
    readme = (ROOT / "README.md").read_text()
    start = readme.index(train_step.README_START) + len(train_step.README_START)
    region = readme[start:readme.index(train_step.README_END)]
    assert "\n### tinygrad_acts training step against hand-written numpy" in region
    assert "- command: `python benchmarks/train_step.py" in region and "--readme README.md`" in region
    for table in ("| W1: ", "| W2: ", "| W3: ", "| M1: ", "#### Second order", "#### Callbacks and diagnostics",
                  "#### Memory: 10,000 training steps of W2"):
        assert table in region
    speed = readme[readme.index("## Speed"):readme.index(train_step.README_START)]
    assert not [number for number in speed.split() if number.rstrip(".,;)").endswith("x") and
                number.rstrip("x.,;)").replace(".", "").isdigit()], "a ratio typed into the Speed prose"


# ----------------------------------------------------------------------------------------------------------------
# --against REV: the old side is REV's package, checked and timed beside the working tree's in one report
# ----------------------------------------------------------------------------------------------------------------
needs_git = pytest.mark.skipif(not (ROOT / ".git").exists(), reason="--against exports a revision with git")


@pytest.fixture(scope="module")
def against():
    return train_step.load_against("HEAD")


def package_classes(obj):
    """The tinygrad_acts classes ``obj`` is an instance of (its own class, or the bases a workload's class has)."""
    return [cls for cls in type(obj).__mro__ if cls.__module__.split(".")[0] == "tinygrad_acts"]


@needs_git
def test_the_old_sides_objects_are_made_of_the_exported_package(against):
    """An import inside a workload's function would bind the working tree's package at call time and time it on
    both sides; so every tinygrad_acts class of an old-side object must be the exported module's own class (a
    namesake of the working tree's has the same __module__), and that module's file lies in the export."""
    side = against.workloads
    problem = train_step.callback_problem()
    low_level = side.TinygradMLP(problem)
    callbacks = [side.do_nothing_callback(), side.pass_at_every_batch_callback(), side.layer_stats_callback(10)]
    fit = side.KerasFitMLP(problem, callbacks)
    fit.epoch()
    objects = [*low_level.parameters, fit.model, *fit.model.layers, fit.model.optimizer, *callbacks]
    for obj in objects:
        assert package_classes(obj), f"{obj!r} is made of no tinygrad_acts class"
        for cls in package_classes(obj):
            module = against.modules[cls.__module__]
            assert getattr(module, cls.__name__) is cls, f"{cls.__qualname__} is the working tree's"
            assert pathlib.Path(module.__file__).is_relative_to(against.tree)
    transforms_hvp = side.TinygradTransformsHVP(side.hvp_problem())
    assert pathlib.Path(transforms_hvp._gradient.__code__.co_filename).is_relative_to(against.tree)
    assert side.Tensor is not Tensor and side.Tensor is against.modules["tinygrad_acts"].Tensor


@needs_git
def test_loading_the_old_side_puts_sys_modules_and_sys_path_back():
    def package_modules():
        return {name: module for name, module in sys.modules.items() if name.split(".")[0] == "tinygrad_acts"}

    modules, path = package_modules(), list(sys.path)
    loaded = train_step.load_against("HEAD")
    assert package_modules() == modules and sys.path == path
    assert not [name for name in sys.modules if name.startswith("workloads_against")]
    assert sys.modules["tinygrad_acts"] is tinygrad_acts and loaded.modules["tinygrad_acts"] is not tinygrad_acts


@needs_git
def test_the_old_sides_checks_fail_when_they_reach_the_working_trees_package(against):
    """What a lazy import would do, in workloads.py or in REV's package: call the working tree's code."""
    def step_with_the_working_trees_tensor():
        (Tensor(np.ones(3), requires_grad=True) * 2).sum().backward()

    with pytest.raises(AssertionError, match="the old side's lazy step called the working tree's tinygrad_acts"):
        against.check("lazy step", step_with_the_working_trees_tensor)
    against.check("W1 step", lambda: against.workloads.check_same_step(against.workload("W1"), "tinygrad"))


def test_against_an_unknown_revision_is_refused():
    with pytest.raises(SystemExit, match="--against no-such-branch: git knows no such revision"):
        train_step.load_against("no-such-branch")


def table_row(output, header_start, row_start):
    """One row of a Markdown table in the report, as {column: cell}."""
    lines = output.splitlines()
    header = next(line for line in lines if line.startswith(header_start))
    row = next(line for line in lines if line.startswith(row_start))
    columns = [name.strip() for name in header.strip("|").split("|")]
    return dict(zip(columns, [cell.strip() for cell in row.strip("|").split("|")], strict=True))


@needs_git
def test_against_times_both_sides_in_one_report(capsys):
    assert train_step.main(["--quick", "--rounds", "2", "--block-ms", "1", "--workloads", "W1", "--memory-steps", "0",
                            "--stats-memory-steps", "0", "--no-torch", "--against", "HEAD"]) == 0
    output = capsys.readouterr().out
    label = subprocess.run(["git", "log", "-1", "--format=%h %s", "HEAD"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.strip()
    assert f"**old** is `HEAD` = {label} (its tinygrad_acts/ exported" in output
    rows = {  # a row of each timed table: its first cells, the working tree's and HEAD's ratio, the new / old one
        ("| workload | new µs", f"| W1: {BY_KEY['W1'].description} |"):
            ("new / numpy (IQR)", "old / numpy (IQR)", "new / old (median)"),
        ("| workload | new model.fit", "| W2, 16 batches of 64 |"):
            ("new fit / low-level (IQR)", "old fit / low-level (IQR)", "new / old fit (median)"),
        ("| how | new HVP", f"| W2: {train_step.HVP_HOW['backward']} |"):
            ("new HVP / gradient (IQR)", "old HVP / gradient (IQR)", "new / old HVP (median)"),
        ("| callbacks=[...] | new", f"| {train_step.CALLBACK_CASES['every 10'][0]} |"):
            ("new / without (IQR)", "old / without (IQR)", "new / old (median)"),
    }
    for (header_start, row_start), (new, old, new_to_old) in rows.items():
        row = table_row(output, header_start, row_start)
        assert re.fullmatch(r"\*\*\d+\.\d\d\*\* \(\d+\.\d\d–\d+\.\d\d\)", row[new]), row
        assert re.fullmatch(r"\d+\.\d\d \(\d+\.\d\d–\d+\.\d\d\)", row[old]), row
        assert re.fullmatch(r"\*\*\d+\.\d\d\*\*", row[new_to_old]) and "new / old IQR" in row, row
    assert "The memory checks" not in output  # none ran: --memory-steps 0 --stats-memory-steps 0


def test_against_does_not_write_the_readme(tmp_path):
    with pytest.raises(SystemExit, match="--readme writes the README's report of the working tree alone"):
        train_step.main(["--against", "HEAD", "--readme", str(tmp_path / "README.md")])
