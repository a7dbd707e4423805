"""The non-convolution layers without PyTorch: batch_norm and layer_norm against finite
differences (first and second derivatives, hypothesis-drawn shapes), Dropout's mask statistics,
scaling, eval identity and reproducibility, the small modules, and every bad input's message."""
import numpy as np
import pytest
from conftest import leaf
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor, nn

FAST = settings(max_examples=25, deadline=None)


@st.composite
def batch_norm_cases(draw):
    """(x, γ, β, eps): x of shape (N, C, *spatial) with at least 2 values per channel."""
    n, c = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    spatial = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    if n * int(np.prod(spatial)) < 2:
        n = 2
    shape = (n, c) + spatial
    x = draw(arrays(shape, -3, 3))
    return x, draw(arrays((c,), -2, 2)), draw(arrays((c,), -2, 2)), draw(st.sampled_from([1e-5, 1e-3, 0.5]))


@st.composite
def layer_norm_cases(draw):
    """(x, normalized_shape, γ, β, eps)."""
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    k = draw(st.integers(1, len(shape)))
    normalized = shape[len(shape) - k:]
    x = draw(arrays(shape, -3, 3))
    return (x, normalized, draw(arrays(normalized, -2, 2)), draw(arrays(normalized, -2, 2)),
            draw(st.sampled_from([1e-5, 1e-3, 0.5])))


@FAST
@given(case=batch_norm_cases(), training=st.booleans())
def test_batch_norm_matches_finite_differences(case, training):
    x, w, b, eps = case
    c = x.shape[1]
    rm, rv = np.linspace(-1, 1, c), np.linspace(0.5, 2, c)
    fn = lambda x, w, b: F.batch_norm(x, rm.copy(), rv.copy(), w, b, training=training, eps=eps)  # noqa: E731
    assert tg.gradcheck(fn, [leaf(x), leaf(w), leaf(b)], atol=1e-5, rtol=1e-4)


@FAST
@given(case=layer_norm_cases())
def test_layer_norm_matches_finite_differences(case):
    x, normalized, w, b, eps = case
    fn = lambda x, w, b: F.layer_norm(x, normalized, w, b, eps=eps)  # noqa: E731
    assert tg.gradcheck(fn, [leaf(x), leaf(w), leaf(b)], atol=1e-5, rtol=1e-4)


def _gradient_of(fn, shapes_out_weights):
    """(inputs) -> their gradients of Σ fn(inputs)·V, with create_graph: differentiable again."""
    def gradients(*inputs):
        out = fn(*inputs)
        return tg.grad((out * Tensor(shapes_out_weights(out.shape))).sum(), inputs, create_graph=True)
    return gradients


def _fixed_weights(shape):
    return np.random.default_rng(0).uniform(-1, 1, shape)


@settings(max_examples=12, deadline=None)
@given(case=batch_norm_cases(), training=st.booleans())
def test_batch_norm_second_derivatives_match_finite_differences(case, training):
    x, w, b, eps = case
    eps = max(eps, 1e-3)  # second derivatives scale as 1/σ³: keep finite differences accurate
    c = x.shape[1]
    rm, rv = np.linspace(-1, 1, c), np.linspace(0.5, 2, c)
    fn = lambda x, w, b: F.batch_norm(x, rm.copy(), rv.copy(), w, b, training=training, eps=eps) ** 2  # noqa: E731
    assert tg.gradcheck(_gradient_of(fn, _fixed_weights), [leaf(x), leaf(w), leaf(b)], atol=1e-4, rtol=1e-3)


@settings(max_examples=12, deadline=None)
@given(case=layer_norm_cases())
def test_layer_norm_second_derivatives_match_finite_differences(case):
    x, normalized, w, b, eps = case
    eps = max(eps, 1e-3)
    fn = lambda x, w, b: F.layer_norm(x, normalized, w, b, eps=eps)  # noqa: E731
    assert tg.gradcheck(_gradient_of(fn, _fixed_weights), [leaf(x), leaf(w), leaf(b)], atol=1e-4, rtol=1e-3)


