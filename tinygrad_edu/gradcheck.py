"""`gradcheck`: autograd against central finite differences, in float64."""
from __future__ import annotations

import numpy as np

from .autograd import grad
from .tensor import Tensor, wrap


class GradcheckError(AssertionError):
    """Autograd and finite differences disagree; the message names input, element and values."""


def _scalarize(out, weights):
    """Reduce any output to one number: Σ wᵢ·outᵢ with fixed random weights, so one backward
    pass checks the whole Jacobian in one random direction (as PyTorch's fast gradcheck)."""
    outs = out if isinstance(out, (tuple, list)) else (out,)
    total = 0.0
    for o, w in zip(outs, weights):
        total = total + (o * w).sum()
    return total


def gradcheck(fn, inputs, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3) -> bool:
    """Compare autograd with (f(x + eps) − f(x − eps)) / 2eps for every element of every input
    that requires grad. Evaluates in float64; leaves the inputs unchanged. Returns True or
    raises GradcheckError."""
    if isinstance(inputs, Tensor):
        inputs = (inputs,)
    inputs = tuple(inputs)
    wide = [_float64_copy(x) for x in inputs]
    checked = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad")
    out = fn(*wide)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    rng = np.random.default_rng(0)
    scalar_output = len(outs) == 1 and outs[0].size == 1
    if scalar_output:  # weight 1: the reported values are then the derivatives of fn itself
        weights = [np.ones(outs[0].shape)]
    else:
        weights = [rng.uniform(0.5, 1.5, o.shape) * rng.choice([-1.0, 1.0], o.shape) for o in outs]
    of = "" if scalar_output else " of Σ w·output (fixed random weights w)"
    total = _scalarize(out, weights)
    if total.requires_grad:
        analytic = grad(total, [wide[i] for i in checked])
    else:  # autograd sees no path from the inputs (a detach, no_grad…): its gradient is 0
        analytic = [wrap(np.zeros(wide[i].shape)) for i in checked]

    for slot, i in enumerate(checked):
        x = wide[i]
        label = f"'{inputs[i].name}'" if inputs[i].name else f"{i}"
        flat = x.data.reshape(-1)  # a view: perturbs x in place
        computed = analytic[slot].data.reshape(-1)
        for k in range(flat.size):
            orig = flat[k]
            # not under no_grad: fn may itself call tg.grad (checking a second derivative)
            flat[k] = orig + eps
            plus = _scalarize(fn(*wide), weights).item()
            flat[k] = orig - eps
            minus = _scalarize(fn(*wide), weights).item()
            flat[k] = orig
            numeric = (plus - minus) / (2 * eps)
            a = float(computed[k])
            if not abs(a - numeric) <= atol + rtol * abs(numeric):
                where = np.unravel_index(k, x.shape) if x.ndim else ()
                raise GradcheckError(
                    f"gradcheck: gradient{of} with respect to input {label} (shape {x.shape}) at element "
                    f"{tuple(int(j) for j in where)}: analytic {a!r} != numeric {numeric!r} "
                    f"(|diff| {abs(a - numeric):.3g} > atol {atol} + rtol {rtol}·|numeric|)")
    return True


def _float64_copy(x):
    if not isinstance(x, Tensor):
        return x
    # C order: the perturbation loop edits the values through a flat view of this array
    data = np.array(x.data, dtype=np.float64 if x.data.dtype.kind == "f" else None, order="C")
    t = wrap(data)
    t.name = x.name
    if x.requires_grad:
        t.requires_grad = True
    return t
