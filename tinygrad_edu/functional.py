"""`tinygrad_edu.functional` (import as F): activations, softmax, `linear` and the losses."""
from __future__ import annotations

import numpy as np

from . import ops
from ._keywords import dim_keywords
from .tensor import Tensor, describe


def _tensor(x, name: str) -> Tensor:
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (np.ndarray, list, tuple, int, float)):
        return Tensor(x)
    raise TypeError(f"{name}: expected a Tensor, got {type(x).__name__}")


def exp(t): return _tensor(t, "exp").exp()
def log(t): return _tensor(t, "log").log()
def sqrt(t): return _tensor(t, "sqrt").sqrt()
def abs(t): return _tensor(t, "abs").abs()  # noqa: A001 (the contract's name)
def sigmoid(t): return _tensor(t, "sigmoid").sigmoid()
def tanh(t): return _tensor(t, "tanh").tanh()
def relu(t): return _tensor(t, "relu").relu()
def leaky_relu(t, negative_slope: float = 0.01): return _tensor(t, "leaky_relu").leaky_relu(negative_slope)
@dim_keywords
def softmax(t, axis: int = -1): return _tensor(t, "softmax").softmax(axis)
@dim_keywords
def log_softmax(t, axis: int = -1): return _tensor(t, "log_softmax").log_softmax(axis)


# --- added for the PyTorch-style API (issue 10) ----------------------------------------------
def sin(t): return _tensor(t, "sin").sin()
def cos(t): return _tensor(t, "cos").cos()
def log1p(t): return _tensor(t, "log1p").log1p()
def sign(t): return _tensor(t, "sign").sign()
def softplus(t, beta: float = 1.0, threshold: float = 20.0): return _tensor(t, "softplus").softplus(beta, threshold)
def gelu(t, approximate: str = "none"): return _tensor(t, "gelu").gelu(approximate)
def silu(t): return _tensor(t, "silu").silu()
def elu(t, alpha: float = 1.0): return _tensor(t, "elu").elu(alpha)