def test_batch_norm_in_training_normalises_each_channel():
    x = np.random.default_rng(0).normal(3, 5, size=(16, 3, 4))
    y = nn.BatchNorm1d(3, dtype=np.float64)(Tensor(x)).data
    np.testing.assert_allclose(y.mean(axis=(0, 2)), 0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=(0, 2)), 1, rtol=1e-4)  # eps = 1e-5 shrinks it a little


def test_norms_are_one_op_each_with_their_derivative_label():
    x = leaf(np.random.default_rng(1).normal(size=(4, 3)))
    bn = nn.BatchNorm1d(3, dtype=np.float64)
    y = bn(x)
    assert y.grad_fn.name == "batch_norm" and "x̂" in y.grad_fn.derivative
    assert y.grad_fn.inputs == (x, bn.weight, bn.bias)
    assert "running" in bn.eval()(x).grad_fn.derivative
    ln = nn.LayerNorm(3, dtype=np.float64)
    assert ln(x).grad_fn.name == "layer_norm"
    assert ln(x).grad_fn.inputs == (x, ln.weight, ln.bias)


def test_eval_graph_keeps_the_running_stats_it_used():
    """A later training step changes running_mean in place; a graph built in eval mode before it
    still differentiates with the statistics it was computed with."""
    bn = nn.BatchNorm1d(2, dtype=np.float64).eval()
    x = leaf(np.random.default_rng(2).normal(size=(4, 2)))
    y = bn(x)
    bn.train()(Tensor(np.random.default_rng(3).normal(5, 1, size=(4, 2))))
    y.backward(np.ones((4, 2)))
    np.testing.assert_allclose(x.grad.data, np.ones((4, 2)) / np.sqrt(1 + 1e-5))


# --- Dropout ---------------------------------------------------------------------------------

@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_keeps_a_fraction_one_minus_p_and_scales_by_one_over_one_minus_p(p):
    tg.manual_seed(0)
    x = Tensor(np.ones(100_000))
    y = F.dropout(x, p, training=True).data
    kept = y != 0
    # 1 − p within 6 standard deviations of the binomial fraction
    assert abs(kept.mean() - (1 - p)) < 6 * np.sqrt(p * (1 - p) / y.size)
    np.testing.assert_allclose(y[kept], 1 / (1 - p), rtol=1e-15)
    assert abs(y.mean() - 1) < 6 * np.sqrt(p / (1 - p) / y.size)  # the expectation is kept


def test_dropout_gradient_is_the_mask_and_the_graph_shows_it():
    tg.manual_seed(1)
    x = leaf(np.random.default_rng(0).normal(size=(50, 4)))
    y = F.dropout(x, 0.25)
    y.backward(np.ones(y.shape))
    mask = y.data / x.data
    np.testing.assert_allclose(x.grad.data, mask)
    assert set(np.round(np.unique(mask), 12)) == {0.0, round(1 / 0.75, 12)}
    assert y.grad_fn.name == "mul" and y.grad_fn.inputs[1].name == "dropout mask"
    assert not y.grad_fn.inputs[1].requires_grad
    tg.manual_seed(1)
    assert tg.gradcheck(lambda t: (tg.manual_seed(1), F.dropout(t, 0.25))[1] ** 2, [x])
    (g,) = tg.grad((y * y).sum(), [x], create_graph=True)
    (h,) = tg.grad(g.sum(), [x])
    np.testing.assert_allclose(h.data, 2 * mask ** 2)


def test_dropout_is_reproducible_under_manual_seed():
    def mask(seed):
        tg.manual_seed(seed)
        return nn.Dropout(0.5)(Tensor(np.ones(1000))).data
    np.testing.assert_array_equal(mask(3), mask(3))
    assert not np.array_equal(mask(3), mask(4))


