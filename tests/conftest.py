"""Helpers shared by the test files (pytest puts this directory on sys.path, as for
strategies.py):  from conftest import leaf, strict_numpy"""
import contextlib
import warnings

import numpy as np

from tinygrad_edu import Tensor


def leaf(a, dtype=np.float64, name=None) -> Tensor:
    """A leaf Tensor that requires grad, float64 unless told otherwise."""
    return Tensor(np.asarray(a, dtype=dtype), requires_grad=True, name=name)


@contextlib.contextmanager
def strict_numpy():
    """Every numpy floating-point problem (overflow, invalid value, divide by zero) raises, and
    every warning is an error; only underflow to zero is allowed."""
    with warnings.catch_warnings(), np.errstate(all="raise", under="ignore"):
        warnings.simplefilter("error")
        yield


def plant_error(monkeypatch, key, error):
    """Add `error` to the first formula write-up `key` compares (as a slip in the write-up would)."""
    from tinygrad_edu.documents import NETWORKS
    module = NETWORKS[key]
    right = module.formulas

    def wrong(net):
        hand = dict(right(net))
        first = module.comparisons(net)[0][0]
        hand[first] = np.asarray(hand[first]) + error
        return hand
    monkeypatch.setattr(module, "formulas", wrong)
