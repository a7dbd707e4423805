"""The functional losses against PyTorch (float64, every reduction, logits up to 1e4, probabilities
at 0 and 1), and a float32 network's loss and gradients against PyTorch in float32 (skipped when
torch is absent)."""
import numpy as np
import pytest

import tinygrad_edu.functional as F
from tinygrad_edu import Tensor

torch = pytest.importorskip("torch")
from torch_compare import compare  # noqa: E402  (after the skip)

TF = torch.nn.functional



REDUCTIONS = ["mean", "sum", "none"]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("scale", [1.0, 1e4])
def test_cross_entropy_with_indices(reduction, scale):
    z = np.random.default_rng(6).standard_normal((5, 4)) * scale
    labels = np.array([0, 3, 3, 1, 2])
    compare(lambda t: F.cross_entropy(t, labels, reduction=reduction),
            lambda t: TF.cross_entropy(t, torch.tensor(labels), reduction=reduction), z)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_probabilities(reduction):
    rng = np.random.default_rng(7)
    z, y = rng.standard_normal((4, 3)), rng.dirichlet(np.ones(3), size=4)
    compare(lambda t, p: F.cross_entropy(t, p, reduction=reduction),
            lambda t, p: TF.cross_entropy(t, p, reduction=reduction), z, y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy(reduction):
    p = np.array([[0.0, 1.0, 0.3], [0.999, 1e-7, 0.5]])
    y = np.array([[1.0, 0.0, 0.2], [1.0, 0.0, 1.0]])
    compare(lambda a, b: F.binary_cross_entropy(a, b, reduction=reduction),
            lambda a, b: TF.binary_cross_entropy(a, b, reduction=reduction), p, y, grads=[True, False])
    q = np.array([[0.1, 0.9, 0.3], [0.6, 0.2, 0.5]])
    compare(lambda a, b: F.binary_cross_entropy(a, b, reduction=reduction),
            lambda a, b: TF.binary_cross_entropy(a, b, reduction=reduction), q, y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_with_logits(reduction):
    x = np.array([[1e4, -1e4, 0.3], [1000.0, -1000.0, -2.0]])
    y = np.array([[0.0, 1.0, 0.2], [1.0, 0.0, 0.7]])
    compare(lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=reduction),
            lambda a, b: TF.binary_cross_entropy_with_logits(a, b, reduction=reduction), x, y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_loss(reduction):
    rng = np.random.default_rng(8)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    compare(lambda x, y: F.mse_loss(x, y, reduction=reduction),
            lambda x, y: TF.mse_loss(x, y, reduction=reduction), a, b)


def test_float32_network_matches_torch_float32():
    rng = np.random.default_rng(9)
    x = rng.standard_normal((8, 3)).astype(np.float32)
    w1, w2 = rng.standard_normal((5, 3)).astype(np.float32), rng.standard_normal((2, 5)).astype(np.float32)
    labels = rng.integers(0, 2, 8)
    tw1, tw2 = Tensor(w1, requires_grad=True), Tensor(w2, requires_grad=True)
    loss = F.cross_entropy(F.linear(Tensor(x), tw1).tanh() @ tw2.T, labels)
    loss.backward()
    pw1, pw2 = torch.tensor(w1, requires_grad=True), torch.tensor(w2, requires_grad=True)
    ref = TF.cross_entropy(torch.tanh(torch.tensor(x) @ pw1.T) @ pw2.T, torch.tensor(labels))
    ref.backward()
    assert loss.dtype == np.float32 and tw1.grad.dtype == np.float32
    np.testing.assert_allclose(loss.item(), ref.item(), rtol=1e-5)
    np.testing.assert_allclose(tw1.grad.data, pw1.grad.numpy(), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(tw2.grad.data, pw2.grad.numpy(), rtol=1e-4, atol=1e-6)

