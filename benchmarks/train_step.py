"""How fast is one training step of tinygrad_acts, against the same computation written by hand in numpy?

    python benchmarks/train_step.py            # the full run: a few minutes
    python benchmarks/train_step.py --quick    # under a minute
    python benchmarks/train_step.py --memory   # only the memory checks (10,000 steps of W2, without and with
                                               # LayerStats(every=1) recording every step)
    python benchmarks/train_step.py --against HEAD~3   # the working tree against another checkout (any git
                                                       # revision), timed in the same rounds

tinygrad_acts builds on numpy, so its natural limit is the same step written by hand in numpy (see workloads.py,
where every workload is written both ways). Method:
1. Before timing, one step of each implementation from the same weights must give the same updated weights
   (relative 1e-5 in float32, and 1e-9 in float64); otherwise the script stops with an error.
2. After a warm-up, the implementations alternate in rounds (A B, then B A, ...), each round timing a block of
   steps. The result is the median over rounds of the per-round ratio tinygrad_acts / numpy, with its spread
   (the interquartile range). Absolute times on a shared machine are noise; the ratios are the result.
3. The garbage collector stays on: its cost is part of what a framework that allocates a graph per step costs.
4. PyTorch, if installed, is timed against numpy in a pass of its own (its threads spin after each op).
5. Second order: a Hessian-vector product of W2's loss in all the weights is timed against one gradient of the
   same loss, both with tinygrad_acts (and, for reference, both by hand in numpy), after checking that it equals
   the hand-written HVP and finite differences of the gradient.
6. Callbacks and diagnostics: model.fit on W2 with a callback that does nothing, and with diagnostics.LayerStats
   recording every step or every 10th, each against the same fit without callbacks, after checking that none of
   them changes the weights fit ends with.

7. Old against new (``--against REV``): REV's tinygrad_acts/ is exported with ``git archive`` into a temporary
   folder and imported in this process beside the working tree's, with a second copy of the current workloads.py
   bound to it. Every timed table then times both in the same interleaved rounds, after the same checks, and
   reports each side's ratio (to numpy, or to its own baseline) side by side with the per-round ratio new / old:
   speed claims about a change are judged there, not from absolute times. The memory checks are not compared.

Other processes on the same cores make multithreaded BLAS calls wait for each other, which shows as a wide spread
(the script says so); rerun on a quiet machine, or compare with OPENBLAS_NUM_THREADS=1.
"""
from __future__ import annotations

import argparse
import atexit
import contextlib
import datetime
import gc
import importlib.util
import io
import os
import pathlib
import platform
import re
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import numpy as np

import tinygrad_acts

import workloads
from workloads import (
    HVP_IMPLEMENTATIONS,
    WORKLOADS,
    KerasFitMLP,
    MLPProblem,
    NumpyMLP,
    TinygradMLP,
    Workload,
    check_same_step,
    hvp_problem,
    layer_stats_callback,
    relative_difference,
    torch_available,
)


@dataclass
class Settings:
    rounds: int
    warmup_rounds: int
    block_seconds: float  # the length of one block of steps of the hand-written numpy
    memory_steps: int
    stats_memory_steps: int  # model.fit steps recorded by LayerStats(every=1) in its memory check (about 0.6 ms each)


QUICK = Settings(rounds=15, warmup_rounds=2, block_seconds=0.015, memory_steps=10_000, stats_memory_steps=1_000)
FULL = Settings(rounds=60, warmup_rounds=3, block_seconds=0.04, memory_steps=10_000, stats_memory_steps=10_000)


# ----------------------------------------------------------------------------------------------------------------
# Timing: interleaved rounds, median of per-round ratios
# ----------------------------------------------------------------------------------------------------------------
def steps_per_block(step: Callable[[], object], block_seconds: float) -> int:
    """How many calls of ``step`` take about ``block_seconds`` (measured on the reference, after a warm-up)."""
    step()
    calls, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < block_seconds / 4 or calls < 3:
        step()
        calls += 1
    return max(1, round(block_seconds * calls / elapsed))


def time_interleaved(steps: dict[Any, Callable[[], object]], block: int, rounds: int,
                     warmup_rounds: int) -> dict[Any, np.ndarray]:
    """Seconds per step of each implementation in each round. Rounds alternate the order (A B, B A, ...) so
    that neither side always runs right after the other; the warm-up rounds are discarded."""
    names = list(steps)
    times: dict[Any, list[float]] = {name: [] for name in names}
    for round_index in range(warmup_rounds + rounds):
        order = names if round_index % 2 == 0 else names[::-1]
        for name in order:
            step = steps[name]
            start = time.perf_counter()
            for _ in range(block):
                step()
            elapsed = time.perf_counter() - start
            if round_index >= warmup_rounds:
                times[name].append(elapsed / block)
    return {name: np.array(values) for name, values in times.items()}


@dataclass
class Ratio:
    median: float
    low: float  # 25th percentile
    high: float  # 75th percentile

    @classmethod
    def of(cls, numerator: np.ndarray, denominator: np.ndarray) -> Ratio:
        ratios = numerator / denominator  # per round: both sides saw the same machine load
        return cls(*np.percentile(ratios, [50, 25, 75]))

    def spread(self) -> str:
        return f"{self.low:.2f}–{self.high:.2f}"

    def noisy(self) -> bool:
        """A spread wider than a fifth of the median: other processes were competing for the cores."""
        return self.high - self.low > 0.2 * self.median

    def cell(self, bold: bool = False) -> str:
        """The median and its spread in one table cell, for the wide tables of --against."""
        median = f"**{self.median:.2f}**" if bold else f"{self.median:.2f}"
        return f"{median} ({self.spread()})"


