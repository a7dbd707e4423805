"""Errors a newcomer from PyTorch meets say what to do (issue 22): a ragged nested list names the
lengths that differ (the one conversion, tensor.as_tensor, says it); backward() after a forward
under no_grad() says that no_grad was on; and a
tensor outside any graph (a gradient, data) goes through numpy's functions as its array."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor


@pytest.mark.parametrize("data, message", [
    ([[1, 2, 3], [4, 5]], r"ragged nested list \(item \[0\] has length 3, item \[1\] has length 2\)"),
    ([[[1, 2], [3, 4]], [[1, 2], [3]]], r"item \[1\]\[0\] has length 2, item \[1\]\[1\] has length 1"),
    ([[1, 2], 3], r"item \[0\] has length 2, item \[1\] has a number"),
    ([1.0, [2.0]], r"item \[0\] has a number, item \[1\] has length 1"),
])
@pytest.mark.parametrize("make", [Tensor, tg.tensor, lambda d: Tensor(d, dtype=np.float64),
                                  lambda d: Tensor(d, requires_grad=True)])
def test_a_ragged_list_names_the_lengths_that_differ(data, message, make):
    with pytest.raises(ValueError, match=message) as err:
        make(data)
    assert "inhomogeneous" not in str(err.value)


def test_the_ragged_message_agrees_with_pytorchs_finding():
    torch = pytest.importorskip("torch")
    data = [[[1, 2], [3, 4]], [[1, 2], [3]]]
    with pytest.raises(ValueError, match=r"\[1\]\[1\] has length 1") as ours:
        tg.tensor(data)
    with pytest.raises(ValueError, match="at dim 2") as theirs:   # the second index: dim 2
        torch.tensor(data)
    assert "(got 1)" in str(theirs.value) and "length 2" in str(ours.value)


def test_backward_after_a_forward_under_no_grad_says_no_grad_was_on():
    w = tg.randn(3, 2, requires_grad=True)
    x = tg.randn(4, 3)
    with tg.no_grad():
        loss = (x @ w).relu().mean()          # several ops: the last one's inputs needed no grad
    with pytest.raises(RuntimeError, match=r"computed while no_grad\(\) was on"):
        loss.backward()
    with tg.set_grad_enabled(False):
        other = (w * 2).sum()
    with pytest.raises(RuntimeError, match="no_grad"):
        other.backward()
    plain = (x * 2).sum()                      # no graph because nothing required grad
    with pytest.raises(RuntimeError, match="create the leaves with requires_grad=True") as err:
        plain.backward()
    assert "no_grad" not in str(err.value)
    with tg.no_grad():
        data_only = (x * 2).sum()
    with pytest.raises(RuntimeError, match="requires_grad=True") as err:
        data_only.backward()
    assert "no_grad" not in str(err.value)
    (x @ w).relu().mean().backward()           # outside the block it works
    assert w.grad is not None


def test_numpy_functions_on_a_gradient_work_as_numpys():
    x = tg.tensor([3.0, -4.0], requires_grad=True)
    (x * x).sum().backward()
    assert np.linalg.norm(x.grad) == pytest.approx(10.0)
    assert np.linalg.norm(x.grad) == np.linalg.norm(x.grad.numpy())
    assert np.percentile(x.grad, 50) == pytest.approx(-1.0)
    assert np.allclose(np.floor(Tensor([1.5, -0.5])), [1.0, -1.0])
    assert np.concatenate([Tensor([1.0]), Tensor([2.0])]).tolist() == [1.0, 2.0]
    assert float(np.sum(x.detach())) == pytest.approx(-1.0)
    grads = [Tensor(np.ones(2)), np.ones(2)]
    assert np.stack(grads).shape == (2, 2)
    assert isinstance(np.exp(Tensor([0.0])), Tensor)   # ufuncs with an op stay Tensor ops


@pytest.mark.parametrize("call, hint", [
    (lambda t: np.linalg.norm(t), r"np\.linalg\.norm\(t\): .* requires grad .* t\.norm"),
    (lambda t: np.sum(t), "t.sum"),
    (lambda t: np.concatenate([t, t]), "tg.cat"),
    (lambda t: np.floor(t), "t.numpy()"),
])
def test_a_tensor_in_a_graph_is_still_refused(call, hint):
    x = tg.tensor([3.0, -4.0], requires_grad=True)
    for t in (x, x * 2):
        with pytest.raises(TypeError, match=hint):
            call(t)
