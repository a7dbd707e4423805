"""Random expression graphs for the fuzzer (tests/ops/test_fuzz.py).

A graph is a `Recipe`: the leaves' shapes and values, then a list of steps. Each step applies one
op of the contract to earlier nodes, chosen at random, so intermediate nodes get reused; the
output is Σ_k (sink_k · W_k).sum() over the nodes nothing else used, with fixed weights W_k.
The same recipe runs on two backends, tinygrad_edu and PyTorch, so their gradients can be
compared; gradcheck compares tinygrad_edu with finite differences.

Inputs stay in each op's safe domain by construction (log and sqrt of x² + 0.5, division by
y² + 0.5, max of values made distinct by fixed offsets), so finite differences are meaningful.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from hypothesis import strategies as st
from strategies import axes_for, index_for, shapes, single_axis

MAX_SIZE = 48   # elements per node: keeps finite differences fast
MAX_NDIM = 4


@dataclass
class Step:
    op: str
    args: tuple          # indices of earlier nodes
    params: dict = field(default_factory=dict)


@dataclass
class Recipe:
    leaves: list         # float64 arrays
    steps: list = field(default_factory=list)
    sinks: list = field(default_factory=list)     # node indices that make up the output
    weights: list = field(default_factory=list)   # one fixed array per sink

    def __repr__(self) -> str:  # what hypothesis prints for a failing example
        lines = [f"leaf {i}: shape {a.shape}" for i, a in enumerate(self.leaves)]
        n = len(self.leaves)
        for k, s in enumerate(self.steps):
            shown = {p: (f"array{np.shape(v)}" if isinstance(v, np.ndarray) and v.size > 4 else v)
                     for p, v in s.params.items()}
            lines.append(f"node {n + k} = {s.op}{s.args} {shown}")
        lines.append(f"output = sum of nodes {self.sinks}")
        return "Recipe(\n  " + "\n  ".join(lines) + "\n)"


# ---------------------------------------------------------------------------------------------
# the two backends: the same ops, spelled for each library

class TinygradOps:
    def __init__(self):
        import tinygrad_edu as tg
        import tinygrad_edu.functional as F
        self.tg, self.F = tg, F

    def const(self, a):
        a = np.asarray(a)
        return self.tg.Tensor(a, dtype=np.float64 if a.dtype.kind == "f" else None)

    def __getattr__(self, name):  # ops whose method name is the same in both libraries
        return lambda t, *args, **kw: getattr(t, name)(*args, **kw)

    def leaky_relu(self, t, slope):
        return t.leaky_relu(slope)

    def einsum(self, equation, *ts):
        return self.tg.einsum(equation, *ts)

    def reduce(self, kind, t, axis, keepdims):
        return getattr(t, kind)(axis=axis, keepdims=keepdims)

    def softmax(self, t, axis, log):
        return t.log_softmax(axis) if log else t.softmax(axis)

    def transpose(self, t, axes):
        return t.transpose(*axes)

    def index(self, t, index, flat):
        return t[index]

    def linear(self, x, w, b):
        return self.F.linear(x, w, b)

    def batch_norm(self, x, w, b, stats, eps):  # stats None: training (batch statistics)
        running = (None, None) if stats is None else (stats[0].copy(), stats[1].copy())
        return self.F.batch_norm(x, *running, w, b, training=stats is None, eps=eps)

    def layer_norm(self, x, shape, w, b, eps):
        return self.F.layer_norm(x, shape, w, b, eps=eps)

    # added for the PyTorch-style API (issue 10)
    def where(self, cond, a, b):
        return self.tg.where(cond, a, b)

    def maximum(self, a, b):
        return self.tg.maximum(a, b)

    def minimum(self, a, b):
        return self.tg.minimum(a, b)

    def reduce_dim(self, kind, t, dim, keepdim):
        if kind == "max_dim":
            return t.max(dim=dim, keepdim=keepdim).values
        if kind == "min":  # amin: min(dim=int) would give (values, indices), as PyTorch
            return t.min(axis=dim, keepdim=keepdim)
        return getattr(t, kind)(dim=dim, keepdim=keepdim)

    def cat(self, ts, dim):
        return self.tg.cat(ts, dim=dim)

    def stack(self, ts, dim):
        return self.tg.stack(ts, dim=dim)

    def pad(self, t, pad, value):
        return self.F.pad(t, pad, value=value)
    def conv2d(self, x, w, b, stride, padding):
        return self.F.conv2d(x, w, None if b is None else self.const(b), stride=stride, padding=padding)

    # added for sequences and attention (issue 19)
    def masked_fill(self, t, mask, value):
        return t.masked_fill(mask, value)

    def triangle(self, kind, t, diagonal):
        return getattr(self.tg, kind)(t, diagonal)

    def topk(self, t, k, dim, largest):
        return t.topk(k, dim=dim, largest=largest).values

    def cross_entropy_nd(self, t, target, reduction, weight, ignore_index):
        return self.F.cross_entropy(t, target, reduction=reduction, weight=weight, ignore_index=ignore_index)

    def attention(self, q, k, v, mask, causal):
        return self.F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=causal)

    def pool(self, kind, t, kernel, stride, padding):
        return getattr(self.F, kind)(t, kernel, stride, padding)

    def embedding(self, weight, idx, padding_idx):
        return self.F.embedding(idx, weight, padding_idx=padding_idx)

    def loss(self, kind, t, target, reduction, weight=None):
        F = self.F
        if kind == "ce_index":
            return F.cross_entropy(t, target, reduction=reduction, weight=weight)
        target = self.const(target)
        if kind == "ce_probs":
            return F.cross_entropy(t, target, reduction=reduction, weight=weight)
        if kind == "bce_logits":
            return F.binary_cross_entropy_with_logits(t, target, reduction=reduction)
        if kind == "bce":  # probabilities in [0.01, 0.99]: away from the clamp at p(1 − p) < 1e-12
            return F.binary_cross_entropy(t.sigmoid() * 0.98 + 0.01, target, reduction=reduction)
        return F.mse_loss(t, target, reduction=reduction)


class TorchOps:
    def __init__(self):
        import torch
        self.torch = torch

    def const(self, a):
        return self.torch.tensor(np.asarray(a, dtype=np.float64))

    def exp(self, t): return t.exp()
    def log(self, t): return t.log()
    def sqrt(self, t): return t.sqrt()
    def abs(self, t): return t.abs()
    def sigmoid(self, t): return t.sigmoid()
    def tanh(self, t): return t.tanh()
    def relu(self, t): return t.relu()

    def leaky_relu(self, t, slope):
        return self.torch.nn.functional.leaky_relu(t, slope)

    def reduce(self, kind, t, axis, keepdims):
        dims = tuple(range(t.ndim)) if axis is None else axis
        if kind == "sum":
            return t.sum(dim=dims, keepdim=keepdims) if dims else t.clone()
        if kind == "mean":
            return t.mean(dim=dims, keepdim=keepdims) if dims else t.clone()
        return t.amax(dim=dims, keepdim=keepdims) if dims else t.clone()

    def softmax(self, t, axis, log):
        return t.log_softmax(axis) if log else t.softmax(axis)

    def reshape(self, t, shape):
        return t.reshape(shape)

    def transpose(self, t, axes):  # ours: two dims swap (PyTorch), 3+ are numpy's permutation
        return t.transpose(*axes) if len(axes) == 2 else t.permute(*axes)

    def index(self, t, index, flat):
        # torch has no negative-step slices: gather through the flat positions numpy selects
        return t.reshape(-1)[self.torch.as_tensor(flat)]

    def linear(self, x, w, b):
        return self.torch.nn.functional.linear(x, w, b)

    def batch_norm(self, x, w, b, stats, eps):
        nn_f = self.torch.nn.functional
        if stats is None:
            return nn_f.batch_norm(x, None, None, w, b, training=True, eps=eps)
        running = [self.torch.tensor(s) for s in stats]
        return nn_f.batch_norm(x, *running, w, b, training=False, eps=eps)

    def layer_norm(self, x, shape, w, b, eps):
        return self.torch.nn.functional.layer_norm(x, shape, w, b, eps=eps)

    # added for the PyTorch-style API (issue 10)
    def sin(self, t): return t.sin()
    def cos(self, t): return t.cos()
    def log1p(self, t): return t.log1p()
    def sign(self, t): return t.sign()
    def softplus(self, t): return self.torch.nn.functional.softplus(t)
    def gelu(self, t): return self.torch.nn.functional.gelu(t)
    def silu(self, t): return self.torch.nn.functional.silu(t)
    def elu(self, t, alpha=1.0): return self.torch.nn.functional.elu(t, alpha)
    def clone(self, t): return t.clone()
    def view(self, t, *shape): return t.reshape(*shape)   # (a fuzzed node need not be contiguous)
    def flatten(self, t, start, end): return t.flatten(start, end)
    def squeeze(self, t, dim=None): return t.squeeze() if dim is None else t.squeeze(dim)
    def unsqueeze(self, t, dim): return t.unsqueeze(dim)
    def expand(self, t, *sizes): return t.expand(*sizes)
    def permute(self, t, *dims): return t.permute(*dims)
    def split(self, t, sizes, dim): return t.split(sizes, dim)
    def chunk(self, t, chunks, dim): return t.chunk(chunks, dim)

    def where(self, cond, a, b):
        return self.torch.where(self.torch.as_tensor(cond), a, b)

    def maximum(self, a, b):
        return self.torch.maximum(a, b)

    def minimum(self, a, b):
        return self.torch.minimum(a, b)

    def reduce_dim(self, kind, t, dim, keepdim):
        if kind == "max_dim":
            return t.max(dim=dim, keepdim=keepdim).values
        if kind == "min":
            dims = tuple(range(t.ndim)) if dim is None else dim
            return t.amin(dim=dims, keepdim=keepdim) if dims != () else t.clone()
        if dim is None and kind == "prod":
            return t.prod().reshape((1,) * t.ndim) if keepdim else t.prod()
        if dim is None and kind == "logsumexp":
            return t.logsumexp(dim=tuple(range(t.ndim)), keepdim=keepdim) if t.ndim else t.clone()
        return getattr(t, kind)(dim=dim, keepdim=keepdim)

    def cat(self, ts, dim):
        return self.torch.cat(ts, dim=dim)

    def stack(self, ts, dim):
        return self.torch.stack(ts, dim=dim)

    def pad(self, t, pad, value):
        return self.torch.nn.functional.pad(t, pad, value=value)

    def einsum(self, equation, *ts):
        return self.torch.einsum(equation, *ts)

    def repeat(self, t, *sizes): return t.repeat(*sizes)
    def cumsum(self, t, dim): return t.cumsum(dim)
    def conv2d(self, x, w, b, stride, padding):
        b = None if b is None else self.const(b)
        return self.torch.nn.functional.conv2d(x, w, b, stride=stride, padding=padding)

    # added for sequences and attention (issue 19)
    def masked_fill(self, t, mask, value):
        return t.masked_fill(self.torch.as_tensor(mask), value)

    def triangle(self, kind, t, diagonal):
        return getattr(self.torch, kind)(t, diagonal)

    def topk(self, t, k, dim, largest):
        return t.topk(k, dim=dim, largest=largest).values

    def cross_entropy_nd(self, t, target, reduction, weight, ignore_index):
        weight = None if weight is None else self.const(weight)
        return self.torch.nn.functional.cross_entropy(t, self.torch.as_tensor(target), reduction=reduction,
                                                      weight=weight, ignore_index=ignore_index)

    def attention(self, q, k, v, mask, causal):
        mask = None if mask is None else self.torch.as_tensor(mask)
        return self.torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=causal)

    def pool(self, kind, t, kernel, stride, padding):
        return getattr(self.torch.nn.functional, kind)(t, kernel, stride, padding)

    def embedding(self, weight, idx, padding_idx):
        return self.torch.nn.functional.embedding(self.torch.as_tensor(idx), weight, padding_idx=padding_idx)

    def loss(self, kind, t, target, reduction, weight=None):
        nn_f = self.torch.nn.functional
        weight = None if weight is None else self.const(weight)
        if kind == "ce_index":
            return nn_f.cross_entropy(t, self.torch.as_tensor(target), reduction=reduction, weight=weight)
        target = self.const(target)
        if kind == "ce_probs":
            return nn_f.cross_entropy(t, target, reduction=reduction, weight=weight)
        if kind == "bce_logits":
            return nn_f.binary_cross_entropy_with_logits(t, target, reduction=reduction)
        if kind == "bce":
            return nn_f.binary_cross_entropy(t.sigmoid() * 0.98 + 0.01, target, reduction=reduction)
        return nn_f.mse_loss(t, target, reduction=reduction)


def apply_step(ops, step: Step, nodes: list):
    """One step of a recipe on either backend."""
    x = [nodes[i] for i in step.args]
    p = step.params
    op = step.op
    if op in ("exp", "log", "sqrt"):  # exp of tanh(x); log and sqrt of x² + 0.5
        inner = x[0].tanh() if op == "exp" else x[0] * x[0] + 0.5
        return getattr(ops, op)(inner)
    if op in ("abs", "sigmoid", "tanh", "relu"):
        return getattr(ops, op)(x[0])
    if op == "leaky_relu":
        return ops.leaky_relu(x[0], p["slope"])
    if op == "neg":
        return -x[0]
    if op == "pow_number":
        base = x[0] * x[0] + 0.5 if p["positive_base"] else x[0]
        return base ** p["p"]
    if op == "number_on_left":
        return {"add": lambda t: 1.5 + t, "sub": lambda t: 2.0 - t, "mul": lambda t: -0.5 * t,
                "div": lambda t: 1.5 / (t * t + 0.5), "pow": lambda t: 1.5 ** t.tanh()}[p["kind"]](x[0])
    if op in ("add", "sub", "mul", "div", "pow"):
        a = x[0]
        b = x[1] if len(x) > 1 else ops.const(p["const"])
        if op == "add":
            return a + b
        if op == "sub":
            return a - b
        if op == "mul":
            return a * b
        if op == "div":
            return a / (b * b + 0.5)
        return (a * a + 0.5) ** b.tanh()
    if op in ("sum", "mean"):
        return ops.reduce(op, x[0], p["axis"], p["keepdims"])
    if op == "max":  # distinct fixed offsets: no ties, so the gradient is well defined
        return ops.reduce("max", x[0] + ops.const(p["offsets"]), p["axis"], p["keepdims"])
    if op in ("softmax", "log_softmax"):
        return ops.softmax(x[0], p["axis"], log=op == "log_softmax")
    if op == "reshape":
        return ops.reshape(x[0], p["shape"])
    if op == "transpose":
        return ops.transpose(x[0], p["axes"])
    if op == "index":
        return ops.index(x[0], p["index"], p["flat"])
    if op == "matmul":
        b = x[1] if len(x) > 1 else ops.const(p["const"])
        return b @ x[0] if p.get("swap") else x[0] @ b
    if op == "linear":
        w = x[1] if len(x) > 1 else ops.const(p["weight"])
        b = None if p["bias"] is None else ops.const(p["bias"])
        return ops.linear(x[0], w, b)
    if op in ("batch_norm", "layer_norm"):  # γ: another node or a constant; β: a constant
        w = x[1] if len(x) > 1 else None if p["weight"] is None else ops.const(p["weight"])
        b = None if p["bias"] is None else ops.const(p["bias"])
        if op == "batch_norm":
            return ops.batch_norm(x[0], w, b, p["stats"], p["eps"])
        return ops.layer_norm(x[0], p["shape"], w, b, p["eps"])
    if op == "conv2d":  # the node as the image, or as the kernel of a fixed image
        t = ops.reshape(x[0], p["shape4"])
        image, kernel = (ops.const(p["image"]), t) if "image" in p else (t, ops.const(p["weight"]))
        return ops.conv2d(image, kernel, p["bias"], p["stride"], p["padding"])
    if op in ("max_pool2d", "avg_pool2d"):
        t = ops.reshape(x[0], p["shape4"])
        if op == "max_pool2d":  # distinct fixed offsets: no ties within a window
            t = t + ops.const(p["offsets"])
        return ops.pool(op, t, p["kernel"], p["stride"], p["padding"])
    if op == "embedding":  # the node as a (rows, dim) table; its padding row zeroed, as
        table = ops.reshape(x[0], p["table"])  # nn.Embedding's (finite differences see no gradient there)
        if p["padding_idx"] is not None:
            table = table * ops.const(p["keep"])
        return ops.embedding(table, p["idx"], p["padding_idx"])
    if op == "loss":
        t = ops.reshape(x[0], p["shape2d"]) if "shape2d" in p else x[0]
        return ops.loss(p["kind"], t, p["target"], p["reduction"], p.get("weight"))
    # added for the PyTorch-style API (issue 10)
    if op in ("sin", "cos", "sign", "softplus", "gelu", "silu", "clone"):
        return getattr(ops, op)(x[0])
    if op == "elu":
        return ops.elu(x[0], p["alpha"])
    if op == "log1p":  # of x² − 0.5 > −1
        return ops.log1p(x[0] * x[0] - 0.5)
    if op in ("where", "maximum", "minimum"):
        b = x[1] if len(x) > 1 else ops.const(p["const"])
        if op == "where":
            return ops.where(p["cond"], x[0], b)
        return getattr(ops, op)(x[0], b)
    if op in ("min", "max_dim", "norm", "std"):  # distinct fixed offsets: no ties, no kink at 0
        return ops.reduce_dim(op, x[0] + ops.const(p["offsets"]), p["dim"], p["keepdim"])
    if op in ("prod", "var", "std", "logsumexp", "norm"):
        return ops.reduce_dim(op, x[0], p["dim"], p["keepdim"])
    if op == "view":
        return ops.view(x[0], *p["shape"])
    if op == "flatten":
        return ops.flatten(x[0], p["start"], p["end"])
    if op == "squeeze":
        return ops.squeeze(x[0], p["dim"])
    if op == "unsqueeze":
        return ops.unsqueeze(x[0], p["dim"])
    if op == "expand":
        return ops.expand(x[0], *p["sizes"])
    if op == "permute":
        return ops.permute(x[0], *p["dims"])
    if op in ("cat", "stack"):
        return getattr(ops, op)(x, p["dim"])
    if op == "split":
        return ops.split(x[0], p["sizes"], p["dim"])[p["piece"]]
    if op == "chunk":
        return ops.chunk(x[0], p["chunks"], p["dim"])[p["piece"]]
    if op == "pad":
        return ops.pad(x[0], p["pad"], p["value"])
    # added for sequences and attention (issue 19)
    if op == "masked_fill":
        return ops.masked_fill(x[0], p["mask"], p["value"])
    if op in ("tril", "triu"):
        return ops.triangle(op, x[0], p["diagonal"])
    if op == "topk":  # distinct fixed offsets: no ties
        return ops.topk(x[0] + ops.const(p["offsets"]), p["k"], p["dim"], p["largest"])
    if op == "cross_entropy_nd":
        return ops.cross_entropy_nd(ops.reshape(x[0], p["shape"]), p["target"], p["reduction"],
                                    p["weight"], p["ignore_index"])
    if op == "attention":  # the node as the queries (L, E); keys and values the node or constants
        q = ops.reshape(x[0], p["shape"])
        k = q if p["keys"] is None else ops.const(p["keys"])
        v = q if p["values"] is None else ops.const(p["values"])
        return ops.attention(q, k, v, p["mask"], p["causal"])
    # added for PyTorch's habits (issue 22)
    if op == "einsum":
        return ops.einsum(p["equation"], *x)
    if op == "repeat":
        return ops.repeat(x[0], *p["sizes"])
    if op == "cumsum":
        return ops.cumsum(x[0], p["dim"])
    raise ValueError(op)


def run(ops, recipe: Recipe, leaves: list):
    """All nodes and the scalar output of `recipe` with the given leaf tensors."""
    nodes = list(leaves)
    for step in recipe.steps:
        nodes.append(apply_step(ops, step, nodes))
    out = None
    for i, w in zip(recipe.sinks, recipe.weights):
        term = (nodes[i] * ops.const(w)).sum()
        out = term if out is None else out + term
    return nodes, out


# ---------------------------------------------------------------------------------------------
# drawing recipes

UNARY = ["exp", "log", "sqrt", "abs", "sigmoid", "tanh", "relu", "leaky_relu", "neg", "pow_number",
         "number_on_left"]
BINARY = ["add", "sub", "mul", "div", "pow"]
OTHER = ["sum", "mean", "max", "softmax", "log_softmax", "reshape", "transpose", "index", "matmul",
         "linear", "loss", "batch_norm", "layer_norm", "conv2d", "max_pool2d", "avg_pool2d", "embedding"]
# added for the PyTorch-style API (issue 10)
NEW_UNARY = ["sin", "cos", "log1p", "sign", "softplus", "gelu", "silu", "elu", "clone"]
NEW_BINARY = ["where", "maximum", "minimum"]
NEW_OTHER = ["min", "max_dim", "prod", "var", "std", "logsumexp", "norm", "view", "flatten", "squeeze",
             "unsqueeze", "expand", "permute", "cat", "stack", "split", "chunk", "pad"]
# added for sequences and attention (issue 19)
SEQUENCE_OPS = ["masked_fill", "tril", "triu", "topk", "cross_entropy_nd", "attention"]
# added for PyTorch's habits (issue 22)
HABIT_OPS = ["einsum", "repeat", "cumsum"]
ALL_OPS = UNARY + BINARY + OTHER + NEW_UNARY + NEW_BINARY + NEW_OTHER + SEQUENCE_OPS + HABIT_OPS


def _broadcast(a: tuple, b: tuple):
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        return None


@st.composite
def _shape_broadcasting_with(draw, shape: tuple):
    """A shape that broadcasts against `shape`: some axes set to 1, leading axes dropped/added."""
    dims = [1 if draw(st.booleans()) else n for n in shape]
    drop = draw(st.integers(0, len(dims)))
    dims = dims[drop:]
    if drop == 0 and draw(st.integers(0, 4)) == 0:
        dims = [draw(st.integers(1, 3))] + dims
    return tuple(dims)


@st.composite
def _step(draw, op: str, shapes_so_far: list, rng: np.random.Generator):
    """A step applying `op` to random earlier nodes, or None when op does not fit them."""
    pick = lambda candidates: draw(st.sampled_from(candidates))  # noqa: E731
    everything = list(range(len(shapes_so_far)))
    a = pick(everything)
    sa = shapes_so_far[a]
    nd = len(sa)
    if op in ("exp", "log", "sqrt", "abs", "sigmoid", "tanh", "relu", "neg"):
        return Step(op, (a,))
    if op == "leaky_relu":
        return Step(op, (a,), {"slope": pick([0.01, 0.2, 1.5])})
    if op == "pow_number":
        p = pick([2, 3, -1, 0.5, 1.5, -0.5])
        return Step(op, (a,), {"p": p, "positive_base": not float(p).is_integer() or p < 0})
    if op == "number_on_left":
        return Step(op, (a,), {"kind": pick(["add", "sub", "mul", "div", "pow"])})
    if op in BINARY:
        partners = [i for i in everything if _broadcast(sa, shapes_so_far[i]) is not None]
        if draw(st.integers(0, 3)) > 0:  # usually another node (maybe a itself: x * x)
            return Step(op, (a, pick(partners)))
        const_shape = draw(_shape_broadcasting_with(sa))
        return Step(op, (a,), {"const": rng.uniform(-2, 2, const_shape)})
    if op in ("sum", "mean", "max"):
        params = {"axis": draw(axes_for(nd)), "keepdims": draw(st.booleans())}
        if params["axis"] is not None:
            params["axis"] = tuple(sorted({ax % nd for ax in np.atleast_1d(params["axis"])}))
        if op == "max":
            size = int(np.prod(sa))
            params["offsets"] = (rng.permutation(size) * 0.05).reshape(sa)
        return Step(op, (a,), params)
    if op in ("softmax", "log_softmax"):
        if nd == 0:
            return None
        return Step(op, (a,), {"axis": draw(single_axis(nd))})
    if op == "reshape":
        size = int(np.prod(sa))
        options = [(size,), (1, size), (size, 1)] + [(d, size // d) for d in range(2, size) if size % d == 0]
        return Step(op, (a,), {"shape": pick(options)})
    if op == "transpose":
        if nd < 2:
            return None
        if nd >= 3 and draw(st.booleans()):  # a full permutation keeps numpy's meaning
            return Step(op, (a,), {"axes": tuple(draw(st.permutations(range(nd))))})
        return Step(op, (a,), {"axes": tuple(draw(single_axis(nd)) for _ in range(2))})  # a swap
    if op == "index":
        if nd == 0 or 0 in sa:
            return None
        index = draw(index_for(sa))
        flat = np.arange(int(np.prod(sa))).reshape(sa)[index]
        return Step(op, (a,), {"index": index, "flat": np.array(flat, copy=True)})
    if op == "matmul":
        if nd == 0:
            return None
        if draw(st.booleans()):  # node @ other
            k = sa[-1]
            partners = [i for i in everything if _matmul_shape(sa, shapes_so_far[i]) is not None]
            if partners and draw(st.booleans()):
                return Step(op, (a, pick(partners)))
            return Step(op, (a,), {"const": rng.uniform(-1, 1, (k, draw(st.integers(1, 3))))})
        k = sa[-2] if nd >= 2 else sa[0]  # other @ node
        return Step(op, (a,), {"const": rng.uniform(-1, 1, (draw(st.integers(1, 3)), k)), "swap": True})
    if op == "linear":
        if nd == 0:
            return None
        k, m = sa[-1], draw(st.integers(1, 3))
        bias = rng.uniform(-1, 1, m) if draw(st.booleans()) else None
        weights = [i for i in everything if len(shapes_so_far[i]) == 2 and shapes_so_far[i][1] == k]
        if weights and draw(st.booleans()):
            w = pick(weights)
            bias = None if bias is None else rng.uniform(-1, 1, shapes_so_far[w][0])
            return Step(op, (a, w), {"bias": bias})
        return Step(op, (a,), {"weight": rng.uniform(-1, 1, (m, k)), "bias": bias})
    if op in ("batch_norm", "layer_norm"):
        if op == "batch_norm":  # over every axis but axis 1: needs 2+ values per channel
            if nd < 2 or int(np.prod(sa)) // sa[1] < 2:
                return None
            affine = (sa[1],)
            params = {"stats": None if draw(st.booleans()) else
                      (rng.uniform(-1, 1, affine[0]), rng.uniform(0.5, 2, affine[0]))}
        else:
            if nd == 0:
                return None
            affine = sa[nd - draw(st.integers(1, nd)):]
            params = {"shape": affine}
        params["eps"] = pick([1e-5, 1e-3, 0.1])
        params["weight"] = rng.uniform(-2, 2, affine) if draw(st.booleans()) else None
        params["bias"] = rng.uniform(-1, 1, affine) if draw(st.booleans()) else None
        weights = [i for i in everything if shapes_so_far[i] == affine and i != a]
        if weights and draw(st.booleans()):
            return Step(op, (a, pick(weights)), params)
        return Step(op, (a,), params)
    if op in ("conv2d", "max_pool2d", "avg_pool2d"):
        return draw(_spatial_step(op, a, sa, rng))
    if op == "embedding":
        if nd == 0:
            return None
        table = (sa[0], int(np.prod(sa[1:])))
        idx = rng.integers(0, table[0], draw(shapes(max_dims=2, max_side=3)))
        padding_idx = draw(st.one_of(st.none(), st.integers(-table[0], table[0] - 1)))
        keep = np.ones((table[0], 1))
        if padding_idx is not None:
            keep[padding_idx] = 0.0
            if idx.size:
                idx.flat[0] = padding_idx % table[0]
        return Step(op, (a,), {"table": table, "idx": idx, "padding_idx": padding_idx, "keep": keep})
    if op == "loss":
        reduction = pick(["mean", "sum", "none"])
        kind = pick(["ce_index", "ce_probs", "bce_logits", "bce", "mse"])
        params = {}
        if kind.startswith("ce") and nd != 2:  # cross-entropy wants (N, C): reshape first
            sa = (sa[0], int(np.prod(sa[1:]))) if nd >= 2 else (1, int(np.prod(sa)))
            params["shape2d"] = sa
        if kind == "ce_index":
            target = rng.integers(0, sa[1], sa[0])
        elif kind == "ce_probs":
            target = rng.dirichlet(np.ones(sa[1]), sa[0])
        else:
            target = rng.uniform(0, 1, sa)
        if kind.startswith("ce") and draw(st.booleans()):  # per-class weights
            params["weight"] = rng.uniform(0.2, 2.0, sa[1])
        return Step(op, (a,), {"kind": kind, "target": target, "reduction": reduction, **params})
    if op in SEQUENCE_OPS:
        return draw(_sequence_step(op, sa, rng, a))
    return draw(_new_step(op, shapes_so_far, rng, a))


@st.composite
def _sequence_step(draw, op: str, sa: tuple, rng: np.random.Generator, a: int):
    """Steps of the ops added for sequences and attention (issue 19)."""
    pick = lambda candidates: draw(st.sampled_from(candidates))  # noqa: E731
    nd = len(sa)
    if op == "masked_fill":
        mask = rng.uniform(-1, 1, draw(_shape_broadcasting_with(sa))) > 0
        return Step(op, (a,), {"mask": mask, "value": pick([0.0, -1.5, 2.0])})
    if op in ("tril", "triu"):
        if nd < 2:
            return None
        return Step(op, (a,), {"diagonal": draw(st.integers(-2, 2))})
    if op == "topk":
        if nd == 0:
            return None
        dim = draw(st.integers(-nd, nd - 1))
        return Step(op, (a,), {"k": draw(st.integers(0, sa[dim])), "dim": dim, "largest": draw(st.booleans()),
                               "offsets": (rng.permutation(int(np.prod(sa))) * 0.05).reshape(sa)})
    if op == "attention":
        size = int(np.prod(sa))
        length, e = pick([(d, size // d) for d in range(1, size + 1) if size % d == 0])
        keys = None if draw(st.booleans()) else rng.uniform(-1, 1, (draw(st.integers(1, 3)), e))
        source = length if keys is None else keys.shape[0]
        values = None if keys is None and draw(st.booleans()) else rng.uniform(-1, 1, (source, draw(st.integers(1, 3))))
        kind = pick(["none", "causal", "bool", "float"])
        mask = None
        if kind == "bool":
            mask = rng.uniform(size=(length, source)) > 0.4
        elif kind == "float":
            mask = rng.uniform(-1, 1, (length, source))
        return Step(op, (a,), {"shape": (length, e), "keys": keys, "values": values, "mask": mask,
                               "causal": kind == "causal"})
    # cross_entropy_nd: the node read as logits (N, C, d) with targets (N, d), some ignored
    size = int(np.prod(sa))
    shapes3 = [(n, c, size // (n * c)) for n in range(1, size + 1) for c in range(2, size + 1)
               if size % (n * c) == 0]
    if not shapes3:
        return None
    n, c, d = pick(shapes3)
    ignore_index = pick([-100, 0])
    target = rng.integers(0, c, (n, d))
    target[rng.uniform(0, 1, (n, d)) < 0.3] = ignore_index
    if not np.any(target != ignore_index):
        target.flat[0] = 1
    weight = rng.uniform(0.2, 2.0, c) if draw(st.booleans()) else None
    return Step(op, (a,), {"shape": (n, c, d), "target": target, "reduction": pick(["mean", "sum", "none"]),
                           "weight": weight, "ignore_index": ignore_index})


@st.composite
def _new_step(draw, op: str, shapes_so_far: list, rng: np.random.Generator, a: int):
    """Steps of the ops added for the PyTorch-style API (issue 10)."""
    pick = lambda candidates: draw(st.sampled_from(candidates))  # noqa: E731
    everything = list(range(len(shapes_so_far)))
    sa = shapes_so_far[a]
    nd = len(sa)
    if op in ("sin", "cos", "log1p", "sign", "softplus", "gelu", "silu", "clone"):
        return Step(op, (a,))
    if op == "elu":
        return Step(op, (a,), {"alpha": pick([1.0, 0.3])})
    if op in NEW_BINARY:
        partners = [i for i in everything if _broadcast(sa, shapes_so_far[i]) is not None]
        if draw(st.integers(0, 3)) > 0:
            step = Step(op, (a, pick(partners)))
            out_shape = _broadcast(sa, shapes_so_far[step.args[1]])
        else:
            const = rng.uniform(-2, 2, draw(_shape_broadcasting_with(sa)))
            step = Step(op, (a,), {"const": const})
            out_shape = _broadcast(sa, const.shape)
        if op == "where":
            step.params["cond"] = rng.uniform(-1, 1, draw(_shape_broadcasting_with(out_shape))) > 0
        return step
    if op in ("min", "max_dim", "prod", "var", "std", "logsumexp", "norm"):
        if nd == 0 and op == "max_dim":
            return None
        dims = [d for d in range(nd) if sa[d] >= 2] if op in ("var", "std") else list(range(nd))
        choices = dims + ([None] if op != "max_dim" and (op not in ("var", "std") or int(np.prod(sa)) >= 2) else [])
        if not choices:
            return None
        dim = pick(choices)
        if dim is not None and draw(st.booleans()):
            dim -= nd
        params = {"dim": dim, "keepdim": draw(st.booleans())}
        if op in ("min", "max_dim"):
            params["offsets"] = (rng.permutation(int(np.prod(sa))) * 0.05).reshape(sa)
        if op in ("norm", "std"):  # nonzero distinct offsets: no zero vector, no constant slice (kinks)
            params["offsets"] = ((rng.permutation(int(np.prod(sa))) + 1) * 0.05).reshape(sa)
        return Step(op, (a,), params)
    if op == "view":
        size = int(np.prod(sa))
        divisors = [(d, -1) for d in range(2, size) if size % d == 0]
        return Step(op, (a,), {"shape": pick([(size,), (-1, 1), (1, -1)] + divisors)})
    if op == "flatten":
        if nd == 0:
            return Step(op, (a,), {"start": 0, "end": -1})
        start = draw(st.integers(0, nd - 1))
        end = draw(st.integers(start, nd - 1)) - draw(st.sampled_from([0, nd]))   # maybe negative
        return Step(op, (a,), {"start": start, "end": end})
    if op == "squeeze":
        ones = [d for d in range(nd) if sa[d] == 1]
        return Step(op, (a,), {"dim": pick([None] + ones + list(range(nd)))})
    if op == "unsqueeze":
        return Step(op, (a,), {"dim": draw(st.integers(-nd - 1, nd))})
    if op == "expand":
        sizes = [draw(st.integers(1, 3)) if n == 1 else pick([n, -1]) for n in sa]
        sizes = [draw(st.integers(1, 2))] * draw(st.integers(0 if sizes else 1, 1)) + sizes
        return Step(op, (a,), {"sizes": tuple(sizes)})
    if op == "permute":
        if nd < 1:
            return None
        perm = draw(st.permutations(range(nd)))
        return Step(op, (a,), {"dims": tuple(p - nd if draw(st.booleans()) else p for p in perm)})
    if op == "cat":
        if nd == 0:
            return None
        dim = draw(st.integers(0, nd - 1))
        same = [i for i in everything if len(shapes_so_far[i]) == nd
                and all(m == n for k, (m, n) in enumerate(zip(shapes_so_far[i], sa)) if k != dim)]
        return Step(op, tuple(pick(same) for _ in range(draw(st.integers(1, 3)))), {"dim": dim})
    if op == "stack":
        same = [i for i in everything if shapes_so_far[i] == sa]
        return Step(op, tuple(pick(same) for _ in range(draw(st.integers(1, 3)))),
                    {"dim": draw(st.integers(-nd - 1, nd))})
    if op in ("split", "chunk"):
        if nd == 0:
            return None
        dim = draw(st.integers(0, nd - 1))
        n = sa[dim]
        if op == "chunk":
            chunks = draw(st.integers(1, 3))
            pieces = -(-n // -(-n // chunks))
            return Step(op, (a,), {"chunks": chunks, "dim": dim, "piece": draw(st.integers(0, pieces - 1))})
        if draw(st.booleans()):
            size = draw(st.integers(1, n))
            return Step(op, (a,), {"sizes": size, "dim": dim, "piece": draw(st.integers(0, -(-n // size) - 1))})
        cut = draw(st.integers(0, n))
        return Step(op, (a,), {"sizes": [cut, n - cut], "dim": dim, "piece": draw(st.integers(0, 1))})
    if op == "pad":
        if nd == 0:
            return None
        k = draw(st.integers(1, min(nd, 2)))
        return Step(op, (a,), {"pad": tuple(draw(st.integers(0, 2)) for _ in range(2 * k)),
                               "value": pick([0.0, 0.5])})
    if op == "repeat":
        count = nd + draw(st.integers(nd == 0, 1))
        return Step(op, (a,), {"sizes": tuple(draw(st.integers(1, 2)) for _ in range(count))})
    if op == "einsum":
        return Step(op, *draw(_einsum_equation(a, shapes_so_far)))
    if op == "cumsum":
        return None if nd == 0 else Step(op, (a,), {"dim": draw(st.integers(-nd, nd - 1))})
    raise ValueError(op)


@st.composite
def _einsum_equation(draw, a: int, shapes_so_far: list):
    """Node a alone (maybe with a repeated index: a diagonal) or with a partner whose axes share
    some of a's indices; an output of some of the indices in any order, or the implicit one."""
    letters, sizes, terms, args = "abcdefghij", {}, [], [a]
    if draw(st.booleans()):
        args.append(draw(st.sampled_from(range(len(shapes_so_far)))))
    for k, node in enumerate(args):
        term = ""
        for i, n in enumerate(shapes_so_far[node]):
            same = [c for c, m in sizes.items() if m == n and (k > 0 or i > 0) and term.count(c) < 2 - k]
            if same and draw(st.booleans()):
                term += draw(st.sampled_from(same))
            else:
                c = next(c for c in letters if c not in sizes)
                sizes[c] = n
                term += c
        terms.append(term)
    if draw(st.integers(0, 3)) == 0:
        return tuple(args), {"equation": ",".join(terms)}
    order = draw(st.permutations(sorted(sizes)))
    output = "".join(order[:draw(st.integers(0, len(order)))])
    return tuple(args), {"equation": f"{','.join(terms)}->{output}"}


