"""F.scaled_dot_product_attention: values and every gradient against PyTorch (masks, causal,
scale, broadcast batch axes, rows with nothing to attend to), finite differences with hypothesis
shapes, second order, the ops a learner sees in the graph, dropout, extreme input, bad input."""
import numpy as np
import pytest
from conftest import leaf, strict_numpy
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor

FAST = settings(max_examples=15, deadline=None)
SDPA = F.scaled_dot_product_attention


def _compare_with_torch(q, k, v, rtol=1e-12, **kwargs):
    torch = pytest.importorskip("torch")
    ours = [leaf(a) for a in (q, k, v)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
    torch_kwargs = {key: torch.tensor(val) if isinstance(val, np.ndarray) else val for key, val in kwargs.items()}
    with strict_numpy():
        out = SDPA(*ours, **kwargs)
    tout = torch.nn.functional.scaled_dot_product_attention(*theirs, **torch_kwargs)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=rtol, atol=1e-14)
    g = np.random.default_rng(9).normal(size=out.shape)
    with strict_numpy():
        (out * Tensor(g)).sum().backward()
    (tout * torch.tensor(g)).sum().backward()
    for name, a, b in zip("qkv", ours, theirs):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-10, atol=1e-13, err_msg=name)
    return out


RNG = np.random.default_rng(0)
Q, K, V = RNG.normal(size=(2, 3, 4)), RNG.normal(size=(2, 5, 4)), RNG.normal(size=(2, 5, 6))

CASES = {
    "plain": {},
    "causal": {"is_causal": True},
    "boolean mask": {"attn_mask": RNG.normal(size=(3, 5)) > -0.5},
    "float mask": {"attn_mask": RNG.normal(size=(2, 3, 5))},
    "scale": {"scale": 0.3},
    "mask and scale": {"attn_mask": RNG.normal(size=(1, 5)) > -0.5, "scale": 2.0},
}


@pytest.mark.parametrize("case", list(CASES))
def test_matches_pytorch_values_and_gradients(case):
    _compare_with_torch(Q, K, V, **CASES[case])


def test_batch_axes_broadcast_and_causal_with_more_or_fewer_keys_as_pytorch():
    rng = np.random.default_rng(1)
    out = _compare_with_torch(rng.normal(size=(2, 1, 3, 4)), rng.normal(size=(1, 4, 5, 4)),
                              rng.normal(size=(1, 4, 5, 6)))
    assert out.shape == (2, 4, 3, 6)
    for length, source in ((5, 3), (3, 5)):
        _compare_with_torch(rng.normal(size=(length, 4)), rng.normal(size=(source, 4)),
                            rng.normal(size=(source, 2)), is_causal=True)


def test_a_query_with_nothing_to_attend_to_gives_zeros_as_pytorch():
    mask = np.ones((3, 5), bool)
    mask[1] = False
    out = _compare_with_torch(Q, K, V, attn_mask=mask)
    assert np.all(out.data[:, 1] == 0)
    float_mask = np.zeros((3, 5))
    float_mask[2] = -np.inf
    float_mask[0, :2] = -np.inf
    out = _compare_with_torch(Q, K, V, attn_mask=float_mask)
    assert np.all(out.data[:, 2] == 0)


def test_the_graph_reads_matmul_scale_mask_softmax_matmul():
    q, k, v = leaf(Q[0], name="Q"), leaf(K[0], name="K"), leaf(V[0], name="V")
    out = SDPA(q, k, v, is_causal=True)
    chain, node = [], out.grad_fn
    while node is not None:
        chain.append(node.name)
        node = node.inputs[0].grad_fn
    assert chain == ["matmul", "softmax", "masked_fill", "mul", "matmul"]
    assert out.grad_fn.inputs[1] is v and out.grad_fn.inputs[0].grad_fn.inputs[0].grad_fn.name == "masked_fill"
    scores = out.grad_fn.inputs[0].grad_fn.inputs[0].grad_fn.inputs[0].grad_fn.inputs[0]
    assert scores.grad_fn.name == "matmul" and scores.grad_fn.inputs[1].grad_fn.name == "transpose"
    plain = SDPA(q, k, v, attn_mask=np.zeros((3, 5)))  # a float mask is added
    assert plain.grad_fn.inputs[0].grad_fn.inputs[0].grad_fn.name == "add"


@st.composite
def attention_inputs(draw):
    batch = tuple(draw(st.lists(st.integers(1, 2), max_size=2)))
    length, source, e, ev = (draw(st.integers(1, 3)) for _ in range(4))
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    kind = draw(st.sampled_from(["none", "causal", "bool", "float"]))
    kwargs = {"is_causal": True} if kind == "causal" else {}
    if kind == "bool":
        mask = rng.uniform(size=(length, source)) > 0.3
        mask[:, 0] = True  # each query attends to something: finite differences need a smooth function
        kwargs["attn_mask"] = mask
    elif kind == "float":
        kwargs["attn_mask"] = rng.normal(size=(length, source))
    arrays = [rng.normal(size=batch + s) for s in ((length, e), (source, e), (source, ev))]
    return arrays, kwargs


