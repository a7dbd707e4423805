"""Second (and third) derivatives of the elementwise and binary ops: against the textbook
formula f'' and by gradcheck of tg.grad(create_graph=True), with hypothesis-drawn inputs; mixed
second derivatives of the binary ops with broadcasting, and of where/maximum/minimum."""
import math

import numpy as np
import pytest
from conftest import leaf, np_sigmoid
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, broadcastable_pair, domain_arrays, positive_arrays, shapes

import tinygrad_edu as tg
import tinygrad_edu.functional as F

FAST = settings(max_examples=10, deadline=None)


def first_derivative(f):
    """x -> f'(x) elementwise, itself differentiable."""
    return lambda x: tg.grad(f(x).sum(), [x], create_graph=True)[0]




def _pdf(x):
    return np.exp(-x * x / 2) / math.sqrt(2 * math.pi)



# name: (f, f'', domain)
SECOND = {
    "exp": (lambda t: t.exp(), np.exp, "any"),
    "log": (lambda t: t.log(), lambda x: -1 / x ** 2, "positive"),
    "sqrt": (lambda t: t.sqrt(), lambda x: -0.25 * x ** -1.5, "positive"),
    "abs": (lambda t: t.abs(), np.zeros_like, "nonzero"),
    "sigmoid": (lambda t: t.sigmoid(), lambda x: np_sigmoid(x) * (1 - np_sigmoid(x)) * (1 - 2 * np_sigmoid(x)), "any"),
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
    "f_sigmoid": (F.sigmoid, lambda x: np_sigmoid(x) * (1 - np_sigmoid(x)) * (1 - 2 * np_sigmoid(x)), "any"),
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



# name: (f, f'', low, high)
SMOOTH_SECOND = {
    "sin": (lambda t: t.sin(), lambda x: -np.sin(x), -4, 4),
    "cos": (lambda t: t.cos(), lambda x: -np.cos(x), -4, 4),
    "log1p": (lambda t: t.log1p(), lambda x: -1 / (1 + x) ** 2, -0.7, 3),
    "softplus": (lambda t: t.softplus(), lambda x: np_sigmoid(x) * (1 - np_sigmoid(x)), -6, 6),
    "gelu": (lambda t: t.gelu(), lambda x: _pdf(x) * (2 - x * x), -5, 5),
    "silu": (lambda t: t.silu(),
             lambda x: np_sigmoid(x) * (1 - np_sigmoid(x)) * (2 + x * (1 - 2 * np_sigmoid(x))), -6, 6),
    "elu": (lambda t: t.elu(0.5), lambda x: np.where(x > 0, 0.0, 0.5 * np.exp(x)), -3, 3),
    "sign": (lambda t: t.sign(), np.zeros_like, -3, 3),
    "pow": (lambda t: (t * t + 1).pow(1.5), lambda x: 3 * (1 + x * x) ** 0.5 + 3 * x * x * (1 + x * x) ** -0.5, -2, 2),
}



@pytest.mark.parametrize("name", list(SMOOTH_SECOND))
@FAST
@given(shape=shapes(max_dims=2), data=st.data())
def test_second_derivative_of_smooth_activation(name, shape, data):
    f, f2, low, high = SMOOTH_SECOND[name]
    x_np = data.draw(arrays(shape, low, high, away_from_zero=0.05))
    x = leaf(x_np)
    d1 = first_derivative(f)(x)
    (d2,) = tg.grad(d1.sum(), [x])
    np.testing.assert_allclose(d2.data, f2(x_np), rtol=1e-9, atol=1e-12)
    assert tg.gradcheck(first_derivative(f), [leaf(x_np)])


@pytest.mark.parametrize("name", ["gelu", "softplus", "silu", "sin"])
def test_third_derivative_of_smooth_activation(name):
    assert tg.gradcheck(first_derivative(first_derivative(SMOOTH_SECOND[name][0])), [leaf([0.4, -1.3, 2.2])])



def test_second_derivative_via_backward_create_graph():
    x = leaf([0.5, -1.0])
    (x.tanh() * x).sum().backward(create_graph=True)
    g = x.grad
    (h,) = tg.grad(g.sum(), [x])
    t = np.tanh(x.data)
    # d²/dx² [x tanh x] = 2(1 − t²) − 2x t(1 − t²)
    np.testing.assert_allclose(h.data, 2 * (1 - t ** 2) - 2 * x.data * t * (1 - t ** 2))


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

