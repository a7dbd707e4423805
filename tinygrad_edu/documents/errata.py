"""The write-ups' errata, each shown by running code: their code as written (`as_written/`) or
their statements transcribed literally, against autograd. `collect()` runs every check and
returns the evidence as text; `python -m tinygrad_edu.documents.errata` prints the table."""
from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np

from .. import functional as F
from ..data import planar_flower, xor_example
from ..recipes.metrics import accuracy
from ..tensor import Tensor
from . import l_layer_sigmoid, sum_of_squares, two_layer_tanh
from .compare import compare


@dataclass
class Erratum:
    writeup: str
    title: str
    evidence: str
    fix: str


CHECKS: list[Callable[[], Erratum]] = []


def erratum(check: Callable[[], Erratum]) -> Callable[[], Erratum]:
    CHECKS.append(check)
    return check


def collect() -> list[Erratum]:
    return [check() for check in CHECKS]


def as_written(name: str) -> ModuleType:
    """A FRESH copy of `as_written/<name>.py`, so one check's patches never reach another."""
    path = Path(__file__).parent / "as_written" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"as_written_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def raised(call: Callable[[], object]) -> BaseException | None:
    try:
        call()
    except Exception as error:  # the evidence is the exception itself
        return error
    return None


def _error_text(error: BaseException | None) -> str:
    return "no error" if error is None else f"{type(error).__name__}: {error}"


# ── 001 ──────────────────────────────────────────────────────────────────────────────────────

def _w001_setup(layer_dims=(30, 8, 4, 1)):
    w = as_written("seed001")
    X, Y, _, _ = l_layer_sigmoid.breast_cancer_columns()
    params = w.init_params([X.shape[0], *layer_dims[1:]])
    AL, caches = w.forward_prop(X, params)
    return w, X, Y, params, AL, caches


def fixed_one_layer_backward(w: ModuleType):
    """`one_layer_backward` with only its sigmoid call fixed (`sigmoid` returns (A, cache))."""
    def one_layer_backward(dA, cache):
        linear_cache, Z = cache
        A, _ = w.sigmoid(Z)
        dZ = dA * A * (1 - A)
        A_prev, W, b = linear_cache
        m = A_prev.shape[1]
        return np.dot(W.T, dZ), (1 / m) * np.dot(dZ, A_prev.T), (1 / m) * np.sum(dZ, axis=1, keepdims=True)
    return one_layer_backward


@erratum
def cost_log_undefined() -> Erratum:
    w, X, Y, params, AL, caches = _w001_setup()
    error = raised(lambda: w.cost_function(AL, Y))
    return Erratum("001", "`cost_function` calls `log`, which is never defined (only `np.log` is)",
                   f"`cost_function(AL, Y)` raises {_error_text(error)}", "`np.log(1-A)`")


@erratum
def cost_is_a_matrix() -> Erratum:
    w, X, Y, params, AL, caches = _w001_setup()
    w.log = np.log
    cost = w.cost_function(AL, Y)
    return Erratum("001", "`cost_function` returns a (1, 1) array, not a number, so `cost_history` "
                   "is a list of matrices",
                   f"with `log` fixed, `cost_function(AL, Y)` returns {type(cost).__name__} of shape "
                   f"{cost.shape}: {cost!r}", "`return float(np.squeeze(cost))`")


@erratum
def sigmoid_tuple_in_backward() -> Erratum:
    w, X, Y, params, AL, caches = _w001_setup()
    dA = np.ones_like(AL)
    Z = caches[-1][1]
    silent_shape = np.shape(dA * w.sigmoid(Z))
    error = raised(lambda: w.one_layer_backward(dA, caches[-1]))
    return Erratum("001", "`sigmoid` returns the tuple (A, cache) and `one_layer_backward` multiplies "
                   "it: `dA*sigmoid(Z)*(1-sigmoid(Z))`",
                   f"`dA*sigmoid(Z)` silently broadcasts to shape {silent_shape} (A and Z stacked), then "
                   f"`1-sigmoid(Z)` raises {_error_text(error)}",
                   "`A, _ = sigmoid(Z)`; `dZ = dA*A*(1-A)`")


