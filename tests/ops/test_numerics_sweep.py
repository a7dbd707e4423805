"""No op warns or raises on finite input: every op of the engine (old and new), forward and
backward, on extreme finite values (±1e4, ±1000, ±30, ±1e−8, 0) under np.errstate(all="raise")
and under np.errstate(all="warn") with warnings as errors. An underflow to 0 that is the right
answer (σ(−1000), e^−1e4) must stay silent; it is silenced inside the op that makes it, never
globally (each case runs in a fresh errstate).

The inputs stay inside each op's domain (log of positives, exp below its overflow at ~709: e^1000
is not a finite number), and the coverage test below fails when an op of tinygrad_edu.ops has no
case here."""
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Function, Tensor, ops

X = np.array([-1e4, -1000.0, -30.0, -1.0, -1e-8, 0.0, 1e-8, 1.0, 30.0, 1000.0, 1e4])
POSITIVE = np.array([1e-8, 1e-3, 1.0, 30.0, 1000.0, 1e4])
NONZERO = X[X != 0]
M = X[:10].reshape(2, 5)                # 2-D, for reductions along an axis
PROBS = np.array([0.0, 1e-8, 0.3, 1 - 1e-8, 1.0])

# op name (as Function.name) → a list of (function of leaf Tensors, input arrays)
CASES = {
    "add": [(lambda a, b: a + b, (X, X[::-1]))],
    "sub": [(lambda a, b: a - b, (X, X[::-1]))],
    "mul": [(lambda a, b: a * b, (X, X[::-1]))],
    "div": [(lambda a, b: a / b, (NONZERO, NONZERO[::-1]))],
    "neg": [(lambda a: -a, (X,))],
    "pow": [(lambda a: a ** 2, (X,)), (lambda a: a ** 3, (X,)), (lambda a: a ** -1, (NONZERO,)),
            (lambda a: a ** 0.5, (POSITIVE,)), (lambda a: a ** 0, (X,)),
            (lambda a, b: a ** b, (POSITIVE, np.array([-2.0, 0.0, 0.5, 1.0, 3.0, 2.0]))),
            (lambda b: 0.0 ** b, (np.abs(X),)), (lambda b: 2.0 ** b, (np.array([-1e4, -1000.0, 0.0, 1000.0]),))],
    "exp": [(lambda a: a.exp(), (np.array([-1e4, -1000.0, -745.5, -30.0, 0.0, 30.0, 700.0]),))],
    "log": [(lambda a: a.log(), (POSITIVE,))],
    "sqrt": [(lambda a: a.sqrt(), (POSITIVE,))],
    "abs": [(lambda a: a.abs(), (X,))],
    "sigmoid": [(lambda a: a.sigmoid(), (X,)), (F.sigmoid, (X,))],
    "tanh": [(lambda a: a.tanh(), (X,))],
    "relu": [(lambda a: a.relu(), (X,))],
    "leaky_relu": [(lambda a: a.leaky_relu(0.1), (X,))],
    "clip": [(lambda a: a.clip(-1.0, 1.0), (X,))],
    "cast": [(lambda a: a.float().double(), (X,))],
    "clone": [(lambda a: a.clone(), (X,))],
    "mask": [(lambda a: a.relu(), (X,)), (lambda a: a.elu(), (X,))],  # elu's derivative uses a mask
    "gate": [(lambda a: a.relu(), (X,)), (lambda a: a.abs(), (X,))],  # relu's, abs's derivative: G·m(x)
    "sum": [(lambda a: a.sum(), (X,)), (lambda a: a.sum(dim=1), (M,))],
    "mean": [(lambda a: a.mean(), (X,)), (lambda a: a.mean(dim=0), (M,))],
    "max": [(lambda a: a.max(), (X,)), (lambda a: a.max(dim=1).values, (M,))],
    "softmax": [(lambda a: a.softmax(), (X,)), (lambda a: a.softmax(dim=0), (M,))],
    "log_softmax": [(lambda a: a.log_softmax(), (X,)), (lambda a: F.log_softmax(a, dim=1), (M,))],
    "reshape": [(lambda a: a.reshape(5, 2), (M,))],
    "transpose": [(lambda a: a.T, (M,))],
    "broadcast": [(lambda a: a.broadcast_to((3, 11)), (X,))],
    "index": [(lambda a: a[np.array([0, 0, 10])], (X,))],
    "scatter_add": [(lambda a: a[1:3], (X,))],      # indexing's backward scatters
    "embedding": [(lambda w: F.embedding(np.array([[0, 1], [1, 0]]), w), (M,)),
                  (lambda w: F.embedding(np.array([0, 1, 1]), w, padding_idx=1), (M,))],
    "matmul": [(lambda a, b: a @ b, (M, M.T))],
    "linear": [(lambda a, w, b: F.linear(a, w, b), (M, M, np.array([1e4, -1e4])))],
    "cross_entropy": [(lambda a: F.cross_entropy(a, [0, 4]), (M,)),
                      (lambda a: F.cross_entropy(a.reshape(1, 2, 5), [[0, -100, 1, 1, 0]]), (M,)),
                      (lambda a: F.cross_entropy(a, [-100, 3], reduction="none"), (M,)),
                      (lambda a: F.cross_entropy(a, [0, 4], weight=np.array([1e-4, 0, 0, 0, 1e4])), (M,)),
                      (lambda a, p: F.cross_entropy(a, p),
                       (M, np.array([[0.0, 0.5, 0.5, 0.0, 0.0], [1.0, 0, 0, 0, 0]])))],
    "binary_cross_entropy": [(lambda p: F.binary_cross_entropy(p, np.array([1.0, 0.0, 1.0, 0.0, 1.0])), (PROBS,))],
    "bce_with_logits": [(lambda a: F.binary_cross_entropy_with_logits(a, np.linspace(0, 1, 11)), (X,))],
    # added for the PyTorch-style API
    "sin": [(lambda a: a.sin(), (X,))],
    "cos": [(lambda a: a.cos(), (X,))],
    "log1p": [(lambda a: a.log1p(), (np.array([-0.99999999, -1e-8, 0.0, 1e-8, 30.0, 1e4]),))],
    "sign": [(lambda a: a.sign(), (X,))],
    "softplus": [(lambda a: a.softplus(), (X,)), (lambda a: F.softplus(a, beta=3.0, threshold=5.0), (X,))],
    "normal_cdf": [(lambda a: ops.NormalCDF.apply(a), (X,))],
    "gelu": [(lambda a: a.gelu(), (X,)), (lambda a: F.gelu(a, approximate="tanh"), (X,))],
    "silu": [(lambda a: a.silu(), (X,))],
    "elu": [(lambda a: a.elu(), (X,)), (lambda a: F.elu(a, 0.3), (X,))],
    "where": [(lambda a, b: tg.where(X > 0, a, b), (X, X[::-1]))],
    "maximum": [(lambda a, b: tg.maximum(a, b), (X, X[::-1]))],
    "minimum": [(lambda a, b: tg.minimum(a, b), (X, X[::-1]))],
    "min": [(lambda a: a.min(), (X,)), (lambda a: a.min(dim=0)[0], (M,))],
    "prod": [(lambda a: a.prod(), (X,)), (lambda a: a.prod(dim=1), (M,)), (lambda a: a.prod(), (NONZERO[3:8],))],
    "var": [(lambda a: a.var(), (X,)), (lambda a: a.var(dim=1, correction=0), (M,))],
    "std": [(lambda a: a.std(), (X,)), (lambda a: a.std(dim=0), (M,)), (lambda a: a.std(), (np.full(3, 1e4),))],
    "logsumexp": [(lambda a: a.logsumexp(), (X,)), (lambda a: a.logsumexp(dim=1), (M,))],
    "norm": [(lambda a: a.norm(), (X,)), (lambda a: a.norm(dim=1), (M,)), (lambda a: a.norm(), (np.zeros(3),))],
    "cat": [(lambda a, b: tg.cat([a, b, a]), (X, X[:3]))],
    "stack": [(lambda a, b: tg.stack([a, b], dim=1), (X, X[::-1]))],
    "narrow": [(lambda a: a.split(4)[1] * a.chunk(3)[0], (X,))],
    "pad": [(lambda a: F.pad(a, (1, 2), value=-1e4), (X,))],
    # added for the layers (issue 11): batch statistics, running statistics, a constant channel
    "batch_norm": [(lambda a, w, b: F.batch_norm(a, None, None, w, b, training=True), (M, X[:5], X[5:10])),
                   (lambda a: F.batch_norm(a, np.zeros(5), np.full(5, 1e-8)), (M,)),
                   (lambda a: F.batch_norm(a, None, None, training=True), (np.full((3, 2), 1e4),))],
    "layer_norm": [(lambda a, w, b: F.layer_norm(a, 5, w, b), (M, X[:5], X[5:10])),
                   (lambda a: F.layer_norm(a, (2, 3)), (np.full((2, 3), -1e4),))],
    # conv and pooling: each op's backward runs its derivative ops (the named entries below)
    "conv2d": [(lambda a, w: F.conv2d(a, w, padding=1), (M.reshape(1, 1, 2, 5), M[:, :2].reshape(1, 1, 2, 2)))],
    "conv_transpose2d": [(lambda a, w: F.conv2d(a, w, stride=2),
                          (M.reshape(1, 1, 2, 5), M[:, :1].reshape(1, 1, 2, 1)))],
    "conv2d_weight": [(lambda a, w: F.conv1d(a, w), (M.reshape(1, 2, 5), M[:, :3].reshape(1, 2, 3)))],
    "max_pool2d": [(lambda a: F.max_pool2d(a, 2, stride=1), (M.reshape(1, 1, 2, 5),))],
    "max_unpool2d": [(lambda a: F.max_pool2d(a, (1, 2)), (M.reshape(1, 2, 5),))],
    "avg_pool2d": [(lambda a: F.avg_pool2d(a, 2, stride=1), (M.reshape(1, 1, 2, 5),))],
    "avg_pool2d_backward": [(lambda a: F.avg_pool2d(a, (1, 2)), (M.reshape(1, 2, 5),))],
    # added for sequences and attention (issue 19)
    "masked_fill": [(lambda a: a.masked_fill(X > 0, -1e4) * a, (X,)),
                    (lambda a: a.masked_fill(M > 0, -np.inf).softmax(-1), (M,))],
    "tril": [(lambda a: tg.tril(a, -1) * a, (M,))],
    "triu": [(lambda a: tg.triu(a, 1) * a, (M,))],
    "topk": [(lambda a: a.topk(4).values * 1e4, (X,)), (lambda a: a.topk(2, dim=0, largest=False).values, (M,))],
    # added for PyTorch's habits (issue 22)
    "cumsum": [(lambda a: a.cumsum(0), (X,)), (lambda a: a.cumsum(dim=-1) * 1e-4, (M,))],
    "einsum": [(lambda a, b: tg.einsum("ij,kj->ik", a, b), (M, M[:, ::-1] * 1e-4)),
               (lambda a: tg.einsum("ii->i", a), (M[:, :2],)), (lambda a: tg.einsum("ij->j", a), (M,))],
}


