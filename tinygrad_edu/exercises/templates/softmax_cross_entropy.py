"""Exercise softmax-cross-entropy: the famous one-step gradient of softmax + cross-entropy.

A linear layer and the mean cross-entropy over a batch, the examples as ROWS (X is (N, 5)):

    logits = X W + b          p = softmax(logits) row by row
    J = −(1/N) Σ_i log p[i, y_i]                  (F.cross_entropy: softmax and log in one op)

Show that ∂J/∂logits = (p − Y)/N, Y the one-hot rows of y, with no softmax Jacobian in sight;
then ∂J/∂W and ∂J/∂b. Replace each TODO, then grade it:

    tinygrad-edu check softmax_cross_entropy.py
"""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.derivation import TODO

DTYPE = np.float64          # float32 works too: the check allows for its rounding
rng = np.random.default_rng(4)
N, D, K = 8, 5, 4

# ── the forward pass (done for you) ──────────────────────────────────────────────────────────
X = tg.Tensor(rng.standard_normal((N, D)), dtype=DTYPE, name="X")
y = rng.integers(0, K, size=N)                   # the classes (integers: no gradient)
W = tg.Tensor(rng.standard_normal((D, K)), dtype=DTYPE, requires_grad=True, name="W")
b = tg.Tensor(rng.standard_normal(K) * 0.1, dtype=DTYPE, requires_grad=True, name="b")

logits = (X @ W + b).named("logits")
J = F.cross_entropy(logits, y).named("J")

# From here on these names are the forward values as numpy arrays: write your formulas with them.
X, W, b, logits = (t.numpy() for t in (X, W, b, logits))
Y = np.eye(K)[y]                                 # the one-hot rows
p = np.exp(logits - logits.max(axis=1, keepdims=True))
p = p / p.sum(axis=1, keepdims=True)             # softmax, row by row

# ── your derivation: replace each TODO by ∂J/∂(that tensor) ──────────────────────────────────
dlogits = TODO   # ∂J/∂logits, shape (N, K)
dW = TODO        # ∂J/∂W, shape (D, K)
db = TODO        # ∂J/∂b, shape (K,)
# ── end of your derivation ───────────────────────────────────────────────────────────────────

tg.check_gradients(J, {"logits": dlogits, "W": dW, "b": db})