def _as_image(shape: tuple) -> tuple:
    """A node's shape read as (N, C, H, W): the last two axes are the image, the rest channels."""
    size = int(np.prod(shape))
    if len(shape) < 2:
        return (1, 1, 1, size)
    return (1, size // (shape[-2] * shape[-1]), shape[-2], shape[-1])


@st.composite
def _spatial_step(draw, op: str, a: int, sa: tuple, rng: np.random.Generator):
    """conv2d, max_pool2d or avg_pool2d of node a (reshaped to an image, or to a conv kernel)."""
    if 0 in sa:
        return None
    shape4 = _as_image(sa)
    _, c, h, w = shape4
    small = st.integers(1, 3)
    if op == "conv2d":
        stride = (draw(small), draw(small))
        padding = (draw(st.integers(0, 1)), draw(st.integers(0, 1)))
        out_channels = draw(st.integers(1, 2))
        params = {"stride": stride, "padding": padding, "shape4": shape4,
                  "bias": rng.uniform(-1, 1, out_channels) if draw(st.booleans()) else None}
        if draw(st.booleans()) and h <= 3 and w <= 3:  # the node is the kernel, one output channel
            image = (draw(st.integers(1, 2)), c, draw(st.integers(h, h + 2)), draw(st.integers(w, w + 2)))
            bias = None if params["bias"] is None else params["bias"][:1]
            return Step(op, (a,), {**params, "bias": bias, "image": rng.uniform(-1, 1, image)})
        kernel = (draw(st.integers(1, min(3, h + 2 * padding[0]))), draw(st.integers(1, min(3, w + 2 * padding[1]))))
        return Step(op, (a,), {**params, "weight": rng.uniform(-1, 1, (out_channels, c, *kernel))})
    kernel = (draw(st.integers(1, min(3, h))), draw(st.integers(1, min(3, w))))
    stride = draw(st.one_of(st.none(), st.tuples(small, small)))
    padding = (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2)))
    params = {"shape4": shape4, "kernel": kernel, "stride": stride, "padding": padding}
    if op == "max_pool2d":
        params["offsets"] = (rng.permutation(int(np.prod(sa))) * 0.05).reshape(shape4)
    return Step(op, (a,), params)


