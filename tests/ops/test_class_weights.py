"""`weight=` (per-class rescaling, shape (C,)) of F.cross_entropy, F.nll_loss, nn.CrossEntropyLoss
and nn.NLLLoss, as PyTorch: reduction='mean' divides class-index losses by Σ_i weight[target_i]
(class probabilities: by N). Finite differences in float64 with hypothesis-drawn shapes (first
and second derivatives), PyTorch (values and gradients), and bad input."""
import numpy as np
import pytest
from conftest import leaf, strict_numpy
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, nn
from tinygrad_edu.viz.templates import values_of

FAST = settings(max_examples=25, deadline=None)
REDUCTIONS = ["mean", "sum", "none"]


@st.composite
def weighted_cases(draw, probabilities=None):
    """(logits (N, C), target, weight (C,), reduction): class indices or probabilities; weights
    in [0.1, 3] (some 0 when the drawn targets still have a positive total)."""
    n, c = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    logits = draw(arrays((n, c), -4, 4))
    weight = draw(arrays((c,), 0.1, 3.0))
    probs = draw(st.booleans()) if probabilities is None else probabilities
    if probs:
        target = draw(arrays((n, c), 0.05, 1.0))
        target = target / target.sum(axis=1, keepdims=True)
    else:
        target = np.array(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
        unused = np.setdiff1d(np.arange(c), target)
        if unused.size and draw(st.booleans()):
            weight[unused[0]] = 0.0        # a class nobody has: any weight, even 0, is fine
    return logits, target, weight, draw(st.sampled_from(REDUCTIONS))


def log_softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


# --- the mean's denominator ------------------------------------------------------------------

def test_weighted_mean_divides_by_the_targets_total_weight_not_n():
    z = np.array([[2.0, 0.0, -1.0], [0.5, 0.5, 0.5], [-1.0, 3.0, 0.0], [0.0, 0.0, 4.0]])
    y, w = np.array([0, 2, 2, 1]), np.array([0.5, 2.0, 3.0])
    each = -log_softmax(z)[np.arange(4), y] * w[y]
    for loss in (F.cross_entropy(Tensor(z), y, weight=w), F.nll_loss(Tensor(log_softmax(z)), y, weight=w),
                 nn.CrossEntropyLoss(weight=w)(Tensor(z), y), nn.NLLLoss(w)(Tensor(log_softmax(z)), y)):
        np.testing.assert_allclose(loss.item(), each.sum() / w[y].sum(), rtol=1e-6)
        assert abs(loss.item() - each.sum() / 4) > 0.1
    np.testing.assert_allclose(F.cross_entropy(Tensor(z), y, weight=w, reduction="sum").item(), each.sum(), rtol=1e-6)
    np.testing.assert_allclose(F.cross_entropy(Tensor(z), y, weight=w, reduction="none").data, each, rtol=1e-6)


def test_weighted_mean_of_probability_targets_divides_by_n():
    z, w = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]]), np.array([2.0, 0.5])
    probs = np.array([[0.7, 0.3], [0.2, 0.8], [0.5, 0.5]])
    each = -(w * probs * log_softmax(z)).sum(axis=1)
    np.testing.assert_allclose(F.cross_entropy(Tensor(z), probs, weight=w).item(), each.mean(), rtol=1e-6)


def test_unit_weights_change_nothing():
    rng = np.random.default_rng(0)
    z, y = rng.normal(size=(5, 3)), rng.integers(0, 3, 5)
    for reduction in REDUCTIONS:
        a, b = leaf(z), leaf(z)
        la, lb = F.cross_entropy(a, y, reduction), F.cross_entropy(b, y, reduction, weight=np.ones(3))
        np.testing.assert_allclose(la.data, lb.data, rtol=1e-12)
        la.sum().backward()
        lb.sum().backward()
        np.testing.assert_allclose(a.grad.data, b.grad.data, rtol=1e-12)


def test_a_zero_total_weight_is_nan_as_pytorch_without_a_numpy_warning():
    z, y, w = leaf(np.zeros((2, 3))), np.array([0, 1]), np.array([0.0, 0.0, 1.0])
    with strict_numpy():
        loss = F.cross_entropy(z, y, weight=w)
        loss.backward()
        assert np.isnan(loss.item()) and np.isnan(z.grad.data).all()
        lp = leaf(np.zeros((2, 3)))
        nll = F.nll_loss(lp, y, weight=w)
        nll.backward()
        assert np.isnan(nll.item()) and np.isnan(lp.grad.data[np.arange(2), y]).all()
        assert F.cross_entropy(z, y, weight=w, reduction="sum").item() == 0.0


