"""Elementwise choices between inputs: where(cond, a, b), maximum(a, b), minimum(a, b).
Each input's gradient is G where it was chosen (the engine reduces broadcast shapes)."""
import numpy as np

from ..function import Function
from ..tensor import Tensor, wrap
from .elementwise import Mask


class Where(Function):
    """cond ? a : b, with cond a boolean array (a parameter: it has no gradient)."""
    name, derivative = "where", "∂a = G·1[cond], ∂b = G·1[¬cond]"
    uses_inputs = False

    def forward(self, a, b):
        return np.where(self.cond, a, b)

    def backward(self, g):
        need_a, need_b = self.needs_input_grad
        zero = _read_only_zero(g.dtype)
        return (Where.apply(g, zero, cond=self.cond) if need_a else None,
                Where.apply(zero, g, cond=self.cond) if need_b else None)


def _read_only_zero(dtype) -> Tensor:
    """0 as a constant nobody can change (so that tg.compile may treat it as one)."""
    data = np.zeros((), dtype)
    data.flags.writeable = False
    return wrap(data)


def _share_of_first(a, b):
    """1 where a wins, ½ on a tie (PyTorch splits the gradient of a tie in half), 0 where b wins."""
    return (a > b) + 0.5 * (a == b)


def _share_of_first_min(a, b):
    return (a < b) + 0.5 * (a == b)


class Maximum(Function):
    name, derivative = "maximum", "∂a = G·(1[a > b] + ½·1[a = b]), ∂b likewise"

    def forward(self, a, b):
        return np.maximum(a, b)

    def backward(self, g):
        a, b = self.inputs
        need_a, need_b = self.needs_input_grad
        return (g * Mask.apply(a, b, rule=self.share) if need_a else None,
                g * Mask.apply(b, a, rule=self.share) if need_b else None)

    share = staticmethod(_share_of_first)


class Minimum(Maximum):
    name, derivative = "minimum", "∂a = G·(1[a < b] + ½·1[a = b]), ∂b likewise"

    def forward(self, a, b):
        return np.minimum(a, b)

    share = staticmethod(_share_of_first_min)
