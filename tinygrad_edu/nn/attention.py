"""nn.MultiheadAttention, as PyTorch's: the packed in_proj_weight (3E, E) makes Q, K and V, each
head attends on its own slice of E/H features (softmax(Q Kᵀ/√(E/H)) V, Vaswani et al. 2017,
§3.2.2), and out_proj joins the heads. The attention itself is tinygrad_edu.attention's, so the
graph shows its matmul, scale, mask, softmax and matmul."""
from __future__ import annotations

import math

import numpy as np

from .. import functional as F
from ..attention import attention_weights, fixed_like, read_mask
from ..tensor import Tensor, array_of, as_tensor, describe
from . import init
from .layers import Linear
from .module import Module
from .normalization import _floating, _positive_int
from .parameter import Parameter


class MultiheadAttention(Module):
    """Parameters `in_proj_weight` (3E, E) (rows: W_q, W_k, W_v), `in_proj_bias` (3E,), `out_proj`
    (a Linear(E, E)); initialised as PyTorch: xavier_uniform_ for in_proj_weight, zeros for both
    biases, out_proj.weight as a Linear's. Mind the mask rule: in a boolean `attn_mask` or
    `key_padding_mask` of this module, True marks a position that may NOT be attended (the
    opposite of F.scaled_dot_product_attention's)."""

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 batch_first: bool = False, dtype=None):
        who = "MultiheadAttention"
        self.embed_dim = self.kdim = self.vdim = _positive_int(who, "embed_dim", embed_dim)
        self.num_heads = _positive_int(who, "num_heads", num_heads)
        if embed_dim % num_heads:
            raise ValueError(f"{who}: embed_dim={embed_dim} must be divisible by num_heads={num_heads} "
                             f"(each head attends on embed_dim // num_heads features)")
        F._check_probability(who, dropout)
        self.dropout, self.batch_first = dropout, bool(batch_first)
        self.head_dim = embed_dim // num_heads
        dtype = _floating(who, dtype)
        self.in_proj_weight = init.xavier_uniform_(Parameter(np.empty((3 * embed_dim, embed_dim), dtype)))
        self.in_proj_bias = Parameter(np.zeros(3 * embed_dim, dtype)) if bias else None
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, dtype=dtype)
        if bias:
            init.zeros_(self.out_proj.bias)

    def forward(self, query, key, value, key_padding_mask=None, need_weights: bool = True, attn_mask=None,
                average_attn_weights: bool = True, is_causal: bool = False):
        """query (L, N, E), key and value (S, N, E) — (N, L, E), (N, S, E) with batch_first, or
        unbatched (L, E), (S, E) — → (attn_output of query's shape, attn_weights (N, L, S) averaged
        over the heads, (N, H, L, S) with average_attn_weights=False, or None with need_weights=False).
        key_padding_mask (N, S) or (S,); attn_mask (L, S) or (N·H, L, S); boolean: True = blocked,
        float: added to the scores. is_causal is a hint that attn_mask is the causal mask, as PyTorch."""
        who = f"MultiheadAttention(embed_dim={self.embed_dim}, num_heads={self.num_heads})"
        q, k, v = (as_tensor(t, who, arg=name) for t, name in ((query, "query"), (key, "key"), (value, "value")))
        batched = self._check_inputs(who, q, k, v)
        if is_causal and attn_mask is None:
            raise ValueError(f"{who}: is_causal=True is a hint that attn_mask is the causal mask; pass "
                             "attn_mask too (e.g. ~tg.tril(tg.ones(L, L)).numpy().astype(bool))")
        if not batched:
            q, k, v = q.unsqueeze(0), k.unsqueeze(0), v.unsqueeze(0)
        elif not self.batch_first:
            q, k, v = q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1)
        n, length, source_length = q.shape[0], q.shape[1], k.shape[1]
        blocked, added = self._masks(who, attn_mask, key_padding_mask, batched, n, length, source_length, q.dtype)
        q, k, v = (self._heads(t).named(name) for t, name in
                   zip(self._project(query is key and key is value, q, k, v), "QKV"))
        weights = attention_weights(q, k, 1.0 / math.sqrt(self.head_dim), blocked, added,
                                    empty_rows=np.nan if need_weights else 0.0)
        if self.training and self.dropout > 0:
            weights = F.dropout(weights, self.dropout)
        out = (weights @ v).transpose(1, 2).reshape(n, length, self.embed_dim).named("heads joined")
        out = self.out_proj(out)
        if not batched:
            out = out.squeeze(0)
        elif not self.batch_first:
            out = out.transpose(0, 1)
        if not need_weights:
            return out, None
        if average_attn_weights:
            weights = weights.mean(axis=1)
        return out, (weights.squeeze(0) if not batched else weights)

    def _check_inputs(self, who: str, q: Tensor, k: Tensor, v: Tensor) -> bool:
        shapes = f"query {q.shape}, key {k.shape}, value {v.shape}"
        if q.ndim not in (2, 3) or k.ndim != q.ndim or v.ndim != q.ndim:
            layout = "(N, L, E)" if self.batch_first else "(L, N, E)"
            raise ValueError(f"{who}: query, key and value must all be batched {layout} or all unbatched "
                             f"(L, E); got {shapes}")
        for t, name in ((q, "query"), (k, "key"), (v, "value")):
            if t.dtype.kind != "f":
                raise TypeError(f"{who}: {name} must be floating, got {describe(t)}")
            if t.shape[-1] != self.embed_dim:
                raise ValueError(f"{who}: {name} must have embed_dim={self.embed_dim} features on its last "
                                 f"axis, got {describe(t)} ({shapes})")
        batch_axis = 0 if self.batch_first else 1
        if q.ndim == 3 and not q.shape[batch_axis] == k.shape[batch_axis] == v.shape[batch_axis]:
            raise ValueError(f"{who}: query, key and value must have the same batch size (axis {batch_axis}), "
                             f"got {shapes}")
        seq_axis = 1 if q.ndim == 3 and self.batch_first else 0
        if k.shape[seq_axis] != v.shape[seq_axis]:
            raise ValueError(f"{who}: key and value must have the same length S (axis {seq_axis}), got {shapes}")
        return q.ndim == 3

    def _masks(self, who, attn_mask, key_padding_mask, batched, n, length, source_length, dtype):
        """Both masks as one (blocked, added) pair over the scores (N, H, L, S)."""
        heads = self.num_heads
        scores = (n, heads, length, source_length)
        blocked, added = None, None
        if attn_mask is not None:
            array = array_of(attn_mask, who, "attn_mask")
            if array.shape not in ((length, source_length), (n * heads, length, source_length)):
                want = (f"(L, S) = {(length, source_length)} or (N·num_heads, L, S) = "
                        f"{(n * heads, length, source_length)}")
                raise ValueError(f"{who}: attn_mask must have shape {want}, got {array.shape}")
            per_head = fixed_like(array.reshape((-1, heads) + array.shape[-2:]), array) if array.ndim == 3 else array
            blocked, added = read_mask(who, "attn_mask", per_head, scores, dtype, true_means_blocked=True)
        if key_padding_mask is not None:
            array = array_of(key_padding_mask, who, "key_padding_mask")
            want = (n, source_length) if batched else (source_length,)
            if array.shape != want:
                raise ValueError(f"{who}: key_padding_mask must have shape {'(N, S)' if batched else '(S,)'} "
                                 f"= {want}, got {array.shape}")
            pad_blocked, pad_added = read_mask(who, "key_padding_mask",
                                               fixed_like(array.reshape(-1, 1, 1, source_length), array),
                                               scores, dtype, true_means_blocked=True)
            blocked = _combine(blocked, pad_blocked, np.logical_or)
            added = _combine(added, pad_added, np.add)
        return blocked, added

    def _project(self, self_attention: bool, q: Tensor, k: Tensor, v: Tensor) -> tuple:
        """Q, K, V = x W_qᵀ + b_q, … with W_q, W_k, W_v the row blocks of in_proj_weight."""
        if self_attention:
            return F.linear(q, self.in_proj_weight, self.in_proj_bias).chunk(3, dim=-1)
        weights = self.in_proj_weight.chunk(3)
        biases = self.in_proj_bias.chunk(3) if self.in_proj_bias is not None else (None,) * 3
        return tuple(F.linear(x, w, b) for x, w, b in zip((q, k, v), weights, biases))

    def _heads(self, x: Tensor) -> Tensor:
        """(N, L, E) → (N, H, L, E/H): each head gets its slice of the features."""
        n, length, _ = x.shape
        return x.reshape(n, length, self.num_heads, self.head_dim).transpose(1, 2)

    def extra_repr(self) -> str:
        return (f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, dropout={self.dropout}, "
                f"batch_first={self.batch_first}")


def _combine(a, b, how):
    """The two masks' union (boolean) or sum (float); either may be None."""
    if a is None or b is None:
        return b if a is None else a
    return fixed_like(how(a, b), a, b)
