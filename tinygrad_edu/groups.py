"""Groups of a graph's nodes that the pictures draw together (one time step of a recurrence).

A recurrent layer calls `mark_group(outputs, inputs, label)` after each time step: the ops that
computed `outputs` from `inputs` (and from leaves such as the weights) form one group, drawn by
`viz.draw_graph` as a cluster labelled `label` ("t = 3"). Only the step's outputs are
remembered here (weakly: a group dies with its graph); which ops belong to it is worked out
when a picture is drawn (`group_members`), so marking costs the forward pass almost nothing.
"""
from __future__ import annotations

import weakref


class Group:
    """A label and the tensors the group's computation starts from (its boundary)."""

    __slots__ = ("label", "boundary", "first", "__weakref__")

    def __init__(self, label: str, inputs, first) -> None:
        self.label = label
        self.boundary = frozenset(id(t) for t in inputs)
        self.first = id(first)   # the first output (h_t): the pictures run the recurrence through it


_heads: dict = {}   # id(output tensor) -> (weak reference to it, Group)
_PRUNE_AT = 4096


def mark_group(outputs, inputs, label: str) -> None:
    """Remember that `outputs` (tensors) were computed from `inputs` as one group called `label`."""
    recorded = [t for t in outputs if t.grad_fn is not None]
    if not recorded:   # under no_grad nothing is drawn
        return
    group = Group(label, inputs, recorded[0])
    for t in recorded:
        _heads[id(t)] = (weakref.ref(t), group)
    if len(_heads) > _PRUNE_AT:
        _prune()


def group_of(t) -> Group | None:
    """The group whose output `t` is, if it is one."""
    entry = _heads.get(id(t))
    return entry[1] if entry is not None and entry[0]() is t else None


def group_members(tensors) -> dict:
    """{id(op node): Group} for the ops of every marked group among `tensors`: walking back
    from each group's outputs through the ops that made them, up to the group's inputs and
    leaves (an op already claimed by a group keeps its group)."""
    owner: dict = {}
    for t in tensors:
        group = group_of(t)
        if group is None:
            continue
        stack = [t]
        while stack:
            u = stack.pop()
            fn = u.grad_fn
            if fn is None or id(u) in group.boundary or id(fn) in owner:
                continue
            owner[id(fn)] = group
            stack.extend(fn.inputs)
    return owner


def _prune() -> None:
    global _PRUNE_AT
    for key, (ref, _) in list(_heads.items()):   # a copy: another thread may be marking
        if ref() is None:
            _heads.pop(key, None)
    _PRUNE_AT = max(4096, 2 * len(_heads))
