"""The old home of drawing, kept so that ``from tinygrad_acts.graph import draw_graph`` still works: the code is in
viz/graph.py (tensors and models) and viz/layout.py (boxes, arrows, DOT text and the matplotlib drawing)."""
from .viz.graph import LayerStack, draw_graph, model_graph, plot_model, retain_grads, tensor_graph, trace
from .viz.layout import (
    DOT_SUFFIXES,
    IMAGE_SUFFIXES,
    MARGIN,
    MAX_RENDERED_NODES,
    NODE_GAP,
    PAD,
    RANK_GAP,
    STYLES,
    Dot,
    Node,
    render,
    to_dot,
)

__all__ = ["DOT_SUFFIXES", "IMAGE_SUFFIXES", "MARGIN", "MAX_RENDERED_NODES", "NODE_GAP", "PAD", "RANK_GAP", "STYLES",
           "Dot", "LayerStack", "Node", "draw_graph", "model_graph", "plot_model", "render", "retain_grads",
           "tensor_graph", "to_dot", "trace"]
