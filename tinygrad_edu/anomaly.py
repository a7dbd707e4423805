"""`detect_anomaly()`: stop at the first op whose value or local derivative is NaN or inf.

While the mode is on (a per-thread flag), the engine calls three hooks of this module:
  * `check_forward`   after every op's forward: its output must be finite;
  * `record_creation` for every recorded node: remember the user's line that created it;
  * `backward_of`     instead of `fn.backward(g)`: the local derivative must be finite.
When no thread has it on, none of them runs: the engine only tests the plain global
`grad_mode.anomaly_threads` per op.
"""
from __future__ import annotations

import functools
import linecache
import os
import sys
import threading

import numpy as np

from .grad_mode import set_anomaly_enabled
from .tensor import describe

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
# the package's own programs, which use the library as a user's code would: their lines are blamed
_PROGRAMS = {"commands", "documents", "exercises", "recipes"}


class detect_anomaly:
    """Context manager (and decorator): raise `FloatingPointError` at the first NaN/inf.

    Forward: names the op, its inputs and the line of user code that called it.
    Backward: names the op whose local derivative went non-finite and where it was created.
    Slow (every value is scanned, every node remembers its creation line): debugging only.
    """

    def __enter__(self):
        self._prev = set_anomaly_enabled(True)
        return self

    def __exit__(self, *exc):
        set_anomaly_enabled(self._prev)
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with detect_anomaly():
                return func(*args, **kwargs)
        return wrapper


# ---------------------------------------------------------------------------------------------
# where in the user's code

def _in_library(filename: str) -> bool:
    """Whether a frame belongs to the library (any file of the package's folder), as opposed to
    code that uses it: the user's, or the package's own programs (demos, documents, training
    loops)."""
    path = os.path.abspath(filename)
    return path.startswith(_PACKAGE_DIR) and path[len(_PACKAGE_DIR):].split(os.sep)[0] not in _PROGRAMS


def user_line() -> str:
    """'file:line, in function: source' of the innermost frame outside the library."""
    frame = sys._getframe(1)
    while frame is not None and _in_library(frame.f_code.co_filename):
        frame = frame.f_back
    if frame is None:
        return "<inside tinygrad_edu>"
    filename, lineno = frame.f_code.co_filename, frame.f_lineno
    source = linecache.getline(filename, lineno).strip()
    where = f"{filename}:{lineno}, in {frame.f_code.co_name}"
    return f"{where}: {source}" if source else where


# ---------------------------------------------------------------------------------------------
# the hooks

class _BackwardContext(threading.local):
    op = None    # the node whose local derivative is being computed, if any
    grad = None  # and the gradient it received


_backward = _BackwardContext()


def _non_finite(data) -> str | None:
    """'NaN', 'inf' or 'NaN and inf' when a floating array holds them, else None."""
    data = np.asarray(data)
    if data.dtype.kind not in "fc" or np.isfinite(data).all():
        return None
    has_nan, has_inf = bool(np.isnan(data).any()), bool(np.isinf(data).any())
    return " and ".join(word for word, present in (("NaN", has_nan), ("inf", has_inf)) if present)


def _inputs_text(tensors) -> str:
    return ", ".join(describe(t) for t in tensors) or "none"


def _creation_text(fn) -> str:
    if fn.created_at is None:
        return "(created outside detect_anomaly(); run the forward pass inside it to see where)"
    return f"created at {fn.created_at}"


def _incoming_text(grad) -> str:
    incoming = _non_finite(grad.data)
    if incoming:
        return f"; the incoming gradient already held {incoming}"
    return "; the incoming gradient was finite"


def check_forward(fn, inputs, data) -> None:
    what = _non_finite(data)
    if what is None:
        return
    op = _backward.op
    if op is not None:  # an op run by some node's backward: blame that node's derivative
        raise FloatingPointError(
            f"detect_anomaly: the local derivative of op '{op.name}' produced {what} in backward "
            f"(in its step '{fn.name}' of {_inputs_text(inputs)}){_incoming_text(_backward.grad)}; "
            f"op '{op.name}' with inputs {_inputs_text(op.inputs)} was {_creation_text(op)}")
    raise FloatingPointError(
        f"detect_anomaly: op '{fn.name}' produced {what} in forward (inputs: "
        f"{_inputs_text(inputs)}), called at {user_line()}")


def record_creation(fn) -> None:
    fn.created_at = user_line()  # a string, never a frame: a frame would keep the graph alive


def backward_of(fn, grad):
    """`fn.backward(grad)`, checked: every input gradient must be finite."""
    outer = _backward.op, _backward.grad
    _backward.op, _backward.grad = fn, grad
    try:
        input_grads = fn.backward(grad)
    finally:
        _backward.op, _backward.grad = outer
    for i, g in enumerate(input_grads):
        what = None if g is None else _non_finite(g.data)
        if what is not None:
            raise FloatingPointError(
                f"detect_anomaly: the local derivative of op '{fn.name}' produced {what} for input "
                f"{i} ({describe(fn.inputs[i])}) in backward{_incoming_text(grad)}; the op was "
                f"{_creation_text(fn)}")
    return input_grads