def pad(x, pad, mode: str = "constant", value: float = 0.0) -> Tensor:  # noqa: A002
    """Constant padding in PyTorch's order: `pad` = (before, after) of the LAST axis, then of the
    one before it, … (F.pad(x, (1, 2)) pads the last axis by 1 in front and 2 behind)."""
    x = _tensor(x, "pad")
    if mode != "constant":
        raise ValueError(f"pad: only mode='constant' is supported, got {mode!r}")
    pad = tuple(pad)
    if len(pad) % 2 or len(pad) > 2 * x.ndim or not all(isinstance(p, (int, np.integer)) for p in pad):
        raise ValueError(f"pad: pad must hold an even number (at most {2 * x.ndim}) of ints, two per "
                         f"axis from the last, for {describe(x)}; got {pad}")
    if any(p < 0 for p in pad):
        raise ValueError(f"pad: negative padding (cropping) is not supported, got {pad}; slice instead")
    widths = [(0, 0)] * x.ndim
    for k in range(len(pad) // 2):
        widths[x.ndim - 1 - k] = (int(pad[2 * k]), int(pad[2 * k + 1]))
    return ops.Pad.apply(x, widths=tuple(widths), value=value)


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x Wᵀ + b, with W of shape (out_features, in_features) as in PyTorch."""
    x = _tensor(x, "linear")
    if bias is None:
        return ops.Linear.apply(x, weight)
    return ops.Linear.apply(x, weight, bias)


def _check_reduction(op: str, reduction: str) -> None:
    if reduction not in ops.losses.REDUCTIONS:
        raise ValueError(f"{op}: reduction must be one of {ops.losses.REDUCTIONS}, got {reduction!r}")


def _same_shape(op: str, pred: Tensor, target: Tensor) -> None:
    if pred.shape != target.shape:
        raise ValueError(f"{op}: input shape {pred.shape} and target shape {target.shape} differ; "
                         "reshape one of them (broadcasting them is almost always a bug)")


def _target_like(target, pred: Tensor, op: str) -> Tensor:
    if isinstance(target, Tensor):
        return target
    return Tensor(target, dtype=pred.dtype)


def cross_entropy(logits: Tensor, target, reduction: str = "mean") -> Tensor:
    """Softmax cross-entropy. logits (N, C); target: class indices (N,) or probabilities (N, C).
    Stable for any finite logits."""
    _check_reduction("cross_entropy", reduction)
    logits = _tensor(logits, "cross_entropy")
    if logits.ndim != 2:
        raise ValueError(f"cross_entropy: logits must have shape (N, C), got {logits.shape}")
    n, c = logits.shape
    target_data = target.data if isinstance(target, Tensor) else np.asarray(target)
    if target_data.shape == logits.shape and target_data.dtype.kind != "f":
        raise TypeError(
            f"cross_entropy: the target has the logits' shape {logits.shape} but dtype "
            f"{target_data.dtype}: a target of shape (N, C) is read as class probabilities, which "
            f"must be floating (target.astype(np.float32)); integer targets must be class indices "
            f"of shape ({n},) (e.g. a one-hot target's argmax(axis=1))")
    if isinstance(target, Tensor) and target.shape == logits.shape:
        return ops.CrossEntropy.apply(logits, target, reduction=reduction, classes=None)
    if target_data.shape == logits.shape and target_data.dtype.kind == "f":
        probs = Tensor(target_data, dtype=logits.dtype)
        return ops.CrossEntropy.apply(logits, probs, reduction=reduction, classes=None)
    if target_data.ndim != 1:
        raise ValueError(f"cross_entropy: target must be class indices of shape ({n},) or "
                         f"probabilities of shape {logits.shape}, got shape {target_data.shape}")
    if target_data.shape[0] != n:
        raise ValueError(f"cross_entropy: logits have N={n} rows (shape {logits.shape}) but target "
                         f"has {target_data.shape[0]} entries (shape {target_data.shape})")
    classes = _class_indices(target_data, c)
    return ops.CrossEntropy.apply(logits, reduction=reduction, classes=classes)


def _class_indices(target: np.ndarray, num_classes: int) -> np.ndarray:
    if target.dtype.kind == "f":
        if not np.all(target == np.round(target)):
            raise ValueError("cross_entropy: class indices must be whole numbers, got "
                             f"{target[target != np.round(target)][:3]}")
        target = target.astype(np.int64)
    elif target.dtype.kind not in "iu":
        raise TypeError(f"cross_entropy: class indices must be integers, got dtype {target.dtype}")
    bad = np.flatnonzero((target < 0) | (target >= num_classes))
    if bad.size:
        i = int(bad[0])
        raise IndexError(f"cross_entropy: target class index {int(target[i])} at position {i} is "
                         f"out of range for {num_classes} classes (valid: 0..{num_classes - 1})")
    return target


def binary_cross_entropy(probs: Tensor, target, reduction: str = "mean") -> Tensor:
    """−[y log p + (1−y) log(1−p)], logs clamped at −100 (as PyTorch), so p = 0 or 1 is finite."""
    _check_reduction("binary_cross_entropy", reduction)
    probs = _tensor(probs, "binary_cross_entropy")
    target = _target_like(target, probs, "binary_cross_entropy")
    _same_shape("binary_cross_entropy", probs, target)
    if probs.size and (probs.data.min() < 0 or probs.data.max() > 1):
        raise ValueError(f"binary_cross_entropy: every element of the input ({describe(probs)}) must "
                         "lie in [0, 1]; for raw scores use binary_cross_entropy_with_logits")
    return ops.BinaryCrossEntropy.apply(probs, target, reduction=reduction)


def binary_cross_entropy_with_logits(logits: Tensor, target, reduction: str = "mean") -> Tensor:
    """BCE of sigmoid(logits), computed stably for any finite logits."""
    _check_reduction("binary_cross_entropy_with_logits", reduction)
    logits = _tensor(logits, "binary_cross_entropy_with_logits")
    target = _target_like(target, logits, "binary_cross_entropy_with_logits")
    _same_shape("binary_cross_entropy_with_logits", logits, target)
    return ops.BCEWithLogits.apply(logits, target, reduction=reduction)


def mse_loss(pred: Tensor, target, reduction: str = "mean") -> Tensor:
    """Σ or mean of (pred − target)²; reduction='sum' is the write-ups' sum-of-squares error."""
    _check_reduction("mse_loss", reduction)
    pred = _tensor(pred, "mse_loss")
    target = _target_like(target, pred, "mse_loss")
    _same_shape("mse_loss", pred, target)
    diff = pred - target
    squared = diff * diff
    if reduction == "mean":
        return squared.mean()
    if reduction == "sum":
        return squared.sum()
    return squared
