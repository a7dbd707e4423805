"""Adagrad (Duchi, Hazan & Singer 2011), with PyTorch's lr decay and weight decay."""
from __future__ import annotations

import numpy as np

from .optimizer import Optimizer


class Adagrad(Optimizer):
    """PyTorch's rule, step for step (g = grad, t = step count):

        g ← g + λ p                                  (weight_decay λ)
        s ← s + g²                                    (starting at initial_accumulator_value)
        p ← p − lr / (1 + (t − 1) lr_decay) · g / (√s + ε)
    """

    def __init__(self, params, lr: float = 1e-2, lr_decay: float = 0.0, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0, eps: float = 1e-10):
        super().__init__(params, {"lr": lr, "lr_decay": lr_decay, "weight_decay": weight_decay,
                                  "initial_accumulator_value": initial_accumulator_value, "eps": eps})

    def check_group(self, group: dict) -> None:
        values = {k: group[k] for k in ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")}
        if any(v < 0 for v in values.values()):
            raise ValueError("Adagrad: lr, lr_decay, weight_decay, initial_accumulator_value and eps must be "
                             ">= 0, got " + ", ".join(f"{k}={v}" for k, v in values.items()))

    def update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict) -> None:
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p
        if not state:
            state.update(step=0, sum=np.full_like(p, group["initial_accumulator_value"]))
        state["step"] += 1
        s = state["sum"]
        s += g * g
        lr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        p -= lr * g / (np.sqrt(s) + group["eps"])
