"""A character-level LSTM language model's training step: Embedding(65, 32) → LSTM(32, 128) →
Linear(128, 65) read out at every one of 35 time steps, batch 20, softmax cross-entropy (mean
over the 700 predictions), one SGD step. float32, PyTorch's layouts ((T, B) time-major input,
gates stacked i, f, g, o) and initialisation (LSTM and Linear uniform in ±1/√hidden, the
embedding N(0, 1)).

The numpy step is written by hand: the input projections of all 35 steps as one matmul before
the recurrence, per step one (20×128)·(128×512) matmul and the gates in place in a preallocated
(T, B, 4H) array; backpropagation through time stores each step's gate gradients, so that the
weight gradients are three matmuls after the loop. About 1,100 numpy calls on small arrays:
per-call overhead is what this workload measures.

PyTorch runs twice: `torch` is nn.LSTM (its fused kernel over the whole sequence), `torch
LSTMCell` an nn.LSTMCell called step by step, as tinygrad_edu's nn.LSTM unrolls the recurrence."""
from __future__ import annotations

import numpy as np

import tinygrad_edu.functional as F
from tinygrad_edu import nn, optim

from .base import COMPILED, Workload, compiled, gradient_descent_step, softmax_cross_entropy, training_step

LR = 0.5
TORCH_CELL = "torch LSTMCell"


def build(tiny: bool) -> dict:
    rng = np.random.default_rng(5)
    vocab, embed, hidden, steps, batch = (11, 5, 7, 4, 3) if tiny else (65, 32, 128, 35, 20)
    bound = 1 / np.sqrt(hidden)

    def uniform(*shape):
        return rng.uniform(-bound, bound, shape).astype(np.float32)
    return {"idx": rng.integers(0, vocab, (steps, batch)), "targets": rng.integers(0, vocab, (steps, batch)),
            "embedding": rng.standard_normal((vocab, embed)).astype(np.float32),
            "weight_ih": uniform(4 * hidden, embed), "weight_hh": uniform(4 * hidden, hidden),
            "bias_ih": uniform(4 * hidden), "bias_hh": uniform(4 * hidden),
            "out_weight": uniform(vocab, hidden), "out_bias": uniform(vocab)}


NAMES = ["embedding", "weight_ih", "weight_hh", "bias_ih", "bias_hh", "out_weight", "out_bias"]


# --- numpy, by hand -------------------------------------------------------------------------------

def numpy_step(p: dict):
    idx, targets = p["idx"], p["targets"].reshape(-1)
    emb, W_ih, W_hh, b_ih, b_hh, W_out, b_out = (p[k].copy() for k in NAMES)
    T, B = idx.shape
    H = W_hh.shape[1]
    n = T * B
    rows = np.arange(n)
    flat_idx = idx.reshape(-1)
    dtype = emb.dtype                                      # float32 (float64 in the tests' check)
    i_, f_, g_, o_ = slice(0, H), slice(H, 2 * H), slice(2 * H, 3 * H), slice(3 * H, 4 * H)
    sigmoid_rows = (slice(0, 2 * H), o_)                    # i and f are adjacent; o is last
    # σ(a) = ½ + ½·tanh(a/2): one tanh over all four gates, with the i, f, o pre-activations halved
    half = np.ones(4 * H, dtype=dtype)
    half[:2 * H] = half[o_] = 0.5
    gates = np.empty((T, B, 4 * H), dtype=dtype)      # i, f, g, o after their nonlinearity
    cells = np.empty((T + 1, B, H), dtype=dtype)      # c_0 … c_T
    tanh_cells = np.empty((T, B, H), dtype=dtype)
    hiddens = np.empty((T + 1, B, H), dtype=dtype)    # h_0 … h_T
    d_gates = np.empty_like(gates)

    def step() -> float:
        x = emb[flat_idx]                                           # (n, E)
        projected = ((x @ W_ih.T + (b_ih + b_hh)) * half).reshape(T, B, 4 * H)
        W_hhT = W_hh.T * half
        cells[0] = 0
        hiddens[0] = 0
        for t in range(T):
            a = gates[t]
            np.add(projected[t], hiddens[t] @ W_hhT, out=a)
            np.tanh(a, out=a)
            for r in sigmoid_rows:
                a[:, r] *= 0.5
                a[:, r] += 0.5
            np.multiply(a[:, f_], cells[t], out=cells[t + 1])       # c_t = f ⊙ c_{t−1} + i ⊙ g
            cells[t + 1] += a[:, i_] * a[:, g_]
            np.tanh(cells[t + 1], out=tanh_cells[t])
            np.multiply(a[:, o_], tanh_cells[t], out=hiddens[t + 1])   # h_t = o ⊙ tanh(c_t)
        h_all = hiddens[1:].reshape(n, H)
        logits = h_all @ W_out.T + b_out
        loss, d_logits = softmax_cross_entropy(logits, targets, rows)
        dW_out = d_logits.T @ h_all
        db_out = d_logits.sum(axis=0)
        d_h_out = (d_logits @ W_out).reshape(T, B, H)
        dh = np.zeros((B, H), dtype=dtype)
        dc = np.zeros((B, H), dtype=dtype)
        for t in range(T - 1, -1, -1):                              # backpropagation through time
            a, tc, dg = gates[t], tanh_cells[t], d_gates[t]
            i, f, g, o = a[:, i_], a[:, f_], a[:, g_], a[:, o_]
            dh += d_h_out[t]
            dc += dh * o * (1 - tc * tc)                            # ∂h/∂c = o ⊙ (1 − tanh² c)
            np.multiply(dh * tc, o * (1 - o), out=dg[:, o_])        # σ′ = σ(1 − σ)
            np.multiply(dc * g, i * (1 - i), out=dg[:, i_])
            np.multiply(dc * cells[t], f * (1 - f), out=dg[:, f_])
            np.multiply(dc * i, 1 - g * g, out=dg[:, g_])           # tanh′ = 1 − tanh²
            dc *= f
            dh = dg @ W_hh
        dG = d_gates.reshape(n, 4 * H)
        dW_hh = dG.T @ hiddens[:-1].reshape(n, H)
        dW_ih = dG.T @ x
        db = dG.sum(axis=0)
        d_emb = np.zeros_like(emb)
        np.add.at(d_emb, flat_idx, dG @ W_ih)
        for param, grad in ((emb, d_emb), (W_ih, dW_ih), (W_hh, dW_hh), (b_ih, db), (b_hh, db),
                            (W_out, dW_out), (b_out, db_out)):
            param -= LR * grad
        return float(loss)
    step.weights = dict(zip(NAMES, (emb, W_ih, W_hh, b_ih, b_hh, W_out, b_out)))   # for the tests
    return step


