"""numpy's functions of Tensors: each one keeps the gradient (it is a Tensor op), answers a question about the
values, or refuses with an error that names it — never a plain array in silence (engine/numpy_functions.py)."""
import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tinygrad_acts as ta
from tinygrad_acts import Tensor, gradcheck, gradgradcheck
from tinygrad_acts.engine.numpy_functions import FUNCTIONS, QUESTIONS
from tinygrad_acts.layers import Activation, Dense

REFUSED = "is not an op on Tensors"


def public_array_functions():
    """(name, function) for every public numpy function that numpy hands to __array_function__."""
    found = {}
    for module in (np, np.linalg, np.fft, np.lib.stride_tricks):
        for name in dir(module):
            function = getattr(module, name, None)
            if not name.startswith("_") and callable(function) and hasattr(function, "_implementation"):
                found.setdefault(id(function), (f"{module.__name__}.{name}", function))
    return sorted(found.values())


def silent(result) -> bool:
    """A plain float array (or float number) where a Tensor was given: the gradient lost without a word."""
    if isinstance(result, (list, tuple)):
        return any(silent(item) for item in result)
    return isinstance(result, (np.ndarray, np.floating, np.complexfloating)) and np.asarray(result).dtype.kind in "fc"


def test_no_public_numpy_function_answers_a_tensor_with_a_plain_array_in_silence():
    t = Tensor(np.array([[0.5, 1.5], [2.0, 3.0]]), requires_grad=True)
    calls = [lambda f: f(t), lambda f: f(t, t), lambda f: f(t, 0), lambda f: f(t, 1), lambda f: f(t, 1, 0),
             lambda f: f(t, (1, 1)), lambda f: f("ij->j", t)]
    # numpy looks inside a list only for the functions that join arrays; for the others a list of Tensors is
    # numpy's own conversion (the module's docstring says what to write), so only these get a list
    joining = {"concatenate", "stack", "hstack", "vstack", "dstack", "column_stack", "block", "append"}
    outcomes = {"op": [], "question": [], "refused": [], "unreached": []}
    for name, function in public_array_functions():
        kind = "unreached"
        for call in calls + ([lambda f: f([t, t])] if name.rsplit(".", 1)[-1] in joining else []):
            try:
                result = call(function)
            except TypeError as error:
                if REFUSED in str(error):
                    assert name.rsplit(".", 1)[-1] in str(error), (name, str(error))  # it names the function
                    kind = "refused"
                    break
                continue  # numpy's own: these arguments do not fit this function
            except Exception:  # noqa: BLE001  the arguments do not fit (ValueError, IndexError, ...): try the next
                continue
            assert not silent(result), f"{name} answered a Tensor with a plain array of numbers"
            kind = "op" if isinstance(result, Tensor) or any(isinstance(r, Tensor) for r in np.ravel(
                result if isinstance(result, (list, tuple)) else [result])) else "question"
            break
        outcomes[kind].append(name)
    assert len(outcomes["refused"]) > 150 and len(outcomes["op"]) >= 25 and len(outcomes["question"]) >= 10, \
        {kind: len(names) for kind, names in outcomes.items()}
    assert {"numpy.sort", "numpy.median", "numpy.cumprod", "numpy.tile"} <= set(outcomes["refused"])


def test_the_tables_name_only_array_functions_and_do_not_overlap():
    assert not set(FUNCTIONS) & QUESTIONS
    assert all(hasattr(function, "_implementation") for function in [*FUNCTIONS, *QUESTIONS])


# ----------------------------------------------------------------------------------------------------------------
# The silent cases, now ops
# ----------------------------------------------------------------------------------------------------------------
def test_the_functions_that_used_to_cut_the_graph_keep_the_gradient():
    x = np.array([[-1.0, 0.5, 2.0], [3.0, -0.2, 0.1]])
    assert gradcheck(lambda t: np.where(t.data > 0, t, 0), x)  # a condition of values, the gradient through t
    assert gradcheck(lambda t: np.clip(t, 0, 1), x)
    assert gradcheck(lambda t: np.concatenate([t, t * 2], axis=1), x)
    assert gradcheck(lambda t: np.dot(t, np.arange(3.0)), x)
    assert gradcheck(lambda t: np.sum(t) + np.mean(t, axis=0).sum(), x)  # once "unexpected keyword argument 'out'"
    assert isinstance(np.dot(Tensor(x), np.ones(3)), Tensor)


