"""A makemore-style character-level recurrent language model (Karpathy's makemore, after
Mikolov et al. 2010, "Recurrent neural network based language model"):

    characters ─ Embedding ─ LSTM or GRU ─ Linear ─ logits of the next character

Trained on words padded as data.text.word_sequences makes them ("." starts and ends a word),
it learns which letters follow which, and `sample_words` writes new words one character at a
time, carrying the recurrent state."""
from __future__ import annotations

import numpy as np

from .. import functional as F
from .. import nn
from ..grad_mode import no_grad
from ..tensor import Tensor
from .sampling import sample_next

CELLS = {"lstm": "LSTM", "gru": "GRU", "rnn": "RNN"}


class CharRNN(nn.Module):
    """`model(idx, state=None)` with idx (B, T) integer characters → (logits (B, T, vocab_size),
    state): the recurrent layer's final state ((h, c) for the LSTM), to continue from."""

    def __init__(self, vocab_size: int, embedding_dim: int = 32, hidden_size: int = 128, cell: str = "lstm",
                 num_layers: int = 1):
        if cell not in CELLS:
            raise ValueError(f"CharRNN: cell must be one of {sorted(CELLS)}, got {cell!r}")
        self.cell = cell
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.rnn = getattr(nn, CELLS[cell])(embedding_dim, hidden_size, num_layers=num_layers, batch_first=True)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx, state=None) -> tuple:
        output, state = self.rnn(self.embedding(idx), state)
        return self.head(output), state

    def loss(self, x, y, ignore_index: int = -100) -> Tensor:
        """Mean cross-entropy of the next character at every position; positions whose target
        is `ignore_index` (padding past a word's end) count for nothing."""
        logits, _ = self(x)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), np.asarray(y).reshape(-1),
                               ignore_index=ignore_index)

    def sample_words(self, count: int, max_length: int = 30, temperature: float = 1.0, end: int = 0) -> list:
        """`count` new sequences of character indices, each begun from `end` (makemore's ".")
        and stopped when the model writes `end` again (or after max_length characters)."""
        was_training = self.training
        self.eval()
        idx = np.full((count, 1), end, dtype=np.int64)
        out = np.full((count, max_length), end, dtype=np.int64)
        done = np.zeros(count, dtype=bool)
        state = None
        try:
            with no_grad():
                for t in range(max_length):
                    logits, state = self(idx, state)
                    nxt = sample_next(logits.data[:, -1, :], temperature)
                    nxt[done] = end
                    out[:, t] = nxt
                    done |= nxt == end
                    if done.all():
                        break
                    idx = nxt[:, None].astype(np.int64)
        finally:
            self.train(was_training)
        return [row[:np.argmax(row == end)] if (row == end).any() else row for row in out]
