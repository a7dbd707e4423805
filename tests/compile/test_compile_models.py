"""tg.compile on the steps of the models the later chapters build: layer norm, a GPT-like block
(embedding, layer norm, causal attention from matmul / a mask / softmax, a GELU MLP, AdamW) and
an LSTM cell unrolled in a loop. Replays must equal eager steps bitwise."""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, nn, optim


def _same_parameters(a, b):
    for p, q in zip(a, b):
        assert np.array_equal(p.data, q.data)
        assert np.array_equal(p.grad.data, q.grad.data)


def _run_both(make, batches):
    """Eager and compiled copies of one model, stepped on the same batches; replays counted."""
    eager_step, eager_params = make()
    step, params = make()
    fast = tg.compile(step)
    for args in batches:
        le, lc = eager_step(*args), fast(*args)
        assert np.array_equal(le.data, lc.data)
        _same_parameters(eager_params, params)
    return fast


def _layer_norm_model():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 8), nn.LayerNorm(8), nn.Tanh(), nn.Linear(8, 3))
    opt = optim.SGD(model.parameters(), lr=0.1)

    def step(x, y):
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss
    return step, list(model.parameters())


def _batches(n, shape, classes, seed=0):
    rng = np.random.default_rng(seed)
    return [(Tensor(rng.standard_normal(shape).astype(np.float32)),
             Tensor(rng.integers(0, classes, shape[0]), dtype=np.int64)) for _ in range(n)]


def test_a_step_with_layer_norm_compiles_and_replays_bitwise():
    fast = _run_both(_layer_norm_model, _batches(6, (5, 6), 3))
    assert fast.replays == 4, fast.reason


class _TinyGPT(nn.Module):
    """One pre-norm transformer block over a character vocabulary (one head)."""

    def __init__(self, vocab=7, width=8, context=5):
        super().__init__()
        self.embed, self.position = nn.Embedding(vocab, width), nn.Embedding(context, width)
        self.norm1, self.norm2, self.norm_out = nn.LayerNorm(width), nn.LayerNorm(width), nn.LayerNorm(width)
        self.qkv, self.proj = nn.Linear(width, 3 * width), nn.Linear(width, width)
        self.up, self.down = nn.Linear(width, 4 * width), nn.Linear(4 * width, width)
        self.head = nn.Linear(width, vocab)
        self.width = width
        self.future = Tensor(np.triu(np.ones((context, context)), k=1), dtype=np.bool_)
        self.positions = Tensor(np.arange(context), dtype=np.int64)

    def forward(self, idx):
        b, t = idx.shape
        x = self.embed(idx) + self.position(self.positions[:t])
        q, k, v = self.qkv(self.norm1(x)).split(self.width, dim=-1)
        scores = (q @ k.transpose(-2, -1)) * (1.0 / np.sqrt(self.width))
        scores = tg.where(self.future[:t, :t], -1e9, scores)   # causal: no look ahead
        x = x + self.proj(scores.softmax(axis=-1) @ v)
        x = x + self.down(F.gelu(self.up(self.norm2(x))))
        return self.head(self.norm_out(x))


def _gpt_model():
    tg.manual_seed(1)
    model = _TinyGPT()
    opt = optim.AdamW(model.parameters(), lr=0.01, weight_decay=0.1)

    def step(idx, targets):
        logits = model(idx)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss
    return step, list(model.parameters())


def test_a_gpt_like_step_compiles_and_replays_bitwise():
    rng = np.random.default_rng(2)
    batches = [tuple(Tensor(rng.integers(0, 7, (3, 5)), dtype=np.int64) for _ in "xy") for _ in range(5)]
    fast = _run_both(_gpt_model, batches)
    assert fast.replays == 3, fast.reason


def _lstm_model(hidden=4, steps=3):
    """An LSTM cell written out (i, f, g, o gates from one matmul), unrolled over the sequence."""
    tg.manual_seed(2)
    w_x, w_h, head = nn.Linear(3, 4 * hidden), nn.Linear(hidden, 4 * hidden, bias=False), nn.Linear(hidden, 2)
    params = list(w_x.parameters()) + list(w_h.parameters()) + list(head.parameters())
    opt = optim.Adam(params, lr=0.01)
    zeros = Tensor(np.zeros((5, hidden), dtype=np.float32))   # made outside the step: read, not made, by it

    def step(xs, y):
        h = c = zeros
        for t in range(steps):
            i, f, g, o = (w_x(xs[t]) + w_h(h)).chunk(4, dim=1)
            c = f.sigmoid() * c + i.sigmoid() * g.tanh()
            h = o.sigmoid() * c.tanh()
        loss = F.cross_entropy(head(h), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss
    return step, params


def _sequence_batches(seed: int) -> list:
    """Five (inputs of 3 time steps × 5 rows × 3 features, 5 binary labels) batches."""
    rng = np.random.default_rng(seed)
    return [(Tensor(rng.standard_normal((3, 5, 3)).astype(np.float32)),
             Tensor(rng.integers(0, 2, 5), dtype=np.int64)) for _ in range(5)]


def test_an_lstm_cell_loop_compiles_and_replays_bitwise():
    fast = _run_both(_lstm_model, _sequence_batches(3))
    assert fast.replays == 3, fast.reason


def _lstm_cell_model(hidden=4, steps=3):
    """nn.LSTMCell in a loop, its state starting from hx=None (zeros)."""
    tg.manual_seed(3)
    cell, head = nn.LSTMCell(3, hidden), nn.Linear(hidden, 2)
    params = list(cell.parameters()) + list(head.parameters())
    opt = optim.Adam(params, lr=0.01)

    def step(xs, y):
        state = None
        for t in range(steps):
            state = cell(xs[t], state)
        loss = F.cross_entropy(head(state[0]), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss
    return step, params


def test_an_lstm_cell_module_loop_compiles_and_replays_bitwise():
    fast = _run_both(_lstm_cell_model, _sequence_batches(4))
    assert fast.replays == 3, fast.reason
