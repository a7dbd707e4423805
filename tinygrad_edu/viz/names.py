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


def counted_labels(module) -> dict:
    """{module name: the name a person counts it by}. A Sequential's indices (`0`, `2`, `net.4`)
    become `layer 1`, `layer 2`, `net layer 3` — only modules with a weight matrix (Linear, Conv,
    Embedding, a block holding them) are counted — and the modules between them are named after
    the layer they follow: `layer 1 Tanh`, `layer 2 BatchNorm1d`. Named modules keep their names."""
    labels, counted = {}, {}
    for name, m in module.named_modules():
        if not name:
            continue
        prefix, _, last = name.rpartition(".")
        if not last.isdigit():
            labels[name] = name
            continue
        base = f"{prefix} layer" if prefix else "layer"
        if any(p.ndim >= 2 for p in m.parameters()):
            counted[prefix] = counted.get(prefix, 0) + 1
            labels[name] = f"{base} {counted[prefix]}"
        elif counted.get(prefix):
            labels[name] = f"{base} {counted[prefix]} {type(m).__name__}"
        else:
            labels[name] = f"{type(m).__name__} before {base} 1"
    return labels
