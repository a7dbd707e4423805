"""Small graphs for the viz tests (imported by tests/test_viz_*.py)."""
import numpy as np

from tinygrad_edu import Tensor


def two_layer(seed=0):
    """A 2-2-1 network in the write-ups' column layout: every tensor small and named."""
    rng = np.random.default_rng(seed)
    X = Tensor(rng.standard_normal((2, 3)), name="X")
    Y = Tensor(np.array([[0.0, 1.0, 1.0]]), name="Y")
    W1 = Tensor(rng.standard_normal((2, 2)), requires_grad=True, name="W1")
    b1 = Tensor(np.zeros((2, 1)), requires_grad=True, name="b1")
    W2 = Tensor(rng.standard_normal((1, 2)), requires_grad=True, name="W2")
    b2 = Tensor(np.zeros((1, 1)), requires_grad=True, name="b2")
    Z1 = W1 @ X + b1
    Z1.name = "Z1"
    A1 = Z1.tanh()
    A1.name = "A1"
    Z2 = W2 @ A1 + b2
    Z2.name = "Z2"
    A2 = Z2.sigmoid()
    A2.name = "A2"
    loss = ((A2 - Y) ** 2).mean()
    loss.name = "loss"
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    return loss, params, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def chain(n, seed=0):
    """x → sigmoid → sigmoid → … (n times) → sum: a deep graph where gradients vanish."""
    x = Tensor(np.random.default_rng(seed).standard_normal(4), requires_grad=True, name="x")
    h = x
    for _ in range(n):
        h = (h * 4.0).sigmoid()
    return h.sum(), x
