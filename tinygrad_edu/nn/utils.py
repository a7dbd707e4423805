"""`nn.utils.clip_grad_norm_`: scale the gradients of some parameters so that their joint norm is
at most `max_norm`, as PyTorch's; `nn.utils.clip_grad_value_`: clamp each gradient element."""
from __future__ import annotations

import math

import numpy as np

from ..tensor import Tensor


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False) -> Tensor:
    """total = ‖(‖g₁‖, ‖g₂‖, …)‖ over the parameters that have a gradient (the norm of all
    gradients as one vector); each gradient is multiplied by min(1, max_norm / (total + 1e-6)).
    Returns the total norm before clipping, a 0-d Tensor. norm_type may be float('inf') (the
    largest |g|). A gradient array is read-only, so `p.grad` is replaced by a scaled Tensor."""
    params = _as_parameter_list(parameters, "clip_grad_norm_")
    norm_type = float(norm_type)
    if math.isnan(norm_type) or norm_type < 0:
        raise ValueError(f"clip_grad_norm_: norm_type must be >= 0 or inf, got {norm_type}")
    with_grad = [(p, p.grad.data if isinstance(p.grad, Tensor) else np.asarray(p.grad))
                 for p in params if p.grad is not None]
    if not with_grad:
        return Tensor(0.0)
    dtype = np.result_type(*(g.dtype for _, g in with_grad))
    norms = np.array([_vector_norm(g, norm_type) for _, g in with_grad], dtype=dtype)
    total = _vector_norm(norms, norm_type)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is "
                           f"{total}, so they cannot be clipped (error_if_nonfinite=True)")
    coef = max_norm / (total + 1e-6)  # in the gradients' dtype, as PyTorch
    if not coef >= 1:  # PyTorch clamps the factor at 1 (a NaN norm makes every gradient NaN)
        for p, g in with_grad:
            p.grad = Tensor(g * coef.astype(g.dtype))
    return Tensor(total, dtype=dtype)


def clip_grad_value_(parameters, clip_value: float) -> None:
    """Clamp every gradient element into [−clip_value, clip_value], as PyTorch's (a NaN stays NaN).
    A gradient array is read-only, so `p.grad` is replaced by a clamped Tensor."""
    params = _as_parameter_list(parameters, "clip_grad_value_")
    clip_value = float(clip_value)
    for p in params:
        if p.grad is not None:
            g = p.grad.data if isinstance(p.grad, Tensor) else np.asarray(p.grad)
            p.grad = Tensor(np.clip(g, g.dtype.type(-clip_value), g.dtype.type(clip_value)), dtype=g.dtype)


def _as_parameter_list(parameters, where: str) -> list[Tensor]:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    for i, p in enumerate(params):
        if not isinstance(p, Tensor):
            raise TypeError(f"{where}: parameter {i} is a {type(p).__name__}, not a Tensor")
    return params


def _vector_norm(x: np.ndarray, order: float):
    if x.size == 0:
        return x.dtype.type(0)
    return np.linalg.norm(x.ravel(), ord=order)
