"""Reductions and softmax. The gradient of a reduction is G spread back over the reduced axes."""
import numpy as np

from ..function import Function
from ..tensor import Tensor, wrap
from . import _numerics
from .elementwise import Mask


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


def _kept_output(node) -> Tensor:
    """A reduction's output with its reduced axes kept (size 1): it broadcasts against the input."""
    out = node.output
    return out if node.keepdims else out.reshape(_kept_shape(node.inputs[0].shape, node.axis))


def _spread(g: Tensor, shape: tuple, axis, keepdims: bool) -> Tensor:
    """G of the reduced result, broadcast back over the input's shape."""
    if not keepdims and axis is not None:  # (axis=None: G is 0-d and broadcasts as it is)
        g = g.reshape(_kept_shape(shape, axis))
    return g.broadcast_to(shape)


class Sum(Function):
    name, derivative = "sum", "∂ = G broadcast back"
    uses_inputs = False

    @_numerics.ieee_results  # a sum that overflows is inf
    def forward(self, x):
        self.save_for_backward(in_shape=x.shape)
        return x.sum(axis=self.axis, keepdims=self.keepdims)

    def backward(self, g):
        return (_spread(g, self.saved.in_shape, self.axis, self.keepdims),)


class Mean(Function):
    name, derivative = "mean", "∂ = G / n broadcast back"
    uses_inputs = False

    @_numerics.ieee_results
    def forward(self, x):
        self.save_for_backward(in_shape=x.shape, count=_count(x.shape, self.axis))
        return x.mean(axis=self.axis, keepdims=self.keepdims)

    def backward(self, g):
        # max(count, 1): an empty input (count 0) has an empty gradient, not a division by zero
        count, in_shape = self.saved.count, self.saved.in_shape
        return (_spread(g * (1.0 / max(count, 1)), in_shape, self.axis, self.keepdims),)


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
        out = _kept_output(self)
        winners = Mask.apply(x, out, rule=np.equal)
        share = winners / winners.sum(axis=self.axis, keepdims=True)
        return (_spread(g, x.shape, self.axis, self.keepdims) * share,)


class Softmax(Function):
    """`given`: the value, when the caller has computed it already (cross_entropy's forward
    saves softmax(z) for its backward)."""
    name, derivative = "softmax", "∂ = s·(G − Σ G·s)"
    uses_inputs, uses_output = False, True
    given = None

    def forward(self, x):
        return softmax(x, self.axis) if self.given is None else self.given

    def backward(self, g):
        s = self.output
        return (s * (g - (g * s).sum(axis=self.axis, keepdims=True)),)


def shifted_exp(x: np.ndarray, axis) -> tuple:
    """z = x − max(x), e^z and Σ e^z along `axis`: what softmax and log_softmax share. The array
    methods, not np.max / np.sum: their wrappers cost more than a small reduction."""
    z = x - _max_keepdims(x, axis)
    e = _numerics.exp(z)  # far-apart logits: e^z is 0, the right answer
    return z, e, e.sum(axis=axis, keepdims=True)


def _max_keepdims(x: np.ndarray, axis) -> np.ndarray:
    """x.max(axis, keepdims=True); a short last axis as the column maxima of a transposed copy
    (speed: numpy reduces it one row at a time, see benchmarks/README.md; the same numbers)."""
    if x.ndim == 2 and axis in (1, -1) and x.shape[0] >= 32 and x.shape[1] <= 16 and x.flags.c_contiguous:
        return np.ascontiguousarray(x.T).max(axis=0)[:, None]
    return x.max(axis=axis, keepdims=True)


def softmax(x: np.ndarray, axis) -> np.ndarray:
    _, e, total = shifted_exp(x, axis)
    with _numerics.underflow_ok():
        e /= total
    return e


def log_softmax(x: np.ndarray, axis) -> np.ndarray:
    z, _, total = shifted_exp(x, axis)
    z -= np.log(total)
    return z


class LogSoftmax(Function):
    name, derivative = "log_softmax", "∂ = G − softmax·Σ G"
    uses_inputs, uses_output = False, True

    def forward(self, x):
        return log_softmax(x, self.axis)

    def backward(self, g):
        return (g - self.output.exp() * g.sum(axis=self.axis, keepdims=True),)


# --- min, prod, var, std, logsumexp, norm ------------------------------------------------------

def _count(shape: tuple, axis) -> int:
    """How many elements each result element reduces over."""
    return int(np.prod(shape if axis is None else [shape[a] for a in axis]))


class Min(Max):
    """Ties share the gradient equally, as for max (PyTorch's amin and full x.min())."""
    name, derivative = "min", "∂ = G·1[x = min] / #ties"

    def forward(self, x):
        if x.size == 0:
            raise ValueError("min of an empty tensor has no value")
        return np.min(x, axis=self.axis, keepdims=self.keepdims)


