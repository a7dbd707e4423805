"""The functional losses against their numpy formulas and tg.gradcheck: cross-entropy with class
indices and with probabilities, binary cross-entropy (with logits), MSE, every reduction, logits of
1e4 and probabilities at 0 and 1 (finite), float32 kept."""
import numpy as np
import pytest
from conftest import check, leaf, np_sigmoid, np_softmax, strict_numpy
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import (
    arrays,
    broadcastable_pair,
    shapes,
)

import tinygrad_edu.functional as F
from tinygrad_edu import Tensor

FAST = settings(max_examples=20, deadline=None)


REDUCTIONS = ["mean", "sum", "none"]


def _reduce(v, reduction):
    return v.mean() if reduction == "mean" else v.sum() if reduction == "sum" else v



def _np_log_softmax(z):
    s = z - z.max(axis=1, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=1, keepdims=True))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("target_kind", ["list", "ndarray", "tensor", "tensor_int64"])
def test_cross_entropy_with_class_indices(reduction, target_kind):
    rng = np.random.default_rng(3)
    z = rng.standard_normal((5, 4)) * 3
    labels = np.array([0, 3, 3, 1, 2])
    target = {"list": labels.tolist(), "ndarray": labels, "tensor": Tensor(labels),
              "tensor_int64": Tensor(labels, dtype=np.int64)}[target_kind]
    expected = _reduce(-_np_log_softmax(z)[np.arange(5), labels], reduction)
    check(lambda t: F.cross_entropy(t, target, reduction=reduction), expected, z)


def test_cross_entropy_default_reduction_is_mean_and_gradient_is_softmax_minus_onehot_over_n():
    z = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    t = leaf(z)
    loss = F.cross_entropy(t, [1, 2])
    np.testing.assert_allclose(loss.data, -_np_log_softmax(z)[[0, 1], [1, 2]].mean())
    loss.backward()
    onehot = np.eye(3)[[1, 2]]
    np.testing.assert_allclose(t.grad.data, (np_softmax(z, 1) - onehot) / 2)
    assert loss.grad_fn.name == "cross_entropy"


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_probabilities(reduction):
    rng = np.random.default_rng(4)
    z = rng.standard_normal((4, 3))
    y = np_softmax(rng.standard_normal((4, 3)), 1)
    expected = _reduce(-(y * _np_log_softmax(z)).sum(axis=1), reduction)
    check(lambda t: F.cross_entropy(t, y, reduction=reduction), expected, z)
    check(lambda t: F.cross_entropy(t, Tensor(y), reduction=reduction), expected, z)
    # both logits and probabilities differentiable
    check(lambda t, p: F.cross_entropy(t, p, reduction=reduction), expected, z, y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_finite_for_logits_of_1e4(reduction, dtype):
    with strict_numpy():
        z = Tensor(np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4], [1e4, 1e4, 1e4]], dtype=dtype),
                   requires_grad=True)
        loss = F.cross_entropy(z, [1, 2, 0], reduction=reduction)
        assert np.all(np.isfinite(loss.data))
        np.testing.assert_allclose(_reduce(np.array([2e4, 0.0, np.log(3)]), reduction), loss.data, rtol=1e-5)
        loss.sum().backward()
        assert np.all(np.isfinite(z.grad.data)) and z.grad.dtype == dtype
        zp = Tensor(z.data, requires_grad=True)
        lp = F.cross_entropy(zp, np.eye(3, dtype=dtype)[[1, 2, 0]], reduction=reduction)
        np.testing.assert_allclose(lp.data, loss.data, rtol=1e-5)
        lp.sum().backward()
        assert np.all(np.isfinite(zp.grad.data))


def _np_bce(p, y):
    return -(y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log(1 - p), -100))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@FAST
