"""Ops that overwrite part of a tensor with a constant: masked_fill (attention's mask) and the
triangles tril / triu (the causal mask's shape). Each is linear in its input, so its derivative
is the same mask applied to G, and differentiating again applies it once more."""
import numpy as np

from ..function import Function
from . import _numerics


class MaskedFill(Function):
    """x with `value` where the boolean `mask` (broadcast against x) is True. `value` is a number
    (a parameter), or a 0-d tensor given as the second input (then it gets Σ G where filled)."""
    name, derivative = "masked_fill", "∂x = G·[¬mask], ∂value = Σ G·[mask]"
    uses_inputs = False

    @_numerics.ieee_results  # a fill too large for the dtype becomes ±inf
    def forward(self, x, value=None):
        fill = np.asarray(self.value if value is None else value).astype(x.dtype)
        return np.where(self.mask, fill, x)

    def backward(self, g):
        need_x = self.needs_input_grad[0]
        need_value = len(self.inputs) == 2 and self.needs_input_grad[1]
        return (MaskedFill.apply(g, mask=self.mask, value=0) if need_x else None,
                MaskedFill.apply(g, mask=_inverted(self.mask), value=0) if need_value else None)[:len(self.inputs)]


def _inverted(mask: np.ndarray) -> np.ndarray:
    """¬mask, read-only when mask is (tg.compile then replays it as the constant it is)."""
    inverted = ~mask
    inverted.flags.writeable = mask.flags.writeable
    return inverted


class Tril(Function):
    """The lower triangle of the last two axes: element (i, j) kept where j − i ≤ diagonal."""
    name, derivative = "tril", "∂ = tril(G)"
    uses_inputs = False

    def forward(self, x):
        return np.tril(x, self.diagonal)

    def backward(self, g):
        return (type(self).apply(g, diagonal=self.diagonal),)


class Triu(Tril):
    """The upper triangle of the last two axes: element (i, j) kept where j − i ≥ diagonal."""
    name, derivative = "triu", "∂ = triu(G)"

    def forward(self, x):
        return np.triu(x, self.diagonal)
