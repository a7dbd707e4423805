"""Exercise layer-norm: layer norm, step by step, each example (a ROW) normalised over its D = 5
features, then scaled and shifted:

    mu = mean of x over a row          xc = x − mu           var = mean of xc² over a row
    rstd = (var + eps)^(−1/2)          xhat = xc · rstd      y = gamma · xhat + beta
    J = Σ y ⊙ R                        (R: a fixed upstream gradient, so ∂J/∂y = R)

mu, var and rstd keep their axis (shape (N, 1)): so do their gradients. Derive ∂J/∂T for each T
below and replace its TODO. Then grade it:

    tinygrad-edu check layer_norm.py
"""
import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.derivation import TODO

DTYPE = np.float64          # float32 works too: the check allows for its rounding
rng = np.random.default_rng(5)
N, D, eps = 5, 5, 1e-5

# ── the forward pass (done for you) ──────────────────────────────────────────────────────────
x = tg.Tensor(rng.standard_normal((N, D)) * 2 + 1, dtype=DTYPE, requires_grad=True, name="x")
gamma = tg.Tensor(1 + 0.1 * rng.standard_normal(D), dtype=DTYPE, requires_grad=True, name="gamma")
beta = tg.Tensor(0.1 * rng.standard_normal(D), dtype=DTYPE, requires_grad=True, name="beta")
R = rng.standard_normal((N, D))

mu = x.mean(axis=-1, keepdims=True).named("mu")
xc = (x - mu).named("xc")
var = (xc ** 2).mean(axis=-1, keepdims=True).named("var")
rstd = ((var + eps) ** -0.5).named("rstd")
xhat = (xc * rstd).named("xhat")
y = (gamma * xhat + beta).named("y")
J = (y * tg.Tensor(R, dtype=DTYPE)).sum().named("J")

# From here on these names are the forward values as numpy arrays: write your formulas with them.
x, gamma, beta, mu, xc, var, rstd, xhat, y = (t.numpy() for t in (x, gamma, beta, mu, xc, var, rstd, xhat, y))

# ── your derivation: replace each TODO by ∂J/∂(that tensor) ──────────────────────────────────
dy = TODO       # ∂J/∂y, shape (N, D)
dxhat = TODO    # ∂J/∂xhat, shape (N, D)
dgamma = TODO   # ∂J/∂gamma, shape (D,)
dbeta = TODO    # ∂J/∂beta, shape (D,)
drstd = TODO    # ∂J/∂rstd, shape (N, 1)
dvar = TODO     # ∂J/∂var, shape (N, 1)
dxc = TODO      # ∂J/∂xc, shape (N, D)
dmu = TODO      # ∂J/∂mu, shape (N, 1)
dx = TODO       # ∂J/∂x, shape (N, D)
# ── end of your derivation ───────────────────────────────────────────────────────────────────

tg.check_gradients(J, {"y": dy, "xhat": dxhat, "gamma": dgamma, "beta": dbeta, "rstd": drstd,
                       "var": dvar, "xc": dxc, "mu": dmu, "x": dx})
