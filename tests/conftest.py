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
