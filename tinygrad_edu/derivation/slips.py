"""Slips that need the graph: a disagreeing formula compared with what a known slip at one of
the tensor's uses would have given. Each hypothesis is an array and a sentence; the first that
the formula matches (within the tolerance) is the diagnosis. All arithmetic is numpy on arrays
taken from the graph once.

- a forgotten use: a tensor used more than once gets the SUM over its uses (a weight shared
  across time steps: the sum over time; batch norm's input: the mean's and variance's paths);
- a skipped local derivative: the formula is the gradient of the op's output, unchanged
  (σ′ forgotten; a mask not applied in backward);
- matmul: W used where Wᵀ belongs, or another tensor where the op's operand belongs;
- mul: another tensor where the other factor belongs (c_t where c_{t−1} belongs);
- softmax: its Jacobian replaced by its diagonal s(1 − s); the mask not applied (the softmax
  of the unmasked scores).
"""
from __future__ import annotations

from itertools import combinations

import numpy as np

from ..broadcasting import broadcast_axes

MASKING = ("masked_fill", "where")
SKIPPED = {   # what the words say when an op's local derivative is skipped, by op name
    "sigmoid": "the factor σ′ = σ(1 − σ) (A·(1 − A)) is missing",
    "tanh": "the factor 1 − tanh² is missing",
    "relu": "the mask 1[x > 0] is missing",
    "masked_fill": "the mask is not applied in backward: the filled positions must get gradient 0",
    "where": "the mask is not applied in backward: the positions not taken must get gradient 0",
    "softmax": "the softmax's Jacobian is skipped altogether",
    "exp": "the factor eˣ is missing",
    "log": "the factor 1/x is missing",
}


def graph_slip(graph, t, value: np.ndarray, factor: float, tol) -> str:
    """The words for the first slip whose array the formula matches, or ""."""
    uses = graph.uses(t)
    if not uses or value.shape != t.shape:
        return ""
    grads = graph.output_grads([out for _, out in uses], factor)
    for words, array in _hypotheses(graph, t, uses, grads):
        if array is not None and array.shape == value.shape and tol.agrees(value, array):
            return words() if callable(words) else words
    return ""


def _hypotheses(graph, t, uses, grads):
    through = graph.through_each_use(t, uses, grads) if len(uses) > 1 else None
    yield from _forgotten_uses(graph, t, uses, through)
    for i, ((fn, out), g) in enumerate(zip(uses, grads)):
        # a slip in one use, the other uses' terms right
        others = sum(through[j] for j in range(len(uses)) if j != i) if through else 0
        for words, array in _one_use(graph, t, fn, out, g):
            yield words, (None if array is None or array.shape != t.shape else array + others)


def _one_use(graph, t, fn, out, g):
    for k, inp in enumerate(fn.inputs):
        if inp is not t:
            continue
        yield from _skipped(fn, out, g, t)
        if fn.name == "matmul":
            yield from _matmul(graph, fn, k, g, t)
        elif fn.name == "mul":
            yield from _mul(graph, fn, k, g, t)
        elif fn.name == "softmax":
            yield from _softmax(fn, out, g, t)
        elif fn.name == "cross_entropy" and k == 0 and t.ndim == 2:
            yield from _cross_entropy(fn, g, t)
        elif fn.name == "max_pool2d" and t.ndim == 4:
            yield from _max_pool(g, t)
        elif fn.name == "index":
            yield from _index(fn, g, t)


def _forgotten_uses(graph, t, uses, through):
    """Through some of the uses only: each use's share is computed by the op's own backward."""
    if through is None:
        return
    n = len(uses)
    last = max(range(n), key=lambda i: -graph.position[id(uses[i][1])])   # nearest the loss
    sizes = range(1, n) if n <= 6 else (1, n - 1)   # a long recurrence: one use, or all but one
    for size in sizes:
        for chosen in combinations(range(n), size):
            yield (lambda chosen=chosen: _forgotten_words(graph, uses, chosen, last)), \
                np.sum([through[i] for i in chosen], axis=0)


def _forgotten_words(graph, uses, chosen, last) -> str:
    n, size = len(uses), len(chosen)
    used = ", ".join(uses[i][0].name for i in chosen)
    if n >= 3 and chosen == (last,):
        return (f"is the gradient of the last time step only (its use in {used}), not summed over "
                f"time: a weight shared by {n} steps gets the SUM of the gradients of all {n} steps")
    missed = [uses[i] for i in range(n) if i not in chosen]
    paths = ", ".join(" → ".join(p) for p in (_named_path(graph, out) for _, out in missed) if p)
    return (f"is the gradient through {size} of its {n} uses only ({used}): the term from its use "
            f"in {', '.join(fn.name for fn, _ in missed)} is missing"
            + (f" (the path through {paths})" if paths else "")
            + "; a tensor used more than once gets the SUM of the gradients of its uses")


