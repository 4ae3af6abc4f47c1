"""The benchmark's workloads, each written twice: with tinygrad_acts, and by hand in numpy.

The hand-written numpy version is the limit tinygrad_acts is measured against: the same matmuls, elementwise ops
and reductions called directly, with the backward pass derived on paper and written out. Read the two side by
side: the tinygrad_acts step is the forward pass only, the numpy step is the forward pass plus its derivative.
If PyTorch happens to be installed, a third version runs in eager mode; it is never a dependency.

Every implementation is an object with ``train_on_batch(x, y)`` (one full training step: forward, loss,
backward, SGD update, clearing gradients), ``step()`` (the same on the workload's fixed batch) and ``result()``
(the arrays the equivalence check compares: the updated weights, or for M1 the gradients).

The second-order measurement (at the end) has its own three implementations of W2's loss, each with
``gradient()`` and ``hvp()`` (the Hessian of the loss in all the weights times a fixed direction v).

Every tinygrad_acts name is imported here, at the top, never inside a function: ``train_step.py --against REV``
loads a second copy of this file bound to REV's package, and an import at call time would reach the current one.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from tinygrad_acts import Tensor, activations, losses, transforms
from tinygrad_acts.callbacks import Callback
from tinygrad_acts.diagnostics import LayerStats
from tinygrad_acts.layers import Dense, Input
from tinygrad_acts.models import Model, Sequential
from tinygrad_acts.optimizers import SGD

LEARNING_RATE = 0.01


# ----------------------------------------------------------------------------------------------------------------
# The problems: data and initial weights, shared by every implementation
# ----------------------------------------------------------------------------------------------------------------
@dataclass
class MLPProblem:
    """A multilayer perceptron on one fixed batch (or, for model.fit, an epoch of ``epoch_batches`` batches).

    Weights follow Keras' Dense defaults: kernels glorot-uniform, U(-l, l) with l = sqrt(6 / (fan_in + fan_out)),
    biases zero. ``loss`` is "mse" (float targets) or "cross_entropy" (integer class labels, softmax from logits).
    """
    sizes: tuple[int, ...]
    activation: str  # of the hidden layers: "tanh" or "relu"; the output layer is linear
    loss: str
    batch: int
    dtype: Any = np.float32
    seed: int = 0
    epoch_batches: int = 1
    weights: list[tuple[np.ndarray, np.ndarray]] = field(init=False)
    x: np.ndarray = field(init=False)  # all the samples; the fixed batch is the first `batch` rows
    y: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        rng = np.random.default_rng(self.seed)
        self.weights = []
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:], strict=True):
            limit = np.sqrt(6 / (fan_in + fan_out))
            kernel = rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(self.dtype)
            self.weights.append((kernel, np.zeros(fan_out, dtype=self.dtype)))
        samples = self.batch * self.epoch_batches
        self.x = rng.standard_normal((samples, self.sizes[0])).astype(self.dtype)
        if self.loss == "mse":
            self.y = rng.standard_normal((samples, self.sizes[-1])).astype(self.dtype)
        else:
            self.y = rng.integers(0, self.sizes[-1], size=samples)

    def batches(self):
        """The epoch's batches in order, as model.fit(..., shuffle=False) sees them."""
        for start in range(0, len(self.x), self.batch):
            yield self.x[start:start + self.batch], self.y[start:start + self.batch]


@dataclass
class ElementwiseProblem:
    """M1: two (32, 16) tensors; one step is ``(a * b).sum().backward()``."""
    shape: tuple[int, ...] = (32, 16)
    dtype: Any = np.float32
    seed: int = 0
    a: np.ndarray = field(init=False)
    b: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        rng = np.random.default_rng(self.seed)
        self.a = rng.standard_normal(self.shape).astype(self.dtype)
        self.b = rng.standard_normal(self.shape).astype(self.dtype)


# ----------------------------------------------------------------------------------------------------------------
# tinygrad_acts: plain Tensors, the loss written with Tensor ops, SGD on the raw arrays
# ----------------------------------------------------------------------------------------------------------------
def mean_squared_error(predictions: Tensor, targets: Tensor) -> Tensor:
    diff = predictions - targets
    return (diff * diff).mean()


