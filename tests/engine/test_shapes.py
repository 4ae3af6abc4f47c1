"""Shape ops: flip, pad, squeeze/unsqueeze/expand_dims and split, values as numpy computes them and gradients that
go back to where each entry came from. Their gradcheck and gradgradcheck are in test_reductions.py's GRADIENT_CASES,
their PyTorch comparison in parity/test_pytorch.py."""
import numpy as np
import pytest

import tinygrad_acts as ta
from tinygrad_acts import Tensor


def test_flip_reverses_the_named_axes_and_its_gradient_is_flipped_back():
    x = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    np.testing.assert_array_equal(x.flip().data, [[6.0, 5.0, 4.0], [3.0, 2.0, 1.0]])
    np.testing.assert_array_equal(x.flip(0).data, [[4.0, 5.0, 6.0], [1.0, 2.0, 3.0]])
    x.flip(1).backward([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(x.grad, [[3.0, 2.0, 1.0], [0.0, 0.0, 0.0]])


@pytest.mark.parametrize("pad_width", [1, (1, 2), ((1, 2),), ((0, 1), (2, 0)), [[0, 0], [3, 1]]])
def test_pad_takes_numpy_s_pad_width_forms_and_its_gradient_drops_the_border(pad_width):
    x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    out = x.pad(pad_width, constant_values=-1.0)
    np.testing.assert_array_equal(out.data, np.pad(x.data, pad_width, constant_values=-1.0))
    out.backward(np.arange(out.size, dtype=np.float32).reshape(out.shape))
    before = np.broadcast_to(pad_width, (2, 2))[:, 0]
    expected = np.arange(out.size).reshape(out.shape)[before[0]:before[0] + 2, before[1]:before[1] + 2]
    np.testing.assert_array_equal(x.grad, expected)


def test_squeeze_unsqueeze_and_expand_dims_change_only_the_shape():
    x = Tensor(np.arange(6.0).reshape(1, 2, 1, 3), requires_grad=True)
    assert x.squeeze().shape == (2, 3) and x.squeeze(axis=0).shape == (2, 1, 3) and x.squeeze((0, 2)).shape == (2, 3)
    y = Tensor(np.zeros((2, 3)))
    assert y.unsqueeze(0).shape == (1, 2, 3) and y.unsqueeze(-1).shape == (2, 3, 1)
    assert y.unsqueeze(1).shape == (2, 1, 3)
    assert y.expand_dims((0, 3)).shape == (1, 2, 3, 1) and Tensor.expand_dims is Tensor.unsqueeze
    x.squeeze().unsqueeze(0).sum().backward()
    np.testing.assert_array_equal(x.grad, np.ones((1, 2, 1, 3)))


@pytest.mark.parametrize("indices_or_sections, axis", [(3, 0), (2, 1), ([1, 3], 0), ([2], -1), ([-2], 0),
                                                       ([0, 0, 5], 0), ([4, 1], 1), (1, 1)])
def test_split_gives_numpy_s_pieces(indices_or_sections, axis):
    x = np.arange(24.0).reshape(6, 4)
    pieces = ta.split(Tensor(x), indices_or_sections, axis=axis)
    expected = np.split(x, indices_or_sections, axis=axis)
    assert isinstance(pieces, list) and len(pieces) == len(expected)
    for piece, numpy_piece in zip(pieces, expected, strict=True):
        np.testing.assert_array_equal(piece.data, numpy_piece)


def test_each_split_piece_hands_back_its_own_part_of_the_gradient():
    x = Tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    first, second = ta.split(x, 2)
    (first * 10 + second.sum()).sum().backward()
    np.testing.assert_array_equal(x.grad, [10.0, 10.0, 2.0, 2.0])
