"""Picking and blanking parts of a tensor, as PyTorch's: masked_fill, tril / triu (the causal
mask), topk (sampling's top-k). The checks live here; the ops (ops/masking.py, ops/topk.py)
only compute. Also the methods t.masked_fill, t.tril, t.triu, t.topk."""
from __future__ import annotations

import numbers

import numpy as np

from . import ops
from .ops.topk import along, topk_indices
from .tensor import Tensor, ValuesIndices, array_of, as_tensor, describe, wrap


def masked_fill(x: Tensor, mask, value) -> Tensor:
    """x with `value` wherever the boolean `mask` (a Tensor or array broadcasting against x) is
    True; the gradient is 0 there. `value` a number or a 0-d Tensor (which gets a gradient)."""
    x = as_tensor(x, "masked_fill")
    mask = boolean_mask(mask, x.shape, "masked_fill", "mask")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise ValueError(f"masked_fill: value must be a number or a 0-d tensor, got {describe(value)}")
        if value.requires_grad:
            return ops.MaskedFill.apply(x, value, mask=mask, value=None)
        value = value.data
    elif not isinstance(value, (numbers.Number, np.generic)):
        raise TypeError(f"masked_fill: value must be a number or a 0-d tensor, got {type(value).__name__}")
    return ops.MaskedFill.apply(x, mask=mask, value=value)


def boolean_mask(mask, shape: tuple, op: str, argument: str) -> np.ndarray:
    """`mask` as a boolean array that broadcasts against `shape`, or a clear error."""
    array = array_of(mask, op, argument)
    if array.dtype != np.bool_:
        raise TypeError(f"{op}: {argument} must be boolean (True where to fill), got dtype {array.dtype} "
                        f"(shape {array.shape}); compare to make one, e.g. {argument} == 0")
    try:
        np.broadcast_shapes(array.shape, shape)
    except ValueError:
        raise ValueError(f"{op}: {argument} of shape {array.shape} does not broadcast against the "
                         f"tensor of shape {shape}") from None
    return array


def tril(x: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two axes (j − i ≤ diagonal kept, the rest 0), as torch.tril."""
    x = _triangle_input(x, diagonal, "tril")
    return ops.Tril.apply(x, diagonal=int(diagonal))


def triu(x: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two axes (j − i ≥ diagonal kept, the rest 0), as torch.triu."""
    x = _triangle_input(x, diagonal, "triu")
    return ops.Triu.apply(x, diagonal=int(diagonal))


def _triangle_input(x, diagonal, op: str) -> Tensor:
    x = as_tensor(x, op)
    if x.ndim < 2:
        raise ValueError(f"{op}: expected a tensor with at least 2 dimensions (the last two form the "
                         f"matrix), got {describe(x)}")
    if isinstance(diagonal, bool) or not isinstance(diagonal, (int, np.integer)):
        raise TypeError(f"{op}: diagonal must be an int, got {diagonal!r}")
    return x


def topk(x: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> ValuesIndices:  # noqa: A002
    """(values, indices) of the k largest (largest=False: smallest) entries along `dim`, in
    sorted order (NaN counts as the largest); values are differentiable, indices int64."""
    x = as_tensor(x, "topk")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"topk: k must be an int, got {k!r}")
    if x.ndim == 0:
        x = x.reshape(1)
        scalar = True
    else:
        scalar = False
    (axis,) = ops.normalize_axis(dim, x.ndim, "topk")
    size = x.shape[axis]
    if not 0 <= k <= size:
        raise ValueError(f"topk: k={k} is out of range for dim {dim} of size {size} ({describe(x)}); "
                         f"k must be in 0..{size}")
    where = topk_indices(x.data, int(k), axis, bool(largest))
    values = ops.TopK.apply(x, index=along(where, axis))
    indices = wrap(where.astype(np.int64))
    if scalar:
        values, indices = values.reshape(()), wrap(indices.data.reshape(()))
    return ValuesIndices(values, indices)
