"""t.cumsum(dim) / tg.cumsum (a course-script habit): one op whose gradient is the
cumulative sum of G from the end of the axis — numpy's values, finite differences with drawn
shapes, second order, PyTorch's values and gradients, and its label."""
import numpy as np
import pytest
from conftest import leaf, strict_numpy
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import shapes

import tinygrad_edu as tg
from tinygrad_edu import Tensor


@settings(max_examples=25, deadline=None)
@given(shapes(min_dims=1), st.data())
def test_values_and_finite_differences(shape, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    a = np.random.default_rng(len(shape)).uniform(-2, 2, shape)
    with strict_numpy():
        x = leaf(a)
        np.testing.assert_allclose(x.cumsum(dim).numpy(), np.cumsum(a, axis=dim % len(shape)), rtol=1e-12)
        assert tg.gradcheck(lambda t: t.cumsum(dim) * t, [x])   # t · cumsum(t): second order is not zero


def test_against_pytorch_first_and_second_order():
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(0).normal(size=(3, 4))
    w = np.random.default_rng(1).normal(size=(3, 4))
    for dim in (0, 1, -1):
        x, t = leaf(a), torch.tensor(a, requires_grad=True)
        out, ref = tg.cumsum(x * x, dim), torch.cumsum(t * t, dim)
        np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-12)
        g, = tg.grad((out * Tensor(w)).sum(), [x], create_graph=True)
        tg_ref, = torch.autograd.grad((ref * torch.tensor(w)).sum(), [t], create_graph=True)
        np.testing.assert_allclose(g.numpy(), tg_ref.detach().numpy(), rtol=1e-12)
        h, = tg.grad(g.sum(), [x])
        th, = torch.autograd.grad(tg_ref.sum(), [t])
        np.testing.assert_allclose(h.numpy(), th.numpy(), rtol=1e-12)
    ints = tg.tensor([1, 2, 3])
    assert ints.cumsum(0).tolist() == torch.tensor([1, 2, 3]).cumsum(0).tolist()


def test_label_dims_and_zero_d():
    out = leaf([1.0, 2.0]).cumsum(0)
    assert out.grad_fn.name == "cumsum" and "from the end" in out.grad_fn.derivative
    assert Tensor(3.0).cumsum(0).item() == 3.0
    with pytest.raises((ValueError, IndexError), match="cumsum"):
        tg.ones(2, 3).cumsum(2)
