"""The tiny GPT's training step: nanoGPT's architecture with vocab 65, block 64, width 64, 4
heads, 2 layers (tinygrad_edu.models.GPT: token + position embeddings, pre-LayerNorm blocks of
causal self-attention and a GELU MLP, final LayerNorm, lm_head tied to the token embedding),
batch 16, mean cross-entropy of every next-token prediction, one AdamW step (lr 1e-3, betas
(0.9, 0.99), weight decay 0.1 on every parameter). float32, no dropout.

The numpy step is written by hand: forward, then the hand-derived backward (LayerNorm's
dx = (dx̂ − mean dx̂ − x̂·mean(dx̂ x̂))/σ, softmax's dS = P ⊙ (dP − Σ dP ⊙ P), GELU's
x·Φ(x) → Φ(x) + x·φ(x) with Φ from the same erfc as tinygrad_edu's gelu), AdamW as PyTorch's.
Most of its time is elementwise work on (16, 64, 256) and (16, 4, 64, 64) arrays."""
from __future__ import annotations

import math

import numpy as np

from tinygrad_edu.ops._numerics import erfc

from .base import COMPILED, Workload, compiled, softmax_cross_entropy, training_step

LR, BETAS, EPS, WEIGHT_DECAY = 1e-3, (0.9, 0.99), 1e-8, 0.1
LN_EPS = 1e-5
INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
SQRT_HALF = math.sqrt(0.5)


def sizes(tiny: bool) -> dict:
    if tiny:
        return {"vocab_size": 11, "block_size": 6, "n_layer": 2, "n_head": 2, "n_embd": 8, "batch": 3}
    return {"vocab_size": 65, "block_size": 64, "n_layer": 2, "n_head": 4, "n_embd": 64, "batch": 16}


def build(tiny: bool) -> dict:
    """Tokens, targets (the next tokens) and the initial weights, named as GPT.state_dict()."""
    s = sizes(tiny)
    from tinygrad_edu import manual_seed
    from tinygrad_edu.models import GPT, GPTConfig
    manual_seed(6)
    config = GPTConfig(**{k: v for k, v in s.items() if k != "batch"})
    weights = {k: v for k, v in GPT(config).state_dict().items() if k != "lm_head.weight"}   # tied to wte
    rng = np.random.default_rng(6)
    text = rng.integers(0, s["vocab_size"], (s["batch"], s["block_size"] + 1))
    return {"config": config, "idx": text[:, :-1], "targets": text[:, 1:], "weights": weights}


# --- numpy, by hand --------------------------------------------------------------------------------

def _layer_norm(x, g, b):
    mu = x.mean(axis=-1, keepdims=True)
    xc = x - mu
    rstd = 1 / np.sqrt((xc * xc).mean(axis=-1, keepdims=True) + LN_EPS)
    xhat = xc * rstd
    return xhat * g + b, (xhat, rstd)


def _layer_norm_backward(dout, g, cache):
    xhat, rstd = cache
    dxhat = dout * g
    dx = dxhat - dxhat.mean(axis=-1, keepdims=True) - xhat * (dxhat * xhat).mean(axis=-1, keepdims=True)
    dx *= rstd
    lead = tuple(range(dout.ndim - 1))
    return dx, (dout * xhat).sum(axis=lead), dout.sum(axis=lead)


def _linear_backward(dy, x, W):
    """y = x Wᵀ + b: (dx, dW, db), x and dy with any leading axes."""
    dy2 = dy.reshape(-1, dy.shape[-1])
    return dy @ W, dy2.T @ x.reshape(-1, x.shape[-1]), dy2.sum(axis=0)


