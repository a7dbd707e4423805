"""nn.MultiheadAttention: PyTorch's parameters, names, initialisation; outputs, attention weights
and every gradient against PyTorch with the same weights (batched and unbatched, batch_first both
ways, self- and cross-attention, every kind of mask); finite differences; dropout; bad input."""
import math

import numpy as np
import pytest
from conftest import strict_numpy

import tinygrad_edu as tg
from tinygrad_edu import Tensor, nn


def _pair(embed_dim=8, num_heads=2, **kwargs):
    torch = pytest.importorskip("torch")
    ours = nn.MultiheadAttention(embed_dim, num_heads, **kwargs).double()
    theirs = torch.nn.MultiheadAttention(embed_dim, num_heads, **kwargs).double()
    theirs.load_state_dict({k: torch.tensor(v) for k, v in ours.state_dict().items()})
    return torch, ours, theirs


def _inputs(rng, batch_first, batched, self_attention, length=3, source=5, n=2, e=8):
    def shape(s):
        return ((n, s, e) if batch_first else (s, n, e)) if batched else (s, e)
    q = rng.normal(size=shape(length))
    if self_attention:
        return q, q, q
    return q, rng.normal(size=shape(source)), rng.normal(size=shape(source))


def _compare(rng, batch_first=False, batched=True, self_attention=False, num_heads=2, bias=True, **kwargs):
    torch, ours, theirs = _pair(num_heads=num_heads, batch_first=batch_first, bias=bias)
    arrays = _inputs(rng, batch_first, batched, self_attention)
    mine = [Tensor(a, requires_grad=True) for a in arrays[:1 if self_attention else 3]]
    torchs = [torch.tensor(a, requires_grad=True) for a in arrays[:1 if self_attention else 3]]
    qkv = mine * 3 if self_attention else mine
    tqkv = torchs * 3 if self_attention else torchs
    tkw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    with strict_numpy():
        out, weights = ours(*qkv, **kwargs)
    tout, tweights = theirs(*tqkv, **tkw)
    assert out.shape == tuple(tout.shape)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-11, atol=1e-13)
    if tweights is None:
        assert weights is None
    else:
        assert weights.shape == tuple(tweights.shape)
        np.testing.assert_allclose(weights.data, tweights.detach().numpy(), rtol=1e-11, atol=1e-13)
    g = rng.normal(size=out.shape)
    (out * Tensor(g)).sum().backward()
    (tout * torch.tensor(g)).sum().backward()
    for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == tname
        np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-10, atol=1e-13, err_msg=name)
    for a, b in zip(mine, torchs):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-10, atol=1e-13)
    return out, weights


def test_parameters_names_shapes_and_state_dict_keys_as_pytorch():
    torch, ours, theirs = _pair(12, 3)
    assert [(n, p.shape) for n, p in ours.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    assert list(ours.state_dict()) == list(theirs.state_dict()) == \
        ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]
    no_bias = nn.MultiheadAttention(12, 3, bias=False)
    assert list(no_bias.state_dict()) == list(torch.nn.MultiheadAttention(12, 3, bias=False).state_dict())
    assert isinstance(ours.out_proj, nn.Linear) and ours.head_dim == 4 and no_bias.in_proj_weight.dtype == np.float32


def test_initialisation_as_pytorch():
    tg.manual_seed(0)
    m = nn.MultiheadAttention(64, 4)
    assert np.all(m.in_proj_bias.data == 0) and np.all(m.out_proj.bias.data == 0)
    xavier = math.sqrt(6.0 / (64 + 3 * 64))  # fan_in E, fan_out 3E
    w = m.in_proj_weight.data
    assert np.abs(w).max() <= xavier and np.abs(w).max() > 0.95 * xavier
    assert w.std() == pytest.approx(xavier / math.sqrt(3), rel=0.05)
    out_w = m.out_proj.weight.data
    assert np.abs(out_w).max() <= 1 / 8 and np.abs(out_w).max() > 0.95 / 8  # a Linear's ±1/√E
    tg.manual_seed(0)
    np.testing.assert_array_equal(nn.MultiheadAttention(64, 4).in_proj_weight.data, w)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("self_attention", [True, False])
