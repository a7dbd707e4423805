"""`tinygrad-edu demo`: for now, train a small MLP on XOR-like data and print its loss."""
import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import Tensor
import tinygrad_edu.functional as F


def add_arguments(parser):
    parser.add_argument("--steps", type=int, default=500)


def run(args):
    tg.manual_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 2)).astype(np.float32)
    y = ((x[:, 0] * x[:, 1]) > 0).astype(np.int64)
    w1 = Tensor.randn(16, 2, requires_grad=True)
    b1 = Tensor.zeros(16, requires_grad=True)
    w2 = Tensor.randn(2, 16, requires_grad=True)
    b2 = Tensor.zeros(2, requires_grad=True)
    params = [w1, b1, w2, b2]
    for step in range(args.steps):
        loss = F.cross_entropy(F.linear(F.linear(Tensor(x), w1, b1).tanh(), w2, b2), y)
        for p in params:
            p.zero_grad()
        loss.backward()
        with tg.no_grad():
            for p in params:
                p -= 0.5 * p.grad
        if step % 100 == 0 or step == args.steps - 1:
            print(f"step {step:4d}  loss {loss.item():.4f}")
    return 0
