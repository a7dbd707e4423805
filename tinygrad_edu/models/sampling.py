"""Drawing the next token from a language model's logits, and nanoGPT's generate loop."""
from __future__ import annotations

import numpy as np

from ..grad_mode import no_grad
from ..sampling import multinomial
from ..tensor import Tensor


def sample_next(logits, temperature: float = 1.0, top_k: int | None = None) -> np.ndarray:
    """One token per row of `logits` (B, V): softmax(logits / temperature), keeping only the
    top_k largest logits when given, drawn with tg.multinomial (seeded by tg.manual_seed).
    Lower temperature: safer, more repetitive choices; higher: more surprising ones."""
    if temperature <= 0:
        raise ValueError(f"sample_next: temperature must be > 0, got {temperature}")
    z = np.asarray(logits.data if isinstance(logits, Tensor) else logits, dtype=np.float64) / temperature
    if top_k is not None:
        k = min(int(top_k), z.shape[-1])
        kth = np.partition(z, -k, axis=-1)[..., -k, None]
        z = np.where(z < kth, -np.inf, z)
    z = z - z.max(axis=-1, keepdims=True)
    probs = np.exp(z)
    return multinomial(Tensor(probs / probs.sum(axis=-1, keepdims=True)), 1).data[..., 0]


def generate(model, idx, max_new_tokens: int, temperature: float = 1.0, top_k: int | None = None) -> np.ndarray:
    """Extend each row of idx (B, T) by `max_new_tokens` tokens, feeding the model its last
    block_size tokens each time (nanoGPT's loop). Runs in eval mode without a graph; returns
    the (B, T + max_new_tokens) int64 array."""
    idx = np.asarray(idx.data if isinstance(idx, Tensor) else idx, dtype=np.int64)
    block = model.config.block_size
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            for _ in range(max_new_tokens):
                logits = model(idx[:, -block:])
                nxt = sample_next(logits.data[:, -1, :], temperature, top_k)
                idx = np.concatenate([idx, nxt[:, None].astype(np.int64)], axis=1)
    finally:
        model.train(was_training)
    return idx

