"""Real data that ships inside scikit-learn (no download): digits (8×8, 10 classes) and
breast cancer (30 features, binary). scikit-learn is an optional extra: pip install tinygrad_edu[data]."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from .split import Split, standardize, train_test_split

INSTALL_HINT = ("this data set ships with scikit-learn, which is not installed; install it with: "
                "pip install tinygrad_edu[data]  (or pip install scikit-learn)")


def _bundled_table(filename: str, skiprows: int) -> np.ndarray:
    """One of scikit-learn's bundled CSV files, read directly: importing sklearn itself can take
    seconds, reading the file takes milliseconds. Falls back to sklearn's own loader."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None:
        raise ImportError(INSTALL_HINT)
    for folder in spec.submodule_search_locations or ():
        path = Path(folder) / "datasets" / "data" / filename
        if path.exists():
            return np.loadtxt(path, delimiter=",", skiprows=skiprows, dtype=np.float64, ndmin=2)
    from sklearn import datasets  # the file moved: let sklearn find it
    bunch = getattr(datasets, "load_" + filename.split(".")[0])()
    return np.column_stack([bunch.data, bunch.target])


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's handwritten digits: X (1797, 64) float32 pixel intensities 0..16 (an 8×8
    image per row), y (1797,) int64 labels 0..9."""
    table = _bundled_table("digits.csv.gz", skiprows=0)
    return table[:, :-1].astype(np.float32), table[:, -1].astype(np.int64)


def load_breast_cancer() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's Wisconsin breast cancer data: X (569, 30) float32, y (569,) int64
    (0 = malignant, 1 = benign)."""
    table = _bundled_table("breast_cancer.csv", skiprows=1)
    return table[:, :-1].astype(np.float32), table[:, -1].astype(np.int64)


LOADERS = {"digits": load_digits, "breast_cancer": load_breast_cancer}


def load_split(name: str, test_fraction: float = 0.25, seed: int = 0, scale: bool = True) -> Split:
    """A bundled data set split into train/test (stratified, deterministic for `seed`) and, with
    scale, standardised with the training part's mean and std:

        X_train, X_test, y_train, y_test = load_split("digits")
    """
    if name not in LOADERS:
        raise ValueError(f"load_split: unknown data set {name!r}; choose one of {sorted(LOADERS)}")
    X, y = LOADERS[name]()
    split = train_test_split(X, y, test_fraction=test_fraction, seed=seed)
    if not scale:
        return split
    X_train, X_test = standardize(split.X_train, split.X_test)
    return Split(X_train, X_test, split.y_train, split.y_test)
