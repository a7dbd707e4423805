"""Write-up 001: an L-layer network with a sigmoid on EVERY layer, samples as COLUMNS, on
breast-cancer data (569 patients, 30 measurements, benign or malignant).

    python examples/seed001_l_layer_sigmoid.py

    A0 = X;  Zl = Wl A(l−1) + bl;  Al = σ(Zl)  (l = 1 … L);  J = mean binary cross-entropy

The write-up's own code does not run (see README.md (Errata)); here autograd does its backward,
and its formulas for the output layer (dAL, dZ, dW = 1/m dZ A_prevᵀ, dA_prev = Wᵀ dZ) are
checked against autograd once.
"""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor
from tinygrad_edu.data import load_split

# 1. Data, standardised, transposed to the write-up's layout: X (30, m), Y (1, m).
X_train, X_test, y_train, y_test = load_split("breast_cancer", seed=0)
X, Y = Tensor(X_train.T.astype(np.float64)), Tensor(y_train.reshape(1, -1).astype(np.float64))
m = X.shape[1]

# 2. init_params as written: W = randn·0.01, b = 0, numpy seeded with 3.
layer_dims = [30, 8, 4, 1]
rng = np.random.RandomState(3)
W = [None] + [Tensor(rng.randn(layer_dims[l], layer_dims[l - 1]) * 0.01, requires_grad=True)
              for l in range(1, len(layer_dims))]
b = [None] + [Tensor(np.zeros((layer_dims[l], 1)), requires_grad=True) for l in range(1, len(layer_dims))]
params = W[1:] + b[1:]
L = len(layer_dims) - 1


def forward(A):
    """forward_prop: every layer is σ(W A + b); returns all A's and Z's."""
    As, Zs = [A], [None]
    for l in range(1, L + 1):
        Zs.append(W[l] @ As[-1] + b[l])
        As.append(Zs[-1].sigmoid())
    return As, Zs


for step in range(501):
    As, Zs = forward(X)
    J = F.binary_cross_entropy(As[L], Y)
    for p in params:
        p.zero_grad()
    J.backward()
    if step == 0:   # the write-up's formulas for the output layer, by hand, against autograd
        AL, A_prev, Y_np = As[L].data, As[L - 1].data, Y.data
        dAL = -(Y_np / AL - (1 - Y_np) / (1 - AL))
        dZL = dAL * AL * (1 - AL)                       # dZ = dA·σ(Z)(1 − σ(Z)), σ(Z) = AL
        dWL = 1 / m * dZL @ A_prev.T
        dA_prev = W[L].data.T @ dZL
        print("dWL vs WL.grad:          ", np.max(np.abs(dWL - W[L].grad.data)))
        print("dA_prev vs m·A(L-1).grad:", np.max(np.abs(dA_prev - m * As[L - 1].grad.data)))  # dA: SUM of losses
    with tg.no_grad():
        for p in params:
            p -= 1.0 * p.grad
    if step % 100 == 0:
        print(f"step {step:4d}   cost {J.item():.4f}")

with tg.no_grad():
    A_test = forward(Tensor(X_test.T.astype(np.float64)))[0][L]
print(f"test accuracy: {np.mean((A_test.data > 0.5).ravel() == y_test):.1%}")
