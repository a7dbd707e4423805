"""Hand-derived formulas vs autograd, quantity by quantity, as an aligned table."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TOLERANCE = 1e-10   # on the relative error, in float64


@dataclass
class Row:
    network: str          # "000", "001", "002"
    formula: str          # the write-up's name for the quantity, e.g. "dZ2"
    autograd: str         # what it is compared with, e.g. "m·Z2.grad"
    shape: tuple
    max_abs: float        # max |formula − autograd|
    max_rel: float        # max_abs / scale, scale = max |autograd| (see `_scale`)
    tolerance: float = TOLERANCE

    @property
    def ok(self) -> bool:
        return bool(np.isfinite(self.max_rel)) and self.max_rel <= self.tolerance


def _label(tensor_name: str, factor) -> str:
    if factor == 1:
        return f"{tensor_name}.grad"
    if factor == -1:
        return f"−{tensor_name}.grad"
    return f"{factor}·{tensor_name}.grad"


def compare(key: str, dtype=np.float64, seed: int | None = None, inject_error: float = 0.0) -> list[Row]:
    """Build write-up `key`'s network at its initial weights, run autograd once, and compare every
    quantity its formulas name. `inject_error` adds that much to the first formula's value (to
    prove a check can fail)."""
    from . import NETWORKS
    module = NETWORKS[key]
    kwargs = dict(getattr(module, "CHECK_BUILD", {}))
    if seed is not None:
        kwargs["seed"] = seed
    return compare_network(key, module.build(dtype=dtype, **kwargs), inject_error)


def compare_network(key: str, net, inject_error: float = 0.0) -> list[Row]:
    """The comparison for a network of write-up `key` already built (any weights, any data)."""
    from . import NETWORKS
    module = NETWORKS[key]
    for tensor in list(net.params.values()) + list(net.intermediates.values()):
        tensor.grad = None
    net.loss.backward()
    hand = module.formulas(net)
    m = net.tensor(module.SAMPLES_FROM).shape[-1] if hasattr(module, "SAMPLES_FROM") else 1
    rows = []
    for i, (formula, tensor_name, factor, *summed) in enumerate(module.comparisons(net)):
        grad = net.tensor(tensor_name).grad
        if grad is None:
            raise RuntimeError(f"write-up {key}: {tensor_name}.grad is None after backward()")
        reference = (m if factor == "m" else factor) * grad.data.astype(np.float64)
        value = np.asarray(hand[formula], dtype=np.float64) + (inject_error if i == 0 else 0.0)
        if value.shape != reference.shape:
            raise ValueError(f"write-up {key}: {formula} has shape {value.shape} but "
                             f"{tensor_name}.grad has shape {reference.shape}")
        max_abs = float(np.max(np.abs(value - reference)))
        scale = _scale(reference, hand[summed[0]] if summed else None)
        rows.append(Row(key, formula, _label(tensor_name, factor), value.shape, max_abs,
                        max_abs / max(scale, np.finfo(np.float64).tiny)))
    return rows


def _scale(reference: np.ndarray, summed_terms: np.ndarray | None) -> float:
    """The size the error is measured against: max |autograd|. A bias gradient db = 1/m Σ dZ is a
    sum whose m terms can nearly cancel (balanced classes at the initial weights give db ≈ 1e−6
    from terms ≈ 0.5), so rounding is relative to the terms' size: there the scale is at least
    mean |dZ|."""
    scale = float(np.max(np.abs(reference)))
    if summed_terms is not None:
        scale = max(scale, float(np.max(np.mean(np.abs(summed_terms), axis=-1))))
    return scale


def compare_all(inject_error: float = 0.0) -> dict[str, list[Row]]:
    from . import NETWORKS
    return {key: compare(key, inject_error=inject_error) for key in NETWORKS}


def format_table(rows: list[Row]) -> str:
    header = ("formula", "autograd", "shape", "max abs err", "max rel err", "")
    body = [(r.formula, r.autograd, "×".join(map(str, r.shape)), f"{r.max_abs:.2e}", f"{r.max_rel:.2e}",
             "ok" if r.ok else f"FAIL (> {r.tolerance:.0e})") for r in rows]
    widths = [max(len(line[i]) for line in [header] + body) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in [header] + body]
    lines.insert(1, "  ".join("─" * w for w in widths))
    return "\n".join(lines)
