"""tinygrad_acts: a teaching-grade reverse-mode autodiff framework on numpy, with a Keras-style API.

Start reading at tensor.py.
"""
from .gradcheck import gradcheck
from .tensor import Tensor, concatenate, is_grad_enabled, maximum, minimum, no_grad, stack, where

__version__ = "0.1.0"
__all__ = ["Tensor", "concatenate", "gradcheck", "is_grad_enabled", "maximum", "minimum", "no_grad", "stack", "where"]
