"""Layers: Linear, Sequential and the activation modules."""
from __future__ import annotations

import math

import numpy as np

from .. import _random
from .. import functional as F
from ..tensor import DEFAULT_DTYPE, as_tensor
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
        names = None
        if len(modules) == 1 and isinstance(modules[0], dict):  # Sequential(OrderedDict([("fc1", …), …]))
            names, modules = [str(k) for k in modules[0]], tuple(modules[0].values())
        for i, m in enumerate(modules):
            if not isinstance(m, Module) and not callable(m):
                raise TypeError(f"Sequential: item {i} is a {type(m).__name__}, not a Module")
        if names is not None:
            object.__setattr__(self, "layer_names", names)  # before the layers: they are named by it
        self.layers = list(modules)

    def _names(self) -> list:
        names = vars(self).get("layer_names")
        return names if names is not None else [str(i) for i in range(len(vars(self).get("layers", ())))]

    def _members(self):
        yield from zip(self._names(), vars(self).get("layers", ()))  # () before __init__ sets it
        yield from ((k, v) for k, v in vars(self).items() if k not in ("layers", "layer_names"))  # a subclass's own

    def _member_prefix(self, attribute: str) -> str:
        return "" if attribute == "layers" else attribute

    def __getattr__(self, name: str):
        """A layer by the name given in an OrderedDict: model.fc1."""
        names = vars(self).get("layer_names") or ()
        if name in names:
            return self.layers[names.index(name)]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

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

    def append(self, module: Module) -> Sequential:
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


class Softmax(Module):
    """softmax along `dim` (PyTorch's nn.Softmax; here dim must be given)."""

    def __init__(self, dim: int):
        self.dim = dim

    def forward(self, x):
        return F.softmax(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    def forward(self, x):
        return F.log_softmax(x, self.dim)


class Identity(Module):
    """Returns its input unchanged (arguments to the constructor are accepted and ignored, as in
    PyTorch): a placeholder, e.g. for a layer switched off."""

    def __init__(self, *args, **kwargs):
        pass

    def forward(self, x):
        return x


class Flatten(Module):
    """Merge the axes start_dim..end_dim into one: (N, C, H, W) -> (N, C·H·W) by default."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        x = as_tensor(x, "Flatten")
        nd = max(x.ndim, 1)
        start, end = self.start_dim, self.end_dim
        if not (-nd <= start < nd and -nd <= end < nd) or start % nd > end % nd:
            raise ValueError(f"Flatten(start_dim={start}, end_dim={end}): dimensions out of range or "
                             f"in the wrong order for input of shape {x.shape}")
        start, end = start % nd, end % nd
        shape = x.shape or (1,)
        merged = int(np.prod(shape[start:end + 1]))
        return x.reshape(shape[:start] + (merged,) + shape[end + 1:])

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class GELU(Module):
    """x·Φ(x) (the erf form, PyTorch's default); approximate='tanh' for the tanh approximation."""

    def __init__(self, approximate: str = "none"):
        self.approximate = approximate

    def forward(self, x):
        return F.gelu(x, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """x·σ(x)."""

    def forward(self, x):
        return F.silu(x)


class Softplus(Module):
    def __init__(self, beta: float = 1.0, threshold: float = 20.0):
        self.beta, self.threshold = beta, threshold

    def forward(self, x):
        return F.softplus(x, self.beta, self.threshold)


class ELU(Module):
    def __init__(self, alpha: float = 1.0):
        self.alpha = alpha

    def forward(self, x):
        return F.elu(x, self.alpha)


class Unflatten(Module):
    """Split axis `dim` into `unflattened_size`, as PyTorch's nn.Unflatten (the inverse of Flatten)."""

    def __init__(self, dim: int, unflattened_size):
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    def forward(self, x):
        dim = self.dim % x.ndim
        return x.reshape(x.shape[:dim] + self.unflattened_size + x.shape[dim + 1:])