def test_dropout_eval_and_p_zero_are_the_identity_p_one_zeroes_everything():
    x = leaf(np.arange(1.0, 7.0).reshape(2, 3))
    d = nn.Dropout(0.9)
    assert d.eval()(x) is x
    assert F.dropout(x, 0.9, training=False) is x
    assert F.dropout(x, 0.0) is x
    y = F.dropout(x, 1.0)
    np.testing.assert_array_equal(y.data, 0)
    y.backward(np.ones(y.shape))
    np.testing.assert_array_equal(x.grad.data, 0)


def test_train_and_eval_switch_dropout_and_batch_norm_inside_a_model():
    model = nn.Sequential(nn.Linear(3, 3), nn.BatchNorm1d(3), nn.Dropout(0.5))
    x = Tensor(np.random.default_rng(0).normal(size=(8, 3)))
    assert model.training and model[2].training
    model.eval()
    assert not model.training and not model[1].training and not model[2].training
    np.testing.assert_array_equal(model(x).data, model(x).data)  # eval: deterministic
    assert int(model[1].num_batches_tracked.item()) == 0
    model.train()
    assert model[1].training
    model(x)
    assert int(model[1].num_batches_tracked.item()) == 1


# --- the small modules -----------------------------------------------------------------------

def test_flatten_identity_and_module_list_behave_as_containers():
    x = leaf(np.arange(24.0).reshape(2, 3, 4))
    assert nn.Flatten()(x).shape == (2, 12)
    assert nn.Flatten(0, 1)(x).shape == (6, 4)
    assert nn.Flatten(0)(x).shape == (24,)
    assert nn.Identity()(x) is x
    layers = nn.ModuleList([nn.Linear(2, 2)])
    layers += [nn.ReLU(), nn.Linear(2, 1)]
    layers.insert(1, nn.Identity())
    assert len(layers) == 4 and isinstance(layers[1], nn.Identity)
    assert [n for n, _ in layers.named_parameters()] == ["0.weight", "0.bias", "3.weight", "3.bias"]
    assert isinstance(layers[1:], nn.ModuleList) and len(layers[1:]) == 3
    del layers[1]
    assert [type(m).__name__ for m in layers] == ["Linear", "ReLU", "Linear"]

    class Stack(nn.Module):
        def __init__(self):
            self.blocks = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])

        def forward(self, x):
            for block in self.blocks:
                x = block(x)
            return x
    stack = Stack()
    assert [n for n, _ in stack.named_parameters()][-1] == "blocks.2.bias"
    assert stack(Tensor(np.ones((1, 2)))).shape == (1, 2)
    with pytest.raises(NotImplementedError):
        layers(x)
    with pytest.raises(TypeError, match="ModuleList: item 3 is a int"):
        layers.append(3)


# --- bad input -------------------------------------------------------------------------------

def test_batch_norm_wrong_feature_count_names_layer_argument_and_shapes():
    with pytest.raises(ValueError, match=r"BatchNorm1d\(3\).*num_features=3.*\(4, 5\)"):
        nn.BatchNorm1d(3)(Tensor(np.ones((4, 5))))
    with pytest.raises(ValueError, match=r"BatchNorm2d\(3\).*num_features=3.*\(2, 4, 2, 2\)"):
        nn.BatchNorm2d(3)(Tensor(np.ones((2, 4, 2, 2))))
    with pytest.raises(ValueError, match=r"BatchNorm1d\(3\): expected input of shape \(N, C\) or "
                                         r"\(N, C, L\).*\(2, 3, 2, 2\)"):
        nn.BatchNorm1d(3)(Tensor(np.ones((2, 3, 2, 2))))
    with pytest.raises(ValueError, match=r"BatchNorm2d\(3\): expected input of shape \(N, C, H, W\).*\(2, 3\)"):
        nn.BatchNorm2d(3)(Tensor(np.ones((2, 3))))
    with pytest.raises(ValueError, match=r"batch_norm: running_var has shape \(4,\).*\(5, 3\).*expected \(3,\)"):
        F.batch_norm(Tensor(np.ones((5, 3))), np.zeros(3), np.ones(4))
    with pytest.raises(ValueError, match="running_mean and running_var"):
        F.batch_norm(Tensor(np.ones((5, 3))), None, None, training=False)
    with pytest.raises(ValueError, match="num_features must be a positive integer"):
        nn.BatchNorm1d(0)