NOISY = ("\nSome spreads are wide: other processes were using the cores (BLAS threads then wait for each other). "
         "Rerun on a quiet machine, or compare with OPENBLAS_NUM_THREADS=1.")


def microseconds(seconds_per_step: np.ndarray) -> str:
    return f"{np.median(seconds_per_step) * 1e6:,.1f}"


# ----------------------------------------------------------------------------------------------------------------
# --against REV: another checkout's tinygrad_acts, imported in this process beside the working tree's
# ----------------------------------------------------------------------------------------------------------------
REPOSITORY = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = "tinygrad_acts"
WORKING_TREE_PACKAGE = pathlib.Path(tinygrad_acts.__file__).resolve().parent  # what `import tinygrad_acts` found


def is_package_module(name: str) -> bool:
    return name == PACKAGE or name.startswith(PACKAGE + ".")


def git(*arguments: str) -> str:
    """git's output, run in the repository that holds this script."""
    done = subprocess.run(["git", *arguments], cwd=REPOSITORY, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"--against: `git {' '.join(arguments)}` failed in {REPOSITORY}: {done.stderr.strip()}")
    return done.stdout


@dataclass
class Against:
    """The old side of ``--against REV``: REV's tinygrad_acts/, exported into ``tree``, and ``workloads``, a second
    copy of the current benchmarks/workloads.py whose module-level imports bound that package."""
    revision: str  # as given on the command line: HEAD~3, a branch, a hash
    label: str  # its short hash and subject line
    tree: pathlib.Path  # holds REV's tinygrad_acts/
    workloads: types.ModuleType
    modules: dict[str, types.ModuleType]  # REV's tinygrad_acts and its submodules by name, kept out of sys.modules

    def workload(self, key: str) -> Any:
        return next(w for w in self.workloads.WORKLOADS if w.key == key)

    def check(self, what: str, run: Callable[[], object]) -> None:
        """Run one of the old side's equivalence checks; fail if it fails, or if it called any code of the working
        tree's package: an import inside a function (in workloads.py, or in REV's package) runs at call time, when
        sys.modules holds the working tree's package, and both sides would then time the same code."""
        called: set[str] = set()
        working_tree = str(WORKING_TREE_PACKAGE) + os.sep

        def profile(frame: types.FrameType, event: str, arg: object) -> None:
            if event == "call" and frame.f_code.co_filename.startswith(working_tree):
                called.add(f"{pathlib.Path(frame.f_code.co_filename).name}:{frame.f_code.co_name}")

        previous = sys.getprofile()
        sys.setprofile(profile)
        try:
            run()
        except AssertionError as error:
            raise AssertionError(f"--against {self.revision} ({self.label}), the old side: {error}") from error
        finally:
            sys.setprofile(previous)
        if called:
            more = f" and {len(called) - 4} more" if len(called) > 4 else ""
            raise AssertionError(
                f"--against {self.revision}: the old side's {what} called the working tree's tinygrad_acts "
                f"({', '.join(sorted(called)[:4])}{more}): an import inside a function resolves to the working tree's "
                f"package, so both sides would time the same code. Import it at the top of benchmarks/workloads.py.")


def load_against(revision: str) -> Against:
    """Export REV's tinygrad_acts/ into a temporary folder and import it, and a copy of the current workloads.py
    bound to it, with the working tree's package moved out of sys.modules meanwhile; then put sys.modules and
    sys.path back as they were."""
    if WORKING_TREE_PACKAGE != REPOSITORY / PACKAGE:  # e.g. an editable install of another checkout
        raise SystemExit(f"--against {revision}: `import tinygrad_acts` found {WORKING_TREE_PACKAGE}, not this "
                         f"checkout's {REPOSITORY / PACKAGE}, so new and old would not be two versions of one "
                         f"repository; run with PYTHONPATH={REPOSITORY}")
    found = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], cwd=REPOSITORY,
                           capture_output=True, text=True)
    if found.returncode != 0:
        why = f" ({found.stderr.strip()})" if found.stderr.strip() else ""
        raise SystemExit(f"--against {revision}: git knows no such revision in {REPOSITORY}{why}; give a commit "
                         f"hash, a branch, a tag or HEAD~N")
    commit = found.stdout.strip()
    label = git("log", "-1", "--format=%h %s", commit).strip()
    tree = pathlib.Path(tempfile.mkdtemp(prefix="tinygrad_acts-against-"))
    atexit.register(shutil.rmtree, tree, ignore_errors=True)
    archive = tree / "package.tar"
    git("archive", f"--output={archive}", commit, PACKAGE)
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    archive.unlink()

    name = f"workloads_against_{commit[:12]}"
    spec = importlib.util.spec_from_file_location(name, pathlib.Path(__file__).with_name("workloads.py"))
    assert spec is not None and spec.loader is not None  # a .py file always has a spec and a loader
    copy = importlib.util.module_from_spec(spec)
    working_tree = {key: sys.modules.pop(key) for key in list(sys.modules) if is_package_module(key)}
    path = sys.path[:]
    sys.path.insert(0, str(tree))
    sys.modules[name] = copy  # dataclasses look their module up while the classes are made
    try:
        spec.loader.exec_module(copy)
    except ImportError as error:
        raise SystemExit(f"--against {revision}: the current benchmarks/workloads.py cannot import from {label}'s "
                         f"tinygrad_acts ({error}); pick a later revision") from error
    finally:
        modules = {key: sys.modules.pop(key) for key in list(sys.modules) if is_package_module(key)}
        sys.modules.pop(name, None)
        sys.modules.update(working_tree)
        sys.path[:] = path
    imported = pathlib.Path(modules[PACKAGE].__file__ or "")
    if not imported.is_relative_to(tree):  # e.g. an import hook ahead of sys.path
        raise SystemExit(f"--against {revision}: `import tinygrad_acts` found {imported}, not the export in {tree}")
    return Against(revision, label, tree, copy, modules)


