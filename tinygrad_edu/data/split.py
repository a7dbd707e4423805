"""Deterministic stratified train/test split and standardisation (fit on the training part)."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Split(NamedTuple):
    """Unpacks like scikit-learn's: X_train, X_test, y_train, y_test = split."""
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray


def train_test_split(X, y, test_fraction: float = 0.25, seed: int = 0, stratify: bool = True) -> Split:
    """Shuffle with `seed` and hold out `test_fraction` of the rows; with stratify, of each class
    separately, so both parts keep the class proportions. The same seed gives the same split."""
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"train_test_split: X has {len(X)} rows but y has {len(y)}")
    if not 0 < test_fraction < 1:
        raise ValueError(f"train_test_split: test_fraction must lie in (0, 1), got {test_fraction}")
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(y == c) for c in np.unique(y)] if stratify else [np.arange(len(y))]
    test = []
    for rows in groups:
        rows = rng.permutation(rows)
        test.append(rows[: int(round(test_fraction * len(rows)))])
    test_rows = np.sort(np.concatenate(test))
    is_test = np.zeros(len(y), dtype=bool)
    is_test[test_rows] = True
    train_rows = rng.permutation(np.flatnonzero(~is_test))
    test_rows = rng.permutation(test_rows)
    return Split(X[train_rows], X[test_rows], y[train_rows], y[test_rows])


def standardize(X_train, *others):
    """Scale every feature to mean 0 and standard deviation 1 using the TRAINING rows' statistics
    (constant features are only centred). Returns the training array followed by the others."""
    X_train = np.asarray(X_train)
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std = np.where(std > 0, std, 1).astype(X_train.dtype)
    scaled = [((np.asarray(X) - mean) / std).astype(X_train.dtype) for X in (X_train, *others)]
    return tuple(scaled) if others else scaled[0]
