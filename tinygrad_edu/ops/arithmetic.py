"""+ − × ÷ and powers. Inputs broadcast like numpy; the engine sums each gradient back to its
input's shape, so these state only the derivative of one element."""
import numpy as np

from ..function import Function
from ._numerics import ieee_results
from .elementwise import Mask


class Add(Function):
    name, derivative = "add", "∂a = G, ∂b = G"
    uses_inputs = False

    def forward(self, a, b):
        return a + b

    def backward(self, g):
        return g, g


class Sub(Function):
    name, derivative = "sub", "∂a = G, ∂b = −G"
    uses_inputs = False

    def forward(self, a, b):
        return a - b

    def backward(self, g):
        return g, (-g if self.needs_input_grad[1] else None)


class Mul(Function):
    name, derivative = "mul", "∂a = G·b, ∂b = G·a"

    def forward(self, a, b):
        return a * b

    def backward(self, g):
        a, b = self.inputs
        need_a, need_b = self.needs_input_grad
        return (g * b if need_a else None), (g * a if need_b else None)


class Div(Function):
    name, derivative = "div", "∂a = G / b, ∂b = −G·a / b²"

    @ieee_results  # 1/0 = inf, 0/0 = nan, as PyTorch
    def forward(self, a, b):
        return a / b

    def backward(self, g):
        a, b = self.inputs
        need_a, need_b = self.needs_input_grad
        return (g / b if need_a else None), (-g * a / (b * b) if need_b else None)


class Neg(Function):
    name, derivative = "neg", "∂ = −G"
    uses_inputs = False

    def forward(self, a):
        return -a

    def backward(self, g):
        return (-g,)


class PowScalar(Function):
    """x ** p for a Python number p."""
    name, derivative = "pow", "∂ = G·p·x^(p−1)"

    @ieee_results  # (1e−200)² = 0, 0⁻¹ = inf, (−1)^½ = nan
    def forward(self, x):
        return x ** np.asarray(self.exponent, dtype=x.dtype)

    def backward(self, g):
        (x,), p = self.inputs, self.exponent
        if p == 0:  # x⁰ = 1 is constant: 0, not 0·x⁻¹ (= nan at x = 0), as in PyTorch
            return (g * 0.0,)
        if p == 2:
            return (g * (2 * x),)
        return (g * (p * x ** (p - 1)),)


class Pow(Function):
    """a ** b for tensors: d/da = b·a^(b−1), d/db = a^b·ln a."""
    name, derivative = "pow", "∂a = G·b·a^(b−1), ∂b = G·a^b·ln a"
    uses_output = True

    @ieee_results  # 2 ** −1e4 = 0, 0 ** −1 = inf
    def forward(self, a, b):
        return a ** b

    def backward(self, g):
        a, b = self.inputs
        need_a, need_b = self.needs_input_grad
        grad_a = grad_b = None
        if need_a:  # where b = 0, aᵇ = 1 is constant in a: 0 (not 0·0⁻¹ = nan at a = 0), as PyTorch
            b_or_one = b + Mask.apply(b, rule=_is_zero)   # a^(1 − 1) = 1 there, times b = 0
            grad_a = g * (b * a ** (b_or_one - 1))
        if need_b:  # where a = 0 and b ≥ 0, aᵇ·ln a is 0·(−∞): PyTorch's limit there is 0
            at_zero = Mask.apply(a, b, rule=_zero_base)
            grad_b = g * (self.output * (a + at_zero).log())   # ln 1 = 0 there
        return grad_a, grad_b


def _is_zero(b):
    return b == 0


def _zero_base(a, b):
    return (a == 0) & (b >= 0)
