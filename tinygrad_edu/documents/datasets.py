"""The data each write-up network trains on, in its write-up's layout (from `tinygrad_edu.data`)."""
from __future__ import annotations

import numpy as np

from .. import data


def planar_flower(m: int = 400, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The course's planar "flower": X (2, m), Y (1, m), samples as COLUMNS (000's layout)."""
    return data.planar_flower(m=m, seed=seed)


def xor_table() -> tuple[np.ndarray, np.ndarray]:
    """002's example (a picture in the write-up), rows as samples: x (4, 3), y (4, 1)."""
    return data.xor_example()


def breast_cancer_columns(seed: int = 0, test_fraction: float = 0.25):
    """Breast-cancer (569 × 30, binary), standardised with the training split's statistics, as
    float64 with samples as COLUMNS (001's layout): X_train, Y_train, X_test, Y_test.
    Without scikit-learn (which ships the file) this falls back to the flower set."""
    try:
        X_train, X_test, y_train, y_test = data.load_split("breast_cancer", test_fraction, seed)
    except ImportError:
        X, Y = planar_flower()
        X_test, Y_test = planar_flower(seed=2)
        return X, Y, X_test, Y_test
    columns = [np.asarray(a, dtype=np.float64).T for a in (X_train, y_train.reshape(-1, 1), X_test, y_test.reshape(-1, 1))]
    return tuple(columns)
