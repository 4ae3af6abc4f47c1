"""A Tensor as a Python value: its numbers (numpy(), item(), len()), how it prints (repr, format), and what bool(),
float() and int() make of it; detach(). Python's protocols, not the lesson; attached to Tensor at the end."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor


def numpy(t: Tensor) -> np.ndarray:
    """The values, as a numpy array: the way out of the graph (no gradient flows through what you do next)."""
    return t.data


def item(t: Tensor) -> Any:
    return t.data.item()


def detach(t: Tensor) -> Tensor:
    """The same values, cut off from the graph."""
    return Tensor(t.data)


def __len__(t: Tensor) -> int:
    return len(t.data)


def __repr__(t: Tensor) -> str:
    """``Tensor([1., 2.], requires_grad=True)``, as PyTorch prints it: the dtype when it is not float32, the name
    when there is one, then the op that made it (``grad_fn=mul``) or ``requires_grad=True`` for a leaf."""
    parts = [np.array2string(t.data, separator=", ", prefix="Tensor(")]
    if t.data.dtype != np.float32:
        parts.append(f"dtype={t.data.dtype}")
    if t.name is not None:
        parts.append(f"name={t.name!r}")
    if t.op is not None:
        parts.append(f"grad_fn={t.op}")
    elif t.requires_grad:
        parts.append("requires_grad=True")
    return f"Tensor({', '.join(parts)})"


def __bool__(t: Tensor) -> bool:
    if t.data.size != 1:
        raise ValueError(f"the truth value of a Tensor of shape {t.shape} is ambiguous: it holds "
                         f"{t.data.size} numbers, not one. To test them, write (x > 0).any() or .all(); to "
                         f"choose number by number, as max(x, 0) or `x if x > 0 else 0` do for one number, write "
                         f"tinygrad_acts.maximum(x, 0) (or the activation 'relu') or tinygrad_acts.where(x > 0, "
                         f"x, 0)")
    return bool(t.data)


def _one_number(t: Tensor, what: str) -> Any:
    """The single number of a one-element Tensor (any shape, as in PyTorch), for float(), int() and format()."""
    if t.data.size != 1:
        raise TypeError(f"{what} needs a Tensor of one element, got shape {t.shape} ({t.data.size} "
                        f"elements); pick one, e.g. t[0], or reduce it, e.g. t.sum() or t.mean()")
    return t.data.item()


def __float__(t: Tensor) -> float:
    return float(_one_number(t, "float()"))


def __int__(t: Tensor) -> int:
    return int(_one_number(t, "int()"))


def __format__(t: Tensor, format_spec: str) -> str:
    """``f"{loss:.3f}"`` formats the number of a one-element Tensor; ``f"{t}"`` is ``str(t)`` for any Tensor."""
    if not format_spec:
        return str(t)
    return format(_one_number(t, f"format(t, {format_spec!r})"), format_spec)


# Tensor's methods: t.item(), len(t), repr(t), bool(t), float(t), int(t), f"{t:.3f}"
for _method in (numpy, item, detach, __len__, __repr__, __bool__, __float__, __int__, __format__):
    setattr(Tensor, _method.__name__, _method)
