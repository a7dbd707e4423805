"""Embedding: a table of learned vectors, looked up by integer index."""
from __future__ import annotations

from .. import _random
from .. import functional as F
from .module import Module
from .normalization import _floating, _positive_int
from .parameter import Parameter


class Embedding(Module):
    """`weight` of shape (num_embeddings, embedding_dim), initialised N(0, 1) as PyTorch does;
    `embedding(idx)` has shape idx.shape + (embedding_dim,)."""

    def __init__(self, num_embeddings: int, embedding_dim: int, dtype=None):
        self.num_embeddings = _positive_int("Embedding", "num_embeddings", num_embeddings)
        self.embedding_dim = _positive_int("Embedding", "embedding_dim", embedding_dim)
        dtype = _floating("Embedding", dtype)
        self.weight = Parameter(_random.generator().standard_normal((num_embeddings, embedding_dim)).astype(dtype))

    def forward(self, idx):
        who = f"Embedding({self.num_embeddings}, {self.embedding_dim})"
        return F.embedding(F._check_indices(who, idx, self.num_embeddings), self.weight)

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}"
