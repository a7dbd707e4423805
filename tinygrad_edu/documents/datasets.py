"""The data each write-up network trains on (from `tinygrad_edu.data` when it is there)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np


def planar_flower(m: int = 400, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The course's planar "flower": X (2, m), Y (1, m), samples as COLUMNS (000's layout)."""
    try:
        from ..data import planar_flower as shared
    except ImportError:
        shared = None
    if shared is not None:
        X, Y = shared(m=m, seed=seed)
        X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
        if X.shape[0] != 2:  # rows-as-samples loader: turn into the course's columns
            X, Y = X.T, Y.reshape(1, -1)
        return X, Y.reshape(1, -1)
    return _planar_flower_local(m, seed)


def _planar_flower_local(m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    # deeplearning.ai course 1 week 3, planar_utils.load_planar_dataset: two petal classes
    rng = np.random.RandomState(seed)
    n = m // 2
    X = np.zeros((m, 2))
    Y = np.zeros((m, 1))
    for j in range(2):
        ix = range(n * j, n * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, n) + rng.randn(n) * 0.2
        r = 4 * np.sin(4 * t) + rng.randn(n) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return X.T, Y.T


def xor_table() -> tuple[np.ndarray, np.ndarray]:
    """002's example (shown only as a picture in the write-up): three inputs, the third always 1,
    target = x1 XOR x2. Rows are samples."""
    x = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.float64)
    y = np.array([[0], [1], [1], [0]], dtype=np.float64)
    return x, y


def breast_cancer_columns(seed: int = 0, test_fraction: float = 0.25):
    """Breast-cancer (569 × 30, binary), standardised with the training split's statistics,
    samples as COLUMNS (001's layout). Falls back to the flower set without scikit-learn."""
    table = _breast_cancer_table()
    if table is None:
        X, Y = planar_flower()
        return split_columns(X, Y, seed, test_fraction)
    X = table[:, :-1].T
    Y = table[:, -1:].T
    X_train, Y_train, X_test, Y_test = split_columns(X, Y, seed, test_fraction)
    mean = X_train.mean(axis=1, keepdims=True)
    std = X_train.std(axis=1, keepdims=True)
    return (X_train - mean) / std, Y_train, (X_test - mean) / std, Y_test


def _breast_cancer_table() -> np.ndarray | None:
    """scikit-learn's breast_cancer.csv (30 features + target per row), read directly: importing
    sklearn itself takes seconds."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "datasets" / "data" / "breast_cancer.csv"
        if path.exists():
            return np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    return None


def split_columns(X, Y, seed: int, test_fraction: float):
    order = np.random.RandomState(seed).permutation(X.shape[1])
    n_test = int(round(X.shape[1] * test_fraction))
    test, train = order[:n_test], order[n_test:]
    return X[:, train], Y[:, train], X[:, test], Y[:, test]
