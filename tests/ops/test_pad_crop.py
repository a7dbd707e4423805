"""F.pad with negative widths crops, as PyTorch's: values and gradients against torch."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor

PADS = [(-1, 0), (0, -2), (-1, 2), (2, -1, -1, 1), (-1, -1, 0, 0), (1, 1, -2, 0), (0, 0, 0, 0, -1, 0)]


@pytest.mark.parametrize("pad", PADS)
def test_negative_padding_crops_as_pytorch(pad):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    upstream = np.random.default_rng(1).standard_normal(
        torch.nn.functional.pad(torch.tensor(x), pad, value=0.5).shape)
    ours = Tensor(x, requires_grad=True)
    out = F.pad(ours, pad, value=0.5)
    out.backward(upstream)
    theirs = torch.tensor(x, requires_grad=True)
    expected = torch.nn.functional.pad(theirs, pad, value=0.5)
    expected.backward(torch.tensor(upstream))
    np.testing.assert_array_equal(out.data, expected.detach().numpy())
    np.testing.assert_array_equal(ours.grad.data, theirs.grad.numpy())


@pytest.mark.parametrize("pad", PADS)
def test_cropping_gradients_by_finite_differences(pad):
    x = Tensor(np.random.default_rng(2).standard_normal((2, 3, 4)), requires_grad=True)
    assert tg.gradcheck(lambda t: F.pad(t, pad, value=0.5) ** 2, [x])


def test_cropping_a_whole_axis_leaves_it_empty_and_more_is_an_error():
    x = Tensor(np.ones((2, 3)))
    assert F.pad(x, (-3, 0)).shape == (2, 0)
    with pytest.raises(ValueError, match=r"pad.*crops 4.*axis 1.*\(2, 3\).*has 3"):
        F.pad(x, (-2, -2))
