"""`tinygrad_edu.functional` (import as F): activations, softmax, `linear` and the losses."""
from __future__ import annotations

import numpy as np

from . import ops
from ._keywords import dim_keywords
from .attention import scaled_dot_product_attention  # noqa: F401  (attention, op by op)
from .combine import where as ops_where
from .dropout import _check_probability, dropout, dropout2d  # noqa: F401
from .spatial import adaptive_avg_pool2d, avg_pool2d, conv1d, conv2d, max_pool2d  # noqa: F401  (conv and pooling)
from .tensor import Tensor, array_of, as_tensor, describe, wrap


def exp(t): return as_tensor(t, "exp").exp()
def log(t): return as_tensor(t, "log").log()
def sqrt(t): return as_tensor(t, "sqrt").sqrt()
def abs(t): return as_tensor(t, "abs").abs()  # noqa: A001 (the contract's name)
def sigmoid(t): return as_tensor(t, "sigmoid").sigmoid()
def tanh(t): return as_tensor(t, "tanh").tanh()
def relu(t): return as_tensor(t, "relu").relu()
def leaky_relu(t, negative_slope: float = 0.01): return as_tensor(t, "leaky_relu").leaky_relu(negative_slope)
@dim_keywords
def softmax(t, axis: int = -1): return as_tensor(t, "softmax").softmax(axis)
@dim_keywords
def log_softmax(t, axis: int = -1): return as_tensor(t, "log_softmax").log_softmax(axis)


# --- more elementwise functions and padding -----------------------------------------------
def sin(t): return as_tensor(t, "sin").sin()
def cos(t): return as_tensor(t, "cos").cos()
def log1p(t): return as_tensor(t, "log1p").log1p()
def sign(t): return as_tensor(t, "sign").sign()
def softplus(t, beta: float = 1.0, threshold: float = 20.0): return as_tensor(t, "softplus").softplus(beta, threshold)
def gelu(t, approximate: str = "none"): return as_tensor(t, "gelu").gelu(approximate)
def silu(t): return as_tensor(t, "silu").silu()
def elu(t, alpha: float = 1.0): return as_tensor(t, "elu").elu(alpha)


