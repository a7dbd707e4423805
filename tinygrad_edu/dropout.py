"""F.dropout (inverted dropout), used by the layers and by attention."""
from __future__ import annotations

import numpy as np

from . import _random
from .tensor import Tensor, as_tensor, describe


def dropout(x, p: float = 0.5, training: bool = True) -> Tensor:
    """Inverted dropout: in training, each element is kept with probability 1 − p and scaled by
    1/(1 − p) — a multiplication by a constant mask drawn from the library's generator
    (tg.manual_seed), shown in the graph as 'dropout mask'. Identity when not training."""
    _check_probability("dropout", p)
    x = as_tensor(x, "dropout")
    if not training or p == 0:
        return x
    if x.dtype.kind != "f":
        raise TypeError(f"dropout: expected a floating tensor, got {describe(x)}")
    return x * _mask(x.shape, p, x.dtype)


def dropout2d(x, p: float = 0.5, training: bool = True) -> Tensor:
    """Channel dropout of an (N, C, H, W) batch: each whole channel of each example is kept with
    probability 1 − p (and scaled by 1/(1 − p)) or zeroed, as PyTorch's F.dropout2d."""
    _check_probability("dropout2d", p)
    x = as_tensor(x, "dropout2d")
    if not training or p == 0:
        return x
    if x.ndim != 4 or x.dtype.kind != "f":
        raise ValueError(f"dropout2d: expected a floating (N, C, H, W) batch, got {describe(x)}")
    return x * _mask(x.shape[:2] + (1, 1), p, x.dtype)


def _mask(shape: tuple, p: float, dtype) -> Tensor:
    """Kept (1/(1 − p)) or dropped (0) with probability p, from the library's generator."""
    keep = _random.generator().random(shape) >= p
    mask = keep.astype(dtype) * (1.0 / (1.0 - p)) if p < 1 else np.zeros(shape, dtype)
    return Tensor(mask, dtype=dtype, name="dropout mask")  # no dot in it: viz groups dotted names


def _check_probability(who: str, p) -> None:
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating, np.integer)) or not 0 <= p <= 1:
        raise ValueError(f"{who}: p is the probability of zeroing an element and must be in [0, 1], "
                         f"got p={p!r}")
