"""docs/reading-guide.md cannot drift from the code: its worked example's numbers are recomputed here with
tinygrad_acts and with the calculus, its Python examples run as doctests, its links lead to files that exist, and
it mentions every module and every demo."""
import doctest
import itertools
import pathlib
import re

import numpy as np
import pytest
from helpers import ROOT

from tinygrad_acts import Tensor

GUIDE = ROOT / "docs" / "reading-guide.md"
MARKER = "<!-- worked-example:"


@pytest.fixture(scope="module")
def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def worked_example_table(text: str, marker: str = MARKER) -> dict[str, float]:
    """{quantity: value} from the Markdown table right after the marker comment, e.g. 'df/dx' -> 4.0."""
    after = text.split(marker, 1)[1].split("\n", 1)[1]  # the lines after the marker
    rows = []
    for line in after.splitlines():
        if not line.startswith("|"):
            break  # the table ends at the first line that is not a row
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    header, rule, *body = rows
    assert header[1:3] == ["quantity", "value"] and set(rule[0]) == {"-"}
    return {quantity.strip("`"): float(value) for _, quantity, value, *_ in body}


def test_the_worked_example_has_a_marked_table(guide):
    assert guide.count(MARKER) == 1
    assert len(worked_example_table(guide)) == 10


def test_the_worked_example_numbers_are_what_tinygrad_acts_computes(guide):
    """f(x, y) = x * y + x at (2, 3): every value in the guide's table, taken from the engine's own records."""
    x = Tensor(2.0, requires_grad=True)
    y = Tensor(3.0, requires_grad=True)
    a = x * y
    f = a + x
    a.retain_grad()
    f.retain_grad()
    f.backward(retain_graph=True)  # the rules are run again by hand below
    # run each op's backward rule by hand, as the table does: add's rule gets g = 1, mul's rule gets g = df/da
    df_da, df_dx_through_add = f.backward_rule(np.float32(1.0), f.data, a.data, x.data)
    df_dx_through_mul, df_dy = a.backward_rule(a.grad, a.data, x.data, y.data)
    assert f.parents == (a, x) and a.parents == (x, y)  # the rules' outputs are in this order

    computed = {"x": x.item(), "y": y.item(), "a = x * y": a.item(), "f = a + x": f.item(),
                "df/df": f.grad.item(), "df/da": float(df_da), "df/dx through add": float(df_dx_through_add),
                "df/dx through mul": float(df_dx_through_mul), "df/dy": float(df_dy), "df/dx": x.grad.item()}
    assert worked_example_table(guide) == computed
    assert a.grad.item() == float(df_da) and y.grad.item() == float(df_dy)  # the engine passed on what the rules gave


def test_the_worked_example_numbers_are_the_calculus(guide):
    """The same table from the formulas: f = xy + x, df/dx = y + 1 (y through mul, 1 through add), df/dy = x."""
    table = worked_example_table(guide)
    x, y = table["x"], table["y"]
    assert table["a = x * y"] == x * y and table["f = a + x"] == x * y + x
    assert table["df/df"] == table["df/da"] == table["df/dx through add"] == 1
    assert table["df/dx through mul"] == y and table["df/dy"] == x
    assert table["df/dx"] == table["df/dx through mul"] + table["df/dx through add"] == y + 1


SECOND_MARKER = "<!-- second-derivative-example:"


def test_the_second_derivative_example_has_a_marked_table(guide):
    assert guide.count(SECOND_MARKER) == 1
    assert len(worked_example_table(guide, SECOND_MARKER)) == 11


