# %% [markdown]
# # A first gradient
# Reverse mode in three lines: build an expression from Tensors, call ``backward()``, read ``.grad``.
# Then a figure: tanh and its derivative, the derivative computed by autodiff for 200 points at once.

# %%
import numpy as np

import tinygrad_acts as ta

from _common import parse_args, pyplot, save

args = parse_args("A first gradient: d/dx of sum(tanh(x @ x)), and tanh' by autodiff.")

# %%
x = ta.Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
loss = (x @ x).tanh().sum()
loss.backward()
print("loss =", loss.item())
print("d loss / dx =\n", x.grad)

# %% tanh and its derivative, 1 - tanh(x)^2, from backward()
xs = ta.Tensor(np.linspace(-4, 4, 200), requires_grad=True)
ys = xs.tanh()
ys.sum().backward()  # each y depends only on its own x, so the gradient of the sum is each derivative
print("largest gap between autodiff and 1 - tanh^2:", float(np.max(np.abs(xs.grad - (1 - ys.data ** 2)))))

plt = pyplot(args.show)
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(xs.data, ys.data, label="tanh(x)")
ax.plot(xs.data, xs.grad, label="d tanh / dx (autodiff)")
ax.plot(xs.data, 1 - ys.data ** 2, "k:", label="1 - tanh(x)^2 (by hand)")
ax.axhline(0, color="grey", lw=0.5)
ax.legend()
ax.set_title("tanh and its derivative")
save(fig, args.out, "first_gradient.png")
if args.show:
    plt.show()
