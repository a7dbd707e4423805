"""Write-up 001, "How to build a Neural Network from scratch" (freeCodeCamp): an L-layer network
with a sigmoid on EVERY layer, samples as COLUMNS, mean binary cross-entropy.

    A0 = X;  Zl = Wl A(l−1) + bl,  Al = σ(Zl)  for l = 1 … L;   J = −1/m Σ [Y log AL + (1−Y) log(1−AL)]

Its backward (`backprop` + `one_layer_backward`), with the write-up's bugs fixed (see
`as_written/seed001.py` and README.md (Errata) for the bugs):

    dAL      = −(Y/AL − (1 − Y)/(1 − AL))
    dZl      = dAl ∘ σ(Zl)(1 − σ(Zl))
    dWl      = 1/m dZl A(l−1)ᵀ        dbl = 1/m Σ_columns dZl
    dA(l−1)  = Wlᵀ dZl

As in the course it follows, dA and dZ are derivatives of the SUM of per-sample losses (m·J):
dAl = m·Al.grad, dZl = m·Zl.grad.
"""
from __future__ import annotations

import numpy as np

from .. import data
from .. import functional as F
from ..recipes.metrics import accuracy
from ..tensor import Tensor
from .network import Network, named
from .training import TrainResult, gradient_descent

TITLE = "001 · L-layer all-sigmoid network, samples as columns, mean BCE"
SOURCE = "seeds/001_9d75eed8b5fd43e7.txt"
LAYER_DIMS = (30, 8, 4, 1)   # breast-cancer's 30 features → 8 → 4 → 1 (see README.md (Errata))
SAMPLES_FROM = "X"        # m = X.shape[1]
CHECK_BUILD = {"input_grad": True}   # the check also compares dA0 with m·X.grad
CHECK_NOTE = ("dA, dZ are derivatives of the SUM of the per-sample losses (m·J), so they are compared with "
              "m·.grad; dA0 is the gradient w.r.t. the input X")


def breast_cancer_columns(seed: int = 0, test_fraction: float = 0.25):
    """The data 001 trains on: breast-cancer (569 × 30, binary), standardised with the training
    split's statistics, as float64 with samples as COLUMNS (the write-up's layout): X_train,
    Y_train, X_test, Y_test. Without scikit-learn (which ships the file) the flower set instead."""
    try:
        X_train, X_test, y_train, y_test = data.load_split("breast_cancer", test_fraction, seed)
    except ImportError:
        X, Y = data.planar_flower()
        X_test, Y_test = data.planar_flower(seed=2)
        return X, Y, X_test, Y_test
    return tuple(np.asarray(a, dtype=np.float64).T
                 for a in (X_train, y_train.reshape(-1, 1), X_test, y_test.reshape(-1, 1)))


