"""Reductions and softmax. The gradient of a reduction is G spread back over the reduced axes."""
import numpy as np

from ..tensor import Function
from ..tensor import Tensor


def normalize_axis(axis, ndim: int, op: str):
    """None, an int or a tuple of ints (negative allowed) -> None or a sorted tuple."""
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(f"{op}: axis {a} is out of range for a tensor with {ndim} dimensions")
        out.append(int(a) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated axis in {axis}")
    return tuple(sorted(out))


def _kept_shape(shape: tuple, axis) -> tuple:
    """The shape of the result with keepdims=True."""
    if axis is None:
        return (1,) * len(shape)
    return tuple(1 if i in axis else n for i, n in enumerate(shape))


def _spread(g: Tensor, shape: tuple, axis, keepdims: bool) -> Tensor:
    """G of the reduced result, broadcast back over the input's shape."""
    if not keepdims and axis is not None:  # (axis=None: G is 0-d and broadcasts as it is)
        g = g.reshape(_kept_shape(shape, axis))
    return g.broadcast_to(shape)


class Sum(Function):
    name, derivative = "sum", "∂ = G broadcast back"
    uses_inputs = False

    def forward(self, x):
        self.in_shape = x.shape
        return np.sum(x, axis=self.axis, keepdims=self.keepdims)

    def backward(self, g):
        return (_spread(g, self.in_shape, self.axis, self.keepdims),)


class Mean(Function):
    name, derivative = "mean", "∂ = G / n broadcast back"
    uses_inputs = False

    def forward(self, x):
        self.in_shape = x.shape
        reduced = x.shape if self.axis is None else [x.shape[a] for a in self.axis]
        self.count = int(np.prod(reduced))
        return np.mean(x, axis=self.axis, keepdims=self.keepdims)

    def backward(self, g):
        # max(count, 1): an empty input (count 0) has an empty gradient, not a division by zero
        return (_spread(g * (1.0 / max(self.count, 1)), self.in_shape, self.axis, self.keepdims),)


class Max(Function):
    """Ties share the gradient equally (the subgradient numpy's amax and PyTorch's amax use)."""
    name, derivative = "max", "∂ = G·1[x = max] / #ties"
    uses_output = True

    def forward(self, x):
        if x.size == 0:
            raise ValueError("max of an empty tensor has no value")
        return np.max(x, axis=self.axis, keepdims=self.keepdims)

    def backward(self, g):
        x = self.inputs[0]
        out = self.output
        if not self.keepdims:
            out = out.reshape(_kept_shape(x.shape, self.axis))
        from .elementwise import Mask
        winners = Mask.apply(x, out, rule=np.equal)
        share = winners / winners.sum(axis=self.axis, keepdims=True)
        return (_spread(g, x.shape, self.axis, self.keepdims) * share,)


class Softmax(Function):
    name, derivative = "softmax", "∂ = s·(G − Σ G·s)"
    uses_inputs, uses_output = False, True

    def forward(self, x):
        e = np.exp(x - np.max(x, axis=self.axis, keepdims=True))
        return e / np.sum(e, axis=self.axis, keepdims=True)

    def backward(self, g):
        s = self.output
        return (s * (g - (g * s).sum(axis=self.axis, keepdims=True)),)


class LogSoftmax(Function):
    name, derivative = "log_softmax", "∂ = G − softmax·Σ G"
    uses_inputs, uses_output = False, True

    def forward(self, x):
        z = x - np.max(x, axis=self.axis, keepdims=True)
        return z - np.log(np.sum(np.exp(z), axis=self.axis, keepdims=True))

    def backward(self, g):
        return (g - self.output.exp() * g.sum(axis=self.axis, keepdims=True),)
