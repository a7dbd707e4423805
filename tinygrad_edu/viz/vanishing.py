"""The vanishing-gradient comparison: write-up 001's deep all-sigmoid network against the same
network with ReLU hidden layers.

The network is 001's: columns are examples, Z[l] = W[l] A[l-1] + b[l], a sigmoid output and
binary cross-entropy. Initialisation: W[l] = randn(n[l], n[l-1]) · √(2 / n[l-1]) (He), b = 0,
for BOTH networks. 001 itself uses randn · 0.01, with which every hidden layer shrinks the
signal ~100× and the first layer's gradient vanishes to ~1e-20 for ReLU as well; with He
initialisation ReLU keeps the gradient norm roughly constant through the layers, so what is
left is the sigmoid's own effect: σ' ≤ 1/4 shrinks the gradient at every layer.
"""
from __future__ import annotations

import numpy as np

from .. import functional as F
from ..grad_mode import no_grad
from ..tensor import Tensor
from .flow import GradientFlowRecorder, curves_table, plot_gradient_flow


def build_deep_network(activation: str = "sigmoid", layers: int = 10, width: int = 16,
                       n_in: int = 4, examples: int = 64, seed: int = 0, dtype=np.float64):
    """(params {W1, b1, …}, forward() → loss): 001's L-layer network with the given hidden
    activation ('sigmoid' or 'relu') and a sigmoid output."""
    if activation not in ("sigmoid", "relu"):
        raise ValueError(f"build_deep_network: activation must be 'sigmoid' or 'relu', not {activation!r}")
    rng = np.random.default_rng(seed)
    X = Tensor(rng.standard_normal((n_in, examples)).astype(dtype), name="X")
    Y = Tensor((X.data[0] * X.data[1] > 0).astype(dtype)[None, :], name="Y")
    dims = [n_in] + [width] * (layers - 1) + [1]
    params = {}
    for l in range(1, layers + 1):
        W = rng.standard_normal((dims[l], dims[l - 1])) * np.sqrt(2.0 / dims[l - 1])
        params[f"W{l}"] = Tensor(W.astype(dtype), requires_grad=True, name=f"W{l}")
        params[f"b{l}"] = Tensor(np.zeros((dims[l], 1), dtype=dtype), requires_grad=True, name=f"b{l}")

    def forward():
        A = X
        for l in range(1, layers + 1):
            Z = params[f"W{l}"] @ A + params[f"b{l}"]
            Z.name = f"Z{l}"
            A = Z.sigmoid() if (l == layers or activation == "sigmoid") else Z.relu()
            A.name = f"A{l}"
        loss = F.binary_cross_entropy(A, Y)
        loss.name = "cost"
        return loss

    return params, forward


class VanishingComparison:
    """Gradient-flow recorders of the sigmoid and the ReLU network, trained side by side."""

    def __init__(self, recorders: dict, layers: int):
        self.recorders = recorders
        self.layers = layers

    def weight_norms(self, name: str, step: int = 0) -> list:
        """‖dL/dW[l]‖ for l = 1 … L at a recorded step (0 = at initialisation)."""
        entry = self.recorders[name].history[step]
        return [entry["norms"][f"layer {l}"] for l in range(1, self.layers + 1)]

    def first_last_ratio(self, name: str, step: int = 0) -> float:
        """‖grad of layer 1‖ / ‖grad of layer L‖: tiny when gradients vanish."""
        norms = self.weight_norms(name, step)
        return norms[0] / norms[-1]

    def table(self) -> str:
        curves = {f"{name} network": self.weight_norms(name) for name in self.recorders}
        ratios = "   ".join(f"{name}: layer1/layer{self.layers} = {self.first_last_ratio(name):.1e}"
                           for name in self.recorders)
        return curves_table(curves) + "\n" + ratios

    def plot(self, path=None):
        curves = {f"{name} (layer 1 / layer {self.layers} = {self.first_last_ratio(name):.0e})":
                  self.weight_norms(name) for name in self.recorders}
        return plot_gradient_flow(
            curves, path, title=f"{self.layers}-layer network of write-up 001 at initialisation:\n"
                                "gradient norm per layer, sigmoid vs ReLU hidden layers",
            xlabel="layer (1 = next to the input)      init: W = randn · √(2 / fan_in), b = 0")


def vanishing_gradient_comparison(layers: int = 10, width: int = 16, steps: int = 5,
                                  lr: float = 0.1, seed: int = 0) -> VanishingComparison:
    """Train 001's deep network with sigmoid and with ReLU hidden layers for a few SGD steps,
    recording each layer's gradient norm; step 0 is the network at initialisation."""
    recorders = {}
    for activation in ("sigmoid", "relu"):
        params, forward = build_deep_network(activation, layers=layers, width=width, seed=seed)
        recorder = GradientFlowRecorder(params, batch_axis=1)
        for _ in range(steps):
            loss = forward()
            for p in params.values():
                p.zero_grad()
            loss.backward()
            recorder.record(loss)
            with no_grad():
                for p in params.values():
                    p -= lr * p.grad
        recorders[activation] = recorder
    return VanishingComparison(recorders, layers)
