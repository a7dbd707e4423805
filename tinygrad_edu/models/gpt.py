"""A tiny GPT: nanoGPT's architecture (Karpathy, github.com/karpathy/nanoGPT, after Radford et
al. 2019, "Language Models are Unsupervised Multitask Learners"), in tinygrad_edu's tensor ops.

    tokens ─ wte ─┐
                  + ─ drop ─ [Block] × n_layer ─ ln_f ─ lm_head ─ logits
    positions wpe ┘
    Block:  x = x + attn(ln_1(x));   x = x + mlp(ln_2(x))        (pre-LayerNorm residual blocks)
    attn:   causal multi-head self-attention, q, k, v from one Linear (c_attn), c_proj after
    mlp:    Linear(E, 4E) → GELU → Linear(4E, E)

Parameter names and initialisation are nanoGPT's (N(0, 0.02) weights, zero biases, the
residual projections c_proj N(0, 0.02/√(2·n_layer)); the lm_head shares its weight with wte),
so the state_dict loads into nanoGPT's model and into the PyTorch twin of the tests."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import functional as F
from .. import nn
from ..optim import AdamW
from ..tensor import Tensor


@dataclass
class GPTConfig:
    vocab_size: int = 65
    block_size: int = 64
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 128
    dropout: float = 0.0
    bias: bool = True          # biases in the Linears and LayerNorms


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention in which position t attends to positions ≤ t only (Vaswani et
    al. 2017): q, k, v from one Linear, per head softmax(q kᵀ/√d_head, future masked) v, the
    heads side by side through c_proj. Written out as nanoGPT's manual path — a matmul, a
    masked fill, a softmax, a matmul — so that each step is a node of the graph. With
    `keep_weights = True` the last forward keeps its attention weights (B, H, T, T) in
    `.weights` (a numpy array), for pictures."""

    def __init__(self, config: GPTConfig):
        if config.n_embd % config.n_head:
            raise ValueError(f"CausalSelfAttention: n_head={config.n_head} does not divide "
                             f"n_embd={config.n_embd}")
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd, bias=config.bias)
        self.c_proj = nn.Linear(config.n_embd, config.n_embd, bias=config.bias)
        self.attn_dropout = nn.Dropout(config.dropout)
        self.resid_dropout = nn.Dropout(config.dropout)
        self.n_head, self.n_embd = config.n_head, config.n_embd
        self.keep_weights, self.weights = False, None

    def forward(self, x: Tensor) -> Tensor:
        B, T, C = x.shape
        q, k, v = (t.reshape(B, T, self.n_head, C // self.n_head).transpose(1, 2)       # (B, H, T, hs)
                   for t in self.c_attn(x).split(self.n_embd, dim=2))
        scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(C // self.n_head))        # (B, H, T, T)
        att = scores.masked_fill(_future(T), float("-inf")).softmax(-1)
        if self.keep_weights:
            self.weights = att.data.copy()
        y = self.attn_dropout(att) @ v                                                    # (B, H, T, hs)
        return self.resid_dropout(self.c_proj(y.transpose(1, 2).reshape(B, T, C)))


_CONSTANTS = {}


def _constant(key: tuple, make) -> np.ndarray:
    """An array the model uses in every forward (the causal mask, the positions), made once per
    size and read-only: a compiled step sees the same array every call."""
    if key not in _CONSTANTS:
        array = make()
        array.flags.writeable = False
        _CONSTANTS[key] = array
    return _CONSTANTS[key]


def _future(T: int) -> np.ndarray:
    """(T, T) booleans, True above the diagonal: the positions after each one."""
    return _constant(("future", T), lambda: np.triu(np.ones((T, T), dtype=bool), k=1))


def _positions(T: int) -> np.ndarray:
    return _constant(("positions", T), lambda: np.arange(T))


class MLP(nn.Module):
    def __init__(self, config: GPTConfig):
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd, bias=config.bias)
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd, bias=config.bias)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: Tensor) -> Tensor:
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))


class Block(nn.Module):
    def __init__(self, config: GPTConfig):
        self.ln_1 = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.mlp = MLP(config)

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    """nanoGPT's `transformer` container (a ModuleDict there): the names wte, wpe, h.0, …, ln_f."""

    def __init__(self, config: GPTConfig):
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)
        self.wpe = nn.Embedding(config.block_size, config.n_embd)
        self.drop = nn.Dropout(config.dropout)
        self.h = nn.ModuleList([Block(config) for _ in range(config.n_layer)])
        self.ln_f = nn.LayerNorm(config.n_embd, bias=config.bias)


class GPT(nn.Module):
    """`model(idx)` with idx (B, T) integer tokens, T ≤ block_size → logits (B, T, vocab_size)."""

    def __init__(self, config: GPTConfig):
        self.config = config
        self.transformer = Transformer(config)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.lm_head.weight = self.transformer.wte.weight        # weight tying (Press & Wolf 2017)
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * config.n_layer))
            elif p.ndim >= 2:
                nn.init.normal_(p, 0.0, 0.02)
            elif not name.split(".")[-2].startswith("ln"):
                nn.init.zeros_(p)

    def forward(self, idx) -> Tensor:
        idx = np.asarray(idx.data if isinstance(idx, Tensor) else idx)
        if idx.ndim != 2:
            raise ValueError(f"GPT: idx must be (batch, time) integers, got shape {idx.shape}")
        T = idx.shape[1]
        if T > self.config.block_size:
            raise ValueError(f"GPT: a sequence of {T} tokens is longer than block_size="
                             f"{self.config.block_size}")
        t = self.transformer
        x = t.drop(t.wte(idx) + t.wpe(_positions(T)))
        for block in t.h:
            x = block(x)
        return self.lm_head(t.ln_f(x))

    def loss(self, idx, targets) -> Tensor:
        """Mean cross-entropy of the next-token predictions at every position. idx and targets:
        (B, T) integer arrays, or int64 Tensors (what a tg.compile'd step takes)."""
        logits = self(idx)
        if not isinstance(targets, Tensor):
            targets = Tensor(np.asarray(targets), dtype=np.int64)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

    def configure_optimizer(self, lr: float = 1e-3, weight_decay: float = 0.1, betas=(0.9, 0.99)):
        """nanoGPT's AdamW: weight decay on the matrices (Linear weights, embeddings) only, not on
        biases and LayerNorm gains."""
        params = self.parameters()
        decay = [p for p in params if p.ndim >= 2]
        no_decay = [p for p in params if p.ndim < 2]
        return AdamW([{"params": decay, "weight_decay": weight_decay},
                      {"params": no_decay, "weight_decay": 0.0}], lr=lr, betas=betas)

    def num_parameters(self) -> int:
        return sum(p.data.size for p in self.parameters())