def beside(new: dict[Any, Callable[[], object]],
           old: dict[Any, Callable[[], object]] | None) -> dict[Any, Callable[[], object]]:
    """The steps of one round: the working tree's, each followed by the old side's of the same key (keyed
    ("old", key)), so that the two a new / old ratio compares run next to each other."""
    steps: dict[Any, Callable[[], object]] = {}
    for key, step in new.items():
        steps[key] = step
        if old is not None and key in old:
            steps["old", key] = old[key]
    return steps


# ----------------------------------------------------------------------------------------------------------------
# The low-level training step: tinygrad_acts against numpy (and PyTorch, when installed)
# ----------------------------------------------------------------------------------------------------------------
def check_workload(workload: Workload, with_torch: bool, against: Against | None = None) -> None:
    """Fail loudly, before any timing, if the implementations do not compute the same step."""
    check_same_step(workload, "tinygrad", np.float32, rtol=1e-5)
    check_same_step(workload, "tinygrad", np.float64, rtol=1e-9)  # sharper: float64 rounding is far below 1e-9
    if with_torch:
        check_same_step(workload, "torch", np.float32, rtol=1e-5)
    if against is not None:
        old, check = against.workload(workload.key), against.workloads.check_same_step
        against.check(f"{workload.key} step", lambda: (check(old, "tinygrad", np.float32, rtol=1e-5),
                                                       check(old, "tinygrad", np.float64, rtol=1e-9)))


def time_workload(workload: Workload, settings: Settings, with_torch: bool,
                  against: Against | None = None) -> tuple[list[str], bool]:
    """One row of the table, as Markdown cells, and whether its timing was noisy."""
    problem = workload.make_problem()
    tinygrad, by_hand = workload.tinygrad(problem), workload.numpy(problem)
    old = None if against is None else {"tinygrad": against.workload(workload.key).tinygrad(problem).step}
    block = steps_per_block(by_hand.step, settings.block_seconds)
    gc.collect()
    times = time_interleaved(beside({"tinygrad": tinygrad.step, "numpy": by_hand.step}, old), block,
                             settings.rounds, settings.warmup_rounds)
    ratio = Ratio.of(times["tinygrad"], times["numpy"])
    met = ["yes" if ratio.median <= workload.target else "**no**"]
    if against is None:
        row = [f"{workload.key}: {workload.description}", microseconds(times["tinygrad"]),
               microseconds(times["numpy"]), f"**{ratio.median:.2f}**", ratio.spread(), f"<= {workload.target:.2f}",
               *met]
        noisy = ratio.noisy()
    else:
        old_ratio = Ratio.of(times["old", "tinygrad"], times["numpy"])
        new_to_old = Ratio.of(times["tinygrad"], times["old", "tinygrad"])
        row = [f"{workload.key}: {workload.description}", microseconds(times["tinygrad"]),
               microseconds(times["old", "tinygrad"]), microseconds(times["numpy"]), ratio.cell(bold=True),
               old_ratio.cell(), f"**{new_to_old.median:.2f}**", new_to_old.spread(), f"<= {workload.target:.2f}",
               *met]
        noisy = ratio.noisy() or new_to_old.noisy()
    if with_torch:
        # a pass of its own: PyTorch's worker threads spin for a while after each op, which would slow the
        # numpy and tinygrad_acts blocks that follow and blur the ratio the targets are about
        times = time_interleaved({"torch": workload.torch(problem).step, "numpy": by_hand.step}, block,
                                 settings.rounds, settings.warmup_rounds)
        torch_ratio = Ratio.of(times["torch"], times["numpy"])
        row += [microseconds(times["torch"]), f"{torch_ratio.median:.2f} ({torch_ratio.spread()})"]
    return row, noisy


# ----------------------------------------------------------------------------------------------------------------
# The public API: model.fit for one epoch, against the same loop written low-level and by hand
# ----------------------------------------------------------------------------------------------------------------
FIT_TARGET = 1.2  # model.fit within 1.2x of the low-level tinygrad_acts step
FIT_PROBLEMS = {  # W2 and W3, with an epoch of several batches (model.fit's batch_size is the workload's batch)
    "W2": lambda dtype=np.float32: MLPProblem((64, 128, 128, 10), "relu", "cross_entropy", batch=64,
                                              dtype=dtype, epoch_batches=16),
    "W3": lambda dtype=np.float32: MLPProblem((784, 256, 10), "relu", "cross_entropy", batch=256,
                                              dtype=dtype, epoch_batches=8),
}


def check_fit(key: str, side: types.ModuleType = workloads) -> None:
    """Fail loudly, before any timing, unless one model.fit epoch (of ``side``, the workloads of one checkout) ends
    with the weights of the hand-written numpy epoch."""
    check = FIT_PROBLEMS[key]()
    fitted, reference = side.KerasFitMLP(check), side.NumpyMLP(check)
    fitted.epoch()
    reference.epoch()
    difference = relative_difference(fitted.result(), reference.result())
    if not difference <= 1e-5:
        raise AssertionError(f"{key}: one model.fit epoch differs from the hand-written numpy epoch by "
                             f"{difference:.3g} (relative); allowed 1e-5")


