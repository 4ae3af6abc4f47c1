"""Check autodiff against central finite differences, entry by entry of the Jacobian, the way every gradient test
here does: ``gradcheck`` for first derivatives, ``gradgradcheck`` for second derivatives (PyTorch's names).

Why the whole Jacobian: checking only the gradient of ``f(x).sum()`` is fooled by a rule that is wrong in a
direction the sum does not see (a softmax whose backward returns zeros passes it, as its rows always sum to 1).
Here every output entry gets its own backward pass, so every row of the Jacobian is compared.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .tensor import Tensor, no_grad
from .transforms import grad

MAX_FULL_OUTPUTS = 256  # above this many output entries, random projections of the Jacobian stand in for its rows
PROJECTIONS = 8  # how many random projections (PyTorch's fast mode uses one; a few more cost little here)


class GradcheckError(AssertionError):
    """Autodiff and finite differences disagree (or a gradient has the wrong shape or dtype)."""


def _outputs(f: Callable[..., Any], inputs: Sequence[Tensor]) -> list[Tensor]:
    """f's result as a list of Tensors: f may return one Tensor or a tuple or list of them."""
    result = f(*inputs)
    outputs = list(result) if isinstance(result, (tuple, list)) else [result]
    for output in outputs:
        if not isinstance(output, Tensor):
            raise TypeError(f"gradcheck: f must return a Tensor (or a tuple of Tensors), got {type(output).__name__}")
    return outputs


def _flat_values(f: Callable[..., Any], inputs: Sequence[Tensor]) -> np.ndarray:
    with no_grad():
        return np.concatenate([output.data.astype(np.float64).ravel() for output in _outputs(f, inputs)])


def numerical_jacobian(f: Callable[..., Any], inputs: list[Tensor], which: int, eps: float) -> np.ndarray:
    """d f / d inputs[which] as a matrix (output entries x input entries), one input entry at a time:
    column j is (f(x + eps e_j) - f(x - eps e_j)) / (2 eps). f's outputs are flattened and joined."""
    x = inputs[which].data
    columns = []
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        plus = _flat_values(f, inputs)
        x[index] = original - eps
        minus = _flat_values(f, inputs)
        x[index] = original
        columns.append((plus - minus) / (2 * eps))
    return np.stack(columns, axis=1) if columns else np.zeros((_flat_values(f, inputs).size, 0))


def _vector_jacobian_products(outputs: list[Tensor], inputs: list[Tensor], seed: np.ndarray) -> list[np.ndarray]:
    """seed^T J for each input, by one backward pass from every output (seed is split among the outputs), checking
    that the engine hands each input a gradient of its own shape and dtype."""
    collected = [np.zeros_like(x.data) for x in inputs]
    position = {x: i for i, x in enumerate(inputs)}

    start = 0
    for output in outputs:
        part = seed[start:start + output.size].reshape(output.shape).astype(output.dtype)
        start += output.size
        if not (output.requires_grad and np.any(part)):
            continue
        for tensor, gradient in output.backpropagate(part, retain_graph=True):  # one pass per row: keep the graph
            if tensor not in position:
                continue
            i = position[tensor]
            if isinstance(gradient, Tensor):  # a rule of your own may answer with a Tensor
                gradient = gradient.data
            if np.shape(gradient) != tensor.shape or np.asarray(gradient).dtype != tensor.dtype:
                raise GradcheckError(f"gradcheck: the gradient of input {i} has shape {np.shape(gradient)} and "
                                     f"dtype {np.asarray(gradient).dtype}; the input has shape {tensor.shape} and "
                                     f"dtype {tensor.dtype}")
            collected[i] = collected[i] + gradient
    return collected


def analytical_jacobian(outputs: list[Tensor], inputs: list[Tensor]) -> list[np.ndarray]:
    """The Jacobian with respect to each input as a matrix (output entries x input entries): row i is the gradient
    that one backward pass, seeded with the one-hot vector e_i, hands that input."""
    size = sum(output.size for output in outputs)
    rows = [_vector_jacobian_products(outputs, inputs, np.eye(1, size, i)[0]) for i in range(size)]
    return [np.stack([row[j].ravel() for row in rows]) if rows else np.zeros((0, x.size))
            for j, x in enumerate(inputs)]


