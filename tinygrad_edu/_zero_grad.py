"""`zero_grad(set_to_none=True)` of modules and optimizers, once."""
from __future__ import annotations

import numpy as np

from .tensor import wrap


def zero_gradients(params, set_to_none: bool = True) -> None:
    """Each gradient becomes None (PyTorch's default) or, with set_to_none=False, zeros of its
    shape and dtype; as in PyTorch, a parameter without a gradient keeps None. The zeros are a new
    array: a gradient array may be shared with other tensors, so it is never written in place."""
    for p in params:
        if set_to_none or p.grad is None:
            p.grad = None
        else:
            p.grad = wrap(np.zeros_like(p.grad.data))
