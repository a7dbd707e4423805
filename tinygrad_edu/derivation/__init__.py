"""Checking your own derivation: hand-derived gradients against autograd, tensor by tensor.

    Z1 = (W1 @ X + b1).named("Z1") …
    result = tg.check_gradients(loss, {"Z1": dZ1, W1: dW1})
    print(result)            # the table; result.first_wrong, result.rows[i].diagnosis
"""
from .check import TODO, GradientCheck, GradientRow, check_gradients, recording

__all__ = ["check_gradients", "GradientCheck", "GradientRow", "recording", "TODO"]
