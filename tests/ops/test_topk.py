"""t.topk: values and indices against numpy and PyTorch (ties, NaN, both directions), the values'
gradient by finite differences and against PyTorch, second order, bad input."""
import numpy as np
import pytest
from conftest import leaf, strict_numpy
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import distinct_arrays, shape_and_axis

import tinygrad_edu as tg
from tinygrad_edu import Tensor

FAST = settings(max_examples=25, deadline=None)


@FAST
@given(data=st.data())
def test_topk_values_indices_and_gradient(data):
    shape, axis = data.draw(shape_and_axis(allow_none=False, allow_tuple=False))
    x = data.draw(distinct_arrays(shape))
    k = data.draw(st.integers(0, shape[axis]))
    largest = data.draw(st.booleans())
    with strict_numpy():
        t = leaf(x)
        values, indices = t.topk(k, dim=axis, largest=largest)
        order = np.argsort(-x if largest else x, axis=axis)
        want = np.take(order, np.arange(k), axis=axis)
        np.testing.assert_array_equal(indices.data, want)
        np.testing.assert_array_equal(values.data, np.take_along_axis(x, want, axis=axis))
        assert indices.dtype == np.int64 and not indices.requires_grad
        assert values.grad_fn.name == "topk" and values.grad_fn.derivative == "∂x[top k] = G, 0 elsewhere"
        assert tg.gradcheck(lambda a: a.topk(k, dim=axis, largest=largest).values, [t])
        (g,) = tg.grad((t.topk(k, axis, largest).values ** 3).sum(), [t], create_graph=True)
        (h,) = tg.grad(g.sum(), [t])
        picked = np.zeros(shape, bool)
        np.put_along_axis(picked, want, True, axis=axis)
        np.testing.assert_allclose(h.data, np.where(picked, 6 * x, 0.0))


def test_topk_matches_pytorch_values_indices_and_gradients():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).normal(size=(3, 5, 4))
    for k, dim, largest in [(2, -1, True), (3, 1, False), (0, 0, True), (5, 1, True)]:
        t, tt = leaf(x), torch.tensor(x, requires_grad=True)
        v, i = t.topk(k, dim=dim, largest=largest)
        tv, ti = tt.topk(k, dim=dim, largest=largest)
        np.testing.assert_array_equal(v.data, tv.detach().numpy())
        np.testing.assert_array_equal(i.data, ti.numpy())
        w = np.random.default_rng(k).normal(size=v.shape)
        (v * Tensor(w)).sum().backward()
        (tv * torch.tensor(w)).sum().backward()
        np.testing.assert_array_equal(t.grad.data, tt.grad.numpy())


def test_topk_names_its_fields_and_treats_nan_as_the_largest_as_pytorch():
    torch = pytest.importorskip("torch")
    x = np.array([1.0, np.nan, 3.0, -np.inf, np.inf])
    result = tg.tensor(x).topk(3)
    assert result.values is result[0] and result.indices is result[1]
    assert result.indices.data.tolist() == torch.tensor(x).topk(3).indices.tolist() == [1, 4, 2]
    assert tg.tensor(x).topk(2, largest=False).indices.data.tolist() == [3, 0]
    assert tg.topk(tg.tensor(x), 1).indices.item() == 1


def test_topk_of_ties_keeps_index_order_and_of_a_0d_tensor():
    v, i = Tensor([2.0, 5.0, 5.0, 1.0]).topk(2)
    assert v.data.tolist() == [5.0, 5.0] and i.data.tolist() == [1, 2]
    v, i = Tensor(np.array(3.0)).topk(1)
    assert v.shape == () and i.shape == () and v.item() == 3.0 and i.item() == 0


def test_topk_of_integer_logits_and_extreme_values_without_warning():
    with strict_numpy():
        v, i = tg.tensor(np.array([[3, 9, 1]], dtype=np.uint8)).topk(2)
        assert v.data.tolist() == [[9, 3]] and i.data.tolist() == [[1, 0]]
        v, _ = leaf([1e308, -1e308, 0.0]).topk(1, largest=False)
        assert v.item() == -1e308


def test_topk_refuses_k_too_large_or_not_an_int_and_a_bad_dim():
    x = Tensor(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"topk: k=4 is out of range for dim -1 of size 3 \(tensor of shape "
                                         r"\(2, 3\) \(float64\)\); k must be in 0..3"):
        x.topk(4)
    with pytest.raises(ValueError, match="topk: k=-1 is out of range"):
        x.topk(-1)
    with pytest.raises(TypeError, match="topk: k must be an int, got 1.5"):
        x.topk(1.5)
    with pytest.raises(ValueError, match="topk"):
        x.topk(1, dim=2)
