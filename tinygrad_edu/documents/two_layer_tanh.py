"""Write-up 000, "Implementation of a Neural Network from scratch": a two-layer network with
samples as COLUMNS, X (n_x, m); tanh hidden layer, sigmoid output, mean binary cross-entropy.

    Z1 = W1 X + b1    A1 = tanh(Z1)    Z2 = W2 A1 + b2    A2 = σ(Z2)
    J  = −1/m Σ [Y log A2 + (1 − Y) log(1 − A2)]

The write-up shows its backward formulas only as pictures; they are the ones of the course it
follows (Andrew Ng, deeplearning.ai "Neural Networks and Deep Learning", week 3, slide
"Gradient descent for neural networks" / "Summary of gradient descent"):

    dZ2 = A2 − Y                 dW2 = 1/m dZ2 A1ᵀ     db2 = 1/m Σ_columns dZ2
    dZ1 = W2ᵀ dZ2 ∘ (1 − A1²)    dW1 = 1/m dZ1 Xᵀ      db1 = 1/m Σ_columns dZ1

The course's dZ, dA are derivatives of the SUM of the per-sample losses (m·J), which is why
dW carries the 1/m: dZ2 equals m·∂J/∂Z2 = m·Z2.grad.
"""
from __future__ import annotations

import numpy as np

from .. import functional as F
from ..data import planar_flower
from ..recipes.metrics import accuracy
from ..tensor import Tensor
from .network import Network, named
from .training import TrainResult, gradient_descent

TITLE = "000 · two-layer tanh/sigmoid network, samples as columns, mean BCE"
SOURCE = "seeds/000_2b23177e2672b10f.txt"
HIDDEN_UNITS = 4
SAMPLES_FROM = "X"        # m = X.shape[1]
CHECK_NOTE = ("the course's dZ, dA are derivatives of the SUM of the per-sample losses, so "
              "dZ2 = m·∂J/∂Z2 = m·Z2.grad (J is the mean cost)")


def init_params(n_x: int, n_h: int = HIDDEN_UNITS, n_y: int = 1, seed: int = 0) -> dict[str, np.ndarray]:
    """The course's initialisation: W = randn·0.01, b = 0."""
    rng = np.random.RandomState(seed)
    return {"W1": rng.randn(n_h, n_x) * 0.01, "b1": np.zeros((n_h, 1)),
            "W2": rng.randn(n_y, n_h) * 0.01, "b2": np.zeros((n_y, 1))}


def forward(params: dict[str, Tensor], X: np.ndarray, Y: np.ndarray) -> Network:
    W1, b1, W2, b2 = (params[k] for k in ("W1", "b1", "W2", "b2"))
    dtype = W1.dtype
    X = named(Tensor(X, dtype=dtype), "X")
    Y = named(Tensor(Y, dtype=dtype), "Y")
    Z1 = named(W1 @ X + b1, "Z1")
    A1 = named(Z1.tanh(), "A1")
    Z2 = named(W2 @ A1 + b2, "Z2")
    A2 = named(Z2.sigmoid(), "A2")
    cost = named(F.binary_cross_entropy(A2, Y), "J")
    return Network(cost, params, {"X": X, "Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2, "Y": Y})


def param_tensors(arrays: dict[str, np.ndarray], dtype=np.float64) -> dict[str, Tensor]:
    return {k: Tensor(v, dtype=dtype, requires_grad=True, name=k) for k, v in arrays.items()}


def build(dtype=np.float64, seed: int = 0) -> Network:
    """One forward pass on the flower data (400 points) at the course's initial weights."""
    X, Y = planar_flower()
    return forward(param_tensors(init_params(X.shape[0], seed=seed), dtype), X, Y)


def hand_backward(X, Y, W1, b1, W2, b2) -> dict[str, np.ndarray]:
    """The course's backward pass in plain numpy (formulas in the module docstring)."""
    m = X.shape[1]
    A1 = np.tanh(W1 @ X + b1)
    A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
    dA2 = -Y / A2 + (1 - Y) / (1 - A2)
    dZ2 = A2 - Y
    dW2 = 1 / m * dZ2 @ A1.T
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = W2.T @ dZ2
    dZ1 = dA1 * (1 - A1 ** 2)
    dW1 = 1 / m * dZ1 @ X.T
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2, "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}


def comparisons(net: Network) -> list[tuple[str, str, object]]:
    """(formula, tensor whose gradient it is, the convention's factor on that gradient);
    the course's dZ, dA are m·∂J/∂·"""
    return [("dA2", "A2", "m"), ("dZ2", "Z2", "m"), ("dW2", "W2", 1), ("db2", "b2", 1),
            ("dA1", "A1", "m"), ("dZ1", "Z1", "m"), ("dW1", "W1", 1), ("db1", "b1", 1)]


def formulas(net: Network) -> dict[str, np.ndarray]:
    values = {k: net.tensor(k).data for k in ("X", "Y", "W1", "b1", "W2", "b2")}
    return hand_backward(**values)


def predict(params: dict[str, Tensor], X: np.ndarray) -> np.ndarray:
    A1 = np.tanh(params["W1"].data @ X + params["b1"].data)
    return (params["W2"].data @ A1 + params["b2"].data > 0).astype(np.float64)


def train(iterations: int = 10000, lr: float = 1.2, seed: int = 2, on_step=None) -> TrainResult:
    """The course's run: 4 tanh units, init seed 2, learning rate 1.2, 10,000 steps of gradient
    descent on the 400-point flower set (the course reports 90% training accuracy); the test set
    is a fresh draw of 400 flower points (generator seed 2)."""
    X, Y = planar_flower()
    X_test, Y_test = planar_flower(seed=2)
    params = param_tensors(init_params(X.shape[0], seed=seed))
    losses = gradient_descent(lambda p: forward(p, X, Y), params, iterations, lr, on_step)
    metrics = {"train accuracy": accuracy(predict(params, X), Y),
               "test accuracy": accuracy(predict(params, X_test), Y_test)}
    return TrainResult("000", losses, params, metrics, {"iterations": iterations, "lr": lr, "hidden": HIDDEN_UNITS})
