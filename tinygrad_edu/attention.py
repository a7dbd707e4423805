"""Attention, built from ops a learner can follow in the graph (Vaswani et al. 2017, eq. 1):

    scores  = Q Kᵀ · scale                       matmul (of Kᵀ: a transpose), mul
    scores  = scores + float mask                add          (a float attn_mask)
    scores  = masked_fill(scores, blocked, −∞)   masked_fill  (a boolean mask, is_causal)
    weights = softmax(scores)                    softmax over the keys
    weights = dropout(weights)                   mul by the dropout mask (dropout_p > 0)
    output  = weights V                          matmul

F.scaled_dot_product_attention is this; nn.MultiheadAttention runs it on every head. A query
that may attend to no key at all (its whole row blocked) gets weights 0 and output 0, as
PyTorch's scaled_dot_product_attention: its row of scores is set to 0 before the softmax and its
weights to 0 after it (two more masked_fill nodes, only when such a row exists).

Under tg.compile, a mask is read at each replay when the step passes the same array each call;
an array this module derives from a mask (¬mask, a reshape, a union) is a constant of the
replay when the mask is read-only (`mask.flags.writeable = False`; is_causal's mask always is),
and otherwise the step is refused rather than replayed with a stale mask."""
from __future__ import annotations

import math

import numpy as np

from .dropout import _check_probability, dropout
from .tensor import Tensor, array_of, as_tensor, describe, wrap

SDPA = "scaled_dot_product_attention"


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None) -> Tensor:
    """softmax(Q Kᵀ · scale + mask) V for query (…, L, E), key (…, S, E), value (…, S, Ev) →
    (…, L, Ev); scale defaults to 1/√E. A boolean attn_mask is True where attention is ALLOWED
    (PyTorch's rule for this function); a float one is added to the scores. is_causal=True:
    query i attends to keys 0 … i. dropout_p > 0 drops attention weights (always, as PyTorch)."""
    q, k, v = (as_tensor(t, SDPA, arg=name) for t, name in ((query, "query"), (key, "key"), (value, "value")))
    check_query_key_value(SDPA, q, k, v)
    _check_probability(SDPA, dropout_p)
    scores_shape = np.broadcast_shapes(q.shape[:-2], k.shape[:-2]) + (q.shape[-2], k.shape[-2])
    if is_causal:
        if attn_mask is not None:
            raise ValueError(f"{SDPA}: give attn_mask or is_causal=True, not both (is_causal makes the "
                             "causal mask itself)")
        blocked, added = causal_blocked(q.shape[-2], k.shape[-2]), None
    else:
        blocked, added = read_mask(SDPA, "attn_mask", attn_mask, scores_shape, q.dtype, true_means_blocked=False)
    weights = attention_weights(q, k, scale, blocked, added)
    if dropout_p > 0:
        weights = dropout(weights, dropout_p)
    return weights @ v


def check_query_key_value(who: str, q: Tensor, k: Tensor, v: Tensor) -> None:
    shapes = f"query {q.shape}, key {k.shape}, value {v.shape}"
    if min(q.ndim, k.ndim, v.ndim) < 2:
        raise ValueError(f"{who}: query, key and value need at least 2 dimensions (…, L, E), (…, S, E), "
                         f"(…, S, Ev); got {shapes}")
    for t, name in ((q, "query"), (k, "key"), (v, "value")):
        if t.dtype.kind != "f":
            raise TypeError(f"{who}: {name} must be floating, got {describe(t)}")
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"{who}: query and key must have the same last axis E (each query is compared "
                         f"with each key), got {shapes}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"{who}: key and value must have the same number of positions S (axis -2), got {shapes}")
    try:
        np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    except ValueError:
        raise ValueError(f"{who}: the batch axes (all but the last two) of query, key and value do not "
                         f"broadcast: {shapes}") from None


def causal_blocked(length: int, source_length: int) -> np.ndarray:
    """True above the diagonal: query i may not attend to keys after i (top-left aligned, as
    PyTorch). Read-only: a constant, so tg.compile can replay a step that makes it."""
    return fixed_like(np.triu(np.ones((length, source_length), bool), 1))


def fixed_like(derived: np.ndarray, *sources: np.ndarray) -> np.ndarray:
    """Mark an array computed from masks read-only when its sources are (none: always), so that
    tg.compile reads it as a constant exactly when the masks it came from are constants."""
    if all(not s.flags.writeable for s in sources):
        derived.flags.writeable = False
    return derived


def read_mask(who: str, arg: str, mask, shape: tuple, dtype, true_means_blocked: bool):
    """A user's mask as (blocked, added): a boolean array (True: may not attend) or None, and a
    float array to add to the scores or None. It must broadcast to the scores' `shape`."""
    if mask is None:
        return None, None
    array = array_of(mask, who, arg)
    if array.dtype.kind not in "bf":
        raise TypeError(f"{who}: {arg} must be boolean or floating, got dtype {array.dtype} (shape {array.shape})")
    try:
        fits = np.broadcast_shapes(array.shape, shape) == shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"{who}: {arg} of shape {array.shape} does not broadcast to the attention scores' "
                         f"shape {shape}")
    if array.dtype.kind == "f":
        added = array.astype(dtype, copy=False)
        return None, (added if added is array else fixed_like(added, array))
    return (array if true_means_blocked else fixed_like(~array, array)), None


def attention_weights(q: Tensor, k: Tensor, scale, blocked, added, empty_rows: float = 0.0) -> Tensor:
    """softmax(Q Kᵀ · scale + added, with blocked entries −∞) over the keys. A row with no key to
    attend to gets `empty_rows` (0, or NaN as nn.MultiheadAttention's weights)."""
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = (q @ k.transpose(-2, -1)) * scale
    if added is not None:
        scores = scores + wrap(added).named("attn_mask")  # the caller's array: no copy
    if blocked is not None:
        scores = scores.masked_fill(blocked, -np.inf)
    empty = _empty_rows(blocked, added)
    if empty is None:
        return scores.softmax(-1).named("attention weights")
    return scores.masked_fill(empty, 0.0).softmax(-1).masked_fill(empty, empty_rows).named("attention weights")


def _empty_rows(blocked, added):
    """(…, L, 1) True where every key is blocked or −∞, or None when there is no such row."""
    minus_inf = blocked
    if added is not None:
        minus_inf = np.isneginf(added) if blocked is None else (blocked | np.isneginf(added))
    if minus_inf is None:
        return None
    empty = minus_inf.all(axis=-1, keepdims=True)
    sources = [a for a in (blocked, added) if a is not None]
    return fixed_like(empty, *sources) if empty.any() else None
