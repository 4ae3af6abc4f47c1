"""Drawing: the graph the engine recorded and a model's layers (graph.py), the boxes-and-arrows layout and its
matplotlib rendering (layout.py), and the diagnostics' figures (plots.py). matplotlib is imported only inside the
functions that draw, so ``import tinygrad_acts`` never needs it."""
