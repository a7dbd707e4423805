"""t[index]: basic slicing and integer-array indexing. Repeated indices accumulate (np.add.at)."""
import numpy as np

from ..function import Function
from ..tensor import Tensor


def normalize_index(index):
    """Tensors and lists inside an index become numpy arrays."""
    if isinstance(index, tuple):
        return tuple(normalize_index(i) for i in index)
    if isinstance(index, Tensor):
        index = index.data
    elif isinstance(index, list):
        index = np.asarray(index)
    if isinstance(index, np.ndarray) and index.dtype.kind == "f":
        if not np.all(index == np.round(index)):
            raise IndexError("index arrays must hold integers")
        index = index.astype(np.intp)
    return index


def _is_advanced(index) -> bool:
    items = index if isinstance(index, tuple) else (index,)
    return any(isinstance(i, np.ndarray) for i in items)


class GetItem(Function):
    name, derivative = "index", "∂ = G scattered back (repeats add up)"
    uses_inputs = False
    is_view = True  # numpy may return a view: it shares the input's version counter

    def forward(self, x):
        self.save_for_backward(in_shape=x.shape)
        return x[self.index]

    def backward(self, g):
        return (ScatterAdd.apply(g, index=self.index, shape=self.saved.in_shape),)


class ScatterAdd(Function):
    """zeros(shape) with G added at `index`: the adjoint of indexing."""
    name, derivative = "scatter_add", "∂ = G[index]"
    uses_inputs = False

    def forward(self, g):
        out = np.zeros(self.shape, dtype=g.dtype)
        if _is_advanced(self.index):
            np.add.at(out, self.index, g)
        else:
            out[self.index] = g
        return out

    def backward(self, g):
        return (g[self.index],)


class Embedding(Function):
    """weight[idx]: rows of a table picked by integer indices. Lookups of `padding_idx` send no
    gradient to its row (PyTorch's padding_idx)."""
    name, derivative = "embedding", "∂W[k] = Σ G over the lookups of row k (none for padding_idx)"
    uses_inputs = False

    def forward(self, weight):
        self.save_for_backward(shape=weight.shape)
        return weight[self.idx]

    def backward(self, g):
        idx = self.idx
        if self.padding_idx is not None:
            used = idx != self.padding_idx
            idx, g = idx[used], g[used]
        return (ScatterAdd.apply(g, index=idx, shape=self.saved.shape),)
