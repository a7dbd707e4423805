"""A Hessian-vector product of a small two-layer network against finite differences of its
gradients and against PyTorch (when installed), and a second derivative through a 20,000-op chain."""
import numpy as np
import pytest
from conftest import leaf

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor


def _network_params(seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((4, 3)) * 0.7, rng.standard_normal(4) * 0.1,
            rng.standard_normal((2, 4)) * 0.7, rng.standard_normal(2) * 0.1]


def _data(seed=1):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((6, 3)), np.array([0, 1, 1, 0, 1, 0])


def _loss(params, X, y):
    W1, b1, W2, b2 = params
    h = (Tensor(X) @ W1.T + b1).tanh()
    return F.cross_entropy(h @ W2.T + b2, y)


def _gradient(param_arrays, X, y):
    params = [leaf(p) for p in param_arrays]
    return [g.data for g in tg.grad(_loss(params, X, y), params)]


def _hvp(param_arrays, vector, X, y):
    params = [leaf(p) for p in param_arrays]
    grads = tg.grad(_loss(params, X, y), params, create_graph=True)
    assert all(g.requires_grad for g in grads)
    dot = sum((g * Tensor(v)).sum() for g, v in zip(grads, vector))
    return [h.data for h in tg.grad(dot, params)]


def test_hessian_vector_product_matches_finite_differences_of_gradients():
    params, (X, y) = _network_params(), _data()
    rng = np.random.default_rng(2)
    vector = [rng.standard_normal(p.shape) for p in params]
    hv = _hvp(params, vector, X, y)
    eps = 1e-5
    plus = _gradient([p + eps * v for p, v in zip(params, vector)], X, y)
    minus = _gradient([p - eps * v for p, v in zip(params, vector)], X, y)
    for h, gp, gm in zip(hv, plus, minus):
        np.testing.assert_allclose(h, (gp - gm) / (2 * eps), rtol=1e-5, atol=1e-8)
    assert any(np.abs(h).max() > 1e-3 for h in hv)     # not trivially zero


def test_hessian_vector_product_matches_pytorch():
    torch = pytest.importorskip("torch")
    params, (X, y) = _network_params(), _data()
    rng = np.random.default_rng(3)
    vector = [rng.standard_normal(p.shape) for p in params]
    hv = _hvp(params, vector, X, y)

    tparams = [torch.tensor(p, requires_grad=True) for p in params]
    W1, b1, W2, b2 = tparams
    h = torch.tanh(torch.tensor(X) @ W1.T + b1)
    loss = torch.nn.functional.cross_entropy(h @ W2.T + b2, torch.tensor(y))
    grads = torch.autograd.grad(loss, tparams, create_graph=True)
    dot = sum((g * torch.tensor(v)).sum() for g, v in zip(grads, vector))
    expected = torch.autograd.grad(dot, tparams)
    for ours, theirs in zip(hv, expected):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-9, atol=1e-12)


def test_second_derivative_through_a_deep_chain_has_no_recursion_error():
    x = leaf(0.5)
    y = x
    for _ in range(20_000):
        y = y * 1.0
    (g,) = tg.grad(y * y, [x], create_graph=True)     # d/dx x² = 2x
    (h,) = tg.grad(g, [x])                            # d²/dx² x² = 2
    assert g.item() == pytest.approx(1.0) and h.item() == pytest.approx(2.0)

