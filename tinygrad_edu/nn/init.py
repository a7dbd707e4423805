"""`nn.init`: PyTorch's initialisers, in place on a Parameter (or any floating Tensor). Each draws
from the library's generator (seeded by `tg.manual_seed`), writes into the tensor's array without
recording anything in a graph, bumps its version (as every in-place edit does) and returns it.

Fans are PyTorch's: for a weight of shape (out, in, *kernel), fan_in = in·∏kernel and
fan_out = out·∏kernel (a Linear weight (out, in) has no kernel).
"""
from __future__ import annotations

import math

import numpy as np

from .. import _random
from ..tensor import Tensor

_GAIN_ONE = ("linear", "identity", "sigmoid", "conv1d", "conv2d", "conv3d",
             "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """PyTorch's recommended gain: 1 for linear/conv/sigmoid, 5/3 for tanh, √2 for relu,
    √(2 / (1 + slope²)) for leaky_relu (slope `param`, default 0.01), 3/4 for selu."""
    if nonlinearity in _GAIN_ONE:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"calculate_gain: negative_slope {slope!r} is not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def _calculate_fan_in_and_fan_out(tensor: Tensor, owner: str = "init") -> tuple[int, int]:
    shape = tensor.shape
    if len(shape) < 2:
        raise ValueError(f"nn.init.{owner}: fan in and fan out need a tensor of at least 2 dimensions, "
                         f"got shape {shape}")
    receptive_field = math.prod(shape[2:])
    # at least 1: only a tensor with no elements has a zero fan, and nothing is drawn for it
    return max(shape[1] * receptive_field, 1), max(shape[0] * receptive_field, 1)


def _fan(tensor: Tensor, mode: str, owner: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"nn.init.{owner}: mode {mode!r} not supported, use 'fan_in' or 'fan_out'")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor, owner)
    return fan_in if mode == "fan_in" else fan_out


def _fill(tensor: Tensor, values) -> Tensor:
    """Write `values` (an array or a number) into the tensor in place."""
    np.copyto(tensor.data, values, casting="unsafe")
    tensor._version[0] += 1
    return tensor


def _check(tensor, owner: str) -> Tensor:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"nn.init.{owner}: expected a Tensor or Parameter, got {type(tensor).__name__}")
    if tensor.data.dtype.kind != "f":
        raise TypeError(f"nn.init.{owner}: needs a floating tensor, got dtype {tensor.data.dtype}")
    if not tensor.data.flags.writeable:
        raise ValueError(f"nn.init.{owner}: the tensor's array is read-only (shape {tensor.shape})")
    return tensor


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """Values drawn uniformly from [a, b)."""
    _check(tensor, "uniform_")
    if a > b:
        raise ValueError(f"nn.init.uniform_: expects a <= b, got a={a}, b={b}")
    return _fill(tensor, _random.generator().uniform(a, b, tensor.shape))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """Values drawn from N(mean, std²)."""
    _check(tensor, "normal_")
    if std < 0:
        raise ValueError(f"nn.init.normal_: std must be >= 0, got {std}")
    return _fill(tensor, _random.generator().normal(mean, std, tensor.shape))


def constant_(tensor: Tensor, val: float) -> Tensor:
    return _fill(_check(tensor, "constant_"), val)


def zeros_(tensor: Tensor) -> Tensor:
    return _fill(_check(tensor, "zeros_"), 0.0)


def ones_(tensor: Tensor) -> Tensor:
    return _fill(_check(tensor, "ones_"), 1.0)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot: U(−a, a) with a = gain·√(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(_check(tensor, "xavier_uniform_"), "xavier_uniform_")
    bound = math.sqrt(3.0) * gain * math.sqrt(2.0 / (fan_in + fan_out))
    return _fill(tensor, _random.generator().uniform(-bound, bound, tensor.shape))


def xavier_normal_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot: N(0, std²) with std = gain·√(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(_check(tensor, "xavier_normal_"), "xavier_normal_")
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return _fill(tensor, _random.generator().normal(0.0, std, tensor.shape))


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu") -> Tensor:
    """He: U(−b, b) with b = gain·√(3 / fan), gain = calculate_gain(nonlinearity, a)."""
    fan = _fan(_check(tensor, "kaiming_uniform_"), mode, "kaiming_uniform_")
    bound = math.sqrt(3.0) * calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return _fill(tensor, _random.generator().uniform(-bound, bound, tensor.shape))


def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu") -> Tensor:
    """He: N(0, std²) with std = gain / √fan, gain = calculate_gain(nonlinearity, a)."""
    fan = _fan(_check(tensor, "kaiming_normal_"), mode, "kaiming_normal_")
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return _fill(tensor, _random.generator().normal(0.0, std, tensor.shape))
