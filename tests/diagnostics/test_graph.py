"""Drawing the computation graph: the DOT text (needs nothing), the matplotlib picture, and the demo.

The DOT text is parsed back into nodes and edges, so the tests check the graph itself, not the formatting.
"""
import html
import itertools
import pathlib
import re
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from helpers import PNG_SIGNATURE, run_demo

import tinygrad_acts.backend as K
from tinygrad_acts import Sequential, Tensor
from tinygrad_acts.graph import (
    STYLES,
    Dot,
    Node,
    draw_graph,
    plot_model,
    render,
    retain_grads,
    tensor_graph,
    to_dot,
    trace,
)
from tinygrad_acts.layers import Activation, Dense, Flatten, Input, LeakyReLU
from tinygrad_acts.viz.layout import _assign_layers, _layout


def parse_dot(dot: str) -> tuple[dict[str, str], dict[str, str], list[tuple[str, str]]]:
    """(label of each node, the rest of its attributes, edges) from the DOT text draw_graph returns."""
    labels, attributes = {}, {}
    for key, label, rest in re.findall(r'^\s*"(\w+)" \[label="((?:[^"\\]|\\.)*)"(.*)\];$', dot, re.M):
        labels[key] = re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "l" else m.group(1), label).rstrip("\n")
        attributes[key] = rest
    edges = re.findall(r'^\s*"(\w+)" -> "(\w+)";$', dot, re.M)
    return labels, attributes, edges


def title(label: str) -> str:
    """The first word of a box: a tensor's name, or an op's name."""
    return label.split()[0]


@pytest.fixture
def z_graph():
    """z = x * y + x, with every tensor named."""
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    y = Tensor([3.0, 4.0], requires_grad=True, name="y")
    xy = x * y
    xy.name = "xy"
    z = xy + x
    z.name = "z"
    return x, y, xy, z


# ----------------------------------------------------------------------------------------------------------------
# The DOT text
# ----------------------------------------------------------------------------------------------------------------
def test_dot_of_a_small_graph_has_exactly_its_tensors_ops_and_arrows(z_graph):
    *_, z = z_graph
    labels, _, edges = parse_dot(draw_graph(z))
    assert sorted(title(label) for label in labels.values()) == sorted(["x", "y", "mul", "xy", "add", "z"])
    named_edges = sorted((title(labels[a]), title(labels[b])) for a, b in edges)
    # data flows input -> op -> result; x is used twice, so two arrows leave it
    assert named_edges == sorted([("x", "mul"), ("y", "mul"), ("mul", "xy"), ("xy", "add"), ("x", "add"),
                                  ("add", "z")])


def test_labels_show_names_shapes_and_ops():
    a = Tensor(np.ones((2, 3)), requires_grad=True, name="dense/kernel")
    b = Tensor(np.ones((3, 1)), name="inputs")
    labels, _, _ = parse_dot(draw_graph(a @ b))
    texts = "\n".join(labels.values())
    assert "dense/kernel  (2, 3)" in texts and "inputs  (3, 1)" in texts
    assert "matmul" in labels.values()
    assert any(label.startswith("(2, 1)") for label in labels.values())  # the unnamed result: its shape


def test_values_and_gradients_appear_when_asked_and_not_otherwise(z_graph):
    x, y, xy, z = z_graph
    z.backward(np.ones(2))
    labels, _, _ = parse_dot(draw_graph(z))
    by_title = {title(label): label for label in labels.values()}
    assert "data [1.000, 2.000]" in by_title["x"]
    assert "grad [4.000, 5.000]" in by_title["x"]  # dz/dx = y + 1
    assert "grad [1.000, 2.000]" in by_title["y"]  # dz/dy = x
    assert "grad" not in by_title["xy"]  # an intermediate keeps no gradient unless asked (retain_grads)

    only_values = "\n".join(parse_dot(draw_graph(z, show_grad=False))[0].values())
    assert "data" in only_values and "grad" not in only_values
    only_grads = "\n".join(parse_dot(draw_graph(z, show_data=False))[0].values())
    assert "grad" in only_grads and "data" not in only_grads