def numpy_step(p: dict):
    config, idx, targets = p["config"], p["idx"], p["targets"].reshape(-1)
    w = {k: v.copy() for k, v in p["weights"].items()}
    names = list(w)
    B, T = idx.shape
    C, H, L = config.n_embd, config.n_head, config.n_layer
    hs = C // H
    n = B * T
    rows = np.arange(n)
    flat_idx = idx.reshape(-1)
    kind = w["transformer.wte.weight"].dtype.type         # float32 (float64 in the tests' check)
    causal = np.triu(np.full((T, T), -np.inf, dtype=kind), k=1)          # −inf above the diagonal
    scale, inv_sqrt_2pi = kind(1 / math.sqrt(hs)), kind(INV_SQRT_2PI)
    state = {k: (np.zeros_like(v), np.zeros_like(v)) for k, v in w.items()}
    steps = [0]

    def heads(t):                        # (B, T, C) → (B, H, T, hs)
        return t.reshape(B, T, H, hs).transpose(0, 2, 1, 3)

    def merge(t):                        # (B, H, T, hs) → (B, T, C)
        return t.transpose(0, 2, 1, 3).reshape(B, T, C)

    def step() -> float:
        wte = w["transformer.wte.weight"]
        x = wte[idx] + w["transformer.wpe.weight"][:T]
        caches = []
        for l in range(L):
            pre = f"transformer.h.{l}."
            h1, ln1 = _layer_norm(x, w[pre + "ln_1.weight"], w[pre + "ln_1.bias"])
            qkv = h1 @ w[pre + "attn.c_attn.weight"].T + w[pre + "attn.c_attn.bias"]
            q, k, v = (heads(t) for t in np.split(qkv, 3, axis=-1))
            scores = q @ k.transpose(0, 1, 3, 2)
            scores *= scale
            scores += causal
            scores -= scores.max(axis=-1, keepdims=True)
            P = np.exp(scores, out=scores)
            P /= P.sum(axis=-1, keepdims=True)
            y = merge(P @ v)
            x = x + (y @ w[pre + "attn.c_proj.weight"].T + w[pre + "attn.c_proj.bias"])
            h2, ln2 = _layer_norm(x, w[pre + "ln_2.weight"], w[pre + "ln_2.bias"])
            f = h2 @ w[pre + "mlp.c_fc.weight"].T + w[pre + "mlp.c_fc.bias"]
            cdf = erfc(f * -SQRT_HALF)
            cdf *= 0.5                                   # Φ(f) = ½ erfc(−f/√2)
            act = f * cdf                                # GELU
            x = x + (act @ w[pre + "mlp.c_proj.weight"].T + w[pre + "mlp.c_proj.bias"])
            caches.append((h1, ln1, q, k, v, P, y, h2, ln2, f, cdf, act))
        xf, lnf = _layer_norm(x, w["transformer.ln_f.weight"], w["transformer.ln_f.bias"])
        logits = xf.reshape(n, C) @ wte.T
        loss, d_logits = softmax_cross_entropy(logits, targets, rows)
        g = {}
        g["transformer.wte.weight"] = d_logits.T @ xf.reshape(n, C)     # the tied lm_head
        dx, g["transformer.ln_f.weight"], g["transformer.ln_f.bias"] = _layer_norm_backward(
            (d_logits @ wte).reshape(B, T, C), w["transformer.ln_f.weight"], lnf)
        for l in range(L - 1, -1, -1):
            pre = f"transformer.h.{l}."
            h1, ln1, q, k, v, P, y, h2, ln2, f, cdf, act = caches[l]
            d_act, g[pre + "mlp.c_proj.weight"], g[pre + "mlp.c_proj.bias"] = _linear_backward(
                dx, act, w[pre + "mlp.c_proj.weight"])
            density = f * f
            density *= -0.5
            np.exp(density, out=density)
            density *= inv_sqrt_2pi * f       # x·φ(x)
            density += cdf                               # GELU′ = Φ(x) + x·φ(x)
            d_f = d_act * density
            d_h2, g[pre + "mlp.c_fc.weight"], g[pre + "mlp.c_fc.bias"] = _linear_backward(
                d_f, h2, w[pre + "mlp.c_fc.weight"])
            d_x2, g[pre + "ln_2.weight"], g[pre + "ln_2.bias"] = _layer_norm_backward(
                d_h2, w[pre + "ln_2.weight"], ln2)
            dx = dx + d_x2
            d_y, g[pre + "attn.c_proj.weight"], g[pre + "attn.c_proj.bias"] = _linear_backward(
                dx, y, w[pre + "attn.c_proj.weight"])
            d_y = heads(d_y)
            d_P = d_y @ v.transpose(0, 1, 3, 2)
            d_v = P.transpose(0, 1, 3, 2) @ d_y
            d_S = d_P - (d_P * P).sum(axis=-1, keepdims=True)
            d_S *= P                                     # softmax′: P ⊙ (dP − Σ dP ⊙ P)
            d_S *= scale
            d_q = d_S @ k
            d_k = d_S.transpose(0, 1, 3, 2) @ q
            d_qkv = np.concatenate([merge(d_q), merge(d_k), merge(d_v)], axis=-1)
            d_h1, g[pre + "attn.c_attn.weight"], g[pre + "attn.c_attn.bias"] = _linear_backward(
                d_qkv, h1, w[pre + "attn.c_attn.weight"])
            d_x1, g[pre + "ln_1.weight"], g[pre + "ln_1.bias"] = _layer_norm_backward(
                d_h1, w[pre + "ln_1.weight"], ln1)
            dx = dx + d_x1
        g["transformer.wpe.weight"] = np.zeros_like(w["transformer.wpe.weight"])
        g["transformer.wpe.weight"][:T] = dx.sum(axis=0)
        np.add.at(g["transformer.wte.weight"], flat_idx, dx.reshape(n, C))
        steps[0] += 1
        t = steps[0]
        for name in names:                               # AdamW, PyTorch's order of operations
            param, grad = w[name], g[name]
            m, v2 = state[name]
            param *= 1 - LR * WEIGHT_DECAY
            m *= BETAS[0]
            m += (1 - BETAS[0]) * grad
            v2 *= BETAS[1]
            v2 += (1 - BETAS[1]) * grad * grad
            param -= LR / (1 - BETAS[0] ** t) * m / (np.sqrt(v2) / math.sqrt(1 - BETAS[1] ** t) + EPS)
        return float(loss)
    step.weights = w   # for the tests
    return step