@pytest.mark.parametrize("shape", [(1, 3), (1, 3, 1), (1, 3, 1, 1)])
def test_batch_norm_on_one_value_per_channel_in_training_is_pytorchs_error(shape):
    bn = nn.BatchNorm1d(3) if len(shape) < 4 else nn.BatchNorm2d(3)
    x = Tensor(np.ones(shape))
    with pytest.raises(ValueError, match=r"BatchNorm[12]d\(3\): expected more than 1 value per channel "
                                         r"when training, got input of shape " + re_shape(shape)):
        bn(x)
    assert int(bn.num_batches_tracked.item()) == 0  # nothing changed
    np.testing.assert_array_equal(bn.running_var.data, 1)
    assert bn.eval()(x).shape == shape  # eval: the running statistics, fine
    with pytest.raises(ValueError, match="batch_norm: expected more than 1 value per channel"):
        F.batch_norm(x, None, None, training=True)


def re_shape(shape):
    import re
    return re.escape(str(shape))


def test_layer_norm_wrong_shape_names_layer_argument_and_shapes():
    with pytest.raises(ValueError, match=r"LayerNorm\(normalized_shape=\(4,\)\): expected input of shape "
                                         r"\(\*, 4\), got input of shape \(2, 3\)"):
        nn.LayerNorm(4)(Tensor(np.ones((2, 3))))
    with pytest.raises(ValueError, match=r"layer_norm: normalized_shape=\(2, 3\).*\(3, 2\)"):
        F.layer_norm(Tensor(np.ones((3, 2))), (2, 3))
    with pytest.raises(ValueError, match=r"\(\*, 2, 3\), got input of shape \(3,\)"):
        nn.LayerNorm((2, 3))(Tensor(np.ones(3)))
    with pytest.raises(ValueError, match=r"layer_norm: weight has shape \(2,\), expected normalized_shape \(3,\)"):
        F.layer_norm(Tensor(np.ones((2, 3))), 3, weight=Tensor(np.ones(2)))
    with pytest.raises(ValueError, match="LayerNorm: normalized_shape must be positive"):
        nn.LayerNorm(0)


def test_embedding_index_out_of_range_names_index_and_num_embeddings():
    emb = nn.Embedding(10, 4)
    with pytest.raises(IndexError, match=r"Embedding\(10, 4\): index 10 at position \(1, 0\).*num_embeddings=10"):
        emb(np.array([[1, 2], [10, 3]]))
    with pytest.raises(IndexError, match=r"index -1 .*num_embeddings=10 \(valid: 0..9\)"):
        emb([0, -1])
    with pytest.raises(TypeError, match=r"Embedding\(10, 4\): indices must be integers, got dtype float64"):
        emb(np.array([0.5]))
    with pytest.raises(IndexError, match="embedding: index 3 .*num_embeddings=3"):
        F.embedding([3], Tensor(np.ones((3, 2))))
    assert emb(Tensor([1, 2])).shape == (2, 4)  # whole-number float32 indices are fine


@pytest.mark.parametrize("p", [-0.1, 1.5, "0.5", None])
def test_dropout_p_outside_zero_one_is_refused(p):
    with pytest.raises(ValueError, match=r"Dropout: p .* must be in \[0, 1\], got p="):
        nn.Dropout(p)
    with pytest.raises(ValueError, match=r"dropout: p .* must be in \[0, 1\]"):
        F.dropout(Tensor(np.ones(3)), p)


