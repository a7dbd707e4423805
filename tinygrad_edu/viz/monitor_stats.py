"""The numbers TrainingMonitor keeps, computed for many recorded steps at once.

`record` only keeps references and one flat copy of the parameters (a few microseconds); the
statistics are computed here, a block of steps at a time, so that numpy's per-call cost is
paid once per block rather than once per step and per layer.

For a tensor x of n numbers: std(x) = √(Σx²/n − (Σx/n)²), summed per parameter with
np.add.reduceat over the parameters laid end to end.
"""
from __future__ import annotations

import numpy as np

SATURATION = 0.97  # tanh |a| > 0.97 (tanh′ < 0.06); sigmoid a < 0.03 or a > 0.97 (σ′ < 0.03)


def parameter_stats(names, offsets, sizes, before, after, grads) -> list:
    """For each recorded step: {name: {"grad_std", "update_ratio"}} with update_ratio =
    log10(std(Δp) / std(p)), Δp = after − before. `before`/`after` are flat copies of all
    parameters, `grads` one list of arrays (None: no gradient) per step. A parameter without a
    gradient at a step gets grad_std None and update_ratio NaN."""
    with np.errstate(all="ignore"):
        after64 = np.asarray(after, dtype=np.float64)
        delta = after64 - np.asarray(before, dtype=np.float64)
        grad_rows = np.stack([_flat_grads(g, sizes) for g in grads])
        p_std, d_std, g_std = (_segment_std(m, offsets, sizes) for m in (after64, delta, grad_rows))
        ratio = np.log10(d_std / p_std)
    missing = np.array([[g is None for g in step] for step in grads])
    ratio[~np.isfinite(p_std) | (p_std == 0) | missing] = np.nan
    return [{n: {"grad_std": None if missing[i, j] else float(g_std[i, j]),
                 "update_ratio": float(ratio[i, j])}
             for j, n in enumerate(names)} for i in range(len(grads))]


def _flat_grads(grads, sizes) -> np.ndarray:
    return np.concatenate([np.full(s, np.nan) if g is None else g.ravel() for g, s in zip(grads, sizes)])


def _segment_std(m: np.ndarray, offsets, sizes) -> np.ndarray:
    """(steps, Σ sizes) → (steps, parameters): the std of each parameter's segment."""
    n = np.asarray(sizes, dtype=np.float64)
    mean = np.add.reduceat(m, offsets, axis=1) / n
    mean_sq = np.add.reduceat(m * m, offsets, axis=1) / n
    return np.sqrt(np.maximum(mean_sq - mean * mean, 0.0))


def activation_stats(kind: str, outputs: list, grads: list) -> list:
    """For each step's output of one activation module (rows are examples): mean, std, the
    saturated fraction (tanh, sigmoid), the dead fraction (ReLU-like: units ≤ 0 for every
    example of the batch) and the std of the output's gradient."""
    stats = [None] * len(outputs)
    by_shape = {}
    for i, a in enumerate(outputs):
        by_shape.setdefault(a.shape, []).append(i)
    with np.errstate(all="ignore"):
        for shape, steps in by_shape.items():
            a = np.stack([_rows(outputs[i]) for i in steps]).astype(np.float64, copy=False)
            mean, std = a.mean(axis=(1, 2)), a.std(axis=(1, 2))
            saturated = _saturated(kind, a)
            dead = (a <= 0).all(axis=1).mean(axis=1) if kind == "relu" else None
            g = [grads[i] for i in steps]
            g_std = (np.stack(g).reshape(len(steps), -1).astype(np.float64).std(axis=1)
                     if all(x is not None for x in g) else [float("nan")] * len(steps))
            for k, i in enumerate(steps):
                stats[i] = {"mean": float(mean[k]), "std": float(std[k]),
                            "saturated": None if saturated is None else float(saturated[k]),
                            "dead": None if dead is None else float(dead[k]),
                            "grad_std": float(g_std[k])}
    return stats


def _rows(a: np.ndarray) -> np.ndarray:
    """(examples, units): a batch of any shape flattened after its first axis."""
    return a.reshape(1, -1) if a.ndim <= 1 else a.reshape(a.shape[0], -1)


def _saturated(kind: str, a: np.ndarray):
    if kind == "tanh":
        return (np.abs(a) > SATURATION).mean(axis=(1, 2))
    if kind == "sigmoid":
        return ((a < 1 - SATURATION) | (a > SATURATION)).mean(axis=(1, 2))
    return None
