"""Exercise l-layer-sigmoid (write-up 001): derive the backward pass of an L-layer network.

Three layers, a sigmoid on EVERY layer, the examples as COLUMNS (X is (4, m)):

    A0 = X;   Zl = Wl A(l−1) + bl,   Al = σ(Zl)   for l = 1, 2, 3   (sizes 4 → 4 → 4 → 1)
    J  = −(1/m) Σ [Y log A3 + (1 − Y) log(1 − A3)]            (the MEAN binary cross-entropy)

Derive ∂J/∂T for every T below (the derivative of J itself, the mean) and replace its TODO.
(The course writes dZ = A − Y for the SUM of the losses: if you follow that convention, the check
says so and how to declare it with `scale=`.) Then grade it:

    tinygrad-edu check l_layer_sigmoid.py
"""
import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.derivation import TODO

DTYPE = np.float64          # float32 works too: the check allows for its rounding
rng = np.random.default_rng(1)
m = 10


def parameter(shape, name, scale=0.8):
    return tg.Tensor(rng.standard_normal(shape) * scale, dtype=DTYPE, requires_grad=True, name=name)


# ── the forward pass (done for you) ──────────────────────────────────────────────────────────
X = tg.Tensor(rng.standard_normal((4, m)), dtype=DTYPE, name="X")
Y = tg.Tensor((rng.random((1, m)) > 0.5).astype(float), dtype=DTYPE, name="Y")
W1, b1 = parameter((4, 4), "W1"), parameter((4, 1), "b1", 0.1)
W2, b2 = parameter((4, 4), "W2"), parameter((4, 1), "b2", 0.1)
W3, b3 = parameter((1, 4), "W3"), parameter((1, 1), "b3", 0.1)

Z1 = (W1 @ X + b1).named("Z1")
A1 = Z1.sigmoid().named("A1")
Z2 = (W2 @ A1 + b2).named("Z2")
A2 = Z2.sigmoid().named("A2")
Z3 = (W3 @ A2 + b3).named("Z3")
A3 = Z3.sigmoid().named("A3")
J = (-(Y * A3.log() + (1 - Y) * (1 - A3).log()).mean()).named("J")

# From here on these names are the forward values as numpy arrays: write your formulas with them.
X, Y, W1, b1, W2, b2, W3, b3, Z1, A1, Z2, A2, Z3, A3 = (
    t.numpy() for t in (X, Y, W1, b1, W2, b2, W3, b3, Z1, A1, Z2, A2, Z3, A3))

# ── your derivation: replace each TODO by ∂J/∂(that tensor) ──────────────────────────────────
dA3 = TODO    # ∂J/∂A3, shape (1, m)
dZ3 = TODO    # ∂J/∂Z3, shape (1, m)
dW3 = TODO    # ∂J/∂W3, shape (1, 4)
db3 = TODO    # ∂J/∂b3, shape (1, 1)
dA2 = TODO    # ∂J/∂A2, shape (4, m)
dZ2 = TODO    # ∂J/∂Z2, shape (4, m)
dW2 = TODO    # ∂J/∂W2, shape (4, 4)
db2 = TODO    # ∂J/∂b2, shape (4, 1)
dA1 = TODO    # ∂J/∂A1, shape (4, m)
dZ1 = TODO    # ∂J/∂Z1, shape (4, m)
dW1 = TODO    # ∂J/∂W1, shape (4, 4)
db1 = TODO    # ∂J/∂b1, shape (4, 1)
# ── end of your derivation ───────────────────────────────────────────────────────────────────

tg.check_gradients(J, {"A3": dA3, "Z3": dZ3, "W3": dW3, "b3": db3, "A2": dA2, "Z2": dZ2,
                       "W2": dW2, "b2": db2, "A1": dA1, "Z1": dZ1, "W1": dW1, "b1": db1})
