"""Utilities that Keras keeps in keras.utils."""
from .backend import set_random_seed
from .graph import plot_model

__all__ = ["plot_model", "set_random_seed"]
