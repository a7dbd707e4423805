"""Convolution and pooling layers: Conv1d, Conv2d, MaxPool2d, AvgPool2d, as PyTorch's (arguments,
parameter names and shapes, initialisation: kaiming_uniform with a = √5, i.e. weight and bias
uniform in ±1/√fan_in with fan_in = in_channels · kernel elements; seeded by tg.manual_seed)."""
from __future__ import annotations

import math

import numpy as np

from .. import _random
from .. import functional as F
from ..spatial import int_tuple
from ..tensor import DEFAULT_DTYPE
from .module import Module
from .parameter import Parameter


class _ConvNd(Module):
    dims = 2

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 bias: bool = True, dtype=None):
        layer = type(self).__name__
        for arg, value in (("in_channels", in_channels), ("out_channels", out_channels)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"{layer}: {arg} must be a positive integer, got {value!r}")
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = int_tuple(kernel_size, self.dims, layer, "kernel_size", 1)
        self.stride = int_tuple(stride, self.dims, layer, "stride", 1)
        self.padding = padding if padding in ("same", "valid") else int_tuple(padding, self.dims, layer, "padding", 0)
        dtype = np.dtype(dtype or DEFAULT_DTYPE)
        if dtype.kind != "f":
            raise TypeError(f"{layer}: dtype must be floating, got {dtype}")
        fan_in = self.in_channels * math.prod(self.kernel_size)
        bound = 1.0 / math.sqrt(fan_in)
        rng = _random.generator()
        shape = (self.out_channels, self.in_channels, *self.kernel_size)
        self.weight = Parameter(rng.uniform(-bound, bound, shape).astype(dtype))
        self.bias = Parameter(rng.uniform(-bound, bound, (self.out_channels,)).astype(dtype)) if bias else None

    def extra_repr(self) -> str:
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0,) * self.dims and self.padding != "valid":
            text += f", padding={self.padding}"
        return text + ("" if self.bias is not None else ", bias=False")


class Conv1d(_ConvNd):
    """x (N, in_channels, L) -> (N, out_channels, L'); weight (out, in, k), bias (out,)."""
    dims = 1

    def forward(self, x):
        return F.conv1d(x, self.weight, self.bias, self.stride, self.padding)


class Conv2d(_ConvNd):
    """x (N, in_channels, H, W) -> (N, out_channels, H', W'); weight (out, in, kH, kW), bias (out,)."""
    dims = 2

    def forward(self, x):
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding)


class _Pool2d(Module):
    def __init__(self, kernel_size, stride=None, padding=0):
        layer = type(self).__name__
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        int_tuple(kernel_size, 2, layer, "kernel_size", 1)  # checked now, not at the first call
        int_tuple(self.stride, 2, layer, "stride", 1)
        int_tuple(padding, 2, layer, "padding", 0)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_Pool2d):
    def forward(self, x):
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding)


class AvgPool2d(_Pool2d):
    def forward(self, x):
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding)


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size (F.adaptive_avg_pool2d; sizes that divide the input's)."""

    def __init__(self, output_size):
        self.output_size = output_size

    def forward(self, x):
        return F.adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