# --- tinygrad_edu and PyTorch: the model as a user writes it ----------------------------------------

def tinygrad_step(p: dict):
    idx, targets = p["idx"], p["targets"].reshape(-1)   # integer arrays (a Tensor of them is float32)
    vocab, embed = p["embedding"].shape
    hidden = p["weight_hh"].shape[1]
    embedding, lstm, readout = nn.Embedding(vocab, embed), nn.LSTM(embed, hidden), nn.Linear(hidden, vocab)
    embedding.load_state_dict({"weight": p["embedding"]})
    lstm.load_state_dict({f"{k}_l0": p[k] for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")})
    readout.load_state_dict({"weight": p["out_weight"], "bias": p["out_bias"]})
    opt = optim.SGD([*embedding.parameters(), *lstm.parameters(), *readout.parameters()], lr=LR)

    def step() -> float:
        output, _ = lstm(embedding(idx))
        return training_step(opt, F.cross_entropy(readout(output).reshape(-1, vocab), targets))
    return step


def _torch_modules(p: dict, cell: bool):
    import torch
    vocab, embed = p["embedding"].shape
    hidden = p["weight_hh"].shape[1]
    dtype = torch.from_numpy(p["embedding"]).dtype
    embedding = torch.nn.Embedding(vocab, embed, dtype=dtype)
    lstm = (torch.nn.LSTMCell if cell else torch.nn.LSTM)(embed, hidden, dtype=dtype)
    readout = torch.nn.Linear(hidden, vocab, dtype=dtype)
    suffix = "" if cell else "_l0"
    with torch.no_grad():
        embedding.weight.copy_(torch.from_numpy(p["embedding"]))
        for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(lstm, k + suffix).copy_(torch.from_numpy(p[k]))
        readout.weight.copy_(torch.from_numpy(p["out_weight"]))
        readout.bias.copy_(torch.from_numpy(p["out_bias"]))
    params = [*embedding.parameters(), *lstm.parameters(), *readout.parameters()]
    return embedding, lstm, readout, torch.optim.SGD(params, lr=LR)


def torch_step(p: dict):
    import torch
    import torch.nn.functional as TF
    idx, targets = torch.from_numpy(p["idx"]), torch.from_numpy(p["targets"].reshape(-1))
    embedding, lstm, readout, opt = _torch_modules(p, cell=False)
    vocab = p["embedding"].shape[0]

    def step() -> float:
        output, _ = lstm(embedding(idx))
        return training_step(opt, TF.cross_entropy(readout(output).reshape(-1, vocab), targets))
    return step


def torch_cell_step(p: dict):
    import torch
    import torch.nn.functional as TF
    idx, targets = torch.from_numpy(p["idx"]), torch.from_numpy(p["targets"].reshape(-1))
    embedding, cell, readout, opt = _torch_modules(p, cell=True)
    vocab = p["embedding"].shape[0]

    def step() -> float:
        x = embedding(idx)
        state, outputs = None, []
        for t in range(x.shape[0]):
            state = cell(x[t], state)
            outputs.append(state[0])
        logits = readout(torch.stack(outputs))
        return training_step(opt, TF.cross_entropy(logits.reshape(-1, vocab), targets))
    return step


def mygrad_step(p: dict):
    import mygrad as mg
    from mygrad.nnet import sigmoid, softmax_crossentropy
    idx, targets = p["idx"], p["targets"].reshape(-1)
    params = [mg.tensor(p[k]) for k in NAMES]
    emb, W_ih, W_hh, b_ih, b_hh, W_out, b_out = params
    H = p["weight_hh"].shape[1]

    def step() -> float:
        x = emb[idx]
        h = c = None
        outputs = []
        for t in range(idx.shape[0]):
            a = x[t] @ W_ih.T + b_ih + b_hh
            if h is not None:
                a = a + h @ W_hh.T
            i, f, g, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), mg.tanh(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])
            c = i * g if c is None else f * c + i * g
            h = o * mg.tanh(c)
            outputs.append(h)
        logits = mg.stack(outputs).reshape(-1, H) @ W_out.T + b_out
        return gradient_descent_step(params, LR, softmax_crossentropy(logits, targets))
    return step


LSTM = Workload(
    name="lstm", title="char LSTM: Embedding 65→32, LSTM 32→128 over 35 steps, Linear 128→65 at every step, "
                       "CE, batch 20, SGD",
    build=build, engines={"numpy": numpy_step, "tinygrad_edu": tinygrad_step, COMPILED: compiled(tinygrad_step),
                          "torch": torch_step, TORCH_CELL: torch_cell_step, "mygrad": mygrad_step},
    goal=1.5, float64=False, ahead_of=(TORCH_CELL,))