def time_fit(key: str, settings: Settings, against: Against | None = None) -> tuple[list[str], bool]:
    """One row: a model.fit epoch against the same epoch as a low-level tinygrad_acts loop and as numpy."""
    check_fit(key)
    if against is not None:
        against.check(f"{key} model.fit epoch", lambda: check_fit(key, against.workloads))

    problem = FIT_PROBLEMS[key]()
    implementations: dict[str, Any] = {"fit": KerasFitMLP(problem), "low-level": TinygradMLP(problem),
                                       "numpy": NumpyMLP(problem)}
    old = None if against is None else {"fit": against.workloads.KerasFitMLP(problem).epoch,
                                        "low-level": against.workloads.TinygradMLP(problem).epoch}
    block = steps_per_block(implementations["numpy"].epoch, settings.block_seconds)
    gc.collect()
    epochs = time_interleaved(beside({name: impl.epoch for name, impl in implementations.items()}, old), block,
                              settings.rounds, settings.warmup_rounds)
    per_step = {name: seconds / problem.epoch_batches for name, seconds in epochs.items()}
    to_low_level = Ratio.of(per_step["fit"], per_step["low-level"])
    met = "yes" if to_low_level.median <= FIT_TARGET else "**no**"
    if against is None:
        to_numpy = Ratio.of(per_step["fit"], per_step["numpy"])
        return [f"{key}, {problem.epoch_batches} batches of {problem.batch}", microseconds(per_step["fit"]),
                microseconds(per_step["low-level"]), microseconds(per_step["numpy"]),
                f"**{to_low_level.median:.2f}**", to_low_level.spread(), f"{to_numpy.median:.2f}",
                f"<= {FIT_TARGET:.2f}", met], to_low_level.noisy()
    old_to_low_level = Ratio.of(per_step["old", "fit"], per_step["old", "low-level"])
    new_to_old = Ratio.of(per_step["fit"], per_step["old", "fit"])
    return [f"{key}, {problem.epoch_batches} batches of {problem.batch}", microseconds(per_step["fit"]),
            microseconds(per_step["old", "fit"]), to_low_level.cell(bold=True), old_to_low_level.cell(),
            f"**{new_to_old.median:.2f}**", new_to_old.spread(), f"<= {FIT_TARGET:.2f}",
            met], to_low_level.noisy() or new_to_old.noisy()


OWN_MODEL_TARGET = 1.05  # issue 23: a graph or a subclass costs no more than 5% over the same Sequential


def time_own_models(key: str, settings: Settings) -> tuple[list[list[str]], bool]:
    """Rows: a model.fit epoch of the same network as a functional graph and as a Model subclass, against the same
    epoch as a Sequential (the working tree only: older revisions may not have these models)."""
    problem = FIT_PROBLEMS[key]()
    fits = {how: KerasFitMLP(problem, how=how) for how in ("sequential", "functional", "subclassed")}
    reference = NumpyMLP(FIT_PROBLEMS[key]())
    reference.epoch()
    for how in fits:  # each ends one epoch with the weights of the hand-written numpy epoch
        check = KerasFitMLP(FIT_PROBLEMS[key](), how=how)
        check.epoch()
        difference = relative_difference(check.result(), reference.result())
        if not difference <= 1e-5:
            raise AssertionError(f"{key}: one model.fit epoch of the {how} model differs from the numpy epoch by "
                                 f"{difference:.3g}")
    block = steps_per_block(fits["sequential"].epoch, settings.block_seconds)
    gc.collect()
    epochs = time_interleaved({how: fit.epoch for how, fit in fits.items()}, block, settings.rounds,
                              settings.warmup_rounds)
    rows, noisy = [], False
    for how in ("functional", "subclassed"):
        ratio = Ratio.of(epochs[how], epochs["sequential"])
        noisy = noisy or ratio.noisy()
        rows.append([f"{key}, {how}", microseconds(epochs[how] / problem.epoch_batches),
                     microseconds(epochs["sequential"] / problem.epoch_batches), f"**{ratio.median:.2f}**",
                     ratio.spread(), f"<= {OWN_MODEL_TARGET:.2f}",
                     "yes" if ratio.median <= OWN_MODEL_TARGET else "**no**"])
    return rows, noisy


# ----------------------------------------------------------------------------------------------------------------
# Second order: one Hessian-vector product of W2's loss against one gradient of it
# ----------------------------------------------------------------------------------------------------------------
HVP_TARGET = 5.0  # an HVP is two backward passes, one of them recorded: within 5 gradients
HVP_HOW = {
    "backward": "tinygrad_acts: `loss.backward(create_graph=True)`, then `.backward()` of `<grad, v>`",
    "transforms": "tinygrad_acts: `grad` of `w -> <grad(loss)(w), v>` (function transforms)",
    "numpy": "by hand in numpy: Pearlmutter's R-operator (reference, no target)",
}


def check_hvp(side: types.ModuleType = workloads) -> None:
    """Fail loudly, before any timing, unless every HVP (of ``side``, the workloads of one checkout) equals the
    hand-written one and finite differences."""
    side.check_same_hvp(np.float32, rtol=1e-5)
    side.check_same_hvp(np.float64, rtol=1e-9)
    side.check_hvp_against_finite_differences(rtol=1e-6)