@FAST
@given(case=attention_inputs())
def test_finite_differences_and_second_order(case):
    arrays, kwargs = case
    inputs = [leaf(a) for a in arrays]
    with strict_numpy():
        assert tg.gradcheck(lambda q, k, v: SDPA(q, k, v, **kwargs), inputs)
        assert tg.gradcheck(lambda q, k, v: tg.grad((SDPA(q, k, v, **kwargs) ** 2).sum(), [q, k, v],
                                                    create_graph=True), inputs, atol=1e-4)


def test_second_derivatives_match_pytorch():
    torch = pytest.importorskip("torch")
    mask = np.tril(np.ones((3, 5), bool))
    ours = [leaf(a) for a in (Q, K, V)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (Q, K, V)]
    direction = [np.random.default_rng(i).normal(size=a.shape) for i, a in enumerate((Q, K, V))]
    first = tg.grad((SDPA(*ours, attn_mask=mask) ** 2).sum(), ours, create_graph=True)
    second = tg.grad(sum((g * Tensor(d)).sum() for g, d in zip(first, direction)), ours)
    tfirst = torch.autograd.grad((torch.nn.functional.scaled_dot_product_attention(
        *theirs, attn_mask=torch.tensor(mask)) ** 2).sum(), theirs, create_graph=True)
    tsecond = torch.autograd.grad(sum((g * torch.tensor(d)).sum() for g, d in zip(tfirst, direction)), theirs)
    for a, b in zip(second, tsecond):
        np.testing.assert_allclose(a.data, b.numpy(), rtol=1e-9, atol=1e-12)


def test_dropout_drops_attention_weights_from_the_seeded_generator():
    q, k, v = leaf(Q), leaf(K), leaf(V)
    tg.manual_seed(0)
    a = SDPA(q, k, v, dropout_p=0.5)
    tg.manual_seed(0)
    b = SDPA(q, k, v, dropout_p=0.5)
    np.testing.assert_array_equal(a.data, b.data)
    assert not np.allclose(a.data, SDPA(q, k, v).data)
    mask_node = a.grad_fn.inputs[0].grad_fn.inputs[1]
    assert a.grad_fn.inputs[0].grad_fn.name == "mul" and mask_node.name == "dropout mask"
    assert np.all(SDPA(q, k, v, dropout_p=1.0).data == 0)


def test_extreme_inputs_stay_finite_without_warning():
    with strict_numpy():
        q, k, v = leaf(Q * 1e4), leaf(K * 1e4), leaf(V)
        out = SDPA(q, k, v, is_causal=True)
        out.sum().backward()
    assert np.all(np.isfinite(out.data)) and np.all(np.isfinite(q.grad.data))


def test_float32_stays_float32():
    out = SDPA(*(Tensor(a.astype(np.float32)) for a in (Q, K, V)), attn_mask=np.zeros((3, 5)))
    assert out.dtype == np.float32


def test_bad_input_names_the_argument_and_the_shapes():
    q, k, v = Tensor(Q), Tensor(K), Tensor(V)
    with pytest.raises(ValueError, match=r"scaled_dot_product_attention: attn_mask of shape \(4, 5\) does not "
                                         r"broadcast to the attention scores' shape \(2, 3, 5\)"):
        SDPA(q, k, v, attn_mask=np.ones((4, 5), bool))
    with pytest.raises(TypeError, match=r"scaled_dot_product_attention: attn_mask must be boolean or floating, "
                                        r"got dtype int64 \(shape \(3, 5\)\)"):
        SDPA(q, k, v, attn_mask=np.ones((3, 5), np.int64))
    with pytest.raises(ValueError, match=r"query and key must have the same last axis E .*query \(2, 3, 4\), "
                                         r"key \(2, 5, 3\)"):
        SDPA(q, Tensor(K[..., :3]), v)
    with pytest.raises(ValueError, match=r"key and value must have the same number of positions S .*value \(2, 4, 6\)"):
        SDPA(q, k, Tensor(V[:, :4]))
    with pytest.raises(ValueError, match=r"need at least 2 dimensions .*query \(4,\)"):
        SDPA(Tensor(Q[0, 0]), k, v)
    with pytest.raises(ValueError, match="give attn_mask or is_causal=True, not both"):
        SDPA(q, k, v, attn_mask=np.ones((3, 5), bool), is_causal=True)
    with pytest.raises(ValueError, match="scaled_dot_product_attention: p is the probability"):
        SDPA(q, k, v, dropout_p=1.5)
    with pytest.raises(ValueError, match="batch axes .* do not broadcast"):
        SDPA(Tensor(np.zeros((3, 3, 4))), k, v)
