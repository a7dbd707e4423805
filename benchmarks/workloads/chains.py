"""Long chains of small elementwise ops: almost all of their time is per-op overhead.
  * 200 ops on 8 values, cycling  y·c,  y + d,  tanh y,  y·x  (x is used 50 times, so its
    gradient accumulates 50 contributions), loss Σy;
  * 100,000 ops on one value, alternating  y·1.0001  and  y + 0.0001. The value is a
    one-element array: numpy turns 0-d results into numpy scalars, which would time Python
    floats rather than arrays.
Each step is forward + backward (no update). float64."""
from __future__ import annotations

import numpy as np

from tinygrad_edu import Tensor

from .base import COMPILED, Workload, compiled

MUL, ADD = 1.0001, 0.0001


# --- 200-op mixed chain on 8 values ----------------------------------------------------------

def build_mixed(tiny: bool) -> dict:
    return {"x": np.random.default_rng(4).uniform(-1, 1, 8), "ops": 20 if tiny else 200}


def numpy_mixed(p: dict):
    x, n_ops = p["x"].copy(), p["ops"]

    def step() -> float:
        ys = [x]                      # the input of each op
        y = x
        for i in range(n_ops):
            kind = i % 4
            y = y * MUL if kind == 0 else y + ADD if kind == 1 else np.tanh(y) if kind == 2 else y * x
            ys.append(y)
        loss = y.sum()
        g = np.ones_like(x)
        gx = np.zeros_like(x)
        for i in range(n_ops - 1, -1, -1):
            kind = i % 4
            if kind == 0:
                g = g * MUL
            elif kind == 2:
                t = ys[i + 1]
                g = g * (1 - t * t)   # tanh' = 1 − tanh²
            elif kind == 3:
                gx += g * ys[i]       # ∂(y·x)/∂x = y
                g = g * x
        gx += g
        return float(loss)
    return step


def tinygrad_mixed(p: dict):
    x, n_ops = Tensor(p["x"], requires_grad=True), p["ops"]

    def step() -> float:
        y = x
        for i in range(n_ops):
            kind = i % 4
            y = y * MUL if kind == 0 else y + ADD if kind == 1 else y.tanh() if kind == 2 else y * x
        loss = y.sum()
        x.grad = None
        loss.backward()
        return loss.item()
    return step


def torch_mixed(p: dict):
    import torch
    x, n_ops = torch.tensor(p["x"], requires_grad=True), p["ops"]

    def step() -> float:
        y = x
        for i in range(n_ops):
            kind = i % 4
            y = y * MUL if kind == 0 else y + ADD if kind == 1 else torch.tanh(y) if kind == 2 else y * x
        loss = y.sum()
        x.grad = None
        loss.backward()
        return loss.item()
    return step


def mygrad_mixed(p: dict):
    import mygrad as mg
    x, n_ops = mg.tensor(p["x"]), p["ops"]

    def step() -> float:
        y = x
        for i in range(n_ops):
            kind = i % 4
            y = y * MUL if kind == 0 else y + ADD if kind == 1 else mg.tanh(y) if kind == 2 else y * x
        loss = y.sum()
        loss.backward()   # MyGrad replaces x.grad on every backward: nothing to clear
        return loss.item()
    return step


# --- 100,000-op chain on one value ----------------------------------------------------------

def build_long(tiny: bool) -> dict:
    return {"x": np.array([0.5]), "ops": 1000 if tiny else 100_000}


def numpy_long(p: dict):
    x, n_ops = p["x"].copy(), p["ops"]

    def step() -> float:
        y = x
        for i in range(n_ops):
            y = y * MUL if i % 2 == 0 else y + ADD
        g = np.ones_like(x)
        for i in range(n_ops - 1, -1, -1):
            if i % 2 == 0:
                g = g * MUL
        return float(y[0])
    return step


def tinygrad_long(p: dict):
    x, n_ops = Tensor(p["x"], requires_grad=True), p["ops"]

    def step() -> float:
        y = x
        for i in range(n_ops):
            y = y * MUL if i % 2 == 0 else y + ADD
        x.grad = None
        y.backward()
        return y.item()
    return step


def torch_long(p: dict):
    import torch
    x, n_ops = torch.tensor(p["x"], requires_grad=True), p["ops"]

    def step() -> float:
        y = x
        for i in range(n_ops):
            y = y * MUL if i % 2 == 0 else y + ADD
        x.grad = None
        y.backward()
        return y.item()
    return step


def mygrad_long(p: dict):
    import mygrad as mg
    x, n_ops = mg.tensor(p["x"]), p["ops"]

    def step() -> float:
        y = x
        for i in range(n_ops):
            y = y * MUL if i % 2 == 0 else y + ADD
        y.backward()
        return y.item()
    return step


CHAIN_200 = Workload(
    name="chain200", title="200-op elementwise chain on 8 values, fwd+bwd, per op",
    build=build_mixed, engines={"numpy": numpy_mixed, "tinygrad_edu": tinygrad_mixed,
                           COMPILED: compiled(tinygrad_mixed), "torch": torch_mixed, "mygrad": mygrad_mixed},
    goal=4.0, ops_per_step=200, ahead_of=("torch",))

CHAIN_100K = Workload(
    name="chain100k", title="100,000-op chain on one value, fwd+bwd",
    build=build_long, engines={"numpy": numpy_long, "tinygrad_edu": tinygrad_long, "torch": torch_long,
             "mygrad": mygrad_long},
    goal=5.0)
