"""Exercise lstm-cell: one step of an LSTM cell, its four gates (PyTorch's order i, f, g, o).

A batch of N = 3 rows, inputs of size 2, hidden and cell states of size H = 3:

    gates = x W_x + h_prev W_h + b                    (N, 4H): four blocks of H columns
    i = σ(gates[:, 0:H])    f = σ(gates[:, H:2H])    g = tanh(gates[:, 2H:3H])    o = σ(gates[:, 3H:4H])
    c = f ⊙ c_prev + i ⊙ g          tanh_c = tanh(c)          h = o ⊙ tanh_c
    J = Σ h ⊙ R_h + Σ c ⊙ R_c        (fixed upstream gradients: the next step's, in a sequence)

Derive ∂J/∂T for each T below (∂J/∂gates: the four blocks side by side) and replace its TODO:

    tinygrad-edu check lstm_cell.py
"""
import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.derivation import TODO

DTYPE = np.float64          # float32 works too: the check allows for its rounding
rng = np.random.default_rng(9)
N, D, H = 3, 2, 3


def leaf(shape, name, scale=1.0):
    return tg.Tensor(rng.standard_normal(shape) * scale, dtype=DTYPE, requires_grad=True, name=name)


# ── the forward pass (done for you) ──────────────────────────────────────────────────────────
x = tg.Tensor(rng.standard_normal((N, D)), dtype=DTYPE, name="x")
h_prev, c_prev = leaf((N, H), "h_prev", 0.5), leaf((N, H), "c_prev", 0.5)
W_x, W_h, b = leaf((D, 4 * H), "W_x", 0.6), leaf((H, 4 * H), "W_h", 0.6), leaf((4 * H,), "b", 0.1)
R_h, R_c = rng.standard_normal((N, H)), rng.standard_normal((N, H))

gates = (x @ W_x + h_prev @ W_h + b).named("gates")
i = gates[:, 0:H].sigmoid().named("i")
f = gates[:, H:2 * H].sigmoid().named("f")
g = gates[:, 2 * H:3 * H].tanh().named("g")
o = gates[:, 3 * H:4 * H].sigmoid().named("o")
c = (f * c_prev + i * g).named("c")
tanh_c = c.tanh().named("tanh_c")
h = (o * tanh_c).named("h")
J = ((h * tg.Tensor(R_h, dtype=DTYPE)).sum() + (c * tg.Tensor(R_c, dtype=DTYPE)).sum()).named("J")

# From here on these names are the forward values as numpy arrays: write your formulas with them.
x, h_prev, c_prev, W_x, W_h, b, gates, i, f, g, o, c, tanh_c, h = (
    t.numpy() for t in (x, h_prev, c_prev, W_x, W_h, b, gates, i, f, g, o, c, tanh_c, h))

# ── your derivation: replace each TODO by ∂J/∂(that tensor) ──────────────────────────────────
dh = TODO         # ∂J/∂h, shape (N, H)
do = TODO         # ∂J/∂o
dtanh_c = TODO    # ∂J/∂tanh_c
dc = TODO         # ∂J/∂c: two paths
df = TODO         # ∂J/∂f
di = TODO         # ∂J/∂i
dg = TODO         # ∂J/∂g
dc_prev = TODO    # ∂J/∂c_prev
dgates = TODO     # ∂J/∂gates, shape (N, 4H)
dW_x = TODO       # ∂J/∂W_x, shape (D, 4H)
dW_h = TODO       # ∂J/∂W_h, shape (H, 4H)
db = TODO         # ∂J/∂b, shape (4H,)
dh_prev = TODO    # ∂J/∂h_prev, shape (N, H)
# ── end of your derivation ───────────────────────────────────────────────────────────────────

tg.check_gradients(J, {"h": dh, "o": do, "tanh_c": dtanh_c, "c": dc, "f": df, "i": di, "g": dg,
                       "c_prev": dc_prev, "gates": dgates, "W_x": dW_x, "W_h": dW_h, "b": db,
                       "h_prev": dh_prev})
