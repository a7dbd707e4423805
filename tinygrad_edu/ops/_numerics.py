"""Numerics the ops share: silencing an underflow to 0 where 0 is the right answer, IEEE's
answers outside a function's domain without numpy's warning, and erfc.

`np.exp(-1000.0)` is 0.0, correctly rounded, but under `np.errstate(all="raise")` (or "warn")
numpy reports it as an underflow. Ops whose result legitimately rounds to 0 (sigmoid of −1000,
softmax of far-apart logits, e^x for x < −745) compute inside `underflow_ok()`; nothing else is
silenced, and nowhere globally.
"""
import contextlib
import math

import numpy as np

try:  # numpy ≥ 2: the error state is a context variable; reading it is cheap
    from numpy._core._ufunc_config import _extobj_contextvar as _error_state
except ImportError:  # pragma: no cover - other numpy versions: always enter errstate
    _error_state = None

# numpy's default state ignores underflow; while it is in force there is nothing to silence
# (entering np.errstate costs ~5 µs, more than a small op itself)
_DEFAULT_STATE = (_error_state.get() if _error_state is not None and np.geterr()["under"] == "ignore"
                  else object())
_NOTHING = contextlib.nullcontext()


def underflow_ok():
    """A context in which results that underflow to 0 (or to a subnormal) stay silent."""
    if _error_state is not None and _error_state.get() is _DEFAULT_STATE:
        return _NOTHING
    return np.errstate(under="ignore")


class ieee_results:
    """A context in which numpy gives IEEE's answers without a warning or error, whatever the
    caller's np.errstate: log(0) = −inf, log(−1) = √−1 = 0/0 = nan, 1/0 = inf, e^1000 = inf, a
    sum that overflows = inf. These are PyTorch's values, and it does not warn about them."""
    __slots__ = ("_token", "_fallback")

    def __enter__(self):
        if _error_state is None:  # pragma: no cover - other numpy versions
            self._fallback = np.errstate(all="ignore")
            self._fallback.__enter__()
        else:
            self._token = _error_state.set(_ALL_IGNORED)

    def __exit__(self, *exc):
        if _error_state is None:  # pragma: no cover
            self._fallback.__exit__(*exc)
        else:
            _error_state.reset(self._token)


if _error_state is not None:
    with np.errstate(all="ignore"):
        _ALL_IGNORED = _error_state.get()  # setting the context variable: ~0.1 µs, np.errstate ~1.5 µs


def exp(x):
    """e^x: 0 for x < −745 and inf for x > 709 (float64), silently: those are the answers."""
    with ieee_results():
        return np.exp(x)


# --- erfc, for GELU (numpy has no erf; scipy is not a dependency) -----------------------------
# |x| < 2: erf(x) = 2/√π · e^(−x²) · Σₙ 2ⁿ x^(2n+1) / (1·3·…·(2n+1))  (all terms positive: no
#            cancellation), erfc = 1 − erf;
# |x| ≥ 2: erfc(x) = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + 2/(x + …)))))  (Laplace's
#            continued fraction, evaluated from the bottom).
# Together within ~2e−13 relative of math.erfc everywhere (tests/test_ops_new.py measures it).
_SERIES_TERMS = 48
_FRACTION_DEPTH = 80
_SWITCH = 2.0


def erfc(x: np.ndarray) -> np.ndarray:
    """The complementary error function 1 − erf(x), elementwise, in float64 (cast back)."""
    a = np.abs(np.asarray(x, dtype=np.float64))
    with np.errstate(under="ignore"):   # e^(−x²) → 0 for |x| > 27: erfc is 0 there
        gauss = np.exp(-a * a)
        near = np.minimum(a, _SWITCH)
        term = near.copy()
        total = near.copy()
        two_x2 = 2 * near * near
        for n in range(1, _SERIES_TERMS):
            term = term * two_x2 / (2 * n + 1)
            total += term
        erf_near = (2 / math.sqrt(math.pi)) * gauss * total
        far = np.maximum(a, _SWITCH)
        fraction = far.copy()
        for k in range(_FRACTION_DEPTH, 0, -1):
            fraction = far + (k / 2) / fraction
        erfc_far = gauss / (math.sqrt(math.pi) * fraction)
        erfc_abs = np.where(a < _SWITCH, 1 - erf_near, erfc_far)
        out = np.where(np.asarray(x) < 0, 2 - erfc_abs, erfc_abs)
        # (a float32 input: values below ~1e−45 round to 0 in the cast back)
        return out.astype(np.result_type(np.asarray(x).dtype, np.float32), copy=False)
