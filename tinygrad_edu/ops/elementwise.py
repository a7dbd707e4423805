"""Unary elementwise ops. Each derivative is the textbook one, multiplied by the incoming G."""
import math

import numpy as np

from ..function import Function
from . import _numerics


class Exp(Function):
    name, derivative = "exp", "∂ = G·eˣ"
    uses_inputs, uses_output = False, True

    def forward(self, x):
        return _numerics.exp(x)  # e^x for x < −745 is 0: an answer, not an underflow error

    def backward(self, g):
        return (g * self.output,)


class Log(Function):
    name, derivative = "log", "∂ = G / x"

    @_numerics.ieee_results  # log 0 = −inf, log(−1) = nan, as PyTorch
    def forward(self, x):
        return np.log(x)

    def backward(self, g):
        return (g / self.inputs[0],)


class Sqrt(Function):
    name, derivative = "sqrt", "∂ = G / (2√x)"
    uses_inputs, uses_output = False, True

    @_numerics.ieee_results  # √−1 = nan, as PyTorch
    def forward(self, x):
        return np.sqrt(x)

    def backward(self, g):
        return (g / (2 * self.output),)


@_numerics.ieee_results
def sigmoid(x: np.ndarray) -> np.ndarray:
    # σ(x) = 1/(1 + e^−x). Below x ≈ −709 (−88 in float32) e^−x overflows to inf and the quotient
    # is 0, and above x ≈ 745 e^−x underflows to 0 and the quotient is 1: both are the answer
    # (σ rounded to the dtype), so neither is reported. Half the numpy calls of the form
    # e^−|x|-then-select, which avoids the overflow instead.
    return 1 / (1 + np.exp(-x))


class Sigmoid(Function):
    name, derivative = "sigmoid", "∂ = G·σ(1 − σ)"
    uses_inputs, uses_output = False, True

    def forward(self, x):
        return sigmoid(x)

    def backward(self, g):
        s = self.output
        return (g * (s * (1 - s)),)


class Tanh(Function):
    name, derivative = "tanh", "∂ = G·(1 − tanh²)"
    uses_inputs, uses_output = False, True

    def forward(self, x):
        return np.tanh(x)

    def backward(self, g):
        t = self.output
        return (g * (1 - t * t),)


class Mask(Function):
    """A piecewise-constant function of its inputs, `rule(*arrays)` in the first input's dtype:
    Iverson's bracket [x > 0] (1 where it holds, else 0), sign(x), (1 if x > 0 else α) …. Its
    derivative is 0 wherever it exists. It is recorded anyway, so a gradient that uses it (relu's
    G·[x > 0], max's G·[x = max]) still depends on x and can be differentiated again (to 0)."""
    name, derivative = "mask", "∂ = 0"
    uses_inputs = False

    def forward(self, *arrays):
        return self.rule(*arrays).astype(arrays[0].dtype, copy=False)

    def backward(self, g):
        return (None,) * len(self.inputs)


def positive(x):
    return x > 0


def _zeros_like(x: np.ndarray) -> np.ndarray:
    """Zeros in x's memory order (np.zeros for the common C order: a calloc, no fill pass)."""
    return np.zeros(x.shape, x.dtype) if x.flags.c_contiguous else np.zeros_like(x)


class ReLU(Function):
    name, derivative = "relu", "∂ = G·1[x > 0]"

    def forward(self, x):
        # max(x, 0) against an array of zeros: numpy's vectorised loop takes two arrays; against
        # the scalar 0 it runs an element-at-a-time loop, ~3× slower (numpy 2.4, float32)
        out = _zeros_like(x)
        return np.maximum(x, out, out=out)

    def backward(self, g):
        return (g * Mask.apply(self.inputs[0], rule=positive),)   # G·[x > 0]


class LeakyReLU(Function):
    name, derivative = "leaky_relu", "∂ = G·(1 if x > 0 else α)"

    def forward(self, x):
        return np.where(x > 0, x, x * np.asarray(self.negative_slope, dtype=x.dtype))

    def backward(self, g):
        slope = self.negative_slope
        return (g * Mask.apply(self.inputs[0], rule=lambda x: np.where(x > 0, 1.0, slope)),)


class Abs(Function):
    name, derivative = "abs", "∂ = G·sign(x)"

    def forward(self, x):
        return np.abs(x)

    def backward(self, g):
        return (g * Mask.apply(self.inputs[0], rule=np.sign),)


class Clip(Function):
    name, derivative = "clip", "∂ = G·1[low ≤ x ≤ high]"

    def forward(self, x):
        return np.clip(x, self.low, self.high)

    def backward(self, g):
        low, high = self.low, self.high

        def inside(x):
            keep = np.ones(x.shape, dtype=bool)
            if low is not None:
                keep &= x >= low
            if high is not None:
                keep &= x <= high
            return keep
        return (g * Mask.apply(self.inputs[0], rule=inside),)   # G·[low ≤ x ≤ high]


