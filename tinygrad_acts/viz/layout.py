"""Boxes and arrows, drawn: DOT text for Graphviz, and a layered layout drawn with matplotlib alone (no Graphviz
needed). It knows nothing about tensors or models: viz/graph.py turns those into ``Node`` boxes and
``(from_key, to_key)`` arrows. The layout is for the curious: layers by longest path, a few sweeps of the
barycenter heuristic against crossings, then each box placed near the boxes it connects to."""
from __future__ import annotations

import collections
import dataclasses
import io
import itertools
import os
import pathlib
from collections.abc import Sequence
from typing import Any

import numpy as np

IMAGE_SUFFIXES = (".png", ".svg", ".pdf")  # drawn with matplotlib
DOT_SUFFIXES = (".dot", ".gv")  # written as DOT text
MAX_RENDERED_NODES = 300  # past this a picture is unreadable anyway (and too large for matplotlib); use the DOT text

# kind -> (fill colour, border colour, border line style). DOT and matplotlib share them so both drawings agree.
STYLES = {
    "leaf": ("#d9ead3", "#38761d", "solid"),  # made by hand and requires grad: a weight, or an input we differentiate
    "result": ("#dae8fc", "#1f4e79", "solid"),  # computed by an op
    "output": ("#fff2cc", "#7f6000", "solid"),  # the tensor whose graph is drawn
    "op": ("#f4cccc", "#990000", "solid"),  # an op: its inputs flow in, its result flows out
    "constant": ("#f3f3f3", "#888888", "dashed"),  # needs no gradient: data, or a number like the 2 in x * 2
    "layer": ("#e1d5e7", "#5b3a6e", "solid"),  # a layer of a model, for chain drawings
}


@dataclasses.dataclass(frozen=True)
class Node:
    """One box of a drawing. ``key`` names it in edges and in DOT; ``label`` is its text (lines split by newlines);
    ``kind`` picks its colours from ``STYLES``."""

    key: str
    label: str
    kind: str = "result"


# ----------------------------------------------------------------------------------------------------------------
# 3a. DOT text
# ----------------------------------------------------------------------------------------------------------------
def _check_graph(nodes: Sequence[Node], edges: Sequence[tuple[str, str]], rankdir: str) -> None:
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be 'LR' (inputs left, output right) or 'TB' (top to bottom), got {rankdir!r}")
    keys = [node.key for node in nodes]
    if len(set(keys)) != len(keys):
        duplicated = sorted({k for k in keys if keys.count(k) > 1})
        raise ValueError(f"node keys must be unique, found {duplicated} more than once")
    for node in nodes:
        if node.kind not in STYLES:
            raise ValueError(f"node {node.key!r} has kind {node.kind!r}; expected one of {sorted(STYLES)}")
    known = set(keys)
    for a, b in edges:
        if a not in known or b not in known:
            raise ValueError(f"edge ({a!r}, {b!r}) names a node that is not in the list of nodes")


def _dot_string(text: str, left_justified: bool = True) -> str:
    """A quoted DOT string. Left-justified lines each end in \\l, so rows of numbers line up."""
    lines = text.replace("\\", "\\\\").replace('"', '\\"').split("\n")
    return '"' + ("".join(line + "\\l" for line in lines) if left_justified else "\\n".join(lines)) + '"'


def to_dot(nodes: Sequence[Node], edges: Sequence[tuple[str, str]], rankdir: str = "LR",
           title: str | None = None) -> str:
    """Graphviz DOT text for boxes and arrows: ``dot -Tpng graph.dot -o graph.png``, or any online viewer."""
    _check_graph(nodes, edges, rankdir)
    lines = ["digraph computation {", f"  rankdir={rankdir};",
             '  node [fontname="Courier", fontsize=10, penwidth=1.2];', "  edge [arrowsize=0.6];"]
    if title:
        lines.append(f"  label={_dot_string(title, left_justified=False)}; labelloc=t; fontname=\"Helvetica-Bold\";")
    for node in nodes:
        fill, border, line_style = STYLES[node.kind]
        shape = "ellipse" if node.kind == "op" else "box"
        style = ",".join(["filled", "rounded"] + (["dashed"] if line_style == "dashed" else []))
        lines.append(f'  "{node.key}" [label={_dot_string(node.label)}, shape={shape}, style="{style}", '
                     f'fillcolor="{fill}", color="{border}"];')
    lines += [f'  "{a}" -> "{b}";' for a, b in edges]
    lines.append("}")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------------------------
