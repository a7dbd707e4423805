"""Convolution and pooling for `tinygrad_edu.functional` (F.conv1d, F.conv2d, F.max_pool2d,
F.avg_pool2d): PyTorch's arguments and output sizes, every argument checked, then one op each
(ops/conv.py, ops/pool.py). Output size per spatial axis, as PyTorch: ⌊(n + 2p − k) / s⌋ + 1."""
from __future__ import annotations

import numpy as np

from . import ops
from .grad_mode import state
from .tensor import Tensor, as_tensor, describe


def int_tuple(value, n: int, op: str, arg: str, minimum: int) -> tuple:
    """An int or a sequence of n ints, each ≥ minimum, as a tuple of n ints."""
    items = (value,) * n if isinstance(value, (int, np.integer)) else value
    try:
        items = tuple(items)
    except TypeError:
        items = None
    if (items is None or len(items) != n
            or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in items)):
        raise TypeError(f"{op}: {arg} must be an int or a tuple of {n} ints, got {value!r}")
    if any(v < minimum for v in items):
        what = "positive" if minimum > 0 else "non-negative"
        raise ValueError(f"{op}: {arg} must be {what}, got {value!r}")
    return tuple(int(v) for v in items)


def _input(x, op: str, dims: int, layout: str) -> Tensor:
    """x as a Tensor of dims + 2 axes (a batch axis is added to an unbatched input)."""
    x = as_tensor(x, op, arg="input")
    if x.ndim not in (dims + 1, dims + 2):
        raise ValueError(f"{op}: expected a {dims + 1}-D (unbatched) or {dims + 2}-D (batched) input of "
                         f"shape {layout}, but {describe(x)} has {x.ndim} dimensions")
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: input must be floating, but {describe(x)} is {x.dtype}")
    return x


def _spatial(x: Tensor, dims: int) -> tuple:
    return x.shape[-dims:]


def _conv(op: str, dims: int, x, weight, bias, stride, padding) -> Tensor:
    layout = "(N, C, L)" if dims == 1 else "(N, C, H, W)"
    x = _input(x, op, dims, layout)
    if not isinstance(weight, Tensor):
        raise TypeError(f"{op}: weight must be a Tensor, got {type(weight).__name__}")
    if weight.ndim != dims + 2:
        kernel = "kL" if dims == 1 else "kH, kW"
        raise ValueError(f"{op}: weight must be {dims + 2}-D (out_channels, in_channels, {kernel}), "
                         f"but {describe(weight)} has {weight.ndim} dimensions")
    unbatched = x.ndim == dims + 1
    channels = x.shape[0] if unbatched else x.shape[1]
    out_channels, in_channels = weight.shape[:2]
    if channels != in_channels:
        raise ValueError(f"{op}: {describe(weight)} expects input with {in_channels} channels, but "
                         f"{describe(x)} has {channels} channels (axis {0 if unbatched else 1})")
    if bias is not None:
        if not isinstance(bias, Tensor):
            raise TypeError(f"{op}: bias must be a Tensor or None, got {type(bias).__name__}")
        if bias.shape != (out_channels,):
            raise ValueError(f"{op}: bias must have shape ({out_channels},), one per output channel of "
                             f"{describe(weight)}, but {describe(bias)} was given")
    for t in (weight, bias):
        if t is not None and t.dtype != x.dtype:
            raise TypeError(f"{op}: {describe(x)} and {describe(t)} must have the same dtype, as in "
                            f"PyTorch (cast the input with .float() or .double(), or the model with "
                            f"model.float() or model.double())")
    stride = int_tuple(stride, dims, op, "stride", 1)
    kernel = weight.shape[2:]
    padding = _padding(padding, kernel, stride, dims, op)
    size = _spatial(x, dims)
    padded = tuple(n + 2 * p for n, p in zip(size, padding))
    if any(k > n for k, n in zip(kernel, padded)):
        raise ValueError(f"{op}: kernel size {kernel} of {describe(weight)} is larger than the padded "
                         f"input size {padded} ({describe(x)}, padding {padding})")
    if unbatched:
        x = x.reshape(1, *x.shape)
    if dims == 1:  # run as 2-D with height 1
        stride, padding = (1, *stride), (0, *padding)
    inputs = (x, weight) if bias is None else (x, weight, bias)
    y = ops.Conv.apply(*inputs, stride=stride, padding=padding, name=op,
                       keep_cols=state.enabled and weight.requires_grad)
    return y.reshape(y.shape[1:]) if unbatched else y