# --- tinygrad_edu and PyTorch: the model as a user writes it ---------------------------------------

def tinygrad_step(p: dict):
    from tinygrad_edu import Tensor, optim
    from tinygrad_edu.models import GPT
    model = GPT(p["config"])
    model.load_state_dict(p["weights"], strict=False)
    idx, targets = p["idx"], Tensor(p["targets"], dtype=np.int64)   # made once: tg.compile reads the same one
    opt = optim.AdamW(model.parameters(), lr=LR, betas=BETAS, eps=EPS, weight_decay=WEIGHT_DECAY)

    def step() -> float:
        return training_step(opt, model.loss(idx, targets))
    return step


def torch_gpt(weights: dict, config):
    """nanoGPT's forward in PyTorch on a dict of tensors named as GPT.state_dict() (the
    lm_head is the token embedding)."""
    import torch.nn.functional as TF
    C, H = config.n_embd, config.n_head

    def lin(t, name):
        return TF.linear(t, weights[name + ".weight"], weights[name + ".bias"])

    def ln(t, name):
        return TF.layer_norm(t, (C,), weights[name + ".weight"], weights[name + ".bias"])

    def forward(idx):
        B, T = idx.shape
        x = TF.embedding(idx, weights["transformer.wte.weight"]) + weights["transformer.wpe.weight"][:T]
        for l in range(config.n_layer):
            pre = f"transformer.h.{l}."
            qkv = lin(ln(x, pre + "ln_1"), pre + "attn.c_attn").split(C, 2)
            q, k, v = (t.view(B, T, H, C // H).transpose(1, 2) for t in qkv)
            y = TF.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(B, T, C)
            x = x + lin(y, pre + "attn.c_proj")
            x = x + lin(TF.gelu(lin(ln(x, pre + "ln_2"), pre + "mlp.c_fc")), pre + "mlp.c_proj")
        x = TF.layer_norm(x, (C,), weights["transformer.ln_f.weight"], weights["transformer.ln_f.bias"])
        return x @ weights["transformer.wte.weight"].T
    return forward


def torch_step(p: dict):
    import torch
    import torch.nn.functional as TF
    weights = {k: torch.tensor(v, requires_grad=True) for k, v in p["weights"].items()}
    forward = torch_gpt(weights, p["config"])
    idx, targets = torch.from_numpy(p["idx"]), torch.from_numpy(p["targets"].reshape(-1))
    opt = torch.optim.AdamW(weights.values(), lr=LR, betas=BETAS, eps=EPS, weight_decay=WEIGHT_DECAY)

    def step() -> float:
        logits = forward(idx)
        return training_step(opt, TF.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets))
    step.weights = weights   # for the tests
    return step


def mygrad_step(p: dict):
    """MyGrad has no GELU (nor erf) and no optimizers: GELU as a MyGrad operation on the same
    erfc, LayerNorm and attention from its tensor ops, AdamW by hand on the arrays (as the
    numpy step)."""
    import mygrad as mg
    from mygrad.nnet import softmax, softmax_crossentropy
    from mygrad.operation_base import Operation

    class Gelu(Operation):
        def __call__(self, a):
            self.variables = (a,)
            self.cdf = 0.5 * erfc(a.data * -SQRT_HALF)
            return a.data * self.cdf

        def backward_var(self, grad, index, **kwargs):
            x = self.variables[0].data
            return grad * (self.cdf + x * np.exp(-0.5 * x * x) * INV_SQRT_2PI)

    config, idx, targets = p["config"], p["idx"], p["targets"].reshape(-1)
    w = {k: mg.tensor(v) for k, v in p["weights"].items()}
    B, T = idx.shape
    C, H = config.n_embd, config.n_head
    causal = np.triu(np.full((T, T), -np.inf, dtype=np.float32), k=1)
    state = {k: (np.zeros_like(v.data), np.zeros_like(v.data)) for k, v in w.items()}
    steps = [0]

    def ln(x, name):
        xc = x - x.mean(axis=-1, keepdims=True)
        return xc / mg.sqrt((xc * xc).mean(axis=-1, keepdims=True) + LN_EPS) * w[name + ".weight"] + w[name + ".bias"]

    def lin(x, name):
        return x @ w[name + ".weight"].T + w[name + ".bias"]

    def step() -> float:
        x = w["transformer.wte.weight"][idx] + w["transformer.wpe.weight"][:T]
        for l in range(config.n_layer):
            pre = f"transformer.h.{l}."
            qkv = lin(ln(x, pre + "ln_1"), pre + "attn.c_attn")
            q, k, v = (qkv[..., i * C:(i + 1) * C].reshape(B, T, H, C // H).transpose(0, 2, 1, 3) for i in range(3))
            P = softmax(q @ k.transpose(0, 1, 3, 2) / math.sqrt(C // H) + causal)
            x = x + lin((P @ v).transpose(0, 2, 1, 3).reshape(B, T, C), pre + "attn.c_proj")
            x = x + lin(mg.Tensor._op(Gelu, lin(ln(x, pre + "ln_2"), pre + "mlp.c_fc")), pre + "mlp.c_proj")
        logits = ln(x, "transformer.ln_f") @ w["transformer.wte.weight"].T
        loss = softmax_crossentropy(logits.reshape(B * T, -1), targets)
        loss.backward()
        steps[0] += 1
        t = steps[0]
        for name, param in w.items():
            m, v2 = state[name]
            grad = param.grad
            param.data *= 1 - LR * WEIGHT_DECAY
            m *= BETAS[0]
            m += (1 - BETAS[0]) * grad
            v2 *= BETAS[1]
            v2 += (1 - BETAS[1]) * grad * grad
            param.data -= LR / (1 - BETAS[0] ** t) * m / (np.sqrt(v2) / math.sqrt(1 - BETAS[1] ** t) + EPS)
        return loss.item()
    return step


GPT_STEP = Workload(
    name="gpt", title="tiny GPT: vocab 65, block 64, 64 wide, 4 heads, 2 layers, batch 16, AdamW",
    build=build, engines={"numpy": numpy_step, "tinygrad_edu": tinygrad_step, COMPILED: compiled(tinygrad_step),
                          "torch": torch_step, "mygrad": mygrad_step},
    goal=1.3, float64=False)
