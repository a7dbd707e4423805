"""Losses fused into one op each, so their derivatives are the short, stable textbook ones."""
import numpy as np

from ..function import Function
from ..tensor import wrap
from . import _numerics
from .elementwise import Mask
from .reduce import Softmax, shifted_exp

REDUCTIONS = ("mean", "sum", "none")


def reduce_loss(per_element: np.ndarray, reduction: str, count=None) -> np.ndarray:
    """The mean divides by `count` when given (a class-weighted loss: the targets' total weight;
    0 gives NaN, as PyTorch, without a numpy warning), else by the number of elements."""
    if reduction == "mean":
        if count is None:
            return per_element.mean()
        total = per_element.sum()
        return total / count if count != 0 else np.full_like(total, np.nan)
    if reduction == "sum":
        return per_element.sum()
    return per_element


def spread_loss_grad(g, count, reduction: str):
    """dL/d(per-element loss) for each reduction: G/count (count: the mean's denominator), G,
    or G itself. For 'mean' and 'sum' it stays 0-d: it broadcasts against the per-element terms
    it multiplies."""
    if reduction == "mean":
        return g * (1.0 / count if count != 0 else np.nan)  # a zero total weight: NaN, as PyTorch
    return g


class CrossEntropy(Function):
    """Softmax cross-entropy of logits (N, C) against class indices (N,) — a parameter, not an
    input — or class probabilities (N, C), a second input; `weight` (C,) or None rescales each
    class, as PyTorch's: y_ic becomes w_c·y_ic.
    With p = softmax(z): L_i = −Σ_c y_ic log p_ic, and ∂L_i/∂z_i = p_i·Σ_c y_ic − y_i
    (= w_yi·(p − onehot) for indices). reduction='mean' divides by N, or for weighted class
    indices by Σ_i w_yi (PyTorch's weighted mean)."""
    name, derivative = "cross_entropy", "∂z = G·(softmax(z) − y)"
    derivative_weighted = "∂z = G·w_y·(softmax(z) − y)"
    ignore_index = None   # class indices equal to it count for nothing (F.cross_entropy passes it)

    def forward(self, z, probs=None):
        shifted, e, total = shifted_exp(z, axis=1)
        log_p = shifted - np.log(total)
        with _numerics.underflow_ok():
            softmax = e / total   # which the backward needs: saved, not recomputed
        count = sample_weight = classes = kept = None   # count: the mean's denominator (None: N)
        if probs is None:
            rows, classes = np.arange(z.shape[0]), self.classes
            if self.ignore_index is not None:   # an ignored target: weight 0, class 0 as a stand-in
                kept = classes != self.ignore_index
                classes = np.where(kept, classes, 0)
                sample_weight = kept.astype(z.dtype) if self.weight is None else np.where(kept, self.weight[classes], 0)
                per_sample = np.where(kept, -log_p[rows, classes], 0)
            else:
                per_sample = -log_p[rows, classes]
                sample_weight = None if self.weight is None else self.weight[classes]
            if sample_weight is not None:
                per_sample = per_sample * sample_weight
                count = sample_weight.sum()
        else:
            y = probs if self.weight is None else probs * self.weight
            per_sample = -np.sum(y * log_p, axis=1)
        # Rows with weights (a class's weight; 0 for an ignored target): backward multiplies G by
        # w_y / Σw for the mean (a zero total weight gives NaN, as PyTorch; every target ignored, a
        # zero gradient, as PyTorch), by w_y otherwise. An array the node keeps: tg.compile replays it.
        row_scale = None
        if sample_weight is not None:
            sample_weight = sample_weight.reshape(-1, 1)
            row_scale = sample_weight
            if self.reduction == "mean":
                nothing_kept = count == 0 and kept is not None and not kept.any()
                scale = 0.0 if nothing_kept else 1.0 / count if count != 0 else np.nan
                row_scale = sample_weight * np.asarray(scale, dtype=z.dtype)
        self.save_for_backward(softmax=softmax, count=count, classes=classes, sample_weight=sample_weight,
                               row_scale=row_scale)
        return reduce_loss(per_sample, self.reduction, count)

    def onehot(self, z: np.ndarray) -> np.ndarray:
        onehot = np.zeros(z.shape, dtype=z.dtype)
        onehot[np.arange(z.shape[0]), self.saved.classes] = 1   # (an ignored row's stand-in: weight 0)
        return onehot

    def backward(self, g):
        z = self.inputs[0]
        n = z.shape[0]
        saved = self.saved
        if self.reduction == "none":
            g = g.reshape(n, 1)   # one G per row
        if saved.row_scale is not None:   # w_y / Σw or w_y, per row (see forward)
            g = g * wrap(saved.row_scale)
        else:
            g = spread_loss_grad(g, n, self.reduction)
        p = Softmax.apply(z, axis=1, given=saved.softmax)
        if len(self.inputs) == 1:  # the one-hot rows by an op, not bare numpy: tg.compile replays ops
            return ((p - Mask.apply(z, rule=self.onehot)) * g,)
        y, g_y = self.inputs[1], g
        if self.weight is not None:  # L_i = −Σ_c w_c·y_ic log p_ic: the target becomes w·y
            y, g_y = y * self.weight, g * self.weight
        grad_z = (p * y.sum(axis=1, keepdims=True) - y) * g if self.needs_input_grad[0] else None
        grad_y = -z.log_softmax(axis=1) * g_y if self.needs_input_grad[1] else None
        return grad_z, grad_y


class BinaryCrossEntropy(Function):
    """L = −[y·log p + (1 − y)·log(1 − p)] with both logs clamped at −100, as PyTorch does.
    ∂p = G·(p − y) / max(p(1 − p), 1e−12), ∂y = G·(log(1 − p) − log p)."""
    name, derivative = "binary_cross_entropy", "∂p = G·(p − y) / (p(1 − p))"
    EPS = 1e-12

    @_numerics.ieee_results   # log 0 = −inf, clamped
    def forward(self, p, y):
        log_p = np.maximum(np.log(p), -100)
        log_1mp = np.maximum(np.log(1 - p), -100)
        return reduce_loss(-(y * log_p + (1 - y) * log_1mp), self.reduction)

    def backward(self, g):
        p, y = self.inputs
        g = spread_loss_grad(g, p.data.size, self.reduction)
        grad_p = grad_y = None
        if self.needs_input_grad[0]:
            grad_p = g * (p - y) / (p * (1 - p)).clip(min=self.EPS)
        if self.needs_input_grad[1]:
            grad_y = g * ((1 - p).log().clip(min=-100) - p.log().clip(min=-100))
        return grad_p, grad_y


class BCEWithLogits(Function):
    """L = max(x, 0) − x·y + log(1 + e^−|x|)  (stable for any finite x);
    ∂x = G·(σ(x) − y), ∂y = −G·x."""
    name, derivative = "bce_with_logits", "∂x = G·(σ(x) − y)"

    def forward(self, x, y):
        per_element = np.maximum(x, 0) - x * y + np.log1p(_numerics.exp(-np.abs(x)))
        return reduce_loss(per_element, self.reduction)

    def backward(self, g):
        x, y = self.inputs
        g = spread_loss_grad(g, x.size, self.reduction)
        grad_x = g * (x.sigmoid() - y) if self.needs_input_grad[0] else None
        grad_y = -g * x if self.needs_input_grad[1] else None
        return grad_x, grad_y