# 3b. A layered layout (the Sugiyama recipe, kept small) and a matplotlib drawing
# ----------------------------------------------------------------------------------------------------------------
RANK_GAP = 34.0  # points between two layers, where the arrows bend
NODE_GAP = 12.0  # points between two boxes of one layer
PAD = 4.0  # points between a box's text and its border
MARGIN = 10.0  # points around the whole drawing


def _assign_layers(keys: list[str], edges: Sequence[tuple[str, str]]) -> dict[str, int]:
    """Layer = longest path from an input, so every arrow points forward. Then every box that is not an output
    moves forward to just before its first use: a weight used late, or a side branch (a regularisation term),
    sits next to where it is used instead of at the far left with a long arrow."""
    children: dict[str, list[str]] = {k: [] for k in keys}
    waiting = dict.fromkeys(keys, 0)  # how many inputs of each node are not placed yet
    for a, b in edges:
        children[a].append(b)
        waiting[b] += 1
    sources = [k for k in keys if waiting[k] == 0]
    layer = dict.fromkeys(keys, 0)
    ready = collections.deque(sources)
    topological = []
    while ready:  # Kahn's topological order
        k = ready.popleft()
        topological.append(k)
        for child in children[k]:
            layer[child] = max(layer[child], layer[k] + 1)
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    if len(topological) < len(keys):
        raise ValueError("the edges form a cycle; a computation graph has none")
    for k in reversed(topological):  # children first, so each box sees where its children finally are
        if children[k]:
            layer[k] = min(layer[child] for child in children[k]) - 1
    return layer


def _crossings(upper: list, lower: list, down: dict) -> int:
    """How many arrows between two neighbouring layers cross each other."""
    where = {k: i for i, k in enumerate(lower)}
    ends = [(i, where[v]) for i, u in enumerate(upper) for v in down[u]]
    return sum(1 for a, (i1, j1) in enumerate(ends) for i2, j2 in ends[a + 1:] if (i1 - i2) * (j1 - j2) < 0)


def _order_layers(layers: list[list], up: dict, down: dict, operand: dict, sweeps: int = 4) -> list[list]:
    """Order each layer by the mean position of its neighbours (the barycenter heuristic), sweeping forward then
    backward, and keep the order with the fewest crossings. Ties go by ``operand`` (the index of the first arrow
    leaving a box), so the inputs of ``a - b`` appear in that order."""
    def total(order: list[list]) -> int:
        return sum(_crossings(order[i], order[i + 1], down) for i in range(len(order) - 1))

    def reorder(layer: list, reference: list, neighbours: dict) -> list:
        where = {k: i for i, k in enumerate(reference)}
        mean = {k: np.mean([where[n] for n in neighbours[k]]) if neighbours[k] else i for i, k in enumerate(layer)}
        return sorted(layer, key=lambda k: (mean[k], operand[k]))

    best, best_count = [list(layer) for layer in layers], total(layers)
    order = [list(layer) for layer in layers]
    for _ in range(sweeps):
        for i in range(1, len(order)):
            order[i] = reorder(order[i], order[i - 1], up)
        for i in range(len(order) - 2, -1, -1):
            order[i] = reorder(order[i], order[i + 1], down)
        count = total(order)
        if count <= best_count:  # on a tie prefer the swept order: it has the operands in order
            best, best_count = [list(layer) for layer in order], count
    return best


