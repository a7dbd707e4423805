"""Exercise rnn-bptt: backpropagation through time in a tanh RNN over T = 4 steps.

A batch of N = 3 sequences, inputs x[t] of size 2, hidden states of size 3, the examples as ROWS:

    a_t = x_t W_xh + h_(t−1) W_hh + b        h_t = tanh(a_t)        t = 1 … 4   (h_0 given)
    J = Σ_t Σ h_t ⊙ R_t                       (R_t: fixed upstream gradients, one per step)

Each h_t reaches J twice: through its own term R_t and through the next step's a_(t+1). The
weights are shared by every step. Derive ∂J/∂T for each T below and replace its TODO:

    tinygrad-edu check rnn_bptt.py
"""
import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.derivation import TODO

DTYPE = np.float64          # float32 works too: the check allows for its rounding
rng = np.random.default_rng(8)
T, N, D, H = 4, 3, 2, 3

# ── the forward pass (done for you) ──────────────────────────────────────────────────────────
x = rng.standard_normal((T, N, D))
R = rng.standard_normal((T, N, H))
W_xh = tg.Tensor(rng.standard_normal((D, H)) * 0.8, dtype=DTYPE, requires_grad=True, name="W_xh")
W_hh = tg.Tensor(rng.standard_normal((H, H)) * 0.8, dtype=DTYPE, requires_grad=True, name="W_hh")
b = tg.Tensor(rng.standard_normal(H) * 0.1, dtype=DTYPE, requires_grad=True, name="b")
h0 = tg.Tensor(rng.standard_normal((N, H)) * 0.5, dtype=DTYPE, name="h0")

a1 = (tg.Tensor(x[0], dtype=DTYPE) @ W_xh + h0 @ W_hh + b).named("a1")
h1 = a1.tanh().named("h1")
a2 = (tg.Tensor(x[1], dtype=DTYPE) @ W_xh + h1 @ W_hh + b).named("a2")
h2 = a2.tanh().named("h2")
a3 = (tg.Tensor(x[2], dtype=DTYPE) @ W_xh + h2 @ W_hh + b).named("a3")
h3 = a3.tanh().named("h3")
a4 = (tg.Tensor(x[3], dtype=DTYPE) @ W_xh + h3 @ W_hh + b).named("a4")
h4 = a4.tanh().named("h4")
J = sum((h * tg.Tensor(R[t], dtype=DTYPE)).sum() for t, h in enumerate((h1, h2, h3, h4))).named("J")

# From here on these names are the forward values as numpy arrays: write your formulas with them.
W_xh, W_hh, b, h0, a1, h1, a2, h2, a3, h3, a4, h4 = (
    t.numpy() for t in (W_xh, W_hh, b, h0, a1, h1, a2, h2, a3, h3, a4, h4))

# ── your derivation: replace each TODO by ∂J/∂(that tensor) ──────────────────────────────────
dh4 = TODO     # ∂J/∂h4, shape (N, H)
da4 = TODO     # ∂J/∂a4
dh3 = TODO     # ∂J/∂h3
da3 = TODO
dh2 = TODO
da2 = TODO
dh1 = TODO
da1 = TODO
dW_hh = TODO   # ∂J/∂W_hh, shape (H, H): every step uses it
dW_xh = TODO   # ∂J/∂W_xh, shape (D, H)
db = TODO      # ∂J/∂b, shape (H,)
# ── end of your derivation ───────────────────────────────────────────────────────────────────

tg.check_gradients(J, {"h4": dh4, "a4": da4, "h3": dh3, "a3": da3, "h2": dh2, "a2": da2, "h1": dh1,
                       "a1": da1, "W_hh": dW_hh, "W_xh": dW_xh, "b": db})
