"""Training recipes that the demo, the examples and the tests share.

`train_digits_mlp(epochs, seed, progress=False)` trains a 64-64-10 ReLU MLP with softmax
cross-entropy and Adam on scikit-learn's digits and returns
`dict(test_accuracy, train_accuracy, losses, seconds, model)`.
"""
from __future__ import annotations

import time

import numpy as np

from . import _random
from . import functional as F
from . import nn, optim
from .data import batches, load_split
from .grad_mode import no_grad
from .tensor import Tensor


def progress_bar(iterable, enabled: bool, **kwargs):
    """tqdm's bar when asked for and installed; the plain iterable otherwise."""
    if not enabled:
        return iterable
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return iterable
    return tqdm(iterable, **kwargs)


def digits_mlp(hidden: int = 64) -> nn.Module:
    return nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))


def accuracy(model: nn.Module, X: np.ndarray, y: np.ndarray) -> float:
    with no_grad():
        logits = model(Tensor(X)).data
    return float(np.mean(logits.argmax(axis=1) == y))


def train_digits_mlp(epochs: int = 15, seed: int = 0, progress: bool = False, hidden: int = 64,
                     lr: float = 3e-3, batch_size: int = 32) -> dict:
    """Train an MLP (64 → hidden → 10, ReLU) on the digits with Adam and softmax cross-entropy.

    Returns dict(test_accuracy, train_accuracy, losses (mean training loss per epoch), seconds
    (training time), model). The same seed gives the same split, initial weights and batches.
    """
    X_train, X_test, y_train, y_test = load_split("digits", test_fraction=0.25, seed=seed)
    _random.manual_seed(seed)
    model = digits_mlp(hidden)
    optimizer = optim.Adam(model.parameters(), lr=lr)
    losses = []
    start = time.perf_counter()
    epochs_iter = progress_bar(range(epochs), progress, desc="digits MLP", unit="epoch")
    for _ in epochs_iter:
        epoch_losses = []
        for xb, yb in batches(X_train, y_train, batch_size, shuffle=True):
            optimizer.zero_grad()
            loss = F.cross_entropy(model(Tensor(xb)), yb)
            loss.backward()
            optimizer.step()
            epoch_losses.append(loss.item())
        losses.append(float(np.mean(epoch_losses)))
        if hasattr(epochs_iter, "set_postfix"):
            epochs_iter.set_postfix(loss=f"{losses[-1]:.4f}")
    seconds = time.perf_counter() - start
    return dict(test_accuracy=accuracy(model, X_test, y_test),
                train_accuracy=accuracy(model, X_train, y_train),
                losses=losses, seconds=seconds, model=model)
