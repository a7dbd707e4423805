"""Write-up 002: a two-layer sigmoid network, ROWS as samples, no biases, sum-of-squares loss,
on its four-row example (the output is XOR of the first two inputs; the third is always 1).

    python examples/seed002_sum_of_squares.py

    layer1 = σ(input · weights1),  output = σ(layer1 · weights2),  L = Σ (y − output)²

The write-up's backprop computes d_weights = +2(y − output)… = −∂L/∂weights, the NEGATIVE
gradient, and then does weights += d_weights. Autograd gives ∂L/∂weights, so we subtract it.
"""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor
from tinygrad_edu.data import xor_example

x_np, y_np = xor_example()
x, y = Tensor(x_np, name="input"), Tensor(y_np, name="y")

np.random.seed(0)
weights1 = Tensor(np.random.rand(3, 4), requires_grad=True, name="weights1")   # np.random.rand as written
weights2 = Tensor(np.random.rand(4, 1), requires_grad=True, name="weights2")

for iteration in range(1500):
    layer1 = (x @ weights1).sigmoid()
    output = (layer1 @ weights2).sigmoid()
    loss = F.mse_loss(output, y, reduction="sum")          # Σ (y − output)²
    weights1.zero_grad()
    weights2.zero_grad()
    loss.backward()

    if iteration == 0:   # the write-up's d_weights2, by hand: it is MINUS autograd's gradient
        s = output.data * (1 - output.data)                 # sigmoid_derivative takes σ's output
        d_weights2 = layer1.data.T @ (2 * (y_np - output.data) * s)
        print("d_weights2 + weights2.grad =", np.max(np.abs(d_weights2 + weights2.grad.data)))

    with tg.no_grad():                                      # weights += d_weights, i.e. lr = 1
        weights1 -= weights1.grad
        weights2 -= weights2.grad
    if iteration % 300 == 0:
        print(f"iteration {iteration:4d}   loss {loss.item():.5f}")

print("predictions:", output.data.ravel().round(3), " targets:", y_np.ravel())
