"""BatchNorm1d, BatchNorm2d and LayerNorm, as PyTorch's: same arguments, parameter and buffer
names, initialisation (γ = 1, β = 0, running mean 0, running variance 1) and results."""
from __future__ import annotations

import numpy as np

from .. import functional as F
from ..tensor import DEFAULT_DTYPE, as_tensor
from .module import Module
from .parameter import Parameter


def _positive_int(who: str, arg: str, value) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{who}: {arg} must be a positive integer, got {value!r}")
    return int(value)


def _floating(who: str, dtype) -> np.dtype:
    dtype = np.dtype(dtype or DEFAULT_DTYPE)
    if dtype.kind != "f":
        raise TypeError(f"{who}: dtype must be floating, got {dtype}")
    return dtype


class _BatchNorm(Module):
    """Per-channel normalisation of (N, C, ...) input: y = γ·(x − μ)/√(σ² + ε) + β.
    Training: μ, σ² of the batch (over N and the spatial axes); running_mean and running_var
    follow them, r ← (1 − momentum)·r + momentum·batch value (the variance unbiased);
    num_batches_tracked counts the updates (momentum=None averages over all of them).
    Eval: μ, σ² are the running statistics."""

    expected_dims: tuple = ()
    input_layout = ""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, dtype=None):
        who = type(self).__name__
        self.num_features = _positive_int(who, "num_features", num_features)
        self.eps, self.momentum = eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        dtype = _floating(who, dtype)
        self.weight = Parameter(np.ones(num_features, dtype)) if affine else None
        self.bias = Parameter(np.zeros(num_features, dtype)) if affine else None
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(num_features, dtype))
            self.register_buffer("running_var", np.ones(num_features, dtype))
            self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def _check_input(self, x, use_batch_stats: bool) -> None:
        who = f"{type(self).__name__}({self.num_features})"
        if x.ndim not in self.expected_dims:
            raise ValueError(f"{who}: expected input of shape {self.input_layout}, got input of "
                             f"shape {x.shape} ({x.ndim}-D)")
        if x.shape[1] != self.num_features:
            raise ValueError(f"{who}: expected input with num_features={self.num_features} channels "
                             f"(axis 1), got input of shape {x.shape} with {x.shape[1]}")
        if use_batch_stats:
            F._check_batch_statistics(who, x)

    def forward(self, x):
        x = as_tensor(x, type(self).__name__)
        use_batch_stats = self.training or not self.track_running_stats
        self._check_input(x, use_batch_stats)  # before anything changes
        momentum = self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.data += 1
            self.num_batches_tracked._version[0] += 1
            if momentum is None:  # a cumulative average: the k-th batch gets weight 1/k
                momentum = 1.0 / int(self.num_batches_tracked.data)
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                            training=use_batch_stats, momentum=momentum, eps=self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch norm of (N, C) or (N, C, L) input (statistics over N, and L)."""
    expected_dims, input_layout = (2, 3), "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch norm of (N, C, H, W) input (statistics over N, H and W)."""
    expected_dims, input_layout = (4,), "(N, C, H, W)"


class LayerNorm(Module):
    """Each sample normalised over its trailing `normalized_shape` axes, then y = γ·x̂ + β with
    γ (ones) and β (zeros) of shape normalized_shape."""

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, dtype=None):
        self.normalized_shape = F._normalized_shape("LayerNorm", normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        dtype = _floating("LayerNorm", dtype)
        self.weight = Parameter(np.ones(self.normalized_shape, dtype)) if elementwise_affine else None
        self.bias = Parameter(np.zeros(self.normalized_shape, dtype)) if elementwise_affine and bias else None

    def forward(self, x):
        x = as_tensor(x, "LayerNorm")
        k = len(self.normalized_shape)
        if x.shape[x.ndim - k:] != self.normalized_shape or x.ndim < k:
            raise ValueError(f"LayerNorm(normalized_shape={self.normalized_shape}): expected input "
                             f"of shape (*, {', '.join(map(str, self.normalized_shape))}), got input "
                             f"of shape {x.shape}")
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