def _all_ops():
    """Every Function subclass defined in tinygrad_edu.ops, by name."""
    found, todo = set(), [Function]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("tinygrad_edu.ops"):
                found.add(sub.name)
    return found


def test_every_op_has_a_sweep_case():
    assert _all_ops() <= set(CASES), f"ops without an extreme-input case: {_all_ops() - set(CASES)}"


@pytest.mark.parametrize("mode", ["raise", "warn"])
@pytest.mark.parametrize("op", sorted(CASES))
def test_no_numpy_warning_on_extreme_finite_input(op, mode):
    for k, (fn, arrays) in enumerate(CASES[op]):
        with warnings.catch_warnings(), np.errstate(all=mode):
            warnings.simplefilter("error")
            leaves = [Tensor(a, dtype=np.float64, requires_grad=True) for a in arrays]
            out = fn(*leaves)
            out.backward(Tensor(np.ones(out.shape)))
            assert np.all(np.isfinite(out.data)), f"{op} case {k}: {out.data}"
            for t in leaves:
                assert t.grad is not None and np.all(np.isfinite(t.grad.data)), f"{op} case {k}: {t.grad}"


@pytest.mark.parametrize("op", ["sigmoid", "softplus", "log_softmax", "gelu", "silu", "elu", "exp", "softmax"])
def test_float32_extremes_are_silent_too(op):
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        fn, arrays = CASES[op][0]
        leaves = [Tensor(a.astype(np.float32) if op != "exp" else np.minimum(a, 80).astype(np.float32),
                         requires_grad=True) for a in arrays]
        out = fn(*leaves)
        out.backward(Tensor(np.ones(out.shape, dtype=np.float32)))
        assert out.dtype == np.float32 and np.all(np.isfinite(out.data))
        assert all(np.all(np.isfinite(t.grad.data)) for t in leaves)
