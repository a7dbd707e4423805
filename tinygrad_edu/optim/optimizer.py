"""`Optimizer`: the base class. Hyper-parameters live in one place, `param_groups`, PyTorch's
layout: a list of dicts, each with its 'params' and its own 'lr', 'momentum', … (so a learning
rate scheduler, or you, can set `opt.param_groups[0]['lr']`). Per-parameter state buffers are in
`state`, one dict per parameter in order. A subclass's `update(p, grad, state, group)` changes
`p.data` in place. Parameters whose `.grad` is None are skipped. Gradients are only read, never
written (their arrays are read-only and may be shared between tensors)."""
from __future__ import annotations

import numpy as np

from .. import observer
from .._zero_grad import zero_gradients
from ..tensor import Tensor

BLOCK = 1 << 18  # elements (1 MB of float32)


def subtract_scaled(p: np.ndarray, scale: float, g: np.ndarray) -> None:
    """p −= scale·g in place. A large parameter is updated a block at a time, so that the
    temporary scale·g stays in the cache instead of being a second parameter-sized array written
    to and read back from memory (speed: see benchmarks/README.md). Same numbers: each element
    gets the same two operations."""
    if p.size <= BLOCK or not (p.flags.c_contiguous and g.flags.c_contiguous and p.shape == g.shape):
        p -= scale * g
        return
    flat_p, flat_g = p.reshape(-1), g.reshape(-1)   # views: p is C-contiguous
    for start in range(0, flat_p.size, BLOCK):
        flat_p[start:start + BLOCK] -= scale * flat_g[start:start + BLOCK]


class Optimizer:
    def __init__(self, params, defaults: dict):
        if isinstance(params, Tensor) or hasattr(params, "named_parameters"):
            raise TypeError(f"{type(self).__name__}: params must be an iterable of Tensors, such as "
                            f"model.parameters(), got {type(params).__name__}")
        params = list(params)
        self._defaults = dict(defaults)  # fills the keys a group passed as a dict leaves out
        self.param_groups: list[dict] = []
        self.state: list[dict] = []
        for group in (params if params and isinstance(params[0], dict) else [{"params": params}]):
            self.add_param_group(group)

    def add_param_group(self, group: dict) -> None:
        """Add {'params': [...], 'lr': …}; missing hyper-parameters take the constructor's values."""
        name = type(self).__name__
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(f"{name}: a parameter group must be a dict with a 'params' entry, got {group!r}")
        unknown = set(group) - set(self._defaults) - {"params"}
        if unknown:
            raise ValueError(f"{name}: unknown hyper-parameter(s) {sorted(unknown)} in a parameter group; "
                             f"known: {sorted(self._defaults)}")
        group = {"params": group["params"], **self._defaults,
                 **{k: v for k, v in group.items() if k != "params"}}
        self.check_group(group)
        taken = {id(p) for g in self.param_groups for p in g["params"]}
        chosen, seen = [], set()
        members = [group["params"]] if isinstance(group["params"], Tensor) else list(group["params"])
        for i, p in enumerate(members):
            if not isinstance(p, Tensor):
                raise TypeError(f"{name}: parameter {i} is a {type(p).__name__}, not a Tensor")
            if not p.requires_grad or not p.is_leaf:
                raise ValueError(f"{name}: parameter {i} ({p.name or p.shape}) must be a "
                                 "leaf tensor with requires_grad=True")
            if id(p) in taken:
                raise ValueError(f"{name}: parameter {i} ({p.name or p.shape}) is already in another "
                                 "parameter group")
            if id(p) not in seen:
                seen.add(id(p))
                chosen.append(p)
        if not chosen:
            raise ValueError(f"{name} got an empty parameter list")
        group["params"] = chosen
        self.param_groups.append(group)
        self.state.extend({} for _ in chosen)

    def check_group(self, group: dict) -> None:
        """Raise ValueError for hyper-parameters out of range (each optimizer says which)."""

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Set every parameter's gradient to None (PyTorch's default), or to zeros with
        set_to_none=False."""
        for group in self.param_groups:
            zero_gradients(group["params"], set_to_none)

    def step(self) -> None:
        states = iter(self.state)
        for group in self.param_groups:
            for p in group["params"]:
                state = next(states)
                if p.grad is None:
                    continue
                grad = p.grad.data if isinstance(p.grad, Tensor) else np.asarray(p.grad)
                if grad.shape != p.shape:
                    raise ValueError(f"{type(self).__name__}.step: parameter {p.name or ''} of shape "
                                     f"{p.shape} has a gradient of shape {grad.shape}")
                if observer.watching:  # tg.compile is tracing a step
                    observer.current().update(self, p, grad, state, group)
                self.update(p.data, grad, state, group)
                p._version[0] += 1

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        raise NotImplementedError

    def state_dict(self) -> dict:
        """PyTorch's layout: copies of the per-parameter state, and the groups' hyper-parameters
        with their parameters as indices."""
        groups, start = [], 0
        for g in self.param_groups:
            groups.append({**{k: v for k, v in g.items() if k != "params"},
                           "params": list(range(start, start + len(g["params"])))})
            start += len(g["params"])
        return {"state": [{k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in s.items()}
                          for s in self.state],
                "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        name = type(self).__name__
        if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= set(state_dict):
            raise ValueError(f"{name}.load_state_dict: expected a dict with 'state' and 'param_groups' "
                             f"(from state_dict()), got {type(state_dict).__name__} "
                             f"{sorted(state_dict) if isinstance(state_dict, dict) else ''}")
        states, groups = state_dict["state"], state_dict["param_groups"]
        sizes = [len(g["params"]) for g in self.param_groups]
        if len(states) != len(self.state) or [len(g["params"]) for g in groups] != sizes:
            raise ValueError(f"{name}.load_state_dict: the saved state has {len(states)} parameters in "
                             f"groups of {[len(g['params']) for g in groups]}, this optimizer has "
                             f"{len(self.state)} in groups of {sizes}")
        params = [p for g in self.param_groups for p in g["params"]]
        for i, s in enumerate(states):
            for k, v in s.items():
                if np.ndim(v) and np.shape(v) != params[i].shape:
                    raise ValueError(f"{name}.load_state_dict: state '{k}' of parameter "
                                     f"{i}: expected shape {params[i].shape}, got {np.shape(v)}")
        for group, saved in zip(self.param_groups, groups):
            group.update({k: v for k, v in saved.items() if k != "params"})
        self.state = [{k: np.array(v) if np.ndim(v) else v for k, v in s.items()} for s in states]

    def __repr__(self) -> str:
        groups = [", ".join(f"{k}={v}" for k, v in g.items() if k != "params") for g in self.param_groups]
        count = sum(len(g["params"]) for g in self.param_groups)
        return f"{type(self).__name__}({count} parameters, " + "; ".join(groups) + ")"
