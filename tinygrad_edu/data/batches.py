"""Mini-batches of rows."""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .. import _random


def batches(X, y=None, batch_size: int = 32, shuffle: bool = True, seed: int | None = None,
            drop_last: bool = False) -> Iterator:
    """Yield (X_batch, y_batch) — or X_batch alone when y is None — of `batch_size` rows.
    shuffle draws a permutation from `seed`, or from the library generator (tg.manual_seed)
    when seed is None. The last batch may be smaller unless drop_last."""
    X = np.asarray(X)
    if y is not None:
        y = np.asarray(y)
        if len(y) != len(X):
            raise ValueError(f"batches: X has {len(X)} rows but y has {len(y)}")
    if not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
        raise ValueError(f"batches: batch_size must be a positive integer, got {batch_size!r}")
    n = len(X)
    if shuffle:
        rng = np.random.default_rng(seed) if seed is not None else _random.generator()
        order = rng.permutation(n)
    else:
        order = np.arange(n)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        rows = order[start:start + batch_size]
        yield X[rows] if y is None else (X[rows], y[rows])
