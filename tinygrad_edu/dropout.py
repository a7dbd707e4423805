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
    keep = _random.generator().random(x.shape) >= p
    mask = keep.astype(x.dtype) * (1.0 / (1.0 - p)) if p < 1 else np.zeros(x.shape, x.dtype)
    return x * Tensor(mask, dtype=x.dtype, name="dropout mask")  # no dot in it: viz groups dotted names


def _check_probability(who: str, p) -> None:
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating, np.integer)) or not 0 <= p <= 1:
        raise ValueError(f"{who}: p is the probability of zeroing an element and must be in [0, 1], "
                         f"got p={p!r}")
