"""Dropout: inverted dropout in training, identity in eval."""
from __future__ import annotations

from .. import functional as F
from .module import Module


class Dropout(Module):
    """In training, zero each element with probability p and scale the rest by 1/(1 − p), so the
    expected value is unchanged; in eval, the identity. The mask comes from the library's
    generator (tg.manual_seed)."""

    def __init__(self, p: float = 0.5):
        F._check_probability("Dropout", p)
        self.p = p

    def forward(self, x):
        return F.dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}"


class Dropout2d(Dropout):
    """Channel dropout of (N, C, H, W) batches: whole feature maps zeroed with probability p in
    training (F.dropout2d), the identity in eval."""

    def forward(self, x):
        return F.dropout2d(x, self.p, self.training)