def _place_across(order: list[list], breadth: dict, up: dict, down: dict, rounds: int = 6) -> dict:
    """Position of each box across the layers: near the mean of its neighbours, so arrows run straight, while the
    boxes of a layer keep their order and do not overlap. Inputs (boxes with no arrow in) weigh little, so the main
    chain of results stays straight and weights and data sit beside it."""
    weight = {k: 1.0 if up[k] else 0.05 for layer in order for k in layer}
    across: dict = {}
    for layer in order:  # start stacked
        position = 0.0
        for k in layer:
            across[k] = position + breadth[k] / 2
            position += breadth[k] + NODE_GAP

    def pack(layer: list, neighbours: dict) -> None:
        wanted = [np.average([across[n] for n in neighbours[k]], weights=[weight[n] for n in neighbours[k]])
                  if neighbours[k] else across[k] for k in layer]
        placed = list(wanted)
        for i in range(1, len(layer)):  # push each box below its predecessor
            placed[i] = max(placed[i], placed[i - 1] + (breadth[layer[i - 1]] + breadth[layer[i]]) / 2 + NODE_GAP)
        # then move the whole layer back towards where its boxes want to be, the heavy ones first
        shift = float(np.average(np.subtract(wanted, placed), weights=[weight[k] for k in layer]))
        for k, position in zip(layer, placed, strict=True):
            across[k] = position + shift

    for _ in range(rounds):
        for layer in order[1:]:
            pack(layer, up)
        for layer in reversed(order[:-1]):
            pack(layer, down)
    return across


def _layout(sizes: dict[str, tuple[float, float]], edges: Sequence[tuple[str, str]], rankdir: str):
    """Box centres, arrow paths (as matplotlib Path vertices and codes) and the drawing's size, all in points."""
    from matplotlib.path import Path

    keys = list(sizes)
    layer: dict[Any, int] = _assign_layers(keys, edges)  # keys: the boxes' str, and (waypoint, arrow, layer)
    # An arrow that skips layers gets an invisible waypoint in each layer it crosses, so it is routed between boxes.
    routes, up, down = [], collections.defaultdict(list), collections.defaultdict(list)
    n_layers = max(layer.values()) + 1
    layers: list[list] = [[] for _ in range(n_layers)]
    for k in keys:
        layers[layer[k]].append(k)
    along_size: dict[Any, float] = {}  # a box's size along the arrows
    breadth: dict[Any, float] = {}  # and across them
    for k, (width, height) in sizes.items():
        along_size[k], breadth[k] = (width, height) if rankdir == "LR" else (height, width)
    for index, (tail, head) in enumerate(edges):
        route: list[Any] = [tail]
        for i in range(layer[tail] + 1, layer[head]):
            waypoint = ("waypoint", index, i)
            layer[waypoint], along_size[waypoint], breadth[waypoint] = i, 0.0, 0.0
            layers[i].append(waypoint)
            route.append(waypoint)
        route.append(head)
        routes.append(route)
        for u, v in itertools.pairwise(route):
            down[u].append(v)
            up[v].append(u)

    operand = dict.fromkeys(layer, len(routes))  # the index of the first arrow leaving each box
    for index, route in reversed(list(enumerate(routes))):
        for k in route[:-1]:
            operand[k] = index
    order = _order_layers(layers, up, down, operand)
    across = _place_across(order, breadth, up, down)
    lowest = min(across[k] - breadth[k] / 2 for k in across)
    across = {k: position - lowest + MARGIN for k, position in across.items()}
    starts, position = [], MARGIN  # where each layer begins along the arrows
    for layer_keys in order:
        starts.append(position)
        position += max(along_size[k] for k in layer_keys) + RANK_GAP
    ends = [start + max(along_size[k] for k in layer_keys) for start, layer_keys in zip(starts, order, strict=True)]
    along = {k: (starts[layer[k]] + ends[layer[k]]) / 2 for k in across}
    extent_along = ends[-1] + MARGIN
    extent_across = max(across[k] + breadth[k] / 2 for k in across) + MARGIN

    # Several arrows into (or out of) one box get separate ports, in the order of the boxes they come from.
    ports_in, ports_out = collections.defaultdict(list), collections.defaultdict(list)
    for index, route in enumerate(routes):
        ports_out[route[0]].append((across[route[1]], index))
        ports_in[route[-1]].append((across[route[-2]], index))
    offset_in: dict[int, float] = {}  # per arrow
    offset_out: dict[int, float] = {}
    for ports, offset in ((ports_in, offset_in), (ports_out, offset_out)):
        for k, arrivals in ports.items():
            spacing = min(8.0, 0.6 * breadth[k] / max(len(arrivals) - 1, 1))
            for rank, (_, index) in enumerate(sorted(arrivals)):
                offset[index] = (rank - (len(arrivals) - 1) / 2) * spacing

    def point(a: float, c: float) -> tuple[float, float]:
        return (a, c) if rankdir == "LR" else (c, a)

    paths = []
    for index, route in enumerate(routes):
        source, target = route[0], route[-1]
        a, c = along[source] + along_size[source] / 2, across[source] + offset_out[index]
        vertices, codes = [point(a, c)], [Path.MOVETO]
        for k in route[1:]:
            if a < ends[layer[k] - 1]:  # a straight run to the end of the layer, as long as its widest box
                a = ends[layer[k] - 1]
                vertices.append(point(a, c))
                codes.append(Path.LINETO)
            next_a = starts[layer[k]]
            next_c = across[k] + (offset_in[index] if k == target else 0.0)
            middle = (a + next_a) / 2  # an S-curve across the gap between layers
            vertices += [point(middle, c), point(middle, next_c), point(next_a, next_c)]
            codes += [Path.CURVE4] * 3
            a, c = next_a, next_c
        end = along[target] - along_size[target] / 2
        if end > a:  # a zero-length last segment would leave the arrow head without a direction
            vertices.append(point(end, c))
            codes.append(Path.LINETO)
        paths.append((vertices, codes))

    centres = {k: point(along[k], across[k]) for k in keys}
    size = point(extent_along, extent_across)
    return centres, paths, size


