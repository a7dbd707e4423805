"""`Optimizer`: the base class. It holds the parameters and per-parameter state buffers; a
subclass's `update(p, grad, state)` changes `p.data` in place. Parameters whose `.grad` is None
are skipped. Gradients are only read, never written (their arrays are read-only and may be
shared between tensors)."""
from __future__ import annotations

import numpy as np

from ..tensor import Tensor


class Optimizer:
    def __init__(self, params, defaults: dict):
        if isinstance(params, Tensor) or hasattr(params, "named_parameters"):
            raise TypeError(f"{type(self).__name__}: params must be an iterable of Tensors, such as "
                            f"model.parameters(), got {type(params).__name__}")
        self.params: list[Tensor] = []
        seen = set()
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"{type(self).__name__}: parameter {i} is a {type(p).__name__}, not a Tensor")
            if not p.requires_grad or not p.is_leaf:
                raise ValueError(f"{type(self).__name__}: parameter {i} ({p.name or p.shape}) must be a "
                                 "leaf tensor with requires_grad=True")
            if id(p) not in seen:
                seen.add(id(p))
                self.params.append(p)
        if not self.params:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        self.defaults = dict(defaults)
        self.state: list[dict] = [{} for _ in self.params]

    def zero_grad(self) -> None:
        """Set every parameter's gradient to None (PyTorch's default)."""
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        for p, state in zip(self.params, self.state):
            if p.grad is None:
                continue
            grad = p.grad.data if isinstance(p.grad, Tensor) else np.asarray(p.grad)
            if grad.shape != p.shape:
                raise ValueError(f"{type(self).__name__}.step: parameter {p.name or ''} of shape "
                                 f"{p.shape} has a gradient of shape {grad.shape}")
            self.update(p.data, grad, state)
            p._version[0] += 1

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict) -> None:
        raise NotImplementedError

    @staticmethod
    def scratch(state: dict, like: np.ndarray, key: str = "scratch") -> np.ndarray:
        """A buffer shaped like the parameter, allocated once and reused every step."""
        buf = state.get(key)
        if buf is None:
            buf = state[key] = np.empty_like(like)
        return buf

    def state_dict(self) -> dict:
        """Copies of the per-parameter state (scratch buffers left out) and the hyper-parameters."""
        return {"defaults": dict(self.defaults),
                "state": [{k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in s.items()
                           if not k.startswith("scratch")}
                          for s in self.state]}

    def load_state_dict(self, state_dict: dict) -> None:
        states = state_dict["state"]
        if len(states) != len(self.params):
            raise ValueError(f"{type(self).__name__}.load_state_dict: the saved state has "
                             f"{len(states)} parameters, this optimizer has {len(self.params)}")
        for i, s in enumerate(states):
            for k, v in s.items():
                if np.ndim(v) and np.shape(v) != self.params[i].shape:
                    raise ValueError(f"{type(self).__name__}.load_state_dict: state '{k}' of parameter "
                                     f"{i}: expected shape {self.params[i].shape}, got {np.shape(v)}")
        self.defaults.update(state_dict.get("defaults", {}))
        for name, value in self.defaults.items():
            setattr(self, name, value)
        self.state = [{k: np.array(v) if np.ndim(v) else v for k, v in s.items()} for s in states]

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.defaults.items())
        return f"{type(self).__name__}({len(self.params)} parameters, {args})"