def _matmul_shape(sa: tuple, sb: tuple):
    try:
        return np.matmul(np.zeros(sa), np.zeros(sb)).shape if sa and sb else None  # (zeros: no overflow)
    except ValueError:
        return None


@st.composite
def recipes(draw, max_steps: int = 8, ops=ALL_OPS):
    """A random graph: 1–3 leaves, 1–max_steps steps, reuse of earlier nodes at random."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)  # values: continuous, so no node sits exactly on a kink
    leaf_shapes = draw(st.lists(shapes(max_dims=3, max_side=4), min_size=1, max_size=3))
    recipe = Recipe(leaves=[rng.uniform(-2, 2, s) for s in leaf_shapes])
    from tinygrad_edu import Tensor, no_grad
    ops_tg = TinygradOps()
    with no_grad():
        nodes = [Tensor(a) for a in recipe.leaves]
        for _ in range(draw(st.integers(1, max_steps))):
            step = draw(_step(draw(st.sampled_from(ops)), [n.shape for n in nodes], rng))
            if step is None:
                continue
            out = apply_step(ops_tg, step, nodes)
            if out.size > MAX_SIZE or out.ndim > MAX_NDIM or out.size == 0:
                continue
            recipe.steps.append(step)
            nodes.append(out)
    used = {i for s in recipe.steps for i in s.args}
    recipe.sinks = [i for i in range(len(nodes)) if i not in used and i >= len(recipe.leaves)]
    if not recipe.sinks:  # no step fitted: the output is the leaves themselves
        recipe.sinks = list(range(len(recipe.leaves)))
    recipe.weights = [rng.uniform(0.5, 1.5, nodes[i].shape) * rng.choice([-1, 1], nodes[i].shape)
                      for i in recipe.sinks]
    return recipe