def softmax_cross_entropy(logits: Tensor, labels: np.ndarray) -> Tensor:
    """mean over the batch of -log softmax(z)[label], as a user of the library writes it (PyTorch users write
    F.log_softmax): activations.log_softmax is log-sum-exp with the row max subtracted, so every exp is <= 1."""
    log_probs = activations.log_softmax(logits)
    return -log_probs[np.arange(len(labels)), labels].mean()


class TinygradMLP:
    def __init__(self, problem: MLPProblem):
        self.problem = problem
        self.layers = [(Tensor(kernel.copy(), requires_grad=True), Tensor(bias.copy(), requires_grad=True))
                       for kernel, bias in problem.weights]
        self.parameters = [p for layer in self.layers for p in layer]
        self.activation = problem.activation
        self.loss = mean_squared_error if problem.loss == "mse" else softmax_cross_entropy
        x, y = problem.x[:problem.batch], problem.y[:problem.batch]
        self.x, self.y = Tensor(x), (Tensor(y) if problem.loss == "mse" else y)

    def train_on_batch(self, x: Tensor, y: Any) -> Tensor:
        h = x
        for i, (kernel, bias) in enumerate(self.layers):
            h = h @ kernel + bias
            if i < len(self.layers) - 1:
                h = h.tanh() if self.activation == "tanh" else h.relu()
        loss = self.loss(h, y)
        loss.backward()
        for p in self.parameters:  # SGD on the raw arrays: the update is not part of any graph
            p.data -= LEARNING_RATE * p.grad
            p.grad = None
        return loss

    def step(self) -> None:
        self.train_on_batch(self.x, self.y)

    def epoch(self) -> None:
        """One pass over the problem's batches, each wrapped in a Tensor as a data loader would."""
        for x, y in self.problem.batches():
            self.train_on_batch(Tensor(x), Tensor(y) if self.problem.loss == "mse" else y)

    def result(self) -> list[np.ndarray]:
        return [p.data for p in self.parameters]


class TinygradElementwise:
    def __init__(self, problem: ElementwiseProblem):
        self.a = Tensor(problem.a.copy(), requires_grad=True)
        self.b = Tensor(problem.b.copy(), requires_grad=True)
        self.grads: list[np.ndarray] = []

    def step(self) -> None:
        (self.a * self.b).sum().backward()
        self.grads = [self.a.grad, self.b.grad]
        self.a.grad = self.b.grad = None

    def result(self) -> list[np.ndarray]:
        return self.grads


# ----------------------------------------------------------------------------------------------------------------
# By hand in numpy: the forward pass keeps what the backward pass needs; the backward pass is derived on paper
# ----------------------------------------------------------------------------------------------------------------
class NumpyMLP:
    def __init__(self, problem: MLPProblem):
        self.problem = problem
        self.layers = [(kernel.copy(), bias.copy()) for kernel, bias in problem.weights]
        self.x, self.y = problem.x[:problem.batch], problem.y[:problem.batch]

    def train_on_batch(self, x: np.ndarray, y: np.ndarray) -> float:
        # forward: remember each layer's input (for the kernel's gradient) and output (for the activation's)
        inputs = []
        h = x
        for i, (kernel, bias) in enumerate(self.layers):
            inputs.append(h)
            h = h @ kernel + bias
            if i < len(self.layers) - 1:
                h = np.tanh(h) if self.problem.activation == "tanh" else np.maximum(h, 0)

        # loss, and its gradient with respect to the network's output
        if self.problem.loss == "mse":
            diff = h - y
            loss = np.mean(diff * diff)
            grad = (2 / diff.size) * diff  # d/d out of mean(diff^2)
        else:
            rows = np.arange(len(y))
            shifted = h - h.max(axis=-1, keepdims=True)  # stable: exp(shifted) <= 1
            exp = np.exp(shifted)
            sum_exp = exp.sum(axis=-1, keepdims=True)
            log_probs = shifted - np.log(sum_exp)
            loss = -log_probs[rows, y].mean()
            grad = exp / sum_exp  # d/dz of -log softmax(z)[label] is softmax(z) - one_hot(label)
            grad[rows, y] -= 1
            grad /= len(y)  # the mean over the batch

        # backward: for out = act(inp @ kernel + bias), d kernel = inp^T @ g, d bias = sum of g over the batch,
        # d inp = (g @ kernel^T) * act'(...), where tanh' = 1 - tanh^2 and relu' = (relu > 0)
        grads = []
        for i in reversed(range(len(self.layers))):
            kernel, bias = self.layers[i]
            inp = inputs[i]
            grads.append((inp.T @ grad, grad.sum(axis=0)))
            if i > 0:  # the data batch needs no gradient
                grad = grad @ kernel.T
                grad = grad * (1 - inp * inp) if self.problem.activation == "tanh" else grad * (inp > 0)

        # SGD update
        for (kernel, bias), (grad_kernel, grad_bias) in zip(self.layers, reversed(grads), strict=True):
            kernel -= LEARNING_RATE * grad_kernel
            bias -= LEARNING_RATE * grad_bias
        return loss

    def step(self) -> None:
        self.train_on_batch(self.x, self.y)

    def epoch(self) -> None:
        for x, y in self.problem.batches():
            self.train_on_batch(x, y)

    def result(self) -> list[np.ndarray]:
        return [p for layer in self.layers for p in layer]