@given(shape=shapes(min_dims=1), data=st.data())
def test_binary_cross_entropy(reduction, shape, data):
    p = data.draw(arrays(shape, 0.05, 0.95))
    y = data.draw(arrays(shape, 0.0, 1.0))
    expected = _reduce(_np_bce(p, y), reduction)
    check(lambda a: F.binary_cross_entropy(a, y, reduction=reduction), expected, p)
    check(lambda a, b: F.binary_cross_entropy(a, b, reduction=reduction), expected, p, y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_clamps_logs_at_minus_100(reduction):
    with strict_numpy():
        p = leaf([0.0, 1.0, 0.0, 1.0])
        y = np.array([1.0, 0.0, 0.0, 1.0])
        loss = F.binary_cross_entropy(p, y, reduction=reduction)
        np.testing.assert_allclose(loss.data, _reduce(np.array([100.0, 100.0, 0.0, 0.0]), reduction))
        loss.sum().backward()
        assert np.all(np.isfinite(p.grad.data))


def _np_bce_logits(x, y):
    return np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x)))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@FAST
@given(shape=shapes(min_dims=1), data=st.data())
def test_binary_cross_entropy_with_logits(reduction, shape, data):
    x = data.draw(arrays(shape, -6, 6))
    y = data.draw(arrays(shape, 0.0, 1.0))
    expected = _reduce(_np_bce_logits(x, y), reduction)
    np.testing.assert_allclose(expected, _reduce(_np_bce(np_sigmoid(x), y), reduction), rtol=1e-8)
    check(lambda a: F.binary_cross_entropy_with_logits(a, y, reduction=reduction), expected, x)
    check(lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=reduction), expected, x, y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_with_logits_stable_for_huge_logits(reduction, dtype):
    with strict_numpy():
        x = Tensor(np.array([1e4, -1e4, 1000.0, -1000.0], dtype=dtype), requires_grad=True)
        y = np.array([0.0, 1.0, 1.0, 0.0], dtype=dtype)
        loss = F.binary_cross_entropy_with_logits(x, y, reduction=reduction)
        np.testing.assert_allclose(loss.data, _reduce(np.array([1e4, 1e4, 0.0, 0.0]), reduction), rtol=1e-6)
        loss.sum().backward()
        np.testing.assert_allclose(x.grad.data * (4 if reduction == "mean" else 1), [1, -1, 0, 0], atol=1e-6)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@FAST
@given(shapes_=broadcastable_pair(min_dims=1).filter(lambda s: s[0] == s[1]) | shapes(min_dims=1).map(lambda s: (s, s)),
       data=st.data())
def test_mse_loss(reduction, shapes_, data):
    shape = shapes_[0]
    pred, target = data.draw(arrays(shape)), data.draw(arrays(shape))
    expected = _reduce((pred - target) ** 2, reduction)
    check(lambda a: F.mse_loss(a, target, reduction=reduction), expected, pred)
    check(lambda a, b: F.mse_loss(a, b, reduction=reduction), expected, pred, target)


def test_mse_sum_is_the_sum_of_squares_error_and_default_is_mean():
    pred, target = leaf([[1.0, 2.0], [3.0, 5.0]]), np.array([[0.0, 2.0], [1.0, 1.0]])
    assert F.mse_loss(pred, target, reduction="sum").item() == pytest.approx(1 + 0 + 4 + 16)
    assert F.mse_loss(pred, target).item() == pytest.approx(21 / 4)
    F.mse_loss(pred, target, reduction="sum").backward()
    np.testing.assert_allclose(pred.grad.data, 2 * (pred.data - target))


@pytest.mark.parametrize("loss", ["cross_entropy", "binary_cross_entropy", "binary_cross_entropy_with_logits",
                                  "mse_loss"])
def test_losses_keep_float32(loss):
    x = Tensor(np.full((2, 3), 0.4, dtype=np.float32), requires_grad=True)
    target = [0, 2] if loss == "cross_entropy" else np.full((2, 3), 0.5, dtype=np.float32)
    out = getattr(F, loss)(x, target)
    assert out.dtype == np.float32
    out.backward()
    assert x.grad.dtype == np.float32
