"""Elementwise ops: forward values against numpy, gradients by tg.gradcheck (float64 central
differences) with hypothesis-drawn broadcastable shapes — arithmetic with tensors, numbers and
arrays on either side, every unary function as method and as F.<name>, where/maximum/minimum —
and their values at the kinks and at extreme input (finite, silent)."""
import math

import numpy as np
import pytest
from conftest import check, leaf, np_sigmoid, strict_numpy
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import (
    arrays,
    broadcastable_pair,
    domain_arrays,
    positive_arrays,
    shapes,
)

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor

FAST = settings(max_examples=20, deadline=None)


# --- binary arithmetic with numpy broadcasting --------------------------------------------------


BINARY = {
    "add": (lambda a, b: a + b, np.add, {}),
    "sub": (lambda a, b: a - b, np.subtract, {}),
    "mul": (lambda a, b: a * b, np.multiply, {}),
    "div": (lambda a, b: a / b, np.divide, {"b_away": 0.5}),
    "pow": (lambda a, b: a ** b, np.power, {"a_positive": True}),
}


@pytest.mark.parametrize("op", list(BINARY))
@FAST
@given(data=st.data())
def test_binary_ops_broadcast(op, data):
    fn, ref, opts = BINARY[op]
    shape_a, shape_b = data.draw(broadcastable_pair())
    a = data.draw(positive_arrays(shape_a, 0.3, 2.0) if opts.get("a_positive") else arrays(shape_a))
    b = data.draw(arrays(shape_b, -2.0, 2.0, away_from_zero=opts.get("b_away", 0.0)))
    which = data.draw(st.sampled_from([(True, True), (True, False), (False, True)]))
    check(fn, ref(a, b), a, b, grads=which)


@pytest.mark.parametrize("op", list(BINARY))
def test_binary_ops_broadcast_gradient_is_reduced_to_each_shape(op):
    fn = BINARY[op][0]
    a, b = leaf(np.full((3, 1, 4), 1.5)), leaf(np.full((2, 1), 0.7))
    out = fn(a, b)
    assert out.shape == (3, 2, 4)
    out.sum().backward()
    assert a.grad.shape == (3, 1, 4) and b.grad.shape == (2, 1)


