"""Empty tensors: sums, products, softmax, indexing and linear layers of nothing give PyTorch's
results and their backward works; the mean of nothing is NaN as in PyTorch; the max of nothing
is a clear error."""
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, nn


def _empty():
    return Tensor.zeros(0, 3, requires_grad=True)


def test_empty_sum_matmul_and_their_backward():
    x = _empty()
    assert x.sum().item() == 0.0
    np.testing.assert_array_equal(x.sum(axis=0).data, np.zeros(3))
    w = Tensor(np.ones((3, 2), dtype=np.float32), requires_grad=True)
    y = x @ w
    assert y.shape == (0, 2)
    (y.sum() + x.sum()).backward()
    assert x.grad.shape == (0, 3) and x.grad.dtype == np.float32
    np.testing.assert_array_equal(w.grad.data, np.zeros((3, 2)))  # a sum over no rows
    inner = Tensor.ones(2, 0) @ Tensor.ones(0, 3)
    np.testing.assert_array_equal(inner.data, np.zeros((2, 3)))


@pytest.mark.parametrize("loss", [
    lambda x: x.mean(),
    lambda x: x.mean(axis=0).sum(),
    lambda x: F.mse_loss(x, np.zeros((0, 3))),
    lambda x: F.binary_cross_entropy_with_logits(x, np.zeros((0, 3))),
    lambda x: F.cross_entropy(x, np.zeros(0, dtype=np.int64)),
])
def test_mean_of_nothing_is_nan_as_in_pytorch_and_backward_works(loss):
    x = _empty()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy: "Mean of empty slice"
        value = loss(x)
    assert np.all(np.isnan(value.data))
    value.backward(np.ones(value.shape, dtype=value.dtype))
    assert x.grad.shape == (0, 3)


def test_empty_softmax_index_reshape_and_linear_backward():
    tg.manual_seed(0)
    layer = nn.Linear(3, 2)
    for f in (lambda x: x.softmax().sum(), lambda x: x[:, 1].sum(), lambda x: x.reshape(-1, 3).sum(),
              lambda x: layer(x).sum()):
        x = _empty()
        f(x).backward()
        assert x.grad.shape == (0, 3)


def test_max_of_empty_is_a_clear_error():
    with pytest.raises(ValueError, match=r"max.*empty.*\(0, 3\)"):
        _empty().max()
