"""optim.Adadelta (the optimizer of PyTorch's MNIST example):
PyTorch's parameters step for step, with and without weight decay, and its state_dict."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import optim


@pytest.mark.parametrize("kw", [{}, {"lr": 0.5, "rho": 0.8, "eps": 1e-4}, {"weight_decay": 0.1}])
def test_adadelta_follows_pytorch_step_for_step(kw):
    torch = pytest.importorskip("torch")
    from torch_compare import step_beside_torch  # imports torch: after the skip

    ours, theirs = step_beside_torch(optim.Adadelta, torch.optim.Adadelta, 12, **kw)
    state = ours.state_dict()["state"][0]
    np.testing.assert_allclose(state["acc_delta"], theirs.state_dict()["state"][0]["acc_delta"].numpy(), rtol=1e-12)


def test_adadelta_refuses_bad_hyperparameters():
    with pytest.raises(ValueError, match="rho in \\[0, 1\\]"):
        optim.Adadelta([tg.zeros(1, requires_grad=True)], rho=1.5)
