"""One hook for a program that watches the numbers a step computes: `tg.compile`'s tracer.

While an `Observer` is installed for a thread (`with observing(obs):`), the library tells it
of every call that computes or reads numbers in that thread:

  * `forward(node, inputs, out)`  from Function.apply, after each op's forward (backward's
    ops included): node.forward(*inputs' arrays) gave `out` (an array: a numpy scalar is made
    a 0-d array first); it returns the array the output Tensor is to hold;
  * `update(optimizer, param, grad, state, group)`  from Optimizer.step, just before
    `optimizer.update(param.data, grad, state, group)` changes a parameter;
  * `read(tensor, how)`  from Tensor.item() ("item") and bool(tensor) ("bool"): a value leaves
    the graph for the program's Python.

Nothing is replaced or patched: the engine tests the plain global `watching` (how many threads
have an observer: 0 unless a step is being compiled), then tells `current()`, which in a thread
without an observer of its own is `NOBODY`, the Observer that does nothing.
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


NOBODY = Observer()   # what a thread without an observer of its own is told


class _Watching(threading.local):
    observer: Observer = NOBODY


_watching = _Watching()
watching = 0   # threads with an observer installed
_count_lock = threading.Lock()


def current() -> Observer:
    """The observer installed for this thread (NOBODY if none is)."""
    return _watching.observer


class observing:
    """`with observing(obs):` installs `obs` for the current thread, restoring the previous one
    on exit."""

    def __init__(self, observer: Observer):
        self.observer = observer

    def __enter__(self):
        global watching
        self.previous, _watching.observer = _watching.observer, self.observer
        with _count_lock:
            watching += 1
        return self.observer

    def __exit__(self, *exc):
        global watching
        _watching.observer = self.previous
        with _count_lock:
            watching -= 1
        return False
