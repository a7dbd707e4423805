"""A small convolutional network on handwritten digits: conv → batch norm → ReLU → max-pool,
twice, then dropout and a linear layer, trained with Adam and softmax cross-entropy.

    python examples/digits_cnn.py                      # scikit-learn's 8×8 digits, ~98-99% in seconds
    python examples/digits_cnn.py --epochs 5 --mnist train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz \\
        [t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz]   # MNIST's IDX files, from your own paths
    python examples/digits_cnn.py --graph cnn.svg      # also draw one step's backprop graph

Every layer is an op (or a few) in the graph with its own local derivative; the whole conv layer
is one node, so the graph of this network stays readable.
"""
from __future__ import annotations

import argparse
import time

import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, nn, optim, viz
from tinygrad_edu.data import batches, load_mnist_idx, load_split
from tinygrad_edu.recipes.progress import Progress
from tinygrad_edu.recipes.threads import one_blas_thread


class DigitsCNN(nn.Module):
    def __init__(self, side: int, classes: int = 10):
        self.conv1 = nn.Conv2d(1, 16, kernel_size=3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1)
        self.bn2 = nn.BatchNorm2d(32)
        self.pool = nn.MaxPool2d(2)
        self.dropout = nn.Dropout(0.25)
        self.fc = nn.Linear(32 * (side // 4) ** 2, classes)

    def forward(self, x):
        x = self.pool(self.bn1(self.conv1(x)).relu())      # (N, 16, side/2, side/2)
        x = self.pool(self.bn2(self.conv2(x)).relu())      # (N, 32, side/4, side/4)
        return self.fc(self.dropout(x.flatten(1)))


def digits_images(seed: int):
    """scikit-learn's 8×8 digits as (N, 1, 8, 8) images, standardised per pixel on the training set."""
    X_train, X_test, y_train, y_test = load_split("digits", test_fraction=0.25, seed=seed)
    return X_train.reshape(-1, 1, 8, 8), X_test.reshape(-1, 1, 8, 8), y_train, y_test


def mnist_images(paths, limit: int | None):
    X, y = load_mnist_idx(paths[0], paths[1], flatten=False)
    if len(paths) == 4:
        X_test, y_test = load_mnist_idx(paths[2], paths[3], flatten=False)
    else:  # no test files: hold out the last sixth
        cut = len(X) * 5 // 6
        X, X_test, y, y_test = X[:cut], X[cut:], y[:cut], y[cut:]
    if limit:
        X, y = X[:limit], y[:limit]
    mean, std = X.mean(), X.std()
    return ((X - mean) / std)[:, None], ((X_test - mean) / std)[:, None], y, y_test


def evaluate(model, X, y, batch_size: int = 512) -> float:
    model.eval()
    with tg.no_grad():
        predictions = np.concatenate([model(Tensor(X[i:i + batch_size])).data.argmax(axis=1)
                                      for i in range(0, len(X), batch_size)])
    model.train()
    return float(np.mean(predictions == y))


def train(data, epochs: int = 12, batch_size: int = 64, lr: float = 3e-3, seed: int = 0,
          progress: bool = True) -> dict:
    X_train, X_test, y_train, y_test = data
    tg.manual_seed(seed)
    model = DigitsCNN(side=X_train.shape[-1])
    opt = optim.Adam(model.parameters(), lr=lr)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    start = time.perf_counter()
    steps = epochs * (len(X_train) // batch_size)
    with Progress(steps, "digits CNN", progress, unit="batch", postfix_every=10) as bar:
        step = 0
        for _ in range(epochs):
            for xb, yb in batches(X_train, y_train, batch_size, shuffle=True, seed=seed + step, drop_last=True):
                opt.zero_grad()
                loss = F.cross_entropy(model(Tensor(xb)), yb)
                loss.backward()
                opt.step()
                bar.step(step, loss.item())
                step += 1
            sched.step()
    seconds = time.perf_counter() - start
    return {"model": model, "seconds": seconds, "test_accuracy": evaluate(model, X_test, y_test),
            "train_accuracy": evaluate(model, X_train, y_train), "last_loss": loss.item()}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mnist", nargs="+", metavar="IDX_FILE",
                        help="train on MNIST: images and labels (and optionally test images and labels)")
    parser.add_argument("--limit", type=int, default=None, help="with --mnist: use the first N training images")
    parser.add_argument("--graph", metavar="PATH", help="draw one training step's backprop graph to PATH (.svg)")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    if args.mnist and len(args.mnist) not in (2, 4):
        parser.error("--mnist takes 2 files (images, labels) or 4 (plus the test images and labels)")
    data = mnist_images(args.mnist, args.limit) if args.mnist else digits_images(args.seed)
    with one_blas_thread():
        result = train(data, epochs=args.epochs, seed=args.seed, progress=not args.no_progress)
    print(f"{'MNIST' if args.mnist else 'digits'} CNN: test accuracy {result['test_accuracy']:.1%} "
          f"(train {result['train_accuracy']:.1%}) after {args.epochs} epochs in {result['seconds']:.1f} s")
    if args.graph:
        model = result["model"]
        loss = F.cross_entropy(model(Tensor(data[0][:8])), data[2][:8])
        loss.backward()
        print("wrote", viz.render(viz.draw_graph(loss, module=model, color_by="grad"), args.graph))
    return result


if __name__ == "__main__":
    main()