def test_big_tensors_show_only_their_shape():
    w = Tensor(np.arange(9.0).reshape(3, 3), requires_grad=True, name="w")
    w.sum().backward()
    assert parse_dot(draw_graph(w, max_size=8))[0] == {"t0": "w  (3, 3)"}
    label = parse_dot(draw_graph(w, max_size=9))[0]["t0"]
    assert label.splitlines() == ["w  (3, 3)",
                                  "data [[0.000, 1.000, 2.000],", "      [3.000, 4.000, 5.000],",
                                  "      [6.000, 7.000, 8.000]]",
                                  "grad [[1.000, 1.000, 1.000],", "      [1.000, 1.000, 1.000],",
                                  "      [1.000, 1.000, 1.000]]"]


def test_retain_grads_before_backward_keeps_every_intermediate_gradient(z_graph):
    x, y, xy, z = z_graph
    assert retain_grads(z) is z
    z.backward(np.ones(2))
    np.testing.assert_array_equal(xy.grad, [1.0, 1.0])  # dz/dxy = 1
    np.testing.assert_array_equal(z.grad, [1.0, 1.0])
    np.testing.assert_array_equal(x.grad, [4.0, 5.0])  # leaves are unchanged: y + 1
    labels, _, _ = parse_dot(draw_graph(z))
    assert "grad [1.000, 1.000]" in next(label for label in labels.values() if title(label) == "xy")


def test_a_constant_lifted_into_the_graph_is_a_small_dashed_box_with_its_value():
    x = Tensor([1.0, -1.0], requires_grad=True, name="x")
    labels, attributes, edges = parse_dot(draw_graph(x * 2))
    constant = next(key for key, label in labels.items() if label == "2.000")  # just the value, no data/grad lines
    assert "dashed" in attributes[constant]
    assert (constant, next(key for key, label in labels.items() if label == "mul")) in edges


def test_the_output_and_the_kinds_of_box_are_told_apart_by_colour(z_graph):
    *_, z = z_graph
    labels, attributes, _ = parse_dot(draw_graph(z))
    fill = {title(labels[key]): re.search(r'fillcolor="(#\w+)"', rest).group(1) for key, rest in attributes.items()}
    assert fill["x"] == fill["y"] != fill["xy"]  # leaves, a result
    assert len({fill["x"], fill["xy"], fill["z"], fill["mul"]}) == 4  # leaf, result, output, op


def test_a_list_of_tensors_draws_their_graphs_together():
    a = Tensor(0.5, requires_grad=True, name="a")
    b = Tensor(0.5, requires_grad=True, name="b")
    labels, _, edges = parse_dot(draw_graph([a.tanh(), b.exp()]))
    assert sorted(title(label) for label in labels.values()) == ["a", "b", "exp", "scalar", "scalar", "tanh"]
    assert len(edges) == 4


def test_a_deep_chain_is_walked_without_recursion():
    x = Tensor(0.1, requires_grad=True, name="x")
    t = x
    for _ in range(10_000):
        t = -t
    assert len(trace(t)) == 10_001
    _, _, edges = parse_dot(draw_graph(t))
    assert len(edges) == 20_000  # tensor -> neg -> tensor, 10,000 times
    retain_grads(t)
    with pytest.raises(ValueError, match="unreadable"):  # a picture of 20,001 boxes is refused, the DOT text is not
        draw_graph(t, "never_written.png", show_data=False)
    assert not pathlib.Path("never_written.png").exists()
    assert draw_graph(t)._repr_svg_() is None  # so a notebook shows the text instead of the picture


def test_to_dot_draws_any_chain_of_boxes():
    nodes = [Node("input", "input  (None, 2)", "layer"), Node("dense", "dense  Dense\n12 params", "layer")]
    labels, _, edges = parse_dot(to_dot(nodes, [("input", "dense")], rankdir="TB"))
    assert labels == {"input": "input  (None, 2)", "dense": "dense  Dense\n12 params"}
    assert edges == [("input", "dense")]


