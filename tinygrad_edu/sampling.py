"""tg.multinomial: draw category indices from rows of non-negative weights, with the library's
generator (tg.manual_seed), as torch.multinomial. Sampling text from a language model is this:
probs = softmax(logits / temperature), next = multinomial(probs, 1)."""
from __future__ import annotations

import numpy as np

from . import _random
from .tensor import Tensor, wrap


def multinomial(probs, num_samples: int, replacement: bool = False) -> Tensor:
    """`num_samples` indices per row of `probs` (C,) or (R, C), each drawn with probability
    proportional to its weight (rows need not sum to 1). Without replacement an index is drawn
    at most once per row (weights of 0 only after every positive one). int64, no gradient."""
    p = probs.data if isinstance(probs, Tensor) else np.asarray(probs)
    if p.dtype.kind != "f":
        raise TypeError(f"multinomial: probs must be floating, got dtype {p.dtype} (shape {p.shape})")
    if p.ndim not in (1, 2):
        raise ValueError(f"multinomial: probs must have 1 or 2 dimensions (C,) or (R, C), got shape {p.shape}")
    if isinstance(num_samples, bool) or not isinstance(num_samples, (int, np.integer)) or num_samples <= 0:
        raise ValueError(f"multinomial: num_samples must be a positive int, got {num_samples!r}")
    rows = p.reshape(-1, p.shape[-1]).astype(np.float64)
    categories = rows.shape[1]
    if not replacement and num_samples > categories:
        raise ValueError(f"multinomial: cannot draw num_samples={num_samples} without replacement from "
                         f"{categories} categories (probs of shape {p.shape}); pass replacement=True")
    _check_rows(rows, p.shape)
    weights = rows / rows.max(axis=1, keepdims=True)  # scaled so that no sum overflows
    if replacement:
        drawn = _draw_with_replacement(weights, num_samples)
    else:
        drawn = _draw_without_replacement(weights, num_samples)
    return wrap(drawn.reshape(p.shape[:-1] + (num_samples,)).astype(np.int64))


def _check_rows(rows: np.ndarray, shape: tuple) -> None:
    bad = ~np.isfinite(rows) | (rows < 0)
    if bad.any():
        r, c = (int(i) for i in np.argwhere(bad)[0])
        where = f"entry {c}" if len(shape) == 1 else f"row {r}, entry {c}"
        raise ValueError(f"multinomial: {where} of probs (shape {shape}) is {rows[r, c]}; every weight "
                         "must be finite and >= 0")
    empty = rows.max(axis=1) <= 0
    if empty.any():
        r = int(np.flatnonzero(empty)[0])
        where = "every weight of probs" if len(shape) == 1 else f"every weight of row {r} of probs"
        raise ValueError(f"multinomial: {where} (shape {shape}) is 0, so there is nothing to draw "
                         "from (the sum of the weights must be > 0)")


def _draw_with_replacement(weights: np.ndarray, n: int) -> np.ndarray:
    """Inverse CDF: u uniform in [0, 1), the first category whose cumulative share exceeds u.
    All rows in one search: row r's CDF is shifted to [r, r + 1]."""
    count, categories = weights.shape
    cdf = np.cumsum(weights, axis=1)
    cdf = cdf / cdf[:, -1:] + np.arange(count)[:, None]
    cdf[:, -1] = np.arange(1, count + 1)  # exactly r + 1, so u + r < it
    u = _random.generator().random((count, n)) + np.arange(count)[:, None]
    found = np.searchsorted(cdf.ravel(), u.ravel(), side="right").reshape(count, n)
    return found - categories * np.arange(count)[:, None]


def _draw_without_replacement(weights: np.ndarray, n: int) -> np.ndarray:
    """The exponential race: category i finishes at time E_i / w_i (E_i ~ Exp(1)); the first n
    to finish are a draw without replacement proportional to w (weights 0 never finish: they
    come last, in order)."""
    clocks = _random.generator().exponential(size=weights.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        finish = np.where(weights > 0, clocks / weights, np.inf)
    return np.argsort(finish, axis=1, kind="stable")[:, :n]
