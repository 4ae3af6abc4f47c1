"""Variable: a weight, or a piece of a metric's state, as Keras 3's ``keras.Variable`` — a Tensor that keeps its place.

A Variable is the Tensor the engine differentiates (a leaf: ``x @ layer.kernel`` records a graph through it), with
what Keras adds: it is changed in place (``assign``, ``assign_add``, ``assign_sub``), so an optimizer, a graph or a
layer holding it sees the new numbers; ``trainable`` is whether it asks for a gradient; ``name`` is its own short
name ('kernel') and ``path`` says whose it is ('dense/kernel').
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .tensor import Tensor


class Variable(Tensor):
    """``Variable(initial_value, trainable=True, name=None)``: a Tensor whose numbers change in place.

        total = Variable(np.zeros(3), trainable=False, name="total")
        total.assign_add([1.0, 2.0, 3.0])         # total.numpy() is now [1, 2, 3]

    ``assign`` checks the shape (a single number fills every entry) and keeps the variable's dtype, so a weight
    never changes its layout under an optimizer. Arithmetic on a variable is arithmetic on Tensors, recorded for
    gradients when it is trainable. ``layer.add_weight`` and ``metric.add_variable`` make them.
    """

    __slots__ = ("path", "aggregation")

    def __init__(self, initial_value: Any, trainable: bool = True, dtype: Any = None, name: str | None = None,
                 path: str | None = None, aggregation: str = "none"):
        if callable(initial_value):  # an initializer called with no shape is an error of its own; Keras' lazy form
            raise TypeError(f"Variable {name!r}: give initial_value as numbers (an array), e.g. "
                            f"Variable(initializers.zeros()((3,))), got the callable {initial_value!r}")
        numbers = initial_value.data if isinstance(initial_value, Tensor) else initial_value
        if isinstance(numbers, np.ndarray):  # the variable owns its numbers: assign never writes into the caller's
            numbers = numbers.copy()
        super().__init__(numbers, requires_grad=trainable, dtype=dtype, name=name or "variable")
        self.path: str = path or name or "variable"  # 'dense/kernel', a layer's weight; a lone variable: its name
        self.aggregation = aggregation  # Keras' rule for combining replicas; one process here: only kept

    @property
    def trainable(self) -> bool:
        """Whether the optimizer updates it: it is then a leaf that asks for a gradient (``requires_grad``)."""
        return self.requires_grad

    @trainable.setter
    def trainable(self, value: bool) -> None:
        if value and self.data.dtype.kind != "f":  # as Tensor(..., requires_grad=True): gradients are floats
            raise TypeError(f"Variable '{self.path}' holds {self.data.dtype} numbers, which cannot be trained; only "
                            f"a floating-point variable can be trainable")
        self.requires_grad = bool(value)

    @property
    def value(self) -> np.ndarray:
        """The numbers themselves (not a copy): what ``numpy()`` copies."""
        return self.data

    def numpy(self) -> np.ndarray:
        """A copy of the numbers: changing it leaves the variable alone (as Keras' ``variable.numpy()``)."""
        return self.data.copy()

    def assign(self, value: Any) -> Variable:
        """Write ``value`` into the variable, in place, in its own dtype; a number fills the whole shape."""
        new = np.asarray(value.data if isinstance(value, Tensor) else value)
        if new.shape != self.data.shape and new.size != 1:
            raise ValueError(f"Variable '{self.path}': cannot assign a value of shape {new.shape} to a variable of "
                             f"shape {self.data.shape}; give an array of shape {self.data.shape} (or one number)")
        if new.dtype.kind not in "biuf":
            raise ValueError(f"Variable '{self.path}': cannot assign values of dtype {new.dtype} to a variable of "
                             f"dtype {self.data.dtype}; give numbers")
        self.data[...] = new.reshape(()) if new.shape != self.data.shape else new
        return self

    def assign_add(self, value: Any) -> Variable:
        """``v.assign(v + value)``, in place."""
        return self.assign(self.data + np.asarray(value.data if isinstance(value, Tensor) else value))

    def assign_sub(self, value: Any) -> Variable:
        """``v.assign(v - value)``, in place."""
        return self.assign(self.data - np.asarray(value.data if isinstance(value, Tensor) else value))

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """``np.array(v)`` asks for a copy, and gets one: the variable's state is not handed out to be changed."""
        return np.array(self.data, dtype=dtype, copy=copy)

    def __format__(self, format_spec: str) -> str:
        """As its numbers: one number formats as a number (``f"{v:.3f}"``), several as their array."""
        return format(self.data.item() if self.data.size == 1 else self.data, format_spec)

    def __repr__(self) -> str:
        return f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, value={self.data}>"