def _compare(autodiff: np.ndarray, numeric: np.ndarray, atol: float, rtol: float) -> tuple | None:
    """The worst index where the two disagree beyond atol + rtol * |numeric| (nan or inf on either side
    disagrees), or None where they agree."""
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf: a non-finite entry fails below either way
        error = np.abs(autodiff - numeric) - (atol + rtol * np.abs(numeric))
    error = np.where(np.isfinite(autodiff) & np.isfinite(numeric), error, np.inf)
    if error.size and np.max(error) > 0:
        return np.unravel_index(np.argmax(error), error.shape)
    return None


def _float64_copies(inputs: Sequence[Any], name: str) -> list[Tensor]:
    if not inputs:
        raise ValueError(f"{name} needs at least one input to differentiate with respect to")
    # Tensor() refuses strings, None and ragged lists; finite differences need float64, and a copy to perturb
    tensors = [Tensor(Tensor(x, dtype=np.float64).data.copy(), requires_grad=True) for x in inputs]
    for which, tensor in enumerate(tensors):
        if not np.all(np.isfinite(tensor.data)):
            raise ValueError(f"{name}: input {which} holds nan or inf; finite differences need finite inputs")
    return tensors


def _entry(shapes: list[tuple], flat_index: int) -> str:
    """A flat index into the joined outputs, as 'output k index (i, j)' (or just the index for one output)."""
    for k, shape in enumerate(shapes):
        size = int(np.prod(shape))
        if flat_index < size:
            index = tuple(int(i) for i in np.unravel_index(flat_index, shape)) if shape else ()
            return f"output {k} index {index}" if len(shapes) > 1 else f"output index {index}"
        flat_index -= size
    return f"output entry {flat_index}"


def gradcheck(f: Callable[..., Any], *inputs: Any, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True) -> bool:
    """Compare the Jacobian of ``f`` at ``inputs`` from backward passes with central differences, in float64.

    Every entry d f_i / d x_j is compared (for outputs of more than MAX_FULL_OUTPUTS entries, random projections
    v^T J u instead, as PyTorch's fast mode does). f may return a Tensor or a tuple of Tensors. Returns True;
    otherwise raises GradcheckError (an AssertionError) naming the input, the output index, the input index and
    both values, or returns False if ``raise_exception=False``. The inputs are copied: the caller's are left alone.
    """
    if not callable(f):
        raise TypeError(f"gradcheck: f must be a function of the inputs returning a Tensor, got {f!r}")
    tensors = _float64_copies(inputs, "gradcheck")
    try:
        _check_jacobian(f, tensors, eps, atol, rtol, second=False)
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def _number(value: Any) -> str:
    """A number as people write it (2.13, not np.float64(2.13))."""
    return repr(float(value))


def _check_jacobian(f: Callable[..., Any], tensors: list[Tensor], eps: float, atol: float, rtol: float,
                    second: bool) -> None:
    """Compare f's Jacobian entry by entry. ``second``: f is gradgradcheck's first derivative (output k is d L /
    d input k), so its Jacobian holds second derivatives, and a disagreement is named so."""
    outputs = _outputs(f, tensors)
    shapes = [output.shape for output in outputs]
    size = sum(output.size for output in outputs)
    if size > MAX_FULL_OUTPUTS:
        _check_projections(f, outputs, tensors, eps, atol, rtol, second)
        return
    for which, (tensor, autodiff) in enumerate(zip(tensors, analytical_jacobian(outputs, tensors), strict=True)):
        numeric = numerical_jacobian(f, tensors, which, eps)
        worst = _compare(autodiff, numeric, atol, rtol)
        if worst is not None:
            row, column = worst
            input_index = tuple(int(i) for i in np.unravel_index(column, tensor.shape)) if tensor.shape else ()
            if second:
                k, index = _first_derivative(shapes, int(row))
                raise GradcheckError(
                    f"gradgradcheck: the second derivative d^2 L / (d input {k} at index {index}) (d input {which} "
                    f"at index {input_index}), L = sum(f(inputs) * v): autodiff gives {_number(autodiff[worst])}, "
                    f"finite differences of the first derivative give {_number(numeric[worst])}")
            raise GradcheckError(
                f"gradcheck: d {_entry(shapes, int(row))} / d input {which} (shape {tensor.shape}) at index "
                f"{input_index}: autodiff gives {_number(autodiff[worst])}, finite differences give "
                f"{_number(numeric[worst])}")