def test_an_activation_written_with_np_where_trains_the_layers_before_it():
    """The silent failure the issue describes: before, the layer before the activation never changed."""
    ta.utils.set_random_seed(0)
    model = ta.Sequential([Dense(4, input_shape=(2,)), Activation(lambda t: np.where(t.data > 0, t, 0.1 * t)),
                           Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    first = model.layers[0].kernel.data.copy()
    x = np.random.default_rng(0).standard_normal((16, 2))
    model.fit(x, x[:, :1] * x[:, 1:], epochs=2, verbose=0)
    assert np.abs(model.layers[0].kernel.data - first).max() > 1e-4


# ----------------------------------------------------------------------------------------------------------------
# Each op: the values numpy gives, and gradients by finite differences (plain and broadcast shapes)
# ----------------------------------------------------------------------------------------------------------------
A = np.array([[0.3, -1.2, 2.0], [1.5, 0.7, -0.4]])
B = np.array([0.5, -2.0, 1.0])
CASES = {
    "sum": (lambda a: np.sum(a, axis=1, keepdims=True), (A,)), "mean": (lambda a: np.mean(a, axis=0), (A,)),
    "max": (lambda a: np.max(a, axis=1), (A,)), "amin": (lambda a: np.amin(a), (A,)),
    "prod": (lambda a: np.prod(a, axis=0), (A,)), "var": (lambda a: np.var(a, axis=1, ddof=1), (A,)),
    "std": (lambda a: np.std(a), (A,)), "cumsum": (lambda a: np.cumsum(a, axis=1), (A,)),
    "cumsum-flat": (lambda a: np.cumsum(a), (A,)), "clip": (lambda a: np.clip(a, -1, 1), (A,)),
    "dot-matrix-vector": (lambda a, b: np.dot(a, b), (A, B)), "dot-scalar": (lambda a, b: np.dot(a, b), (A, 2.0)),
    "outer": (lambda a, b: np.outer(a, b), (B, B[:2])), "where": (lambda a, b: np.where(A > 0, a, b), (A, B)),
    "concatenate": (lambda a, b: np.concatenate([a, b[None]], axis=0), (A, B)),
    "stack": (lambda a, b: np.stack([a[0], b], axis=1), (A, B)),
    "split": (lambda a: np.split(a, 3, axis=1)[1], (A,)), "reshape": (lambda a: np.reshape(a, (3, 2)), (A,)),
    "ravel": (lambda a: np.ravel(a), (A,)), "transpose": (lambda a: np.transpose(a), (A,)),
    "swapaxes": (lambda a: np.swapaxes(a[None], 0, 2), (A,)), "moveaxis": (lambda a: np.moveaxis(a[None], 0, -1), (A,)),
    "squeeze": (lambda a: np.squeeze(a[None], axis=0), (A,)), "expand_dims": (lambda a: np.expand_dims(a, 1), (A,)),
    "broadcast_to": (lambda b: np.broadcast_to(b, (2, 3)), (B,)), "flip": (lambda a: np.flip(a, axis=1), (A,)),
    "pad": (lambda a: np.pad(a, 1, constant_values=0.5), (A,)), "norm": (lambda a: np.linalg.norm(a), (A,)),
    "einsum": (lambda a, b: np.einsum("ij,j->i", a, b), (A, B)),
}


@pytest.mark.parametrize("case", CASES)
def test_each_dispatched_function_gives_numpys_values_and_passes_gradcheck(case):
    function, inputs = CASES[case]
    values = function(*[Tensor(x) if isinstance(x, np.ndarray) else x for x in inputs])
    np.testing.assert_allclose(values.data, function(*inputs), rtol=1e-12)
    arrays = [x for x in inputs if isinstance(x, np.ndarray)]
    assert gradcheck(lambda *ts: function(*ts, *[x for x in inputs if not isinstance(x, np.ndarray)]), *arrays)


@pytest.mark.parametrize("subscripts, shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("i,i->", [(3,), (3,)]), ("ij->j", [(2, 3)]), ("ij", [(2, 3)]),
    ("ijk,ik->j", [(2, 3, 4), (2, 4)]), ("i,j->ij", [(2,), (3,)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
    ("ij,kl->", [(2, 3), (2, 2)]),
])
def test_einsum_is_numpys_and_twice_differentiable(subscripts, shapes):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(shape) for shape in shapes]
    np.testing.assert_allclose(ta.einsum(subscripts, *arrays).data, np.einsum(subscripts, *arrays), rtol=1e-12)
    assert gradcheck(lambda *ts: ta.einsum(subscripts, *ts), *arrays)
    assert gradgradcheck(lambda *ts: np.einsum(subscripts, *ts), *arrays)


@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
@settings(max_examples=25, deadline=None)
def test_the_gradient_through_np_f_is_the_gradient_through_the_tensor_op(data, shape):
    """For random shapes: np.f(t) and the Tensor op it stands for record the same gradient."""
    x = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-3, 3)), label="x")
    axis = data.draw(st.integers(0, len(shape) - 1), label="axis")
    pairs = [(lambda t: np.sum(t, axis=axis), lambda t: t.sum(axis=axis)),
             (lambda t: np.mean(t, axis=axis, keepdims=True), lambda t: t.mean(axis=axis, keepdims=True)),
             (lambda t: np.max(t, axis=axis), lambda t: t.max(axis=axis)),
             (lambda t: np.cumsum(t, axis=axis), lambda t: t.cumsum(axis)),
             (lambda t: np.flip(t, axis=axis), lambda t: t.flip(axis)),
             (lambda t: np.expand_dims(t, axis), lambda t: t.unsqueeze(axis)),
             (lambda t: np.concatenate([t, t], axis=axis), lambda t: ta.concatenate([t, t], axis=axis)),
             (lambda t: np.clip(t, -1, 1), lambda t: t.clip(-1, 1)),
             (lambda t: np.transpose(t), lambda t: t.T)]
    weights = np.random.default_rng(0)
    for through_numpy, through_op in pairs:
        gradients = []
        for f in (through_numpy, through_op):
            t = Tensor(x, requires_grad=True)
            out = f(t)
            (out * weights.standard_normal(out.shape)).sum().backward()
            gradients.append(t.grad)
            weights = np.random.default_rng(0)  # the same weights for both
        np.testing.assert_allclose(gradients[0], gradients[1], rtol=1e-12)