class Prod(Function):
    """∂/∂xᵢ Π x = Π_{j≠i} x_j, PyTorch's rule also with zeros: for a slice without zeros that is
    Π/xᵢ; with one zero it is the product of the others at the zero and 0 elsewhere; with two
    or more zeros it is 0. (Second derivatives are exact for slices with at most one zero.)"""
    name, derivative = "prod", "∂ = G·Π_{j≠i} x_j"

    @_numerics.ieee_results  # a product that overflows is inf
    def forward(self, x):
        return np.prod(x, axis=self.axis, keepdims=self.keepdims)

    def backward(self, g):
        x = self.inputs[0]
        axis = self.axis
        zero = Mask.apply(x, rule=lambda a: a == 0)
        zeros_per_slice = np.sum(zero.data, axis=axis, keepdims=True)
        # x with its zeros replaced by 1: its product is the product of the non-zeros
        nonzero = x * (1 - zero) + zero
        others = nonzero.prod(axis=axis, keepdims=True)
        none_zero = wrap((zeros_per_slice == 0).astype(x.dtype))
        one_zero = wrap((zeros_per_slice == 1).astype(x.dtype))
        # in a slice with one zero at i: ∂/∂x_k = x_i·Π_{j≠i,k} for k ≠ i (value 0, but its
        # derivative with respect to x_i is right), Π_{j≠i} at i
        zero_value = (x * zero).sum(axis=axis, keepdims=True)
        local = (others / nonzero) * (1 - zero) * (none_zero + one_zero * zero_value) + others * zero * one_zero
        return (_spread(g, x.shape, axis, self.keepdims) * local,)


class Var(Function):
    """Σ(x − x̄)² / (N − correction) over the reduced axes (correction=1: Bessel's, PyTorch's
    default)."""
    name, derivative = "var", "∂ = G·2(x − x̄)/(N − c)"

    def forward(self, x):
        n = _count(x.shape, self.axis)
        if n - self.correction <= 0:
            raise ValueError(f"var: correction={self.correction} needs more than {self.correction} "
                             f"element(s) per reduced slice, but the slices of shape {x.shape} over "
                             f"axis {self.axis} have {n}")
        self.save_for_backward(dof=n - self.correction)
        var = np.var(x, axis=self.axis, ddof=self.correction, keepdims=self.keepdims)
        # a constant slice has variance exactly 0 (np.var may leave ~1e−32 from rounding the
        # mean; std's gradient there is then 0, as PyTorch's, instead of noise / noise)
        axis, keep = self.axis, self.keepdims
        constant = np.max(x, axis=axis, keepdims=keep) == np.min(x, axis=axis, keepdims=keep)
        return np.where(constant, 0, var)

    def backward(self, g):
        x = self.inputs[0]
        centered = x - x.mean(axis=self.axis, keepdims=True)
        return (_spread(g, x.shape, self.axis, self.keepdims) * centered * (2.0 / self.saved.dof),)


class Std(Var):
    """√var. Where the standard deviation is 0 (a constant slice) its gradient is 0, as PyTorch's."""
    name, derivative = "std", "∂ = G·(x − x̄)/((N − c)·std)"
    uses_output = True

    def forward(self, x):
        return np.sqrt(Var.forward(self, x))

    def backward(self, g):
        x = self.inputs[0]
        out = _kept_output(self)
        zero = Mask.apply(out, rule=lambda s: s == 0)
        safe = out + zero  # 1 where std = 0: no 0/0 (and the gradient there is 0)
        centered = (x - x.mean(axis=self.axis, keepdims=True)) * (1 - zero)
        return (_spread(g, x.shape, self.axis, self.keepdims) * centered / (safe * self.saved.dof),)


class LogSumExp(Function):
    """log Σ e^x = m + log Σ e^(x − m) with m the max: stable for any finite x."""
    name, derivative = "logsumexp", "∂ = G·softmax(x)"
    uses_output = True

    @_numerics.ieee_results  # log 0 = −inf for the all −inf row, as PyTorch
    def forward(self, x):
        if x.size == 0:
            raise ValueError("logsumexp of an empty tensor has no value")
        m = np.max(x, axis=self.axis, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)  # a row of −inf (all masked) or with +inf: no inf − inf
        out = m + np.log(np.sum(np.exp(x - m), axis=self.axis, keepdims=True))
        return out if self.keepdims else np.squeeze(out, axis=self.axis)

    def backward(self, g):
        x = self.inputs[0]
        out = _kept_output(self)
        return (_spread(g, x.shape, self.axis, self.keepdims) * (x - out).exp(),)


class Norm(Function):
    """The 2-norm √Σx². At a zero vector its gradient is 0 (PyTorch's subgradient)."""
    name, derivative = "norm", "∂ = G·x / ‖x‖"
    uses_output = True

    def forward(self, x):
        scale = np.max(np.abs(x), axis=self.axis, keepdims=True) if x.size else np.ones((), x.dtype)
        scale = np.where(scale == 0, 1, scale)   # scaled by the largest |x|: no overflow of x²
        with _numerics.underflow_ok():
            out = scale * np.sqrt(np.sum((x / scale) ** 2, axis=self.axis, keepdims=True))
        return out if self.keepdims else np.squeeze(out, axis=self.axis)

    def backward(self, g):
        x = self.inputs[0]
        out = _kept_output(self)
        safe = out + Mask.apply(out, rule=lambda n: n == 0)  # 1 where the norm is 0: no 0/0
        return (_spread(g, x.shape, self.axis, self.keepdims) * (x / safe),)
