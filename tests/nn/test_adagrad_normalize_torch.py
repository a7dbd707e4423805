"""optim.Adagrad, F.normalize and F.cosine_similarity (course-script habits): PyTorch's
numbers and gradients."""
import numpy as np
import pytest
import tinygrad_edu.nn.functional as F
from conftest import leaf

import tinygrad_edu as tg
from tinygrad_edu import optim


@pytest.mark.parametrize("kw", [{}, {"lr": 0.1, "lr_decay": 0.05},
                                {"weight_decay": 0.1, "initial_accumulator_value": 0.2}])
def test_adagrad_follows_pytorch_step_for_step(kw):
    torch = pytest.importorskip("torch")
    from torch_compare import step_beside_torch  # imports torch: after the skip

    step_beside_torch(optim.Adagrad, torch.optim.Adagrad, 10, **kw)


@pytest.mark.parametrize("fn", [
    lambda m, a, b: m.nn.functional.normalize(a, dim=1),
    lambda m, a, b: m.nn.functional.normalize(a, dim=0),
    lambda m, a, b: m.nn.functional.cosine_similarity(a, b),
    lambda m, a, b: m.nn.functional.cosine_similarity(a, b, dim=0),
], ids=["normalize", "normalize dim 0", "cosine", "cosine dim 0"])
def test_normalize_and_cosine_similarity_against_pytorch(fn):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    a[0] = 0.0                                   # a zero row: the norm is clamped to eps, as PyTorch
    x, y = leaf(a), leaf(b)
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    ours, theirs = fn(tg, x, y), fn(torch, tx, ty)
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    w = rng.normal(size=ours.shape)
    (ours * tg.tensor(w)).sum().backward()
    (theirs * torch.tensor(w)).sum().backward()
    for mine, ref in ((x, tx), (y, ty)):
        got = np.zeros(a.shape) if mine.grad is None else mine.grad.numpy()
        want = np.zeros(a.shape) if ref.grad is None else ref.grad.numpy()
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    with pytest.raises(ValueError, match="only p=2"):
        F.normalize(x, p=1)