# ----------------------------------------------------------------------------------------------------------------
# What is refused, and what the error says
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("call, match", [
    (lambda t: np.median(t), r"^np.median is not an op on Tensors: it would answer with a plain array, and the "
                             r"gradient would stop there without a word\. Write it with Tensor ops .*t\.numpy\(\).*"
                             r"custom_op"),
    (lambda t: np.sum(t, out=np.zeros(())), r"^np.sum\(t, out=\.\.\.\): the Tensor op has no out"),
    (lambda t: np.mean(t, where=t.data > 0), r"^np.mean\(t, where=\.\.\.\): the Tensor op has no where"),
    (lambda t: np.clip(t, Tensor(0.0), 1), r"clip's bounds are constants here; .*tinygrad_acts.maximum"),
    (lambda t: np.dot(t[None, None], t[None, None]), r"np.dot of tensors of shapes \(1, 1, 3\) and \(1, 1, 3\)"),
    (lambda t: np.pad(t, 1, mode="edge"), r"np.pad\(t, mode='edge'\): the Tensor op pads with a constant only"),
    (lambda t: np.linalg.norm(t, ord=1), r"only the Euclidean norm is an op here"),
    (lambda t: np.add.reduce(t), r"np.add.reduce is not an op on Tensors"),
])
def test_what_is_not_an_op_here_is_refused_by_name(call, match):
    t = Tensor([1.0, -2.0, 3.0], requires_grad=True)
    with pytest.raises(TypeError, match=match):
        call(t)


def test_a_tensor_of_tensors_says_to_stack_them():
    a = Tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"Tensor\(\[a, b\]\) of Tensors would copy their values and cut the graph: "
                                        r"write tinygrad_acts.stack\(\[a, b\]\)"):
        Tensor([a, a])


def test_asarray_and_array_are_the_way_out_of_the_graph_on_purpose():
    t = Tensor([1.0, 2.0], requires_grad=True)
    assert type(np.asarray(t)) is np.ndarray and np.array(t).tolist() == [1.0, 2.0]
    assert np.allclose(t, [1.0, 2.0]) and np.shape(t) == (2,) and np.argmax(t) == 1  # questions: plain answers
