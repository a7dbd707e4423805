"""Hooks: functions the user attaches to a Module's forward or to a Tensor's gradient, each
removable through the handle its register_* call returns (PyTorch's RemovableHandle)."""
from __future__ import annotations

import itertools
import weakref

_next_id = itertools.count()


class HookList:
    """An ordered collection of hooks (not a list or dict, so a Module does not search it for
    parameters). Iterating gives a snapshot: a hook may remove itself while the hooks run."""

    __slots__ = ("_hooks",)

    def __init__(self):
        self._hooks: dict[int, object] = {}

    def add(self, hook, prepend: bool = False) -> RemovableHandle:
        if not callable(hook):
            raise TypeError(f"a hook must be callable, got {type(hook).__name__}")
        handle = RemovableHandle(self)
        if prepend:
            self._hooks = {handle.id: hook, **self._hooks}
        else:
            self._hooks[handle.id] = hook
        return handle

    def __iter__(self):
        return iter(list(self._hooks.values()))

    def __len__(self) -> int:
        return len(self._hooks)

    def __bool__(self) -> bool:
        return bool(self._hooks)

    def __repr__(self) -> str:
        return f"HookList({len(self._hooks)} hooks)"


class RemovableHandle:
    """Returned by register_forward_hook / register_hook: `handle.remove()` detaches the hook
    (removing twice is harmless); also a context manager that removes it on exit."""

    def __init__(self, hooks: HookList):
        self.id = next(_next_id)
        self._hooks = hooks

    def remove(self) -> None:
        self._hooks._hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc) -> None:
        self.remove()

    def __repr__(self) -> str:
        return f"RemovableHandle(id={self.id})"


# Gradient hooks of tensors, by id(tensor): most tensors never have one, so a Tensor carries no
# field for them and the backward pass looks here only while some tensor has hooks. An entry
# goes when its tensor is freed (weakref.finalize runs before the id can be reused).
tensor_hooks: dict[int, HookList] = {}


def hooks_of(tensor) -> HookList:
    """The gradient hooks of `tensor`, created on first use."""
    key = id(tensor)
    hooks = tensor_hooks.get(key)
    if hooks is None:
        hooks = tensor_hooks[key] = HookList()
        weakref.finalize(tensor, tensor_hooks.pop, key, None)
    return hooks
