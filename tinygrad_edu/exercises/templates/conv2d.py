"""Exercise conv2d: the backward pass of one convolution layer (stride 1, padding 1).

x is (N, C, H, W) = (2, 2, 5, 5), the weights w are (F, C, 3, 3) = (3, 2, 3, 3), the bias b (F,):

    out[n, f, i, j] = b[f] + Σ_c Σ_p Σ_q w[f, c, p, q] · xpad[n, c, i + p, j + q]
    J = Σ out ⊙ R            (R: a fixed upstream gradient, so ∂J/∂out = R)

where xpad is x with a border of one zero all round (padding 1), so out is (2, 3, 5, 5) too.
Derive ∂J/∂w, ∂J/∂b and ∂J/∂x and replace their TODOs. Then grade it:

    tinygrad-edu check conv2d.py
"""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.derivation import TODO

DTYPE = np.float64          # float32 works too: the check allows for its rounding
rng = np.random.default_rng(6)

# ── the forward pass (done for you) ──────────────────────────────────────────────────────────
x = tg.Tensor(rng.standard_normal((2, 2, 5, 5)), dtype=DTYPE, requires_grad=True, name="x")
w = tg.Tensor(rng.standard_normal((3, 2, 3, 3)) * 0.5, dtype=DTYPE, requires_grad=True, name="w")
b = tg.Tensor(rng.standard_normal(3) * 0.1, dtype=DTYPE, requires_grad=True, name="b")
R = rng.standard_normal((2, 3, 5, 5))

out = F.conv2d(x, w, b, stride=1, padding=1).named("out")
J = (out * tg.Tensor(R, dtype=DTYPE)).sum().named("J")

# From here on these names are the forward values as numpy arrays: write your formulas with them.
x, w, b, out = (t.numpy() for t in (x, w, b, out))
xpad = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))

# ── your derivation: replace each TODO by ∂J/∂(that tensor) ──────────────────────────────────
dout = TODO   # ∂J/∂out, shape (2, 3, 5, 5)
dw = TODO     # ∂J/∂w, shape (3, 2, 3, 3)
db = TODO     # ∂J/∂b, shape (3,)
dx = TODO     # ∂J/∂x, shape (2, 2, 5, 5)
# ── end of your derivation ───────────────────────────────────────────────────────────────────

tg.check_gradients(J, {"out": dout, "w": dw, "b": db, "x": dx})
