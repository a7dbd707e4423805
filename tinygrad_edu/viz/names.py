"""The names the pictures use for parameters, and the layer each one belongs to."""
from __future__ import annotations

import re

_LAYER_NUMBER = re.compile(r"^[A-Za-z_]+?\[?(\d+)\]?$")   # W1, b1, W_1, W[2], weights2


def layer_of(name: str) -> str | None:
    """`fc1.weight` → `fc1`; `W3`, `b3`, `W[3]` (the write-ups' notation) → `layer 3`; else None."""
    if "." in name:
        return name.rsplit(".", 1)[0]
    match = _LAYER_NUMBER.match(name)
    return f"layer {match.group(1)}" if match else None


def named_params(source) -> list:
    """[(name, tensor)] from a module, a dict, or a list of named tensors / (name, tensor) pairs."""
    if hasattr(source, "named_parameters"):
        return list(source.named_parameters())
    if isinstance(source, dict):
        return list(source.items())
    pairs = []
    for i, item in enumerate(source):
        if isinstance(item, tuple):
            pairs.append(item)
        else:
            pairs.append((item.name or f"param{i}", item))
    return pairs
