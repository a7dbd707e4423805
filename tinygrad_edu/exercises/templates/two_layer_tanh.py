"""Exercise two-layer-tanh (write-up 000): derive the backward pass of a two-layer network.

The network, with the examples as COLUMNS (X is (2, m), one example per column):

    Z1 = W1 X + b1      A1 = tanh(Z1)          (4 hidden units)
    Z2 = W2 A1 + b2     A2 = σ(Z2)
    J  = −(1/m) Σ [Y log A2 + (1 − Y) log(1 − A2)]          (the MEAN binary cross-entropy)

Derive ∂J/∂T for every T below (the derivative of J itself, the mean: mind the 1/m), as a numpy
array of T's shape, and replace its TODO. Then grade it:

    tinygrad-edu check two_layer_tanh.py

Each row says ok, or what is wrong and where the derivation first goes wrong.
"""
import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.derivation import TODO

DTYPE = np.float64          # float32 works too: the check allows for its rounding
rng = np.random.default_rng(0)
m = 8

# ── the forward pass (done for you) ──────────────────────────────────────────────────────────
X = tg.Tensor(rng.standard_normal((2, m)), dtype=DTYPE, name="X")
Y = tg.Tensor((rng.random((1, m)) > 0.5).astype(float), dtype=DTYPE, name="Y")
W1 = tg.Tensor(rng.standard_normal((4, 2)) * 0.5, dtype=DTYPE, requires_grad=True, name="W1")
b1 = tg.Tensor(rng.standard_normal((4, 1)) * 0.1, dtype=DTYPE, requires_grad=True, name="b1")
W2 = tg.Tensor(rng.standard_normal((1, 4)) * 0.5, dtype=DTYPE, requires_grad=True, name="W2")
b2 = tg.Tensor(rng.standard_normal((1, 1)) * 0.1, dtype=DTYPE, requires_grad=True, name="b2")

Z1 = (W1 @ X + b1).named("Z1")
A1 = Z1.tanh().named("A1")
Z2 = (W2 @ A1 + b2).named("Z2")
A2 = Z2.sigmoid().named("A2")
J = (-(Y * A2.log() + (1 - Y) * (1 - A2).log()).mean()).named("J")

# From here on these names are the forward values as numpy arrays: write your formulas with them.
X, Y, W1, b1, W2, b2, Z1, A1, Z2, A2 = (t.numpy() for t in (X, Y, W1, b1, W2, b2, Z1, A1, Z2, A2))

# ── your derivation: replace each TODO by ∂J/∂(that tensor) ──────────────────────────────────
dA2 = TODO    # ∂J/∂A2, shape (1, m)
dZ2 = TODO    # ∂J/∂Z2, shape (1, m)
dW2 = TODO    # ∂J/∂W2, shape (1, 4)
db2 = TODO    # ∂J/∂b2, shape (1, 1)
dA1 = TODO    # ∂J/∂A1, shape (4, m)
dZ1 = TODO    # ∂J/∂Z1, shape (4, m)
dW1 = TODO    # ∂J/∂W1, shape (4, 2)
db1 = TODO    # ∂J/∂b1, shape (4, 1)
# ── end of your derivation ───────────────────────────────────────────────────────────────────

tg.check_gradients(J, {"A2": dA2, "Z2": dZ2, "W2": dW2, "b2": db2,
                       "A1": dA1, "Z1": dZ1, "W1": dW1, "b1": db1})