def test_graph_of_a_normalised_model_shows_one_node_per_layer_op():
    from tinygrad_edu import viz
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Dropout(0.5), nn.LayerNorm(4))
    loss = model(Tensor(np.random.default_rng(0).normal(size=(5, 3)))).sum()
    source = viz.draw_graph(loss).source
    # op nodes carry their derivative label below the name
    assert source.count("<B>batch_norm</B><BR/>") == 1 and source.count("<B>layer_norm</B><BR/>") == 1
    assert source.count("<B>dropout mask</B>") == 1
    assert 'label="dropout' not in source  # the mask is a tensor node, not a cluster of its own


def test_batch_norm_keeps_the_inputs_dtype_with_float64_running_stats():
    x = Tensor(np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32), requires_grad=True)
    y = F.batch_norm(x, np.zeros(3), np.ones(3))
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32


@pytest.mark.parametrize("momentum", [0.1, None])
def test_batch_norm_running_statistics_follow_pytorchs_recurrence(momentum):
    """r ← (1 − m)·r + m·(batch mean, UNBIASED batch variance); momentum=None: m = 1/k at step k,
    the plain average of the batch statistics."""
    rng = np.random.default_rng(11)
    bn = nn.BatchNorm2d(2, momentum=momentum, dtype=np.float64)
    mean, var = np.zeros(2), np.ones(2)
    batch_means, batch_vars = [], []
    for k in range(1, 5):
        x = rng.normal(k, k, size=(3, 2, 2, 2))
        bn(Tensor(x))
        m = 1 / k if momentum is None else momentum
        batch_means.append(x.mean(axis=(0, 2, 3)))
        batch_vars.append(x.var(axis=(0, 2, 3), ddof=1))
        mean, var = (1 - m) * mean + m * batch_means[-1], (1 - m) * var + m * batch_vars[-1]
    np.testing.assert_allclose(bn.running_mean.data, mean, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.data, var, rtol=1e-12)
    if momentum is None:
        np.testing.assert_allclose(bn.running_var.data, np.mean(batch_vars, axis=0), rtol=1e-12)
    assert bn.num_batches_tracked.item() == 4


def test_norms_emit_no_numpy_warning_on_constant_or_large_input():
    with np.errstate(all="raise"):
        for x in (np.zeros((4, 3)), np.full((4, 3), 7.0), np.random.default_rng(0).normal(0, 1e6, (4, 3))):
            for fn in (lambda t: F.batch_norm(t, None, None, training=True), lambda t: F.layer_norm(t, 3)):
                t = leaf(x)
                y = fn(t)
                y.backward(np.ones(y.shape))
                assert np.all(np.isfinite(y.data)) and np.all(np.isfinite(t.grad.data))


def test_embedding_gradient_matches_finite_differences():
    idx = np.array([[1, 1, 0], [3, 1, 2]])
    assert tg.gradcheck(lambda w: F.embedding(idx, w) ** 2, [leaf(np.random.default_rng(0).normal(size=(4, 3)))])


# --- Embedding's padding_idx ------------------------------------------------------------------

@st.composite
def embedding_cases(draw):
    """(weight, idx, padding_idx): idx holds padding_idx at least once; padding_idx maybe negative."""
    rows, dim = draw(st.integers(1, 5)), draw(st.integers(1, 3))
    idx_shape = tuple(draw(st.lists(st.integers(1, 3), min_size=0, max_size=2)))
    idx = np.array(draw(st.lists(st.integers(0, rows - 1), min_size=int(np.prod(idx_shape)),
                                 max_size=int(np.prod(idx_shape))))).reshape(idx_shape)
    padding_idx = draw(st.integers(-rows, rows - 1))
    idx.flat[0] = padding_idx % rows
    return draw(arrays((rows, dim))), idx, padding_idx


def _lookup_with_fixed_padding_row(w, idx, padding_idx):
    """(the other rows as a leaf, their lookup): the padding row enters as a constant, so finite
    differences over the other rows check the gradient that padding_idx leaves them."""
    pad = padding_idx % len(w)
    others = leaf(np.delete(w, pad, axis=0))
    row = Tensor(w[pad:pad + 1])

    def lookup(others):
        table = tg.cat([others[:pad], row, others[pad:]], dim=0)
        return F.embedding(idx, table, padding_idx=padding_idx)
    return others, lookup