def test_labels_with_quotes_and_backslashes_are_escaped():
    x = Tensor(1.0, requires_grad=True, name='say "hi" \\ bye')
    labels, _, _ = parse_dot(draw_graph(x))
    assert labels["t0"].startswith('say "hi" \\ bye')


# ----------------------------------------------------------------------------------------------------------------
# Errors say what was expected
# ----------------------------------------------------------------------------------------------------------------
def test_errors_name_what_was_expected(tmp_path, z_graph):
    *_, z = z_graph
    with pytest.raises(ValueError, match=r"\.png.*got '.*graph\.jpg'"):
        draw_graph(z, tmp_path / "graph.jpg")
    with pytest.raises(TypeError, match="Tensor or a list of Tensors, got ndarray"):
        draw_graph(np.ones(3))
    with pytest.raises(ValueError, match="empty"):
        draw_graph([])
    with pytest.raises(ValueError, match="rankdir must be 'LR'.*got 'RL'"):
        draw_graph(z, rankdir="RL")
    nodes = [Node("a", "a"), Node("b", "b")]
    with pytest.raises(ValueError, match="cycle"):
        render(nodes, [("a", "b"), ("b", "a")], tmp_path / "cycle.png")
    with pytest.raises(ValueError, match=r"\('a', 'c'\) names a node"):
        to_dot(nodes, [("a", "c")])
    with pytest.raises(ValueError, match=r"unique, found \['a'\]"):
        to_dot(nodes + [Node("a", "again")], [])
    with pytest.raises(ValueError, match="kind 'blob'"):
        to_dot([Node("a", "a", "blob")], [])


def test_without_matplotlib_the_dot_text_still_works_and_pictures_say_what_to_install(monkeypatch, tmp_path, z_graph):
    *_, z = z_graph
    for module in [name for name in sys.modules if name.split(".")[0] == "matplotlib"] + ["matplotlib"]:
        monkeypatch.setitem(sys.modules, module, None)  # as if matplotlib were not installed
    assert "digraph" in draw_graph(z)
    assert draw_graph(z)._repr_svg_() is None  # a notebook shows the text
    with pytest.raises(ImportError, match=re.escape('pip install "tinygrad-acts[demos]"')):
        draw_graph(z, tmp_path / "graph.png")


# ----------------------------------------------------------------------------------------------------------------
# The layout and the picture
# ----------------------------------------------------------------------------------------------------------------
def test_layout_puts_inputs_before_results_and_no_two_boxes_overlap():
    nodes = ["x", "w", "matmul", "xw", "b", "add", "out"]
    edges = [("x", "matmul"), ("w", "matmul"), ("matmul", "xw"), ("xw", "add"), ("b", "add"), ("add", "out")]
    layers = _assign_layers(nodes, edges)
    assert layers["x"] == layers["w"] == 0
    assert layers["b"] == layers["xw"] == 2  # a bias sits just before its use, not at the far left
    sizes = {key: (40.0 + 5 * len(key), 20.0) for key in nodes}
    for rankdir, axis in (("LR", 0), ("TB", 1)):
        centres, paths, size = _layout(sizes, edges, rankdir)
        assert all(centres[a][axis] < centres[b][axis] for a, b in edges)  # inputs left (or top), output right
        assert len(paths) == len(edges)
        boxes = [(centres[k][0] - w / 2, centres[k][1] - h / 2, centres[k][0] + w / 2, centres[k][1] + h / 2)
                 for k, (w, h) in sizes.items()]
        for i, (left, top, right, bottom) in enumerate(boxes):
            assert 0 <= left and right <= size[0] and 0 <= top and bottom <= size[1]
            for other_left, other_top, other_right, other_bottom in boxes[i + 1:]:
                assert right <= other_left or other_right <= left or bottom <= other_top or other_bottom <= top


