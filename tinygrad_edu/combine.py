"""Functions of several tensors, as PyTorch's torch.<name>: cat, stack, where, maximum, minimum
(exported as tg.<name>)."""
from __future__ import annotations

import numpy as np

from . import ops
from .tensor import Tensor, array_of, as_tensor, describe


def _tensors(tensors, op: str) -> list:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}: expected a list or tuple of Tensors, got {type(tensors).__name__}")
    if not tensors:
        raise ValueError(f"{op}: expected a non-empty list of Tensors")
    return [as_tensor(t, op, arg=f"item {i}") for i, t in enumerate(tensors)]


def cat(tensors, dim: int = 0) -> Tensor:
    """Join tensors along an existing axis `dim`; their other axes must agree."""
    tensors = _tensors(tensors, "cat")
    first = tensors[0]
    if first.ndim == 0:
        raise ValueError("cat: 0-d tensors cannot be concatenated; use tg.stack")
    (ax,) = ops.normalize_axis(dim, first.ndim, "cat")
    for t in tensors[1:]:
        if t.ndim != first.ndim or any(a != b for i, (a, b) in enumerate(zip(t.shape, first.shape)) if i != ax):
            raise ValueError(f"cat: tensors must have the same shape except along dim {dim}; got "
                             f"shapes {', '.join(str(x.shape) for x in tensors)}")
    return ops.Cat.apply(*tensors, axis=ax)


def stack(tensors, dim: int = 0) -> Tensor:
    """Join tensors of one shape along a new axis `dim`."""
    tensors = _tensors(tensors, "stack")
    ndim = tensors[0].ndim
    if any(t.shape != tensors[0].shape for t in tensors):
        raise ValueError(f"stack: tensors must all have the same shape; got shapes "
                         f"{', '.join(str(x.shape) for x in tensors)}")
    if not -ndim - 1 <= dim <= ndim:
        raise ValueError(f"stack: dim {dim} is out of range for tensors of {ndim} dimensions "
                         f"(valid: {-ndim - 1} to {ndim})")
    return ops.Stack.apply(*tensors, axis=dim % (ndim + 1))


def _pair(a, b, op: str):
    """Two operands as Tensors; a Python number or array takes the other side's dtype."""
    if isinstance(a, Tensor):
        return a, as_tensor(b, op, like=a)
    if isinstance(b, Tensor):
        return as_tensor(a, op, like=b), b
    raise TypeError(f"{op}: expected at least one Tensor, got {type(a).__name__} and {type(b).__name__}")


def where(condition, input, other) -> Tensor:  # noqa: A002 (PyTorch's argument names)
    """Elementwise `input` where condition is true, else `other` (all three broadcast)."""
    cond = array_of(condition, "where", "condition")
    if cond.dtype != np.bool_:
        raise TypeError(f"where: condition must be boolean (e.g. x > 0), got dtype {cond.dtype}")
    a, b = _pair(input, other, "where")
    try:
        np.broadcast_shapes(cond.shape, a.shape, b.shape)
    except ValueError:
        raise ValueError(f"where: condition of shape {cond.shape}, {describe(a)} and {describe(b)} "
                         "do not broadcast together") from None
    return ops.Where.apply(a, b, cond=cond)


def maximum(input, other) -> Tensor:  # noqa: A002
    """Elementwise max of two tensors (broadcasting); a tie splits the gradient in half."""
    return ops.Maximum.apply(*_pair(input, other, "maximum"))


def minimum(input, other) -> Tensor:  # noqa: A002
    """Elementwise min of two tensors (broadcasting); a tie splits the gradient in half."""
    return ops.Minimum.apply(*_pair(input, other, "minimum"))
