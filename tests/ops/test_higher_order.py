"""Gradients of gradients: second derivatives of every elementwise op against the textbook
formula and by gradcheck of tg.grad(create_graph=True), and a Hessian-vector product of a
small two-layer network against finite differences of gradients (and PyTorch when present)."""
import numpy as np
import pytest
from conftest import leaf
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, broadcastable_pair, domain_arrays, positive_arrays, shapes, single_axis

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor

FAST = settings(max_examples=10, deadline=None)


def first_derivative(f):
    """x -> f'(x) elementwise, itself differentiable."""
    return lambda x: tg.grad(f(x).sum(), [x], create_graph=True)[0]


def _sig(x):
    return 0.5 * (1 + np.tanh(x / 2))


# name: (f, f'', domain)
SECOND = {
    "exp": (lambda t: t.exp(), np.exp, "any"),
    "log": (lambda t: t.log(), lambda x: -1 / x ** 2, "positive"),
    "sqrt": (lambda t: t.sqrt(), lambda x: -0.25 * x ** -1.5, "positive"),
    "abs": (lambda t: t.abs(), np.zeros_like, "nonzero"),
    "sigmoid": (lambda t: t.sigmoid(), lambda x: _sig(x) * (1 - _sig(x)) * (1 - 2 * _sig(x)), "any"),
    "tanh": (lambda t: t.tanh(), lambda x: -2 * np.tanh(x) * (1 - np.tanh(x) ** 2), "any"),
    "relu": (lambda t: t.relu(), np.zeros_like, "nonzero"),
    "leaky_relu": (lambda t: t.leaky_relu(0.2), np.zeros_like, "nonzero"),
    "neg": (lambda t: -t, np.zeros_like, "any"),
    "square": (lambda t: t ** 2, lambda x: np.full_like(x, 2.0), "any"),
    "cube": (lambda t: t ** 3, lambda x: 6 * x, "any"),
    "pow_1.5": (lambda t: t ** 1.5, lambda x: 0.75 * x ** -0.5, "positive"),
    "pow_-2": (lambda t: t ** -2, lambda x: 6 * x ** -4, "positive"),
    "reciprocal": (lambda t: 1 / t, lambda x: 2 / x ** 3, "positive"),
    "2_pow_x": (lambda t: 2.0 ** t, lambda x: np.log(2.0) ** 2 * 2.0 ** x, "any"),
    "scaled_shift": (lambda t: 3 * t - 1, np.zeros_like, "any"),
    "f_sigmoid": (F.sigmoid, lambda x: _sig(x) * (1 - _sig(x)) * (1 - 2 * _sig(x)), "any"),
    "f_tanh": (F.tanh, lambda x: -2 * np.tanh(x) * (1 - np.tanh(x) ** 2), "any"),
}


@pytest.mark.parametrize("name", list(SECOND))
@FAST
@given(shape=shapes(max_dims=2), data=st.data())
def test_second_derivative_of_elementwise_op(name, shape, data):
    f, f2, domain = SECOND[name]
    x_np = data.draw(domain_arrays(shape, domain, bound=2.5, positive=(0.3, 3.0)))
    x = leaf(x_np)
    d1 = first_derivative(f)(x)
    assert d1.requires_grad
    (d2,) = tg.grad(d1.sum(), [x])
    np.testing.assert_allclose(d2.data, f2(x_np), rtol=1e-9, atol=1e-12)
    assert d2.shape == x.shape and d2.dtype == np.float64
    assert tg.gradcheck(first_derivative(f), [leaf(x_np)])


@pytest.mark.parametrize("name", ["exp", "tanh", "sigmoid", "cube", "log"])
def test_third_derivative(name):
    f = SECOND[name][0]
    x = leaf([0.4, 1.3])
    assert tg.gradcheck(first_derivative(first_derivative(f)), [x])


def test_second_derivative_via_backward_create_graph():
    x = leaf([0.5, -1.0])
    (x.tanh() * x).sum().backward(create_graph=True)
    g = x.grad
    (h,) = tg.grad(g.sum(), [x])
    t = np.tanh(x.data)
    # d²/dx² [x tanh x] = 2(1 − t²) − 2x t(1 − t²)
    np.testing.assert_allclose(h.data, 2 * (1 - t ** 2) - 2 * x.data * t * (1 - t ** 2))


# --- binary ops: mixed and pure second derivatives --------------------------------------------

BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a ** b,
}


