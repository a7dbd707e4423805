"""zero_grad(set_to_none=...) of optimizers and modules, as PyTorch's."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn, optim


def _model_with_gradients():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    model(tg.randn(5, 3)).sum().backward()
    return model


@pytest.mark.parametrize("owner", ["optimizer", "module"])
def test_set_to_none_true_by_default_and_false_gives_zeros(owner):
    model = _model_with_gradients()
    target = optim.Adam(model.parameters(), lr=0.1) if owner == "optimizer" else model
    grads = [p.grad for p in model.parameters()]
    target.zero_grad(set_to_none=False)
    for p, old in zip(model.parameters(), grads):
        assert p.grad is not old and p.grad.shape == p.shape and p.grad.dtype == p.dtype
        assert not p.grad.numpy().any()
    assert any(g.numpy().any() for g in grads)  # the old gradient arrays were not written over
    target.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    target.zero_grad(set_to_none=False)  # as PyTorch: a parameter without a gradient keeps None
    assert all(p.grad is None for p in model.parameters())
    model(tg.randn(5, 3)).sum().backward()
    target.zero_grad(set_to_none=True)
    assert all(p.grad is None for p in model.parameters())


def test_the_same_as_pytorch():
    torch = pytest.importorskip("torch")
    ours = _model_with_gradients()
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    theirs(torch.randn(5, 3)).sum().backward()
    for model, opt in [(ours, optim.SGD(ours.parameters(), lr=0.1)),
                       (theirs, torch.optim.SGD(theirs.parameters(), lr=0.1))]:
        opt.zero_grad(set_to_none=False)
        assert [float(np.abs(np.asarray(p.grad)).sum()) for p in model.parameters()] == [0.0] * 4
        model.zero_grad()
        assert [p.grad for p in model.parameters()] == [None] * 4
