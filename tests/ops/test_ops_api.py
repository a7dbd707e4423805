"""The ops added for the PyTorch-style API (issue 10): forward values against numpy, gradients by
tg.gradcheck (float64 central differences) with hypothesis-drawn shapes and dims, the dim=/keepdim=
keywords, the creation functions, and bad input."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, axes_for, broadcastable_pair, distinct_arrays, shapes, single_axis

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor

FAST = settings(max_examples=20, deadline=None)


def leaf(a):
    return Tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


def check(fn, expected, *arrays_in, grads=None):
    """fn(*Tensors) equals `expected` and passes gradcheck, silently (numpy warnings are errors;
    hypothesis draws values like 1e−300, whose products underflow in the checks themselves)."""
    with warnings.catch_warnings(), np.errstate(all="raise", under="ignore"):
        warnings.simplefilter("error")
        inputs = [leaf(a) for a in arrays_in]
        if grads is not None:
            for t, g in zip(inputs, grads):
                t.requires_grad = g
        out = fn(*inputs)
        outs = out if isinstance(out, tuple) else (out,)
        expected = expected if isinstance(out, tuple) else (expected,)
        for o, e in zip(outs, expected):
            np.testing.assert_allclose(o.data, e, rtol=1e-10, atol=1e-12)
            assert o.dtype == np.float64
        assert tg.gradcheck(fn, inputs)


def _np_erf(x):
    return np.vectorize(math.erf)(x)


def _np_sigmoid(x):
    return 0.5 * (1 + np.tanh(x / 2))


# --- elementwise ----------------------------------------------------------------------------------

UNARY = {
    # name: (method, reference, low, high)
    "sin": (lambda t: t.sin(), np.sin, -4, 4),
    "cos": (lambda t: t.cos(), np.cos, -4, 4),
    "log1p": (lambda t: t.log1p(), np.log1p, -0.8, 4),
    "softplus": (lambda t: t.softplus(), lambda x: np.log1p(np.exp(x)), -6, 6),
    "softplus_beta": (lambda t: t.softplus(beta=2.0, threshold=5.0),
                      lambda x: np.where(2 * x > 5, x, np.log1p(np.exp(2 * x)) / 2), -6, 6),
    "gelu": (lambda t: t.gelu(), lambda x: 0.5 * x * (1 + _np_erf(x / np.sqrt(2))), -5, 5),
    "gelu_tanh": (lambda t: t.gelu(approximate="tanh"),
                  lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3))), -5, 5),
    "silu": (lambda t: t.silu(), lambda x: x * _np_sigmoid(x), -6, 6),
    "elu": (lambda t: t.elu(), lambda x: np.where(x > 0, x, np.expm1(x)), -4, 4),
    "elu_alpha": (lambda t: t.elu(alpha=0.3), lambda x: np.where(x > 0, x, 0.3 * np.expm1(x)), -4, 4),
    "pow_method": (lambda t: (t * t + 0.5).pow(1.5), lambda x: (x * x + 0.5) ** 1.5, -3, 3),
}


@pytest.mark.parametrize("name", list(UNARY))
@FAST
@given(shape=shapes(), data=st.data())
def test_unary(name, shape, data):
    method, ref, low, high = UNARY[name]
    # away from 0: softplus's threshold, elu's kink; the others are smooth there anyway
    x = data.draw(arrays(shape, low, high, away_from_zero=0.05))
    check(method, ref(x), x)


@pytest.mark.parametrize("name", ["sin", "cos", "log1p", "softplus", "gelu", "silu", "elu", "sign"])
def test_functional_forms_match_the_methods(name):
    x = np.array([[0.3, -0.7, 2.0], [1.1, -0.4, 0.8]])
    np.testing.assert_array_equal(getattr(F, name)(Tensor(x)).data, getattr(Tensor(x), name)().data)
    np.testing.assert_array_equal(F.elu(Tensor(x), 0.5).data, Tensor(x).elu(0.5).data)
    np.testing.assert_array_equal(F.softplus(Tensor(x), beta=3).data, Tensor(x).softplus(3).data)


def test_sign_values_and_zero_gradient():
    x = leaf([-2.0, 0.0, 3.0])
    y = x.sign()
    np.testing.assert_array_equal(y.data, [-1, 0, 1])
    (y * 5).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 0.0])
    assert y.grad_fn.name == "sign"


def test_softplus_is_linear_above_the_threshold():
    x = leaf([19.0, 21.0, 1e4, -1e4])
    y = x.softplus()
    np.testing.assert_array_equal(y.data[1:3], [21.0, 1e4])
    assert y.data[3] == 0.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data[1:3], [1.0, 1.0])


# --- where, maximum, minimum -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["where", "maximum", "minimum"])
@FAST
@given(data=st.data())
def test_binary_selection_broadcasts(name, data):
    shape_a, shape_b = data.draw(broadcastable_pair())
    a = data.draw(arrays(shape_a))
    b = data.draw(arrays(shape_b))
    # no ties: finite differences of max/min at a tie have no single value
    while np.any(np.isclose(*np.broadcast_arrays(a, b), atol=1e-3)):
        b = b + 0.0123
    which = data.draw(st.sampled_from([(True, True), (True, False), (False, True)]))
    if name == "where":
        cond = data.draw(arrays(np.broadcast_shapes(shape_a, shape_b), -1, 1)) > 0
        check(lambda x, y: tg.where(cond, x, y), np.where(cond, a, b), a, b, grads=which)
        check(lambda x, y: tg.where(Tensor(cond, dtype=bool), x, y), np.where(cond, a, b), a, b, grads=which)
    else:
        ref = getattr(np, name)(a, b)
        check(lambda x, y: getattr(tg, name)(x, y), ref, a, b, grads=which)


def test_where_maximum_minimum_take_numbers():
    x = leaf([-1.0, 2.0])
    check(lambda t: tg.where(t > 0, t, 0.0), [0.0, 2.0], [-1.0, 2.0])
    check(lambda t: tg.maximum(t, 0.5), [0.5, 2.0], [-1.0, 2.0])
    check(lambda t: tg.minimum(1.0, t), [-1.0, 1.0], [-1.0, 2.0])
    assert tg.where(x > 0, x, 0.0).dtype == np.float64


def test_maximum_minimum_ties_split_the_gradient_in_half():
    a, b = leaf([2.0, 2.0, 3.0]), leaf([2.0, 1.0, 3.0])
    tg.maximum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [0.5, 1.0, 0.5])
    np.testing.assert_array_equal(b.grad.data, [0.5, 0.0, 0.5])
    a, b = leaf([2.0, 2.0]), leaf([2.0, 5.0])
    tg.minimum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [0.5, 1.0])
    np.testing.assert_array_equal(b.grad.data, [0.5, 0.0])


# --- reductions ------------------------------------------------------------------------------------

def _reduction(data, distinct=False, min_side=1):
    shape = data.draw(shapes(min_dims=1, min_side=min_side))
    axis = data.draw(axes_for(len(shape)))
    keepdims = data.draw(st.booleans())
    x = data.draw(distinct_arrays(shape) if distinct else arrays(shape, -2, 2))
    return x, axis, keepdims


@FAST
@given(data=st.data())
def test_min_over_any_axes(data):
    x, axis, keepdims = _reduction(data, distinct=True)
    check(lambda t: t.min(axis=axis, keepdims=keepdims), np.min(x, axis=axis, keepdims=keepdims), x)
    check(lambda t: t.min(axis, keepdims), np.min(x, axis=axis, keepdims=keepdims), x)


@FAST
@given(data=st.data())
def test_prod_over_any_axes(data):
    x, axis, keepdims = _reduction(data)
    check(lambda t: t.prod(axis=axis, keepdims=keepdims), np.prod(x, axis=axis, keepdims=keepdims), x)


@pytest.mark.parametrize("x", [[0.0, 2.0, 3.0], [2.0, 0.0, 0.0], [0.0, 0.0, 0.0], [[0.0, 1.5], [2.0, -1.0]]])
def test_prod_gradient_with_zeros_is_the_product_of_the_others(x):
    x = np.array(x)
    t = leaf(x)
    t.prod().backward()
    flat = x.reshape(-1)
    expected = [np.prod(np.delete(flat, i)) for i in range(flat.size)]
    np.testing.assert_array_equal(t.grad.data.reshape(-1), expected)
    assert tg.gradcheck(lambda a: a.prod(axis=-1), [leaf(x)])


@pytest.mark.parametrize("op", ["var", "std"])
@pytest.mark.parametrize("correction", [0, 1, 2])
@FAST
@given(data=st.data())
def test_var_std(op, correction, data):
    x, axis, keepdims = _reduction(data, min_side=3)
    ref = getattr(np, op)(x, axis=axis, ddof=correction, keepdims=keepdims)
    if op == "std" and np.any(ref < 1e-3):
        x = x + np.arange(x.size).reshape(x.shape) * 0.1   # std's gradient at a constant slice is a kink
        ref = np.std(x, axis=axis, ddof=correction, keepdims=keepdims)
    check(lambda t: getattr(t, op)(axis, correction, keepdims), ref, x)
    check(lambda t: getattr(t, op)(dim=axis, correction=correction, keepdim=keepdims), ref, x)


def test_var_std_defaults_are_pytorchs():
    x = np.array([[1.0, 2.0, 4.0], [0.5, 0.5, 3.0]])
    check(lambda t: t.var(), np.var(x, ddof=1), x)
    check(lambda t: t.std(dim=1), np.std(x, axis=1, ddof=1), x)
    check(lambda t: t.std(), np.sqrt(t_var := np.var(x, ddof=1)), x)
    assert t_var > 0


def test_std_of_a_constant_has_zero_gradient():
    x = leaf([2.0, 2.0, 2.0])
    x.std().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 0.0])


@FAST
@given(data=st.data())
def test_logsumexp(data):
    x, axis, keepdims = _reduction(data)
    m = np.max(x, axis=axis, keepdims=True)
    ref = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    ref = ref if keepdims else np.squeeze(ref, axis=axis)
    check(lambda t: t.logsumexp(axis, keepdims), ref, x)
    check(lambda t: t.logsumexp(dim=axis, keepdim=keepdims), ref, x)


def test_logsumexp_is_stable_for_huge_inputs():
    with np.errstate(all="raise"):
        x = leaf([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]])
        y = x.logsumexp(dim=1)
        np.testing.assert_allclose(y.data, [1e4, -1e4 + np.log(3)])
        y.sum().backward()
        np.testing.assert_allclose(x.grad.data, [[1, 0, 0], [1 / 3] * 3])


@FAST
@given(data=st.data())
def test_norm(data):
    x, axis, keepdims = _reduction(data)
    if np.any(np.sqrt(np.sum(x * x, axis=axis)) < 1e-2):
        x = x + 0.5
    check(lambda t: t.norm(), np.linalg.norm(x.reshape(-1)), x)
    check(lambda t: t.norm(dim=axis, keepdim=keepdims), np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims)), x)


def test_norm_of_zeros_has_zero_gradient_and_huge_values_do_not_overflow():
    x = leaf([0.0, 0.0])
    x.norm().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0])
    with np.errstate(all="raise"):
        assert Tensor([1e200, 1e200], dtype=np.float64).norm().item() == pytest.approx(np.sqrt(2) * 1e200)


@pytest.mark.parametrize("op", ["argmax", "argmin"])
@FAST
@given(data=st.data())
def test_argmax_argmin(op, data):
    shape = data.draw(shapes(min_dims=1))
    x = data.draw(arrays(shape)).round(1)   # ties: the first index, as numpy and PyTorch
    axis = data.draw(st.one_of(st.none(), single_axis(len(shape))))
    keepdims = data.draw(st.booleans())
    out = getattr(Tensor(x), op)(dim=axis, keepdim=keepdims)
    np.testing.assert_array_equal(out.data, getattr(np, op)(x, axis=axis, keepdims=keepdims))
    assert out.dtype == np.int64 and not out.requires_grad
    assert getattr(leaf(x), op)(axis).requires_grad is False


@pytest.mark.parametrize("op", ["max", "min"])
@FAST
@given(data=st.data())
def test_max_min_with_dim_return_values_and_indices(op, data):
    shape = data.draw(shapes(min_dims=1))
    x = data.draw(distinct_arrays(shape))
    dim = data.draw(single_axis(len(shape)))
    keepdim = data.draw(st.booleans())
    values, indices = getattr(leaf(x), op)(dim=dim, keepdim=keepdim)
    np.testing.assert_array_equal(values.data, getattr(np, op)(x, axis=dim, keepdims=keepdim))
    np.testing.assert_array_equal(indices.data, getattr(np, "arg" + op)(x, axis=dim, keepdims=keepdim))
    assert indices.dtype == np.int64
    check(lambda t: getattr(t, op)(dim=dim, keepdim=keepdim).values, values.data, x)
    result = getattr(leaf(x), op)(dim=dim)
    assert result.values is result[0] and result.indices is result[1]


def test_max_dim_sends_the_gradient_to_the_index_and_axis_shares_ties():
    x = leaf([[1.0, 3.0, 3.0]])
    x.max(dim=1).values.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[0.0, 1.0, 0.0]])
    y = leaf([[1.0, 3.0, 3.0]])
    y.max(axis=1).sum().backward()
    np.testing.assert_array_equal(y.grad.data, [[0.0, 0.5, 0.5]])
    z = leaf([[1.0, 1.0, 3.0]])
    z.min().backward()
    np.testing.assert_array_equal(z.grad.data, [[0.5, 0.5, 0.0]])
    assert isinstance(Tensor([[1.0, 2.0]]).max(1), Tensor)   # a positional axis: numpy's meaning


# --- dim= / keepdim= on every reduction and softmax ----------------------------------------------------

REDUCTIONS = ["sum", "mean", "max", "min", "prod", "var", "std", "logsumexp", "norm"]


@pytest.mark.parametrize("op", REDUCTIONS)
def test_dim_and_keepdim_are_axis_and_keepdims(op):
    x = Tensor(np.arange(1.0, 25.0).reshape(2, 3, 4) / 7)
    for dim in (None, 0, -1, (0, 2)) if op not in ("max", "min") else (None,):   # max(dim=int): pairs
        for keep in (False, True):
            ours = getattr(x, op)(dim=dim, keepdim=keep)
            ref = getattr(x, op)(axis=dim, keepdims=keep)
            np.testing.assert_array_equal(ours.data, ref.data)
            np.testing.assert_array_equal(getattr(x, op)(axis=dim, keepdim=keep).data, ref.data)


@pytest.mark.parametrize("op", REDUCTIONS + ["argmax", "argmin", "softmax", "log_softmax"])
def test_giving_both_spellings_is_a_type_error(op):
    x = Tensor(np.ones((2, 3)))
    with pytest.raises(TypeError, match=rf"{op}.*both dim= and axis="):
        getattr(x, op)(axis=0, dim=0)
    if op not in ("softmax", "log_softmax"):
        with pytest.raises(TypeError, match=rf"{op}.*both keepdim= and keepdims="):
            getattr(x, op)(keepdims=True, keepdim=True)


def test_softmax_takes_dim_also_in_functional_form():
    x = np.array([[1.0, 2.0, 0.5], [0.1, -1.0, 3.0]])
    for dim in (0, 1, -1):
        check(lambda t: t.softmax(dim=dim), Tensor(x).softmax(dim).data, x)
        check(lambda t: F.softmax(t, dim=dim), Tensor(x).softmax(dim).data, x)
        check(lambda t: F.log_softmax(t, dim=dim), Tensor(x).log_softmax(dim).data, x)
        check(lambda t: t.log_softmax(dim=dim), Tensor(x).log_softmax(dim).data, x)


# --- shape ops ---------------------------------------------------------------------------------------

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
def test_permute(shape, data):
    x = data.draw(arrays(shape))
    perm = data.draw(st.permutations(range(len(shape))))
    mixed = [p - len(shape) if data.draw(st.booleans()) else p for p in perm]
    check(lambda t: t.permute(*mixed), x.transpose(perm), x)
    check(lambda t: t.permute(tuple(perm)), x.transpose(perm), x)


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


# --- creation -----------------------------------------------------------------------------------------------

def test_creation_functions_dtypes_and_values():
    assert tg.zeros(2, 3).dtype == np.float32 and tg.zeros((2, 3)).shape == (2, 3)
    assert tg.ones(4).dtype == np.float32 and tg.ones(2, dtype=np.float64).dtype == np.float64
    tg.manual_seed(0)
    r = tg.rand(1000)
    assert r.dtype == np.float32 and 0 <= r.data.min() and r.data.max() < 1
    tg.manual_seed(0)
    np.testing.assert_array_equal(tg.rand(1000).data, r.data)
    assert tg.randn(3, 2).shape == (3, 2)
    t64 = Tensor(np.ones((2, 2)), dtype=np.float64)
    assert tg.zeros_like(t64).dtype == np.float64 and tg.ones_like(t64).shape == (2, 2)
    np.testing.assert_array_equal(tg.ones_like(t64).data, 1.0)
    assert tg.full((2, 2), 1.5).dtype == np.float32 and tg.full(3, 7).dtype == np.int64
    np.testing.assert_array_equal(tg.full((2,), 1.5).data, [1.5, 1.5])
    assert tg.arange(5).dtype == np.int64
    np.testing.assert_array_equal(tg.arange(5).data, [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(tg.arange(2, 8, 3).data, [2, 5])
    np.testing.assert_allclose(tg.arange(0, 1, 0.25).data, [0, 0.25, 0.5, 0.75])
    assert tg.arange(0, 1, 0.25).dtype == np.float32 and tg.arange(5.0).dtype == np.float32
    np.testing.assert_array_equal(tg.arange(5, 0, -2).data, [5, 3, 1])
    np.testing.assert_allclose(tg.linspace(0, 1, 5).data, [0, 0.25, 0.5, 0.75, 1])
    assert tg.linspace(0, 1, 5).dtype == np.float32
    np.testing.assert_array_equal(tg.eye(3).data, np.eye(3))
    assert tg.eye(2, 3).shape == (2, 3) and tg.eye(2).dtype == np.float32
    assert tg.zeros(2, requires_grad=True).requires_grad
    for name in ("zeros", "ones", "randn", "rand", "full", "zeros_like", "ones_like", "arange",
                 "linspace", "eye", "tensor"):
        assert getattr(tg, name) == getattr(Tensor, name)


def test_tensor_infers_dtype_as_torch_tensor():
    assert tg.tensor([1, 2, 3]).dtype == np.int64
    assert tg.tensor([1.0, 2]).dtype == np.float32
    assert tg.tensor(2.5).dtype == np.float32
    assert tg.tensor([True, False]).dtype == np.bool_
    assert tg.tensor(np.ones(2)).dtype == np.float64
    assert tg.tensor(np.ones(2, dtype=np.int32)).dtype == np.int32
    assert tg.tensor([1, 2], dtype=np.float64).dtype == np.float64
    t = tg.tensor([1.0, 2.0], requires_grad=True)
    assert t.requires_grad and t.is_leaf
    with pytest.raises(TypeError, match="floating"):
        tg.tensor([1, 2], requires_grad=True)     # integers cannot require grad, as in PyTorch
    source = np.ones(3)
    copy = tg.tensor(source)
    source[0] = 5
    assert copy.data[0] == 1.0


# --- bad input: the error names the op, the argument and the shapes --------------------------------------

@pytest.mark.parametrize("call, error, words", [
    (lambda: tg.cat([Tensor(np.ones((2, 3))), Tensor(np.ones((3, 3)))], dim=1), ValueError,
     ["cat", "dim 1", "(2, 3)", "(3, 3)"]),
    (lambda: tg.cat([]), ValueError, ["cat", "non-empty"]),
    (lambda: tg.cat(Tensor(np.ones(2))), TypeError, ["cat", "list"]),
    (lambda: tg.stack([Tensor(np.ones(2)), Tensor(np.ones(3))]), ValueError, ["stack", "(2,)", "(3,)"]),
    (lambda: tg.stack([Tensor(np.ones(2))], dim=3), ValueError, ["stack", "dim 3"]),
    (lambda: Tensor(np.ones((2, 3))).split([1, 1], dim=1), ValueError, ["split", "[1, 1]", "3", "(2, 3)"]),
    (lambda: Tensor(np.ones((2, 3))).split(0), ValueError, ["split", "positive"]),
    (lambda: Tensor(np.ones((2, 3))).chunk(0), ValueError, ["chunk", "positive"]),
    (lambda: Tensor(np.ones((2, 3))).permute(0, 0), ValueError, ["permute", "(0, 0)", "(2, 3)"]),
    (lambda: Tensor(np.ones((2, 3))).expand(4, 3, 2), ValueError, ["expand", "(2, 3)", "(4, 3, 2)"]),
    (lambda: Tensor(np.ones((2, 3))).expand(3), ValueError, ["expand", "(2, 3)"]),
    (lambda: Tensor(np.ones((2, 3))).unsqueeze(3), ValueError, ["unsqueeze", "dim 3", "(2, 3)"]),
    (lambda: Tensor(np.ones((2, 3))).squeeze(2), ValueError, ["squeeze", "axis 2"]),
    (lambda: Tensor(np.ones((2, 3))).flatten(1, 0), ValueError, ["flatten", "(2, 3)"]),
    (lambda: Tensor(np.ones((2, 3))).var(dim=1, correction=3), ValueError, ["var", "correction=3", "(2, 3)"]),
    (lambda: Tensor(np.ones((1,))).std(), ValueError, ["std", "correction=1", "(1,)"]),
    (lambda: Tensor(np.ones((2, 3))).max(dim=(0, 1)), TypeError, ["max", "one int dim"]),
    (lambda: Tensor(np.ones((2, 3))).argmax(dim=(0, 1)), TypeError, ["argmax", "int"]),
    (lambda: Tensor(np.ones((2, 3))).argmax(dim=2), ValueError, ["argmax", "axis 2"]),
    (lambda: Tensor(np.ones(0)).argmin(), ValueError, ["argmin", "empty"]),
    (lambda: Tensor(np.ones(0)).min(), ValueError, ["min", "empty"]),
    (lambda: Tensor(np.ones(0)).logsumexp(), ValueError, ["logsumexp", "empty"]),
    (lambda: Tensor(np.ones((2, 3))).norm(p=1), ValueError, ["norm", "p=1"]),
    (lambda: F.pad(Tensor(np.ones((2, 3))), (1,)), ValueError, ["pad", "(2, 3)", "(1,)"]),
    (lambda: F.pad(Tensor(np.ones((2, 3))), (1, 1, 1, 1, 1, 1)), ValueError, ["pad", "(2, 3)"]),
    (lambda: F.pad(Tensor(np.ones((2, 3))), (-2, -2)), ValueError, ["pad", "negative", "(2, 3)", "crops 4"]),
    (lambda: F.pad(Tensor(np.ones((2, 3))), (1, 0), mode="reflect"), ValueError, ["pad", "reflect"]),
    (lambda: tg.where(Tensor(np.ones(2)), Tensor(np.ones(2)), 0.0), TypeError, ["where", "boolean", "float"]),
    (lambda: tg.where(np.ones(3) > 0, Tensor(np.ones(2)), 0.0), ValueError, ["where", "(3,)", "(2,)"]),
    (lambda: tg.maximum(Tensor(np.ones(2)), Tensor(np.ones(3))), ValueError, ["maximum", "(2,)", "(3,)"]),
    (lambda: tg.maximum(1.0, 2.0), TypeError, ["maximum", "Tensor"]),
    (lambda: Tensor(np.ones(2)).gelu(approximate="fast"), ValueError, ["gelu", "fast"]),
    (lambda: tg.arange(0, 3, 0), ValueError, ["arange", "step"]),
    (lambda: tg.linspace(0, 1, -1), ValueError, ["linspace", "steps"]),
    (lambda: Tensor(np.ones((2, 3))).narrow(1, 2, 2), ValueError, ["narrow", "start 2", "length 2", "(2, 3)"]),
])
def test_bad_input_errors_name_the_op_argument_and_shapes(call, error, words):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