def test_the_second_derivative_numbers_are_what_tinygrad_acts_records(guide):
    """tanh at 0.5: the recorded backward pass is read off the graph x.grad carries, and the second backward pass
    is run rule by rule, as the guide's table does, then checked against the engine's own second backward."""
    x = Tensor(np.float64(0.5), requires_grad=True)
    out = x.tanh()
    out.backward(create_graph=True)
    slope = x.grad  # g * (1 - out * out), recorded
    seed, one_minus_square = slope.parents
    one, square = one_minus_square.parents
    assert (slope.op, one_minus_square.op, square.op) == ("mul", "sub", "mul")
    assert square.parents == (out, out) and seed.op is None and one.item() == 1  # the rule ran on out itself
    # the second backward pass, one rule at a time, from d slope / d slope = 1
    _, d_one_minus_square = slope.backward_rule(np.float64(1.0), slope.data, seed.data, one_minus_square.data)
    _, d_square = one_minus_square.backward_rule(d_one_minus_square, one_minus_square.data, one.data, square.data)
    d_out_first, d_out_second = square.backward_rule(d_square, square.data, out.data, out.data)
    (d_x,) = out.backward_rule(d_out_first + d_out_second, out.data, x.data)
    x.grad = None
    slope.backward()
    assert x.grad.item() == float(d_x)  # the engine's second backward pass did just that

    computed = {"x": x.item(), "out = tanh(x)": out.item(), "g": seed.item(), "out * out": square.item(),
                "1 - out * out": one_minus_square.item(), "x.grad = g * (1 - out * out)": slope.item(),
                "d x.grad / d(1 - out * out)": float(d_one_minus_square), "d x.grad / d(out * out)": float(d_square),
                "d x.grad / d out, through each use": float(d_out_first),
                "d x.grad / d out": float(d_out_first + d_out_second), "tanh''(0.5)": float(d_x)}
    assert float(d_out_first) == float(d_out_second)  # both inputs of out * out are out
    table = worked_example_table(guide, SECOND_MARKER)
    assert table.keys() == computed.keys()
    for quantity, value in computed.items():
        assert table[quantity] == pytest.approx(value, abs=5e-7), quantity  # the guide rounds to 6 places


def test_the_second_derivative_numbers_are_the_calculus(guide):
    """The same table from the formulas: tanh' = 1 - tanh^2, tanh'' = -2 tanh (1 - tanh^2)."""
    table = worked_example_table(guide, SECOND_MARKER)
    t = np.tanh(table["x"])
    assert table["out = tanh(x)"] == pytest.approx(t, abs=5e-7)
    assert table["x.grad = g * (1 - out * out)"] == table["1 - out * out"] == pytest.approx(1 - t * t, abs=5e-7)
    assert table["d x.grad / d out"] == pytest.approx(-2 * t, abs=5e-7)
    assert table["tanh''(0.5)"] == pytest.approx(-2 * t * (1 - t * t), abs=5e-7)
    assert table["x"] == 0.5 and table["g"] == 1
    assert table["d x.grad / d(1 - out * out)"] == 1 and table["d x.grad / d(out * out)"] == -1  # sub: (g, -g)


def python_blocks(text: str) -> list[tuple[int, str]]:
    """(line number, code) of every ```python block."""
    return [(text[:m.start()].count("\n") + 2, m.group(1)) for m in re.finditer(r"```python\n(.*?)```", text, re.S)]


def test_the_python_examples_run_and_print_what_the_guide_says(guide):
    blocks = python_blocks(guide)
    assert len(blocks) >= 2
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    names: dict = {}  # shared, as a reader runs the blocks one after another in one session
    for line, code in blocks:
        test = parser.get_doctest(code, names, f"reading-guide.md:{line}", str(GUIDE), line)
        assert test.examples, f"the block at line {line} has no >>> examples"
        runner.run(test, clear_globs=False)
        names = test.globs  # get_doctest copied the names: carry on with the copy the block ran in
    assert runner.summarize(verbose=False).failed == 0, "an example in docs/reading-guide.md prints something else"


def test_every_relative_link_leads_to_a_file_that_exists(guide):
    targets = re.findall(r"\]\(([^)\s]+)\)", guide)
    relative = [t for t in targets if not re.match(r"[a-z]+:", t) and not t.startswith("#")]
    assert len(relative) > 20
    missing = [t for t in relative if not (GUIDE.parent / t.split("#")[0]).exists()]
    assert not missing, f"links to files that do not exist: {missing}"


def test_every_module_and_every_demo_is_mentioned(guide):
    modules = sorted(p.name for p in (ROOT / "tinygrad_acts").glob("*.py"))
    demos = sorted(p.name for p in (ROOT / "demos").glob("*.py") if not p.name.startswith("_"))
    assert "tensor.py" in modules and "activation_functions.py" in demos
    text = guide.replace("\\_", "_")  # Markdown escapes: \_\_init\_\_.py
    missing = [name for name in modules + demos if name not in text]
    assert not missing, f"docs/reading-guide.md does not mention {missing}"


def test_the_guide_gives_the_readmes_two_commands(guide):
    for command in ('python -m pip install -e ".[demos]" && python demos/run_all.py',
                    'python -m pip install -e ".[test]" && python -m pytest'):
        assert command in guide


