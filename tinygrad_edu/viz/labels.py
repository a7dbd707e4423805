"""Text shown in graph nodes: a tensor's values (small tensors) or summary statistics."""
from __future__ import annotations

import numpy as np

SMALL = 24  # tensors with at most this many elements show every value
LINE_WIDTH = 64  # characters a row of values may take before it wraps (8 values of 7 characters)


def shape_text(shape: tuple) -> str:
    return "(" + ", ".join(str(n) for n in shape) + ")" if shape else "scalar"


def array_text(a: np.ndarray) -> str:
    """Every value for a small array, else mean/std/min/max/norm."""
    a = np.asarray(a)
    if a.size <= SMALL:
        if a.ndim == 0:
            return _number(a.item())
        width = max(len(_number(x)) for x in a.flat)
        if a.ndim == 2 and a.shape[1] == 1 and a.shape[0] > 1:
            return _row(a[:, 0], width) + "ᵀ"   # a column vector, printed as a row: less tall
        return np.array2string(a, max_line_width=LINE_WIDTH, separator=" ",
                               formatter={"all": lambda x: _number(x).rjust(width)})
    finite = a[np.isfinite(a)] if a.dtype.kind == "f" else a
    if finite.size == 0:
        return "no finite values"
    stats = (f"mean {_number(finite.mean())}  std {_number(finite.std())}\n"
             f"min {_number(finite.min())}  max {_number(finite.max())}\n"
             f"norm {_number(np.linalg.norm(finite))}")
    if finite.size < a.size:
        stats += f"\n{a.size - finite.size} non-finite"
    return stats


def _row(v: np.ndarray, width: int) -> str:
    return "[[" + " ".join(_number(x).rjust(width) for x in v) + "]]"


def _number(x) -> str:
    x = float(x)
    if x == 0:
        return "0"
    if 1e-3 <= abs(x) < 1e4:
        return f"{x:.4g}"
    return f"{x:.2e}"


def grad_norm(g) -> float | None:
    if g is None:
        return None
    return float(np.linalg.norm(np.asarray(g, dtype=np.float64).ravel()))


def inline_text(a) -> str:
    """A small array on one line, nested like numpy: [[1 2 3] [4 5 6]]; a number as it is."""
    a = np.asarray(a)
    if a.ndim == 0:
        return _number(a.item())
    return "[" + " ".join(inline_text(row) for row in a) + "]"
