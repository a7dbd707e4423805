"""The write-ups' hand-derived formulas against autograd, quantity by quantity: `check_gradients`
with each write-up's convention declared as a `scale` (the course's dZ = m·∂J/∂Z is compared
with m·Z.grad; 002's negative gradients with −.grad) and its own names as the table's labels."""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from ..derivation import GradientRow, check_gradients
from ..derivation.table import text_table
from .networks import NETWORKS

TOLERANCE = 1e-10   # rtol, in float64
ATOL = 1e-15        # float64 rounding of a bias gradient: a sum of m terms that nearly cancel


@dataclass
class Row(GradientRow):
    """A row of `check_gradients`, with the write-up it belongs to."""
    network: str = ""


def compare(key: str, dtype=np.float64, seed: int | None = None) -> list[Row]:
    """Build write-up `key`'s network at its initial weights and compare every quantity its
    formulas name with autograd."""
    module = NETWORKS[key]
    kwargs = dict(getattr(module, "CHECK_BUILD", {}))
    if seed is not None:
        kwargs["seed"] = seed
    return compare_network(key, module.build(dtype=dtype, **kwargs))


def compare_network(key: str, net) -> list[Row]:
    """The comparison for a network of write-up `key` already built (any weights, any data)."""
    module = NETWORKS[key]
    hand = module.formulas(net)
    m = net.tensor(module.SAMPLES_FROM).shape[-1] if hasattr(module, "SAMPLES_FROM") else 1
    formulas, scale, labels = {}, {}, {}
    for formula, tensor_name, factor in module.comparisons(net):
        tensor = net.tensor(tensor_name)
        formulas[tensor] = np.asarray(hand[formula], dtype=np.float64)
        scale[tensor] = (m, "m") if factor == "m" else factor
        labels[tensor] = formula
    result = check_gradients(net.loss, formulas, rtol=TOLERANCE, atol=ATOL, scale=scale, labels=labels)
    return [Row(**{f.name: getattr(r, f.name) for f in fields(GradientRow)}, network=key) for r in result]


def compare_all() -> dict[str, list[Row]]:
    return {key: compare(key) for key in NETWORKS}


def format_table(rows: list[Row]) -> str:
    return text_table(rows)
