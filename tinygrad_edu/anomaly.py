"""`detect_anomaly()`: stop at the first op whose value or local derivative is NaN or inf.
Costs nothing when off: the engine only imports this module while the mode is on."""
from __future__ import annotations

import traceback

import numpy as np

from .grad_mode import state
from .tensor import describe


class detect_anomaly:
    """Context manager: raise FloatingPointError at the first NaN/inf in forward or backward,
    naming the op, its input shapes and the line of user code that created it."""

    def __enter__(self):
        self._prev = state.anomaly
        state.anomaly = True
        return self

    def __exit__(self, *exc):
        state.anomaly = self._prev
        return False


def _user_line() -> str:
    for frame in reversed(traceback.extract_stack()[:-1]):
        if "tinygrad_edu" not in frame.filename.replace("\\", "/").split("/site-packages/")[-1].split("/")[-2:-1] \
                and "/tinygrad_edu/" not in frame.filename.replace("\\", "/"):
            return f'File "{frame.filename}", line {frame.lineno}, in {frame.name}: {frame.line}'
    return "<unknown>"


def check_forward(fn, inputs, data) -> None:
    if np.issubdtype(np.asarray(data).dtype, np.floating) and not np.all(np.isfinite(data)):
        shapes = ", ".join(describe(t) for t in inputs)
        raise FloatingPointError(f"detect_anomaly: op '{fn.name}' produced NaN or inf in forward "
                                 f"(inputs: {shapes}), called at {_user_line()}")


def record_creation(fn) -> None:
    fn.created_at = _user_line()


def check_backward(fn, input_grads) -> None:
    for i, g in enumerate(input_grads):
        if g is not None and not np.all(np.isfinite(g.data)):
            shapes = ", ".join(describe(t) for t in fn.inputs)
            raise FloatingPointError(
                f"detect_anomaly: the local derivative of op '{fn.name}' produced NaN or inf for "
                f"input {i} in backward (inputs: {shapes}); the op was created at {fn.created_at}")
