"""Check your own derivation: a two-layer ReLU network with a softmax cross-entropy loss
(the CS231n assignment's), its backward pass derived by hand, checked against autograd.

    python examples/check_your_derivation.py            # all agree
    python examples/check_your_derivation.py --graph    # also write the checked graph as SVG
    tinygrad-edu check examples/check_your_derivation.py

Un-comment the line marked SLIP below to see what the check says about a wrong formula.
"""
import sys

import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, viz

# a small problem, samples as ROWS: N inputs of D features, H hidden units, C classes
N, D, H, C = 50, 4, 10, 3
rng = np.random.RandomState(0)
X = Tensor(rng.randn(N, D), name="X")           # float64 data: the check is exact to ~1e-16
y = rng.randint(C, size=N)
W1 = Tensor(0.5 * rng.randn(D, H), requires_grad=True, name="W1")
b1 = Tensor(0.1 * rng.randn(H), requires_grad=True, name="b1")
W2 = Tensor(0.5 * rng.randn(H, C), requires_grad=True, name="W2")
b2 = Tensor(0.1 * rng.randn(C), requires_grad=True, name="b2")

# forward pass: name what you will derive a formula for
z1 = (X @ W1 + b1).named("z1")
h = z1.relu().named("h")
scores = (h @ W2 + b2).named("scores")
loss = F.cross_entropy(scores, y).named("loss")           # mean over the N samples

# backward pass, by hand, in numpy
s = scores.data
probs = np.exp(s - s.max(axis=1, keepdims=True))
probs /= probs.sum(axis=1, keepdims=True)
onehot = np.eye(C)[y]
dscores = (probs - onehot) / N
# dscores = probs - onehot            # SLIP: the loss is the MEAN over the samples
dW2 = h.data.T @ dscores
db2 = dscores.sum(axis=0)
dh = dscores @ W2.data.T
dz1 = dh.copy()
dz1[z1.data <= 0] = 0                  # relu lets the gradient through where z1 > 0
dW1 = X.data.T @ dz1
db1 = dz1.sum(axis=0)

result = tg.check_gradients(loss, {"scores": dscores, "W2": dW2, "b2": db2, "h": dh,
                                   "z1": dz1, "W1": dW1, "b1": db1})
print(result)
if "--graph" in sys.argv:
    path = viz.render(viz.draw_graph(loss, check=result), "check_your_derivation.svg")
    print(f"wrote {path}")