def test_add_gradient_sums_over_broadcast_axes_exactly():
    a, b = leaf(np.zeros((2, 3))), leaf(np.zeros(3))
    (a + b).sum().backward()
    np.testing.assert_array_equal(b.grad.data, [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(a.grad.data, np.ones((2, 3)))


@FAST
@given(shape=shapes(), p=st.sampled_from([2, 3, -1, -2, 0.5, 1.5, -0.5, 0, 1]), data=st.data())
def test_pow_scalar(shape, p, data):
    x = data.draw(positive_arrays(shape, 0.3, 3.0))
    check(lambda t: t ** p, x ** float(p), x)


@FAST
@given(shape=shapes(), data=st.data())
def test_pow_number_base(shape, data):
    x = data.draw(arrays(shape, -2, 2))
    check(lambda t: 2.5 ** t, 2.5 ** x, x)


def test_pow_zero_has_zero_gradient_even_at_zero():
    with np.errstate(all="raise"):
        x = leaf([0.0, 2.0])
        (x ** 0).sum().backward()
        np.testing.assert_array_equal(x.grad.data, [0.0, 0.0])


@FAST
@given(shape=shapes(), data=st.data())
def test_neg(shape, data):
    x = data.draw(arrays(shape))
    check(lambda t: -t, -x, x)


@pytest.mark.parametrize("fn, ref", [
    (lambda t: 3.0 - t, lambda x: 3.0 - x), (lambda t: 2.0 / t, lambda x: 2.0 / x),
    (lambda t: t - np.array([1.0]), lambda x: x - 1.0),
    (lambda t: np.full((2, 1, 1), 2.0) * t, lambda x: 2.0 * x * np.ones((2, 1, 1))),
])
def test_numbers_and_arrays_on_either_side_gradcheck(fn, ref):
    x = np.array([[0.7, 1.3, 2.1]])
    check(fn, ref(x), x)


# --- unary elementwise ops, as methods and as F.<name> -------------------------------------------



UNARY = {
    # name: (method, reference, domain)
    "exp": (lambda t: t.exp(), np.exp, "any"),
    "log": (lambda t: t.log(), np.log, "positive"),
    "sqrt": (lambda t: t.sqrt(), np.sqrt, "positive"),
    "abs": (lambda t: t.abs(), np.abs, "nonzero"),
    "sigmoid": (lambda t: t.sigmoid(), np_sigmoid, "any"),
    "tanh": (lambda t: t.tanh(), np.tanh, "any"),
    "relu": (lambda t: t.relu(), lambda x: np.maximum(x, 0), "nonzero"),
    "leaky_relu": (lambda t: t.leaky_relu(), lambda x: np.where(x > 0, x, 0.01 * x), "nonzero"),
}


@pytest.mark.parametrize("name", list(UNARY))
@FAST
@given(shape=shapes(), data=st.data())
def test_unary_method(name, shape, data):
    method, ref, domain = UNARY[name]
    x = data.draw(domain_arrays(shape, domain, bound=3.0, positive=(0.2, 4.0)))
    check(method, ref(x), x)


@pytest.mark.parametrize("name", list(UNARY))
def test_unary_functional_matches_method(name):
    method, ref, domain = UNARY[name]
    x = np.array([[0.3, -1.2, 2.0], [1.1, -0.4, 0.8]])
    if domain == "positive":
        x = np.abs(x)
    check(getattr(F, name), ref(x), x)
    np.testing.assert_array_equal(getattr(F, name)(Tensor(x)).data, method(Tensor(x)).data)


@FAST
@given(shape=shapes(), slope=st.sampled_from([0.0, 0.01, 0.2, 1.0, 2.0]), data=st.data())
def test_leaky_relu_slope(shape, slope, data):
    x = data.draw(arrays(shape, away_from_zero=0.05))
    expected = np.where(x > 0, x, slope * x)
    check(lambda t: t.leaky_relu(slope), expected, x)
    check(lambda t: t.leaky_relu(negative_slope=slope), expected, x)
    check(lambda t: F.leaky_relu(t, negative_slope=slope), expected, x)
    check(lambda t: F.leaky_relu(t, slope), expected, x)


def test_relu_and_abs_gradient_at_exactly_zero_is_zero_like_pytorch():
    x = leaf([0.0, -1.0, 2.0])
    x.relu().sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 1.0])
    y = leaf([0.0, -1.0, 2.0])
    y.abs().sum().backward()
    np.testing.assert_array_equal(y.grad.data, [0.0, -1.0, 1.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_finite_and_silent_at_plus_minus_1000(dtype):
    with strict_numpy():
        x = Tensor(np.array([-1000.0, -100.0, 0.0, 100.0, 1000.0], dtype=dtype), requires_grad=True)
        s = x.sigmoid()
        assert np.all(np.isfinite(s.data))
        np.testing.assert_allclose(s.data, [0.0, 0.0, 0.5, 1.0, 1.0], atol=1e-30)
        s.sum().backward()
        assert np.all(np.isfinite(x.grad.data))
        np.testing.assert_allclose(x.grad.data[[0, 4]], 0.0, atol=1e-30)
        assert np.all(np.isfinite(F.sigmoid(x).data))


def test_tanh_is_finite_at_extremes():
    with strict_numpy():
        x = leaf([-1000.0, 1000.0])
        x.tanh().sum().backward()
        np.testing.assert_array_equal(x.tanh().data, [-1.0, 1.0])
        np.testing.assert_array_equal(x.grad.data, [0.0, 0.0])


def _np_erf(x):
    return np.vectorize(math.erf)(x)


SMOOTH_UNARY = {
    # name: (method, reference, low, high)
    "sin": (lambda t: t.sin(), np.sin, -4, 4),
    "cos": (lambda t: t.cos(), np.cos, -4, 4),
    "log1p": (lambda t: t.log1p(), np.log1p, -0.8, 4),
    "softplus": (lambda t: t.softplus(), lambda x: np.log1p(np.exp(x)), -6, 6),
    "softplus_beta": (lambda t: t.softplus(beta=2.0, threshold=5.0),
                      lambda x: np.where(2 * x > 5, x, np.log1p(np.exp(2 * x)) / 2), -6, 6),
    "gelu": (lambda t: t.gelu(), lambda x: 0.5 * x * (1 + _np_erf(x / np.sqrt(2))), -5, 5),
    "gelu_tanh": (lambda t: t.gelu(approximate="tanh"),
                  lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3))), -5, 5),
    "silu": (lambda t: t.silu(), lambda x: x * np_sigmoid(x), -6, 6),
    "elu": (lambda t: t.elu(), lambda x: np.where(x > 0, x, np.expm1(x)), -4, 4),
    "elu_alpha": (lambda t: t.elu(alpha=0.3), lambda x: np.where(x > 0, x, 0.3 * np.expm1(x)), -4, 4),
    "pow_method": (lambda t: (t * t + 0.5).pow(1.5), lambda x: (x * x + 0.5) ** 1.5, -3, 3),
}


