"""Every demo is also a notebook: its ``# %%`` script, converted by jupytext, runs top to bottom in a real Jupyter
kernel (nbclient), and shows its figures inline.

The training demos run in their --quick mode, which a notebook takes from the environment variable DEMO_ARGS
(demos/_common.py); the figures go to a temporary folder. A cell that raises fails the test, and so does a warning
printed by a cell. Without the notebook packages (the test extra) the tests are skipped; under CI they must run.
"""
import importlib
import os
import pathlib
import re
import sys

import pytest
from helpers import DEMOS

NOTEBOOKS = sorted(path.name for path in DEMOS.glob("*.py")
                   if not path.name.startswith("_") and path.name != "run_all.py")  # run_all runs the scripts
CELL_TIMEOUT = 180  # seconds for one cell; the slowest demo takes about 20 s in all


def need(module: str):
    """The module, or a skip that says how to get it; under CI (which installs the test extra) it must be there."""
    if os.environ.get("CI"):
        return importlib.import_module(module)
    return pytest.importorskip(module, reason=f"running the demos as notebooks needs {module.split('.')[0]}: "
                                              f'pip install -e ".[test]"')


@pytest.fixture(scope="module")
def kernel_specs(tmp_path_factory) -> pathlib.Path:
    """A folder with one kernel spec, python3, that starts this Python (sys.executable, the venv's): not whatever
    python3 kernel the machine has installed for itself."""
    kernelspec = need("ipykernel.kernelspec")
    folder = tmp_path_factory.mktemp("kernels")
    kernelspec.write_kernel_spec(folder / "python3")
    return folder


def run_notebook(script: str, kernel_specs: pathlib.Path, out: pathlib.Path):
    """The demo converted to a notebook and executed in a fresh python3 kernel, started in demos/ (the demos import
    their neighbour _common) with DEMO_ARGS="--quick --out <out>". A last cell reports matplotlib's backend and the
    kernel's Python."""
    jupytext = need("jupytext")
    nbclient = need("nbclient")
    nbformat = need("nbformat")
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    notebook = jupytext.read(DEMOS / script)
    report = "import sys, matplotlib\nprint(matplotlib.get_backend())\nprint(sys.executable)"
    notebook.cells.append(nbformat.v4.new_code_cell(report))
    manager = AsyncKernelManager(kernel_name="python3",
                                 kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernel_specs)]))
    client = nbclient.NotebookClient(notebook, km=manager, timeout=CELL_TIMEOUT,
                                     resources={"metadata": {"path": str(DEMOS)}})
    # cleanup_kc: shut the kernel down and close its sockets, although we made its manager; a failing cell raises
    client.execute(cleanup_kc=True, env={**os.environ, "DEMO_ARGS": f"--quick --out {out}"})
    return notebook


def outputs(notebook, output_type: str | None = None) -> list:
    return [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
            if output_type is None or output.output_type == output_type]


@pytest.mark.parametrize("script", NOTEBOOKS)
def test_demo_runs_as_a_notebook_and_shows_its_figures_inline(script, kernel_specs, tmp_path):
    notebook = run_notebook(script, kernel_specs, tmp_path)

    streams = outputs(notebook, "stream")
    stdout = "".join(output.text for output in streams if output.name == "stdout")
    stderr = "".join(output.text for output in streams if output.name == "stderr")
    assert "Warning" not in stderr, stderr
    backend, executable = stdout.rstrip().split("\n")[-2:]
    assert executable == sys.executable  # the kernel ran this Python, with this Python's packages
    assert "inline" in backend  # the demo did not force the file-only Agg backend on the notebook

    written = re.findall(r"^wrote (\S+\.png)", stdout, flags=re.MULTILINE)
    assert written, "the demo wrote no figure"
    assert {pathlib.Path(path).parent for path in written} == {tmp_path}  # --out from DEMO_ARGS was read
    assert all(pathlib.Path(path).stat().st_size > 1000 for path in written)
    pictures = [output for output in outputs(notebook) if output.output_type in ("display_data", "execute_result")
                and {"image/png", "image/svg+xml"} & set(output.data)]
    assert len(pictures) == len(written)  # each figure once, inline, where it was made
    assert not any("<Figure size" in output.data.get("text/plain", "") for output in pictures)


def test_the_notebooks_are_made_from_the_scripts_and_their_cells():
    """One source of truth: the script's # %% cells and markdown cells become the notebook's cells."""
    jupytext = need("jupytext")
    notebook = jupytext.read(DEMOS / "first_gradient.py")
    assert [cell.cell_type for cell in notebook.cells][:2] == ["markdown", "code"]
    assert notebook.cells[0].source.startswith("# A first gradient")
    assert any("parse_args(" in cell.source for cell in notebook.cells if cell.cell_type == "code")


def test_the_readme_names_the_command_that_makes_the_notebooks():
    readme = (DEMOS.parent / "README.md").read_text()
    assert "python demos/run_all.py --notebooks" in readme and "DEMO_ARGS" in readme