def render(nodes: Sequence[Node], edges: Sequence[tuple[str, str]], path: str | os.PathLike, rankdir: str = "LR",
           title: str | None = None, font_size: float = 9.0, dpi: int = 120) -> pathlib.Path:
    """Draw boxes and arrows into an image file (.png, .svg or .pdf) with matplotlib alone: no Graphviz needed.

    Layers by longest path from the inputs (``rankdir='LR'``: inputs left, output right; ``'TB'``: top to bottom),
    boxes ordered within a layer to reduce crossings, each box sized to its text. Uses matplotlib's object API with
    the Agg canvas (no pyplot), so it never opens a window and works without a display.
    """
    path = pathlib.Path(path)
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise ValueError(f"render writes {', '.join(IMAGE_SUFFIXES)} files, got {str(path)!r}")
    figure = _draw(nodes, edges, rankdir, title, font_size, dpi)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=dpi, facecolor="white")
    return path


def _draw(nodes: Sequence[Node], edges: Sequence[tuple[str, str]], rankdir: str = "LR", title: str | None = None,
          font_size: float = 9.0, dpi: int = 120):
    """The matplotlib Figure of ``render``, not yet saved anywhere."""
    _check_graph(nodes, edges, rankdir)
    if len(nodes) > MAX_RENDERED_NODES:
        raise ValueError(f"the graph has {len(nodes)} boxes; a picture of more than {MAX_RENDERED_NODES} is "
                         f"unreadable. Draw a smaller graph, or give the DOT text to Graphviz")
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
        from matplotlib.path import Path
    except ImportError:
        raise ImportError('drawing a graph to an image needs matplotlib: pip install "tinygrad-acts[demos]" '
                          '(the DOT text that draw_graph returns needs nothing)') from None

    figure = Figure(dpi=dpi)
    canvas = FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_axis_off()
    texts = {node.key: axes.text(0, 0, node.label, fontsize=font_size, family="monospace", ha="center",
                                 va="center", multialignment="left", parse_math=False, zorder=3) for node in nodes}
    renderer = canvas.get_renderer()
    points_per_pixel = 72 / dpi
    sizes = {}
    for key, text in texts.items():  # each box fits its text
        extent = text.get_window_extent(renderer)
        sizes[key] = (extent.width * points_per_pixel + 2 * PAD, extent.height * points_per_pixel + 2 * PAD)
    for node in nodes:
        if node.kind == "op":  # a pill shape needs room for its round ends
            width, height = sizes[node.key]
            sizes[node.key] = (width + height / 2, height)
    centres, paths, (width, height) = _layout(sizes, edges, rankdir)

    top = 0.0
    if title:
        heading = axes.text(0, MARGIN, title, fontsize=font_size * 1.25, weight="bold", ha="center", va="top",
                            parse_math=False)
        top = heading.get_window_extent(renderer).height * points_per_pixel + MARGIN
        width = max(width, heading.get_window_extent(renderer).width * points_per_pixel + 2 * MARGIN)
        heading.set_x(width / 2)
    figure.set_size_inches(width / 72, (height + top) / 72)
    axes.set_xlim(0, width)
    axes.set_ylim(height + top, 0)  # y grows downwards, like reading order
    for vertices, codes in paths:
        shifted = [(x, y + top) for x, y in vertices]
        axes.add_patch(FancyArrowPatch(path=Path(shifted, codes), arrowstyle="-|>,head_length=0.5,head_width=0.25",
                                       mutation_scale=10, color="#555555", linewidth=0.9, zorder=1))
    for node in nodes:
        fill, border, line_style = STYLES[node.kind]
        (x, y), (box_width, box_height) = centres[node.key], sizes[node.key]
        y += top
        rounding = box_height / 2 if node.kind == "op" else 4.0
        axes.add_patch(FancyBboxPatch((x - box_width / 2, y - box_height / 2), box_width, box_height,
                                      boxstyle=f"round,pad=0,rounding_size={rounding}", facecolor=fill,
                                      edgecolor=border, linestyle=line_style,
                                      linewidth=2.0 if node.kind == "output" else 1.0, zorder=2))
        texts[node.key].set_position((x, y))
    return figure


