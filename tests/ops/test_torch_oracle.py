"""The same ops against PyTorch: forward values AND gradients (skipped when torch is absent)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, broadcastable_pair, matmul_shapes, positive_arrays, shape_and_axis, shapes

import tinygrad_edu.functional as F
from tinygrad_edu import Tensor

torch = pytest.importorskip("torch")
from torch_compare import compare, compare_second_derivatives  # noqa: E402  (after the skip)

TF = torch.nn.functional

FAST = settings(max_examples=15, deadline=None)


BINARY = [("add", lambda a, b: a + b), ("sub", lambda a, b: a - b), ("mul", lambda a, b: a * b),
          ("div", lambda a, b: a / b), ("pow", lambda a, b: a ** b)]


@pytest.mark.parametrize("name, fn", BINARY)
@FAST
@given(data=st.data())
def test_binary_ops(name, fn, data):
    shape_a, shape_b = data.draw(broadcastable_pair())
    a = data.draw(positive_arrays(shape_a, 0.3, 2.0))
    b = data.draw(arrays(shape_b, -2, 2, away_from_zero=0.3))
    which = data.draw(st.sampled_from([[True, True], [True, False], [False, True]]))
    compare(fn, fn, a, b, grads=which)


@pytest.mark.parametrize("ours, theirs", [
    (lambda t: 2.0 ** t, lambda t: 2.0 ** t), (lambda t: 1 - t, lambda t: 1 - t),
    (lambda t: 3 / t, lambda t: 3 / t), (lambda t: t ** 2, lambda t: t ** 2),
    (lambda t: t ** 0.5, lambda t: t ** 0.5), (lambda t: t ** -1.5, lambda t: t ** -1.5),
    (lambda t: t ** 0, lambda t: t ** 0), (lambda t: -t, lambda t: -t),
    (lambda t: np.array([[1.0], [2.0]]) @ t[None, :],
     lambda t: torch.tensor([[1.0], [2.0]], dtype=torch.float64) @ t[None, :]),
])
def test_numbers_and_arrays_on_either_side(ours, theirs):
    compare(ours, theirs, np.array([0.5, 1.0, 2.5]))


def test_pow_edge_cases_at_zero():
    x = np.array([0.0, 1.0, 2.0])
    for p in (0, 1, 2, 3):
        compare(lambda t: t ** p, lambda t: t ** p, x)


UNARY = [
    ("exp", lambda t: t.exp(), torch.exp, "any"),
    ("log", lambda t: t.log(), torch.log, "positive"),
    ("sqrt", lambda t: t.sqrt(), torch.sqrt, "positive"),
    ("abs", lambda t: t.abs(), torch.abs, "any"),
    ("sigmoid", lambda t: t.sigmoid(), torch.sigmoid, "any"),
    ("tanh", lambda t: t.tanh(), torch.tanh, "any"),
    ("relu", lambda t: t.relu(), torch.relu, "any"),
    ("leaky_relu", lambda t: t.leaky_relu(), TF.leaky_relu, "any"),
    ("leaky_relu_0.3", lambda t: F.leaky_relu(t, 0.3), lambda t: TF.leaky_relu(t, 0.3), "any"),
    ("F.exp", F.exp, torch.exp, "any"), ("F.log", F.log, torch.log, "positive"),
    ("F.sqrt", F.sqrt, torch.sqrt, "positive"), ("F.abs", F.abs, torch.abs, "any"),
    ("F.sigmoid", F.sigmoid, torch.sigmoid, "any"), ("F.tanh", F.tanh, torch.tanh, "any"),
    ("F.relu", F.relu, torch.relu, "any"),
]


@pytest.mark.parametrize("name, ours, theirs, domain", UNARY)
@FAST
@given(shape=shapes(), data=st.data())
def test_unary_ops(name, ours, theirs, domain, shape, data):
    x = data.draw(positive_arrays(shape) if domain == "positive" else arrays(shape))
    compare(ours, theirs, x)


@pytest.mark.parametrize("name, ours, theirs", [u[:3] for u in UNARY if u[3] == "any"])
def test_unary_ops_at_zero_and_extremes(name, ours, theirs):
    big = 700.0 if "exp" in name else 1000.0      # e^1000 overflows to inf in both
    compare(ours, theirs, np.array([0.0, -0.0, big, -big, 1e-8, -30.0]))


@pytest.mark.parametrize("name", ["sum", "mean", "max"])
@FAST
@given(data=st.data())
def test_reductions(name, data):
    (shape, axis), keepdims = data.draw(shape_and_axis()), data.draw(st.booleans())
    # small integers make ties in max likely: both must share the gradient the same way (amax)
    x = data.draw(arrays(shape, -2, 2)).round() if name == "max" else data.draw(arrays(shape))
    dims = tuple(range(len(shape))) if axis is None else axis
    theirs = {"sum": lambda t: torch.sum(t, dim=dims, keepdim=keepdims),
              "mean": lambda t: torch.mean(t, dim=dims, keepdim=keepdims),
              "max": lambda t: torch.amax(t, dim=dims, keepdim=keepdims)}[name]
    compare(lambda t: getattr(t, name)(axis=axis, keepdims=keepdims), theirs, x)


def test_full_max_with_ties_like_torch_max():
    compare(lambda t: t.max(), lambda t: t.max(), np.array([[1.0, 3.0], [3.0, 0.0]]))


@pytest.mark.parametrize("method", ["softmax", "log_softmax"])
@FAST
@given(shape=shapes(min_dims=1), data=st.data())
def test_softmax(method, shape, data):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    x = data.draw(arrays(shape, -50, 50))
    compare(lambda t: getattr(t, method)(axis), lambda t: getattr(torch, method)(t, dim=axis), x)
    compare(lambda t: getattr(F, method)(t, axis), lambda t: getattr(TF, method)(t, dim=axis), x * 1e3)


@FAST
@given(shape=shapes(min_dims=1), data=st.data())
def test_reshape_transpose(shape, data):
    x = data.draw(arrays(shape))
    nd = len(shape)
    d0, d1 = (data.draw(st.integers(-nd, nd - 1)) for _ in range(2))
    compare(lambda t: t.transpose(d0, d1).reshape(-1), lambda t: t.transpose(d0, d1).reshape(-1), x)
    if nd >= 3:  # transpose with a full permutation of 3 or more axes is numpy's (torch's permute)
        perm = data.draw(st.permutations(range(nd)))
        compare(lambda t: t.transpose(*perm).reshape(-1), lambda t: t.permute(*perm).reshape(-1), x)
    compare(lambda t: t.T if t.ndim == 2 else t.transpose(), lambda t: t.permute(*reversed(range(t.ndim))), x)


@pytest.mark.parametrize("index", [
    (1,), (slice(None), -1), (None, Ellipsis, 0), (np.array([0, 0, 2, 0]),), (slice(None), np.array([3, 3, 1])),
    (np.array([[1, 1], [2, 0]]),), (slice(None, None, 2), slice(1, 3)), (np.array([2, 2]), np.array([1, 1])),
])
def test_indexing(index):
    x = np.arange(12.0).reshape(3, 4) / 5
    torch_index = tuple(torch.tensor(i) if isinstance(i, np.ndarray) else i for i in index)
    compare(lambda t: t[index], lambda t: t[torch_index], x)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_matmul(data):
    shape_a, shape_b = data.draw(matmul_shapes())
    a, b = data.draw(arrays(shape_a)), data.draw(arrays(shape_b))
    compare(lambda x, y: x @ y, torch.matmul, a, b)


def test_linear():
    rng = np.random.default_rng(5)
    x, w, b = rng.standard_normal((2, 4, 3)), rng.standard_normal((5, 3)), rng.standard_normal(5)
    compare(F.linear, TF.linear, x, w, b)
    compare(F.linear, TF.linear, x[0], w)


# --- losses --------------------------------------------------------------------------------------

REDUCTIONS = ["mean", "sum", "none"]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("scale", [1.0, 1e4])
def test_cross_entropy_with_indices(reduction, scale):
    z = np.random.default_rng(6).standard_normal((5, 4)) * scale
    labels = np.array([0, 3, 3, 1, 2])
    compare(lambda t: F.cross_entropy(t, labels, reduction=reduction),
            lambda t: TF.cross_entropy(t, torch.tensor(labels), reduction=reduction), z)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_probabilities(reduction):
    rng = np.random.default_rng(7)
    z, y = rng.standard_normal((4, 3)), rng.dirichlet(np.ones(3), size=4)
    compare(lambda t, p: F.cross_entropy(t, p, reduction=reduction),
            lambda t, p: TF.cross_entropy(t, p, reduction=reduction), z, y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy(reduction):
    p = np.array([[0.0, 1.0, 0.3], [0.999, 1e-7, 0.5]])
    y = np.array([[1.0, 0.0, 0.2], [1.0, 0.0, 1.0]])
    compare(lambda a, b: F.binary_cross_entropy(a, b, reduction=reduction),
            lambda a, b: TF.binary_cross_entropy(a, b, reduction=reduction), p, y, grads=[True, False])
    q = np.array([[0.1, 0.9, 0.3], [0.6, 0.2, 0.5]])
    compare(lambda a, b: F.binary_cross_entropy(a, b, reduction=reduction),
            lambda a, b: TF.binary_cross_entropy(a, b, reduction=reduction), q, y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_with_logits(reduction):
    x = np.array([[1e4, -1e4, 0.3], [1000.0, -1000.0, -2.0]])
    y = np.array([[0.0, 1.0, 0.2], [1.0, 0.0, 0.7]])
    compare(lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=reduction),
            lambda a, b: TF.binary_cross_entropy_with_logits(a, b, reduction=reduction), x, y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_loss(reduction):
    rng = np.random.default_rng(8)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    compare(lambda x, y: F.mse_loss(x, y, reduction=reduction),
            lambda x, y: TF.mse_loss(x, y, reduction=reduction), a, b)


# --- float32 and second derivatives ----------------------------------------------------------------

def test_float32_network_matches_torch_float32():
    rng = np.random.default_rng(9)
    x = rng.standard_normal((8, 3)).astype(np.float32)
    w1, w2 = rng.standard_normal((5, 3)).astype(np.float32), rng.standard_normal((2, 5)).astype(np.float32)
    labels = rng.integers(0, 2, 8)
    tw1, tw2 = Tensor(w1, requires_grad=True), Tensor(w2, requires_grad=True)
    loss = F.cross_entropy(F.linear(Tensor(x), tw1).tanh() @ tw2.T, labels)
    loss.backward()
    pw1, pw2 = torch.tensor(w1, requires_grad=True), torch.tensor(w2, requires_grad=True)
    ref = TF.cross_entropy(torch.tanh(torch.tensor(x) @ pw1.T) @ pw2.T, torch.tensor(labels))
    ref.backward()
    assert loss.dtype == np.float32 and tw1.grad.dtype == np.float32
    np.testing.assert_allclose(loss.item(), ref.item(), rtol=1e-5)
    np.testing.assert_allclose(tw1.grad.data, pw1.grad.numpy(), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(tw2.grad.data, pw2.grad.numpy(), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name, ours, theirs", [
    ("sigmoid", lambda t: t.sigmoid(), torch.sigmoid), ("tanh", lambda t: t.tanh(), torch.tanh),
    ("exp", lambda t: t.exp(), torch.exp), ("log", lambda t: (t * t + 1).log(), lambda t: torch.log(t * t + 1)),
    ("sqrt", lambda t: (t * t + 1).sqrt(), lambda t: torch.sqrt(t * t + 1)),
    ("softmax", lambda t: t.softmax(0) * t, lambda t: torch.softmax(t, 0) * t),
    ("log_softmax", lambda t: t.log_softmax(0) * t, lambda t: torch.log_softmax(t, 0) * t),
    ("relu", lambda t: t.relu() * t, lambda t: torch.relu(t) * t),
    ("abs", lambda t: t.abs() * t, lambda t: torch.abs(t) * t),
    ("pow", lambda t: (t * t + 1) ** 1.5, lambda t: (t * t + 1) ** 1.5),
])
def test_second_derivatives_match_torch(name, ours, theirs):
    compare_second_derivatives(ours, theirs)
