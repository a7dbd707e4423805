"""The engine's switches, per thread: whether operations record a graph (`no_grad()` /
`enable_grad()`), and whether detect_anomaly() checks them."""
from __future__ import annotations

import functools
import threading


class _GradState(threading.local):
    enabled = True   # record graphs: True; False under no_grad(); None in the engine's backward pass
    anomaly = False  # detect_anomaly(): check every op's output and local derivative


state = _GradState()

# How many threads have anomaly mode on. The engine tests this plain global before the
# thread-local flag, so the checks cost nothing when nobody uses them.
anomaly_threads = 0
_anomaly_lock = threading.Lock()


def set_anomaly_enabled(mode: bool) -> bool:
    """Switch anomaly mode for the current thread; returns the previous setting."""
    global anomaly_threads
    previous = state.anomaly
    if bool(mode) != previous:
        with _anomaly_lock:
            anomaly_threads += 1 if mode else -1
        state.anomaly = bool(mode)
    return previous


def is_grad_enabled() -> bool:
    return bool(state.enabled)


class _GradModeSwitch:
    """Context manager and decorator that sets grad recording for the current thread."""

    enabled: bool

    def __new__(cls, *args):
        self = super().__new__(cls)
        if len(args) == 1 and callable(args[0]):  # used bare, as PyTorch allows: @tg.no_grad
            return self(args[0])
        return self

    def __enter__(self):
        self._prev = state.enabled
        state.enabled = self.enabled
        return self

    def __exit__(self, *exc):
        state.enabled = self._prev
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return func(*args, **kwargs)
        return wrapper


class no_grad(_GradModeSwitch):
    """Nothing inside records a graph; results have requires_grad=False."""
    enabled = False


class enable_grad(_GradModeSwitch):
    """Record graphs again inside a no_grad block."""
    enabled = True


class backward_pass(_GradModeSwitch):
    """What the engine runs the ops' backward under: a graph only for create_graph, and otherwise
    `enabled` None rather than False, so that the gradients are not marked as a user's no_grad()
    results (see Function.apply)."""

    def __init__(self, create_graph: bool):
        self.enabled = True if create_graph else None


class set_grad_enabled(_GradModeSwitch):
    def __init__(self, mode: bool):
        self.enabled = bool(mode)

    def __call__(self, func):
        mode = self.enabled

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return func(*args, **kwargs)
        return wrapper
