"""Loss modules: each calls its functional form (tinygrad_edu.functional) with `reduction`."""
from __future__ import annotations

import numpy as np

from .. import functional as F
from ..tensor import Tensor
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


class _WeightedLoss(_Loss):
    """A loss with PyTorch's per-class `weight` (C,), kept as the buffer `weight` (in
    state_dict() when given, as PyTorch's)."""

    def __init__(self, weight=None, reduction: str = "mean"):
        super().__init__(reduction)
        who = type(self).__name__
        if isinstance(weight, str):
            raise ValueError(f"{who}: weight must be per-class weights of shape (C,), got {weight!r}; "
                             f"for the reduction, pass reduction={weight!r}")
        if weight is not None:
            w = np.asarray(weight.data if isinstance(weight, Tensor) else weight)
            if w.ndim != 1 or w.dtype.kind not in "fiu":
                raise ValueError(f"{who}: weight must be a 1-D array of per-class weights (C,), got "
                                 f"shape {w.shape} and dtype {w.dtype}")
            weight = w if w.dtype.kind == "f" else w.astype(np.float64)
        self.register_buffer("weight", weight)

    def forward(self, input, target):  # noqa: A002 (PyTorch's argument name)
        return type(self).function(input, target, reduction=self.reduction, weight=self.weight)


class CrossEntropyLoss(_WeightedLoss):
    """Softmax cross-entropy of logits (N, C) or (N, C, d1, …) and class indices (N,) / (N, d1, …)
    or probabilities; `weight` (C,) rescales each class's loss; targets equal to `ignore_index`
    count for nothing (see F.cross_entropy)."""
    function = F.cross_entropy

    def __init__(self, weight=None, reduction: str = "mean", ignore_index: int = -100):
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):  # noqa: A002 (PyTorch's argument name)
        return F.cross_entropy(input, target, reduction=self.reduction, weight=self.weight,
                               ignore_index=self.ignore_index)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities (N, C) and class indices (N,); `weight` (C,)
    rescales each class's loss (see F.nll_loss)."""
    function = F.nll_loss


class MSELoss(_Loss):
    function = F.mse_loss


class L1Loss(_Loss):
    function = F.l1_loss


class HuberLoss(_Loss):
    def __init__(self, reduction: str = "mean", delta: float = 1.0):
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input, target):  # noqa: A002 (PyTorch's argument name)
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class SmoothL1Loss(_Loss):
    def __init__(self, reduction: str = "mean", beta: float = 1.0):
        super().__init__(reduction)
        self.beta = beta

    def forward(self, input, target):  # noqa: A002 (PyTorch's argument name)
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities in [0, 1]."""
    function = F.binary_cross_entropy


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of sigmoid(logits), computed stably."""
    function = F.binary_cross_entropy_with_logits
