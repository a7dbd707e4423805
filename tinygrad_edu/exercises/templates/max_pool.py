"""Exercise max-pool: the backward pass of 2×2 max pooling (stride 2).

x is (N, C, H, W) = (2, 2, 4, 4); each output is the largest of its 2×2 window:

    out[n, c, i, j] = max(x[n, c, 2i, 2j], x[n, c, 2i, 2j+1], x[n, c, 2i+1, 2j], x[n, c, 2i+1, 2j+1])
    J = Σ out ⊙ R            (R: a fixed upstream gradient, so ∂J/∂out = R)

Derive ∂J/∂x and replace its TODO. Then grade it:

    tinygrad-edu check max_pool.py
"""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.derivation import TODO

DTYPE = np.float64          # float32 works too: the check allows for its rounding
rng = np.random.default_rng(7)

# ── the forward pass (done for you) ──────────────────────────────────────────────────────────
x = tg.Tensor(rng.standard_normal((2, 2, 4, 4)), dtype=DTYPE, requires_grad=True, name="x")
R = rng.standard_normal((2, 2, 2, 2))

out = F.max_pool2d(x, 2).named("out")
J = (out * tg.Tensor(R, dtype=DTYPE)).sum().named("J")

# From here on these names are the forward values as numpy arrays: write your formulas with them.
x, out = x.numpy(), out.numpy()
windows = x.reshape(2, 2, 2, 2, 2, 2).transpose(0, 1, 2, 4, 3, 5)   # [n, c, i, j, p, q]

# ── your derivation: replace each TODO by ∂J/∂(that tensor) ──────────────────────────────────
dout = TODO   # ∂J/∂out, shape (2, 2, 2, 2)
dx = TODO     # ∂J/∂x, shape (2, 2, 4, 4)
# ── end of your derivation ───────────────────────────────────────────────────────────────────

tg.check_gradients(J, {"out": dout, "x": dx})
