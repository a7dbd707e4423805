"""Exercise sum-of-squares (write-up 002): derive the backward pass of a two-layer sigmoid network
with no biases and a sum-of-squares loss.

The examples are ROWS here (input is (4, 3), one example per row):

    z1 = input · weights1      layer1 = σ(z1)          (4 hidden units)
    z2 = layer1 · weights2     output = σ(z2)
    L  = Σ (y − output)²                                (a SUM, no ½, no mean)

Derive the gradient ∂L/∂T for every T below and replace its TODO. (The write-up's d_weights
are the NEGATIVE gradients, −∂L/∂weights: here, give the gradients themselves.) Then grade it:

    tinygrad-edu check sum_of_squares.py
"""
import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.derivation import TODO

DTYPE = np.float64          # float32 works too: the check allows for its rounding
rng = np.random.default_rng(2)

# ── the forward pass (done for you) ──────────────────────────────────────────────────────────
input = tg.Tensor([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=DTYPE, name="input")  # noqa: A001
y = tg.Tensor([[0], [1], [1], [0]], dtype=DTYPE, name="y")
weights1 = tg.Tensor(rng.random((3, 4)), dtype=DTYPE, requires_grad=True, name="weights1")
weights2 = tg.Tensor(rng.random((4, 1)), dtype=DTYPE, requires_grad=True, name="weights2")

z1 = (input @ weights1).named("z1")
layer1 = z1.sigmoid().named("layer1")
z2 = (layer1 @ weights2).named("z2")
output = z2.sigmoid().named("output")
L = ((y - output) ** 2).sum().named("L")

# From here on these names are the forward values as numpy arrays: write your formulas with them.
input, y, weights1, weights2, z1, layer1, z2, output = (  # noqa: A001
    t.numpy() for t in (input, y, weights1, weights2, z1, layer1, z2, output))

# ── your derivation: replace each TODO by ∂L/∂(that tensor) ──────────────────────────────────
doutput = TODO     # ∂L/∂output, shape (4, 1)
dz2 = TODO         # ∂L/∂z2, shape (4, 1)
dweights2 = TODO   # ∂L/∂weights2, shape (4, 1)
dlayer1 = TODO     # ∂L/∂layer1, shape (4, 4)
dz1 = TODO         # ∂L/∂z1, shape (4, 4)
dweights1 = TODO   # ∂L/∂weights1, shape (3, 4)
# ── end of your derivation ───────────────────────────────────────────────────────────────────

tg.check_gradients(L, {"output": doutput, "z2": dz2, "weights2": dweights2, "layer1": dlayer1,
                       "z1": dz1, "weights1": dweights1})
