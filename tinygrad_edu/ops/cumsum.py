"""Cumulative sum along an axis: y_i = Σ_{j ≤ i} x_j. Each x_j reaches every y_i with i ≥ j, so
∂L/∂x_j = Σ_{i ≥ j} G_i: the cumulative sum of G taken from the end of the axis."""
from __future__ import annotations

import numpy as np

from ..function import Function
from . import _numerics


class CumSum(Function):
    name, derivative = "cumsum", "∂/∂x = G summed from the end of the axis (a reversed cumsum)"
    uses_inputs = False

    @_numerics.ieee_results  # a running sum that overflows is inf
    def forward(self, x):
        return np.cumsum(x, axis=self.axis)

    def backward(self, g):
        reverse = (slice(None),) * self.axis + (slice(None, None, -1),)
        return (CumSum.apply(g[reverse], axis=self.axis)[reverse],)
