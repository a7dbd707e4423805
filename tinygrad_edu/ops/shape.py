"""Ops that move elements without changing them; their gradients move G back the same way.
Forward results are numpy views where numpy can make one (no copies)."""
import numpy as np

from .. import autograd
from ..tensor import Function


class Reshape(Function):
    name, derivative = "reshape", "∂ = G reshaped back"
    uses_inputs = False
    is_view = True  # numpy may return a view: it shares the input's version counter

    def forward(self, x):
        self.in_shape = x.shape
        try:
            return x.reshape(self.shape)
        except ValueError:
            raise ValueError(f"cannot reshape shape {x.shape} ({x.size} elements) into shape "
                             f"{self.shape} (at most one -1; sizes must multiply to {x.size})") from None

    def backward(self, g):
        return (g.reshape(self.in_shape),)


class Transpose(Function):
    name, derivative = "transpose", "∂ = G transposed back"
    uses_inputs = False
    is_view = True  # numpy may return a view: it shares the input's version counter

    def forward(self, x):
        try:  # numpy checks the permutation (negative axes count from the end)
            return x.transpose(self.axes)
        except ValueError:
            raise ValueError(f"axes {self.axes} are not a permutation of the {x.ndim} axes of "
                             f"shape {x.shape}") from None

    def backward(self, g):
        inverse = np.argsort([a % g.ndim for a in self.axes])
        return (g.transpose(*inverse.tolist()),)


class BroadcastTo(Function):
    name, derivative = "broadcast", "∂ = G summed over the broadcast axes"
    uses_inputs = False
    is_view = True  # numpy may return a view: it shares the input's version counter

    def forward(self, x):
        self.in_shape = x.shape
        return np.broadcast_to(x, self.shape)

    def backward(self, g):
        return (autograd.sum_to_shape(g, self.in_shape),)
