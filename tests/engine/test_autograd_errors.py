"""Misusing autograd says what is wrong: backward or tg.grad on a tensor outside the graph, a
forward under no_grad() (the message says no_grad was on), an in-place edit of a tensor backward
needs (naming the op that made it), and the tensors' own names in every message."""
import numpy as np
import pytest
from conftest import message_of

import tinygrad_edu as tg
from tinygrad_edu import Tensor


def test_backward_on_tensor_that_does_not_require_grad():
    message_of(RuntimeError, lambda: Tensor.ones(3).sum().backward())
    with tg.no_grad():
        y = (Tensor.ones(3, requires_grad=True) * 2).sum()
    message_of(RuntimeError, y.backward)


def test_grad_errors():
    x = Tensor.ones(3, requires_grad=True)
    message_of(RuntimeError, lambda: tg.grad(x * 2, [x]))                          # non-scalar output
    message_of(RuntimeError, lambda: tg.grad((x * 2).sum(), [Tensor.ones(2)]))    # input without grad
    message_of(RuntimeError, lambda: tg.grad(Tensor.ones(3).sum(), [x]))          # output without grad
    message_of(ValueError, lambda: tg.grad(x * 2, [x], grad_outputs=[np.ones(4)]))


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


def test_a_gradient_the_engine_computed_is_not_taken_for_a_no_grad_result():
    # backward's own ops run with recording off, but not under the user's no_grad(): backward()
    # on a gradient says that nothing requires grad, not that no_grad() was on
    w = tg.randn(3, 2, requires_grad=True)
    h = tg.randn(4, 3) @ w
    (h * w.sum()).sum().backward()             # h.grad = G·Σw, computed by the engine from w
    assert h.grad is not None and not h.grad.requires_grad
    with pytest.raises(RuntimeError, match="requires_grad=True") as err:
        h.grad.backward(np.ones(h.shape))
    assert "no_grad" not in str(err.value)
    assert tg.is_grad_enabled() is True


@pytest.mark.parametrize("op, make", [
    ("sigmoid", lambda x: x.sigmoid()),
    ("exp", lambda x: x.exp()),
    ("mul", lambda x: x * 2),
])
def test_refused_in_place_edit_names_the_op_that_produced_the_tensor(op, make):
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = make(x)

    def edit():
        nonlocal y
        y += 1
    message = message_of(RuntimeError, edit)
    assert f"the output of {op}" in message


def test_error_messages_use_tensor_names():
    W1 = Tensor.ones(3, 4, name="W1", requires_grad=True)
    X = Tensor.ones(5, 6, name="X")
    message = message_of((ValueError, RuntimeError), lambda: W1 @ X)
    assert "W1" in message and "X" in message
    message = message_of(ValueError, lambda: Tensor.ones(2, 3, name="A1").item())
    assert "A1" in message
    message = message_of(RuntimeError, lambda: Tensor.ones(1, name="cost").backward())
    assert "cost" in message
