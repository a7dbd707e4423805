"""One hook for a program that watches the numbers a step computes: `tg.compile`'s tracer.

While an `Observer` is installed for a thread (`with observing(obs):`), the library tells it
of every call that computes or reads numbers in that thread:

  * `forward(node, inputs, out)`  from Function.apply, after each op's forward (backward's
    ops included): node.forward(*inputs' arrays) gave `out`; it returns the array the output
    Tensor is to hold;
  * `update(optimizer, param, grad, state, group)`  from Optimizer.step, just before
    `optimizer.update(param.data, grad, state, group)` changes a parameter;
  * `read(tensor, how)`  from Tensor.item() ("item") and bool(tensor) ("bool"): a value leaves
    the graph for the program's Python.

Nothing is replaced or patched: the engine asks `current()` and, when it is None (always,
unless a step is being compiled), carries on.
"""
from __future__ import annotations

import threading

import numpy as np


class Observer:
    """The calls an observer receives; each does nothing here."""

    def forward(self, node, inputs: tuple, out: np.ndarray) -> np.ndarray:
        return out

    def update(self, optimizer, param, grad: np.ndarray, state: dict, group: dict) -> None:
        pass

    def read(self, tensor, how: str) -> None:
        pass


class _Watching(threading.local):
    observer: Observer | None = None


_watching = _Watching()


def current() -> Observer | None:
    """The observer installed for this thread, or None."""
    return _watching.observer


class observing:
    """`with observing(obs):` installs `obs` for the current thread, restoring the previous one
    on exit."""

    def __init__(self, observer: Observer):
        self.observer = observer

    def __enter__(self):
        self.previous, _watching.observer = _watching.observer, self.observer
        return self.observer

    def __exit__(self, *exc):
        _watching.observer = self.previous
        return False
