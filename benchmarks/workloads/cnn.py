"""A small CNN on MNIST-sized images: 1×28×28, batch 64, float32.
conv 3×3 (1→8, padding 1) → ReLU → 2×2 max-pool → conv 3×3 (8→16, padding 1) → ReLU → 2×2
max-pool → Linear 784→10 → softmax cross-entropy (mean) → one SGD step. PyTorch's layouts and
initialisation (weights and biases uniform in ±1/√fan_in).

The numpy step is written by hand as well as we could: im2col with one matmul per convolution,
with the activations kept in channels-first, batch-last memory (C, H, W, N) all the way (the
patch matrix is then a contiguous copy and the matmul's result is the next layer's layout; the
flattened features (C·H·W, N) of the last pool are a free reshape), the weight gradient from
the forward's patch matrix (as (cols dZᵀ)ᵀ, 1.4× faster than dZ colsᵀ), col2im as one
slice-add per kernel offset, 2×2 pooling as four strided slices, and the first maximum of each
window taking the gradient (as PyTorch).

Page faults: this step allocates ~16 MB of fresh arrays, and glibc's malloc hands that memory
back to the kernel after each step (its heap-trim threshold is below the step's footprint), so
every step faults it in again: on a 2-core VM about half of each step (both numpy engines) was
kernel time. Running with MALLOC_MMAP_THRESHOLD_=268435456 MALLOC_TRIM_THRESHOLD_=268435456
in the environment keeps the memory and shows the compute alone."""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, optim

from .base import COMPILED, Workload, compiled, gradient_descent_step, training_step

LR = 0.01
CHANNELS = (1, 8, 16)
K = 3


