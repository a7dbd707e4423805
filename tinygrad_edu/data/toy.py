"""The write-ups' small data sets: 002's 4×3 example and the planar "flower" of 000's course."""
from __future__ import annotations

import numpy as np


def xor_example() -> tuple[np.ndarray, np.ndarray]:
    """002's example, rows as samples: X (4, 3) whose third column is a constant 1 (a bias
    input), y (4, 1) = XOR of the first two columns. float64."""
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.float64)
    y = np.array([[0], [1], [1], [0]], dtype=np.float64)
    return X, y


seed002_data = xor_example


def planar_flower(m: int = 400, seed: int = 1, noise: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """The two-class "flower" of 000's course, samples as COLUMNS: X (2, m), Y (1, m) of 0/1.

    For class j, N = m/2 points: t = linspace(3.12 j, 3.12 (j+1), N) + 0.2·randn,
    r = 4 sin(4t) + 0.2·randn, x = (r sin t, r cos t). It draws from its own RandomState, so
    the default seed=1 gives exactly the course's 400 points, and the library's seed is untouched.
    """
    if m < 2 or m % 2:
        raise ValueError(f"planar_flower: m must be an even number >= 2 (two equal classes), got {m}")
    rng = np.random.RandomState(seed)
    n = m // 2
    X = np.zeros((m, 2))
    Y = np.zeros((m, 1))
    for j in range(2):
        rows = slice(n * j, n * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, n) + rng.randn(n) * noise
        r = 4 * np.sin(4 * t) + rng.randn(n) * noise
        X[rows] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[rows] = j
    return X.T, Y.T
