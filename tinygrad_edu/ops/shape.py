"""Ops that move elements without changing them; their gradients move G back the same way.
Forward results are numpy views where numpy can make one (no copies)."""
import numpy as np

from .. import autograd
from ..function import Function


class Reshape(Function):
    name, derivative = "reshape", "∂ = G reshaped back"
    uses_inputs = False
    is_view = True  # numpy may return a view: it shares the input's version counter

    def forward(self, x):
        self.save_for_backward(in_shape=x.shape)
        try:
            return x.reshape(self.shape)
        except ValueError:
            raise ValueError(f"cannot reshape shape {x.shape} ({x.size} elements) into shape "
                             f"{self.shape} (at most one -1; sizes must multiply to {x.size})") from None

    def backward(self, g):
        return (g.reshape(self.saved.in_shape),)


def transpose_axes(dims: tuple, shape: tuple) -> tuple:
    """The permutation that `Tensor.transpose(*dims)` means (the contract's rule): two dims
    swap those axes, as PyTorch (any rank, negative dims allowed); none reverse every axis, as
    numpy and `.T`; a full permutation of 3 or more axes keeps numpy's meaning (numpy checks it
    in forward)."""
    ndim = len(shape)
    if not dims:
        return tuple(range(ndim - 1, -1, -1))
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    if len(dims) == 2:
        d0, d1 = dims
        if ndim == 0 and d0 in (0, -1) and d1 in (0, -1):  # PyTorch: a 0-d tensor swaps dim 0 with itself
            return ()
        for d in dims:
            if not isinstance(d, (int, np.integer)) or not -ndim <= d < ndim:
                raise ValueError(f"transpose: dim {d!r} is out of range for shape {shape} (dims "
                                 f"{-ndim} … {ndim - 1}); transpose(dim0, dim1) swaps two axes")
        axes = list(range(ndim))
        d0, d1 = d0 % ndim, d1 % ndim
        axes[d0], axes[d1] = d1, d0
        return tuple(axes)
    if len(dims) < 3:
        raise ValueError(f"transpose: got dims {dims} for shape {shape}; transpose(dim0, dim1) "
                         f"swaps two axes (PyTorch), transpose() reverses them, and permute(*dims) "
                         f"reorders them")
    return dims


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
        return (Transpose.apply(g, axes=tuple(inverse.tolist())),)  # the full inverse permutation


class BroadcastTo(Function):
    name, derivative = "broadcast", "∂ = G summed over the broadcast axes"
    uses_inputs = False
    is_view = True  # numpy may return a view: it shares the input's version counter

    def forward(self, x):
        self.save_for_backward(in_shape=x.shape)
        if x.ndim == 0:  # one value everywhere (e.g. the gradient of a full sum): a zero-stride
            # view built directly, as np.broadcast_to would make it but without its ~3 µs of setup
            view = np.ndarray(self.shape, x.dtype, x, 0, (0,) * len(self.shape))
            view.setflags(write=False)
            return view
        return np.broadcast_to(x, self.shape)

    def backward(self, g):
        return (autograd.sum_to_shape(g, self.saved.in_shape),)