def test_matches_pytorch_in_every_layout(batch_first, batched, self_attention):
    _compare(np.random.default_rng(0), batch_first, batched, self_attention)


MASKS = {
    "boolean attn_mask": lambda rng: {"attn_mask": rng.normal(size=(3, 5)) > 0.6},
    "float attn_mask": lambda rng: {"attn_mask": rng.normal(size=(3, 5))},
    "per-head attn_mask": lambda rng: {"attn_mask": rng.normal(size=(4, 3, 5)) > 0.6},
    "key_padding_mask": lambda rng: {"key_padding_mask": np.array([[False, True, False, False, True],
                                                                   [False, False, False, True, True]])},
    "float key_padding_mask": lambda rng: {"key_padding_mask": rng.normal(size=(2, 5))},
    "both masks": lambda rng: {"attn_mask": rng.normal(size=(3, 5)) > 0.8,
                               "key_padding_mask": np.array([[False] * 4 + [True], [True] + [False] * 4])},
    "per-head weights": lambda rng: {"average_attn_weights": False},
    "no weights": lambda rng: {"need_weights": False, "attn_mask": rng.normal(size=(3, 5)) > 0.6},
}


@pytest.mark.parametrize("case", list(MASKS))
def test_matches_pytorch_with_masks_and_weight_options(case):
    rng = np.random.default_rng(1)
    _compare(rng, **MASKS[case](rng))


def test_causal_self_attention_with_the_is_causal_hint_and_no_bias():
    causal = np.triu(np.ones((3, 3), bool), 1)
    out, weights = _compare(np.random.default_rng(2), batch_first=True, self_attention=True, bias=False,
                            attn_mask=causal, is_causal=True)
    assert np.all(weights.data[:, 0, 1:] == 0)


def test_unbatched_key_padding_mask_as_pytorch():
    _compare(np.random.default_rng(3), batched=False, key_padding_mask=np.array([False, True, False, False, True]))


