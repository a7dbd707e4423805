"""Elementwise ops against PyTorch (float64, same inputs, same upstream gradient): values and
gradients of the arithmetic operators with tensors, numbers and arrays on either side, of every
unary function and of where/maximum/minimum; and the edges where PyTorch picks a value by rule —
powers with base 0, log/sqrt/div at 0, erfc to full precision (skipped when torch is absent)."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, broadcastable_pair, positive_arrays, shapes

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor

torch = pytest.importorskip("torch")
from torch_compare import compare  # noqa: E402  (after the skip)

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



SMOOTH_UNARY = [
    ("sin", lambda t: t.sin(), torch.sin, -5, 5),
    ("cos", lambda t: t.cos(), torch.cos, -5, 5),
    ("log1p", lambda t: t.log1p(), torch.log1p, -0.9, 5),
    ("sign", lambda t: t.sign(), torch.sign, -3, 3),
    ("softplus", lambda t: t.softplus(), TF.softplus, -30, 30),
    ("softplus_beta", lambda t: F.softplus(t, beta=2, threshold=4),
     lambda t: TF.softplus(t, beta=2, threshold=4), -5, 5),
    ("gelu", lambda t: t.gelu(), TF.gelu, -10, 10),
    ("gelu_tanh", lambda t: F.gelu(t, approximate="tanh"), lambda t: TF.gelu(t, approximate="tanh"), -10, 10),
    ("silu", lambda t: t.silu(), TF.silu, -30, 30),
    ("elu", lambda t: t.elu(), TF.elu, -10, 10),
    ("elu_alpha", lambda t: F.elu(t, 0.4), lambda t: TF.elu(t, 0.4), -10, 10),
    ("pow", lambda t: t.abs().pow(2.5), lambda t: t.abs().pow(2.5), -3, 3),
]



@pytest.mark.parametrize("name, ours, theirs, low, high", SMOOTH_UNARY)
@FAST
@given(shape=shapes(), data=st.data())
def test_smooth_unary_ops(name, ours, theirs, low, high, shape, data):
    compare(ours, theirs, data.draw(arrays(shape, low, high)))


@pytest.mark.parametrize("name, ours, theirs, low, high", SMOOTH_UNARY)
def test_smooth_unary_ops_at_zero_and_extremes(name, ours, theirs, low, high):
    x = np.array([0.0, -0.0, 1e-8, -1e-8, 20.0, 21.0, -40.0, 1e4, -1e4])
    if name == "log1p":
        x = np.abs(x)
    compare(ours, theirs, x)



@pytest.mark.parametrize("name", ["where", "maximum", "minimum"])
@FAST
@given(data=st.data())
def test_selection(name, data):
    shape_a, shape_b = data.draw(broadcastable_pair())
    # rounded values: ties are likely, and PyTorch's half-and-half split must be matched
    a, b = data.draw(arrays(shape_a, -2, 2)).round(), data.draw(arrays(shape_b, -2, 2)).round()
    if name == "where":
        cond = data.draw(arrays(np.broadcast_shapes(shape_a, shape_b), -1, 1)) > 0
        compare(lambda x, y: tg.where(cond, x, y), lambda x, y: torch.where(torch.tensor(cond), x, y), a, b)
    else:
        compare(getattr(tg, name), getattr(torch, name), a, b)


def test_power_with_base_zero():
    # 0 ** x: d/dx = 0ˣ·ln 0 is 0·(−∞); PyTorch (and we) give 0 for x ≥ 0
    compare(lambda x: 0.0 ** x, lambda x: 0.0 ** x, np.array([1.0, 2.0, 0.0]))
    # a ** b at a = 0: b = 2, 0, 1, 0.5 (∂a = ∞ there, as PyTorch), −1 (both −∞ / ∞)
    with np.errstate(divide="ignore", invalid="ignore"):
        compare(lambda a, b: a ** b, lambda a, b: a ** b, np.zeros(5), np.array([2.0, 0.0, 1.0, 0.5, -1.0]))
        compare(lambda a, b: a ** b, lambda a, b: a ** b, np.array([0.0, 2.0, -1.5]), np.array([0.0, 0.0, 2.0]))
    a, b = Tensor([0.0], requires_grad=True), Tensor([2.0], requires_grad=True)
    (a ** b).sum().backward()
    np.testing.assert_array_equal(b.grad.data, [0.0])
    a, b = Tensor([0.0], requires_grad=True), Tensor([0.0], requires_grad=True)
    (a ** b).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [0.0])
    np.testing.assert_array_equal(b.grad.data, [0.0])


def test_number_powers_at_zero():
    with np.errstate(divide="ignore"):
        for p in (0, 1, 2, 3, 0.5, 1.5, -1):
            compare(lambda t: t ** p, lambda t: t ** p, np.array([0.0, 1.0, 2.0]))


def test_log_sqrt_div_at_zero_give_pytorchs_infinities():
    with np.errstate(divide="ignore", invalid="ignore"):
        compare(lambda t: t.log(), torch.log, np.array([0.0, 1.0]))
        compare(lambda t: t.sqrt(), torch.sqrt, np.array([0.0, 4.0]))
        compare(lambda t: t.log1p(), torch.log1p, np.array([-1.0, 0.0]))
        compare(lambda a, b: a / b, lambda a, b: a / b, np.array([1.0, -1.0, 2.0]), np.array([0.0, 0.0, 4.0]))
        compare(lambda a, b: a / b, lambda a, b: a / b, np.array([0.0]), np.array([0.0]))   # 0/0: NaN in both


def test_erfc_matches_math_erfc():
    from tinygrad_edu.ops._numerics import erfc
    x = np.concatenate([np.linspace(-7, 7, 4001), np.linspace(-27, 27, 541), [0.0, 1.999999, 2.0, 2.000001]])
    ref = np.array([math.erfc(v) for v in x])
    rel = np.abs(erfc(x) - ref) / ref
    assert rel.max() < 1e-12, (rel.max(), x[rel.argmax()])
    gelu_x = np.linspace(-8, 8, 801)
    np.testing.assert_allclose(Tensor(gelu_x).gelu().data, TF.gelu(torch.tensor(gelu_x)).numpy(),
                               rtol=1e-12, atol=1e-15)

