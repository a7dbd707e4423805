"""topk: the k largest (or smallest) entries along an axis, sorted, and where they were."""
import numpy as np

from ..function import Function
from .indexing import ScatterAdd


def topk_indices(x: np.ndarray, k: int, axis: int, largest: bool) -> np.ndarray:
    """Indices of the k largest (smallest) entries along `axis`, in sorted order; NaN counts as
    the largest value, as PyTorch; ties keep the order of their positions (a stable sort)."""
    moved = np.moveaxis(x, axis, -1)
    nan = np.isnan(moved) if moved.dtype.kind == "f" else np.zeros(moved.shape, bool)
    value = np.where(nan, 0, moved)
    if value.dtype.kind == "u":
        value = value.astype(np.int64)  # so that −value does not wrap around
    if not largest:
        order = np.lexsort((value, nan), axis=-1)   # lexsort: by the last key first; NaN last
    elif value.dtype.kind == "b":
        order = np.lexsort((~value, ~nan), axis=-1)
    else:
        order = np.lexsort((-value, ~nan), axis=-1)  # NaN first, then the largest
    return np.moveaxis(order[..., :k], -1, axis)


def along(indices: np.ndarray, axis: int) -> tuple:
    """An advanced index that picks, along `axis`, the given indices (numpy's take_along_axis
    as an index, so indexing and its adjoint ScatterAdd can use it)."""
    return tuple(indices if i == axis else
                 np.arange(n).reshape([-1 if j == i else 1 for j in range(indices.ndim)])
                 for i, n in enumerate(indices.shape))


class TopK(Function):
    """values = x[index], `index` (a parameter) the top-k positions along the axis; ∂x = G placed
    back at those positions, 0 elsewhere."""
    name, derivative = "topk", "∂x[top k] = G, 0 elsewhere"
    uses_inputs = False

    def forward(self, x):
        return x[self.index]

    def backward(self, g):
        return (ScatterAdd.apply(g, index=self.index, shape=self.inputs[0].shape),)
