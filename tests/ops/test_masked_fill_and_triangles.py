"""masked_fill, tril and triu: values against numpy and PyTorch, gradients by finite differences
(hypothesis shapes) and against PyTorch, second order, extreme input, bad input."""
import numpy as np
import pytest
from conftest import leaf, strict_numpy
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, broadcastable_pair, shapes

import tinygrad_edu as tg
from tinygrad_edu import Tensor

FAST = settings(max_examples=20, deadline=None)


@FAST
@given(data=st.data())
def test_masked_fill_values_and_gradient_by_finite_differences(data):
    x_shape, m_shape = data.draw(broadcastable_pair())
    x = data.draw(arrays(x_shape))
    mask = np.asarray(data.draw(arrays(m_shape))) > 0
    value = data.draw(st.sampled_from([0.0, -1.5, 2.0]))
    with strict_numpy():
        t = leaf(x)
        out = t.masked_fill(mask, value)
        np.testing.assert_array_equal(out.data, np.where(mask, value, x))
        assert tg.gradcheck(lambda a: a.masked_fill(mask, value), [t])
        assert out.grad_fn.name == "masked_fill" and out.grad_fn.derivative == "∂x = G·[¬mask], ∂value = Σ G·[mask]"


@FAST
@given(data=st.data())
def test_masked_fill_with_a_tensor_value_and_second_order(data):
    x = data.draw(arrays(data.draw(shapes(min_dims=1))))
    mask = np.asarray(data.draw(arrays(x.shape))) > 0
    with strict_numpy():
        t, v = leaf(x), leaf(0.7)
        assert tg.gradcheck(lambda a, b: a.masked_fill(Tensor(mask), b) * a, [t, v])
        (g,) = tg.grad((t.masked_fill(mask, v) * t * t).sum(), [t], create_graph=True)
        (h,) = tg.grad(g.sum(), [t])
        np.testing.assert_allclose(h.data, np.where(mask, 2 * 0.7, 6 * x))  # of v·x² where filled, x³ where kept


