"""Helpers shared by the test files (pytest puts this directory on sys.path, as for
strategies.py):  from conftest import leaf, strict_numpy, check, message_of"""
import contextlib
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
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


def message_of(error, fn) -> str:
    """fn() must raise `error`; its message."""
    with pytest.raises(error) as info:
        fn()
    return str(info.value)


def names_shapes(message, *shapes):
    """Each shape appears in the message, written as Python prints a tuple: (3, 4)."""
    for shape in shapes:
        assert str(tuple(shape)) in message, f"{shape} not named in: {message}"


def np_sigmoid(x):
    """The numpy reference for sigmoid, exact at ±1000 (no overflow): σ(x) = (1 + tanh(x/2)) / 2."""
    return 0.5 * (1 + np.tanh(x / 2))


def np_softmax(x, axis):
    """The numpy reference for softmax along `axis`, shifted by the max (stable)."""
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def check(fn, expected, *arrays_in, grads=None):
    """fn(*Tensors) must equal `expected` (a numpy array; a tuple of them when fn returns a tuple)
    in float64 and pass gradcheck; the gradient of each input must have its input's shape and dtype.
    No numpy warning may fire (hypothesis draws values like 1e−300: only underflow is allowed)."""
    with strict_numpy():
        inputs = [leaf(a) for a in arrays_in]
        if grads is not None:
            for t, g in zip(inputs, grads):
                t.requires_grad = g
        out = fn(*inputs)
        outs = out if isinstance(out, tuple) else (out,)
        expected = expected if isinstance(out, tuple) else (expected,)
        for o, e in zip(outs, expected):
            np.testing.assert_allclose(o.data, e, rtol=1e-10, atol=1e-12)
            assert o.dtype == np.float64
        assert tg.gradcheck(fn, inputs)
        wanted = [t for t in inputs if t.requires_grad]
        reached = [o for o in outs if o.requires_grad]
        if reached and wanted:
            sum((o * Tensor(np.ones(o.shape))).sum() for o in reached).backward()
            for t in wanted:
                assert t.grad is not None and t.grad.shape == t.shape and t.grad.dtype == t.dtype


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
