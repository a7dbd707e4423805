"""The one random generator behind every random draw of the library (factories, layer init)."""
from __future__ import annotations

import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed: int) -> None:
    """Seed every random draw of tinygrad_edu (factories, layer initialisation)."""
    global _generator
    _generator = np.random.default_rng(seed)


def generator() -> np.random.Generator:
    return _generator


def permutation(n: int) -> np.ndarray:
    """A random order of 0 … n−1, from the library generator (shuffling, random splits)."""
    return _generator.permutation(n)
