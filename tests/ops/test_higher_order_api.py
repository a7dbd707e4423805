"""Second (and third) derivatives of the ops added for the PyTorch-style API: gradcheck of
tg.grad(create_graph=True), with hypothesis-drawn inputs, and second derivatives against the
textbook formula for the elementwise ones."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, broadcastable_pair, distinct_arrays, shapes, single_axis

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor

FAST = settings(max_examples=10, deadline=None)


def leaf(a):
    return Tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


def first_derivative(f):
    return lambda x: tg.grad(f(x).sum(), [x], create_graph=True)[0]


def _sig(x):
    return 0.5 * (1 + np.tanh(x / 2))


def _pdf(x):
    return np.exp(-x * x / 2) / math.sqrt(2 * math.pi)


# name: (f, f'', low, high)
SECOND = {
    "sin": (lambda t: t.sin(), lambda x: -np.sin(x), -4, 4),
    "cos": (lambda t: t.cos(), lambda x: -np.cos(x), -4, 4),
    "log1p": (lambda t: t.log1p(), lambda x: -1 / (1 + x) ** 2, -0.7, 3),
    "softplus": (lambda t: t.softplus(), lambda x: _sig(x) * (1 - _sig(x)), -6, 6),
    "gelu": (lambda t: t.gelu(), lambda x: _pdf(x) * (2 - x * x), -5, 5),
    "silu": (lambda t: t.silu(), lambda x: _sig(x) * (1 - _sig(x)) * (2 + x * (1 - 2 * _sig(x))), -6, 6),
    "elu": (lambda t: t.elu(0.5), lambda x: np.where(x > 0, 0.0, 0.5 * np.exp(x)), -3, 3),
    "sign": (lambda t: t.sign(), np.zeros_like, -3, 3),
    "pow": (lambda t: (t * t + 1).pow(1.5), lambda x: 3 * (1 + x * x) ** 0.5 + 3 * x * x * (1 + x * x) ** -0.5, -2, 2),
}


@pytest.mark.parametrize("name", list(SECOND))
@FAST
@given(shape=shapes(max_dims=2), data=st.data())
def test_second_derivative_of_elementwise_op(name, shape, data):
    f, f2, low, high = SECOND[name]
    x_np = data.draw(arrays(shape, low, high, away_from_zero=0.05))
    x = leaf(x_np)
    d1 = first_derivative(f)(x)
    (d2,) = tg.grad(d1.sum(), [x])
    np.testing.assert_allclose(d2.data, f2(x_np), rtol=1e-9, atol=1e-12)
    assert tg.gradcheck(first_derivative(f), [leaf(x_np)])


@pytest.mark.parametrize("name", ["gelu", "softplus", "silu", "sin"])
def test_third_derivative(name):
    assert tg.gradcheck(first_derivative(first_derivative(SECOND[name][0])), [leaf([0.4, -1.3, 2.2])])


def _grad_of(f):
    return lambda t: tg.grad(f(t), [t], create_graph=True)[0]


@pytest.mark.parametrize("name", ["maximum", "minimum", "where"])
@FAST
@given(data=st.data())
def test_second_derivatives_of_selection(name, data):
    shape_a, shape_b = data.draw(broadcastable_pair(max_dims=2, max_side=3))
    a = data.draw(arrays(shape_a, -2, 2))
    b = data.draw(arrays(shape_b, -2, 2))
    while np.any(np.isclose(*np.broadcast_arrays(a, b), atol=1e-2)):
        b = b + 0.0371
    cond = np.broadcast_to(a, np.broadcast_shapes(a.shape, b.shape)) > 0
    op = {"maximum": tg.maximum, "minimum": tg.minimum,
          "where": lambda x, y: tg.where(cond, x, y)}[name]

    def grads(x, y):
        return tg.grad((op(x * x, y.sin()) ** 2).sum(), [x, y], create_graph=True)
    assert tg.gradcheck(grads, [leaf(a), leaf(b)])


@pytest.mark.parametrize("op", ["min", "prod", "var", "std", "logsumexp", "norm", "max_dim", "min_dim"])
@FAST
@given(data=st.data())
def test_second_derivatives_of_reductions(op, data):
    shape = data.draw(shapes(min_dims=1, max_dims=2, min_side=2, max_side=3))
    x = data.draw(distinct_arrays(shape, -2, 2, min_gap=0.05))
    dim = data.draw(single_axis(len(shape)))
    keep = data.draw(st.booleans())
    w = data.draw(arrays(shape, -1, 1))
    reduce = {
        "min": lambda t: t.min(axis=dim, keepdims=keep), "prod": lambda t: t.prod(dim=dim, keepdim=keep),
        "var": lambda t: t.var(dim=dim, keepdim=keep), "std": lambda t: t.std(dim=dim, keepdim=keep),
        "logsumexp": lambda t: t.logsumexp(dim=dim, keepdim=keep), "norm": lambda t: t.norm(dim=dim, keepdim=keep),
        "max_dim": lambda t: t.max(dim=dim, keepdim=keep).values, "min_dim": lambda t: t.min(dim=dim, keepdim=keep)[0],
    }[op]
    # t + t²/10 is increasing on [−2, 2]: distinct inputs stay distinct (no ties for max/min)
    f = lambda t: ((reduce(t + t * t * 0.1) ** 3) * float(1 + abs(w).sum())).sum()   # noqa: E731
    assert tg.gradcheck(_grad_of(f), [leaf(x)])


def test_prod_second_derivative_with_one_zero_per_slice():
    # ∂²Π/∂x_i∂x_k = Π_{j≠i,k} x_j, also where x_i = 0
    x = leaf([[0.0, 2.0, 3.0], [1.5, -1.0, 0.5]])
    assert tg.gradcheck(_grad_of(lambda t: (t.prod(dim=1) * Tensor([1.0, -2.0])).sum()), [x])
    (g,) = tg.grad(x.prod(), [x], create_graph=True)
    (h,) = tg.grad(g[0, 1], [x])   # ∂/∂x (Π_{j≠(0,1)} x_j)
    others = x.data.reshape(-1)
    expected = [np.prod(np.delete(others, [1, i])) if i != 1 else 0.0 for i in range(6)]
    np.testing.assert_allclose(h.data.reshape(-1), expected)


@pytest.mark.parametrize("name, f", [
    ("cat", lambda t: (tg.cat([t, t * t, t.sin()], dim=1) ** 2).sum()),
    ("stack", lambda t: (tg.stack([t, t * t], dim=-1) ** 3).sum()),
    ("split", lambda t: sum((p ** 3).sum() * (i + 1) for i, p in enumerate(t.split([1, 2], dim=1)))),
    ("chunk", lambda t: sum((p.sin() * p).sum() for p in t.chunk(2, dim=0))),
    ("narrow", lambda t: (t.narrow(1, 1, 2) ** 3).sum()),
    ("pad", lambda t: (F.pad(t, (1, 2, 0, 1), value=0.5) ** 3).softmax(dim=1).log().sum()),
    ("view_flatten", lambda t: (t.view(3, 2).flatten() ** 3).sum()),
    ("squeeze_unsqueeze", lambda t: (t.unsqueeze(0).unsqueeze(-1).squeeze() ** 3).sum()),
    ("expand", lambda t: (t[:1].expand(4, 3) * t.sum(dim=0)).pow(2).sum()),
    ("permute", lambda t: (t.unsqueeze(0).permute(2, 0, 1) @ t.unsqueeze(0)).tanh().sum()),
])
def test_second_derivatives_of_shape_and_join_ops(name, f):
    x = np.array([[0.3, -1.2, 0.8], [1.1, 0.45, -0.6]])
    assert tg.gradcheck(_grad_of(f), [leaf(x)])