# --- finite differences, float64 -------------------------------------------------------------

@FAST
@given(weighted_cases())
def test_weighted_cross_entropy_gradient_matches_finite_differences(case):
    z, target, w, reduction = case
    inputs = [leaf(z)] + ([leaf(target)] if target.ndim == 2 else [])

    def loss(z, *probs):
        return F.cross_entropy(z, probs[0] if probs else target, reduction=reduction, weight=w)
    assert tg.gradcheck(loss, inputs)


@FAST
@given(weighted_cases(probabilities=False))
def test_weighted_nll_loss_gradient_matches_finite_differences(case):
    z, target, w, reduction = case
    assert tg.gradcheck(lambda lp: F.nll_loss(lp, target, reduction=reduction, weight=w), [leaf(log_softmax(z))])


@FAST
@given(weighted_cases())
def test_weighted_cross_entropy_second_derivatives_match_finite_differences(case):
    z, target, w, reduction = case
    inputs = [leaf(z)] + ([leaf(target)] if target.ndim == 2 else [])

    def first_derivatives(*xs):
        loss = F.cross_entropy(xs[0], xs[1] if len(xs) > 1 else target, reduction=reduction, weight=w)
        return tg.grad((loss ** 2).sum(), list(xs), create_graph=True)
    assert tg.gradcheck(first_derivatives, inputs)


# --- one fused op, and what the pictures say -------------------------------------------------

def test_weighted_cross_entropy_stays_one_fused_node():
    z = leaf(np.zeros((2, 3)))
    loss = F.cross_entropy(z, [0, 2], weight=[1.0, 2.0, 3.0])
    assert loss.grad_fn.name == "cross_entropy" and loss.grad_fn.inputs == (z,)
    assert loss.grad_fn.derivative == "∂z = G·w_y·(softmax(z) − y)"
    assert F.cross_entropy(z, [0, 2]).grad_fn.derivative == "∂z = G·(softmax(z) − y)"
    values = values_of(loss.grad_fn)   # what the step-through page puts in its templates
    np.testing.assert_array_equal(values["target"], [[1.0, 0, 0], [0, 0, 3.0]])
    assert values["n"] == 4.0      # the mean's denominator: weight[0] + weight[2]


def test_the_weight_is_cast_to_the_logits_dtype():
    z = Tensor(np.zeros((2, 3), dtype=np.float32), requires_grad=True)
    loss = F.cross_entropy(z, [0, 2], weight=np.array([1, 2, 3]))
    loss.backward()
    assert loss.dtype == np.float32 and z.grad.dtype == np.float32


# --- the modules -----------------------------------------------------------------------------

def test_the_modules_keep_weight_as_a_buffer_as_pytorch():
    ce = nn.CrossEntropyLoss(weight=np.array([1.0, 2.0]))
    assert list(ce.state_dict()) == ["weight"] and ce.parameters() == []
    np.testing.assert_array_equal(ce.weight.data, [1.0, 2.0])
    assert nn.CrossEntropyLoss().state_dict() == {} and nn.NLLLoss().weight is None
    assert nn.NLLLoss([1, 2, 3], reduction="sum").reduction == "sum"


# --- bad input -------------------------------------------------------------------------------

def test_a_weight_of_the_wrong_size_names_the_loss_and_the_shapes():
    z, lp = Tensor(np.zeros((4, 3))), Tensor(np.zeros((4, 3)))
    for call, who in ((lambda w: F.cross_entropy(z, [0, 1, 2, 0], weight=w), "cross_entropy"),
                      (lambda w: F.cross_entropy(z, np.full((4, 3), 1 / 3), weight=w), "cross_entropy"),
                      (lambda w: F.nll_loss(lp, [0, 1, 2, 0], weight=w), "nll_loss"),
                      (lambda w: nn.CrossEntropyLoss(weight=w)(z, [0, 1, 2, 0]), "cross_entropy"),
                      (lambda w: nn.NLLLoss(weight=w)(lp, [0, 1, 2, 0]), "nll_loss")):
        with pytest.raises(ValueError, match=rf"{who}: weight must have shape \(C,\) = \(3,\), one per class "
                                             r"of the input of shape \(4, 3\); got weight of shape \(2,\)"):
            call(np.ones(2))
    with pytest.raises(ValueError, match=r"cross_entropy: weight must have shape \(C,\) = \(3,\).*of shape \(3, 1\)"):
        F.cross_entropy(z, [0, 1, 2, 0], weight=np.ones((3, 1)))
    with pytest.raises(TypeError, match="nll_loss: weight must be numeric, got dtype <U1"):
        F.nll_loss(lp, [0, 1, 2, 0], weight=np.array(["a", "b", "c"]))