def test_rendering_writes_a_png_an_svg_and_dot_text(tmp_path, z_graph):
    *_, z = z_graph
    retain_grads(z).backward(np.ones(2))
    dot = draw_graph(z, tmp_path / "graph.png", title="z = x * y + x")
    png = (tmp_path / "graph.png").read_bytes()
    assert png.startswith(PNG_SIGNATURE) and len(png) > 1000
    draw_graph(z, tmp_path / "graph.svg", rankdir="TB")
    assert "<svg" in (tmp_path / "graph.svg").read_text()
    assert draw_graph(z, tmp_path / "graph.dot", title="z = x * y + x") == dot == (tmp_path / "graph.dot").read_text()


# ----------------------------------------------------------------------------------------------------------------
# In a notebook: what draw_graph and plot_model return shows as a picture, and is still the DOT text
# ----------------------------------------------------------------------------------------------------------------
def svg_root(svg: str) -> ET.Element:
    """The <svg> element of an SVG document (which must parse as XML)."""
    root = ET.fromstring(svg.encode())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def svg_text(svg: str) -> list[str]:
    """The lines of text in a matplotlib SVG (drawn as glyph outlines, each line also kept in a comment)."""
    return [html.unescape(line) for line in re.findall(r"<!-- (.*?) -->", svg)]


def test_draw_graph_returns_the_dot_text_that_a_notebook_shows_as_a_picture(tmp_path, z_graph):
    *_, z = z_graph
    retain_grads(z).backward(np.ones(2))
    dot = draw_graph(z, title="z = x * y + x")
    text = to_dot(*tensor_graph(z), title="z = x * y + x")
    assert type(dot.source) is str and dot.source == text  # the DOT text, one attribute away (graphviz's name)
    assert type(str(dot)) is str and str(dot) == text
    # ... and the old uses of the returned string still work: it is that string
    assert isinstance(dot, str) and dot == text and text == dot and hash(dot) == hash(text)
    assert dot.startswith("digraph") and "->" in dot and dot.count("->") == len(parse_dot(text)[2])
    assert f"{dot}" == text and dot + "" == text and parse_dot(dot) == parse_dot(text)

    svg = dot._repr_svg_()  # what Jupyter calls to show it
    assert svg.startswith("<?xml") and svg.rstrip().endswith("</svg>")
    root = svg_root(svg)
    drawn_lines = "\n".join(parse_dot(text)[0].values()).splitlines() + ["z = x * y + x"]
    assert sorted(svg_text(svg)) == sorted(drawn_lines)  # every line of every box, and the title
    assert svg == dot._repr_svg_()  # no random ids, no date: the same graph gives the same SVG
    draw_graph(z, tmp_path / "graph.svg", title="z = x * y + x")  # the same drawing as render's SVG file
    drawn = svg_root((tmp_path / "graph.svg").read_text())
    assert (root.get("width"), root.get("height")) == (drawn.get("width"), drawn.get("height"))
    assert svg_root(draw_graph(z, rankdir="TB")._repr_svg_()).get("width") != root.get("width")  # options reach it


def test_plot_model_and_model_plot_show_as_a_picture_too(small_model):
    dot = plot_model(small_model)
    assert isinstance(dot, Dot) and isinstance(small_model.plot(), Dot)
    assert small_model.plot() == dot == dot.source and "rankdir=TB;" in dot
    svg = dot._repr_svg_()
    svg_root(svg)
    assert svg_text(svg) == ["input", "(None, 2)", "dense (Dense)", "(None, 2) -> (None, 16)", "48 params",
                             "dense_1 (Dense)", "(None, 16) -> (None, 1)", "17 params"]
    width, height = (float(svg_root(svg).get(side).removesuffix("pt")) for side in ("width", "height"))
    assert height > width  # three boxes stacked top to bottom, as in the PNG