def build(tiny: bool) -> dict:
    rng = np.random.default_rng(4)
    side, batch = (8, 6) if tiny else (28, 64)
    p = {"X": rng.standard_normal((batch, 1, side, side)).astype(np.float32),
         "labels": rng.integers(0, 10, batch)}
    for i, (c_in, c_out) in enumerate(zip(CHANNELS[:-1], CHANNELS[1:]), start=1):
        bound = 1 / np.sqrt(c_in * K * K)
        p[f"W{i}"] = rng.uniform(-bound, bound, (c_out, c_in, K, K)).astype(np.float32)
        p[f"b{i}"] = rng.uniform(-bound, bound, c_out).astype(np.float32)
    features = CHANNELS[-1] * (side // 4) ** 2
    bound = 1 / np.sqrt(features)
    p["W3"] = rng.uniform(-bound, bound, (10, features)).astype(np.float32)
    p["b3"] = rng.uniform(-bound, bound, 10).astype(np.float32)
    return p


NAMES = ["W1", "b1", "W2", "b2", "W3", "b3"]


# --- numpy, by hand: every activation is (C, H, W, N) ----------------------------------------

def _conv_forward(a, w, b):
    """a (C, H, W, N), padding 1, stride 1 -> (O, H, W, N) and the patch matrix."""
    c, h, wd, n = a.shape
    padded = np.zeros((c, h + 2, wd + 2, n), dtype=a.dtype)
    padded[:, 1:-1, 1:-1] = a
    s = padded.strides
    cols = as_strided(padded, (c, K, K, h, wd, n), (s[0], s[1], s[2], s[1], s[2], s[3])).reshape(c * K * K, -1)
    z = w.reshape(w.shape[0], -1) @ cols
    z += b[:, None]
    return z.reshape(w.shape[0], h, wd, n), cols


def _conv_input_grad(dz, w):
    """col2im of Wᵀ dZ: (C, H, W, N)."""
    o, h, wd, n = dz.shape
    c = w.shape[1]
    dcols = (w.reshape(o, -1).T @ dz.reshape(o, -1)).reshape(c, K, K, h, wd, n)
    dpadded = np.zeros((c, h + 2, wd + 2, n), dtype=dz.dtype)
    for i in range(K):
        for j in range(K):
            dpadded[:, i:i + h, j:j + wd] += dcols[:, i, j]
    return dpadded[:, 1:-1, 1:-1]


OFFSETS = [(0, 0), (0, 1), (1, 0), (1, 1)]


def _pool_forward(a):
    """2×2 max-pool of (C, H, W, N), and which of the four offsets holds the first maximum."""
    corners = [a[:, i::2, j::2] for i, j in OFFSETS]
    best = np.maximum(corners[0], corners[1])
    np.maximum(best, corners[2], out=best)
    np.maximum(best, corners[3], out=best)
    winner = np.full(best.shape, 3, dtype=np.uint8)
    for k in (2, 1, 0):  # winner = the smallest k with corner k == max
        hit = np.equal(corners[k], best).view(np.uint8)
        winner -= hit * (winner - np.uint8(k))
    return best, winner


def _pool_backward(dp, winner, shape):
    da = np.empty(shape, dtype=dp.dtype)
    for k, (i, j) in enumerate(OFFSETS):
        np.multiply(dp, winner == k, out=da[:, i::2, j::2])
    return da


def numpy_step(p: dict):
    X, labels = p["X"], p["labels"]
    n = X.shape[0]
    cols_of_n = np.arange(n)
    W1, b1, W2, b2, W3, b3 = (p[k].copy() for k in NAMES)

    def step() -> float:
        x = X.transpose(1, 2, 3, 0)                       # (1, H, W, N): a view
        z1, cols1 = _conv_forward(x, W1, b1)
        a1 = np.maximum(z1, 0)
        p1, win1 = _pool_forward(a1)
        z2, cols2 = _conv_forward(p1, W2, b2)
        a2 = np.maximum(z2, 0)
        p2, win2 = _pool_forward(a2)
        features = p2.reshape(-1, n)                      # (C·H·W, N), PyTorch's flatten order
        logits = W3 @ features + b3[:, None]              # (10, N)
        shifted = logits - logits.max(axis=0, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=0)
        loss = -np.mean(shifted[labels, cols_of_n] - np.log(total))
        d_logits = e / total
        d_logits[labels, cols_of_n] -= 1
        d_logits /= n
        dW3 = d_logits @ features.T
        db3 = d_logits.sum(axis=1)
        dp2 = (W3.T @ d_logits).reshape(p2.shape)
        dz2 = _pool_backward(dp2, win2, a2.shape)
        dz2 *= z2 > 0
        dW2 = (cols2 @ dz2.reshape(dz2.shape[0], -1).T).T.reshape(W2.shape)
        db2 = dz2.sum(axis=(1, 2, 3))
        dp1 = _conv_input_grad(dz2, W2)
        dz1 = _pool_backward(dp1, win1, a1.shape)
        dz1 *= z1 > 0
        dW1 = (cols1 @ dz1.reshape(dz1.shape[0], -1).T).T.reshape(W1.shape)
        db1 = dz1.sum(axis=(1, 2, 3))
        for param, grad in ((W1, dW1), (b1, db1), (W2, dW2), (b2, db2), (W3, dW3), (b3, db3)):
            param -= LR * grad
        return float(loss)
    return step


# --- tinygrad_edu and PyTorch: the model as a user writes it -----------------------------------

def tinygrad_step(p: dict):
    X, labels = Tensor(p["X"]), p["labels"]
    W1, b1, W2, b2, W3, b3 = params = [Tensor(p[k], requires_grad=True) for k in NAMES]
    opt = optim.SGD(params, lr=LR)

    def step() -> float:
        h = F.max_pool2d(F.conv2d(X, W1, b1, padding=1).relu(), 2)
        h = F.max_pool2d(F.conv2d(h, W2, b2, padding=1).relu(), 2)
        return training_step(opt, F.cross_entropy(F.linear(h.reshape(h.shape[0], -1), W3, b3), labels))
    return step


def torch_step(p: dict):
    import torch
    import torch.nn.functional as TF
    X, labels = torch.from_numpy(p["X"]), torch.from_numpy(p["labels"])
    W1, b1, W2, b2, W3, b3 = params = [torch.tensor(p[k], requires_grad=True) for k in NAMES]
    opt = torch.optim.SGD(params, lr=LR)

    def step() -> float:
        h = TF.max_pool2d(torch.relu(TF.conv2d(X, W1, b1, padding=1)), 2)
        h = TF.max_pool2d(torch.relu(TF.conv2d(h, W2, b2, padding=1)), 2)
        return training_step(opt, TF.cross_entropy(TF.linear(h.flatten(1), W3, b3), labels))
    return step


def mygrad_step(p: dict):
    import mygrad as mg
    from mygrad.nnet import conv_nd, max_pool, relu, softmax_crossentropy
    X, labels = mg.tensor(p["X"], constant=True), p["labels"]
    W1, b1, W2, b2, W3, b3 = params = [mg.tensor(p[k]) for k in NAMES]

    def conv(h, w, b):   # MyGrad's conv_nd has no bias argument
        return conv_nd(h, w, stride=1, padding=1) + b.reshape(-1, 1, 1)

    def step() -> float:
        h = max_pool(relu(conv(X, W1, b1)), (2, 2), 2)
        h = max_pool(relu(conv(h, W2, b2)), (2, 2), 2)
        logits = h.reshape(h.shape[0], -1) @ W3.T + b3
        return gradient_descent_step(params, LR, softmax_crossentropy(logits, labels))
    return step


CNN = Workload(
    name="cnn", title="CNN conv3×3 1→8→16 + ReLU + 2×2 max-pool, Linear 784→10, CE, batch 64, SGD",
    build=build, engines={"numpy": numpy_step, "tinygrad_edu": tinygrad_step,
                           COMPILED: compiled(tinygrad_step), "torch": torch_step, "mygrad": mygrad_step},
    goal=1.3, float64=False)
