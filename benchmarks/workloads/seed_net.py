"""The third write-up's network: 3-4-1, sigmoid layers, no biases, sum-of-squares error,
4 samples (rows), one gradient-descent step with learning rate 1. float64."""
from __future__ import annotations

import numpy as np

import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, optim

from .base import COMPILED, Workload, compiled, gradient_descent_step, training_step

LR = 1.0


def build(tiny: bool) -> dict:
    rng = np.random.default_rng(0)
    return {
        "X": np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.float64),
        "Y": np.array([[0], [1], [1], [0]], dtype=np.float64),
        "W1": rng.random((3, 4)),
        "W2": rng.random((4, 1)),
    }


def numpy_step(p: dict):
    X, Y = p["X"], p["Y"]
    W1, W2 = p["W1"].copy(), p["W2"].copy()

    def sigmoid(z):
        return 1.0 / (1.0 + np.exp(-z))

    def step() -> float:
        nonlocal W1, W2
        A1 = sigmoid(X @ W1)
        A2 = sigmoid(A1 @ W2)
        loss = np.sum((A2 - Y) ** 2)
        dZ2 = 2 * (A2 - Y) * A2 * (1 - A2)       # L = Σ(A2 − Y)², A2 = σ(Z2)
        dW2 = A1.T @ dZ2
        dZ1 = (dZ2 @ W2.T) * A1 * (1 - A1)
        dW1 = X.T @ dZ1
        W1 -= LR * dW1
        W2 -= LR * dW2
        return float(loss)
    return step


def tinygrad_step(p: dict):
    X, Y = Tensor(p["X"]), Tensor(p["Y"])
    W1 = Tensor(p["W1"], requires_grad=True)
    W2 = Tensor(p["W2"], requires_grad=True)
    opt = optim.SGD([W1, W2], lr=LR)

    def step() -> float:
        A1 = (X @ W1).sigmoid()
        A2 = (A1 @ W2).sigmoid()
        return training_step(opt, F.mse_loss(A2, Y, reduction="sum"))
    return step


def torch_step(p: dict):
    import torch
    X, Y = torch.from_numpy(p["X"]), torch.from_numpy(p["Y"])
    W1 = torch.tensor(p["W1"], requires_grad=True)
    W2 = torch.tensor(p["W2"], requires_grad=True)
    opt = torch.optim.SGD([W1, W2], lr=LR)

    def step() -> float:
        A1 = torch.sigmoid(X @ W1)
        A2 = torch.sigmoid(A1 @ W2)
        return training_step(opt, torch.sum((A2 - Y) ** 2))
    return step


def mygrad_step(p: dict):
    import mygrad as mg
    from mygrad.nnet import sigmoid
    X, Y = mg.tensor(p["X"], constant=True), mg.tensor(p["Y"], constant=True)
    W1, W2 = mg.tensor(p["W1"]), mg.tensor(p["W2"])

    def step() -> float:
        A1 = sigmoid(X @ W1)
        A2 = sigmoid(A1 @ W2)
        return gradient_descent_step([W1, W2], LR, mg.sum((A2 - Y) ** 2))
    return step


SEED_NET = Workload(
    name="seed_net", title="seed net 3-4-1 sigmoid, 4 samples, SSE, GD step",
    build=build, engines={"numpy": numpy_step, "tinygrad_edu": tinygrad_step,
                           COMPILED: compiled(tinygrad_step), "torch": torch_step, "mygrad": mygrad_step},
    goal=3.0)