def test_render_draws_a_chain_of_labelled_boxes(tmp_path):
    names = ["input", "dense", "tanh", "dense_1"]
    nodes = [Node(name, f"{name}\n(None, 4)", "layer") for name in names]
    path = render(nodes, list(itertools.pairwise(names)), tmp_path / "model" / "chain.png", rankdir="TB")
    assert path.read_bytes().startswith(PNG_SIGNATURE)


def test_the_demo_writes_both_figures(tmp_path):
    stdout = run_demo("backprop_graph.py", tmp_path, timeout=120)
    for name in ("backprop_graph.png", "tanh_by_hand_graph.png"):
        assert (tmp_path / name).read_bytes().startswith(PNG_SIGNATURE)
    by_hand, built_in = re.search(r"d tanh / dx at 0.5: by hand (\S+), built in (\S+),", stdout).groups()
    assert float(by_hand.rstrip(",")) == pytest.approx(1 - np.tanh(0.5) ** 2, abs=1e-6)
    assert float(built_in) == pytest.approx(1 - np.tanh(0.5) ** 2, abs=1e-6)


@pytest.mark.parametrize("value", [0.5, -0.0, 2.0005, 123456.5, 1e10, 1e-5, np.inf, np.nan])
def test_scalars_are_written_like_numpy_writes_them(value):
    label = parse_dot(draw_graph(Tensor(np.float64(value), requires_grad=True, name="s")))[0]["t0"]
    assert label.splitlines()[1] == "data " + np.array2string(np.float64(value), precision=3, floatmode="fixed")


# ----------------------------------------------------------------------------------------------------------------
# plot_model: a model's layer stack, as keras.utils.plot_model draws it
# ----------------------------------------------------------------------------------------------------------------
@pytest.fixture
def small_model():
    """2 inputs -> 16 relu units -> 1 output: 2*16 + 16 = 48 and 16*1 + 1 = 17 parameters."""
    K.clear_session()  # so the layers are 'dense' and 'dense_1'
    return Sequential([Dense(16, activation="relu", input_shape=(2,)), Dense(1)])


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) from the PNG header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_plot_model_dot_has_an_input_box_then_one_box_per_layer_in_a_chain(small_model):
    dot = plot_model(small_model)
    labels, attributes, edges = parse_dot(dot)
    assert labels == {"input": "input\n(None, 2)",
                      "layer0": "dense (Dense)\n(None, 2) -> (None, 16)\n48 params",
                      "layer1": "dense_1 (Dense)\n(None, 16) -> (None, 1)\n17 params"}
    assert edges == [("input", "layer0"), ("layer0", "layer1")]  # arrows down the stack
    assert "rankdir=TB;" in dot  # Keras' default: top to bottom
    assert "dashed" in attributes["input"]  # the input is data: drawn like a constant in a tensor graph
    assert STYLES["layer"][0] in attributes["layer0"]


def test_plot_model_options_add_or_remove_lines(small_model):
    labels = parse_dot(plot_model(small_model, show_layer_activations=True, show_trainable=True))[0]
    assert labels["layer0"].splitlines()[3:] == ["activation: relu", "trainable"]
    assert labels["layer1"].splitlines()[3:] == ["activation: linear", "trainable"]  # no activation means linear
    labels = parse_dot(plot_model(small_model, show_shapes=False, show_layer_names=False))[0]
    assert labels == {"input": "input", "layer0": "Dense\n48 params", "layer1": "Dense\n17 params"}
    assert "rankdir=LR;" in plot_model(small_model, rankdir="LR")