def pad(x, pad, mode: str = "constant", value: float = 0.0) -> Tensor:  # noqa: A002
    """Constant padding in PyTorch's order: `pad` = (before, after) of the LAST axis, then of the
    one before it, … (F.pad(x, (1, 2)) pads the last axis by 1 in front and 2 behind). A negative
    width crops instead, as PyTorch's: F.pad(x, (-1, 0)) drops the last axis's first element."""
    x = as_tensor(x, "pad")
    if mode != "constant":
        raise ValueError(f"pad: only mode='constant' is supported, got {mode!r}")
    pad = tuple(pad)
    if len(pad) % 2 or len(pad) > 2 * x.ndim or not all(isinstance(p, (int, np.integer)) for p in pad):
        raise ValueError(f"pad: pad must hold an even number (at most {2 * x.ndim}) of ints, two per "
                         f"axis from the last, for {describe(x)}; got {pad}")
    widths = [(0, 0)] * x.ndim
    for k in range(len(pad) // 2):
        widths[x.ndim - 1 - k] = (int(pad[2 * k]), int(pad[2 * k + 1]))
    for axis, (before, after) in enumerate(widths):
        crop_before, crop_after = max(-before, 0), max(-after, 0)
        if crop_before or crop_after:
            size = x.shape[axis]
            if crop_before + crop_after > size:
                raise ValueError(f"pad: the negative padding {pad} crops {crop_before + crop_after} "
                                 f"elements from axis {axis} of {describe(x)}, which has {size}")
            x = ops.Narrow.apply(x, axis=axis, start=crop_before, length=size - crop_before - crop_after)
    widths = tuple((max(before, 0), max(after, 0)) for before, after in widths)
    return ops.Pad.apply(x, widths=widths, value=value) if any(map(any, widths)) else x


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x Wᵀ + b, with W of shape (out_features, in_features) as in PyTorch."""
    x = as_tensor(x, "linear")
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


def cross_entropy(logits: Tensor, target, reduction: str = "mean", weight=None,
                  ignore_index: int = -100) -> Tensor:
    """Softmax cross-entropy. logits (N, C), (C,) or (N, C, d1, …); target: class indices (N,),
    () or (N, d1, …), or class probabilities of the logits' shape. Stable for any finite logits.
    `weight` (C,): each class's loss rescaled, as PyTorch's; then reduction='mean' divides
    class-index losses by Σ_i weight[target_i] (probabilities: by the number of rows). Targets
    equal to `ignore_index` count for nothing, nor in the mean's denominator (loss 0 with
    reduction='none')."""
    _check_reduction("cross_entropy", reduction)
    logits = as_tensor(logits, "cross_entropy")
    if logits.ndim == 0:
        raise ValueError(f"cross_entropy: logits must have shape (N, C), (C,) or (N, C, d1, …), got {logits.shape}")
    target_data = array_of(target, "cross_entropy", "target")
    if logits.ndim == 2:
        return _cross_entropy_rows(logits, target, target_data, reduction, weight, ignore_index)
    # (C,) or (N, C, d1, …): the class axis last, one row per prediction, then back to the shape
    c = logits.shape[0] if logits.ndim == 1 else logits.shape[1]
    probabilities = target_data.shape == logits.shape and target_data.dtype.kind == "f"
    kept_shape = () if logits.ndim == 1 else logits.shape[:1] + logits.shape[2:]
    if not probabilities and target_data.shape != kept_shape:
        raise ValueError(f"cross_entropy: for logits of shape {logits.shape} the target must be class "
                         f"indices of shape {kept_shape} or probabilities of shape {logits.shape}, got "
                         f"shape {target_data.shape}")
    order = (0, *range(2, logits.ndim), 1) if logits.ndim > 2 else (0,)
    rows = logits.permute(*order).reshape(-1, c)
    if probabilities:
        target = target if isinstance(target, Tensor) else Tensor(target_data, dtype=logits.dtype)
        target = target.permute(*order).reshape(-1, c)
        target_data = target.data
    else:
        _class_indices(np.where(target_data == ignore_index, 0, target_data), c)  # errors say where
        target = target.reshape(-1) if isinstance(target, Tensor) else target_data.reshape(-1)
        target_data = array_of(target, "cross_entropy", "target")
    loss = _cross_entropy_rows(rows, target, target_data, reduction, weight, ignore_index)
    return loss.reshape(kept_shape) if reduction == "none" else loss


def _cross_entropy_rows(logits: Tensor, target, target_data: np.ndarray, reduction: str, weight,
                        ignore_index: int) -> Tensor:
    """cross_entropy of logits (N, C)."""
    n, c = logits.shape
    weight = _class_weights("cross_entropy", weight, logits)
    extra = {} if weight is None else {"derivative": ops.CrossEntropy.derivative_weighted}
    if target_data.shape == logits.shape and target_data.dtype.kind != "f":
        raise TypeError(
            f"cross_entropy: the target has the logits' shape {logits.shape} but dtype "
            f"{target_data.dtype}: a target of shape (N, C) is read as class probabilities, which "
            f"must be floating (target.astype(np.float32)); integer targets must be class indices "
            f"of shape ({n},) (e.g. a one-hot target's argmax(axis=1))")
    if isinstance(target, Tensor) and target.shape == logits.shape:
        return ops.CrossEntropy.apply(logits, target, reduction=reduction, classes=None, weight=weight, **extra)
    if target_data.shape == logits.shape and target_data.dtype.kind == "f":
        probs = Tensor(target_data, dtype=logits.dtype)
        return ops.CrossEntropy.apply(logits, probs, reduction=reduction, classes=None, weight=weight, **extra)
    if target_data.ndim != 1:
        raise ValueError(f"cross_entropy: target must be class indices of shape ({n},) or "
                         f"probabilities of shape {logits.shape}, got shape {target_data.shape}")
    if target_data.shape[0] != n:
        raise ValueError(f"cross_entropy: logits have N={n} rows (shape {logits.shape}) but target "
                         f"has {target_data.shape[0]} entries (shape {target_data.shape})")
    classes = _class_indices(np.where(target_data == ignore_index, 0, target_data), c)  # (errors say where)
    classes = target_data if classes.dtype == target_data.dtype else np.asarray(target_data, classes.dtype)
    return ops.CrossEntropy.apply(logits, reduction=reduction, classes=classes, weight=weight,
                                  ignore_index=ignore_index, **extra)


def one_hot(indices, num_classes: int = -1) -> Tensor:
    """An int64 tensor of shape indices.shape + (num_classes,): 1 at each index, 0 elsewhere (no
    gradient). num_classes=-1: one more than the largest index."""
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < -1:
        raise ValueError(f"one_hot: num_classes must be a non-negative int or -1, got {num_classes!r}")
    if num_classes == -1:
        raw = array_of(indices, "one_hot", "indices")
        if raw.size == 0:
            raise ValueError("one_hot: cannot infer num_classes from empty indices; pass num_classes")
        finite = raw.dtype.kind in "iu" or (raw.dtype.kind == "f" and np.isfinite(raw).all())
        num_classes = max(int(np.max(raw)) + 1, 1) if finite else 1  # (else the check below says why)
    idx = _check_indices("one_hot", indices, num_classes, "num_classes")
    return wrap((idx[..., None] == np.arange(num_classes)).astype(np.int64))


def _class_weights(op: str, weight, scores: Tensor):
    """`weight` as a float array of shape (C,) in the scores' dtype, or None. A constant (PyTorch
    gives it no gradient either)."""
    if weight is None:
        return None
    w = array_of(weight, op, "weight")
    c = scores.shape[1]
    if w.shape != (c,):
        raise ValueError(f"{op}: weight must have shape (C,) = ({c},), one per class of the input of "
                         f"shape {scores.shape}; got weight of shape {w.shape}")
    if w.dtype.kind not in "fiu":
        raise TypeError(f"{op}: weight must be numeric, got dtype {w.dtype}")
    return w.astype(scores.dtype)


def _class_indices(target: np.ndarray, num_classes: int, op: str = "cross_entropy") -> np.ndarray:
    if target.dtype.kind == "f":
        if not np.all(target == np.round(target)):
            raise ValueError(f"{op}: class indices must be whole numbers, got "
                             f"{target[target != np.round(target)][:3]}")
        target = target.astype(np.int64)
    elif target.dtype.kind not in "iu":
        raise TypeError(f"{op}: class indices must be integers, got dtype {target.dtype}")
    if target.size and (target.min() < 0 or target.max() >= num_classes):  # (two cheap reductions)
        i = int(np.flatnonzero((target < 0) | (target >= num_classes))[0])
        where = i if target.ndim == 1 else tuple(int(j) for j in np.unravel_index(i, target.shape))
        raise IndexError(f"{op}: target class index {int(target.flat[i])} at position {where} is "
                         f"out of range for {num_classes} classes (valid: 0..{num_classes - 1})")
    return target


def binary_cross_entropy(probs: Tensor, target, reduction: str = "mean") -> Tensor:
    """−[y log p + (1−y) log(1−p)], logs clamped at −100 (as PyTorch), so p = 0 or 1 is finite."""
    _check_reduction("binary_cross_entropy", reduction)
    probs = as_tensor(probs, "binary_cross_entropy")
    target = as_tensor(target, "binary_cross_entropy", dtype=probs.dtype, arg="target")
    _same_shape("binary_cross_entropy", probs, target)
    if probs.data.size and (probs.data.min() < 0 or probs.data.max() > 1):
        raise ValueError(f"binary_cross_entropy: every element of the input ({describe(probs)}) must "
                         "lie in [0, 1]; for raw scores use binary_cross_entropy_with_logits")
    return ops.BinaryCrossEntropy.apply(probs, target, reduction=reduction)


def binary_cross_entropy_with_logits(logits: Tensor, target, reduction: str = "mean") -> Tensor:
    """BCE of sigmoid(logits), computed stably for any finite logits."""
    _check_reduction("binary_cross_entropy_with_logits", reduction)
    logits = as_tensor(logits, "binary_cross_entropy_with_logits")
    target = as_tensor(target, "binary_cross_entropy_with_logits", dtype=logits.dtype, arg="target")
    _same_shape("binary_cross_entropy_with_logits", logits, target)
    return ops.BCEWithLogits.apply(logits, target, reduction=reduction)


def mse_loss(pred: Tensor, target, reduction: str = "mean") -> Tensor:
    """Σ or mean of (pred − target)²; reduction='sum' is the write-ups' sum-of-squares error."""
    _check_reduction("mse_loss", reduction)
    pred = as_tensor(pred, "mse_loss")
    target = as_tensor(target, "mse_loss", dtype=pred.dtype, arg="target")
    _same_shape("mse_loss", pred, target)
    diff = pred - target
    diff.name = f"{pred.name or 'pred'} − {target.name or 'target'}"   # the pictures' labels
    squared = diff * diff
    squared.name = f"({diff.name})²"
    if reduction == "mean":
        return squared.mean()
    if reduction == "sum":
        return squared.sum()
    return squared


