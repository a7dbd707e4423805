"""Embedding: a table of learned vectors, looked up by integer index."""
from __future__ import annotations

from .. import _random
from .. import functional as F
from .module import Module
from .normalization import _floating, _positive_int
from .parameter import Parameter


class Embedding(Module):
    """`weight` of shape (num_embeddings, embedding_dim), initialised N(0, 1) as PyTorch does;
    `embedding(idx)` has shape idx.shape + (embedding_dim,). With `padding_idx` (negative counts
    from the end), that row starts at zeros and gets no gradient, so training leaves it zero."""

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None, dtype=None):
        self.num_embeddings = _positive_int("Embedding", "num_embeddings", num_embeddings)
        self.embedding_dim = _positive_int("Embedding", "embedding_dim", embedding_dim)
        self.padding_idx = F._padding_index("Embedding", padding_idx, self.num_embeddings)
        dtype = _floating("Embedding", dtype)
        weight = _random.generator().standard_normal((num_embeddings, embedding_dim)).astype(dtype)
        if self.padding_idx is not None:
            weight[self.padding_idx] = 0
        self.weight = Parameter(weight)

    def forward(self, idx):
        who = f"Embedding({self.num_embeddings}, {self.embedding_dim})"
        return F.embedding(F._check_indices(who, idx, self.num_embeddings), self.weight, self.padding_idx)

    def extra_repr(self) -> str:
        pad = "" if self.padding_idx is None else f", padding_idx={self.padding_idx}"
        return f"{self.num_embeddings}, {self.embedding_dim}{pad}"
