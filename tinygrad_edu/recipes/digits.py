"""The digits MLP: a 64-64-10 ReLU network trained with softmax cross-entropy and Adam on
scikit-learn's 8×8 handwritten digits (the demo's fourth network).

`train_digits_mlp(epochs, seed, progress=False)` returns
`dict(test_accuracy, train_accuracy, losses, seconds, model)`.
"""
from __future__ import annotations

import time

import numpy as np

from .. import _random, nn, optim
from .. import functional as F
from ..data import batches, load_split
from ..grad_mode import no_grad
from ..tensor import Tensor
from .metrics import accuracy
from .progress import Progress


def digits_mlp(hidden: int = 64) -> nn.Module:
    return nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))


def predict(model: nn.Module, X: np.ndarray) -> np.ndarray:
    """The class with the largest logit, for each row of X."""
    with no_grad():
        return model(Tensor(X)).data.argmax(axis=1)


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
    with Progress(epochs, "digits MLP", progress, unit="epoch") as bar:
        for epoch in range(epochs):
            epoch_losses = []
            for xb, yb in batches(X_train, y_train, batch_size, shuffle=True):
                optimizer.zero_grad()
                loss = F.cross_entropy(model(Tensor(xb)), yb)
                loss.backward()
                optimizer.step()
                epoch_losses.append(loss.item())
            losses.append(float(np.mean(epoch_losses)))
            bar.step(epoch, losses[-1])
    seconds = time.perf_counter() - start
    return {"test_accuracy": accuracy(predict(model, X_test), y_test),
            "train_accuracy": accuracy(predict(model, X_train), y_train),
            "losses": losses, "seconds": seconds, "model": model}
