"""tinygrad_acts: a teaching-grade reverse-mode autodiff framework on numpy, with a Keras-style API.

Start reading at tensor.py. ``import tinygrad_acts as keras`` gives ``keras.layers``, ``keras.models``,
``keras.backend``, ``keras.activations``, ``keras.losses``, ``keras.optimizers``, ``keras.utils``.
"""
# the rest of the engine first: each of these modules attaches its ops to Tensor as methods (engine/__init__.py)
from .engine import elementwise, extend, higher_order, numpy_functions, protocols, reductions, shapes  # noqa: F401, I001
from . import (
    activations,
    backend,
    callbacks,
    creation,
    diagnostics,
    initializers,
    layers,
    losses,
    metrics,
    models,
    ops,
    optimizers,
    random,
    regularizers,
    utils,
    variables,
)
from .collapse import NotLinearError, collapse, is_linear  # after this, ta.collapse is the function
from .creation import arange, eye, full, normal, ones, ones_like, rand, randn, uniform, zeros, zeros_like
from .engine.elementwise import maximum, minimum, where
from .engine.extend import custom_op
from .engine.reductions import einsum
from .engine.shapes import concatenate, split, stack
from .gradcheck import gradcheck, gradgradcheck
from .viz.graph import draw_graph, plot_model, retain_grads
from .layers import Input
from .models import Model, Sequential
from .tensor import Tensor, is_grad_enabled, no_grad, record, set_grad_enabled
from .transforms import grad, hessian, hvp, jacobian, value_and_grad
from .variables import Variable

__version__ = "0.1.0"
__all__ = ["Input", "Model", "NotLinearError", "Sequential", "Tensor", "activations", "arange", "backend", "callbacks",
           "collapse", "concatenate", "creation", "custom_op", "diagnostics", "draw_graph", "einsum", "eye", "full",
           "grad", "gradcheck", "gradgradcheck", "hessian", "hvp", "initializers", "is_grad_enabled", "is_linear",
           "jacobian", "layers", "losses", "maximum", "metrics", "minimum", "models", "no_grad", "normal", "ones",
           "ones_like", "ops", "optimizers", "plot_model", "rand", "randn", "random", "record", "regularizers",
           "retain_grads", "set_grad_enabled", "split", "stack", "uniform", "utils", "value_and_grad", "variables",
           "where", "zeros", "zeros_like", "Variable"]
