"""Utilities that Keras keeps in keras.utils."""
from .backend import set_random_seed

__all__ = ["set_random_seed"]
