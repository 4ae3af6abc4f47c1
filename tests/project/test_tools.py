"""The tools engineers use, run by the test command: ruff (lint) and mypy (types), with the settings in
pyproject.toml, on the whole repository; no import cycle inside the package; and the test suite's own layout.

Without ruff or mypy installed (they come with the test extra) the tool tests are skipped; under CI they must run.
"""
import ast
import graphlib
import importlib.util
import os
import pathlib
import re
import subprocess
import sys

import pytest
from helpers import ROOT, SLOW_FILES, TESTS


def run_tool(module: str, *args: str) -> subprocess.CompletedProcess:
    """``python -m module args`` in the repository root, or a skip that says how to get the tool; under CI (which
    installs the test extra) it must be there."""
    if importlib.util.find_spec(module) is None and not os.environ.get("CI"):
        pytest.skip(f'{module} is not installed: pip install -e ".[test]"')
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)


def test_ruff_finds_nothing():
    result = run_tool("ruff", "check", "--no-cache", ".")  # the rules in [tool.ruff]; no cache to keep in the repo
    assert result.returncode == 0, f"ruff check reports:\n{result.stdout}{result.stderr}"


def test_mypy_finds_nothing():
    result = run_tool("mypy")  # the files and settings in [tool.mypy]; the cache (.mypy_cache) makes reruns fast
    assert result.returncode == 0, f"mypy reports:\n{result.stdout}{result.stderr}"


def package_imports() -> dict[str, set[str]]:
    """{module: the package's modules it imports}, by dotted name ('engine.shapes'), for every module of the package
    and its subpackages. Every relative import counts, also one inside a function; ``import x`` of a package's
    module as ``from . import x`` names that module."""
    package = ROOT / "tinygrad_acts"
    modules = {".".join(path.relative_to(package).with_suffix("").parts): path for path in package.rglob("*.py")}
    imports: dict[str, set[str]] = {}
    for name, path in modules.items():
        parts = name.split(".")
        here = parts[:-1] if parts[-1] != "__init__" else parts[:-1]
        imports[name] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for block in ast.walk(tree):  # imports for type checkers only are never run: they make no cycle
            if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING":
                block.body = []
        for node in ast.walk(tree):
            if not (isinstance(node, ast.ImportFrom) and node.level >= 1):
                continue
            base = here[:len(here) - (node.level - 1)]
            start = base + (node.module.split(".") if node.module else [])
            targets = [start + [alias.name] for alias in node.names] + ([start] if node.module else [])
            for target in targets:
                dotted = ".".join(target)
                # the module, or a package's __init__; importing a.b runs a's __init__ first, unless the importer
                # is inside a (a package's __init__ imports its own modules: they run after it, not before)
                packages = [".".join(target[:i] + ["__init__"]) for i in range(1, len(target))
                            if target[:i] != parts[:i]]
                for candidate in (dotted, dotted + ".__init__", *packages):
                    if candidate in modules and candidate != name:
                        imports[name].add(candidate)
    return imports


def test_the_package_has_no_import_cycle():
    """Dependencies go downward (CONTRIBUTING.md): tensor.py at the bottom, the engine's rooms above it, layers, models,
    training, saving and drawing above those, diagnostics, collapse and the playground on top. A package's
    __init__ that gathers its modules' names counts as above them."""
    try:
        list(graphlib.TopologicalSorter(package_imports()).static_order())
    except graphlib.CycleError as error:
        pytest.fail(f"tinygrad_acts has an import cycle: {' -> '.join(error.args[1])}")


def test_the_mutation_testing_settings_name_files_that_exist():
    """[tool.mutmut] (README, "Tests that catch a broken framework"): a renamed module or test file would make the
    next run silently mutate or run less."""
    tomllib = pytest.importorskip("tomllib", reason="reading pyproject.toml needs Python 3.11's tomllib")
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    for path in settings["only_mutate"] + settings["also_copy"]:
        assert (ROOT / path).exists(), path
    ignored = [arg.split("=", 1)[1] for arg in settings["pytest_add_cli_args_test_selection"]
               if arg.startswith("--ignore=")]
    assert ignored and all((ROOT / path).exists() for path in ignored), ignored
    core = {"tensor.py", "gradcheck.py", "activations.py", "losses.py", "functions.py", "metric.py", "reduction.py",
            "confusion.py", "optimizers.py", "initializers.py", "layers.py", "sequential.py", "training.py", "data.py",
            "callbacks.py", "collapse.py"}
    assert core <= {pathlib.Path(path).name for path in settings["only_mutate"]}
    assert "not warning_location" in settings["pytest_add_cli_args"]


