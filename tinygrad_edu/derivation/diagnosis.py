"""What a disagreeing hand-derived gradient got wrong, in words: the common slips, tried in order.

1. a constant factor (formula = c · autograd), with c named when it is a usual suspect:
   the batch size m, −1, 2, ½, 1/m, √d (a scale the graph divides by);
2. a transposed layout (formula.T matches);
3. a missing or an extra sum over a broadcast axis;
4. the wrong shape (both shapes said);
5. NaN or inf in the formula (where);
6. otherwise the largest differing element, with both values.
(Slips that need the graph — a forgotten use, a skipped local derivative, a wrong operand —
are in `slips.py`.) Everything here compares numpy arrays: the graph is not touched.

Any two one-element arrays are proportional, and the sum of anything matches some one-element
array up to a factor: for a one-element gradient only an exact match or a usual suspect counts
as evidence.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..broadcasting import broadcast_axes


@dataclass(frozen=True)
class Counts:
    """The numbers the graph divides by, the usual suspects of a constant factor: the batch
    sizes a loss averages over and the d of a 1/√d scale (attention's)."""
    batch: tuple = ()
    roots: tuple = ()


class Tolerance:
    """A row agrees when max |formula − autograd| ≤ atol + rtol · max |autograd|."""

    def __init__(self, rtol: float, atol: float):
        self.rtol, self.atol = rtol, atol

    def allowed(self, autograd: np.ndarray) -> float:
        return self.atol + self.rtol * (float(np.max(np.abs(autograd))) if autograd.size else 0.0)

    def agrees(self, formula: np.ndarray, autograd: np.ndarray) -> bool:
        if formula.shape != autograd.shape:
            return False
        if formula.size == 0:
            return True
        with np.errstate(invalid="ignore", over="ignore"):
            return bool(np.max(np.abs(formula - autograd)) <= self.allowed(autograd))


def diagnose(formula: np.ndarray, autograd: np.ndarray, tol: Tolerance, counts=Counts()) -> str:
    """Why `formula` (float64) disagrees with `autograd` (float64, the scaled reference)."""
    notes = []
    if not np.isfinite(autograd).all():
        notes.append(f"autograd's own gradient has {_non_finite(autograd)} (the forward pass "
                     f"overflows or divides by zero there)")
    if formula.shape != autograd.shape:
        notes.append(_shape_slip(formula, autograd, tol, counts))
    elif not np.isfinite(formula).all():
        notes.append(f"has {_non_finite(formula)} (autograd there: "
                     f"{_num(autograd[_first_non_finite(formula)])})")
    else:
        notes.append(_same_shape_slip(formula, autograd, tol, counts))
    return "; ".join(notes)


def _same_shape_slip(f, a, tol, counts) -> str:
    factor = _factor(f, a, tol, counts)
    if factor:
        return factor
    if f.ndim >= 2 and f.shape == f.shape[::-1] and tol.agrees(f.transpose(), a):
        return "matches autograd transposed (rows and columns swapped)"
    if not f.any() and a.any():
        return "is all zeros; autograd's is not"
    return _largest_difference(f, a, tol)


def _shape_slip(f, a, tol, counts) -> str:
    shapes = f"has shape {f.shape}; autograd's is {a.shape}"
    if not np.isfinite(f).all():
        return f"{shapes}, and it has {_non_finite(f)}"
    if f.ndim >= 2 and f.shape[::-1] == a.shape:
        t = f.transpose()
        if tol.agrees(t, a):
            return f"{shapes}: it matches autograd transposed"
        factor = _factor(t, a, tol, counts)
        if factor:
            return f"{shapes}: transposed, it {factor}"
    if f.size > a.size and _broadcasts_to(a.shape, f.shape):
        axes = broadcast_axes(f.shape, a.shape)
        summed = _sum_to(f, a.shape)
        where = f"summed over {_axes_text(axes)}"
        if tol.agrees(summed, a):
            return f"{shapes}: {where} it matches, so the sum over the broadcast {_axes_text(axes, False)} is missing"
        factor = _factor(summed, a, tol, counts)
        if factor:
            return f"{shapes}: {where} it {factor}; the sum over the broadcast {_axes_text(axes, False)} is missing"
    if a.size > f.size and _broadcasts_to(f.shape, a.shape):
        axes = broadcast_axes(a.shape, f.shape)
        summed = _sum_to(a, f.shape)
        if tol.agrees(f, summed) or (f.size > 1 and _factor(f, summed, tol, counts)):
            return (f"{shapes}: it matches autograd summed over {_axes_text(axes)}, an extra sum: "
                    f"the tensor keeps that {_axes_text(axes, False)}, and so does its gradient")
    border = [(n - k) // 2 for n, k in zip(f.shape, a.shape)]
    if f.ndim == a.ndim >= 2 and all(b >= 0 for b in border) and any(border):
        centre = f[tuple(slice(b, b + k) for b, k in zip(border, a.shape))]
        if centre.shape == a.shape and tol.agrees(centre, a):
            return (f"{shapes}: its centre matches: the padding's border is not cut off (the "
                    f"gradient of a padded input is the padded gradient cropped back)")
    if f.size == a.size and tol.agrees(f.reshape(a.shape), a):
        if _without_ones(f.shape) == _without_ones(a.shape) and f.ndim < a.ndim:
            return (f"{shapes}: the values agree, but the axis of length 1 is gone: a forgotten "
                    f"keepdims=True (a sum or mean that must keep its axis to broadcast back)")
        return f"{shapes}: the values agree, in another layout (reshape it to {a.shape})"
    return shapes


def _factor(f, a, tol, counts) -> str | None:
    """'is c × autograd: why' when formula = c · autograd for one c ≠ 1, else None."""
    aa = float(np.sum(a * a))
    if aa == 0:
        return None
    c = float(np.sum(f * a)) / aa
    if c == 0 or not tol.agrees(f, c * a) or _close(c, 1.0):
        return None
    if a.size == 1 and not (_close(abs(c), 1.0) or _suspect(abs(c), counts)):
        return None      # one number is always some multiple of another: no evidence
    reasons = []
    if c < 0:
        reasons.append("the negative gradient")
    magnitude = abs(c)
    suspect = _suspect(magnitude, counts)
    c_text = _factor_text(c)
    if suspect:
        shown, reason, *text = suspect
        c_text = ("−" if c < 0 else "") + (text[0] if text else _factor_text(shown))
        reasons.append(reason)
    elif not _close(magnitude, 1.0):
        reasons.append("a constant factor")
    return f"is {c_text} × autograd: " + ", and ".join(r for r in reasons if r)


def _suspect(c: float, counts: Counts) -> tuple | None:
    """(the factor, why, and how to write it when not as a number) for a usual suspect."""
    if _close(c, 1.0):
        return 1.0, ""
    for d in counts.roots:
        if _close(c, d ** 0.5):
            why = f"√{d} = √d, the attention scale: the scores are divided by √d, so is their gradient"
            return d ** 0.5, why, f"√{d}"
        if _close(c, d ** -0.5):
            return d ** -0.5, f"1/√{d} = the attention scale 1/√d applied twice", f"1/√{d}"
    for m in sorted(set(counts.batch), reverse=True):
        if m > 1 and _close(c, m):
            return float(m), (f"{m} = the batch size, a derivative of the SUM of the losses, "
                              f"not the mean")
        if m > 1 and _close(c, 1.0 / m):
            return 1.0 / m, f"1/{m} = one division by the batch size too many (1/m twice)"
    if _close(c, 2.0):
        return 2.0, "2 = a square's factor too many (d(u²)/du = 2u, but the loss has ½u²?)"
    if _close(c, 0.5):
        return 0.5, "the square's factor 2 is missing (d(u²)/du = 2u)"
    return None


def _factor_text(c: float) -> str:
    sign = "−" if c < 0 else ""
    c = abs(c)
    if _close(c, round(c)) and round(c) != 0:
        return f"{sign}{round(c)}"
    if _close(1 / c, round(1 / c)):
        return f"{sign}1/{round(1 / c)}"
    return f"{sign}{c:.6g}"


def _largest_difference(f, a, tol) -> str:
    diff = np.abs(f - a)
    index = np.unravel_index(int(np.argmax(diff)), f.shape)
    wrong = diff > tol.allowed(a)
    count = int(np.count_nonzero(wrong))
    text = (f"largest difference at {_index(index)}: formula {_num(f[index])}, autograd "
            f"{_num(a[index])} ({count} of {f.size} elements differ)")
    if count < f.size and not a[wrong].any():
        text += "; autograd is exactly 0 at every one of them: a mask (such as relu's 1[x > 0]) is missing"
    elif count < f.size and not f[wrong].any():
        text += "; the formula is 0 at every one of them: a mask zeroes too much"
    return text


# ---------------------------------------------------------------------------------------------

def _close(x: float, y: float) -> bool:
    return abs(x - y) <= 1e-6 * abs(y)


def _broadcasts_to(small: tuple, big: tuple) -> bool:
    if small == big or len(small) > len(big):
        return False
    try:
        return np.broadcast_shapes(small, big) == big
    except ValueError:
        return False


def _without_ones(shape: tuple) -> tuple:
    return tuple(n for n in shape if n != 1)


def _sum_to(x: np.ndarray, shape: tuple) -> np.ndarray:
    return np.sum(x, axis=broadcast_axes(x.shape, shape), keepdims=True).reshape(shape)


def _axes_text(axes: tuple, with_numbers: bool = True) -> str:
    word = "axis" if len(axes) == 1 else "axes"
    return f"{word} {', '.join(map(str, axes))}" if with_numbers else word


def _non_finite(x: np.ndarray) -> str:
    kinds = [k for k, bad in (("NaN", np.isnan(x)), ("inf", np.isinf(x))) if bad.any()]
    count = int(np.count_nonzero(~np.isfinite(x)))
    return f"{' and '.join(kinds)} in {count} of {x.size} elements, the first at {_index(_first_non_finite(x))}"


def _first_non_finite(x: np.ndarray) -> tuple:
    return np.unravel_index(int(np.argmax(~np.isfinite(x))), x.shape)


def _index(index) -> str:
    index = tuple(int(i) for i in index)
    return "(" + ", ".join(map(str, index)) + ")" if len(index) != 1 else f"({index[0]},)"


def _num(x) -> str:
    x = float(x)
    return "0" if x == 0 else f"{x:.6g}"
