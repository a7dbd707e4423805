"""The hand-off of tinygrad_edu.models: the char-RNN and the tiny GPT, trained a few steps here,
load into their PyTorch twins (written below from PyTorch's own layers) and give the same
logits in float64; and a GPT state_dict has nanoGPT's names."""
import math

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.models import GPT, CharRNN, GPTConfig

torch = pytest.importorskip("torch")
TF = torch.nn.functional


# --- the PyTorch twins --------------------------------------------------------------------------

class TorchCharRNN(torch.nn.Module):
    def __init__(self, vocab, embedding_dim, hidden, cell, num_layers):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab, embedding_dim)
        self.rnn = getattr(torch.nn, cell.upper())(embedding_dim, hidden, num_layers=num_layers, batch_first=True)
        self.head = torch.nn.Linear(hidden, vocab)

    def forward(self, idx):
        return self.head(self.rnn(self.embedding(idx))[0])


class TorchBlock(torch.nn.Module):
    """nanoGPT's block, from PyTorch's layers (attention by hand, as nanoGPT's slow path)."""

    def __init__(self, c: GPTConfig):
        super().__init__()
        self.n_head = c.n_head
        self.ln_1, self.ln_2 = torch.nn.LayerNorm(c.n_embd), torch.nn.LayerNorm(c.n_embd)
        self.attn = torch.nn.Module()
        self.attn.c_attn = torch.nn.Linear(c.n_embd, 3 * c.n_embd)
        self.attn.c_proj = torch.nn.Linear(c.n_embd, c.n_embd)
        self.mlp = torch.nn.Module()
        self.mlp.c_fc = torch.nn.Linear(c.n_embd, 4 * c.n_embd)
        self.mlp.c_proj = torch.nn.Linear(4 * c.n_embd, c.n_embd)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
                   for t in self.attn.c_attn(self.ln_1(x)).split(C, dim=2))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(k.shape[-1])
        att = att.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), 1), float("-inf")).softmax(-1)
        x = x + self.attn.c_proj((att @ v).transpose(1, 2).reshape(B, T, C))
        return x + self.mlp.c_proj(TF.gelu(self.mlp.c_fc(self.ln_2(x))))


class TorchGPT(torch.nn.Module):
    def __init__(self, c: GPTConfig):
        super().__init__()
        self.transformer = torch.nn.Module()
        self.transformer.wte = torch.nn.Embedding(c.vocab_size, c.n_embd)
        self.transformer.wpe = torch.nn.Embedding(c.block_size, c.n_embd)
        self.transformer.h = torch.nn.ModuleList([TorchBlock(c) for _ in range(c.n_layer)])
        self.transformer.ln_f = torch.nn.LayerNorm(c.n_embd)
        self.lm_head = torch.nn.Linear(c.n_embd, c.vocab_size, bias=False)
        self.lm_head.weight = self.transformer.wte.weight

    def forward(self, idx):
        t = self.transformer
        x = t.wte(idx) + t.wpe(torch.arange(idx.shape[1]))
        for block in t.h:
            x = block(x)
        return self.lm_head(t.ln_f(x))


def train_a_little(model, batches, vocab):
    opt = tg.optim.AdamW(model.parameters(), lr=3e-3)
    rng = np.random.default_rng(1)
    for _ in range(batches):
        x = rng.integers(0, vocab, (3, 6))
        loss = model.loss(x, np.roll(x, -1, axis=1))
        opt.zero_grad()
        loss.backward()
        opt.step()


def load_into(twin, state: dict):
    twin.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()}, strict=True)
    return twin.double().eval()


# --- the tests -------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_char_rnn_gives_pytorchs_logits(cell):
    tg.manual_seed(0)
    ours = CharRNN(13, embedding_dim=5, hidden_size=7, cell=cell, num_layers=2)
    train_a_little(ours, 3, 13)
    ours.double()
    twin = load_into(TorchCharRNN(13, 5, 7, cell, 2), ours.state_dict())
    idx = np.random.default_rng(2).integers(0, 13, (4, 9))
    logits, _ = ours(idx)
    with torch.no_grad():
        expected = twin(torch.from_numpy(idx)).numpy()
    assert logits.data.dtype == np.float64
    np.testing.assert_allclose(logits.data, expected, rtol=1e-12, atol=1e-13)


def test_gpt_gives_pytorchs_logits():
    tg.manual_seed(0)
    config = GPTConfig(vocab_size=13, block_size=8, n_layer=2, n_head=2, n_embd=8)
    ours = GPT(config)
    train_a_little(ours, 3, 13)
    ours.double()
    state = ours.state_dict()
    state["lm_head.weight"] = state["transformer.wte.weight"]     # one tensor, two names in PyTorch
    twin = load_into(TorchGPT(config), state)
    idx = np.random.default_rng(2).integers(0, 13, (3, 8))
    with tg.no_grad():
        logits = ours(idx).data
    with torch.no_grad():
        expected = twin(torch.from_numpy(idx)).numpy()
    np.testing.assert_allclose(logits, expected, rtol=1e-12, atol=1e-13)
    shorter = ours(idx[:, :5]).data                                 # fewer tokens than block_size
    np.testing.assert_allclose(shorter, expected[:, :5], rtol=1e-12, atol=1e-13)   # causal: the prefix agrees


def test_gpt_state_dict_has_nanogpts_names_and_init():
    tg.manual_seed(0)
    config = GPTConfig(vocab_size=50, block_size=16, n_layer=3, n_head=2, n_embd=32)
    model = GPT(config)
    names = list(model.state_dict())
    assert names[:2] == ["transformer.wte.weight", "transformer.wpe.weight"]
    assert "transformer.h.2.attn.c_attn.weight" in names and "transformer.h.0.mlp.c_proj.bias" in names
    assert model.lm_head.weight is model.transformer.wte.weight
    assert model.num_parameters() == sum(p.data.size for p in model.parameters())
    proj = model.transformer.h[0].attn.c_proj.weight.data
    assert abs(proj.std() - 0.02 / math.sqrt(2 * 3)) < 0.002
    assert abs(model.transformer.wte.weight.data.std() - 0.02) < 0.002
    assert (model.transformer.h[1].mlp.c_fc.bias.data == 0).all()
    assert (model.transformer.ln_f.weight.data == 1).all()


def test_gpt_bad_input_names_the_model():
    with pytest.raises(ValueError, match="n_head=3 does not divide n_embd=8"):
        GPT(GPTConfig(n_head=3, n_embd=8))
    model = GPT(GPTConfig(vocab_size=5, block_size=4, n_layer=1, n_head=1, n_embd=4))
    with pytest.raises(ValueError, match="5 tokens is longer than block_size=4"):
        model(np.zeros((1, 5), dtype=np.int64))
    with pytest.raises(ValueError, match=r"idx must be \(batch, time\)"):
        model(np.zeros(3, dtype=np.int64))
    with pytest.raises(IndexError, match="out of range"):
        model(np.full((1, 2), 7))
    with pytest.raises(ValueError, match="cell must be one of"):
        CharRNN(5, cell="transformer")