# ----------------------------------------------------------------------------------------------------------------
# 3c. What the drawing calls return: DOT text that a notebook shows as a picture
# ----------------------------------------------------------------------------------------------------------------
class Dot(str):
    """What ``draw_graph`` and ``plot_model`` return: the Graphviz DOT text. It *is* that text, a ``str`` (print it,
    write it to a file, search it, compare it with a string), and ``.source`` gives it as a plain ``str``, as the
    graphviz package names it. In a Jupyter notebook it shows as the picture instead: ``_repr_svg_`` draws it with
    ``render``'s matplotlib drawing into an SVG document in memory (no file, no Graphviz).
    """

    _nodes: tuple[Node, ...]
    _edges: tuple[tuple[str, str], ...]
    _render_options: dict[str, Any]

    def __new__(cls, source: str, nodes: Sequence[Node] = (), edges: Sequence[tuple[str, str]] = (),
                **render_options):
        dot = super().__new__(cls, source)
        dot._nodes, dot._edges, dot._render_options = tuple(nodes), tuple(edges), render_options
        return dot

    @property
    def source(self) -> str:
        """The DOT text, as a plain ``str``."""
        return str(self)

    def _repr_svg_(self) -> str | None:
        """The picture as an SVG document, for Jupyter; None (Jupyter then shows the text) for a graph too large to
        draw, or without matplotlib."""
        if not self._nodes or len(self._nodes) > MAX_RENDERED_NODES:
            return None
        try:
            import matplotlib
        except ImportError:
            return None
        svg = io.StringIO()
        with matplotlib.rc_context({"svg.hashsalt": "tinygrad_acts"}):  # fixed ids and no date: same graph, same SVG
            _draw(self._nodes, self._edges, **self._render_options).savefig(svg, format="svg", facecolor="white",
                                                                             metadata={"Date": None})
        return svg.getvalue()


def check_path(path: str | os.PathLike | None, caller: str) -> None:
    """Refuse an unknown suffix before any work is done."""
    if path is not None and pathlib.Path(path).suffix.lower() not in IMAGE_SUFFIXES + DOT_SUFFIXES:
        raise ValueError(f"{caller} writes {', '.join(IMAGE_SUFFIXES + DOT_SUFFIXES)} files, got {str(path)!r}")


def save(dot: str, nodes: Sequence[Node], edges: Sequence[tuple[str, str]], path: str | os.PathLike | None,
          **render_options) -> None:
    """.dot/.gv: the DOT text as it is; .png/.svg/.pdf: the matplotlib drawing."""
    if path is None:
        return
    if pathlib.Path(path).suffix.lower() in DOT_SUFFIXES:
        pathlib.Path(path).write_text(dot)
    else:
        render(nodes, edges, path, **render_options)