class NumpyElementwise:
    def __init__(self, problem: ElementwiseProblem):
        self.a, self.b = problem.a.copy(), problem.b.copy()
        self.grads: list[np.ndarray] = []

    def step(self) -> float:
        product = self.a * self.b
        total = product.sum()
        grad_product = np.ones_like(product)  # d total / d product: sum spreads its gradient (1) to every entry
        self.grads = [grad_product * self.b, grad_product * self.a]
        return total

    def result(self) -> list[np.ndarray]:
        return self.grads


# ----------------------------------------------------------------------------------------------------------------
# PyTorch eager mode, only if it is installed: a third column, never a dependency
# ----------------------------------------------------------------------------------------------------------------
def torch_available() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


class TorchMLP:
    def __init__(self, problem: MLPProblem):
        import torch
        import torch.nn.functional as F

        self.torch, self.F, self.problem = torch, F, problem
        self.layers = [(torch.tensor(kernel, requires_grad=True), torch.tensor(bias, requires_grad=True))
                       for kernel, bias in problem.weights]
        self.parameters = [p for layer in self.layers for p in layer]
        self.x = torch.from_numpy(problem.x[:problem.batch].copy())
        self.y = torch.from_numpy(problem.y[:problem.batch].copy())

    def train_on_batch(self, x, y) -> None:
        torch, F = self.torch, self.F
        h = x
        for i, (kernel, bias) in enumerate(self.layers):
            h = h @ kernel + bias
            if i < len(self.layers) - 1:
                h = torch.tanh(h) if self.problem.activation == "tanh" else torch.relu(h)
        loss = F.mse_loss(h, y) if self.problem.loss == "mse" else F.cross_entropy(h, y)
        loss.backward()
        with torch.no_grad():
            for p in self.parameters:
                p -= LEARNING_RATE * p.grad
                p.grad = None

    def step(self) -> None:
        self.train_on_batch(self.x, self.y)

    def result(self) -> list[np.ndarray]:
        return [p.detach().numpy() for p in self.parameters]


class TorchElementwise:
    def __init__(self, problem: ElementwiseProblem):
        import torch

        self.a = torch.tensor(problem.a, requires_grad=True)
        self.b = torch.tensor(problem.b, requires_grad=True)
        self.grads: list = []

    def step(self) -> None:
        (self.a * self.b).sum().backward()
        self.grads = [self.a.grad, self.b.grad]
        self.a.grad = self.b.grad = None

    def result(self) -> list[np.ndarray]:
        return [g.numpy() for g in self.grads]


# ----------------------------------------------------------------------------------------------------------------
# The workloads of the benchmark (issue 4)
# ----------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Workload:
    key: str
    description: str
    target: float  # the median ratio tinygrad_acts / numpy to meet
    make_problem: Callable[..., Any]  # (dtype=...) -> the problem
    tinygrad: Callable[[Any], Any]
    numpy: Callable[[Any], Any]
    torch: Callable[[Any], Any]


