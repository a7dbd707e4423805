"""Loss modules and F.nll_loss: against PyTorch (values and gradients, every reduction, float64)
and their bad input."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, nn

REDUCTIONS = ["mean", "sum", "none"]


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _inputs(kind, rng):
    if kind in ("cross_entropy", "nll"):
        return rng.normal(size=(6, 4)) * 3, rng.integers(0, 4, 6)
    if kind == "cross_entropy_probs":
        return rng.normal(size=(6, 4)), rng.dirichlet(np.ones(4), 6)
    if kind == "bce":
        return rng.uniform(0.05, 0.95, (3, 5)), rng.uniform(0, 1, (3, 5))
    return rng.normal(size=(3, 5)) * 2, rng.uniform(0, 1, (3, 5))


MODULES = [("cross_entropy", nn.CrossEntropyLoss, "CrossEntropyLoss"),
           ("cross_entropy_probs", nn.CrossEntropyLoss, "CrossEntropyLoss"),
           ("nll", nn.NLLLoss, "NLLLoss"), ("mse", nn.MSELoss, "MSELoss"),
           ("bce", nn.BCELoss, "BCELoss"), ("bce_logits", nn.BCEWithLogitsLoss, "BCEWithLogitsLoss")]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("kind, ours_cls, torch_name", MODULES)
def test_loss_modules_match_torch(torch, kind, ours_cls, torch_name, reduction):
    rng = np.random.default_rng(len(kind))
    x, target = _inputs(kind, rng)
    if kind == "nll":  # log-probabilities, as NLLLoss expects
        x = x - np.log(np.exp(x).sum(axis=1, keepdims=True))
    ours, theirs = ours_cls(reduction=reduction), getattr(torch.nn, torch_name)(reduction=reduction)
    xo, xt = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    target_t = torch.from_numpy(target)
    yo, yt = ours(xo, target), theirs(xt, target_t)
    np.testing.assert_allclose(yo.data, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    upstream = rng.uniform(0.5, 1.5, yo.shape)
    yo.backward(upstream)
    yt.backward(torch.tensor(upstream))
    np.testing.assert_allclose(xo.grad.data, xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert ours.reduction == reduction and reduction in repr(ours)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_of_log_softmax_is_cross_entropy_and_matches_torch(torch, reduction):
    rng = np.random.default_rng(0)
    logits, target = rng.normal(size=(5, 3)), rng.integers(0, 3, 5)
    z = Tensor(logits, requires_grad=True)
    ours = F.nll_loss(z.log_softmax(axis=1), target, reduction=reduction)
    np.testing.assert_allclose(ours.data, F.cross_entropy(Tensor(logits), target, reduction=reduction).data,
                               rtol=1e-12)
    zt = torch.tensor(logits, requires_grad=True)
    theirs = torch.nn.functional.nll_loss(zt.log_softmax(1), torch.from_numpy(target), reduction=reduction)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12)
    ours.sum().backward()
    theirs.sum().backward()
    np.testing.assert_allclose(z.grad.data, zt.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_nll_loss_gradcheck_and_repeated_targets():
    log_probs = Tensor(np.random.default_rng(1).normal(size=(4, 3)), requires_grad=True)
    target = np.array([2, 2, 0, 2])
    assert tg.gradcheck(lambda t: F.nll_loss(t, target, reduction="sum") ** 2, [log_probs])
    F.nll_loss(log_probs, target).backward()
    expected = np.zeros((4, 3))
    expected[np.arange(4), target] = -0.25
    np.testing.assert_allclose(log_probs.grad.data, expected)


def test_loss_bad_input_names_the_loss_argument_and_shapes():
    with pytest.raises(ValueError, match="MSELoss: reduction must be one of"):
        nn.MSELoss(reduction="avg")
    lp = Tensor(np.zeros((3, 4)))
    with pytest.raises(IndexError, match="nll_loss: target class index 4 at position 1 is out of range for 4 classes"):
        F.nll_loss(lp, [0, 4, 1])
    with pytest.raises(ValueError, match=r"nll_loss: target must be class indices of shape \(3,\).*got shape \(2,\)"):
        F.nll_loss(lp, [0, 1])
    with pytest.raises(ValueError, match=r"nll_loss: log_probs must have shape \(N, C\), got \(4,\)"):
        F.nll_loss(Tensor(np.zeros(4)), [0])
    with pytest.raises(ValueError, match="nll_loss: reduction must be one of"):
        F.nll_loss(lp, [0, 1, 2], reduction="max")
    with pytest.raises(ValueError, match="binary_cross_entropy: every element"):
        nn.BCELoss()(Tensor(np.full(3, 2.0)), np.zeros(3))