# The guide cites code as `Name` ([file, lines a–b](../path.py#La-Lb)): the range must be exactly that function,
# decorators included, so that an edit which moves the code and not the guide fails here with the right range.
CITATION = re.compile(r"`([\w.]+)`\s*\(\[[^\]]*\]\(\.\./([\w/]+\.py)#L(\d+)-L(\d+)\)\)")
NAMED_FILE = re.compile(r"`([\w.]+)`\s*\(\[[^\]]*\]\(\.\./([\w/]+\.py)\)\)")


def definitions(path: pathlib.Path) -> dict[str, tuple[int, int]]:
    """{'Tensor.backward': (first line, last line), 'record': (...), ...} of a module's functions and classes, with
    their methods under 'Class.method'; the first line is the first decorator's."""
    import ast
    spans: dict[str, tuple[int, int]] = {}

    def walk(body, prefix):
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                spans[prefix + node.name] = (first, node.end_lineno)
                if isinstance(node, ast.ClassDef):
                    walk(node.body, prefix + node.name + ".")

    walk(ast.parse(path.read_text(encoding="utf-8")).body, "")
    return spans


def test_every_cited_line_range_is_the_whole_function_it_names(guide):
    citations = CITATION.findall(guide)
    assert len(citations) >= 10 and len(citations) == guide.count(".py#L"), "a line range without a name before it"
    wrong = []
    for name, path, first, last in citations:
        span = definitions(ROOT / path).get(name)
        if span != (int(first), int(last)):
            wrong.append(f"{name} in {path}: the guide says lines {first}-{last}, the code has "
                         f"{'no such function' if span is None else f'lines {span[0]}-{span[1]}'}")
    assert not wrong, "\n".join(wrong)


def test_every_name_cited_with_its_file_is_defined_there(guide):
    citations = NAMED_FILE.findall(guide)
    assert len(citations) >= 3
    missing = [f"{name} in {path}" for name, path in citations
               if name not in definitions(ROOT / path) and f"def {name}(" not in (ROOT / path).read_text()]
    assert not missing, f"the guide names functions its files do not define: {missing}"


def tanh_path(text: str) -> list[tuple[str, int, int]]:
    rows = list(itertools.takewhile(lambda line: line.startswith("|"),
                                    text.split("<!-- tanh-path:", 1)[1].splitlines()[1:]))
    header, _, *body = ([cell.strip() for cell in row.strip("|").split("|")] for row in rows)
    assert header == ["step", "function", "lines"]
    spans = [(function.strip("`"), lines.split("–")) for _, function, lines in body]
    return [(function, int(first), int(last)) for function, (first, last) in spans]


def test_tanhs_gradient_is_read_in_about_sixty_lines_of_the_core(guide):
    """Issue 20's promise: tanh's gradient understood from ~60 lines in one place, backward beside its loop."""
    path = tanh_path(guide)
    spans = definitions(ROOT / "tinygrad_acts" / "tensor.py")
    assert {name for name, *_ in path} == {"Tensor.tanh", "record", "Tensor.backward", "Tensor.backpropagate"}
    for name, first, last in path:
        assert spans[name] == (first, last), f"{name} is at lines {spans[name]}, the guide says {first}-{last}"
    total = sum(last - first + 1 for _, first, last in path)
    assert total <= 65 and f"That is {total} lines" in guide
    assert spans["Tensor.backpropagate"][0] - spans["Tensor.backward"][1] <= 2  # the loop right after backward
    source = (ROOT / "tinygrad_acts" / "tensor.py").read_text(encoding="utf-8").splitlines()
    first, last = spans["Tensor.tanh"]
    assert "g * (1 - out * out)" in "\n".join(source[first - 1:last])  # the rule the guide quotes


def test_every_module_of_the_subpackages_is_linked(guide):
    package = ROOT / "tinygrad_acts"
    modules = sorted(str(p.relative_to(package)) for p in package.glob("*/*.py")
                     if p.name != "__init__.py" or p.parent.name == "engine")
    assert "engine/higher_order.py" in modules and "saving/keras.py" in modules
    missing = [m for m in modules if f"(../tinygrad_acts/{m})" not in guide]
    assert not missing, f"docs/reading-guide.md does not link {missing}"


def test_the_readme_leads_readers_to_the_source_near_its_top(guide):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    headings = [line for line in readme.splitlines() if line.startswith("## ")]
    assert headings[0] == "## Reading the source"  # before the Quickstart, as the first section
    section = readme.split("## Reading the source", 1)[1].split("\n## ", 1)[0]
    assert "(docs/reading-guide.md)" in section and "(tinygrad_acts/tensor.py)" in section
    total = sum(last - first + 1 for _, first, last in tanh_path(guide))
    assert f"is {total} lines of that file" in section  # the same count as the guide's table