WORKLOADS = [
    Workload("W1", "tiny MLP 2-16-16-1, tanh, MSE, batch 32", 1.5,
             lambda dtype=np.float32: MLPProblem((2, 16, 16, 1), "tanh", "mse", batch=32, dtype=dtype),
             TinygradMLP, NumpyMLP, TorchMLP),
    Workload("W2", "small MLP 64-128-128-10, ReLU, softmax cross-entropy, batch 64", 1.25,
             lambda dtype=np.float32: MLPProblem((64, 128, 128, 10), "relu", "cross_entropy", batch=64, dtype=dtype),
             TinygradMLP, NumpyMLP, TorchMLP),
    Workload("W3", "medium MLP 784-256-10, ReLU, softmax cross-entropy, batch 256", 1.10,
             lambda dtype=np.float32: MLPProblem((784, 256, 10), "relu", "cross_entropy", batch=256, dtype=dtype),
             TinygradMLP, NumpyMLP, TorchMLP),
    Workload("M1", "elementwise (a * b).sum().backward() on (32, 16)", 3.0,
             lambda dtype=np.float32: ElementwiseProblem(dtype=dtype),
             TinygradElementwise, NumpyElementwise, TorchElementwise),
]


# ----------------------------------------------------------------------------------------------------------------
# The equivalence check: one step of each implementation must give the same result
# ----------------------------------------------------------------------------------------------------------------
def relative_difference(found: list[np.ndarray], expected: list[np.ndarray]) -> float:
    """The worst, over arrays, of max|found - expected| / max|expected| (relative to each array's scale)."""
    worst = 0.0
    for f, e in zip(found, expected, strict=True):
        f, e = np.asarray(f, dtype=np.float64), np.asarray(e, dtype=np.float64)
        if f.shape != e.shape:
            raise AssertionError(f"shapes differ: {f.shape} vs {e.shape}")
        worst = max(worst, float(np.max(np.abs(f - e)) / max(np.max(np.abs(e)), np.finfo(np.float64).tiny)))
    return worst


def check_same_step(workload: Workload, implementation: str, dtype: Any = np.float32, rtol: float = 1e-5) -> float:
    """Run one step of ``implementation`` ("tinygrad" or "torch") and of the hand-written numpy from the same
    weights; raise AssertionError unless the results agree to ``rtol``. Returns the relative difference."""
    problem = workload.make_problem(dtype=dtype)
    candidate, reference = getattr(workload, implementation)(problem), workload.numpy(problem)
    candidate.step()
    reference.step()
    difference = relative_difference(candidate.result(), reference.result())
    if not difference <= rtol:
        raise AssertionError(f"{workload.key}: one step of {implementation} differs from the hand-written numpy "
                             f"step by {difference:.3g} (relative, {np.dtype(dtype).name}); allowed {rtol:g}. "
                             f"The two implementations do not compute the same thing: fix that before timing.")
    return difference


# ----------------------------------------------------------------------------------------------------------------
# The public API: the same MLP as a Keras-style Sequential model, trained with model.fit
# ----------------------------------------------------------------------------------------------------------------
def model_of(how: str, layers: list, inputs: int) -> Any:
    """The same stack of layers as a ``Sequential``, as a functional graph ``Model(inputs, outputs)``, or as a
    subclass of ``Model`` whose ``call`` runs them (issue 23's "models of your own")."""
    if how == "sequential":
        return Sequential(layers)
    if how == "functional":
        x = Input(shape=(inputs,))
        outputs = x
        for layer in layers:
            outputs = layer(outputs)
        return Model(x, outputs)
    assert how == "subclassed", how

    class Stack(Model):
        def __init__(self, layers: list):
            super().__init__()
            self.stack = layers  # a list of layers: tracked, as in Keras

        def call(self, x, training=None):
            for layer in self.stack:
                x = layer(x)
            return x

    model = Stack(layers)
    model.build((None, inputs))
    return model


class KerasFitMLP:
    """One ``model.fit`` epoch over the problem's batches, from the problem's initial weights, with ``callbacks``
    (the same callback objects at every epoch, as a user passes them to each fit)."""

    def __init__(self, problem: MLPProblem, callbacks: list | None = None, how: str = "sequential"):
        self.problem = problem
        sizes, hidden = problem.sizes, problem.activation
        layers = [Dense(sizes[1], activation=hidden, input_shape=(sizes[0],))]
        layers += [Dense(units, activation=hidden) for units in sizes[2:-1]]
        layers += [Dense(sizes[-1])]  # linear output: the loss takes logits
        self.model = model_of(how, layers, sizes[0])
        loss: Any
        if problem.loss == "mse":
            loss = "mse"
        else:  # our losses take options through a function, as losses.get's docstring says
            def loss(y_true, y_pred):
                return losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=True)
        self.model.compile(optimizer=SGD(learning_rate=LEARNING_RATE), loss=loss)
        self.model.set_weights([array.copy() for layer in problem.weights for array in layer])  # kernel, bias, ...
        self.callbacks = callbacks

    def epoch(self, epochs: int = 1) -> None:
        self.model.fit(self.problem.x, self.problem.y, batch_size=self.problem.batch, epochs=epochs, verbose=0,
                       shuffle=False, callbacks=self.callbacks)

    def result(self) -> list[np.ndarray]:
        return self.model.get_weights()


