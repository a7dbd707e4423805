"""`Module`: the base class of layers and models. It finds its parameters by looking at its
attributes (and inside lists, tuples and dicts), so a model is plain Python:

    class MLP(nn.Module):
        def __init__(self):
            self.fc1 = nn.Linear(64, 32)
            self.fc2 = nn.Linear(32, 10)
        def forward(self, x):
            return self.fc2(self.fc1(x).relu())

`named_parameters()` gives PyTorch's dotted names (`fc1.weight`, `layers.0.bias`); parameters take
these names as their `.name` when an attribute is assigned or named_parameters() runs.
"""
from __future__ import annotations

from typing import Iterator

import numpy as np

from .parameter import Parameter


class Module:
    """Base class: subclass it, assign parameters and sub-modules as attributes, write forward."""

    training = True  # class default, so subclasses need not call super().__init__()

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def __setattr__(self, name: str, value) -> None:
        object.__setattr__(self, name, value)
        if isinstance(value, (Parameter, Module, list, tuple, dict)):
            for _ in self.named_parameters():  # names them now, so errors say 'fc1.weight'
                pass

    # --- discovery ----------------------------------------------------------------------------
    def _members(self) -> Iterator[tuple[str, object]]:
        """(name, value) of everything that may hold parameters, in a stable order."""
        return iter(vars(self).items())

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, "Module"]]:
        """This module and every sub-module, each once: ('', self), ('fc1', …), …"""
        seen = set()
        for name, value in _depth_first(self, prefix, seen):
            if isinstance(value, Module):
                yield name, value

    def modules(self) -> Iterator["Module"]:
        return (m for _, m in self.named_modules())

    def children(self) -> Iterator["Module"]:
        return (m for _, m in _walk(self._members()) if isinstance(m, Module))

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs in the order the attributes were assigned (depth
        first), each parameter once: where it is first found."""
        seen = set()
        for name, value in _depth_first(self, prefix, set()):
            if isinstance(value, Parameter) and id(value) not in seen:
                seen.add(id(value))
                _label(value, name)
                yield name, value

    def parameters(self) -> list[Parameter]:
        return [p for _, p in self.named_parameters()]

    # --- training helpers ---------------------------------------------------------------------
    def zero_grad(self) -> None:
        """Forget every parameter's gradient (set it to None, as PyTorch does by default)."""
        for p in self.parameters():
            p.grad = None

    def train(self, mode: bool = True) -> "Module":
        for m in self.modules():
            m.training = bool(mode)
        return self

    def eval(self) -> "Module":
        return self.train(False)

    def to(self, dtype) -> "Module":
        """Convert every parameter to a floating dtype, in place (do it before creating the
        optimizer: its state buffers keep the dtype they were made with)."""
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"{type(self).__name__}.to: parameters need a floating dtype, got {dtype}")
        for p in self.parameters():
            if p.data.dtype != dtype:
                p.data = p.data.astype(dtype)
                p.grad = None
                p._version[0] += 1
        return self

    def double(self) -> "Module":
        return self.to(np.float64)

    def float(self) -> "Module":
        return self.to(np.float32)

    # --- state --------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, np.ndarray]:
        """{dotted name: a copy of the parameter's array}."""
        return {name: p.data.copy() for name, p in self.named_parameters()}

    def load_state_dict(self, state_dict, strict: bool = True) -> None:
        """Copy the given arrays into the parameters. Every key, shape and dtype is checked
        before anything is copied, so a dict that does not fit leaves the model untouched.
        strict=False ignores missing and unexpected keys (shapes must still fit)."""
        from .serialization import check_state_dict
        for p, value in check_state_dict(self, state_dict, strict):
            np.copyto(p.data, value, casting="same_kind")
            p._version[0] += 1

    def save(self, path) -> str:
        """Write state_dict() to an .npz file at `path`; returns the path."""
        from .serialization import save
        return save(self, path)

    def load(self, path, strict: bool = True) -> "Module":
        """Load parameters from an .npz file written by save()."""
        from .serialization import load
        return load(self, path, strict)

    # --- display ------------------------------------------------------------------------------
    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        children = [(n, m) for n, m in _walk(self._members()) if isinstance(m, Module)]
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not children:
            return head + ")"
        lines = [f"  ({n}): " + repr(m).replace("\n", "\n  ") for n, m in children]
        return head + "\n" + "\n".join(lines) + "\n)"


def _depth_first(module: Module, prefix: str, seen: set) -> Iterator[tuple[str, object]]:
    """The module itself, then each member in order, entering sub-modules (each module once)."""
    seen.add(id(module))
    yield prefix, module
    for name, value in _walk(module._members()):
        full = _join(prefix, name)
        if isinstance(value, Module):
            if id(value) not in seen:
                yield from _depth_first(value, full, seen)
        else:
            yield full, value


def _walk(members) -> Iterator[tuple[str, object]]:
    """Expand lists, tuples and dicts: ('layers', [a, b]) -> ('layers.0', a), ('layers.1', b)."""
    for name, value in members:
        if isinstance(value, (list, tuple)):
            yield from _walk((_join(name, str(i)), v) for i, v in enumerate(value))
        elif isinstance(value, dict):
            yield from _walk((_join(name, str(k)), v) for k, v in value.items())
        else:
            yield name, value


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _label(p: Parameter, name: str) -> None:
    """Give a parameter its dotted name, so graphs and error messages show 'fc1.weight'. A name
    given here may later be replaced by a more qualified one (a module assigned into a model:
    'weight' -> 'fc1.weight'); a name the user gave is never touched."""
    auto = getattr(p, "_auto_name", None)
    if p.name is None or (p.name == auto and name.count(".") > auto.count(".")):
        p.name = p._auto_name = name
