"""`Parameter`: a Tensor that a `Module` learns (always requires grad, always floating)."""
from __future__ import annotations

import numpy as np

from ..tensor import DEFAULT_DTYPE, Tensor


class Parameter(Tensor):
    """`Parameter(data, requires_grad=True, dtype=None, name=None)`: a leaf Tensor that
    `Module.parameters()` finds. Integer data becomes float32 (gradients need a floating dtype).
    """

    __slots__ = ("_auto_name",)  # the name Module gave it (a user's own name is never replaced)

    def __init__(self, data, requires_grad: bool = True, dtype=None, name: str | None = None):
        if dtype is None:
            source = data.data if isinstance(data, Tensor) else np.asarray(data)
            if source.dtype.kind != "f":
                dtype = DEFAULT_DTYPE
        super().__init__(data, requires_grad=requires_grad, dtype=dtype, name=name)

    def __repr__(self) -> str:
        return "Parameter" + super().__repr__().removeprefix("Tensor")
