"""The story of Karpathy's makemore lecture on activations and gradients, on the digits, told by
viz.TrainingMonitor: a tanh MLP with a careless initialisation, then fixed one step at a time.

    from tinygrad_edu.recipes import fix_step_by_step, stages_table
    stages = fix_step_by_step()          # four networks trained alike, a monitor on each
    print(stages_table(stages))          # the monitor's findings and the validation loss

The stages (each keeps the fixes before it):
  1. careless   every weight and bias ~ N(0, 1): the logits are large (an over-confident,
                wrong output) and the hidden pre-activations have std ≈ √fan_in, so tanh saturates;
  2. last layer × 0.01, its bias 0: the first loss is ln 10, but tanh still saturates;
  3. gain/√fan_in: hidden weights × (5/3)/√fan_in (tanh's gain 5/3), biases × 0.01: healthy;
  4. batch norm: Linear (no bias) → BatchNorm1d → Tanh, which keeps the pre-activations at unit
     scale whatever the weights do.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .. import _random, nn, optim
from .. import functional as F
from ..data import batches, load_split
from ..grad_mode import no_grad
from ..tensor import Tensor
from ..viz.monitor import TrainingMonitor

STAGES = ("careless init: W, b ~ N(0, 1)", "+ last layer × 0.01", "+ hidden W × (5/3)/√fan_in",
          "+ batch norm before each tanh")
TANH_GAIN = 5 / 3


def tanh_mlp(stage: int, sizes=(64, 100, 100, 100, 10), seed: int = 0) -> nn.Sequential:
    """The MLP of stage 0 … 3 (see the module's docstring): Linear, [BatchNorm1d,] Tanh, …, Linear."""
    rng = np.random.default_rng(seed)
    _random.manual_seed(seed)
    layers = []
    last = len(sizes) - 2
    for i, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
        norm = stage >= 3 and i < last
        linear = nn.Linear(fan_in, fan_out, bias=not norm)
        with no_grad():
            linear.weight.data[...] = rng.standard_normal((fan_out, fan_in))
            if linear.bias is not None:
                linear.bias.data[...] = rng.standard_normal(fan_out)
            if i == last and stage >= 1:
                linear.weight.data *= 0.01
                linear.bias.data[...] = 0.0
            if i < last and stage >= 2:
                linear.weight.data *= TANH_GAIN / math.sqrt(fan_in)
                if linear.bias is not None:
                    linear.bias.data *= 0.01
        layers.append(linear)
        if i < last:
            layers += [nn.BatchNorm1d(fan_out), nn.Tanh()] if norm else [nn.Tanh()]
    return nn.Sequential(*layers)


@dataclass
class Stage:
    name: str
    model: nn.Module
    monitor: object
    findings: list = field(default_factory=list)
    first_loss: float = float("nan")
    val_loss: float = float("nan")
    val_accuracy: float = float("nan")


def fix_step_by_step(epochs: int = 3, lr: float = 0.1, batch_size: int = 32, seed: int = 0,
                     stages=(0, 1, 2, 3)) -> list:
    """Train the stages' networks alike (SGD, the same batches), each watched by a
    TrainingMonitor; returns a Stage per network with its findings and validation loss."""
    X_train, X_val, y_train, y_val = load_split("digits", test_fraction=0.25, seed=seed)
    results = []
    for stage in stages:
        model = tanh_mlp(stage, seed=seed)
        monitor = TrainingMonitor(model)
        optimizer = optim.SGD(model.parameters(), lr=lr)
        for epoch in range(epochs):
            for xb, yb in batches(X_train, y_train, batch_size, shuffle=True, seed=seed + epoch, drop_last=True):
                loss = F.cross_entropy(model(Tensor(xb)), yb)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                monitor.record(loss)
        model.eval()
        with no_grad():
            logits = model(Tensor(X_val))
            val_loss = F.cross_entropy(logits, y_val).item()
        monitor.remove()
        results.append(Stage(STAGES[stage], model, monitor, monitor.diagnose(), monitor.history[0]["loss"],
                             val_loss, float(np.mean(logits.data.argmax(axis=1) == y_val))))
    return results


def stages_table(results: list) -> str:
    """One row per stage: first loss, validation loss and accuracy, and the monitor's findings."""
    head = ("stage", "first loss", "val loss", "val acc", "findings (kind: where)")
    rows = []
    for r in results:
        found = ", ".join(f"{f.kind}" + (f": {r.monitor.label(f.where)}" if f.where else "") for f in r.findings)
        rows.append((r.name, f"{r.first_loss:.2f}", f"{r.val_loss:.3f}", f"{r.val_accuracy:.1%}", found or "none"))
    widths = [max(len(str(row[i])) for row in (head, *rows)) for i in range(len(head))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in (head, *rows)]
    lines.insert(1, "  ".join("─" * w for w in widths))
    return "\n".join(lines)
