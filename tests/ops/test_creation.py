"""The creation functions (zeros, ones, full, arange, linspace, eye, rand…) and Tensor(data):
dtypes and values as PyTorch's."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor


def test_creation_functions_dtypes_and_values():
    assert tg.zeros(2, 3).dtype == np.float32 and tg.zeros((2, 3)).shape == (2, 3)
    assert tg.ones(4).dtype == np.float32 and tg.ones(2, dtype=np.float64).dtype == np.float64
    tg.manual_seed(0)
    r = tg.rand(1000)
    assert r.dtype == np.float32 and 0 <= r.data.min() and r.data.max() < 1
    tg.manual_seed(0)
    np.testing.assert_array_equal(tg.rand(1000).data, r.data)
    assert tg.randn(3, 2).shape == (3, 2)
    t64 = Tensor(np.ones((2, 2)), dtype=np.float64)
    assert tg.zeros_like(t64).dtype == np.float64 and tg.ones_like(t64).shape == (2, 2)
    np.testing.assert_array_equal(tg.ones_like(t64).data, 1.0)
    assert tg.full((2, 2), 1.5).dtype == np.float32 and tg.full(3, 7).dtype == np.int64
    np.testing.assert_array_equal(tg.full((2,), 1.5).data, [1.5, 1.5])
    assert tg.arange(5).dtype == np.int64
    np.testing.assert_array_equal(tg.arange(5).data, [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(tg.arange(2, 8, 3).data, [2, 5])
    np.testing.assert_allclose(tg.arange(0, 1, 0.25).data, [0, 0.25, 0.5, 0.75])
    assert tg.arange(0, 1, 0.25).dtype == np.float32 and tg.arange(5.0).dtype == np.float32
    np.testing.assert_array_equal(tg.arange(5, 0, -2).data, [5, 3, 1])
    np.testing.assert_allclose(tg.linspace(0, 1, 5).data, [0, 0.25, 0.5, 0.75, 1])
    assert tg.linspace(0, 1, 5).dtype == np.float32
    np.testing.assert_array_equal(tg.eye(3).data, np.eye(3))
    assert tg.eye(2, 3).shape == (2, 3) and tg.eye(2).dtype == np.float32
    assert tg.zeros(2, requires_grad=True).requires_grad
    for name in ("zeros", "ones", "randn", "rand", "full", "zeros_like", "ones_like", "arange",
                 "linspace", "eye", "tensor"):
        assert getattr(tg, name) == getattr(Tensor, name)


def test_tensor_infers_dtype_as_torch_tensor():
    assert tg.tensor([1, 2, 3]).dtype == np.int64
    assert tg.tensor([1.0, 2]).dtype == np.float32
    assert tg.tensor(2.5).dtype == np.float32
    assert tg.tensor([True, False]).dtype == np.bool_
    assert tg.tensor(np.ones(2)).dtype == np.float64
    assert tg.tensor(np.ones(2, dtype=np.int32)).dtype == np.int32
    assert tg.tensor([1, 2], dtype=np.float64).dtype == np.float64
    t = tg.tensor([1.0, 2.0], requires_grad=True)
    assert t.requires_grad and t.is_leaf
    with pytest.raises(TypeError, match="floating"):
        tg.tensor([1, 2], requires_grad=True)     # integers cannot require grad, as in PyTorch
    source = np.ones(3)
    copy = tg.tensor(source)
    source[0] = 5
    assert copy.data[0] == 1.0
