"""F.cross_entropy with (N, C, d1, …) logits, (C,) logits and ignore_index: values and gradients
against PyTorch (every reduction, with class weights), finite differences with hypothesis shapes,
second order, and bad input."""
import numpy as np
import pytest
from conftest import leaf, strict_numpy
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, nn

FAST = settings(max_examples=20, deadline=None)


@st.composite
def logits_and_targets(draw):
    n, c = draw(st.integers(1, 3)), draw(st.integers(2, 4))
    extra = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(n, c) + extra) * 2
    target = rng.integers(0, c, (n,) + extra)
    ignore_index = draw(st.sampled_from([-100, 1]))
    target[rng.uniform(size=target.shape) < 0.3] = ignore_index
    if not np.any(target != ignore_index):
        target.flat[0] = 0
    weight = rng.uniform(0.2, 2.0, c) if draw(st.booleans()) else None
    return logits, target, ignore_index, weight


def _torch_loss(torch, logits, target, reduction, weight, ignore_index):
    z = torch.tensor(logits, requires_grad=True)
    w = None if weight is None else torch.tensor(weight)
    loss = torch.nn.functional.cross_entropy(z, torch.tensor(target), reduction=reduction, weight=w,
                                             ignore_index=ignore_index)
    return z, loss


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@FAST
@given(case=logits_and_targets())
def test_matches_pytorch_values_and_gradients(reduction, case):
    torch = pytest.importorskip("torch")
    logits, target, ignore_index, weight = case
    z = leaf(logits)
    with strict_numpy():
        loss = F.cross_entropy(z, target, reduction=reduction, weight=weight, ignore_index=ignore_index)
    tz, tloss = _torch_loss(torch, logits, target, reduction, weight, ignore_index)
    assert loss.shape == tuple(tloss.shape)
    np.testing.assert_allclose(loss.data, tloss.detach().numpy(), rtol=1e-12, atol=1e-14)
    g = np.random.default_rng(0).normal(size=loss.shape)
    (loss * Tensor(g)).sum().backward()
    (tloss * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(z.grad.data, tz.grad.numpy(), rtol=1e-10, atol=1e-14)


@FAST
@given(case=logits_and_targets(), reduction=st.sampled_from(["mean", "sum", "none"]))
def test_finite_differences_and_second_order(case, reduction):
    logits, target, ignore_index, weight = case
    z = leaf(logits)
    with strict_numpy():
        fn = lambda a: F.cross_entropy(a, target, reduction=reduction, weight=weight,  # noqa: E731
                                       ignore_index=ignore_index)
        assert tg.gradcheck(fn, [z])
        assert tg.gradcheck(lambda a: tg.grad(fn(a).sum(), [a], create_graph=True)[0], [z], atol=1e-4)


def test_second_derivatives_match_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    logits, target = rng.normal(size=(2, 3, 4)), np.array([[0, -100, 2, 1], [2, 2, -100, 0]])
    v = rng.normal(size=logits.shape)
    z = leaf(logits)
    (g,) = tg.grad(F.cross_entropy(z, target), [z], create_graph=True)
    (h,) = tg.grad((g * Tensor(v)).sum(), [z])
    tz, tloss = _torch_loss(torch, logits, target, "mean", None, -100)
    (tg_,) = torch.autograd.grad(tloss, tz, create_graph=True)
    (th,) = torch.autograd.grad((tg_ * torch.tensor(v)).sum(), tz)
    np.testing.assert_allclose(h.data, th.numpy(), rtol=1e-10, atol=1e-14)


def test_ignored_targets_count_for_nothing_nor_in_the_mean():
    logits = np.array([[2.0, 0.0], [0.0, 2.0], [9.0, -9.0]])
    z = leaf(logits)
    loss = F.cross_entropy(z, np.array([0, -100, -100]))
    assert loss.item() == pytest.approx(np.log1p(np.exp(-2.0)), rel=1e-14)  # the one kept row, / 1
    loss.backward()
    assert np.all(z.grad.data[1:] == 0)
    per = F.cross_entropy(Tensor(logits), np.array([0, -100, 1]), reduction="none")
    assert per.data[1] == 0 and per.data[2] == pytest.approx(18 + np.log1p(np.exp(-18.0)), rel=1e-14)
    # ignore_index may be a real class: the padding token of a batch of sequences
    assert F.cross_entropy(Tensor(logits), np.array([0, 0, 1]), ignore_index=0).item() == pytest.approx(
        18 + np.log1p(np.exp(-18.0)), rel=1e-14)


def test_every_target_ignored_gives_nan_for_the_mean_and_zero_gradients_as_pytorch():
    torch = pytest.importorskip("torch")
    logits = np.random.default_rng(0).normal(size=(2, 3))
    z = leaf(logits)
    with strict_numpy():
        loss = F.cross_entropy(z, np.array([-100, -100]))
        loss.backward()
    tz, tloss = _torch_loss(torch, logits, np.array([-100, -100]), "mean", None, -100)
    tloss.backward()
    assert np.isnan(loss.item()) and np.isnan(tloss.item())
    np.testing.assert_array_equal(z.grad.data, tz.grad.numpy())
    assert F.cross_entropy(Tensor(logits), np.array([-100, -100]), reduction="sum").item() == 0.0


def test_unbatched_logits_and_probability_targets_with_extra_axes_as_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    z1 = rng.normal(size=5)
    assert F.cross_entropy(Tensor(z1), np.array(3)).item() == pytest.approx(
        torch.nn.functional.cross_entropy(torch.tensor(z1), torch.tensor(3)).item(), rel=1e-14)
    logits, probs = rng.normal(size=(2, 3, 4)), rng.dirichlet(np.ones(3), (2, 4)).transpose(0, 2, 1)
    for reduction in ("mean", "none"):
        z = leaf(logits)
        loss = F.cross_entropy(z, probs, reduction=reduction)
        tz = torch.tensor(logits, requires_grad=True)
        tloss = torch.nn.functional.cross_entropy(tz, torch.tensor(probs), reduction=reduction)
        np.testing.assert_allclose(loss.data, tloss.detach().numpy(), rtol=1e-12)
        loss.sum().backward()
        tloss.sum().backward()
        np.testing.assert_allclose(z.grad.data, tz.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_the_loss_module_takes_ignore_index():
    torch = pytest.importorskip("torch")
    logits, target = np.random.default_rng(5).normal(size=(4, 6, 3)), np.array([[1, 2, -1]] * 4)
    ours = nn.CrossEntropyLoss(ignore_index=-1)(Tensor(logits), target)
    theirs = torch.nn.CrossEntropyLoss(ignore_index=-1)(torch.tensor(logits), torch.tensor(target))
    assert ours.item() == pytest.approx(theirs.item(), rel=1e-13)


def test_a_language_model_loss_on_batch_time_vocab_logits():
    """(B, T, V) logits as a GPT makes them: PyTorch's idiom is view(B·T, V); the (B, V, T)
    layout works as well."""
    rng = np.random.default_rng(6)
    logits, target = rng.normal(size=(2, 5, 7)), rng.integers(0, 7, (2, 5))
    flat = F.cross_entropy(Tensor(logits).reshape(10, 7), target.reshape(10))
    by_axis = F.cross_entropy(Tensor(logits).transpose(1, 2), target)
    assert flat.item() == pytest.approx(by_axis.item(), rel=1e-13)


def test_extreme_logits_give_finite_losses_without_warning():
    logits = np.array([[[1e300, -1e300], [0.0, 1e4]], [[-1e4, 1e4], [5.0, 5.0]]])
    with strict_numpy():
        z = leaf(logits)
        loss = F.cross_entropy(z, np.array([[0, -100], [1, 0]]))
        loss.backward()
    assert np.isfinite(loss.item()) and np.all(np.isfinite(z.grad.data))


def test_bad_targets_are_refused_with_the_shapes():
    z = Tensor(np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match=r"cross_entropy: for logits of shape \(2, 3, 4\) the target must be "
                                         r"class indices of shape \(2, 4\) or probabilities of shape "
                                         r"\(2, 3, 4\), got shape \(2, 3\)"):
        F.cross_entropy(z, np.zeros((2, 3), np.int64))
    with pytest.raises(IndexError, match=r"cross_entropy: target class index 3 at position \(0, 1\) is out "
                                         "of range for 3 classes"):
        F.cross_entropy(z, np.array([[0, 3, -100, 1], [0, 0, 0, 0]]))
    with pytest.raises(IndexError, match="cross_entropy: target class index -5"):
        F.cross_entropy(Tensor(np.zeros((2, 3))), np.array([-5, 0]))
    with pytest.raises(ValueError, match=r"cross_entropy: logits must have shape .* got \(\)"):
        F.cross_entropy(Tensor(np.array(1.0)), np.array(0))