def test_plot_model_shows_every_kind_of_layer_with_its_shapes_and_counts():
    K.clear_session()
    model = Sequential([Input((4, 5)), Flatten(), Dense(64, activation="tanh"), LeakyReLU(0.2), Dense(1000),
                        Activation("softmax")])
    model.layers[1].trainable = False
    labels = parse_dot(plot_model(model, show_layer_activations=True, show_trainable=True))[0]
    assert labels["input"] == "input\n(None, 4, 5)"
    # no weights: no trainable line
    assert labels["layer0"] == "flatten (Flatten)\n(None, 4, 5) -> (None, 20)\n0 params"
    assert labels["layer1"] == "dense (Dense)\n(None, 20) -> (None, 64)\n1,344 params\nactivation: tanh\nnon-trainable"
    assert labels["layer2"] == "leaky_re_lu (LeakyReLU)\n(None, 64) -> (None, 64)\n0 params"  # no .activation
    assert labels["layer3"].splitlines()[2] == "65,000 params"  # 64 * 1000 + 1000, with Keras' thousands separator
    assert labels["layer4"] == "activation (Activation)\n(None, 1000) -> (None, 1000)\n0 params\nactivation: softmax"


def test_a_model_built_by_calling_it_on_data_can_be_plotted():
    K.clear_session()
    model = Sequential([Dense(3), Dense(1, name="out")])
    model(np.zeros((5, 7)))
    labels, _, edges = parse_dot(plot_model(model))
    assert labels["layer0"].splitlines()[1:] == ["(None, 7) -> (None, 3)", "24 params"]
    assert labels["layer1"].splitlines()[0] == "out (Dense)"
    assert len(edges) == 2


def test_plot_model_writes_a_png_taller_than_wide_an_svg_and_dot_text(tmp_path, small_model):
    from matplotlib.image import imread

    dot = plot_model(small_model, tmp_path / "model.png")
    png = (tmp_path / "model.png").read_bytes()
    assert png.startswith(PNG_SIGNATURE) and len(png) > 1000
    width, height = png_size(png)
    assert height > width  # three boxes stacked top to bottom
    pixels = imread(tmp_path / "model.png")[..., :3]
    layer_fill = np.array([int(STYLES["layer"][0][i:i + 2], 16) for i in (1, 3, 5)]) / 255
    assert np.mean(np.all(np.abs(pixels - layer_fill) < 0.02, axis=-1)) > 0.2  # the layer boxes are really drawn

    plot_model(small_model, tmp_path / "model.svg", rankdir="LR")
    assert "<svg" in (tmp_path / "model.svg").read_text()
    assert plot_model(small_model, tmp_path / "model.dot") == dot == (tmp_path / "model.dot").read_text()


def test_plot_model_takes_keras_style_calls(tmp_path, small_model):
    plot_model(small_model, to_file=tmp_path / "at_96_dpi.png", show_shapes=True, show_layer_names=True,
               rankdir="TB", dpi=96, show_layer_activations=True, show_trainable=False)
    plot_model(small_model, tmp_path / "at_200_dpi.png")  # Keras' default dpi
    width_96 = png_size((tmp_path / "at_96_dpi.png").read_bytes())[0]
    width_200 = png_size((tmp_path / "at_200_dpi.png").read_bytes())[0]
    assert width_200 == pytest.approx(width_96 * 200 / 96, rel=0.05)  # the same drawing, more pixels per inch


def test_plot_model_errors_say_what_was_expected(tmp_path, small_model):
    unbuilt = Sequential([Dense(4), Dense(1)], name="not_built_yet")
    with pytest.raises(ValueError, match=r"plot_model: the model 'not_built_yet' has not been built yet.*"
                                         r"input_shape=\(\.\.\.\), start it with Input\(shape\)"):
        plot_model(unbuilt)
    with pytest.raises(TypeError, match="expects a Sequential model, got Dense"):
        plot_model(Dense(3))
    with pytest.raises(ValueError, match=r"plot_model writes \.png.*got '.*model\.jpg'"):
        plot_model(small_model, tmp_path / "model.jpg")
    assert not (tmp_path / "model.jpg").exists()
    with pytest.raises(ValueError, match="rankdir must be 'LR'.*got 'BT'"):
        plot_model(small_model, rankdir="BT")
    with pytest.raises(TypeError):  # options are keyword-only, as nobody passes Keras' ten arguments by position
        plot_model(small_model, None, False)
