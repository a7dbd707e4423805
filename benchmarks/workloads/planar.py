"""The first write-up's network: 2-4-1, tanh hidden layer, sigmoid output, binary
cross-entropy, samples as COLUMNS (X is 2×m), one gradient-descent step with learning rate 1.2.
m = 400, float64. The numpy backward is the write-up's own: dZ2 = A2 − Y, dW2 = 1/m dZ2 A1ᵀ …"""
from __future__ import annotations

import numpy as np

import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, optim

from .base import COMPILED, Workload, compiled, gradient_descent_step, training_step

LR = 1.2


def build(tiny: bool) -> dict:
    rng = np.random.default_rng(1)
    m = 20 if tiny else 400
    X = rng.standard_normal((2, m))
    Y = (X[0:1] * X[1:2] > 0).astype(np.float64)   # a XOR-like labelling of the plane
    return {"X": X, "Y": Y,
            "W1": rng.standard_normal((4, 2)) * 0.01, "b1": np.zeros((4, 1)),
            "W2": rng.standard_normal((1, 4)) * 0.01, "b2": np.zeros((1, 1))}


def numpy_step(p: dict):
    X, Y = p["X"], p["Y"]
    m = X.shape[1]
    W1, b1, W2, b2 = (p[k].copy() for k in ("W1", "b1", "W2", "b2"))

    def step() -> float:
        nonlocal W1, b1, W2, b2
        A1 = np.tanh(W1 @ X + b1)
        A2 = 1.0 / (1.0 + np.exp(-(W2 @ A1 + b2)))
        cost = -np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))
        dZ2 = A2 - Y
        dW2 = dZ2 @ A1.T / m
        db2 = np.sum(dZ2, axis=1, keepdims=True) / m
        dZ1 = (W2.T @ dZ2) * (1 - A1 ** 2)
        dW1 = dZ1 @ X.T / m
        db1 = np.sum(dZ1, axis=1, keepdims=True) / m
        W1 -= LR * dW1
        b1 -= LR * db1
        W2 -= LR * dW2
        b2 -= LR * db2
        return float(cost)
    return step


def tinygrad_step(p: dict):
    X, Y = Tensor(p["X"]), Tensor(p["Y"])
    params = [Tensor(p[k], requires_grad=True) for k in ("W1", "b1", "W2", "b2")]
    W1, b1, W2, b2 = params
    opt = optim.SGD(params, lr=LR)

    def step() -> float:
        A1 = (W1 @ X + b1).tanh()
        A2 = (W2 @ A1 + b2).sigmoid()
        return training_step(opt, F.binary_cross_entropy(A2, Y))
    return step


def torch_step(p: dict):
    import torch
    X, Y = torch.from_numpy(p["X"]), torch.from_numpy(p["Y"])
    params = [torch.tensor(p[k], requires_grad=True) for k in ("W1", "b1", "W2", "b2")]
    W1, b1, W2, b2 = params
    opt = torch.optim.SGD(params, lr=LR)

    def step() -> float:
        A1 = torch.tanh(W1 @ X + b1)
        A2 = torch.sigmoid(W2 @ A1 + b2)
        return training_step(opt, torch.nn.functional.binary_cross_entropy(A2, Y))
    return step


def mygrad_step(p: dict):
    import mygrad as mg
    from mygrad.nnet import sigmoid
    X, Y = mg.tensor(p["X"], constant=True), mg.tensor(p["Y"], constant=True)
    params = [mg.tensor(p[k]) for k in ("W1", "b1", "W2", "b2")]
    W1, b1, W2, b2 = params

    def step() -> float:
        A1 = mg.tanh(W1 @ X + b1)
        A2 = sigmoid(W2 @ A1 + b2)
        cost = -mg.mean(Y * mg.log(A2) + (1 - Y) * mg.log(1 - A2))   # MyGrad has no BCE loss
        return gradient_descent_step(params, LR, cost)
    return step


PLANAR = Workload(
    name="planar", title="2-4-1 tanh/sigmoid, 400 samples as columns, BCE",
    build=build, engines={"numpy": numpy_step, "tinygrad_edu": tinygrad_step,
                           COMPILED: compiled(tinygrad_step), "torch": torch_step, "mygrad": mygrad_step},
    goal=2.0)