def _padding(padding, kernel: tuple, stride: tuple, dims: int, op: str) -> tuple:
    """An int, a tuple, or PyTorch's 'valid' (none) and 'same' (output size = input size)."""
    if padding == "valid":
        return (0,) * dims
    if padding == "same":
        if any(s != 1 for s in stride):
            raise ValueError(f"{op}: padding='same' is not supported for strided convolutions "
                             f"(stride {stride}), as in PyTorch")
        if any(k % 2 == 0 for k in kernel):
            raise ValueError(f"{op}: padding='same' with the even kernel size {kernel} would need more "
                             f"padding on one side than the other; pad the input with F.pad instead")
        return tuple((k - 1) // 2 for k in kernel)
    return int_tuple(padding, dims, op, "padding", 0)


def conv1d(x, weight, bias=None, stride=1, padding=0) -> Tensor:
    """1-D cross-correlation: x (N, C, L) or (C, L), weight (O, C, k), bias (O,) -> (N, O, L')."""
    return _conv("conv1d", 1, x, weight, bias, stride, padding)


def conv2d(x, weight, bias=None, stride=1, padding=0) -> Tensor:
    """2-D cross-correlation: x (N, C, H, W) or (C, H, W), weight (O, C, kH, kW), bias (O,)
    -> (N, O, H', W'). stride and padding: an int or a pair (height, width); padding may also
    be 'valid' (none) or 'same' (stride 1, odd kernels)."""
    return _conv("conv2d", 2, x, weight, bias, stride, padding)


def _pool(op: str, fn, x, kernel_size, stride, padding) -> Tensor:
    x = _input(x, op, 2, "(N, C, H, W)")
    kernel = int_tuple(kernel_size, 2, op, "kernel_size", 1)
    stride = kernel if stride is None else int_tuple(stride, 2, op, "stride", 1)
    padding = int_tuple(padding, 2, op, "padding", 0)
    if any(2 * p > k for p, k in zip(padding, kernel)):
        raise ValueError(f"{op}: padding should be at most half of the kernel size, but got "
                         f"padding={padding} and kernel_size={kernel}")
    out = tuple((n + 2 * p - k) // s + 1 for n, k, s, p in zip(x.shape[-2:], kernel, stride, padding))
    if any(n < 1 for n in out):
        raise ValueError(f"{op}: the output size {out} is too small: {describe(x)} with kernel_size "
                         f"{kernel}, stride {stride}, padding {padding}")
    return fn.apply(x, kernel=kernel, stride=stride, padding=padding)


def max_pool2d(x, kernel_size, stride=None, padding=0) -> Tensor:
    """The maximum of each kernel_size window (stride defaults to kernel_size; padding counts as
    −∞). Ties send the gradient to the first maximum of the window, as PyTorch."""
    return _pool("max_pool2d", ops.MaxPool, x, kernel_size, stride, padding)


def avg_pool2d(x, kernel_size, stride=None, padding=0) -> Tensor:
    """The mean of each kernel_size window (stride defaults to kernel_size; padding counts as
    zeros in the mean, PyTorch's count_include_pad=True)."""
    return _pool("avg_pool2d", ops.AvgPool, x, kernel_size, stride, padding)


def adaptive_avg_pool2d(x, output_size) -> Tensor:
    """The mean over windows that tile each (H, W) map into `output_size` (an int, a pair, None
    keeping a side): torch's F.adaptive_avg_pool2d where the sizes divide (global average pooling
    is output_size 1), as avg_pool2d with kernel = stride = input size / output size."""
    x = as_tensor(x, "adaptive_avg_pool2d")
    if x.ndim not in (3, 4):
        raise ValueError(f"adaptive_avg_pool2d: expected an (N, C, H, W) or (C, H, W) input, got {describe(x)}")
    sizes = (output_size, output_size) if not isinstance(output_size, (tuple, list)) else tuple(output_size)
    sizes = tuple(n if s is None else s for s, n in zip(sizes, x.shape[-2:]))
    if any(not isinstance(s, (int, np.integer)) or s <= 0 for s in sizes) or len(sizes) != 2:
        raise ValueError(f"adaptive_avg_pool2d: output_size must be a positive int or a pair, got {output_size!r}")
    if any(n % s for n, s in zip(x.shape[-2:], sizes)):
        raise ValueError(f"adaptive_avg_pool2d: the input's {x.shape[-2:]} maps do not divide into {sizes}; "
                         f"only sizes that divide are supported (windows of equal size)")
    kernel = tuple(int(n // s) for n, s in zip(x.shape[-2:], sizes))
    return avg_pool2d(x, kernel, kernel)
