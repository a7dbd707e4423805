"""Write-up 002, "How to build your own Neural Network from scratch in Python": a two-layer
sigmoid network with ROWS as samples, no biases, four hidden units, sum-of-squares loss.

    layer1 = σ(input · weights1)     output = σ(layer1 · weights2)     L = Σ (y − output)²

Its `backprop` (transcribed in `as_written/seed002.py`), with s'(a) = a(1 − a) taking the
sigmoid's OUTPUT a:

    d_weights2 = layer1ᵀ · [2(y − output) ∘ s'(output)]
    d_weights1 = inputᵀ · ([2(y − output) ∘ s'(output)] · weights2ᵀ ∘ s'(layer1))
    weights += d_weights

NOTE: these are the NEGATIVE gradients, d_weights = −∂L/∂weights, so `weights += d_weights` is
gradient descent with a learning rate of 1. Every comparison below is against −(autograd's .grad).
The pre-activations z1 = input·weights1 and z2 = layer1·weights2 have no name in the write-up.
"""
from __future__ import annotations

import numpy as np

from .. import functional as F
from ..data import xor_example
from ..recipes.metrics import accuracy
from ..tensor import Tensor
from .network import Network, named
from .training import TrainResult, gradient_descent

TITLE = "002 · two-layer sigmoid network, rows as samples, no biases, sum of squares"
SOURCE = "seeds/002_065e2b79c811d893.txt"
HIDDEN_UNITS = 4
CHECK_NOTE = ("the write-up's backprop returns NEGATIVE gradients (d_weights = −∂L/∂weights, then "
              "weights += d_weights), so every row compares with −.grad")


def init_params(n_inputs: int = 3, seed: int = 0) -> dict[str, np.ndarray]:
    """`np.random.rand` as written (uniform in [0, 1)), from a private seeded generator."""
    rng = np.random.RandomState(seed)
    return {"weights1": rng.rand(n_inputs, HIDDEN_UNITS), "weights2": rng.rand(HIDDEN_UNITS, 1)}


def forward(params: dict[str, Tensor], x: np.ndarray, y: np.ndarray) -> Network:
    weights1, weights2 = params["weights1"], params["weights2"]
    inputs = named(Tensor(x, dtype=weights1.dtype), "input")
    target = named(Tensor(y, dtype=weights1.dtype), "y")
    z1 = named(inputs @ weights1, "z1")
    layer1 = named(z1.sigmoid(), "layer1")
    z2 = named(layer1 @ weights2, "z2")
    output = named(z2.sigmoid(), "output")
    loss = named(F.mse_loss(output, target, reduction="sum"), "loss")
    return Network(loss, params, {"input": inputs, "z1": z1, "layer1": layer1, "z2": z2,
                                  "output": output, "y": target})


def param_tensors(arrays: dict[str, np.ndarray], dtype=np.float64) -> dict[str, Tensor]:
    return {k: Tensor(v, dtype=dtype, requires_grad=True, name=k) for k, v in arrays.items()}


def build(dtype=np.float64, seed: int = 0) -> Network:
    """One forward pass on the write-up's 4×3 example."""
    x, y = xor_example()
    return forward(param_tensors(init_params(x.shape[1], seed), dtype), x, y)


def sigmoid_derivative(a):
    """The write-up's helper: the sigmoid's derivative written in terms of its OUTPUT a = σ(z)."""
    return a * (1 - a)


def hand_backward(x, y, weights1, weights2) -> dict[str, np.ndarray]:
    """The write-up's `backprop`, its sub-expressions named so each can be compared."""
    layer1 = 1 / (1 + np.exp(-(x @ weights1)))
    output = 1 / (1 + np.exp(-(layer1 @ weights2)))
    d_output = 2 * (y - output)
    d_z2 = d_output * sigmoid_derivative(output)
    d_layer1 = np.dot(d_z2, weights2.T)
    d_z1 = d_layer1 * sigmoid_derivative(layer1)
    return {"2(y − output)": d_output, "… ∘ s'(output)": d_z2, "… · weights2ᵀ": d_layer1,
            "… ∘ s'(layer1)": d_z1, "d_weights2": np.dot(layer1.T, d_z2), "d_weights1": np.dot(x.T, d_z1)}


def comparisons(net: Network) -> list[tuple[str, str, object]]:
    """(formula, tensor whose gradient it is, the convention's factor): all NEGATIVE gradients."""
    return [("2(y − output)", "output", -1), ("… ∘ s'(output)", "z2", -1), ("d_weights2", "weights2", -1),
            ("… · weights2ᵀ", "layer1", -1), ("… ∘ s'(layer1)", "z1", -1), ("d_weights1", "weights1", -1)]


def formulas(net: Network) -> dict[str, np.ndarray]:
    values = {k: net.tensor(k).data for k in ("weights1", "weights2")}
    return hand_backward(net.tensor("input").data, net.tensor("y").data, **values)


def predict(params: dict[str, Tensor], x: np.ndarray) -> np.ndarray:
    layer1 = 1 / (1 + np.exp(-(x @ params["weights1"].data)))
    return 1 / (1 + np.exp(-(layer1 @ params["weights2"].data)))


def train(iterations: int = 1500, seed: int = 0, on_step=None) -> TrainResult:
    """As written: 1500 iterations of `weights += d_weights`, i.e. gradient descent with lr = 1."""
    x, y = xor_example()
    params = param_tensors(init_params(x.shape[1], seed))
    losses = gradient_descent(lambda p: forward(p, x, y), params, iterations, 1.0, on_step)
    output = predict(params, x)
    metrics = {"max |output − y|": float(np.max(np.abs(output - y))),
               "accuracy": accuracy((output > 0.5).astype(np.float64), y)}
    return TrainResult("002", losses, params, metrics, {"iterations": iterations, "lr": 1.0, "hidden": HIDDEN_UNITS})
