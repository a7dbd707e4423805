"""Loss modules: each calls its functional form (tinygrad_edu.functional) with `reduction`."""
from __future__ import annotations

from .. import functional as F
from .module import Module


class _Loss(Module):
    function = None  # the functional form, F.<name>

    def __init__(self, reduction: str = "mean"):
        F._check_reduction(type(self).__name__, reduction)
        self.reduction = reduction

    def forward(self, input, target):  # noqa: A002 (PyTorch's argument name)
        return type(self).function(input, target, reduction=self.reduction)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy of logits (N, C) and class indices (N,) or probabilities (N, C)."""
    function = F.cross_entropy


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities (N, C) and class indices (N,)."""
    function = F.nll_loss


class MSELoss(_Loss):
    function = F.mse_loss


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities in [0, 1]."""
    function = F.binary_cross_entropy


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of sigmoid(logits), computed stably."""
    function = F.binary_cross_entropy_with_logits
