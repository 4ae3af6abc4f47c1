"""The README's examples run, in order, as a reader would paste them: the README cannot drift from the code."""
import re

import pytest
from helpers import ROOT

README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)


def test_the_readme_has_examples():
    assert len(BLOCKS) >= 5


def test_every_python_example_runs(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples write files (xor.npz, graph.png, model.png): keep them out of the checkout
    namespace: dict = {}
    for block in BLOCKS:
        exec(compile(block, "README.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert (tmp_path / "xor.npz").exists() and (tmp_path / "graph.png").stat().st_size > 0
    assert (tmp_path / "model.png").stat().st_size > 0
    assert "tanh" in out  # the NotLinearError message names the layer's activation
    assert namespace["history"].history["accuracy"][-1] == 1.0  # the XOR example learns XOR


@pytest.mark.parametrize("command", ['python -m pip install -e ".[demos]" && python demos/run_all.py',
                                     'python -m pip install -e ".[test]" && python -m pytest'])
def test_the_quickstart_commands_are_in_the_readme_and_ci_runs_the_test_command(command):
    assert f"```bash\n{command}\n```" in README
    if "pytest" in command:
        ci = (ROOT / ".ci" / "run").read_text()
        assert command in ci.splitlines()


def test_every_figure_the_readme_shows_exists():
    root = ROOT
    for link in re.findall(r"\((docs/[^)]+)\)", README):
        assert (root / link).exists(), link