def test_the_modules_refuse_a_weight_that_is_not_one_per_class():
    with pytest.raises(ValueError, match=r"CrossEntropyLoss: weight must be a 1-D array of per-class "
                                         r"weights \(C,\), got shape \(2, 3\)"):
        nn.CrossEntropyLoss(weight=np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"NLLLoss: weight must be per-class weights .*got 'sum'; "
                                         r"for the reduction, pass reduction='sum'"):
        nn.NLLLoss("sum")


# --- PyTorch ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def _torch_loss(torch, kind, weight, reduction):
    w = torch.from_numpy(weight)
    if kind == "nll":
        return lambda lp, target: torch.nn.functional.nll_loss(lp, target, weight=w, reduction=reduction)
    return lambda z, target: torch.nn.functional.cross_entropy(z, target, weight=w, reduction=reduction)


def _compare(torch, ours, theirs, x, target):
    xo, xt = leaf(x), torch.tensor(x, requires_grad=True)
    target_t = torch.from_numpy(target)
    yo, yt = ours(xo, target), theirs(xt, target_t)
    np.testing.assert_allclose(yo.data, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    upstream = np.random.default_rng(0).uniform(0.5, 1.5, yo.shape)
    yo.backward(upstream)
    yt.backward(torch.tensor(upstream))
    np.testing.assert_allclose(xo.grad.data, xt.grad.numpy(), rtol=1e-10, atol=1e-12)


@FAST
@given(case=weighted_cases())
def test_weighted_cross_entropy_matches_torch(torch, case):
    z, target, w, reduction = case
    _compare(torch, lambda z, t: F.cross_entropy(z, t, reduction=reduction, weight=w),
             _torch_loss(torch, "ce", w, reduction), z, target)
    _compare(torch, nn.CrossEntropyLoss(weight=w, reduction=reduction),
             torch.nn.CrossEntropyLoss(weight=torch.from_numpy(w), reduction=reduction), z, target)


@FAST
@given(case=weighted_cases(probabilities=False))
def test_weighted_nll_loss_matches_torch(torch, case):
    z, target, w, reduction = case
    lp = log_softmax(z)
    _compare(torch, lambda x, t: F.nll_loss(x, t, reduction=reduction, weight=w),
             _torch_loss(torch, "nll", w, reduction), lp, target)
    _compare(torch, nn.NLLLoss(weight=w, reduction=reduction),
             torch.nn.NLLLoss(weight=torch.from_numpy(w), reduction=reduction), lp, target)


def test_weighted_cross_entropy_second_derivatives_match_torch(torch):
    rng = np.random.default_rng(3)
    z, y, w = rng.normal(size=(4, 3)), np.array([2, 0, 2, 1]), np.array([0.3, 1.5, 2.0])
    zo, zt = leaf(z), torch.tensor(z, requires_grad=True)
    (go,) = tg.grad(F.cross_entropy(zo, y, weight=w) ** 2, [zo], create_graph=True)
    theirs = torch.nn.functional.cross_entropy(zt, torch.from_numpy(y), weight=torch.from_numpy(w))
    (gt,) = torch.autograd.grad(theirs ** 2, zt, create_graph=True)
    np.testing.assert_allclose(go.data, gt.detach().numpy(), rtol=1e-10)
    (ho,) = tg.grad((go * go).sum(), [zo])
    (ht,) = torch.autograd.grad((gt * gt).sum(), zt)
    np.testing.assert_allclose(ho.data, ht.numpy(), rtol=1e-9, atol=1e-12)


def test_the_weight_buffer_loads_into_torch(torch):
    ours = nn.CrossEntropyLoss(weight=np.array([0.5, 2.0, 1.0]))
    theirs = torch.nn.CrossEntropyLoss(weight=torch.ones(3, dtype=torch.float64))
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    np.testing.assert_array_equal(theirs.weight.numpy(), [0.5, 2.0, 1.0])
