"""A ReLU MLP classifier: Linear layers in PyTorch's layout (W is out×in, initialised uniform in
±1/√in), softmax cross-entropy (mean over the batch), one SGD step. float32.
  784-256-128-10, batch 128 (MNIST-sized)      and      1024-2048-2048-10, batch 1024."""
from __future__ import annotations

import numpy as np

import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, optim

from .base import COMPILED, Workload, compiled, gradient_descent_step, softmax_cross_entropy, training_step

LR = 0.01


def problem(sizes: list, batch: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    p = {"X": rng.standard_normal((batch, sizes[0])).astype(np.float32),
         "labels": rng.integers(0, sizes[-1], batch)}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        bound = 1 / np.sqrt(n_in)
        p[f"W{i}"] = rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32)
        p[f"b{i}"] = rng.uniform(-bound, bound, n_out).astype(np.float32)
    return p


def param_names(p: dict) -> list:
    layers = sum(1 for k in p if k.startswith("W"))
    return [f"{kind}{i}" for i in range(1, layers + 1) for kind in ("W", "b")]


def numpy_step(p: dict):
    X, labels = p["X"], p["labels"]
    n = X.shape[0]
    rows = np.arange(n)
    params = {k: p[k].copy() for k in param_names(p)}
    layers = len(params) // 2

    def step() -> float:
        Zs, As = [], [X]
        for i in range(1, layers + 1):
            Z = As[-1] @ params[f"W{i}"].T + params[f"b{i}"]
            Zs.append(Z)
            As.append(np.maximum(Z, 0) if i < layers else Z)
        logits = Zs[-1]
        loss, dZ = softmax_cross_entropy(logits, labels, rows)
        for i in range(layers, 0, -1):
            dW = dZ.T @ As[i - 1]
            db = dZ.sum(axis=0)
            if i > 1:
                dZ = (dZ @ params[f"W{i}"]) * (Zs[i - 2] > 0)
            params[f"W{i}"] -= LR * dW
            params[f"b{i}"] -= LR * db
        return float(loss)
    return step


def tinygrad_step(p: dict):
    X, labels = Tensor(p["X"]), p["labels"]
    names = param_names(p)
    params = [Tensor(p[k], requires_grad=True) for k in names]
    layers = len(params) // 2
    opt = optim.SGD(params, lr=LR)

    def step() -> float:
        h = X
        for i in range(layers):
            h = F.linear(h, params[2 * i], params[2 * i + 1])
            if i < layers - 1:
                h = h.relu()
        return training_step(opt, F.cross_entropy(h, labels))
    return step


def torch_step(p: dict):
    import torch
    import torch.nn.functional as TF
    X, labels = torch.from_numpy(p["X"]), torch.from_numpy(p["labels"])
    params = [torch.tensor(p[k], requires_grad=True) for k in param_names(p)]
    layers = len(params) // 2
    opt = torch.optim.SGD(params, lr=LR)

    def step() -> float:
        h = X
        for i in range(layers):
            h = TF.linear(h, params[2 * i], params[2 * i + 1])
            if i < layers - 1:
                h = torch.relu(h)
        return training_step(opt, TF.cross_entropy(h, labels))
    return step


def mygrad_step(p: dict):
    import mygrad as mg
    from mygrad.nnet import relu, softmax_crossentropy
    X, labels = mg.tensor(p["X"], constant=True), p["labels"]
    params = [mg.tensor(p[k]) for k in param_names(p)]
    layers = len(params) // 2

    def step() -> float:
        h = X
        for i in range(layers):
            h = h @ params[2 * i].T + params[2 * i + 1]
            if i < layers - 1:
                h = relu(h)
        return gradient_descent_step(params, LR, softmax_crossentropy(h, labels))
    return step


ENGINES = {"numpy": numpy_step, "tinygrad_edu": tinygrad_step, COMPILED: compiled(tinygrad_step),
           "torch": torch_step, "mygrad": mygrad_step}

MLP_MNIST = Workload(
    name="mlp", title="MLP 784-256-128-10 ReLU, CE, batch 128, SGD",
    build=lambda tiny: problem([20, 16, 12, 10] if tiny else [784, 256, 128, 10], 8 if tiny else 128, 2),
    engines=ENGINES, goal=1.10, float64=False, ahead_of=("mygrad",))

MLP_BIG = Workload(
    name="mlp_big", title="MLP 1024-2048-2048-10, batch 1024",
    build=lambda tiny: problem([24, 32, 32, 10] if tiny else [1024, 2048, 2048, 10], 16 if tiny else 1024, 3),
    engines=ENGINES, goal=1.0, float64=False, heavy=True)