# ----------------------------------------------------------------------------------------------------------------
# Callbacks around model.fit (issue 11): what a callback costs when it does nothing, and what diagnostics cost
# ----------------------------------------------------------------------------------------------------------------
class DoNothing(Callback):
    """A Callback subclass that overrides no hook: fit's CallbackList finds no batch hook to call."""


class PassAtEveryBatch(Callback):
    """A Callback whose batch hooks are overridden with ``pass``: two Python calls per batch, doing nothing."""

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        pass

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        pass


def do_nothing_callback() -> DoNothing:
    return DoNothing()


def pass_at_every_batch_callback() -> PassAtEveryBatch:
    return PassAtEveryBatch()


def layer_stats_callback(every: int) -> LayerStats:
    return LayerStats(every=every)


def check_callbacks_leave_training_alone(problem: MLPProblem, callbacks: list) -> None:
    """One model.fit epoch with ``callbacks`` must end with exactly the weights of one without any (diagnostics
    watch training, they must not change it); raise AssertionError otherwise."""
    watched, alone = KerasFitMLP(problem, callbacks), KerasFitMLP(problem)
    watched.epoch()
    alone.epoch()
    for found, expected in zip(watched.result(), alone.result(), strict=True):
        if not np.array_equal(found, expected):
            raise AssertionError(f"model.fit with callbacks {[type(c).__name__ for c in callbacks]} ends with other "
                                 f"weights than without them (relative difference "
                                 f"{relative_difference([found], [expected]):.3g}): a callback changed training")


