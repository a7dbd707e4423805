"""Unary elementwise ops. Each derivative is the textbook one, multiplied by the incoming G."""
import numpy as np

from ..tensor import Function


class Exp(Function):
    name, derivative = "exp", "∂ = G·eˣ"
    uses_inputs, uses_output = False, True

    def forward(self, x):
        return np.exp(x)

    def backward(self, g):
        return (g * self.output,)


class Log(Function):
    name, derivative = "log", "∂ = G / x"

    def forward(self, x):
        return np.log(x)

    def backward(self, g):
        return (g / self.inputs[0],)


class Sqrt(Function):
    name, derivative = "sqrt", "∂ = G / (2√x)"
    uses_inputs, uses_output = False, True

    def forward(self, x):
        return np.sqrt(x)

    def backward(self, g):
        return (g / (2 * self.output),)


class Sigmoid(Function):
    name, derivative = "sigmoid", "∂ = G·σ(1 − σ)"
    uses_inputs, uses_output = False, True

    def forward(self, x):
        # σ(x) = 1/(1+e^−x) = e^x/(1+e^x): use the form whose exponent is ≤ 0, so ±1000 is fine
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1, e) / (1 + e)

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
    """A piecewise-constant function of its inputs (e.g. the step 1[x > 0]): its derivative is 0
    wherever it exists. It is recorded anyway, so a gradient that uses it (relu's G·1[x > 0])
    still depends on x and can be differentiated again (to 0)."""
    name, derivative = "mask", "∂ = 0"
    uses_inputs = False

    def forward(self, *arrays):
        return self.rule(*arrays).astype(arrays[0].dtype, copy=False)

    def backward(self, g):
        return (None,) * len(self.inputs)


def _positive(x):
    return x > 0


class ReLU(Function):
    name, derivative = "relu", "∂ = G·1[x > 0]"

    def forward(self, x):
        return np.maximum(x, 0)

    def backward(self, g):
        return (g * Mask.apply(self.inputs[0], rule=_positive),)


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
        return (g * Mask.apply(self.inputs[0], rule=inside),)


class Cast(Function):
    name, derivative = "cast", "∂ = G (cast back)"
    uses_inputs = False

    def forward(self, x):
        self.source_dtype = x.dtype
        return x.astype(self.dtype)

    def backward(self, g):
        return (g.cast(self.source_dtype),)
