"""Generate tests/reference/torch_ops.json: what PyTorch computes for the ops of tests/parity/test_pytorch.py, so that
the tests can compare with it without importing it.

PyTorch is not a dependency of tinygrad_acts (nor of its tests). This script was run once, in a throwaway
environment outside the repo:

    python -m venv /tmp/torchref
    /tmp/torchref/bin/pip install numpy torch==2.13.0
    /tmp/torchref/bin/python tests/reference/make_torch_reference.py

(the JSON records the versions it actually ran with).

Each case is {op, kwargs, x, out} and, for the differentiable ops, {weights, grad}: ``op`` and ``kwargs`` are
tinygrad_acts' (``t.op(**kwargs)``, or ``ta.split(t, **kwargs)``), ``out`` is what the matching torch call gives for
the float32 input ``x``, and ``grad`` is torch's gradient of sum(out * weights) with respect to x (for split,
sum over the pieces of sum(piece * weights[k])). Every number is float32, as torch computed it.
Where torch's defaults differ from ours (var and std: torch's correction=1 against numpy's and Keras' ddof=0;
squeeze of an axis that is not 1: torch ignores it, numpy refuses) the case spells out the equivalent call.
"""
import json
import pathlib

import numpy as np
import torch
import torch.nn.functional as F

OUT = pathlib.Path(__file__).with_name("torch_ops.json")
RNG = np.random.default_rng(12)
MATRIX = RNG.standard_normal((3, 4)).astype(np.float32)
CUBE = RNG.standard_normal((2, 3, 4)).astype(np.float32)
WIDE = np.array([[-1000, 1000, 0, -0.5], [-1000, -1000, -999, -1001], [88, 89, 90, 0.5]], np.float32)
ZEROS = np.array([[0.5, -2, 3, 1.5], [0, -2, 3, 1.5], [0, -2, 0, 1.5], [1, 0, 1, 0]], np.float32)
TIES = np.array([[1, 3, 3, 0], [2, 2, 2, 2], [-1, -5, -5, 4]], np.float32)
COLUMN = RNG.standard_normal((3, 1, 4, 1)).astype(np.float32)


def torch_pad(pad_width, ndim):
    """numpy's pad_width forms as F.pad's flat list, which starts at the last axis: (last_before, last_after, ...)."""
    pairs = np.broadcast_to(np.asarray(pad_width), (ndim, 2))
    return [int(width) for pair in pairs[::-1] for width in pair]


def all_dims(x):
    return tuple(range(x.dim()))


CASES = [
    # (op, kwargs, x, torch function of a float32 tensor)
    ("var", {}, MATRIX, lambda x: x.var(correction=0)),
    ("var", {"axis": 1}, MATRIX, lambda x: x.var(dim=1, correction=0)),
    ("var", {"axis": 1, "ddof": 1}, MATRIX, lambda x: x.var(dim=1)),
    ("var", {"axis": [0, 2], "keepdims": True}, CUBE, lambda x: x.var(dim=(0, 2), keepdim=True, correction=0)),
    ("std", {}, MATRIX, lambda x: x.std(correction=0)),
    ("std", {"axis": 0, "ddof": 1}, MATRIX, lambda x: x.std(dim=0)),
    ("std", {"axis": -1, "keepdims": True}, CUBE, lambda x: x.std(dim=-1, keepdim=True, correction=0)),
    ("logsumexp", {}, MATRIX, lambda x: x.logsumexp(dim=all_dims(x))),
    ("logsumexp", {"axis": 1}, WIDE, lambda x: x.logsumexp(dim=1)),
    ("logsumexp", {"axis": 0, "keepdims": True}, WIDE, lambda x: x.logsumexp(dim=0, keepdim=True)),
    ("logsumexp", {"axis": [1, 2]}, CUBE, lambda x: x.logsumexp(dim=(1, 2))),
    ("prod", {}, MATRIX, lambda x: x.prod()),
    ("prod", {"axis": 1}, ZEROS, lambda x: x.prod(dim=1)),
    ("prod", {"axis": 0, "keepdims": True}, ZEROS, lambda x: x.prod(dim=0, keepdim=True)),
    ("prod", {"axis": 2}, CUBE, lambda x: x.prod(dim=2)),
    ("cumsum", {"axis": 0}, MATRIX, lambda x: x.cumsum(dim=0)),
    ("cumsum", {"axis": -1}, CUBE, lambda x: x.cumsum(dim=-1)),
    ("flip", {}, CUBE, lambda x: x.flip(dims=all_dims(x))),
    ("flip", {"axis": 1}, MATRIX, lambda x: x.flip(dims=(1,))),
    ("flip", {"axis": [0, 2]}, CUBE, lambda x: x.flip(dims=(0, 2))),
    ("pad", {"pad_width": 1}, MATRIX, lambda x: F.pad(x, torch_pad(1, 2))),
    ("pad", {"pad_width": [1, 2], "constant_values": 3.0}, MATRIX, lambda x: F.pad(x, torch_pad([1, 2], 2), value=3.0)),
    ("pad", {"pad_width": [[0, 1], [2, 0], [1, 1]]}, CUBE, lambda x: F.pad(x, torch_pad([[0, 1], [2, 0], [1, 1]], 3))),
    ("squeeze", {}, COLUMN, lambda x: x.squeeze()),
    ("squeeze", {"axis": 1}, COLUMN, lambda x: x.squeeze(dim=1)),
    ("unsqueeze", {"axis": 0}, MATRIX, lambda x: x.unsqueeze(0)),
    ("unsqueeze", {"axis": -1}, MATRIX, lambda x: x.unsqueeze(-1)),
    ("split", {"indices_or_sections": 2, "axis": 1}, MATRIX, lambda x: torch.tensor_split(x, 2, dim=1)),
    ("split", {"indices_or_sections": [1, 3]}, CUBE.reshape(4, 6), lambda x: torch.tensor_split(x, [1, 3], dim=0)),
    ("argmax", {}, TIES, lambda x: x.argmax()),
    ("argmax", {"axis": 1}, TIES, lambda x: x.argmax(dim=1)),
    ("argmin", {"axis": 0}, TIES, lambda x: x.argmin(dim=0)),
    ("argmin", {"axis": 1}, TIES, lambda x: x.argmin(dim=1)),
]


def run(op, kwargs, x, function):
    case = {"op": op, "kwargs": kwargs, "x": x.tolist()}
    tensor = torch.tensor(x, requires_grad=op not in ("argmax", "argmin"))
    out = function(tensor)
    pieces = list(out) if isinstance(out, tuple) else [out]
    case["out"] = [piece.tolist() for piece in pieces] if isinstance(out, tuple) else out.tolist()
    if not tensor.requires_grad:
        return case
    weights = [RNG.standard_normal(tuple(piece.shape)).astype(np.float32) for piece in pieces]
    total = sum((piece * torch.tensor(w)).sum() for piece, w in zip(pieces, weights, strict=True))
    total.backward()
    case["weights"] = [w.tolist() for w in weights] if isinstance(out, tuple) else weights[0].tolist()
    case["grad"] = tensor.grad.tolist()
    return case


def main():
    reference = {"versions": {"torch": torch.__version__, "numpy": np.__version__},
                 "cases": [run(*case) for case in CASES]}
    cases = ",\n  ".join(json.dumps(case) for case in reference["cases"])  # one case per line: readable diffs
    OUT.write_text(f'{{"versions": {json.dumps(reference["versions"])},\n "cases": [\n  {cases}\n]}}\n')
    print(f"wrote {len(reference['cases'])} cases to {OUT}")


if __name__ == "__main__":
    main()