# ----------------------------------------------------------------------------------------------------------------
# Second order (issue 12): a Hessian-vector product of W2's loss with respect to all the weights, against one
# gradient of the same loss. ReLU's second derivative is 0, but the HVP through the cross-entropy and the
# matmuls is not: H v has a term from the softmax's curvature and terms from the weights multiplying each other.
# ----------------------------------------------------------------------------------------------------------------
@dataclass
class HVPProblem(MLPProblem):
    """An MLP problem and a direction ``vector`` in weight space: one standard-normal array per weight array, in
    the order kernel, bias, kernel, bias, ... The HVP is H v, H the Hessian of the loss in all the weights."""
    vector: list[np.ndarray] = field(init=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        rng = np.random.default_rng(self.seed + 1)
        self.vector = [rng.standard_normal(array.shape).astype(self.dtype)
                       for layer in self.weights for array in layer]


def hvp_problem(dtype: Any = np.float32) -> HVPProblem:
    """W2: MLP 64-128-128-10, ReLU, softmax cross-entropy, batch 64."""
    return HVPProblem((64, 128, 128, 10), "relu", "cross_entropy", batch=64, dtype=dtype)


class TinygradHVP(TinygradMLP):
    """The PyTorch idiom: ``backward(create_graph=True)`` records the backward pass, so the gradients are Tensors;
    the gradient of <gradient, v> is then H v."""

    def __init__(self, problem: HVPProblem):
        super().__init__(problem)
        self.vector = problem.vector

    def forward_loss(self) -> Tensor:
        h = self.x
        for i, (kernel, bias) in enumerate(self.layers):
            h = h @ kernel + bias
            if i < len(self.layers) - 1:
                h = h.relu()
        return softmax_cross_entropy(h, cast(np.ndarray, self.y))  # an HVP problem's labels: integers

    def gradient(self) -> list[np.ndarray]:
        """One gradient of the loss (forward + backward), the unit the HVP is measured in."""
        self.forward_loss().backward()
        grads = [p.grad for p in self.parameters]
        for p in self.parameters:
            p.grad = None
        return grads

    def hvp(self) -> list[np.ndarray]:
        self.forward_loss().backward(create_graph=True)
        # <gradient, v>
        directional = sum((p.grad * v).sum() for p, v in zip(self.parameters, self.vector, strict=True))
        for p in self.parameters:
            p.grad = None
        directional.backward()
        hvps = [p.grad for p in self.parameters]
        for p in self.parameters:
            p.grad = None
        return hvps


class TinygradTransformsHVP:
    """The JAX idiom, with tinygrad_acts' function transforms: ``grad`` of w -> <grad(loss)(w), v>, as
    ``tinygrad_acts.hvp`` does for a single argument (here every weight array is an argument)."""

    def __init__(self, problem: HVPProblem):
        self.weights = [array.copy() for layer in problem.weights for array in layer]
        x, y, vector = Tensor(problem.x[:problem.batch]), problem.y[:problem.batch], problem.vector

        def loss(*weights: Tensor) -> Tensor:
            h = x
            for i in range(0, len(weights), 2):
                h = h @ weights[i] + weights[i + 1]
                if i < len(weights) - 2:
                    h = h.relu()
            return softmax_cross_entropy(h, y)

        every_weight = tuple(range(len(self.weights)))
        self._gradient = transforms.grad(loss, every_weight)
        self._hvp = transforms.grad(
            lambda *w: sum((g * v).sum() for g, v in zip(self._gradient(*w), vector, strict=True)), every_weight)

    def gradient(self) -> list[np.ndarray]:
        return [g.data for g in self._gradient(*self.weights)]

    def hvp(self) -> list[np.ndarray]:
        return [h.data for h in self._hvp(*self.weights)]


class NumpyHVP:
    """By hand: the gradient as in NumpyMLP (without the update), and H v by Pearlmutter's R-operator (1994).

    R{f} = d/dt f(w + t v) at t = 0, the derivative of any quantity f along v. It is linear, obeys the product
    rule R{a b} = R{a} b + a R{b}, and R{w} = v; R{gradient} = H v. So each line of the forward and backward pass
    gets an R-line next to it: one extra forward pass (R-forward) and one extra backward pass (R-backward).
    """

    def __init__(self, problem: HVPProblem):
        if problem.activation != "relu" or problem.loss != "cross_entropy":
            raise ValueError("NumpyHVP is written for ReLU hidden layers and softmax cross-entropy")
        self.layers = [(kernel.copy(), bias.copy()) for kernel, bias in problem.weights]
        self.vector = list(zip(problem.vector[0::2], problem.vector[1::2], strict=True))  # (v_kernel, v_bias) per layer
        self.x, self.y = problem.x[:problem.batch], problem.y[:problem.batch]

    def _forward(self) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
        """Each layer's input, the softmax probabilities, and d loss / d logits = (softmax - one_hot) / batch."""
        inputs, h = [], self.x
        for i, (kernel, bias) in enumerate(self.layers):
            inputs.append(h)
            h = h @ kernel + bias
            if i < len(self.layers) - 1:
                h = np.maximum(h, 0)
        exp = np.exp(h - h.max(axis=-1, keepdims=True))  # stable: every exp <= 1
        probabilities = exp / exp.sum(axis=-1, keepdims=True)
        delta = probabilities.copy()
        delta[np.arange(len(self.y)), self.y] -= 1
        delta /= len(self.y)
        return inputs, probabilities, delta

    def gradient(self) -> list[np.ndarray]:
        inputs, _, delta = self._forward()
        grads: list[np.ndarray] = []
        for i in reversed(range(len(self.layers))):
            grads[:0] = [inputs[i].T @ delta, delta.sum(axis=0)]
            if i > 0:
                delta = (delta @ self.layers[i][0].T) * (inputs[i] > 0)
        return grads

    def hvp(self) -> list[np.ndarray]:
        inputs, probabilities, delta = self._forward()
        # R-forward: z = h W + b gives R{z} = R{h} W + h V_W + V_b (R{x} = 0: the data does not move with w);
        # relu gives R{h} = R{z} * (z > 0), as relu'' = 0
        r_inputs: list[Any] = [None]  # R{input} of each layer: none for the data
        r_h = None
        for i, ((kernel, _), (v_kernel, v_bias)) in enumerate(zip(self.layers, self.vector, strict=True)):
            r_z = inputs[i] @ v_kernel + v_bias + (r_h @ kernel if r_h is not None else 0)
            if i < len(self.layers) - 1:
                r_h = r_z * (inputs[i + 1] > 0)
                r_inputs.append(r_h)
        # the softmax's Jacobian: R{softmax} = p * (R{z} - <p, R{z}>), so R{delta} = R{softmax} / batch
        r_delta = probabilities * (r_z - (probabilities * r_z).sum(axis=-1, keepdims=True)) / len(self.y)
        # R-backward: dW = h^T delta gives R{dW} = R{h}^T delta + h^T R{delta}; db = sum delta gives R{db} = sum
        # R{delta}; delta_below = (delta W^T) * mask gives R{delta_below} = (R{delta} W^T + delta V_W^T) * mask
        hvps: list[np.ndarray] = []
        for i in reversed(range(len(self.layers))):
            kernel, v_kernel = self.layers[i][0], self.vector[i][0]
            r_kernel = inputs[i].T @ r_delta
            if r_inputs[i] is not None:
                r_kernel += r_inputs[i].T @ delta
            hvps[:0] = [r_kernel, r_delta.sum(axis=0)]
            if i > 0:
                mask = inputs[i] > 0
                delta, r_delta = (delta @ kernel.T) * mask, (r_delta @ kernel.T + delta @ v_kernel.T) * mask
        return hvps


HVP_IMPLEMENTATIONS: dict[str, Callable[[HVPProblem], Any]] = {
    "backward": TinygradHVP, "transforms": TinygradTransformsHVP, "numpy": NumpyHVP}


def finite_difference_hvp(problem: HVPProblem, epsilon: float = 1e-6) -> list[np.ndarray]:
    """(gradient(w + eps v) - gradient(w - eps v)) / (2 eps), with tinygrad_acts' first-order gradient: a check of
    the HVP that uses no second derivative at all. Its error is O(eps^2) plus rounding / eps, so use float64.
    The gradient of a ReLU network jumps where a pre-activation crosses 0, so both points must switch on the same
    ReLUs (with eps = 1e-4, one of W2's does cross); otherwise this raises rather than return a meaningless number."""
    model = TinygradHVP(problem)
    start = [p.data.copy() for p in model.parameters]

    def gradient_at(t: float) -> tuple[list[np.ndarray], list[np.ndarray]]:
        for p, w, v in zip(model.parameters, start, problem.vector, strict=True):
            p.data = w + t * v
        h, active = model.x.data, []
        for kernel, bias in model.layers[:-1]:
            h = np.maximum(h @ kernel.data + bias.data, 0)
            active.append(h > 0)
        return model.gradient(), active

    (plus, active_plus), (minus, active_minus) = gradient_at(epsilon), gradient_at(-epsilon)
    crossed = sum(int(np.sum(a != b)) for a, b in zip(active_plus, active_minus, strict=True))
    if crossed:
        raise ValueError(f"finite differences with eps={epsilon:g}: {crossed} ReLU pre-activation(s) change sign "
                         f"between w - eps v and w + eps v, where the gradient jumps; take a smaller eps")
    return [(a - b) / (2 * epsilon) for a, b in zip(plus, minus, strict=True)]


def check_same_hvp(dtype: Any = np.float32, rtol: float = 1e-5) -> float:
    """Every implementation's gradient and HVP of W2's loss against the hand-written numpy ones, from the same
    weights and v; raise AssertionError unless they agree to ``rtol``. Returns the worst relative difference."""
    problem = hvp_problem(dtype)
    implementations = {name: make(problem) for name, make in HVP_IMPLEMENTATIONS.items()}
    reference = implementations.pop("numpy")
    worst = 0.0
    for quantity in ("gradient", "hvp"):
        expected = getattr(reference, quantity)()
        for name, implementation in implementations.items():
            difference = relative_difference(getattr(implementation, quantity)(), expected)
            if not difference <= rtol:
                raise AssertionError(f"W2 {quantity}: tinygrad_acts ({name}) differs from the hand-written numpy by "
                                     f"{difference:.3g} (relative, {np.dtype(dtype).name}); allowed {rtol:g}")
            worst = max(worst, difference)
    return worst


def check_hvp_against_finite_differences(rtol: float = 1e-6) -> float:
    """tinygrad_acts' HVP (and so the numpy one, which check_same_hvp compares to it) against finite differences
    of the gradient, in float64. Returns the relative difference."""
    problem = hvp_problem(np.float64)
    difference = relative_difference(TinygradHVP(problem).hvp(), finite_difference_hvp(problem))
    if not difference <= rtol:
        raise AssertionError(f"W2 HVP: tinygrad_acts differs from finite differences of its gradient by "
                             f"{difference:.3g} (relative, float64); allowed {rtol:g}")
    return difference