def test_a_query_with_nothing_to_attend_to_as_pytorch_nan_with_weights_zero_without():
    torch, ours, theirs = _pair()
    x = np.random.default_rng(4).normal(size=(3, 2, 8))
    padding = np.zeros((2, 3), bool)
    padding[1] = True
    with strict_numpy():
        out, weights = ours(Tensor(x), Tensor(x), Tensor(x), key_padding_mask=padding)
        quiet, _ = ours(Tensor(x), Tensor(x), Tensor(x), key_padding_mask=padding, need_weights=False)
    tout, tweights = theirs(*[torch.tensor(x)] * 3, key_padding_mask=torch.tensor(padding))
    tquiet, _ = theirs(*[torch.tensor(x)] * 3, key_padding_mask=torch.tensor(padding), need_weights=False)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-12)  # NaN where torch's is
    assert np.all(np.isnan(out.data[:, 1])) and np.all(np.isnan(weights.data[1]))
    np.testing.assert_allclose(weights.data, tweights.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(quiet.data, tquiet.detach().numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(quiet.data[:, 1], np.broadcast_to(ours.out_proj.bias.data, (3, 8)))


def test_finite_differences_through_the_weights_and_the_input():
    m = nn.MultiheadAttention(4, 2).double()
    x = np.random.default_rng(5).normal(size=(3, 2, 4))
    mask = np.triu(np.ones((3, 3), bool), 1)
    weight = m.in_proj_weight

    def run(w, q):
        m.in_proj_weight = w
        return m(q, q, q, attn_mask=mask)[0]
    try:
        with strict_numpy():
            assert tg.gradcheck(run, [Tensor(weight.data, requires_grad=True), Tensor(x, requires_grad=True)])
    finally:
        m.in_proj_weight = weight


def test_dropout_only_in_training_and_from_the_seeded_generator():
    m = nn.MultiheadAttention(8, 2, dropout=0.5).double()
    x = Tensor(np.random.default_rng(6).normal(size=(3, 2, 8)))
    tg.manual_seed(1)
    a, wa = m(x, x, x)
    tg.manual_seed(1)
    b, _ = m(x, x, x)
    np.testing.assert_array_equal(a.data, b.data)
    assert np.any(wa.data == 0)
    m.eval()
    c, wc = m(x, x, x)
    m.dropout = 0.0
    m.train()
    d, wd = m(x, x, x)
    np.testing.assert_array_equal(c.data, d.data)
    np.testing.assert_allclose(wc.data.sum(-1), 1.0)


def test_the_graph_shows_the_heads_attention_op_by_op_and_hooks_see_the_pair():
    m = nn.MultiheadAttention(4, 2)
    seen = []
    m.register_forward_hook(lambda mod, inputs, output: seen.append(output))
    x = Tensor(np.ones((2, 1, 4), np.float32), requires_grad=True)
    out, weights = m(x, x, x)
    assert seen[0][0] is out and seen[0][1] is weights
    names, todo, visited = set(), [out], set()
    while todo:
        t = todo.pop()
        if id(t) in visited or t.grad_fn is None:
            continue
        visited.add(id(t))
        names.add(t.grad_fn.name)
        todo.extend(t.grad_fn.inputs)
    assert {"linear", "narrow", "reshape", "transpose", "matmul", "mul", "softmax"} <= names


def test_bad_input_names_the_layer_the_argument_and_the_shapes():
    with pytest.raises(ValueError, match="MultiheadAttention: embed_dim=10 must be divisible by num_heads=3"):
        nn.MultiheadAttention(10, 3)
    with pytest.raises(ValueError, match="MultiheadAttention: num_heads must be a positive integer, got 0"):
        nn.MultiheadAttention(8, 0)
    with pytest.raises(ValueError, match="MultiheadAttention: p is the probability"):
        nn.MultiheadAttention(8, 2, dropout=2.0)
    m = nn.MultiheadAttention(8, 2)
    who = r"MultiheadAttention\(embed_dim=8, num_heads=2\)"
    x = Tensor(np.zeros((3, 2, 8)))
    with pytest.raises(ValueError, match=who + r": query must have embed_dim=8 features on its last axis, got "
                                               r"tensor of shape \(3, 2, 6\)"):
        m(Tensor(np.zeros((3, 2, 6))), x, x)
    with pytest.raises(ValueError, match=who + r": attn_mask must have shape \(L, S\) = \(3, 3\) or "
                                               r"\(N·num_heads, L, S\) = \(4, 3, 3\), got \(3, 4\)"):
        m(x, x, x, attn_mask=np.zeros((3, 4), bool))
    with pytest.raises(TypeError, match=who + r": attn_mask must be boolean or floating, got dtype int64"):
        m(x, x, x, attn_mask=np.zeros((3, 3), np.int64))
    with pytest.raises(ValueError, match=who + r": key_padding_mask must have shape \(N, S\) = \(2, 3\), got \(3, 2\)"):
        m(x, x, x, key_padding_mask=np.zeros((3, 2), bool))
    with pytest.raises(ValueError, match=who + ": is_causal=True is a hint that attn_mask is the causal mask"):
        m(x, x, x, is_causal=True)
    with pytest.raises(ValueError, match=who + r": query, key and value must have the same batch size \(axis 1\)"):
        m(x, Tensor(np.zeros((3, 1, 8))), Tensor(np.zeros((3, 1, 8))))
    with pytest.raises(ValueError, match=who + r": key and value must have the same length S \(axis 0\)"):
        m(x, x, Tensor(np.zeros((4, 2, 8))))
    with pytest.raises(ValueError, match=who + r": query, key and value must all be batched \(L, N, E\) or all "
                                               r"unbatched \(L, E\)"):
        m(Tensor(np.zeros((3, 8))), x, x)