@pytest.mark.parametrize("name", list(SMOOTH_UNARY))
@FAST
@given(shape=shapes(), data=st.data())
def test_smooth_unary_method(name, shape, data):
    method, ref, low, high = SMOOTH_UNARY[name]
    # away from 0: softplus's threshold, elu's kink; the others are smooth there anyway
    x = data.draw(arrays(shape, low, high, away_from_zero=0.05))
    check(method, ref(x), x)


@pytest.mark.parametrize("name", ["sin", "cos", "log1p", "softplus", "gelu", "silu", "elu", "sign"])
def test_smooth_unary_functional_forms_match_the_methods(name):
    x = np.array([[0.3, -0.7, 2.0], [1.1, -0.4, 0.8]])
    np.testing.assert_array_equal(getattr(F, name)(Tensor(x)).data, getattr(Tensor(x), name)().data)
    np.testing.assert_array_equal(F.elu(Tensor(x), 0.5).data, Tensor(x).elu(0.5).data)
    np.testing.assert_array_equal(F.softplus(Tensor(x), beta=3).data, Tensor(x).softplus(3).data)


def test_sign_values_and_zero_gradient():
    x = leaf([-2.0, 0.0, 3.0])
    y = x.sign()
    np.testing.assert_array_equal(y.data, [-1, 0, 1])
    (y * 5).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 0.0])
    assert y.grad_fn.name == "sign"


def test_softplus_is_linear_above_the_threshold():
    x = leaf([19.0, 21.0, 1e4, -1e4])
    y = x.softplus()
    np.testing.assert_array_equal(y.data[1:3], [21.0, 1e4])
    assert y.data[3] == 0.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data[1:3], [1.0, 1.0])


# --- where, maximum, minimum -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["where", "maximum", "minimum"])
@FAST
@given(data=st.data())
def test_binary_selection_broadcasts(name, data):
    shape_a, shape_b = data.draw(broadcastable_pair())
    a = data.draw(arrays(shape_a))
    b = data.draw(arrays(shape_b))
    # no ties: finite differences of max/min at a tie have no single value
    while np.any(np.isclose(*np.broadcast_arrays(a, b), atol=1e-3)):
        b = b + 0.0123
    which = data.draw(st.sampled_from([(True, True), (True, False), (False, True)]))
    if name == "where":
        cond = data.draw(arrays(np.broadcast_shapes(shape_a, shape_b), -1, 1)) > 0
        check(lambda x, y: tg.where(cond, x, y), np.where(cond, a, b), a, b, grads=which)
        check(lambda x, y: tg.where(Tensor(cond, dtype=bool), x, y), np.where(cond, a, b), a, b, grads=which)
    else:
        ref = getattr(np, name)(a, b)
        check(lambda x, y: getattr(tg, name)(x, y), ref, a, b, grads=which)


def test_where_maximum_minimum_take_numbers():
    x = leaf([-1.0, 2.0])
    check(lambda t: tg.where(t > 0, t, 0.0), [0.0, 2.0], [-1.0, 2.0])
    check(lambda t: tg.maximum(t, 0.5), [0.5, 2.0], [-1.0, 2.0])
    check(lambda t: tg.minimum(1.0, t), [-1.0, 1.0], [-1.0, 2.0])
    assert tg.where(x > 0, x, 0.0).dtype == np.float64


def test_maximum_minimum_ties_split_the_gradient_in_half():
    a, b = leaf([2.0, 2.0, 3.0]), leaf([2.0, 1.0, 3.0])
    tg.maximum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [0.5, 1.0, 0.5])
    np.testing.assert_array_equal(b.grad.data, [0.5, 0.0, 0.5])
    a, b = leaf([2.0, 2.0]), leaf([2.0, 5.0])
    tg.minimum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [0.5, 1.0])
    np.testing.assert_array_equal(b.grad.data, [0.5, 0.0])
