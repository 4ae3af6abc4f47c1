"""tinygrad_acts: a teaching-grade reverse-mode autodiff framework on numpy, with a Keras-style API.

Start reading at tensor.py. ``import tinygrad_acts as keras`` gives ``keras.layers``, ``keras.models``,
``keras.backend``, ``keras.activations``, ``keras.losses``, ``keras.optimizers``, ``keras.utils``.
"""
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
    regularizers,
    utils,
)
from .collapse import NotLinearError, collapse, is_linear  # after this, ta.collapse is the function
from .creation import arange, eye, full, normal, ones, ones_like, rand, randn, uniform, zeros, zeros_like
from .gradcheck import gradcheck, gradgradcheck
from .graph import draw_graph, plot_model, retain_grads
from .layers import Input
from .models import Model, Sequential
from .tensor import Tensor, concatenate, custom_op, is_grad_enabled, maximum, minimum, no_grad, split, stack, where
from .transforms import grad, hessian, hvp, jacobian, value_and_grad

__version__ = "0.1.0"
__all__ = ["Input", "Model", "NotLinearError", "Sequential", "Tensor", "activations", "arange", "backend", "callbacks",
           "collapse", "concatenate", "creation", "custom_op", "diagnostics", "draw_graph", "eye", "full", "grad",
           "gradcheck", "gradgradcheck", "hessian", "hvp", "initializers", "is_grad_enabled", "is_linear", "jacobian",
           "layers", "losses", "maximum", "metrics", "minimum", "models", "no_grad", "normal", "ones", "ones_like",
           "ops", "optimizers", "plot_model", "rand", "randn", "regularizers", "retain_grads", "split", "stack",
           "uniform", "utils", "value_and_grad", "where", "zeros", "zeros_like"]
