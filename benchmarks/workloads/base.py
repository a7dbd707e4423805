"""What a workload is: one problem (data + initial weights, as numpy arrays) and, per engine,
a factory that copies the initial weights and returns `step()`: one training step (forward,
backward, parameter update) that returns the loss as a Python float."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

Step = Callable[[], float]


@dataclass
class Workload:
    name: str                                   # used by --workload
    title: str                                  # the row label of the results table
    build: Callable[[bool], dict]               # build(tiny) -> problem
    engines: dict[str, Callable[[dict], Step]]  # "numpy", "tinygrad_edu", peers ("torch", "mygrad") -> factory
    goal: float                                 # target ratio tinygrad_edu / numpy
    float64: bool = True                        # sets the tolerance of the same-loss check
    ops_per_step: int = 1                       # > 1: times are also reported per op
    heavy: bool = False                         # skipped by --quick unless named
    notes: list[str] = field(default_factory=list)
    ahead_of: tuple[str, ...] = ()              # peers whose ratio tinygrad_edu's must also beat


COMPILED = "tinygrad_edu compiled"


def compiled(factory: Callable[[dict], Step]) -> Callable[[dict], Step]:
    """The engine key COMPILED: the same step under tg.compile, traced on its first two calls
    (eagerly) and replayed from the third."""
    def make(problem: dict) -> Step:
        import tinygrad_edu as tg
        return tg.compile(factory(problem))
    return make


def training_step(opt, loss) -> float:
    """zero_grad, backward, step: the same three calls in tinygrad_edu and in PyTorch."""
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


def gradient_descent_step(params, lr: float, loss) -> float:
    """MyGrad has no optimizers: backward, then the update by hand on each parameter's array
    (MyGrad's own idiom; backward has already cleared the graph, so the arrays are writable)."""
    loss.backward()
    for p in params:
        p.data -= lr * p.grad
    return loss.item()


def softmax_cross_entropy(logits: np.ndarray, targets: np.ndarray, rows: np.ndarray):
    """The hand-written numpy floor's loss: mean cross-entropy of row logits, and its gradient
    ∂L/∂logits = (softmax − onehot) / n."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1, keepdims=True)
    loss = -np.mean(shifted[rows, targets] - np.log(total[:, 0]))
    d_logits = e / total
    d_logits[rows, targets] -= 1
    d_logits /= len(rows)
    return loss, d_logits
