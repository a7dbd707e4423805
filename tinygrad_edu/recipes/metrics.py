"""How well predictions match their targets."""
from __future__ import annotations

import numpy as np


def accuracy(predicted: np.ndarray, target: np.ndarray) -> float:
    """The share of predictions equal to their target (class labels, or 0/1 decisions), in any
    layout: both are flattened, so (1, m) columns and (m,) rows compare alike."""
    return float(np.mean(np.asarray(predicted).reshape(-1) == np.asarray(target).reshape(-1)))
