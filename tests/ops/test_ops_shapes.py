"""Shape ops, indexing, joins and matrix products: forward values against numpy, gradients by
tg.gradcheck with hypothesis-drawn shapes — reshape/view/flatten, transpose/permute, squeeze,
expand, indexing (repeated indices accumulate), cat/stack/split/chunk/narrow/pad, matmul in
every rank, F.linear."""
import numpy as np
import pytest
from conftest import check, leaf
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import (
    arrays,
    index_for,
    matmul_shapes,
    shapes,
    single_axis,
)

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor

FAST = settings(max_examples=20, deadline=None)


@FAST
@given(shape=shapes(), data=st.data())
def test_reshape_with_ints_tuple_and_minus_one(shape, data):
    x = data.draw(arrays(shape))
    n = x.size
    divisors = [d for d in range(1, n + 1) if n % d == 0]
    d = data.draw(st.sampled_from(divisors))
    check(lambda t: t.reshape(d, n // d), x.reshape(d, n // d), x)
    check(lambda t: t.reshape((n // d, d)), x.reshape(n // d, d), x)
    check(lambda t: t.reshape(-1, d), x.reshape(-1, d), x)
    check(lambda t: t.reshape(d, -1, 1), x.reshape(d, -1, 1), x)
    check(lambda t: t.reshape(-1), x.reshape(-1), x)


@FAST
@given(shape=shapes(), data=st.data())
def test_view_flatten(shape, data):
    x = data.draw(arrays(shape))
    check(lambda t: t.view(-1), x.reshape(-1), x)
    check(lambda t: t.flatten(), x.reshape(-1), x)
    if len(shape) >= 1:
        start = data.draw(st.integers(0, len(shape) - 1))
        end = data.draw(st.integers(start, len(shape) - 1))
        expected = x.reshape(*shape[:start], -1, *shape[end + 1:])
        check(lambda t: t.flatten(start, end), expected, x)
        check(lambda t: t.flatten(start_dim=start - len(shape), end_dim=end - len(shape)), expected, x)


def test_flatten_of_a_scalar_is_one_element():
    assert Tensor(3.0).flatten().shape == (1,)


@FAST
@given(shape=shapes(max_side=2), data=st.data())
def test_squeeze_unsqueeze(shape, data):
    x = data.draw(arrays(shape))
    check(lambda t: t.squeeze(), np.squeeze(x), x)
    if shape:
        dim = data.draw(single_axis(len(shape)))
        expected = np.squeeze(x, axis=dim) if shape[dim] == 1 else x   # size ≠ 1: unchanged, as PyTorch
        check(lambda t: t.squeeze(dim), expected, x)
        check(lambda t: t.squeeze(dim=(dim,)), expected, x)
    dim = data.draw(st.integers(-len(shape) - 1, len(shape)))
    check(lambda t: t.unsqueeze(dim), np.expand_dims(x, dim), x)


@FAST
@given(shape=shapes(max_side=3), data=st.data())
def test_expand(shape, data):
    x = data.draw(arrays(tuple(1 if data.draw(st.booleans()) else n for n in shape)))
    lead = data.draw(st.lists(st.integers(1, 3), max_size=2))
    sizes = [*lead] + [data.draw(st.integers(1, 3)) if n == 1 else data.draw(st.sampled_from([n, -1]))
                       for n in x.shape]
    target = [*lead] + [n if s == -1 else s for s, n in zip(sizes[len(lead):], x.shape)]
    check(lambda t: t.expand(*sizes), np.broadcast_to(x, target), x)
    check(lambda t: t.expand(tuple(sizes)), np.broadcast_to(x, target), x)


@FAST
@given(shape=shapes(), data=st.data())
def test_transpose_swaps_two_axes_permutes_three_or_more_and_T(shape, data):
    x = data.draw(arrays(shape))
    nd = len(shape)
    if nd >= 1:  # PyTorch's rule: two dims swap those axes (negative dims count from the end)
        d0, d1 = (data.draw(st.integers(-nd, nd - 1)) for _ in range(2))
        check(lambda t: t.transpose(d0, d1), np.swapaxes(x, d0, d1), x)
        check(lambda t: t.transpose((d0, d1)), np.swapaxes(x, d0, d1), x)
    if nd >= 3:  # a full permutation of 3 or more axes keeps numpy's meaning
        perm = data.draw(st.permutations(range(nd)))
        check(lambda t: t.transpose(*perm), x.transpose(perm), x)
        check(lambda t: t.transpose(tuple(perm)), x.transpose(perm), x)
        mixed = [a - nd if data.draw(st.booleans()) else a for a in perm]   # negative axes
        check(lambda t: t.transpose(*mixed), x.transpose(mixed), x)
    check(lambda t: t.transpose(), x.transpose(), x)
    check(lambda t: t.T, x.T, x)


@FAST
@given(shape=shapes(), data=st.data())
def test_permute(shape, data):
    x = data.draw(arrays(shape))
    perm = data.draw(st.permutations(range(len(shape))))
    mixed = [p - len(shape) if data.draw(st.booleans()) else p for p in perm]
    check(lambda t: t.permute(*mixed), x.transpose(perm), x)
    check(lambda t: t.permute(tuple(perm)), x.transpose(perm), x)


# --- indexing -------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(shape=shapes(min_dims=1), data=st.data())
def test_indexing(shape, data):
    x = data.draw(arrays(shape))
    index = data.draw(index_for(shape))
    check(lambda t: t[index], x[index], x)


@pytest.mark.parametrize("index", [
    np.array([0, 0, 2, 0]), [0, 0, 2, 0], (np.array([1, 1]), np.array([2, 2])),
    (slice(None), np.array([1, 1, 1])), (np.array([[0, 1], [1, 0]]), slice(0, 2)),
    (Ellipsis, None, 1), (None, 0, slice(None, None, -1)), -1, (1, -2),
])
def test_indexing_special_forms(index):
    x = np.arange(12.0).reshape(3, 4) / 7
    numpy_index = tuple(index) if isinstance(index, tuple) else np.asarray(index) if isinstance(index, list) else index
    check(lambda t: t[index], x[numpy_index], x)


def test_indexing_with_tensor_index():
    x = np.arange(6.0)
    idx = Tensor(np.array([5, 5, 0]), dtype=np.int64)
    check(lambda t: t[idx], x[[5, 5, 0]], x)


def test_indexing_with_default_float_tensor_of_labels():
    x = np.arange(6.0)
    check(lambda t: t[Tensor([5, 0, 5])], x[[5, 0, 5]], x)


def test_repeated_integer_indices_accumulate_their_gradients():
    x = leaf(np.arange(4.0))
    x[np.array([0, 0, 2, 0, 3])].sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 0.0, 1.0, 1.0])
    y = leaf(np.ones((3, 2)))
    (y[[2, 2]] * Tensor(np.array([[1.0, 2.0], [10.0, 20.0]]))).sum().backward()
    np.testing.assert_array_equal(y.grad.data, [[0, 0], [0, 0], [11, 22]])


# --- cat, stack, split, chunk, narrow, pad ------------------------------------------------------------------


@st.composite
def _pieces(draw, min_dims=1):
    shape = draw(shapes(min_dims=min_dims))
    dim = draw(single_axis(len(shape))) if shape else 0
    n = draw(st.integers(1, 3))
    out = []
    for _ in range(n):
        s = list(shape)
        if shape:
            s[dim] = draw(st.integers(0, 3)) if min_dims else s[dim]
        out.append(draw(arrays(tuple(s))))
    return out, dim


@FAST
@given(data=_pieces())
def test_cat(data):
    pieces, dim = data
    check(lambda *ts: tg.cat(list(ts), dim=dim), np.concatenate(pieces, axis=dim), *pieces)
    check(lambda *ts: tg.cat(ts, dim), np.concatenate(pieces, axis=dim), *pieces)


@FAST
@given(shape=shapes(), n=st.integers(1, 3), data=st.data())
def test_stack(shape, n, data):
    pieces = [data.draw(arrays(shape)) for _ in range(n)]
    dim = data.draw(st.integers(-len(shape) - 1, len(shape)))
    check(lambda *ts: tg.stack(list(ts), dim=dim), np.stack(pieces, axis=dim), *pieces)


@FAST
@given(shape=shapes(min_dims=1, max_side=5), data=st.data())
def test_split_and_chunk(shape, data):
    x = data.draw(arrays(shape))
    dim = data.draw(single_axis(len(shape)))
    n = shape[dim]
    size = data.draw(st.integers(1, n + 1))
    expected = tuple(np.split(x, list(range(size, n, size)), axis=dim))
    check(lambda t: t.split(size, dim), expected, x)
    sections = data.draw(st.lists(st.integers(0, n), min_size=1, max_size=3))
    cuts = sorted(sections)[:-1] + [n]
    sizes = np.diff([0] + sorted(cuts)).tolist()
    check(lambda t: t.split(sizes, dim=dim), tuple(np.split(x, np.cumsum(sizes)[:-1].tolist(), axis=dim)), x)
    chunks = data.draw(st.integers(1, 4))
    step = -(-n // chunks)
    check(lambda t: t.chunk(chunks, dim), tuple(np.split(x, list(range(step, n, step)), axis=dim)), x)


def test_split_pieces_are_views_and_their_gradients_add_up():
    x = leaf(np.arange(6.0).reshape(2, 3))
    a, b = x.split([1, 2], dim=1)
    assert a.shape == (2, 1) and b.shape == (2, 2) and a.grad_fn.name == "narrow"
    (a * 3 + b.sum(dim=1, keepdim=True)).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[3, 1, 1], [3, 1, 1]])
    assert len(Tensor(np.zeros((5, 2))).chunk(3)) == 3 and len(Tensor(np.zeros((4,))).chunk(3)) == 2


@FAST
@given(shape=shapes(min_dims=1), data=st.data())
def test_pad_in_pytorch_order(shape, data):
    x = data.draw(arrays(shape))
    k = data.draw(st.integers(1, len(shape)))
    pad = [data.draw(st.integers(0, 2)) for _ in range(2 * k)]
    value = data.draw(st.sampled_from([0.0, -1.5]))
    widths = [(0, 0)] * (len(shape) - k) + [(pad[2 * i], pad[2 * i + 1]) for i in reversed(range(k))]
    check(lambda t: F.pad(t, pad, value=value), np.pad(x, widths, constant_values=value), x)


def test_pad_order_is_last_axis_first():
    x = Tensor(np.ones((2, 3)))
    assert F.pad(x, (1, 2)).shape == (2, 6)
    assert F.pad(x, (0, 0, 3, 0)).shape == (5, 3)
    np.testing.assert_array_equal(F.pad(Tensor([1.0]), (2, 1), value=7).data, [7, 7, 1, 7])


def test_narrow():
    x = np.arange(12.0).reshape(3, 4)
    check(lambda t: t.narrow(1, 1, 2), x[:, 1:3], x)
    check(lambda t: t.narrow(0, -2, 2), x[1:], x)


# --- matmul -----------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_matmul_1d_2d_batched(data):
    shape_a, shape_b = data.draw(matmul_shapes())
    a, b = data.draw(arrays(shape_a)), data.draw(arrays(shape_b))
    which = data.draw(st.sampled_from([(True, True), (True, False), (False, True)]))
    check(lambda x, y: x @ y, np.matmul(a, b), a, b, grads=which)
    check(lambda x, y: x.matmul(y), np.matmul(a, b), a, b, grads=which)


@pytest.mark.parametrize("shape_a, shape_b", [
    ((3,), (3,)), ((3,), (3, 2)), ((2, 3), (3,)), ((2, 3), (3, 4)), ((5, 2, 3), (3,)),
    ((3,), (5, 3, 2)), ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)), ((5, 1, 2, 3), (4, 3, 2)),
])
def test_matmul_named_cases(shape_a, shape_b):
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal(shape_a), rng.standard_normal(shape_b)
    check(lambda x, y: x @ y, a @ b, a, b)


def test_linear_functional():
    rng = np.random.default_rng(2)
    x, w, b = rng.standard_normal((4, 3)), rng.standard_normal((2, 3)), rng.standard_normal(2)
    check(lambda x_, w_, b_: F.linear(x_, w_, b_), x @ w.T + b, x, w, b)
    check(lambda x_, w_: F.linear(x_, w_), x @ w.T, x, w)