@pytest.mark.parametrize("op", list(BINARY))
@FAST
@given(data=st.data())
def test_second_derivatives_of_binary_ops_with_broadcasting(op, data):
    shape_a, shape_b = data.draw(broadcastable_pair(max_dims=2, max_side=3))
    a = data.draw(positive_arrays(shape_a, 0.5, 2.0))
    b = data.draw(positive_arrays(shape_b, 0.5, 2.0))
    fn = BINARY[op]

    def grads(x, y):
        return tg.grad(fn(x, y).sum(), [x, y], create_graph=True)

    assert tg.gradcheck(grads, [leaf(a), leaf(b)])


def test_second_derivatives_of_mul_div_pow_by_formula():
    a, b = leaf(1.5), leaf(0.8)
    ga, gb = tg.grad(a * b, [a, b], create_graph=True)
    assert tg.grad(ga, [b])[0].item() == pytest.approx(1.0)
    ga, gb = tg.grad(a / b, [a, b], create_graph=True)
    assert tg.grad(gb, [b])[0].item() == pytest.approx(2 * 1.5 / 0.8 ** 3)
    assert tg.grad(ga, [b])[0].item() == pytest.approx(-1 / 0.8 ** 2)
    ga, gb = tg.grad(a ** b, [a, b], create_graph=True)
    assert tg.grad(ga, [a])[0].item() == pytest.approx(0.8 * -0.2 * 1.5 ** -1.2)
    assert tg.grad(gb, [b])[0].item() == pytest.approx(1.5 ** 0.8 * np.log(1.5) ** 2)
    assert tg.grad(ga, [b])[0].item() == pytest.approx(1.5 ** -0.2 * (1 + 0.8 * np.log(1.5)))


# --- the other ops: gradcheck of their (differentiable) gradients --------------------------------

@FAST
@given(shape=shapes(min_dims=1, max_dims=2), data=st.data())
def test_second_derivatives_of_softmax_log_softmax(shape, data):
    axis = data.draw(single_axis(len(shape)))
    x = data.draw(arrays(shape, -3, 3))
    w = data.draw(arrays(shape, -2, 2))
    for f in (lambda t: (t.softmax(axis) * w).sum(), lambda t: (t.log_softmax(axis=axis) * w).sum()):
        assert tg.gradcheck(lambda t: tg.grad(f(t), [t], create_graph=True)[0], [leaf(x)])


@pytest.mark.parametrize("name, f", [
    ("sum", lambda t: (t.sum(axis=0) ** 2).sum()),
    ("mean", lambda t: (t.mean(axis=-1, keepdims=True) ** 2).sum()),
    ("max", lambda t: (t.max(axis=1) ** 3).sum()),
    ("reshape_T", lambda t: (t.reshape(3, 2).T * t).sum()),
    ("transpose", lambda t: (t.transpose(1, 0) @ t).sum()),
    ("index", lambda t: (t[np.array([0, 0, 1])] ** 2).sum() + (t[:, 1:] ** 3).sum()),
    ("matmul", lambda t: ((t @ t.T).tanh()).sum()),
    ("matmul_1d", lambda t: (t[0] @ t[1]) ** 2),
    ("linear", lambda t: F.linear(t, t * 2, t[0, :2]).tanh().sum()),
    ("cross_entropy", lambda t: F.cross_entropy(t, [2, 0])),
    ("cross_entropy_probs", lambda t: F.cross_entropy(t, t.softmax(axis=0) * 1.0, reduction="sum")),
    ("bce", lambda t: F.binary_cross_entropy(t.sigmoid(), np.full((2, 3), 0.3))),
    ("bce_with_logits", lambda t: F.binary_cross_entropy_with_logits(t, np.full((2, 3), 0.7), reduction="sum")),
    ("mse", lambda t: F.mse_loss(t.tanh(), np.zeros((2, 3)), reduction="sum")),
])
def test_second_derivatives_of_other_ops(name, f):
    x = np.array([[0.3, -1.2, 0.8], [1.1, 0.45, -0.6]])
    assert tg.gradcheck(lambda t: tg.grad(f(t), [t], create_graph=True)[0], [leaf(x)])


def test_second_derivative_of_cross_entropy_is_softmax_jacobian_over_n():
    z = leaf([[0.5, -1.0, 2.0]])
    (g,) = tg.grad(F.cross_entropy(z, [1]), [z], create_graph=True)
    v = np.array([1.0, 2.0, -1.0])
    (hv,) = tg.grad((g * Tensor(v)).sum(), [z])
    p = np.exp(z.data[0]) / np.exp(z.data[0]).sum()
    hessian = np.diag(p) - np.outer(p, p)
    np.testing.assert_allclose(hv.data[0], hessian @ v, rtol=1e-10)


# --- Hessian-vector product of a small two-layer network ---------------------------------------

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
