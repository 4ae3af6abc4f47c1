"""The rest of the engine, beside tensor.py's first-order core: met only by those who look for it.

- elementwise.py, reductions.py, shapes.py: the ops beyond the lesson's, by topic, each its forward result and its
  backward rule side by side, recorded with ``tensor.record`` as the core's own are; each is also a Tensor method.
- higher_order.py: gradients of gradients (``backward(create_graph=True)``) and numpy's functions on Tensors.
- extend.py: ``custom_op``, an op of your own from numpy code.
- protocols.py: a Tensor as a Python value (repr, truth, float, int, format).
- arrays.py: the numpy arrays the engine takes (what data becomes a Tensor, axis checks).

This package imports nothing itself: ``tinygrad_acts/__init__.py`` imports its modules, which attach their methods
to Tensor. They depend on tensor.py and arrays.py (and reductions on shapes' concatenate), never upward.
"""
