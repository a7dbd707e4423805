"""Plain gradient descent on a write-up network, with autograd doing the backward pass."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..grad_mode import no_grad
from ..tensor import Tensor
from .network import Network


@dataclass
class TrainResult:
    name: str
    losses: list[float]
    params: dict[str, Tensor]
    metrics: dict[str, float] = field(default_factory=dict)   # e.g. train/test accuracy
    settings: dict[str, object] = field(default_factory=dict)


def gradient_descent(forward: Callable[[dict[str, Tensor]], Network], params: dict[str, Tensor],
                     iterations: int, lr: float, on_step: Callable[[int, float], None] | None = None) -> list[float]:
    """θ ← θ − lr·∂J/∂θ for every parameter, `iterations` times; returns the loss of each step."""
    losses = []
    for step in range(iterations):
        net = forward(params)
        for p in params.values():
            p.grad = None
        net.loss.backward()
        with no_grad():
            for p in params.values():
                p -= lr * p.grad
        losses.append(float(net.loss.data))
        if on_step is not None:
            on_step(step, losses[-1])
    return losses
