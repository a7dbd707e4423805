"""`t.size`: numpy's element count used as a number, PyTorch's shape when called."""
from __future__ import annotations


class ElementCount(int):
    """An int (numpy's `a.size`: the number of elements) that, called as PyTorch's `t.size()`,
    gives the shape, and `t.size(dim)` one extent (negative dims count from the end).

    Arithmetic, comparison, formatting, `range()`, numpy and json see a plain int."""

    def __new__(cls, shape: tuple):
        count = 1
        for n in shape:
            count *= n
        self = super().__new__(cls, count)
        self.shape = shape
        return self

    def __call__(self, dim=None):
        if dim is None:
            return self.shape
        ndim = len(self.shape)
        if isinstance(dim, bool) or not hasattr(dim, "__index__"):
            raise TypeError(f"size(dim): dim must be an int, got {type(dim).__name__}")
        dim = dim.__index__()
        if not -ndim <= dim < ndim or ndim == 0:
            low, high = (-ndim, ndim - 1) if ndim else (-1, 0)
            raise IndexError(f"size({dim}): dimension out of range (expected to be in range of [{low}, {high}] "
                             f"for a tensor of shape {self.shape}, but got {dim})")
        return self.shape[dim]

    def __repr__(self) -> str:
        return int.__repr__(self)

    __str__ = __repr__

    def __reduce__(self):  # pickles and copies as the plain int
        return (int, (int(self),))