@erratum
def backprop_files_last_layer_under_L_minus_1() -> Erratum:
    w, X, Y, params, AL, caches = _w001_setup()
    w.one_layer_backward = fixed_one_layer_backward(w)
    first = w.one_layer_backward(-(Y / AL - (1 - Y) / (1 - AL)), caches[-1])
    grads = w.backprop(AL, Y, caches)
    right = l_layer_sigmoid.hand_backward(X, Y, params)
    L = len(caches)
    return Erratum("001", "`backprop` stores the output layer's dW, db under index L−1, where the loop "
                   "then overwrites them with layer L−1's: the output layer gets no gradient",
                   f"L = {L}: the first statement files the output layer's dW (shape {first[1].shape}, "
                   f"max |it − correct dW{L}| = {np.max(np.abs(first[1] - right[f'dW{L}'])):.1e}) as "
                   f"grads['dW{L - 1}'], whose layer has W{L - 1} of shape {params[f'W{L - 1}'].shape}; "
                   f"the loop then overwrites it (final grads['dW{L - 1}'] shape {grads[f'dW{L - 1}'].shape}); "
                   f"keys at the end: {sorted(k for k in grads if k.startswith('dW'))} — no 'dW{L}'",
                   "`grads['dA'+str(L-1)], grads['dW'+str(L)], grads['db'+str(L)] = …`")


