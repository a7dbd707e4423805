"""The vanishing-gradient comparison: write-up 001's deep all-sigmoid network against the same
network with ReLU hidden layers, each with two initialisations.

The network is 001's: columns are examples, Z[l] = W[l] A[l-1] + b[l], a sigmoid output and
binary cross-entropy. Initialisations:
  "he"       W[l] = randn(n[l], n[l-1]) · √(2 / n[l-1]), b = 0 (He et al. 2015): a ReLU layer keeps
             the signal's variance, so ReLU keeps the gradient norm roughly constant through the
             layers and what is left is the sigmoid's own effect: σ' ≤ 1/4 at every layer;
  "pytorch"  nn.Linear's default, W and b ~ U(±1/√n[l-1]): Var W = 1/(3 n[l-1]), six times less
             than He's, so every ReLU layer shrinks the signal and the gradient by ~√6 and ReLU's
             gradient fades towards the input too (less than the sigmoid's).
001 itself uses randn · 0.01, with which every hidden layer shrinks the signal ~100× and the
first layer's gradient vanishes to ~1e-20 for ReLU as well.
"""
from __future__ import annotations

import numpy as np

from .. import functional as F
from ..grad_mode import no_grad
from ..tensor import Tensor
from .flow import GradientFlowRecorder, curves_table, plot_gradient_flow

INITS = ("he", "pytorch")


def build_deep_network(activation: str = "sigmoid", layers: int = 10, width: int = 16,
                       n_in: int = 4, examples: int = 64, seed: int = 0, dtype=np.float64, init: str = "he"):
    """(params {W1, b1, …}, forward() → loss): 001's L-layer network with the given hidden
    activation ('sigmoid' or 'relu'), a sigmoid output, and init 'he' or 'pytorch'."""
    if activation not in ("sigmoid", "relu"):
        raise ValueError(f"build_deep_network: activation must be 'sigmoid' or 'relu', not {activation!r}")
    if init not in INITS:
        raise ValueError(f"build_deep_network: init must be 'he' or 'pytorch', not {init!r}")
    rng = np.random.default_rng(seed)
    X = Tensor(rng.standard_normal((n_in, examples)).astype(dtype), name="X")
    Y = Tensor((X.data[0] * X.data[1] > 0).astype(dtype)[None, :], name="Y")
    dims = [n_in] + [width] * (layers - 1) + [1]
    params = {}
    for l in range(1, layers + 1):
        if init == "he":
            W = rng.standard_normal((dims[l], dims[l - 1])) * np.sqrt(2.0 / dims[l - 1])
            b = np.zeros((dims[l], 1))
        else:
            bound = 1 / np.sqrt(dims[l - 1])
            W = rng.uniform(-bound, bound, (dims[l], dims[l - 1]))
            b = rng.uniform(-bound, bound, (dims[l], 1))
        params[f"W{l}"] = Tensor(W.astype(dtype), requires_grad=True, name=f"W{l}")
        params[f"b{l}"] = Tensor(b.astype(dtype), requires_grad=True, name=f"b{l}")

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


PYTORCH = ", PyTorch init"   # the recorders' key suffix of the networks with nn.Linear's default init


class VanishingComparison:
    """Gradient-flow recorders of the sigmoid and the ReLU network, trained side by side: keys
    'sigmoid', 'relu' (He init) and 'sigmoid, PyTorch init', 'relu, PyTorch init'."""

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
        ratios = "\n".join(f"{name}: layer1/layer{self.layers} = {self.first_last_ratio(name):.1e}"
                            for name in self.recorders)
        return curves_table(curves) + "\n" + ratios

    def plot(self, path=None):
        curves, styles = {}, {}
        for name in self.recorders:
            init = "U(±1/√fan_in), PyTorch's default" if name.endswith(PYTORCH) else "He: randn·√(2/fan_in)"
            label = (f"{name.removesuffix(PYTORCH)}, {init}   "
                     f"(layer 1 / layer {self.layers} = {self.first_last_ratio(name):.0e})")
            curves[label] = self.weight_norms(name)
            styles[label] = {"color": "tab:red" if name.startswith("sigmoid") else "tab:blue",
                             "ls": "--" if name.endswith(PYTORCH) else "-"}
        return plot_gradient_flow(
            curves, path, title=f"{self.layers}-layer network of write-up 001 at initialisation: gradient norm "
                                "per layer,\nsigmoid vs ReLU hidden layers, He vs PyTorch's default initialisation",
            xlabel="layer (1 = next to the input)", styles=styles)


def vanishing_gradient_comparison(layers: int = 10, width: int = 16, steps: int = 5,
                                  lr: float = 0.1, seed: int = 0) -> VanishingComparison:
    """Train 001's deep network with sigmoid and with ReLU hidden layers for a few SGD steps,
    recording each layer's gradient norm; step 0 is the network at initialisation."""
    recorders = {}
    for init, activation in ((i, a) for i in INITS for a in ("sigmoid", "relu")):
        params, forward = build_deep_network(activation, layers=layers, width=width, seed=seed, init=init)
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
        recorders[activation + (PYTORCH if init == "pytorch" else "")] = recorder
    return VanishingComparison(recorders, layers)
