"""Mini-batches of numpy rows (the arrays themselves, not Tensors); batched as
tinygrad_edu.utils.data.DataLoader batches (one mechanism: index_batches)."""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .. import _random
from ..utils.data import check_batch_size, index_batches


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
    check_batch_size("batches", batch_size)
    n = len(X)
    if shuffle:
        order = np.random.default_rng(seed).permutation(n) if seed is not None else _random.permutation(n)
    else:
        order = np.arange(n)
    for rows in index_batches(order, batch_size, drop_last):
        yield X[rows] if y is None else (X[rows], y[rows])
