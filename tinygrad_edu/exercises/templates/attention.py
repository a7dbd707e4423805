"""Exercise attention: one causal self-attention head, step by step.

T = 4 positions (ROWS), embeddings of size 5, a head of size d = 3:

    q = x W_q     k = x W_k     v = x W_v                       (T, d) each
    scores = q kᵀ                 scaled = scores / √d
    masked = scaled where position j ≤ i (causal), −∞ elsewhere
    P = softmax(masked) row by row                out = P v
    J = Σ out ⊙ R                 (R: a fixed upstream gradient, so ∂J/∂out = R)

Derive ∂J/∂T for each T below and replace its TODO (x is used three times):

    tinygrad-edu check attention.py
"""
import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.derivation import TODO

DTYPE = np.float64          # float32 works too: the check allows for its rounding
rng = np.random.default_rng(10)
T, C, d = 4, 5, 3


def leaf(shape, name, scale=1.0):
    return tg.Tensor(rng.standard_normal(shape) * scale, dtype=DTYPE, requires_grad=True, name=name)


# ── the forward pass (done for you) ──────────────────────────────────────────────────────────
x = leaf((T, C), "x")
W_q, W_k, W_v = leaf((C, d), "W_q", 0.6), leaf((C, d), "W_k", 0.6), leaf((C, d), "W_v", 0.6)
causal = np.tril(np.ones((T, T), dtype=bool))    # True where position i may look at j
R = rng.standard_normal((T, d))

q, k, v = (x @ W_q).named("q"), (x @ W_k).named("k"), (x @ W_v).named("v")
scores = (q @ k.T).named("scores")
scaled = (scores * (1 / np.sqrt(d))).named("scaled")
masked = scaled.masked_fill(~causal, float("-inf")).named("masked")
P = masked.softmax(axis=-1).named("P")
out = (P @ v).named("out")
J = (out * tg.Tensor(R, dtype=DTYPE)).sum().named("J")

# From here on these names are the forward values as numpy arrays: write your formulas with them.
x, W_q, W_k, W_v, q, k, v, scores, scaled, masked, P, out = (
    t.numpy() for t in (x, W_q, W_k, W_v, q, k, v, scores, scaled, masked, P, out))

# ── your derivation: replace each TODO by ∂J/∂(that tensor) ──────────────────────────────────
dout = TODO      # ∂J/∂out, shape (T, d)
dP = TODO        # ∂J/∂P, shape (T, T)
dv = TODO        # ∂J/∂v
dmasked = TODO   # ∂J/∂masked: the softmax's Jacobian, row by row
dscaled = TODO   # ∂J/∂scaled
dscores = TODO   # ∂J/∂scores
dq = TODO        # ∂J/∂q
dk = TODO        # ∂J/∂k
dW_q = TODO
dW_k = TODO
dW_v = TODO
dx = TODO        # ∂J/∂x, shape (T, C)
# ── end of your derivation ───────────────────────────────────────────────────────────────────

tg.check_gradients(J, {"out": dout, "P": dP, "v": dv, "masked": dmasked, "scaled": dscaled,
                       "scores": dscores, "q": dq, "k": dk, "W_q": dW_q, "W_k": dW_k, "W_v": dW_v,
                       "x": dx})