def time_hvp(settings: Settings, against: Against | None = None) -> tuple[list[list[str]], str, bool]:
    """The rows of the HVP table, a line comparing the HVPs with the hand-written one, and whether it was noisy.
    Each HVP is measured in gradients of the same implementation, timed in the same rounds."""
    problem = hvp_problem()
    implementations = {name: make(problem) for name, make in HVP_IMPLEMENTATIONS.items()}
    calls = {(name, quantity): getattr(implementation, quantity)
             for name, implementation in implementations.items() for quantity in ("gradient", "hvp")}
    old = None
    if against is not None:  # the hand-written numpy is the same code on both sides: timed once
        old = {(name, quantity): getattr(make(problem), quantity)
               for name, make in against.workloads.HVP_IMPLEMENTATIONS.items() if name != "numpy"
               for quantity in ("gradient", "hvp")}
    # blocks of half the usual length, counted in gradients (the unit): a round runs six blocks (ten with
    # --against), half of them HVPs of about four gradients each; this keeps the table to a quarter of a minute
    # in the full run
    block = steps_per_block(implementations["backward"].gradient, settings.block_seconds / 2)
    gc.collect()
    times = time_interleaved(beside(calls, old), block, settings.rounds, settings.warmup_rounds)
    rows, noisy = [], False
    for name, how in HVP_HOW.items():
        ratio = Ratio.of(times[name, "hvp"], times[name, "gradient"])
        target = name != "numpy"
        goal = [f"<= {HVP_TARGET:.2f}" if target else "–",
                ("yes" if ratio.median <= HVP_TARGET else "**no**") if target else "–"]
        noisy |= target and ratio.noisy()
        if against is None:
            rows.append([f"W2: {how}", microseconds(times[name, "hvp"]), microseconds(times[name, "gradient"]),
                         f"**{ratio.median:.2f}**" if target else f"{ratio.median:.2f}", ratio.spread(), *goal])
        elif not target:
            rows.append([f"W2: {how}", microseconds(times[name, "hvp"]), "–", ratio.cell(), "–", "–", "–", *goal])
        else:
            old_hvp = times["old", (name, "hvp")]
            old_ratio = Ratio.of(old_hvp, times["old", (name, "gradient")])
            new_to_old = Ratio.of(times[name, "hvp"], old_hvp)
            rows.append([f"W2: {how}", microseconds(times[name, "hvp"]), microseconds(old_hvp),
                         ratio.cell(bold=True), old_ratio.cell(), f"**{new_to_old.median:.2f}**",
                         new_to_old.spread(), *goal])
            noisy |= new_to_old.noisy()
    to_numpy = [f"{Ratio.of(times[name, 'hvp'], times['numpy', 'hvp']).median:.2f} ({name})"
                for name in HVP_HOW if name != "numpy"]
    gradients = Ratio.of(times["transforms", "gradient"], times["backward", "gradient"])
    line = (f"tinygrad_acts HVP / hand-written numpy HVP: {' and '.join(to_numpy)}; a gradient through the "
            f"transforms / through `backward()`: {gradients.median:.2f} ({gradients.spread()}).")
    return rows, line if against is None else f"In the working tree: {line}", noisy


# ----------------------------------------------------------------------------------------------------------------
# Callbacks and diagnostics: model.fit on W2 with callbacks, against the same fit without any
# ----------------------------------------------------------------------------------------------------------------
def callback_problem(dtype=np.float32) -> MLPProblem:
    """W2 with an epoch of 20 batches: LayerStats(every=10) records steps 0 and 10 of each fit, one step in ten
    (its count starts again at each fit)."""
    return MLPProblem((64, 128, 128, 10), "relu", "cross_entropy", batch=64, dtype=dtype, epoch_batches=20)


NOTHING_TARGET = 1.02  # "costs nothing measurable": within the noise of a median over rounds
# what fit gets as callbacks=[...]: (description, make the callback from one checkout's workloads, target,
# steps recorded)
CALLBACK_CASES: dict[str, tuple[str, Callable[[types.ModuleType], Any], float, int | None]] = {
    "nothing": ("a `Callback` subclass overriding no hook", lambda side: side.do_nothing_callback(), NOTHING_TARGET,
                None),
    "pass": ("a `Callback` overriding `on_train_batch_begin/end` with `pass`",
             lambda side: side.pass_at_every_batch_callback(), NOTHING_TARGET, None),
    # the project's targets: the exact histograms of every step alone sit near numpy's floor
    "every 1": ("`LayerStats(every=1)`: a record at every step", lambda side: side.layer_stats_callback(1), 1.8, 20),
    "every 10": ("`LayerStats(every=10)`: a record at every 10th step", lambda side: side.layer_stats_callback(10),
                 1.08, 2),
}


def check_callback_cases(side: types.ModuleType = workloads) -> None:
    """Fail loudly, before any timing, if a callback changes the weights fit ends with, or if LayerStats did not
    record the steps it should have (the timing would then measure nothing). ``side``: one checkout's workloads."""
    for description, make_callback, _, recorded in CALLBACK_CASES.values():
        callback = make_callback(side)
        side.check_callbacks_leave_training_alone(callback_problem(), [callback])
        if recorded is not None and len(callback.record.steps) != recorded:
            raise AssertionError(f"{description} recorded {len(callback.record.steps)} of a fit's 20 steps; "
                                 f"expected {recorded}")


CALLBACK_PASSES = (("nothing", "pass"), ("every 1",), ("every 10",))


def callback_fits(side: types.ModuleType, problem: MLPProblem) -> dict[str, Any]:
    """One checkout's fits: without callbacks ("none"), and with each of the cases."""
    fits = {"none": side.KerasFitMLP(problem)}
    fits.update({name: side.KerasFitMLP(problem, [make(side)]) for name, (_, make, _, _) in CALLBACK_CASES.items()})
    return fits