def init_params(layer_dims, seed: int = 3) -> dict[str, np.ndarray]:
    """The write-up's `init_params`: W = randn·0.01, b = 0, seeded with 3 as written (but with a
    private generator rather than reseeding numpy's global one)."""
    rng = np.random.RandomState(seed)
    params = {}
    for l in range(1, len(layer_dims)):
        params[f"W{l}"] = rng.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        params[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return params


def forward(params: dict[str, Tensor], X: np.ndarray, Y: np.ndarray, input_grad: bool = False) -> Network:
    dtype = params["W1"].dtype
    L = len(params) // 2
    A = named(Tensor(X, dtype=dtype, requires_grad=input_grad), "X")
    intermediates = {"X": A}
    for l in range(1, L + 1):
        Z = named(params[f"W{l}"] @ A + params[f"b{l}"], f"Z{l}")
        A = named(Z.sigmoid(), f"A{l}")
        intermediates[f"Z{l}"], intermediates[f"A{l}"] = Z, A
    Y = named(Tensor(Y, dtype=dtype), "Y")
    intermediates["Y"] = Y
    return Network(named(F.binary_cross_entropy(A, Y), "J"), params, intermediates)


def param_tensors(arrays: dict[str, np.ndarray], dtype=np.float64) -> dict[str, Tensor]:
    return {k: Tensor(v, dtype=dtype, requires_grad=True, name=k) for k, v in arrays.items()}


def build(dtype=np.float64, seed: int = 3, layer_dims=LAYER_DIMS, input_grad: bool = False) -> Network:
    """One forward pass on the breast-cancer training split at the write-up's initial weights
    (`seed=3` is the write-up's `np.random.seed(3)`); `input_grad` also differentiates w.r.t. X
    so dA0 can be compared."""
    X, Y, _, _ = breast_cancer_columns()
    dims = (X.shape[0],) + tuple(layer_dims[1:])
    return forward(param_tensors(init_params(dims, seed), dtype), X, Y, input_grad)


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def one_layer_backward(dA, A_prev, W, Z):
    """`one_layer_backward`, corrected: sigmoid returns A alone (the write-up's returns (A, cache))."""
    m = A_prev.shape[1]
    dZ = dA * sigmoid(Z) * (1 - sigmoid(Z))
    dW = (1 / m) * np.dot(dZ, A_prev.T)
    db = (1 / m) * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = W.T @ dZ
    return dA_prev, dZ, dW, db


def hand_backward(X, Y, params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """`backprop`, corrected: layer l's gradients are stored under l (the write-up stores the last
    layer's under L−1, where the loop overwrites them) and named dW…, db… throughout."""
    L = len(params) // 2
    A, As, Zs = X, [X], [None]
    for l in range(1, L + 1):
        Z = params[f"W{l}"] @ A + params[f"b{l}"]
        A = sigmoid(Z)
        Zs.append(Z)
        As.append(A)
    AL = As[L]
    grads = {f"dA{L}": -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))}
    for l in reversed(range(1, L + 1)):
        dA_prev, dZ, dW, db = one_layer_backward(grads[f"dA{l}"], As[l - 1], params[f"W{l}"], Zs[l])
        grads[f"dZ{l}"], grads[f"dW{l}"], grads[f"db{l}"], grads[f"dA{l - 1}"] = dZ, dW, db, dA_prev
    return grads


def comparisons(net: Network) -> list[tuple[str, str, object]]:
    """(formula, tensor whose gradient it is, the convention's factor on that gradient),
    output layer first."""
    L = len(net.params) // 2
    rows = [(f"dA{L}", f"A{L}", "m")]
    for l in reversed(range(1, L + 1)):
        rows += [(f"dZ{l}", f"Z{l}", "m"), (f"dW{l}", f"W{l}", 1), (f"db{l}", f"b{l}", 1)]
        previous = f"A{l - 1}" if l > 1 else "X"
        if net.tensor(previous).requires_grad:
            rows.append((f"dA{l - 1}", previous, "m"))
    return rows


def formulas(net: Network) -> dict[str, np.ndarray]:
    params = {k: v.data for k, v in net.params.items()}
    return hand_backward(net.tensor("X").data, net.tensor("Y").data, params)


def predict(params: dict[str, Tensor], X: np.ndarray) -> np.ndarray:
    A = X
    for l in range(1, len(params) // 2 + 1):
        A = sigmoid(params[f"W{l}"].data @ A + params[f"b{l}"].data)
    return (A > 0.5).astype(np.float64)


def train(iterations: int = 1000, lr: float = 1.0, layer_dims=LAYER_DIMS, seed: int = 3, on_step=None) -> TrainResult:
    """Full-batch gradient descent on breast-cancer (427 train / 142 test, standardised). The
    write-up gives no data, layer sizes or learning rate; these are ours (README.md (Errata))."""
    X, Y, X_test, Y_test = breast_cancer_columns()
    dims = (X.shape[0],) + tuple(layer_dims[1:])
    params = param_tensors(init_params(dims, seed))
    losses = gradient_descent(lambda p: forward(p, X, Y), params, iterations, lr, on_step)
    metrics = {"train accuracy": accuracy(predict(params, X), Y),
               "test accuracy": accuracy(predict(params, X_test), Y_test)}
    return TrainResult("001", losses, params, metrics, {"iterations": iterations, "lr": lr, "layer_dims": dims})
