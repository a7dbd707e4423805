"""Real data that ships inside scikit-learn (no download): digits (8×8, 10 classes) and
breast cancer (30 features, binary). scikit-learn is an optional extra: pip install tinygrad_edu[data]."""
from __future__ import annotations

import numpy as np

from .split import Split, standardize, train_test_split


def _datasets():
    try:
        from sklearn import datasets
    except ImportError as err:
        raise ImportError("this data set ships with scikit-learn, which is not installed; "
                          "install it with: pip install tinygrad_edu[data]  (or pip install scikit-learn)") from err
    return datasets


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's handwritten digits: X (1797, 64) float32 pixel intensities 0..16 (an 8×8
    image per row), y (1797,) int64 labels 0..9."""
    bunch = _datasets().load_digits()
    return bunch.data.astype(np.float32), bunch.target.astype(np.int64)


def load_breast_cancer() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's Wisconsin breast cancer data: X (569, 30) float32, y (569,) int64
    (0 = malignant, 1 = benign)."""
    bunch = _datasets().load_breast_cancer()
    return bunch.data.astype(np.float32), bunch.target.astype(np.int64)


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