def test_tests_of_where_a_warning_points_are_marked_for_mutmut_to_leave_out():
    """mutmut calls every mutated function through a trampoline, one frame deeper: a warning's stacklevel then names
    mutmut's file, and `mutmut run` stops on the first failing test before it mutates anything."""
    unmarked, needle = [], ".filename == " + "__file__"  # spelled in two parts, so this test does not find itself
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_") and \
                    needle in ast.unparse(node) and \
                    "pytest.mark.warning_location" not in [ast.unparse(d) for d in node.decorator_list]:
                unmarked.append(f"{path.name}::{node.name}")
    assert unmarked == [], unmarked


def test_the_reviewed_mutation_survivors_name_functions_that_exist():
    """docs/mutation-equivalents.md: a renamed or deleted function leaves stale lines; they must be reread."""
    text = (ROOT / "docs" / "mutation-equivalents.md").read_text(encoding="utf-8")
    names = [line[2:].split(":", 1)[0] for line in text.splitlines() if line.startswith("- tinygrad_acts.")]
    assert len(names) > 300 and len(names) == len(set(names))  # a sanity bound: the list was parsed
    defined: dict[str, set[str]] = {}
    missing = []
    for name in names:
        module, mangled = name.rsplit(".", 1)  # tinygrad_acts.engine.shapes, x_pad__mutmut_15
        if module not in defined:
            path = ROOT / f"{module.replace('.', '/')}.py"
            path = path if path.exists() else path.with_suffix("") / "__init__.py"  # a package's own functions
            tree = ast.parse(path.read_text(encoding="utf-8"))
            defined[module] = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)} | {
                f"{node.name}.{item.name}" for node in tree.body if isinstance(node, ast.ClassDef)
                for item in node.body if isinstance(item, ast.FunctionDef)}
        function = mangled.rsplit("__mutmut_", 1)[0]  # x_name or xǁClassǁmethod
        function = ".".join(function[2:].split("ǁ")) if function.startswith("xǁ") else function[2:]
        if function not in defined[module]:
            missing.append(name)
    assert missing == [], missing


def private_names_used_elsewhere() -> list[str]:
    """'module:line: name' for each private name (a leading underscore, not a dunder) that a module of the package
    imports or reads as an attribute without defining it itself: a name private to another module, or to another
    library. A module defines a name by a def, a class, an assignment, or ``self.name = ...``."""
    def private(name: str) -> bool:
        return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))

    found = []
    for path in sorted((ROOT / "tinygrad_acts").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined: set[str] = set()
        used: list[tuple[str, ast.AST]] = []
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                defined.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                defined.add(node.id)
            elif isinstance(node, ast.Attribute):
                (defined.add(node.attr) if isinstance(node.ctx, ast.Store) else used.append((node.attr, node)))
            elif isinstance(node, ast.ImportFrom):
                used += [(alias.name, node) for alias in node.names]
            elif isinstance(node, ast.Assign) and isinstance(node.value, (ast.Tuple, ast.List)):
                defined.update(str(e.value) for e in node.value.elts if isinstance(e, ast.Constant))  # __slots__
        found += [f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}: {name}" for name, node in used
                  if private(name) and name not in defined]
    return found


def test_no_private_name_crosses_a_module_boundary():
    """CONTRIBUTING.md: a module uses only the public names of another (what a learner writing their own op, layer or
    callback can use too). The one exception is numpy's own: __array_function__ hands a function numpy does not
    dispatch back to numpy's implementation."""
    assert [entry for entry in private_names_used_elsewhere() if not entry.endswith(": _implementation")] == []


def test_an_op_enters_the_graph_only_through_record():
    """The one public way to define an op (tensor.record) is the way the package's own modules use: no module but
    tensor.py makes a Tensor without __init__, and only the engine's two documented tricks set a tensor's history
    after the fact (higher_order: the scatter of a recorded backward pass; transforms: a stand-in joined to the
    input it stood in for)."""
    makers, history = [], []
    for path in sorted((ROOT / "tinygrad_acts").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        name = str(path.relative_to(ROOT / "tinygrad_acts"))
        if "Tensor.__new__" in source and name != "tensor.py":
            makers.append(name)
        if re.search(r"\.(backward_rule|parents)\s*(,[^=\n]*)?=[^=]", source) and name != "tensor.py":
            history.append(name)
    assert makers == []
    assert sorted(history) == ["engine/higher_order.py", "transforms.py"]


def test_every_slow_file_exists_and_test_file_names_are_unique():
    """helpers.SLOW_FILES names files by their path under tests/: a moved or renamed file would silently join the
    quick loop. Test folders have no __init__.py, so pytest imports each file by its name alone: two files of one
    name in two folders would collide."""
    files = sorted(path.relative_to(TESTS).as_posix() for path in TESTS.rglob("test_*.py")
                   if "keras_snippets" not in path.parts)
    assert SLOW_FILES <= set(files), SLOW_FILES - set(files)
    names = [pathlib.PurePosixPath(path).name for path in files]
    assert len(names) == len(set(names)), sorted(name for name in names if names.count(name) > 1)