def normalize(x, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Tensor:
    """x / max(‖x‖₂, eps) along `dim` (unit vectors; PyTorch's F.normalize with p=2)."""
    x = as_tensor(x, "normalize")
    if p != 2:
        raise ValueError(f"normalize: only p=2 (the Euclidean norm) is supported, got p={p!r}")
    return x / x.norm(dim=dim, keepdim=True).clip(min=eps)


def cosine_similarity(x1, x2, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Σ (x1/‖x1‖)(x2/‖x2‖) along `dim`, each norm clamped to at least eps (PyTorch's formula)."""
    a, b = as_tensor(x1, "cosine_similarity"), as_tensor(x2, "cosine_similarity")
    a_unit = a / a.norm(dim=dim, keepdim=True).clip(min=eps)
    b_unit = b / b.norm(dim=dim, keepdim=True).clip(min=eps)
    return (a_unit * b_unit).sum(dim=dim)


def l1_loss(pred: Tensor, target, reduction: str = "mean") -> Tensor:
    """Σ or mean of |pred − target|."""
    diff = _difference("l1_loss", pred, target, reduction)
    return _reduced(diff.abs(), reduction)


def huber_loss(pred: Tensor, target, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """½d² where |d| < δ, else δ(|d| − ½δ) (d = pred − target): squared near 0, linear beyond δ."""
    diff = _difference("huber_loss", pred, target, reduction)
    size = diff.abs()
    return _reduced(ops_where(size < delta, diff * diff * 0.5, (size - 0.5 * delta) * delta), reduction)


def smooth_l1_loss(pred: Tensor, target, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """½d²/β where |d| < β, else |d| − ½β: the Huber loss divided by β (β = 0: the L1 loss)."""
    if beta == 0:
        return l1_loss(pred, target, reduction)
    diff = _difference("smooth_l1_loss", pred, target, reduction)
    size = diff.abs()
    return _reduced(ops_where(size < beta, diff * diff * (0.5 / beta), size - 0.5 * beta), reduction)


def _difference(op: str, pred, target, reduction: str) -> Tensor:
    _check_reduction(op, reduction)
    pred = as_tensor(pred, op)
    target = as_tensor(target, op, dtype=pred.dtype, arg="target")
    _same_shape(op, pred, target)
    return pred - target


def _reduced(values: Tensor, reduction: str) -> Tensor:
    return values.mean() if reduction == "mean" else values.sum() if reduction == "sum" else values


# --- the layers' functional forms: normalisation, dropout, embedding, nll_loss ---------------

def batch_norm(x, running_mean, running_var, weight=None, bias=None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """PyTorch's F.batch_norm, one op: x of shape (N, C), (N, C, L) or (N, C, H, W) normalised
    per channel (axis 1), then y = γ·x̂ + β. training=True uses the batch's statistics and
    updates running_mean/running_var (Tensors, arrays or None) in place, as PyTorch does:
    r ← (1 − momentum)·r + momentum·batch statistic, the variance unbiased. training=False
    uses the running statistics."""
    x = as_tensor(x, "batch_norm")
    if x.ndim < 2:
        raise ValueError(f"batch_norm: expected input of shape (N, C, ...) with at least 2 "
                         f"dimensions, got shape {x.shape}")
    named = {"running_mean": running_mean, "running_var": running_var, "weight": weight, "bias": bias}
    for arg, value in named.items():
        shape = None if value is None else array_of(value, "batch_norm", arg).shape
        if shape is not None and shape != (x.shape[1],):
            raise ValueError(f"batch_norm: {arg} has shape {shape}, but the input of "
                             f"shape {x.shape} has {x.shape[1]} channels (axis 1): expected ({x.shape[1]},)")
    axes = (0,) + tuple(range(2, x.ndim))
    if training:
        _check_batch_statistics("batch_norm", x)
    elif running_mean is None or running_var is None:
        raise ValueError("batch_norm: training=False normalises with running_mean and running_var; "
                         "both must be given")
    affine, params = _affine_inputs(weight, bias, (1, x.shape[1]) + (1,) * (x.ndim - 2))
    if training:
        mean, var = ops.normalization.moments(x.data, axes)
        out = ops.BatchNorm.apply(x, *affine, axes=axes, eps=eps, stats=(mean, var), batch_stats=True, **params)
        ops.normalization.update_running_stats(running_mean, running_var, mean, var, x.size // x.shape[1],
                                               momentum)
        return out
    shape = params["affine_shape"]
    stats = tuple(np.array(array_of(r, "batch_norm", arg), dtype=x.dtype).reshape(shape)
                  for r, arg in ((running_mean, "running_mean"), (running_var, "running_var")))
    return ops.BatchNorm.apply(x, *affine, axes=axes, eps=eps, stats=stats, batch_stats=False,
                               derivative=ops.BatchNorm.derivative_running, **params)


def _check_batch_statistics(who: str, x: Tensor) -> None:
    """PyTorch's rule: batch statistics need more than one value per channel."""
    per_channel = x.size // max(x.shape[1], 1)
    if per_channel <= 1:
        raise ValueError(f"{who}: expected more than 1 value per channel when training, got input of "
                         f"shape {x.shape} ({per_channel} value per channel); use a batch of 2 or more, "
                         "or call .eval() to normalise with the running statistics")


def layer_norm(x, normalized_shape, weight=None, bias=None, eps: float = 1e-5) -> Tensor:
    """PyTorch's F.layer_norm, one op: each sample normalised over its trailing
    `normalized_shape` axes, then y = γ·x̂ + β (γ, β of shape normalized_shape)."""
    x = as_tensor(x, "layer_norm")
    shape = _normalized_shape("layer_norm", normalized_shape)
    k = len(shape)
    if x.shape[x.ndim - k:] != shape or x.ndim < k:
        raise ValueError(f"layer_norm: normalized_shape={shape} expects input of shape "
                         f"(*, {', '.join(map(str, shape))}), got input of shape {x.shape}")
    for arg, value in (("weight", weight), ("bias", bias)):
        given = None if value is None else array_of(value, "layer_norm", arg).shape
        if given is not None and given != shape:
            raise ValueError(f"layer_norm: {arg} has shape {given}, expected "
                             f"normalized_shape {shape}")
    affine, params = _affine_inputs(weight, bias, (1,) * (x.ndim - k) + shape)
    axes = tuple(range(x.ndim - k, x.ndim))
    return ops.LayerNorm.apply(x, *affine, axes=axes, eps=eps, batch_stats=True, **params)


def _normalized_shape(who: str, normalized_shape) -> tuple:
    shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else normalized_shape
    try:
        shape = tuple(int(n) for n in shape)
    except (TypeError, ValueError):
        raise TypeError(f"{who}: normalized_shape must be an int or a tuple of ints, got "
                        f"{normalized_shape!r}") from None
    if not shape or min(shape) <= 0:
        raise ValueError(f"{who}: normalized_shape must be positive sizes, got {normalized_shape!r}")
    return shape


def _affine_inputs(weight, bias, affine_shape: tuple):
    """The op's inputs after x (γ, β: whichever are given) and its parameters saying which."""
    affine = [as_tensor(v, "affine parameter") for v in (weight, bias) if v is not None]
    return affine, {"has_weight": weight is not None, "has_bias": bias is not None,
                    "affine_shape": affine_shape}


def embedding(idx, weight: Tensor, padding_idx: int | None = None) -> Tensor:
    """Rows of `weight` (num_embeddings, embedding_dim) picked by integer indices: the result
    has shape idx.shape + (embedding_dim,). One `embedding` node: a repeated index gets the sum
    of its rows' gradients; the lookups of `padding_idx` (negative counts from the end) send
    none, so that row is left as it is by training (nn.Embedding also starts it at zeros)."""
    weight = as_tensor(weight, "embedding")
    if weight.ndim != 2:
        raise ValueError(f"embedding: weight must have shape (num_embeddings, embedding_dim), "
                         f"got {weight.shape}")
    rows = weight.shape[0]
    return ops.Embedding.apply(weight, idx=_check_indices("embedding", idx, rows),
                               padding_idx=_padding_index("embedding", padding_idx, rows))


def _padding_index(who: str, padding_idx, num_embeddings: int) -> int | None:
    """padding_idx in 0..num_embeddings − 1 (a negative one counts from the end), or None."""
    if padding_idx is None:
        return None
    if not isinstance(padding_idx, (int, np.integer)) or isinstance(padding_idx, bool):
        raise TypeError(f"{who}: padding_idx must be an integer or None, got {padding_idx!r}")
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise ValueError(f"{who}: padding_idx={padding_idx} is out of range for "
                         f"num_embeddings={num_embeddings} (valid: {-num_embeddings}..{num_embeddings - 1})")
    return int(padding_idx) % num_embeddings


def _check_indices(who: str, idx, num_embeddings: int, limit_name: str = "num_embeddings") -> np.ndarray:
    """idx as an integer array, every index in 0..num_embeddings − 1 (whole-number floats pass,
    as Tensor([1, 2]) is float32); `limit_name` names the bound in the error."""
    indices = array_of(idx, who, "indices")
    if indices.dtype.kind == "f" and np.all(indices == np.round(indices)):
        indices = indices.astype(np.int64)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"{who}: indices must be integers, got dtype {indices.dtype}")
    bad = np.argwhere((indices < 0) | (indices >= num_embeddings))
    if bad.size:
        where = tuple(int(i) for i in bad[0])
        raise IndexError(f"{who}: index {int(indices[where])} at position {where} of the indices "
                         f"(shape {indices.shape}) is out of range for {limit_name}={num_embeddings} "
                         f"(valid: 0..{num_embeddings - 1})")
    return indices


def nll_loss(log_probs: Tensor, target, reduction: str = "mean", weight=None) -> Tensor:
    """Negative log-likelihood of class indices: −log_probs[i, target_i], e.g. of
    log_softmax(logits) (then it equals cross_entropy(logits, target)). log_probs (N, C).
    `weight` (C,): −weight[target_i]·log_probs[i, target_i], and reduction='mean' divides by
    Σ_i weight[target_i], as PyTorch."""
    _check_reduction("nll_loss", reduction)
    log_probs = as_tensor(log_probs, "nll_loss")
    if log_probs.ndim != 2:
        raise ValueError(f"nll_loss: log_probs must have shape (N, C), got {log_probs.shape}")
    n, c = log_probs.shape
    weight = _class_weights("nll_loss", weight, log_probs)
    target_data = array_of(target, "nll_loss", "target")
    if target_data.shape != (n,):
        raise ValueError(f"nll_loss: target must be class indices of shape ({n},) for log_probs of "
                         f"shape {log_probs.shape}, got shape {target_data.shape}")
    classes = _class_indices(target_data, c, "nll_loss")
    losses = -log_probs[np.arange(n), classes]
    if weight is None:
        if reduction == "mean":
            return losses.mean()
        return losses.sum() if reduction == "sum" else losses
    losses = losses * Tensor(weight[classes], name="weight[target]")
    if reduction == "mean":
        total = float(np.sum(weight[classes]))
        return losses.sum() * (1.0 / total if total != 0 else np.nan)   # 0: NaN, as PyTorch
    return losses.sum() if reduction == "sum" else losses
