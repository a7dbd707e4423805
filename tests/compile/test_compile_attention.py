"""tg.compile on steps with attention, masks and ignore_index: replays are bitwise the eager
steps (the masks, the ignored targets and the mean's count change from batch to batch), and a
mask made fresh inside the step from a writeable array is refused, not frozen."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import nn


def _read_only(a):
    a.flags.writeable = False
    return a


CAUSAL = _read_only(np.triu(np.ones((5, 5), bool), 1))
PADDING = _read_only(np.array([[False] * 4 + [True], [False] * 5]))   # read-only: constants to a replay


def _model():
    tg.manual_seed(0)
    emb, att, head = nn.Embedding(10, 8), nn.MultiheadAttention(8, 2, batch_first=True), nn.Linear(8, 10)
    params = emb.parameters() + att.parameters() + head.parameters()
    return emb, att, head, params, tg.optim.AdamW(params, lr=1e-2)


def _step(emb, att, head, opt):
    def step(x, y):
        opt.zero_grad()
        h = emb(x)
        a, _ = att(h, h, h, attn_mask=CAUSAL, key_padding_mask=PADDING, need_weights=False)
        q = h.reshape(2, 5, 2, 4).transpose(1, 2)
        b = F.scaled_dot_product_attention(q, q, q, is_causal=True).transpose(1, 2).reshape(2, 5, 8)
        logits = head(a + b).transpose(1, 2)                     # (N, C, T), targets (N, T)
        loss = F.cross_entropy(logits, y, ignore_index=3)
        loss.backward()
        opt.step()
        return loss
    return step


def test_an_attention_step_with_ignored_targets_replays_bitwise():
    emb, att, head, params, opt = _model()
    emb2, att2, head2, params2, opt2 = _model()
    fast, eager = tg.compile(_step(emb, att, head, opt)), _step(emb2, att2, head2, opt2)
    rng = np.random.default_rng(0)
    for _ in range(6):
        x = tg.Tensor(rng.integers(0, 10, (2, 5)), dtype=np.int64)
        y = tg.Tensor(rng.integers(0, 10, (2, 5)), dtype=np.int64)   # some 3s, a varying number
        assert fast(x, y).item() == eager(x, y).item()
    assert fast.replays >= 3
    for p, q in zip(params, params2):
        np.testing.assert_array_equal(p.data, q.data)


def test_a_mask_made_fresh_from_writeable_data_is_refused_not_frozen():
    emb, att, head, params, opt = _model()

    def step(x, allowed):
        opt.zero_grad()
        h = emb(x)
        out = F.scaled_dot_product_attention(h, h, h, attn_mask=allowed.numpy())  # ~mask: made each call
        loss = (out ** 2).mean()
        loss.backward()
        opt.step()
        return loss
    fast = tg.compile(step)
    x = tg.Tensor(np.zeros((2, 5), np.int64))
    with pytest.raises(tg.CompileError, match="changes from call to call"):
        for seed in range(3):
            fast(x, tg.Tensor(np.random.default_rng(seed).uniform(size=(5, 5)) > 0.3))
