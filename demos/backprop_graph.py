# %% [markdown]
# # Seeing backpropagation
# Every op records which tensors it came from, so the whole computation is a graph we can draw: a box per tensor
# (green: weights, grey dashed: data and constants, blue: intermediate results, yellow: the loss), a red pill per op,
# arrows in the direction data flows. After ``backward()`` each box also shows its gradient: what flowed back.
#
# 1. A 2-4-1 tanh network on one sample, its MSE loss, and the gradient of the loss at every step.
# 2. tanh written by hand from exp, next to the built-in tanh: composing ops, each with its own small backward rule,
#    gives the same gradient as tanh's hand-written rule 1 - tanh(x)^2.

# %%
import numpy as np

from tinygrad_acts import Tensor
from tinygrad_acts.graph import draw_graph, retain_grads

from _common import display, parse_args, pyplot

args = parse_args("Draw the computation graph of a tiny network's loss, with values and gradients; and tanh by hand.")

# %% [markdown]
# ## 1. A 2-4-1 network on one sample
# ``h = tanh(x @ w1 + b1)``, ``pred = h @ w2 + b2``, ``loss = mean((pred - y)^2)``. Naming a tensor (``name=`` or
# ``t.name = ...``) puts the name in its box.

# %%
rng = np.random.default_rng(0)
x = Tensor([[0.5, -1.0]], name="x")  # one sample with 2 features: data, so no gradient
y = Tensor([[0.8]], name="y")  # its target
w1 = Tensor(rng.normal(0.0, 0.8, size=(2, 4)), requires_grad=True, name="w1")
b1 = Tensor(np.zeros(4), requires_grad=True, name="b1")
w2 = Tensor(rng.normal(0.0, 0.8, size=(4, 1)), requires_grad=True, name="w2")
b2 = Tensor(np.zeros(1), requires_grad=True, name="b2")

h = (x @ w1 + b1).tanh()
h.name = "h"
pred = h @ w2 + b2
pred.name = "pred"
loss = ((pred - y) ** 2).mean()
loss.name = "loss"

retain_grads(loss)  # before backward: keep the gradient of every intermediate result too, for the drawing
loss.backward()
print(f"prediction {pred.item():.4f}, target {y.item():.4f}, loss {loss.item():.4f}")
print("d loss / d pred =", pred.grad.item(), " (= 2 (pred - y))")
print("d loss / d w2 =", w2.grad.ravel().round(4), " (= h^T d loss / d pred)")
print("d loss / d w1 =\n", w1.grad.round(4))

# Top to bottom: a chain of 16 layers reads better tall than wide.
dot = draw_graph(loss, args.out / "backprop_graph.png", rankdir="TB",
                 title="a 2-4-1 tanh network: loss = mean((pred - y)^2)")
print(f"wrote {args.out / 'backprop_graph.png'} ({dot.count('->')} arrows; the DOT text is returned too)")
display(dot)  # in a notebook, the picture: Jupyter draws what draw_graph returns (its DOT text is dot.source)

# %% [markdown]
# ## 2. tanh by hand, and the built-in tanh
# ``tanh(x) = (e^x - e^-x) / (e^x + e^-x)`` from exp, neg, sub, add, pow (the division is ``* den ** -1``) and mul:
# backward chains six small rules. The built-in ``tanh`` is one op with the rule ``1 - tanh(x)^2``.

# %%
x_hand = Tensor(0.5, requires_grad=True, name="x")
e_x = x_hand.exp()
e_x.name = "e^x"
e_minus_x = (-x_hand).exp()
e_minus_x.name = "e^-x"
numerator = e_x - e_minus_x
numerator.name = "e^x - e^-x"
denominator = e_x + e_minus_x
denominator.name = "e^x + e^-x"
tanh_by_hand = numerator / denominator
tanh_by_hand.name = "tanh by hand"

x_builtin = Tensor(0.5, requires_grad=True, name="x")
tanh_builtin = x_builtin.tanh()
tanh_builtin.name = "built-in tanh"

retain_grads([tanh_by_hand, tanh_builtin])
tanh_by_hand.backward()
tanh_builtin.backward()
print(f"tanh(0.5): by hand {tanh_by_hand.item():.6f}, built in {tanh_builtin.item():.6f}")
print(f"d tanh / dx at 0.5: by hand {x_hand.grad.item():.6f}, built in {x_builtin.grad.item():.6f}, "
      f"1 - tanh^2 = {1 - np.tanh(0.5) ** 2:.6f}")

tanh_dot = draw_graph([tanh_by_hand, tanh_builtin], args.out / "tanh_by_hand_graph.png",
                      title="tanh(x) by hand from exp (top) and built in (bottom): the same gradient reaches x")
print(f"wrote {args.out / 'tanh_by_hand_graph.png'}")
display(tanh_dot)

# %%
if args.show:  # the figures are image files; show them in windows too
    plt = pyplot(args.show)
    for name in ("backprop_graph.png", "tanh_by_hand_graph.png"):
        figure, axes = plt.subplots(figsize=(10, 8))
        axes.imshow(plt.imread(args.out / name))
        axes.set_axis_off()
    plt.show()