def _check_projections(f: Callable[..., Any], outputs: list[Tensor], tensors: list[Tensor], eps: float, atol: float,
                       rtol: float, second: bool) -> None:
    """v^T J u for random v (over the outputs) and u (over one input): one backward pass against one central
    difference along u. A wrong entry changes it unless v or u is exactly 0 there, which never happens."""
    rng = np.random.default_rng(0)  # fixed: a check must give the same verdict every run
    size = sum(output.size for output in outputs)
    for _ in range(PROJECTIONS):
        v = rng.standard_normal(size)
        products = _vector_jacobian_products(outputs, tensors, v)
        for which, tensor in enumerate(tensors):
            u = rng.standard_normal(tensor.shape)
            original = tensor.data.copy()
            tensor.data[...] = original + eps * u
            plus = _flat_values(f, tensors)
            tensor.data[...] = original - eps * u
            minus = _flat_values(f, tensors)
            tensor.data[...] = original
            autodiff = np.array([np.sum(products[which] * u)])
            numeric = np.array([np.dot((plus - minus) / (2 * eps), v)])
            if _compare(autodiff, numeric, atol, rtol) is not None:
                what = "gradgradcheck: a random projection of the second derivatives" if second else \
                    "gradcheck: a random projection v^T J u of the Jacobian"
                raise GradcheckError(
                    f"{what} with respect to input {which} (shape {tensor.shape}; {size} output entries, too many to "
                    f"compare one by one) disagrees: autodiff gives {_number(autodiff[0])}, finite differences give "
                    f"{_number(numeric[0])}")


def gradgradcheck(f: Callable[..., Any], *inputs: Any, grad_outputs: Any = None, eps: float = 1e-6,
                  atol: float = 1e-5, rtol: float = 1e-3, raise_exception: bool = True) -> bool:
    """Check second derivatives: gradcheck of the function ``x -> d/dx sum(f(x) * v)``, whose value is a gradient
    and whose Jacobian is made of second derivatives (PyTorch's gradgradcheck). ``v`` (``grad_outputs``) is fixed
    random by default, so every direction of f's output counts."""
    if not callable(f):
        raise TypeError(f"gradgradcheck: f must be a function of the inputs returning a Tensor, got {f!r}")
    tensors = _float64_copies(inputs, "gradgradcheck")
    outputs = _outputs(f, tensors)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        weights = [rng.standard_normal(output.shape) for output in outputs]
    else:
        given = list(grad_outputs) if isinstance(grad_outputs, (tuple, list)) else [grad_outputs]
        weights = [np.asarray(w.data if isinstance(w, Tensor) else w, dtype=np.float64) for w in given]

    def weighted_sum(*xs: Tensor) -> Tensor:
        total = Tensor(0.0, dtype=np.float64)
        for output, weight in zip(_outputs(f, xs), weights, strict=True):
            total = total + (output * weight).sum()
        return total

    first_derivatives = grad(weighted_sum, argnums=tuple(range(len(tensors))))
    try:
        _check_jacobian(first_derivatives, tensors, eps, atol, rtol, second=True)
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def _first_derivative(shapes: list[tuple], flat_index: int) -> tuple[int, tuple]:
    """A flat index into the joined first derivatives, as (the input k they are with respect to, the index)."""
    for k, shape in enumerate(shapes):
        size = int(np.prod(shape))
        if flat_index < size:
            return k, tuple(int(i) for i in np.unravel_index(flat_index, shape)) if shape else ()
        flat_index -= size
    raise IndexError(flat_index)
