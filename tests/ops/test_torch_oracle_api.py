"""The ops added for the PyTorch-style API against PyTorch (float64, same inputs, same upstream
gradient): values and every input's gradient, second derivatives, and the edges where PyTorch
picks a value by rule — powers with base 0, log/sqrt/div at 0, ties of max/min/maximum, prod
with zeros, std of a constant, norm of zeros."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, broadcastable_pair, shapes, single_axis

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor

torch = pytest.importorskip("torch")
from torch_compare import compare, compare_second_derivatives  # noqa: E402  (after the skip)

TF = torch.nn.functional

FAST = settings(max_examples=15, deadline=None)


UNARY = [
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


@pytest.mark.parametrize("name, ours, theirs, low, high", UNARY)
@FAST
@given(shape=shapes(), data=st.data())
def test_unary(name, ours, theirs, low, high, shape, data):
    compare(ours, theirs, data.draw(arrays(shape, low, high)))


@pytest.mark.parametrize("name, ours, theirs, low, high", UNARY)
def test_unary_at_zero_and_extremes(name, ours, theirs, low, high):
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


REDUCTIONS = {
    "sum": (lambda t, d, k: t.sum(dim=d, keepdim=k), lambda t, d, k: t.sum(dim=d, keepdim=k)),
    "mean": (lambda t, d, k: t.mean(dim=d, keepdim=k), lambda t, d, k: t.mean(dim=d, keepdim=k)),
    "amax": (lambda t, d, k: t.max(axis=d, keepdim=k), lambda t, d, k: t.amax(dim=d, keepdim=k)),
    "amin": (lambda t, d, k: t.min(axis=d, keepdims=k), lambda t, d, k: t.amin(dim=d, keepdim=k)),
    "prod": (lambda t, d, k: t.prod(dim=d, keepdim=k), lambda t, d, k: t.prod(dim=d, keepdim=k)),
    "var": (lambda t, d, k: t.var(dim=d, keepdim=k), lambda t, d, k: t.var(dim=d, keepdim=k)),
    "var0": (lambda t, d, k: t.var(dim=d, correction=0, keepdim=k),
             lambda t, d, k: t.var(dim=d, correction=0, keepdim=k)),
    "std": (lambda t, d, k: t.std(dim=d, keepdim=k), lambda t, d, k: t.std(dim=d, keepdim=k)),
    "logsumexp": (lambda t, d, k: t.logsumexp(dim=d, keepdim=k), lambda t, d, k: t.logsumexp(dim=d, keepdim=k)),
    "norm": (lambda t, d, k: t.norm(dim=d, keepdim=k), lambda t, d, k: t.norm(dim=d, keepdim=k)),
}


@pytest.mark.parametrize("name", list(REDUCTIONS))
@FAST
@given(data=st.data())
def test_reductions_with_dim(name, data):
    shape = data.draw(shapes(min_dims=1, min_side=2))
    dim = data.draw(single_axis(len(shape)))
    keep = data.draw(st.booleans())
    # (norm: PyTorch's √Σx² underflows to 0 for |x| ~ 1e−163, where ours is scaled and exact)
    x = data.draw(arrays(shape, -2, 2, away_from_zero=1e-3 if name == "norm" else 0.0))
    if name in ("amax", "amin", "prod"):
        x = x.round()     # ties and zeros: PyTorch's rules for both
    if name == "std":
        # a constant slice is std's kink: PyTorch's own gradient there is rounding noise (its
        # std is 0 or ~1e-16 depending on the reduction); test_ties_and_zeros pins the exact case
        x = x + np.arange(x.size).reshape(x.shape) * 0.1
    ours, theirs = REDUCTIONS[name]
    compare(lambda t: ours(t, dim, keep), lambda t: theirs(t, dim, keep), x)
    if name not in ("logsumexp",):     # torch.logsumexp needs a dim
        full = (lambda t: getattr(t, name)()) if name in ("sum", "mean", "prod", "var", "std", "norm") else None
        if full is not None:
            compare(full, full, x)


@pytest.mark.parametrize("op", ["max", "min"])
def test_full_max_min_and_dim_forms_with_ties(op):
    x = np.array([[1.0, 3.0, 3.0], [1.0, 1.0, 0.0]])
    compare(lambda t: getattr(t, op)(), lambda t: getattr(t, op)(), x)        # ties share
    compare(lambda t: getattr(t, op)(dim=1).values, lambda t: getattr(t, op)(dim=1).values, x)  # to the index
    compare(lambda t: getattr(t, op)(dim=0, keepdim=True)[0], lambda t: getattr(t, op)(dim=0, keepdim=True)[0], x)
    ours, theirs = getattr(Tensor(x), op)(dim=1), getattr(torch.tensor(x), op)(dim=1)
    np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())


def test_argmax_argmin_match_torch():
    x = np.array([[1.0, 3.0, 3.0], [2.0, -1.0, 2.0]])
    for op in ("argmax", "argmin"):
        for dim in (None, 0, 1, -1):
            for keep in (False, True):
                ours = getattr(Tensor(x), op)(dim=dim, keepdim=keep)
                theirs = getattr(torch.tensor(x), op)(dim=dim, keepdim=keep)
                np.testing.assert_array_equal(ours.data, theirs.numpy())
                assert ours.shape == tuple(theirs.shape)


# --- shape ops and joins ------------------------------------------------------------------------------

def test_shape_ops():
    x = np.arange(24.0).reshape(2, 1, 3, 4) / 7
    for ours, theirs in [
        (lambda t: t.view(6, 4), lambda t: t.view(6, 4)), (lambda t: t.flatten(1), lambda t: t.flatten(1)),
        (lambda t: t.flatten(1, 2), lambda t: t.flatten(1, 2)), (lambda t: t.squeeze(), lambda t: t.squeeze()),
        (lambda t: t.squeeze(1), lambda t: t.squeeze(1)), (lambda t: t.squeeze(0), lambda t: t.squeeze(0)),
        (lambda t: t.unsqueeze(-1), lambda t: t.unsqueeze(-1)), (lambda t: t.unsqueeze(0), lambda t: t.unsqueeze(0)),
        (lambda t: t.expand(5, 2, 2, 3, 4), lambda t: t.expand(5, 2, 2, 3, 4)),
        (lambda t: t.expand(-1, 3, -1, -1), lambda t: t.expand(-1, 3, -1, -1)),
        (lambda t: t.permute(3, 1, 0, 2), lambda t: t.permute(3, 1, 0, 2)),
        (lambda t: t.permute(-1, 0, 1, 2), lambda t: t.permute(-1, 0, 1, 2)),
        (lambda t: t.narrow(3, 1, 2), lambda t: t.narrow(3, 1, 2)),
        (lambda t: F.pad(t, (1, 2, 0, 1), value=0.5), lambda t: TF.pad(t, (1, 2, 0, 1), value=0.5)),
        (lambda t: F.pad(t, (0, 0, 0, 0, 2, 0)), lambda t: TF.pad(t, (0, 0, 0, 0, 2, 0))),
    ]:
        compare(ours, theirs, x)


@pytest.mark.parametrize("sizes, dim", [(2, 0), (1, 2), ([1, 2], 2), (3, -1), ([4, 0], 3), (5, 3)])
def test_split_and_chunk(sizes, dim):
    x = np.arange(24.0).reshape(2, 1, 3, 4) / 7
    w = [np.random.default_rng(i).uniform(-1, 1, 24) for i in range(5)]

    def weigh(pieces, make):
        return sum((p * make(w[i][:int(np.prod(p.shape))].reshape(tuple(p.shape)))).sum() for i, p in enumerate(pieces))
    compare(lambda t: weigh(t.split(sizes, dim), Tensor), lambda t: weigh(t.split(sizes, dim), torch.tensor), x)
    n = sizes if isinstance(sizes, int) else 2
    compare(lambda t: weigh(t.chunk(n, dim), Tensor), lambda t: weigh(t.chunk(n, dim), torch.tensor), x)
    assert [p.shape for p in Tensor(x).chunk(n, dim)] == [tuple(p.shape) for p in torch.tensor(x).chunk(n, dim)]


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cat_and_stack(dim):
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    compare(lambda x, y: tg.cat([x, y * 2, x], dim=dim), lambda x, y: torch.cat([x, y * 2, x], dim=dim), a, b)
    compare(lambda x, y: tg.stack([x, y], dim=dim), lambda x, y: torch.stack([x, y], dim=dim), a, b)
    compare(lambda x, y: tg.stack((x, y), dim=2), lambda x, y: torch.stack((x, y), dim=2), a, b)


def test_creation_matches_torch():
    for args in [(5,), (2, 9), (2, 9, 3), (0, 1, 0.1), (1.5, 4), (5, 0, -1), (0, -3, -0.5)]:
        ours, theirs = tg.arange(*args), torch.arange(*args)
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-6)
        assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_allclose(tg.linspace(-1, 2, 7).data, torch.linspace(-1, 2, 7).numpy(), rtol=1e-6)
    for data in ([1, 2], [1.0, 2], 3, 2.5, [True], [[1, 2], [3, 4]]):
        assert str(tg.tensor(data).dtype) == str(torch.tensor(data).dtype).removeprefix("torch.")
    for fill in (3, 2.5, True):
        assert str(tg.full((2,), fill).dtype) == str(torch.full((2,), fill).dtype).removeprefix("torch.")


# --- the edges: PyTorch's value at points where the formula is 0·∞ or a tie --------------------------

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


def test_ties_and_zeros():
    x = np.array([[2.0, 2.0, 1.0], [0.0, 0.0, 0.0]])
    compare(lambda t: t.max(), lambda t: t.max(), x)
    compare(lambda t: t.max(axis=1), lambda t: t.amax(dim=1), x)
    compare(lambda t: t.min(dim=0).values, lambda t: t.min(dim=0).values, x)
    compare(lambda t: tg.maximum(t, t.detach()), lambda t: torch.maximum(t, t.detach()), x)
    compare(lambda t: t.prod(dim=1), lambda t: t.prod(dim=1),
            np.array([[0.0, 2.0, 3.0], [0.0, 0.0, 5.0], [1.0, 2.0, 3.0]]))
    compare(lambda t: t.prod(), lambda t: t.prod(), np.array([0.0, 2.0, 3.0]))
    compare(lambda t: t.std(dim=1), lambda t: t.std(dim=1), np.array([[1.0, 1.0, 1.0], [1.0, 2.0, 4.0]]))
    compare(lambda t: t.norm(), lambda t: t.norm(), np.zeros(3))
    compare(lambda t: t.abs(), lambda t: t.abs(), np.array([0.0, -0.0]))
    compare(lambda t: t.relu(), lambda t: t.relu(), np.array([0.0]))
    compare(lambda t: t.elu(), TF.elu, np.array([0.0]))
    compare(lambda t: t.clip(0.0, 1.0), lambda t: t.clamp(0.0, 1.0), np.array([0.0, 1.0, 0.5]))


# --- erf accuracy, GELU second derivatives ---------------------------------------------------------------

def test_erfc_matches_math_erfc():
    from tinygrad_edu.ops._numerics import erfc
    x = np.concatenate([np.linspace(-7, 7, 4001), np.linspace(-27, 27, 541), [0.0, 1.999999, 2.0, 2.000001]])
    ref = np.array([math.erfc(v) for v in x])
    rel = np.abs(erfc(x) - ref) / ref
    assert rel.max() < 1e-12, (rel.max(), x[rel.argmax()])
    gelu_x = np.linspace(-8, 8, 801)
    np.testing.assert_allclose(Tensor(gelu_x).gelu().data, TF.gelu(torch.tensor(gelu_x)).numpy(),
                               rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name, ours, theirs", [
    ("sin", lambda t: t.sin(), torch.sin), ("cos", lambda t: t.cos(), torch.cos),
    ("log1p", lambda t: (t * t).log1p(), lambda t: (t * t).log1p()),
    ("softplus", lambda t: t.softplus(), TF.softplus), ("gelu", lambda t: t.gelu(), TF.gelu),
    ("silu", lambda t: t.silu(), TF.silu), ("elu", lambda t: t.elu(0.7), lambda t: TF.elu(t, 0.7)),
    ("maximum", lambda t: tg.maximum(t, t * t), lambda t: torch.maximum(t, t * t)),
    ("where", lambda t: tg.where(t.data > 0, t * t, t.sin()), lambda t: torch.where(t > 0, t * t, t.sin())),
    ("prod", lambda t: t.prod() * t, lambda t: t.prod() * t),
    ("var", lambda t: t.var() * t, lambda t: t.var() * t), ("std", lambda t: t.std() * t, lambda t: t.std() * t),
    ("logsumexp", lambda t: t.logsumexp(0) * t, lambda t: t.logsumexp(0) * t),
    ("norm", lambda t: t.norm() * t, lambda t: t.norm() * t),
    ("min", lambda t: t.min() * t, lambda t: t.min() * t),
    ("cat", lambda t: tg.cat([t, t * t]) * tg.cat([t * t, t]), lambda t: torch.cat([t, t * t]) * torch.cat([t * t, t])),
    ("stack", lambda t: tg.stack([t, t.sin()]).prod(dim=0), lambda t: torch.stack([t, t.sin()]).prod(dim=0)),
    ("split", lambda t: t.split(2)[0].sum() * t.split(2)[1].sum() * t,
     lambda t: t.split(2)[0].sum() * t.split(2)[1].sum() * t),
    ("pad", lambda t: F.pad(t * t, (1, 1)).softmax(0), lambda t: TF.pad(t * t, (1, 1)).softmax(0)),
])
def test_second_derivatives_match_torch(name, ours, theirs):
    compare_second_derivatives(ours, theirs)
