"""Write-up 000: a two-layer network on the planar "flower", samples as COLUMNS.

    python examples/seed000_two_layer_tanh.py

    Z1 = W1 X + b1,  A1 = tanh(Z1),  Z2 = W2 A1 + b2,  A2 = σ(Z2),  J = mean binary cross-entropy

Autograd computes every gradient; once, we check the course's hand-derived ones against it:
dZ2 = A2 − Y, dW2 = 1/m dZ2 A1ᵀ, dZ1 = W2ᵀ dZ2 ∘ (1 − A1²), dW1 = 1/m dZ1 Xᵀ.
"""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor
from tinygrad_edu.data import planar_flower

# 1. Data: X (2, 400) — one column per point — and labels Y (1, 400).
X_np, Y_np = planar_flower()
X, Y = Tensor(X_np, name="X"), Tensor(Y_np, name="Y")
m = X.shape[1]

# 2. Parameters, as the course initialises them: W = randn·0.01, b = 0; 4 hidden units.
rng = np.random.RandomState(2)
W1 = Tensor(rng.randn(4, 2) * 0.01, requires_grad=True, name="W1")
b1 = Tensor(np.zeros((4, 1)), requires_grad=True, name="b1")
W2 = Tensor(rng.randn(1, 4) * 0.01, requires_grad=True, name="W2")
b2 = Tensor(np.zeros((1, 1)), requires_grad=True, name="b2")
params = [W1, b1, W2, b2]

for step in range(2001):
    # 3. Forward pass, in the write-up's notation.
    Z1 = W1 @ X + b1
    A1 = Z1.tanh()
    Z2 = W2 @ A1 + b2
    A2 = Z2.sigmoid()
    J = F.binary_cross_entropy(A2, Y)

    # 4. Backward pass: autograd fills .grad of every tensor above (Z2.grad, A1.grad, W1.grad …).
    for p in params:
        p.zero_grad()
    J.backward()

    if step == 0:   # the course's formulas, by hand, against autograd
        dZ2 = A2.data - Y_np
        dW2 = 1 / m * dZ2 @ A1.data.T
        dZ1 = W2.data.T @ dZ2 * (1 - A1.data ** 2)
        dW1 = 1 / m * dZ1 @ X_np.T
        print("dZ2 vs m·Z2.grad:", np.max(np.abs(dZ2 - m * Z2.grad.data)))  # dZ is for the SUM of losses
        print("dW2 vs W2.grad:  ", np.max(np.abs(dW2 - W2.grad.data)))
        print("dW1 vs W1.grad:  ", np.max(np.abs(dW1 - W1.grad.data)))

    # 5. Gradient descent with the course's learning rate 1.2.
    with tg.no_grad():
        for p in params:
            p -= 1.2 * p.grad
    if step % 500 == 0:
        print(f"step {step:5d}   cost {J.item():.4f}")

accuracy = np.mean((A2.data > 0.5) == Y_np)
print(f"training accuracy: {accuracy:.1%}  (the course: about 90% with 4 hidden units)")
