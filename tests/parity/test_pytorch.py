"""The ops peers expect (squeeze/unsqueeze, var/std, logsumexp, prod, cumsum, flip, pad, split, argmax/argmin) give
PyTorch's values and gradients at float32 tolerance, from tests/reference/torch_ops.json (made once by
tests/reference/make_torch_reference.py: torch is never imported here)."""
import json

import numpy as np
import pytest
from helpers import REFERENCE_DIR

import tinygrad_acts as ta
from tinygrad_acts import Tensor

REFERENCE = REFERENCE_DIR / "torch_ops.json"


# ----------------------------------------------------------------------------------------------------------------
# Against PyTorch (values recorded by tests/reference/make_torch_reference.py)
# ----------------------------------------------------------------------------------------------------------------
REFERENCE_CASES = json.loads(REFERENCE.read_text())["cases"]


def apply(op, x, kwargs):
    return ta.split(x, **kwargs) if op == "split" else getattr(x, op)(**kwargs)


@pytest.mark.parametrize("case", REFERENCE_CASES, ids=[f"{c['op']}-{i}" for i, c in enumerate(REFERENCE_CASES)])
def test_values_and_gradients_match_pytorch(case):
    differentiable = "grad" in case
    x = Tensor(np.float32(case["x"]), requires_grad=differentiable)
    out = apply(case["op"], x, case["kwargs"])
    if not differentiable:  # argmax, argmin: indices
        np.testing.assert_array_equal(out, case["out"])
        return
    pieces = out if isinstance(out, list) else [out]
    expected = case["out"] if isinstance(out, list) else [case["out"]]
    weights = case["weights"] if isinstance(out, list) else [case["weights"]]
    assert len(pieces) == len(expected)
    total = Tensor(np.float32(0.0))
    for piece, values, weight in zip(pieces, expected, weights, strict=True):
        assert piece.dtype == np.float32
        np.testing.assert_allclose(piece.data, np.float32(values), rtol=2e-6, atol=1e-6)
        total = total + (piece * np.float32(weight)).sum()
    total.backward()
    np.testing.assert_allclose(x.grad, np.float32(case["grad"]), rtol=1e-5, atol=1e-6)


def test_the_reference_covers_every_new_op():
    assert {case["op"] for case in REFERENCE_CASES} >= {"var", "std", "logsumexp", "prod", "cumsum", "flip", "pad",
                                                       "squeeze", "unsqueeze", "split", "argmax", "argmin"}