@FAST
@given(embedding_cases())
def test_embedding_padding_idx_gradient_matches_finite_differences(case):
    w, idx, padding_idx = case
    others, lookup = _lookup_with_fixed_padding_row(w, idx, padding_idx)
    if others.size:
        assert tg.gradcheck(lambda o: lookup(o) ** 2, [others])
    weight = leaf(w)
    out = F.embedding(idx, weight, padding_idx=padding_idx)
    np.testing.assert_array_equal(out.data, w[idx])       # the padding row is still looked up
    out.backward(np.ones(out.shape))
    assert not weight.grad.data[padding_idx].any()
    kept = idx[idx != padding_idx % len(w)]
    np.testing.assert_array_equal(weight.grad.data.sum(axis=1) != 0, np.isin(np.arange(len(w)), kept))


@FAST
@given(embedding_cases())
def test_embedding_padding_idx_second_derivatives_match_finite_differences(case):
    w, idx, padding_idx = case
    others, lookup = _lookup_with_fixed_padding_row(w, idx, padding_idx)

    def first_derivative(o):
        (g,) = tg.grad((lookup(o) ** 3).sum(), [o], create_graph=True)
        return g
    if others.size:
        assert tg.gradcheck(first_derivative, [others])


def test_embedding_padding_row_starts_at_zero_and_stays_zero_under_training():
    tg.manual_seed(0)
    emb = nn.Embedding(6, 3, padding_idx=2, dtype=np.float64)
    assert emb.padding_idx == 2 and not emb.weight.data[2].any()
    assert np.all(np.delete(emb.weight.data, 2, axis=0) != 0)
    start = emb.weight.data.copy()
    idx = np.array([[2, 0, 2], [5, 2, 1]])
    for opt in (tg.optim.SGD(emb.parameters(), lr=0.1, momentum=0.9, weight_decay=0.1),
                tg.optim.Adam(emb.parameters(), lr=0.1, weight_decay=0.1)):
        for _ in range(3):
            opt.zero_grad()
            ((emb(idx) - 1.0) ** 2).sum().backward()
            np.testing.assert_array_equal(emb.weight.grad.data[2], 0.0)
            opt.step()
    np.testing.assert_array_equal(emb.weight.data[2], 0.0)
    assert np.all(emb.weight.data[[0, 1, 5]] != start[[0, 1, 5]])


def test_embedding_negative_padding_idx_counts_from_the_end():
    emb = nn.Embedding(5, 2, padding_idx=-1)
    assert emb.padding_idx == 4 and not emb.weight.data[4].any() and emb.weight.data[:4].all()
    assert repr(emb) == "Embedding(5, 2, padding_idx=4)"
    assert repr(nn.Embedding(5, 2)) == "Embedding(5, 2)"
    assert nn.Embedding(5, 2, padding_idx=-5).padding_idx == 0


@pytest.mark.parametrize("padding_idx", [5, 9, -6])
def test_embedding_padding_idx_out_of_range_names_the_layer_the_index_and_num_embeddings(padding_idx):
    with pytest.raises(ValueError, match=rf"Embedding: padding_idx={padding_idx} is out of range "
                                         r"for num_embeddings=5 \(valid: -5..4\)"):
        nn.Embedding(5, 2, padding_idx=padding_idx)
    with pytest.raises(ValueError, match=rf"embedding: padding_idx={padding_idx} .*num_embeddings=5"):
        F.embedding([0], Tensor(np.ones((5, 2))), padding_idx=padding_idx)


@pytest.mark.parametrize("padding_idx", [1.0, "1", True])
def test_embedding_padding_idx_must_be_an_integer(padding_idx):
    with pytest.raises(TypeError, match="Embedding: padding_idx must be an integer or None"):
        nn.Embedding(5, 2, padding_idx=padding_idx)