@erratum
def update_reads_wrong_keys() -> Erratum:
    w, X, Y, params, AL, caches = _w001_setup()
    w.log = np.log
    w.one_layer_backward = fixed_one_layer_backward(w)
    error = raised(lambda: w.train(X, Y, [X.shape[0], 8, 4, 1], 1, 0.1))
    renamed = as_written("seed001")
    renamed.log = np.log
    renamed.one_layer_backward = fixed_one_layer_backward(renamed)
    grads = renamed.backprop(AL, Y, caches)
    renamed_error = raised(lambda: {l: grads['dW' + str(l)] for l in range(1, len(params) // 2 + 1)})
    return Erratum("001", "`update_parameters` reads grads['W…'], grads['b…'] where `backprop` stored "
                   "grads['dW…'], grads['db…']",
                   f"`train` (with `log` and `sigmoid` fixed) raises {_error_text(error)}; with the keys "
                   f"renamed it still raises {_error_text(renamed_error)} (the `backprop` erratum above)",
                   "`grads['dW'+str(l+1)]`, `grads['db'+str(l+1)]`")


@erratum
def dZ_is_not_the_costs_derivative() -> Erratum:
    net = l_layer_sigmoid.build()
    net.loss.backward()
    hand = l_layer_sigmoid.formulas(net)
    L = len(net.params) // 2
    ratio = hand[f"dZ{L}"] / net.tensor(f"Z{L}").grad.data
    return Erratum("001", "the text calls dZ \"the derivative of the cost function with respect to the "
                   "linear output\" (and dA_prev likewise), but dAL = −(Y/AL − (1−Y)/(1−AL)) has no 1/m: "
                   "dA and dZ are derivatives of m·cost, the SUM of the losses; only dW, db are the cost's",
                   f"dZ{L} / Z{L}.grad ranges over [{ratio.min():.6g}, {ratio.max():.6g}]; m = "
                   f"{net.tensor('X').shape[1]}",
                   "say so (as the course does), or put 1/m in dAL and drop it from dW, db")


@erratum
def init_reseeds_global_generator() -> Erratum:
    w = as_written("seed001")
    np.random.seed(12345)
    w.init_params([2, 3, 1])
    after_first = np.random.rand()
    w.init_params([2, 3, 1])
    after_second = np.random.rand()
    return Erratum("001", "`init_params` calls `np.random.seed(3)` inside: every call resets numpy's "
                   "global generator, so every later random draw in the program repeats",
                   f"np.random.rand() right after two separate `init_params` calls gives {after_first:.6f} "
                   f"and {after_second:.6f}", "take a seed or `np.random.Generator` argument")


@erratum
def dAL_divides_by_saturated_output() -> Erratum:
    AL = 1 / (1 + np.exp(-np.array([[40.0, 40.0]])))
    Y = np.array([[1.0, 0.0]])
    with np.errstate(divide="ignore", invalid="ignore"):
        dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    return Erratum("001", "dAL = −(Y/AL − (1−Y)/(1−AL)) divides by AL and 1−AL, which round to 1 and 0 "
                   "when the output saturates",
                   f"AL = σ([40, 40]) = {AL.ravel().tolist()}, Y = [1, 0]: dAL = {dAL.ravel().tolist()} "
                   f"(0/0 and 1/0), so the gradients become NaN and inf; the combined dZL = AL − Y = "
                   f"{(AL - Y).ravel().tolist()} is fine",
                   "start backprop from dZL = AL − Y (sigmoid and cross-entropy together)")


@erratum
def all_sigmoid_vanishes() -> Erratum:
    X, Y, _, _ = l_layer_sigmoid.breast_cancer_columns()
    dims = (X.shape[0], 20, 7, 5, 1)
    params = l_layer_sigmoid.init_params(dims)
    grads = l_layer_sigmoid.hand_backward(X, Y, params)
    norms = ", ".join(f"|dW{l}| = {np.linalg.norm(grads[f'dW{l}']):.1e}" for l in range(1, len(dims)))
    for _ in range(1000):
        grads = l_layer_sigmoid.hand_backward(X, Y, params)
        params = {k: v - 1.0 * grads["d" + k] for k, v in params.items()}
    A = X
    for l in range(1, len(dims)):
        A = l_layer_sigmoid.sigmoid(params[f"W{l}"] @ A + params[f"b{l}"])
    train_accuracy = accuracy(A > 0.5, Y)
    return Erratum("001", "(design) sigmoid on every layer with W = randn·0.01: the gradient shrinks "
                   "≥ 4× per layer (σ' ≤ 1/4) and by |W| ≈ 0.01·√n, so deep layers barely learn",
                   f"breast-cancer, layer_dims {list(dims)}, at the initial weights {norms}; after 1000 "
                   f"steps at lr 1 the training accuracy is {train_accuracy:.3f} (the majority class is "
                   f"{max(np.mean(Y), 1 - np.mean(Y)):.3f})",
                   "tanh/ReLU hidden layers and Xavier/He initialisation (or fewer layers: we use [30, 8, 4, 1])")


# ── 000 ──────────────────────────────────────────────────────────────────────────────────────

@erratum
def neuron_sigmoid_of_x() -> Erratum:
    w = as_written("seed000")
    x = np.array([[1.0], [2.0]])
    a1 = w.neuron(x, np.array([[0.5, -0.5]]), 0.0)
    a2 = w.neuron(x, np.array([[9.0, 9.0]]), 5.0)
    return Erratum("000", "§3 \"a = sigmoid(x)\": the activation is σ(z), not σ(x)",
                   f"transcribed literally, the neuron's output ignores w and b: w = [0.5, −0.5], b = 0 "
                   f"and w = [9, 9], b = 5 both give {a1.ravel().round(4).tolist()} vs "
                   f"{a2.ravel().round(4).tolist()} (and a has x's shape, 2 values for one neuron)",
                   "a = σ(z)")


@erratum
def z_without_x() -> Erratum:
    w = as_written("seed000")
    X, _ = planar_flower()
    W, b = np.ones((2, 4)), np.zeros((4, 1))
    Z = w.layer_Z(W, X, b)
    return Erratum("000", "§4 \"z = w.T + b\": the input is missing",
                   f"with Wᵀ (4, 2), b (4, 1) and X (2, 400) it gives Z of shape {Z.shape} instead of "
                   f"(4, 400), and X plays no part", "Z = Wᵀ X + b (the course: Z = W X + b with W (n_h, n_x))")


@erratum
def star_is_not_a_matrix_product() -> Erratum:
    w = as_written("seed000")
    X, _ = planar_flower()
    error = raised(lambda: w.layer_Z_product(np.ones((2, 4)), X))
    return Erratum("000", "§4 \"Z = W.T * X\" with \"(k, nx) * (nx, m) = (k, m)\": in numpy `*` is "
                   "elementwise", f"`W.T * X` raises {_error_text(error)}", "`np.dot(W.T, X)` or `W.T @ X`")


@erratum
def weight_shape_statements() -> Erratum:
    X, Y = planar_flower()
    W = np.random.RandomState(0).randn(2, 4) * 0.01     # the text's W: Wᵀ is (k, nx) = (4, 2)
    A1 = np.tanh(W.T @ X)
    dZ1 = np.ones((4, 1)) @ np.ones((1, X.shape[1])) * (1 - A1 ** 2)   # any (k, m) dZ1
    dW1 = 1 / X.shape[1] * dZ1 @ X.T
    error = raised(lambda: W - 1.2 * dW1)
    return Erratum("000", "§4's shapes: \"W = [w1 w2 … wm]\" stacks m (the number of SAMPLES) columns, "
                   "and with \"Wᵀ is (k, nx)\" W is (nx, k) — but the gradient formula dW1 = 1/m dZ1 Xᵀ "
                   "has shape (k, nx), the course's W1 (n_h, n_x) used as Z = W X + b",
                   f"with the text's W (2, 4), dW1 = 1/m dZ1 Xᵀ has shape {dW1.shape}; the update "
                   f"W − α·dW1 raises {_error_text(error)}",
                   "W = [w1ᵀ; …; wkᵀ] of shape (k, nx), one ROW per neuron; Z = W X + b")


@erratum
def hidden_sigmoid_vs_tanh_formula() -> Erratum:
    X, Y = planar_flower()
    p = two_layer_tanh.init_params(2, seed=0)
    p = {k: v * 100 for k, v in p.items()}               # away from 0, where σ and tanh look alike
    W1, b1, W2, b2 = (Tensor(p[k], dtype=np.float64, requires_grad=True) for k in ("W1", "b1", "W2", "b2"))
    A1 = (W1 @ Tensor(X, dtype=np.float64) + b1).sigmoid()           # the text: a sigmoid hidden layer
    F.binary_cross_entropy((W2 @ A1 + b2).sigmoid(), Tensor(Y, dtype=np.float64)).backward()
    A1v = 1 / (1 + np.exp(-(p["W1"] @ X + p["b1"])))
    dZ2 = 1 / (1 + np.exp(-(p["W2"] @ A1v + p["b2"]))) - Y
    dW1 = 1 / X.shape[1] * (p["W2"].T @ dZ2 * (1 - A1v ** 2)) @ X.T      # the formula's (1 − A1²)
    rel = np.max(np.abs(dW1 - W1.grad.data)) / np.max(np.abs(W1.grad.data))
    return Erratum("000", "§3 says the hidden layer applies a sigmoid (\"A = sigmoid(Z)\" for every layer); "
                   "the backward formula dZ1 = W2ᵀdZ2 ∘ (1 − A1²) is tanh's",
                   f"with a sigmoid hidden layer, the formula's dW1 differs from autograd's by a relative "
                   f"error of {rel:.2f} (with tanh, as the course: {_row(compare('000'), 'dW1'):.1e})",
                   "tanh hidden layer (the course's), or dZ1 = W2ᵀdZ2 ∘ A1(1 − A1) for a sigmoid one")


def _row(rows, formula: str) -> float:
    return next(r.max_rel_err for r in rows if r.formula == formula)


# ── 002 ──────────────────────────────────────────────────────────────────────────────────────

@erratum
def negative_gradient() -> Erratum:
    rows = compare("002")
    return Erratum("002", "`backprop`'s d_weights are the NEGATIVE gradients −∂L/∂W (the text calls "
                   "them \"the derivative of the loss function\"); `weights += d_weights` is descent "
                   "with a hidden learning rate of 1",
                   f"d_weights2 vs −weights2.grad: max rel err {_row(rows, 'd_weights2'):.1e}; "
                   f"d_weights1 vs −weights1.grad: {_row(rows, 'd_weights1'):.1e}",
                   "`grad = −2(y − ŷ)…` and `weights -= lr * grad`")


def _seed002_max_error(x, y, iterations: int) -> float:
    """Train 002's code as written (numpy seeded with 0) and return max |output − y|."""
    np.random.seed(0)
    net = as_written("seed002").train(x, y, iterations)
    net.feedforward()
    return float(np.max(np.abs(net.output - y)))


@erratum
def no_learning_rate() -> Erratum:
    x, y = xor_example()
    x50, y50 = np.tile(x, (50, 1)), np.tile(y, (50, 1))
    errors = [_seed002_max_error(x, y, 1500), _seed002_max_error(x50, y50, 1500)]
    return Erratum("002", "no learning rate (1 implicitly) with a SUM-of-squares loss: the step grows "
                   "with the number of samples",
                   f"the code as written, 1500 iterations, seed 0: max |output − y| = {errors[0]:.3f} on "
                   f"the 4 rows, {errors[1]:.3f} on the same 4 rows repeated 50 times",
                   "a learning rate, and the MEAN squared error")


@erratum
def sigmoid_derivative_takes_output() -> Erratum:
    x, y = xor_example()
    p = sum_of_squares.init_params(3, seed=0)
    layer1 = 1 / (1 + np.exp(-(x @ p["weights1"])))
    output = 1 / (1 + np.exp(-(layer1 @ p["weights2"])))

    def textbook_derivative(z):                              # σ'(z) = σ(z)(1 − σ(z)) of a PRE-activation
        s = 1 / (1 + np.exp(-z))
        return s * (1 - s)
    d_weights2 = np.dot(layer1.T, 2 * (y - output) * textbook_derivative(output))
    right = sum_of_squares.hand_backward(x, y, **p)["d_weights2"]
    rel = np.max(np.abs(d_weights2 - right)) / np.max(np.abs(right))
    return Erratum("002", "`sigmoid` and `sigmoid_derivative` are never shown; `sigmoid_derivative` must "
                   "take the sigmoid's OUTPUT (x·(1 − x)), since it is called on `self.output`",
                   f"with the textbook σ'(z) = σ(z)(1 − σ(z)) in its place, d_weights2 is off by a "
                   f"relative {rel:.2f}", "define `sigmoid_derivative(a) = a * (1 - a)` and say a = σ(z)")


@erratum
def loss_never_computed() -> Erratum:
    net = as_written("seed002").NeuralNetwork(*xor_example())
    members = sorted(k for k in dir(net) if not k.startswith("_"))
    return Erratum("002", "the sum-of-squares loss is only a picture: the code never computes it, so the "
                   "\"loss per iteration\" graph cannot come from it; the 4×3 data is a picture too",
                   f"`NeuralNetwork` has only {members}",
                   "`loss = np.sum((y - output) ** 2)` (here: F.mse_loss(output, y, reduction='sum'))")


@erratum
def residual_is_not_regularisation() -> Erratum:
    x, y = xor_example()
    errors = [_seed002_max_error(x, y, iterations) for iterations in (1500, 15000)]
    return Erratum("002", "\"a slight difference between the predictions and the actual values … is "
                   "desirable, as it prevents overfitting\": nothing here prevents overfitting; the "
                   "residual only means training stopped early",
                   f"the code as written, seed 0: max |output − y| = {errors[0]:.4f} after 1500 "
                   f"iterations, {errors[1]:.4f} after 15,000: it keeps shrinking",
                   "regularise, or stop early on held-out data")


def markdown_table(errata: list[Erratum]) -> str:
    lines = ["| write-up | erratum | evidence (computed by `tinygrad_edu.documents.errata`) | fix |",
             "|---|---|---|---|"]
    for e in errata:
        cells = (e.writeup, e.title, e.evidence, e.fix)
        lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table(collect()))