class Cast(Function):
    name, derivative = "cast", "∂ = G (cast back)"
    uses_inputs = False

    def forward(self, x):
        self.save_for_backward(source_dtype=x.dtype)
        return x.astype(self.dtype)

    def backward(self, g):
        return (g.cast(self.saved.source_dtype),)


# --- trigonometry, log1p, sign, smooth activations ---------------------------------------------

_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


class Sin(Function):
    name, derivative = "sin", "∂ = G·cos x"

    def forward(self, x):
        return np.sin(x)

    def backward(self, g):
        return (g * self.inputs[0].cos(),)


class Cos(Function):
    name, derivative = "cos", "∂ = −G·sin x"

    def forward(self, x):
        return np.cos(x)

    def backward(self, g):
        return (-g * self.inputs[0].sin(),)


class Log1p(Function):
    name, derivative = "log1p", "∂ = G / (1 + x)"

    @_numerics.ieee_results  # log1p(−1) = −inf
    def forward(self, x):
        return np.log1p(x)

    def backward(self, g):
        return (g / (1 + self.inputs[0]),)


class Sign(Function):
    """sign(x) ∈ {−1, 0, 1}: piecewise constant, so its gradient is 0 (a zero tensor, as PyTorch)."""
    name, derivative = "sign", "∂ = 0"
    uses_inputs = False

    def forward(self, x):
        return np.sign(x)

    def backward(self, g):
        return (g * 0.0,)


class Softplus(Function):
    """(1/β)·log(1 + e^(βx)), computed as max(βx, 0) + log1p(e^−|βx|) (stable for any finite x);
    where βx > threshold it is x itself, as PyTorch's (β = 1, threshold = 20)."""
    name, derivative = "softplus", "∂ = G·σ(βx)  (G where βx > threshold)"

    def forward(self, x):
        beta = np.asarray(self.beta, dtype=x.dtype)
        z = x * beta
        with _numerics.underflow_ok():
            smooth = (np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))) / beta
        return np.where(z > self.threshold, x, smooth)

    def backward(self, g):
        x, beta, threshold = self.inputs[0], self.beta, self.threshold
        linear = Mask.apply(x, rule=lambda a: a * beta > threshold)
        return (g * (linear + (1 - linear) * (x * beta).sigmoid()),)


class NormalCDF(Function):
    """Φ(x) = ½·erfc(−x/√2), the standard normal distribution function (GELU's gate).
    `given`: the value, when the caller has computed it already (GELU's forward saves Φ(x) for
    its backward)."""
    name, derivative = "normal_cdf", "∂ = G·φ(x) = G·e^(−x²/2)/√(2π)"
    given = None

    def forward(self, x):
        return normal_cdf(x) if self.given is None else self.given

    def backward(self, g):
        x = self.inputs[0]
        return (g * ((x * x * -0.5).exp() * _INV_SQRT_2PI),)


class GELU(Function):
    """x·Φ(x) with the exact (erf) Φ, PyTorch's default. Φ is computed as ½·erfc(−x/√2), so
    gelu of a very negative x is its tiny true value rather than 1 + erf's cancellation."""
    name, derivative = "gelu", "∂ = G·(Φ(x) + x·φ(x))"

    def forward(self, x):
        cdf = normal_cdf(x)
        self.save_for_backward(cdf=cdf)   # Φ(x) again in the backward: saved (an erfc is ~35 numpy calls)
        return x * cdf

    def backward(self, g):
        x = self.inputs[0]
        density = (x * x * -0.5).exp() * _INV_SQRT_2PI
        return (g * (NormalCDF.apply(x, given=self.saved.cdf) + x * density),)


def normal_cdf(x: np.ndarray) -> np.ndarray:
    """Φ(x) = ½·erfc(−x/√2): erfc keeps Φ's relative accuracy for very negative x, where
    ½(1 + erf(x/√2)) would cancel to 0."""
    cdf = _numerics.erfc(x * -_SQRT_HALF)
    cdf *= 0.5
    return cdf


class SiLU(Function):
    name, derivative = "silu", "∂ = G·σ(x)(1 + x(1 − σ(x)))"

    def forward(self, x):
        return x * Sigmoid.forward(self, x)

    def backward(self, g):
        x = self.inputs[0]
        s = x.sigmoid()
        return (g * (s * (1 + x * (1 - s))),)


class ELU(Function):
    name, derivative = "elu", "∂ = G·(1 if x > 0 else α·eˣ)"

    def forward(self, x):
        return np.where(x > 0, x, np.asarray(self.alpha, dtype=x.dtype) * np.expm1(np.minimum(x, 0)))

    def backward(self, g):
        x = self.inputs[0]
        above = Mask.apply(x, rule=positive)
        # e^min(x, 0): no overflow for large x, where the other branch is used anyway
        return (g * (above + (1 - above) * (x.clip(max=0).exp() * self.alpha)),)