def time_callbacks(settings: Settings, against: Against | None = None) -> tuple[list[list[str]], bool]:
    """The rows of the callbacks table, and whether any was noisy. Every fit is one epoch of 20 batches, measured
    against the fit without callbacks of the same round (and of the same checkout). Each LayerStats case has
    interleaved rounds of its own: in shared rounds, the blocks that ran after LayerStats(every=1) were slowed by
    it (in one run, every=10 showed 1.57 there and 1.25 in rounds of its own)."""
    problem = callback_problem()
    fits = callback_fits(workloads, problem)
    old_fits = None if against is None else callback_fits(against.workloads, problem)
    # blocks of half the usual length (counted in fits without callbacks): LayerStats(every=1) makes its blocks
    # several times longer
    block = steps_per_block(fits["none"].epoch, settings.block_seconds / 2)
    per_step: dict = {}  # name, and (name, 'none'): its baseline; the old side's keyed ("old", ...)
    for names in CALLBACK_PASSES:
        gc.collect()
        old = None if old_fits is None else {name: old_fits[name].epoch for name in ("none", *names)}
        epochs = time_interleaved(beside({name: fits[name].epoch for name in ("none", *names)}, old), block,
                                  settings.rounds, settings.warmup_rounds)
        for name in names:
            per_step[name] = epochs[name] / problem.epoch_batches
            per_step[name, "none"] = epochs["none"] / problem.epoch_batches
            if old is not None:
                per_step["old", name] = epochs["old", name] / problem.epoch_batches
                per_step["old", name, "none"] = epochs["old", "none"] / problem.epoch_batches
    rows, noisy = [], False
    for name, (description, _, target, _) in CALLBACK_CASES.items():
        ratio = Ratio.of(per_step[name], per_step[name, "none"])
        goal = [f"<= {target:.2f}", "yes" if ratio.median <= target else "**no**"]
        noisy |= ratio.noisy()
        if against is None:
            rows.append([description, microseconds(per_step[name]), microseconds(per_step[name, "none"]),
                         f"**{ratio.median:.2f}**", ratio.spread(), *goal])
            continue
        old_ratio = Ratio.of(per_step["old", name], per_step["old", name, "none"])
        new_to_old = Ratio.of(per_step[name], per_step["old", name])
        rows.append([description, microseconds(per_step[name]), microseconds(per_step["old", name]),
                     ratio.cell(bold=True), old_ratio.cell(), f"**{new_to_old.median:.2f}**", new_to_old.spread(),
                     *goal])
        noisy |= new_to_old.noisy()
    return rows, noisy