def test_masked_fill_matches_pytorch_values_and_gradients_with_broadcasting():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x, mask = rng.normal(size=(3, 1)), rng.normal(size=(2, 3, 4)) > 0
    t, v = leaf(x), leaf(2.5)
    tt, tv = torch.tensor(x, requires_grad=True), torch.tensor(2.5, dtype=torch.float64, requires_grad=True)
    out = t.masked_fill(mask, v)
    tout = tt.masked_fill(torch.tensor(mask), tv)
    np.testing.assert_array_equal(out.data, tout.detach().numpy())
    w = rng.normal(size=out.shape)
    (out * Tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(t.grad.data, tt.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(v.grad.data, tv.grad.numpy(), rtol=1e-12)


def test_masked_fill_with_minus_inf_then_softmax_as_attention_does():
    torch = pytest.importorskip("torch")
    scores = np.random.default_rng(1).normal(size=(4, 4))
    causal = np.triu(np.ones((4, 4), bool), 1)
    t = leaf(scores)
    with strict_numpy():
        p = t.masked_fill(causal, -np.inf).softmax(-1)
        (p * Tensor(np.arange(16.0).reshape(4, 4))).sum().backward()
    tt = torch.tensor(scores, requires_grad=True)
    tp = tt.masked_fill(torch.tensor(causal), float("-inf")).softmax(-1)
    (tp * torch.arange(16.0, dtype=torch.float64).reshape(4, 4)).sum().backward()
    np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(t.grad.data, tt.grad.numpy(), rtol=1e-12, atol=1e-15)
    assert np.all(t.grad.data[causal] == 0)


def test_masked_fill_keeps_dtype_and_a_huge_value_saturates_without_warning():
    with strict_numpy():
        out = Tensor(np.ones(3, np.float32)).masked_fill(np.array([True, False, True]), 1e300)
    assert out.dtype == np.float32 and list(out.data) == [np.inf, 1.0, np.inf]
    b = Tensor(np.zeros((2, 2), bool)).masked_fill(np.eye(2, dtype=bool), True)
    assert b.dtype == np.bool_ and b.data.tolist() == [[True, False], [False, True]]


def test_masked_fill_refuses_a_mask_that_is_not_boolean_or_does_not_broadcast():
    x = Tensor(np.zeros((2, 3)))
    with pytest.raises(TypeError, match=r"masked_fill: mask must be boolean .*got dtype float64 \(shape \(2, 3\)\)"):
        x.masked_fill(Tensor(np.ones((2, 3))), 0.0)
    with pytest.raises(ValueError, match=r"masked_fill: mask of shape \(4,\) does not broadcast against "
                                         r"the tensor of shape \(2, 3\)"):
        x.masked_fill(np.ones(4, bool), 0.0)
    with pytest.raises(ValueError, match="masked_fill: value must be a number or a 0-d tensor"):
        x.masked_fill(np.ones(3, bool), Tensor([1.0, 2.0]))
    with pytest.raises(TypeError, match="masked_fill: value must be a number or a 0-d tensor, got str"):
        x.masked_fill(np.ones(3, bool), "inf")


@pytest.mark.parametrize("kind", ["tril", "triu"])
@FAST
@given(data=st.data())
def test_triangles_values_gradients_and_second_order(kind, data):
    x = data.draw(arrays(data.draw(shapes(min_dims=2))))
    k = data.draw(st.integers(-3, 3))
    numpy_fn = getattr(np, kind)
    with strict_numpy():
        t = leaf(x)
        out = getattr(tg, kind)(t, diagonal=k)
        np.testing.assert_array_equal(out.data, numpy_fn(x, k))
        np.testing.assert_array_equal(getattr(t, kind)(k).data, out.data)
        assert out.grad_fn.name == kind and out.grad_fn.derivative == f"∂ = {kind}(G)"
        assert tg.gradcheck(lambda a: getattr(tg, kind)(a, k) ** 2, [t])
        (g,) = tg.grad((getattr(tg, kind)(t, k) ** 3).sum(), [t], create_graph=True)
        (h,) = tg.grad(g.sum(), [t])
        np.testing.assert_allclose(h.data, numpy_fn(6 * x, k))


@pytest.mark.parametrize("kind", ["tril", "triu"])
def test_triangles_match_pytorch_on_batches(kind):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(2).normal(size=(2, 3, 4, 5))
    for k in (-2, 0, 1, 7):
        t, tt = leaf(x), torch.tensor(x, requires_grad=True)
        out, tout = getattr(tg, kind)(t, k), getattr(torch, kind)(tt, k)
        np.testing.assert_array_equal(out.data, tout.detach().numpy())
        w = np.random.default_rng(k + 5).normal(size=x.shape)
        (out * Tensor(w)).sum().backward()
        (tout * torch.tensor(w)).sum().backward()
        np.testing.assert_array_equal(t.grad.data, tt.grad.numpy())


def test_the_causal_mask_of_a_language_model():
    ones = tg.ones(4, 4)
    assert tg.tril(ones).data.tolist() == np.tril(np.ones((4, 4))).tolist()
    assert (tg.tril(ones) == 0).dtype == np.bool_  # nanoGPT's mask: bias == 0
    bool_mask = tg.triu(Tensor(np.ones((3, 3), bool)), diagonal=1)
    assert bool_mask.dtype == np.bool_ and bool_mask.data.sum() == 3


def test_triangles_refuse_fewer_than_two_axes_and_a_diagonal_that_is_not_an_int():
    with pytest.raises(ValueError, match=r"tril: expected a tensor with at least 2 dimensions .*shape \(3,\)"):
        tg.tril(Tensor([1.0, 2.0, 3.0]))
    with pytest.raises(TypeError, match="triu: diagonal must be an int, got 0.5"):
        tg.triu(tg.ones(2, 2), 0.5)
