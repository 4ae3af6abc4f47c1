"""An unknown keyword argument gets the name to write: a habit from another framework (``lr=``, ``dim=``,
``keepdim=``, ``nb_epoch=``) by the table below, a typo by the nearest name the call takes. One decorator,
``suggests_keywords``, which the public API's calls wear (and the base classes put on their subclasses'
constructors); ``unknown_keywords`` makes the same message where a call collects ``**kwargs`` itself."""
from __future__ import annotations

import difflib
import functools
import inspect
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

# name -> (the name to write, whose habit it is, what to do where the call has no such argument, or always when the
# name to write is "")
ALIASES: dict[str, tuple[str, str, str | None]] = {
    "lr": ("learning_rate", "Keras 2's and PyTorch's name",
           "the learning rate belongs to the optimizer: compile(optimizer=optimizers.SGD(learning_rate=0.01), ...)"),
    "decay": ("", "Keras 2's optimizers' learning-rate decay",
              "give the optimizer a schedule: learning_rate=optimizers.schedules.InverseTimeDecay(0.01, 1, decay)"),
    "dim": ("axis", "PyTorch's name", None),
    "keepdim": ("keepdims", "PyTorch's name", None),
    "keep_dims": ("keepdims", "TensorFlow 1's name", None),
    "nb_epoch": ("epochs", "Keras 1's name", None),
    "num_epochs": ("epochs", "a common name", None),
    "epoch": ("epochs", "a common name", None),
    "init": ("kernel_initializer", "Keras 1's name", None),
    "output_dim": ("units", "Keras 1's name", None),
    "W_regularizer": ("kernel_regularizer", "Keras 1's name", None),
    "b_regularizer": ("bias_regularizer", "Keras 1's name", None),
    "out": ("", "numpy's output array", "Tensor ops make a new Tensor: write y = f(x)"),
}

F = TypeVar("F", bound=Callable[..., Any])


def unknown_keywords(owner: str, given: Iterable[str], accepted: Iterable[str]) -> TypeError:
    """The error for keyword arguments ``owner`` does not take: for each, the name to write instead."""
    accepted = [name for name in accepted if name not in ("self", "cls")]
    return TypeError(f"{owner} got an unexpected keyword argument: {hints(owner, given, accepted)}. It takes "
                     f"{', '.join(accepted) or 'no keyword arguments'}")


def hints(owner: str, given: Iterable[str], accepted: list[str]) -> str:
    """For each keyword in ``given``, what to write instead, from the table of habits or the nearest name."""
    found = []
    for name in given:
        alias = ALIASES.get(name)
        if alias is not None and alias[0] and alias[0] in accepted:
            found.append(f"{name}= is {alias[1]}: write {alias[0]}=")
        elif alias is not None:
            found.append(f"{name}= is {alias[1]}: {alias[2] or f'{owner} has no {alias[0]}= either'}")
        else:
            close = difflib.get_close_matches(name, accepted, n=1)
            found.append(f"{name}=: did you mean {close[0]}=" if close else f"{name}= is not one of its arguments")
    return "; ".join(found)


def suggests_keywords(function: F) -> F:
    """Wrap ``function`` so that a keyword it does not take gets unknown_keywords' message. Costs one extra call
    while the arguments are right; the signature is read only when a call fails."""
    @functools.wraps(function)
    def checked(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except TypeError:
            parameters = inspect.signature(function).parameters
            unknown = [name for name in kwargs if name not in parameters or
                       parameters[name].kind is inspect.Parameter.POSITIONAL_ONLY]
            if any(p.kind is p.VAR_KEYWORD for p in parameters.values()):  # **kwargs takes any name: only habits
                unknown = [name for name in unknown if ALIASES.get(name, ("",))[0] in parameters]
            if not unknown:  # the TypeError came from inside, not from these arguments
                raise
            name = function.__name__
            method = bool(args) and getattr(type(args[0]), name, None) is checked  # t.max(...): a method of ours
            owner = type(args[0]).__name__ if name == "__init__" else \
                f"{type(args[0]).__name__}.{name}" if method else name
            accepted = [name for name, p in parameters.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
            raise unknown_keywords(f"{owner}()", unknown, accepted[1:] if method else accepted) from None

    checked.suggests_keywords = True  # type: ignore[attr-defined]  # for the test that walks the public API
    return checked  # type: ignore[return-value]


class SuggestsKeywords:
    """A base for the public classes (layers, optimizers, losses, metrics, callbacks, initializers, ...): the
    constructor of every subclass wears ``suggests_keywords``, so ``SGD(lr=0.1)`` says to write learning_rate=."""

    def __init_subclass__(cls, **kwargs: Any):
        super().__init_subclass__(**kwargs)
        if "__init__" in vars(cls) and not getattr(cls.__init__, "suggests_keywords", False):
            cls.__init__ = suggests_keywords(cls.__init__)  # type: ignore[method-assign]