# ----------------------------------------------------------------------------------------------------------------
# Memory: a step's graph must be freed after backward, so nothing grows across steps
# ----------------------------------------------------------------------------------------------------------------
def resident_memory_mib() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MiB: VmRSS and VmHWM from /proc on Linux; elsewhere
    only the peak is known (getrusage), and is given for both."""
    try:
        with open("/proc/self/status") as status:
            fields = dict(line.split(":", 1) for line in status if ":" in line)
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024
    except (OSError, KeyError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
        peak_mib = peak / 2**20 if sys.platform == "darwin" else peak / 1024
        return peak_mib, peak_mib


def live_tensors() -> int:
    # type(), not isinstance(): isinstance reads __class__, which on some objects of other libraries is a deprecated
    # property that warns (torch.distributed.reduce_op)
    return sum(1 for obj in gc.get_objects() if type(obj) is tinygrad_acts.Tensor)


def memory_check(steps: int) -> list[str]:
    """Train W2 for ``steps`` steps; report resident memory after a tenth of them and at the end."""
    workload = next(w for w in WORKLOADS if w.key == "W2")
    model = workload.tinygrad(workload.make_problem())
    checkpoints = {max(1, steps // 10), steps}
    lines, readings = [], []
    for step in range(1, steps + 1):
        model.step()
        if step in checkpoints:
            gc.collect()
            current, peak = resident_memory_mib()
            readings.append((current, peak))
            lines.append(f"- after {step:,} W2 steps: resident {current:.1f} MiB, peak {peak:.1f} MiB, "
                         f"{live_tensors()} live Tensors")
    growth = readings[-1][1] - readings[0][1]
    flat = growth < 1.0  # MiB; one step's graph of W2 is a few hundred KiB, so a leak shows within 1,000 steps
    lines.append(f"- peak growth between the two: {growth:.1f} MiB: {'flat' if flat else '**growing**'}")
    return lines


def layer_stats_memory_check(steps: int) -> list[str]:
    """One model.fit of W2 for ``steps`` steps (rounded up to whole epochs of 20) with LayerStats(every=1): the
    record grows by a few KB per step by design (scalars and histograms); a step's graph or activations kept by
    mistake would add hundreds of KiB per step. Reports resident memory after a tenth of the steps and at the end."""
    from tinygrad_acts.callbacks import Callback

    problem = callback_problem()
    epochs = -(-steps // problem.epoch_batches)
    steps = epochs * problem.epoch_batches
    checkpoints = (max(1, steps // 10), steps)
    readings: list[tuple[float, float]] = []

    class ResidentMemory(Callback):  # reads resident memory in the middle of the one fit
        step = 0

        def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
            self.step += 1
            if self.step in checkpoints:
                gc.collect()
                readings.append(resident_memory_mib())

    stats = layer_stats_callback(1)
    fit = KerasFitMLP(problem, [stats, ResidentMemory()])
    fit.epoch(epochs)
    record = stats.record
    per_step = record.nbytes / len(record.steps)
    layers, weights = len(record.layer_names), len(record.weight_names)
    growth = (readings[1][0] - readings[0][0]) * 2**20 / (checkpoints[1] - checkpoints[0])  # bytes per step
    # a step's activations alone (64 x 128 floats per hidden layer) are 32 KiB each: a leak would show far above
    bounded = growth < 10 * per_step
    return [f"- the record: {len(record.steps):,} steps x {layers} layers, {weights} weights: "
            f"{record.nbytes / 2**20:.1f} MiB, {per_step:,.0f} bytes per step (8 + 952 L + 24 W = "
            f"{8 + 952 * layers + 24 * weights:,})",
            *[f"- after {step:,} steps: resident {current:.1f} MiB, peak {peak:.1f} MiB"
              for step, (current, peak) in zip(checkpoints, readings, strict=True)],
            f"- resident growth between the two: {growth:,.0f} bytes per step "
            f"({growth / per_step:.1f}x the record's): "
            f"{'only the record grows' if bounded else '**more than the record grows**'}"]


# ----------------------------------------------------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------------------------------------------------
def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas_description() -> str:
    """The BLAS numpy was built with, and its threads if threadpoolctl happens to be installed."""
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        text = f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # show_config's layout is not a stable API
        text = "unknown BLAS"
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return text
    pools = [f"{p['internal_api']} {p.get('num_threads')} threads"
             for p in threadpool_info() if p["user_api"] == "blas"]
    return f"{text} ({', '.join(pools)})" if pools else text


def machine_description(with_torch: bool) -> list[str]:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    lines = [f"- date: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
             f"- CPU: {cpu_model()}, {os.cpu_count()} cores ({usable} usable by this process)",
             f"- Python {platform.python_version()}, numpy {np.__version__}, BLAS: {blas_description()}"]
    if hasattr(os, "getloadavg"):  # other processes on the same cores make BLAS threads wait: say if there were any
        lines.append(f"- load average before the run: {os.getloadavg()[0]:.2f} (1 minute)")
    if with_torch:
        import torch

        lines.append(f"- PyTorch {torch.__version__} ({torch.get_num_threads()} threads)")
    return lines


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer and shorter rounds: under a minute")
    parser.add_argument("--memory", action="store_true", help="only the memory check")
    parser.add_argument("--rounds", type=int, help="timed rounds per workload (default 60, or 15 with --quick)")
    parser.add_argument("--block-ms", type=float, help="length of one timed block of numpy steps, in ms")
    parser.add_argument("--workloads", default="W1,W2,W3,M1", help="which workloads, comma-separated")
    parser.add_argument("--memory-steps", type=int, help="steps of the memory check (default 10,000; 0 skips it)")
    parser.add_argument("--stats-memory-steps", type=int,
                        help="steps of the LayerStats(every=1) memory check (default 10,000, or 1,000 with --quick; "
                             "0 skips it)")
    parser.add_argument("--no-fit", action="store_true", help="skip the model.fit rows")
    parser.add_argument("--no-hvp", action="store_true", help="skip the Hessian-vector product table")
    parser.add_argument("--no-callbacks", action="store_true", help="skip the callbacks and diagnostics table")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out even if it is installed")
    parser.add_argument("--against", metavar="REV",
                        help="also time REV's tinygrad_acts (any git revision: HEAD~3, a branch, a hash) in the same "
                             "rounds, and report new / old ratios")
    parser.add_argument("--readme", metavar="PATH",
                        help="also write the report into PATH (the README) between its two benchmark markers")
    return parser.parse_args(argv)


README_START = "<!-- benchmark report: written by `python benchmarks/train_step.py --readme README.md` -->"
README_END = "<!-- end of benchmark report -->"


def write_into_readme(path: str, report: str) -> None:
    """Replace what stands between the README's two markers with this run's report, so the README's numbers are
    the ones the script printed (the README names the command; nobody types them in)."""
    text = pathlib.Path(path).read_text()
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise SystemExit(f"--readme: {path} has no region between the lines {README_START!r} and {README_END!r}")
    report = re.sub(r"^(#+) ", r"#\1 ", report, flags=re.MULTILINE)  # its headings one level down, under Speed
    pathlib.Path(path).write_text(text[:start + len(README_START)] + "\n\n" + report.strip() + "\n\n" + text[end:])
    print(f"wrote the report into {path}")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.readme is not None and args.against is not None:
        raise SystemExit("--readme writes the README's report of the working tree alone; run --against REV "
                         "without --readme")
    if args.readme is None:
        return run(args, argv)
    report = io.StringIO()
    with contextlib.redirect_stdout(Tee(sys.stdout, report)):
        status = run(args, argv)
    write_into_readme(args.readme, report.getvalue())
    return status


class Tee(io.TextIOBase):
    """A stream that writes to two: the terminal and the report for the README."""

    def __init__(self, *streams: TextIO):
        self.streams = streams

    def write(self, text: str) -> int:
        for stream in self.streams:
            stream.write(text)
        return len(text)

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()


def run(args: argparse.Namespace, argv: Sequence[str] | None) -> int:
    settings = QUICK if args.quick else FULL
    settings = Settings(rounds=args.rounds or settings.rounds, warmup_rounds=settings.warmup_rounds,
                        block_seconds=args.block_ms / 1000 if args.block_ms else settings.block_seconds,
                        memory_steps=settings.memory_steps if args.memory_steps is None else args.memory_steps,
                        stats_memory_steps=(settings.stats_memory_steps if args.stats_memory_steps is None
                                            else args.stats_memory_steps))
    with_torch = torch_available() and not args.no_torch
    command = " ".join(["python benchmarks/train_step.py", *(sys.argv[1:] if argv is None else argv)])
    against = None if args.against is None else load_against(args.against)

    print("## tinygrad_acts training step against hand-written numpy\n")
    print("\n".join(machine_description(with_torch)))
    print(f"- command: `{command}`\n")
    if against is not None:
        print(f"Old against new: **new** is the working tree, **old** is `{args.against}` = {against.label} (its "
              f"tinygrad_acts/ exported by git archive and imported in this process beside the working tree's). "
              f"Both are timed in the same interleaved rounds, after the same checks; **new / old** is the median of "
              f"the per-round ratio of their times (below 1: the working tree is faster), with its IQR. A cell "
              f"\"1.23 (1.20–1.26)\" is a median ratio with its IQR.\n")

    if not args.memory:
        by_key = {w.key: w for w in WORKLOADS}
        unknown = [key for key in args.workloads.split(",") if key.strip() not in by_key]
        if unknown:
            raise SystemExit(f"--workloads: unknown {', '.join(unknown)}; expected some of {', '.join(by_key)}")
        chosen = [by_key[key.strip()] for key in args.workloads.split(",")]
        for workload in chosen:
            check_workload(workload, with_torch, against)
        print(f"One step of each implementation gives the same weights as the hand-written numpy step "
              f"(relative 1e-5 in float32, 1e-9 in float64). Median over {settings.rounds} interleaved rounds.\n")
        if against is None:
            header = ["workload", "tinygrad_acts µs/step", "numpy µs/step", "ratio (median)", "ratio IQR", "target",
                      "met?"]
        else:
            header = ["workload", "new µs/step", "old µs/step", "numpy µs/step", "new / numpy (IQR)",
                      "old / numpy (IQR)", "new / old (median)", "new / old IQR", "target", "met? (new)"]
        if with_torch:
            header += ["PyTorch µs/step", "PyTorch ratio (IQR)"]
        rows: Sequence[Sequence[str]]  # one table after another: a tuple from zip, then lists
        noisy: Any  # a flag per row, or one flag
        rows, noisy = zip(*[time_workload(w, settings, with_torch, against) for w in chosen], strict=True)
        print("\n".join(markdown_table(header, rows)))
        print(NOISY if any(noisy) else "")

        if not args.no_fit:
            print("### The public API: one `model.fit` epoch against the same loop, low-level and by hand\n")
            if against is None:
                header = ["workload", "model.fit µs/step", "low-level µs/step", "numpy µs/step",
                          "fit / low-level (median)", "IQR", "fit / numpy", "target", "met?"]
            else:
                header = ["workload", "new model.fit µs/step", "old model.fit µs/step", "new fit / low-level (IQR)",
                          "old fit / low-level (IQR)", "new / old fit (median)", "new / old IQR", "target",
                          "met? (new)"]
            rows, noisy = zip(*[time_fit(key, settings, against) for key in FIT_PROBLEMS], strict=True)
            print("\n".join(markdown_table(header, rows)))
            if any(noisy):
                print(NOISY)
            print()

        if not args.no_fit:
            print("### Models of your own: the same `model.fit` epoch as a functional graph and as a `Model` "
                  "subclass, against a Sequential\n")
            print(f"Each model ends its epoch with the weights of the hand-written numpy epoch. The working tree only. "
                  f"Median over {settings.rounds} interleaved rounds of the per-round ratio.\n")
            header = ["workload, model", "model.fit µs/step", "Sequential µs/step", "model / Sequential (median)",
                      "IQR", "target", "met?"]
            tables, noisy = zip(*[time_own_models(key, settings) for key in FIT_PROBLEMS], strict=True)
            print("\n".join(markdown_table(header, [row for rows in tables for row in rows])))
            print(NOISY if any(noisy) else "")

        if not args.no_hvp:
            print("### Second order: a Hessian-vector product of W2's loss, against one gradient of it\n")
            # besides failing loudly, the check frees arrays over 128 KiB, which raises glibc malloc's trim threshold
            # as in any long-running program; in a fresh process every HVP would page-fault its memory back (~20%)
            check_hvp()
            if against is not None:
                against.check("HVPs", lambda: check_hvp(against.workloads))
            print(f"H v, with H the Hessian of W2's loss in all the weights and v a fixed random direction, equals the "
                  f"hand-written numpy HVP (relative 1e-5 in float32, 1e-9 in float64) and finite differences of the "
                  f"gradient (1e-6, float64). Median over {settings.rounds} interleaved rounds.\n")
            if against is None:
                header = ["how", "HVP µs", "gradient µs", "HVP / gradient (median)", "IQR", "target", "met?"]
            else:
                header = ["how", "new HVP µs", "old HVP µs", "new HVP / gradient (IQR)", "old HVP / gradient (IQR)",
                          "new / old HVP (median)", "new / old IQR", "target", "met? (new)"]
            rows, line, noisy = time_hvp(settings, against)
            print("\n".join(markdown_table(header, rows)))
            print(f"\n{line}")
            print(NOISY if noisy else "")

        if not args.no_callbacks:
            print("### Callbacks and diagnostics: `model.fit` on W2 with callbacks, against the same fit without\n")
            check_callback_cases()
            if against is not None:
                against.check("callbacks", lambda: check_callback_cases(against.workloads))
            print(f"Each fit is one epoch of 20 batches of 64 and ends with exactly the weights of the fit without "
                  f"callbacks. Median over {settings.rounds} interleaved rounds of the per-round ratio.\n")
            if against is None:
                header = ["callbacks=[...]", "model.fit µs/step", "without callbacks µs/step", "ratio (median)",
                          "IQR", "target", "met?"]
            else:
                header = ["callbacks=[...]", "new model.fit µs/step", "old model.fit µs/step",
                          "new / without (IQR)", "old / without (IQR)", "new / old (median)", "new / old IQR",
                          "target", "met? (new)"]
            rows, noisy = time_callbacks(settings, against)
            print("\n".join(markdown_table(header, rows)))
            print(NOISY if noisy else "")

    if against is not None and (settings.memory_steps > 0 or settings.stats_memory_steps > 0):
        print(f"The memory checks below measure the working tree only: they are not compared with {against.label}.\n")
    if settings.memory_steps > 0:
        print(f"### Memory: {settings.memory_steps:,} training steps of W2\n")
        print("\n".join(memory_check(settings.memory_steps)))
        print()
    if settings.stats_memory_steps > 0:
        print(f"### Memory: {settings.stats_memory_steps:,} steps of `model.fit` on W2 recorded by "
              f"`LayerStats(every=1)`\n")
        print("\n".join(layer_stats_memory_check(settings.stats_memory_steps)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
