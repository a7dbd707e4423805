"""The numbers TrainingMonitor keeps, computed cheaply enough to record every training step.

`record` copies, per step, a sample of the parameters (they change in place), of their
gradients and the activation modules' outputs into the rows of a Block allocated once; the
statistics are computed here for a block of steps at once, so that numpy's per-call cost is
paid once per block, not once per step and per layer.

A parameter of more than SAMPLE entries is followed through every k-th entry (about SAMPLE of
them): a std estimated from 256 entries is within about 1/√(2·256) ≈ 4 % of the exact one
(0.02 in a log10 update ratio). For entries x_1 … x_n: std = √(Σx²/n − (Σx/n)²), summed per
parameter with np.add.reduceat over the parameters' samples laid end to end.
"""
from __future__ import annotations

import numpy as np

SATURATION = 0.97  # tanh |a| > 0.97 (tanh′ < 0.06); sigmoid a < 0.03 or a > 0.97 (σ′ < 0.03)
SAMPLE = 256


class ParameterSample:
    """Which entries of each parameter the monitor follows, laid end to end."""

    def __init__(self, tensors):
        self.tensors = tensors
        self.strides = [-(-t.size // SAMPLE) for t in tensors]  # ⌈size / SAMPLE⌉
        self.sizes = np.array([len(range(0, t.size, k)) for t, k in zip(tensors, self.strides)], dtype=np.float64)
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)[:-1]]).astype(np.intp)
        self.width = int(self.sizes.sum())
        self._data, self._views = [None] * len(tensors), []

    def take(self, arrays, out=None) -> np.ndarray:
        """The sample of arrays shaped as the parameters (given once, or twice: values, grads)."""
        strides = self.strides * (len(arrays) // len(self.strides))
        return np.concatenate([a.reshape(-1)[::k] for a, k in zip(arrays, strides)], out=out)

    def values(self) -> np.ndarray:
        return self.take([t.data for t in self.tensors])

    def values_and_grads(self, out: np.ndarray):
        """Write [parameters' sample | gradients' sample] into the row `out` (one numpy call);
        returns which parameters had no gradient (their entries are 0), or None when all had one."""
        data = [t.data for t in self.tensors]
        if any(a is not b for a, b in zip(data, self._data)):  # new arrays (load_state_dict, p.data = …)
            self._data, self._views = data, [a.reshape(-1)[::k] for a, k in zip(data, self.strides)]
        try:
            np.concatenate(self._views + [t.grad.data.reshape(-1)[::k] for t, k in zip(self.tensors, self.strides)],
                           out=out)
            return None
        except AttributeError:  # a gradient is None
            missing = [t.grad is None for t in self.tensors]
            grads = [np.zeros(t.shape, t.data.dtype) if t.grad is None else t.grad.data for t in self.tensors]
            self.take(data + grads, out)
            return missing

    def std(self, rows: np.ndarray) -> np.ndarray:
        """(steps, Σ sizes) → (steps, parameters): the std of each parameter's sample."""
        mean = np.add.reduceat(rows, self.offsets, axis=1) / self.sizes
        mean_sq = np.add.reduceat(rows * rows, self.offsets, axis=1) / self.sizes
        return np.sqrt(np.maximum(mean_sq - mean * mean, 0.0))


class Block:
    """The rows of up to `size` recorded steps, allocated once and written in place."""

    def __init__(self, sample: ParameterSample, size: int):
        dtype = np.result_type(*[t.data.dtype for t in sample.tensors])
        self.size = size
        self.before = np.empty((size, sample.width), dtype)
        self.rows = np.empty((size, 2 * sample.width), dtype)  # [after | grads] of each step
        self.outputs = {}  # module name → (array of `size` outputs, rows written)
        self.odd = {}      # module name → [(row, output)] whose shape differs (a last, smaller batch)
        self.clear()

    def clear(self) -> None:
        self.steps, self.losses, self.missing = [], [], []
        for _, rows in self.outputs.values():
            rows.clear()
        self.odd = {}

    def keep_output(self, name: str, row: int, a: np.ndarray) -> None:
        kept = self.outputs.get(name)
        if kept is None:
            kept = self.outputs[name] = (np.empty((self.size,) + a.shape, a.dtype), [])
        if kept[0].shape[1:] == a.shape:
            kept[0][row] = a
            kept[1].append(row)
        else:
            self.odd.setdefault(name, []).append((row, a))

    def activation_rows(self, name: str):
        """(rows, their outputs: one array when they all have one shape, else a list)."""
        buffer, rows = self.outputs.get(name, (None, []))
        odd = self.odd.get(name, [])
        if not rows and not odd:
            return [], None
        if not odd:
            return rows, buffer[rows[0]:rows[-1] + 1] if rows == list(range(rows[0], rows[-1] + 1)) else buffer[rows]
        return rows + [r for r, _ in odd], [buffer[r] for r in rows] + [a for _, a in odd]


def parameter_stats(sample: ParameterSample, before, after, grads, missing):
    """(grad_std, update_ratio), each (steps, parameters): update_ratio = log10(std(Δp) /
    std(p)), Δp = after − before, rows of samples; `missing` (steps, parameters) True where a
    parameter had no gradient: its ratio is NaN."""
    n = len(after)
    with np.errstate(all="ignore"):
        # float64: a weight of mean 1 and std 1e-3 needs it for Σx²/n − (Σx/n)²
        stds = sample.std(np.concatenate([after, after - before, grads], dtype=np.float64))
        p_std, d_std, g_std = stds[:n], stds[n:2 * n], stds[2 * n:]
        ratio = np.log10(d_std / p_std)
    ratio[~np.isfinite(p_std) | (p_std == 0) | missing] = np.nan
    return g_std, ratio


def activation_stats(kind: str, outputs) -> dict:
    """For each step's output of one activation module (rows are examples), arrays over the
    steps: mean, std, the saturated fraction (tanh, sigmoid; else NaN) and the dead fraction
    (ReLU-like: units ≤ 0 for every example of the batch; else NaN). `outputs`: one array
    (steps, …) or a list of arrays of any shapes."""
    n = len(outputs)
    stats = {key: np.full(n, np.nan) for key in ("mean", "std", "saturated", "dead")}
    if isinstance(outputs, np.ndarray):
        groups = [(list(range(n)), outputs.reshape((n, 1, -1) if outputs.ndim <= 2 else (n, outputs.shape[1], -1)))]
    else:
        by_shape = {}
        for i, a in enumerate(outputs):
            by_shape.setdefault(a.shape, []).append(i)
        groups = [(steps, np.stack([_rows(outputs[i]) for i in steps])) for steps in by_shape.values()]
    with np.errstate(all="ignore"):
        for steps, a in groups:
            flat = a.reshape(len(steps), -1)
            stats["mean"][steps], stats["std"][steps] = mean_std(flat)
            if kind == "tanh":
                stats["saturated"][steps] = (np.abs(flat) > SATURATION).mean(axis=1)
            elif kind == "sigmoid":
                stats["saturated"][steps] = ((flat < 1 - SATURATION) | (flat > SATURATION)).mean(axis=1)
            elif kind == "relu":
                stats["dead"][steps] = (a <= 0).all(axis=1).mean(axis=1)
    return stats


def mean_std(m: np.ndarray):
    """Per row: the mean and the std, from Σx and Σx² (float32 sums are exact enough to show)."""
    n = m.shape[1]
    mean = m.sum(axis=1) / n
    mean_sq = np.einsum("ij,ij->i", m, m) / n
    mean, mean_sq = mean.astype(np.float64), mean_sq.astype(np.float64)
    return mean, np.sqrt(np.maximum(mean_sq - mean * mean, 0.0))


def _rows(a: np.ndarray) -> np.ndarray:
    """(examples, units): a batch of any shape flattened after its first axis."""
    return a.reshape(1, -1) if a.ndim <= 1 else a.reshape(a.shape[0], -1)
