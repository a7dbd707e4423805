"""optim.Adadelta (the optimizer of PyTorch's MNIST example):
PyTorch's parameters step for step, with and without weight decay, and its state_dict."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import optim


@pytest.mark.parametrize("kw", [{}, {"lr": 0.5, "rho": 0.8, "eps": 1e-4}, {"weight_decay": 0.1}])
def test_adadelta_follows_pytorch_step_for_step(kw):
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(0).normal(size=(3, 2))
    x, t = tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ours, theirs = optim.Adadelta([x], **kw), torch.optim.Adadelta([t], **kw)
    for _ in range(12):
        ours.zero_grad()
        theirs.zero_grad()
        ((x - 0.5) ** 2 * x.tanh()).sum().backward()
        ((t - 0.5) ** 2 * t.tanh()).sum().backward()
        ours.step()
        theirs.step()
        np.testing.assert_allclose(x.numpy(), t.detach().numpy(), rtol=1e-12, atol=1e-15)
    state = ours.state_dict()["state"][0]
    np.testing.assert_allclose(state["acc_delta"], theirs.state_dict()["state"][0]["acc_delta"].numpy(), rtol=1e-12)


def test_adadelta_refuses_bad_hyperparameters():
    with pytest.raises(ValueError, match="rho in \\[0, 1\\]"):
        optim.Adadelta([tg.zeros(1, requires_grad=True)], rho=1.5)
