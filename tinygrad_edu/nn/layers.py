"""Layers: Linear, Sequential and the activation modules."""
from __future__ import annotations

import math

import numpy as np

from .. import _random
from .. import functional as F
from ..tensor import DEFAULT_DTYPE
from .module import Module
from .parameter import Parameter


class Linear(Module):
    """y = x Wᵀ + b with W of shape (out_features, in_features) and b of shape (out_features,),
    both initialised as PyTorch does: uniform in ±1/sqrt(in_features) (seeded by tg.manual_seed)."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True, dtype=None):
        for arg, value in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"Linear: {arg} must be a positive integer, got {value!r}")
        self.in_features, self.out_features = int(in_features), int(out_features)
        dtype = np.dtype(dtype or DEFAULT_DTYPE)
        if dtype.kind != "f":
            raise TypeError(f"Linear: dtype must be floating, got {dtype}")
        bound = 1.0 / math.sqrt(in_features)
        rng = _random.generator()
        self.weight = Parameter(rng.uniform(-bound, bound, (out_features, in_features)).astype(dtype))
        self.bias = Parameter(rng.uniform(-bound, bound, (out_features,)).astype(dtype)) if bias else None

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Sequential(Module):
    """Modules applied one after another; indexable, and named '0', '1', … as in PyTorch."""

    def __init__(self, *modules: Module):
        for i, m in enumerate(modules):
            if not isinstance(m, Module) and not callable(m):
                raise TypeError(f"Sequential: item {i} is a {type(m).__name__}, not a Module")
        self.layers = list(modules)

    def _members(self):
        yield from ((str(i), m) for i, m in enumerate(vars(self).get("layers", ())))  # () before __init__ sets it
        yield from ((k, v) for k, v in vars(self).items() if k != "layers")  # a subclass's own

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(*self.layers[index])
        return self.layers[index]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self):
        return iter(self.layers)

    def append(self, module: Module) -> "Sequential":
        self.layers.append(module)
        return self


class ReLU(Module):
    def forward(self, x):
        return F.relu(x)


class Sigmoid(Module):
    def forward(self, x):
        return F.sigmoid(x)


class Tanh(Module):
    def forward(self, x):
        return F.tanh(x)


class LeakyReLU(Module):
    def __init__(self, negative_slope: float = 0.01):
        self.negative_slope = negative_slope

    def forward(self, x):
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"