def _named_path(graph, out, steps: int = 3) -> list:
    """The names along the single path from `out` towards the loss (a few steps)."""
    names = []
    for _ in range(steps):
        if out.name:
            names.append(out.name)
        uses = graph.uses(out)
        if len(uses) != 1:
            break
        out = uses[0][1]
    return names


def _skipped(fn, out, g, t):
    # add, sub …: the gradient passes unchanged; mul, div: a factor (the numbers name it: √d, m)
    if out.shape != t.shape or fn.name in ("add", "sub", "neg", "reshape", "clone", "cast", "mul", "div"):
        return
    what = SKIPPED.get(fn.name, f"the local derivative of {fn.name} ({fn.derivative}) is missing")
    source = f"d{out.name}" if out.name else f"the gradient of {fn.name}'s output"
    yield f"equals {source} unchanged: {what}", g
    s = out.data.astype(np.float64)
    if fn.name == "sigmoid":
        yield "σ′ = σ(1 − σ) is half there: the factor (1 − σ) is missing", g * s
        yield "σ′ = σ(1 − σ) is half there: the factor σ is missing", g * (1 - s)
    if fn.name == "tanh":
        yield "the factor is 1 − tanh, not 1 − tanh² (the square is missing)", g * (1 - s)


def _matmul(graph, fn, k, g, t):
    x, w = (inp.data.astype(np.float64) for inp in fn.inputs)
    other = fn.inputs[1 - k]
    name = other.name or ("the right operand" if k == 0 else "the left operand")
    if g.ndim != 2 or x.ndim != 2 or w.ndim != 2:
        return
    if k == 1 and x.shape[0] == x.shape[1]:
        yield (f"matches {name} · G instead of {name}ᵀ · G: {name} used where {name}ᵀ belongs "
               f"(the gradient of x in W·x is Wᵀ·G)"), x @ g
    if k == 0 and w.shape[0] == w.shape[1]:
        yield (f"matches G · {name} instead of G · {name}ᵀ: {name} used where {name}ᵀ belongs "
               f"(the gradient of W in W·x is G·xᵀ)"), g @ w
    for n in graph.named_like(other):
        v = n.data.astype(np.float64)
        array = g @ v.T if k == 0 else v.T @ g
        yield (f"matches the formula with {n.name} where {name} belongs: {n.name} used for "
               f"{name}, the operand of this matmul"), array


def _mul(graph, fn, k, g, t):
    other = fn.inputs[1 - k]
    name = other.name or "the other factor"
    if other.size > 1:   # a constant factor is the numbers' to name (√d, m)
        yield f"the factor {name} is missing (the gradient of x in x·y is G·y)", _sum_to(g, t.shape)
    for n in graph.named_like(other):
        yield (f"uses {n.name} where {name} belongs (the gradient of one factor of a product is "
               f"G times the OTHER factor, {name})"), _sum_to(g * n.data.astype(np.float64), t.shape)


def _softmax(fn, out, g, t):
    s = out.data.astype(np.float64)
    yield ("the softmax Jacobian replaced by its diagonal s(1 − s): the off-diagonal terms "
           "−sᵢ·sⱼ are missing (∂ = s·(G − Σ G·s))"), s * (1 - s) * g
    source = t.grad_fn
    if source is not None and source.name in MASKING:
        scores = next(inp for inp in source.inputs if inp.shape == t.shape).data.astype(np.float64)
        e = np.exp(scores - scores.max(axis=fn.axis, keepdims=True))
        u = e / e.sum(axis=fn.axis, keepdims=True)
        yield ("the mask is not applied in backward: the softmax's derivative uses the softmax of "
               "the UNMASKED scores"), u * (g - (g * u).sum(axis=fn.axis, keepdims=True))


def _cross_entropy(fn, g, t):
    x = t.data.astype(np.float64)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    n = x.shape[0] if getattr(fn, "reduction", "mean") == "mean" else 1
    yield ("the one-hot y is not subtracted: the gradient of softmax + cross-entropy is (p − y)/N, "
           "not p/N"), e / e.sum(axis=1, keepdims=True) * g / n


def _max_pool(g, t):
    kh, kw = t.shape[2] // g.shape[2], t.shape[3] // g.shape[3]
    if kh * g.shape[2] != t.shape[2] or kw * g.shape[3] != t.shape[3]:
        return
    spread = np.repeat(np.repeat(g, kh, axis=2), kw, axis=3)
    yield ("G spread over the whole window as an average pool's is: max pooling's mask is "
           "missing (only each window's max gets G)"), spread / (kh * kw)


def _index(fn, g, t):
    overwritten = np.zeros(t.shape)
    overwritten[fn.index] = g
    yield ("the repeats overwrite each other: a row looked up more than once gets the SUM of the "
           "gradients of its lookups (np.add.at, not dC[index] = …)"), overwritten


def _sum_to(x: np.ndarray, shape: tuple) -> np.ndarray:
    return np.sum(x, axis=broadcast_axes(x.shape, shape), keepdims=True).reshape(shape)
