# mypy: disable-error-code="call-arg"
"""Habits from other frameworks get the name to write (keywords.py): one table of aliases and one decorator, worn
by the public classes' constructors and the calls that take an axis or train a model."""
import inspect

import numpy as np
import pytest

import tinygrad_acts as ta
from tinygrad_acts import (
    Tensor,
    activations,
    callbacks,
    initializers,
    layers,
    losses,
    metrics,
    ops,
    optimizers,
    regularizers,
    schedules,
    variables,
)
from tinygrad_acts.keywords import SuggestsKeywords, suggests_keywords


def model():
    m = ta.Sequential([layers.Dense(1, input_shape=(2,))])
    m.compile(optimizer="sgd", loss="mse")
    return m


@pytest.mark.parametrize("call, match", [
    (lambda: Tensor(np.ones((2, 3))).sum(dim=0),
     r"^Tensor.sum\(\) got an unexpected keyword argument: dim= is PyTorch's name: write axis=\. It takes axis, "
     r"keepdims$"),
    (lambda: Tensor(np.ones((2, 3))).mean(axis=0, keepdim=True), r"keepdim= is PyTorch's name: write keepdims="),
    (lambda: Tensor(np.ones((2, 3))).max(dim=1), r"^Tensor.max\(\) got .*dim= is PyTorch's name: write axis="),
    (lambda: ta.concatenate([Tensor([1.0])], dim=0), r"^concatenate\(\) got .*write axis="),
    (lambda: activations.softmax(Tensor(np.ones((2, 3))), dim=1), r"^softmax\(\) got .*write axis="),
    (lambda: ops.sum(np.ones(3), dim=0), r"^sum\(\) got .*write axis="),
    (lambda: optimizers.SGD(lr=0.1), r"^SGD\(\) got an unexpected keyword argument: lr= is Keras 2's and PyTorch's "
                                     r"name: write learning_rate=\. It takes learning_rate, momentum, nesterov$"),
    (lambda: optimizers.Adam(lr=1e-3, decay=1e-6), r"lr= .* write learning_rate=; decay= .* give the optimizer a "
                                                  r"schedule"),
    (lambda: model().compile(optimizer="sgd", loss="mse", lr=0.1),
     r"^Sequential.compile\(\) got .*lr= .*: the learning rate belongs to the optimizer: compile\(optimizer="
     r"optimizers.SGD\(learning_rate=0.01\), \.\.\.\)"),
    (lambda: model().fit(np.ones((4, 2)), np.ones((4, 1)), nb_epoch=5), r"nb_epoch= is Keras 1's name: write epochs="),
    (lambda: model().fit(np.ones((4, 2)), np.ones((4, 1)), verbos=0), r"verbos=: did you mean verbose="),
    (lambda: layers.Dense(4, init="uniform"), r"^Dense\(\) got an unexpected keyword argument: init= is Keras 1's "
                                              r"name: write kernel_initializer=\. It takes units, activation, "),
    (lambda: layers.Dense(4, activaton="relu"), r"^Dense got unexpected keyword arguments \{'activaton': 'relu'\}: "
                                                r"activaton=: did you mean activation="),
    (lambda: layers.Dense(output_dim=4), r"output_dim= is Keras 1's name: write units="),
    (lambda: callbacks.EarlyStopping(patiense=3), r"^EarlyStopping\(\) got .*patiense=: did you mean patience="),
    (lambda: losses.BinaryCrossentropy(from_logit=True), r"from_logit=: did you mean from_logits="),
    (lambda: metrics.Precision(threshold=0.5), r"threshold=: did you mean thresholds="),
    (lambda: initializers.HeNormal(seeds=1), r"seeds=: did you mean seed="),
    (lambda: regularizers.L2(l=0.1), r"^L2\(\) got an unexpected keyword argument"),
    (lambda: schedules.ExponentialDecay(0.1, 10, 0.9, stair=True), r"stair=: did you mean staircase="),
])
def test_a_keyword_from_another_framework_or_a_typo_gets_the_name_to_write(call, match):
    with pytest.raises(TypeError, match=match):
        call()


def test_a_type_error_from_inside_the_call_is_left_as_it_is():
    """Only the call's own unknown keywords are rewritten: an error the function raises itself keeps its text."""
    @suggests_keywords
    def f(x, scale=1.0):
        return x + "text"

    with pytest.raises(TypeError, match=r"unsupported operand"):
        f(1, scale=2.0)


def test_the_right_keywords_still_work_and_the_signature_is_the_functions():
    assert Tensor(np.ones((2, 3))).sum(axis=0, keepdims=True).shape == (1, 3)
    assert list(inspect.signature(optimizers.SGD).parameters)[:1] == ["learning_rate"]
    assert inspect.signature(Tensor.max) == inspect.signature(Tensor.max.__wrapped__)  # the decorator hides nothing


PUBLIC_MODULES = (activations, callbacks, initializers, layers, losses, metrics, optimizers, regularizers, schedules,
                  variables)


def test_every_public_class_constructor_says_which_name_to_write():
    """The walk: every class of the Keras modules derives from SuggestsKeywords (so its constructor wears the
    decorator), or takes **kwargs and reports them through the same table (Layer)."""
    classes = {cls for module in PUBLIC_MODULES for cls in vars(module).values()
               if isinstance(cls, type) and cls.__module__.startswith(module.__name__) and not cls.__name__.startswith(
                   "_") and not issubclass(cls, (Warning, Exception))}
    plain = [cls.__name__ for cls in classes if not issubclass(cls, SuggestsKeywords)]
    assert sorted(plain) == ["CallbackList", "KerasTensor", "Node", "ProgressBar", "Variable"], plain
    wrapped = [cls for cls in classes if issubclass(cls, SuggestsKeywords) and "__init__" in vars(cls)]
    assert all(getattr(cls.__init__, "suggests_keywords", False) for cls in wrapped)
    assert len(wrapped) > 60


@pytest.mark.parametrize("method", ["sum", "mean", "max", "min", "var", "std", "logsumexp", "prod", "cumsum",
                                    "argmax", "argmin", "squeeze", "unsqueeze", "flip", "pad", "clip"])
def test_every_tensor_method_with_keywords_names_the_habit(method):
    """The decorator on most; sum and mean check their own **habits (they are on every loss's path)."""
    t = Tensor(np.arange(6.0).reshape(2, 3))
    with pytest.raises(TypeError, match=rf"^Tensor\.{method}\(\) got an unexpected keyword argument: dim= is "
                                        r"PyTorch's name: (write axis=|Tensor\.\w+\(\) has no axis= either)"):
        getattr(t, method)(dim=0)


@pytest.mark.parametrize("method", ["compile", "fit", "evaluate", "predict", "train_on_batch", "test_on_batch"])
def test_every_training_call_wears_it(method):
    assert getattr(getattr(ta.Sequential, method), "suggests_keywords", False)


def test_if_on_a_comparison_of_many_entries_says_any_all_or_where():
    t = Tensor([1.0, -2.0])
    with pytest.raises(ValueError, match=r"`if` needs one truth value, but this comparison of a Tensor of shape "
                                         r"\(2,\) holds 2: write \(t > 0\).any\(\) or \(t > 0\).all\(\) .*"
                                         r"tinygrad_acts.where\(t > 0, a, b\)"):
        if t > 0:
            pass
    assert bool(Tensor([3.0]) > 0) and not bool(Tensor([3.0]) < 0)
