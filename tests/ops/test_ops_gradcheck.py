"""Every op of the contract: forward values against numpy, gradients by tg.gradcheck (float64
central differences), with hypothesis drawing broadcastable shapes, axes and indices."""
import numpy as np
import pytest
from conftest import leaf, strict_numpy
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import (
    arrays,
    broadcastable_pair,
    distinct_arrays,
    domain_arrays,
    index_for,
    matmul_shapes,
    positive_arrays,
    shape_and_axis,
    shapes,
    single_axis,
)

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor

FAST = settings(max_examples=20, deadline=None)


def check(fn, expected, *arrays_in, grads=None):
    """fn(*Tensors) must equal `expected` (a numpy array) and pass gradcheck; the gradient of
    each input must have its input's shape and dtype. No numpy warning may fire."""
    with strict_numpy():
        inputs = [leaf(a) for a in arrays_in]
        if grads is not None:
            for t, g in zip(inputs, grads):
                t.requires_grad = g
        out = fn(*inputs)
        np.testing.assert_allclose(out.data, expected, rtol=1e-10, atol=1e-12)
        assert out.dtype == np.float64
        assert tg.gradcheck(fn, inputs)
        wanted = [t for t in inputs if t.requires_grad]
        if out.requires_grad and wanted:
            (out * Tensor(np.ones(out.shape))).sum().backward()
            for t in wanted:
                assert t.grad.shape == t.shape and t.grad.dtype == t.dtype


# --- binary arithmetic with numpy broadcasting --------------------------------------------------

BINARY = {
    "add": (lambda a, b: a + b, np.add, {}),
    "sub": (lambda a, b: a - b, np.subtract, {}),
    "mul": (lambda a, b: a * b, np.multiply, {}),
    "div": (lambda a, b: a / b, np.divide, {"b_away": 0.5}),
    "pow": (lambda a, b: a ** b, np.power, {"a_positive": True}),
}


@pytest.mark.parametrize("op", list(BINARY))
@FAST
@given(data=st.data())
def test_binary_ops_broadcast(op, data):
    fn, ref, opts = BINARY[op]
    shape_a, shape_b = data.draw(broadcastable_pair())
    a = data.draw(positive_arrays(shape_a, 0.3, 2.0) if opts.get("a_positive") else arrays(shape_a))
    b = data.draw(arrays(shape_b, -2.0, 2.0, away_from_zero=opts.get("b_away", 0.0)))
    which = data.draw(st.sampled_from([(True, True), (True, False), (False, True)]))
    check(fn, ref(a, b), a, b, grads=which)


@pytest.mark.parametrize("op", list(BINARY))
def test_binary_ops_broadcast_gradient_is_reduced_to_each_shape(op):
    fn = BINARY[op][0]
    a, b = leaf(np.full((3, 1, 4), 1.5)), leaf(np.full((2, 1), 0.7))
    out = fn(a, b)
    assert out.shape == (3, 2, 4)
    out.sum().backward()
    assert a.grad.shape == (3, 1, 4) and b.grad.shape == (2, 1)


def test_add_gradient_sums_over_broadcast_axes_exactly():
    a, b = leaf(np.zeros((2, 3))), leaf(np.zeros(3))
    (a + b).sum().backward()
    np.testing.assert_array_equal(b.grad.data, [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(a.grad.data, np.ones((2, 3)))


@FAST
@given(shape=shapes(), p=st.sampled_from([2, 3, -1, -2, 0.5, 1.5, -0.5, 0, 1]), data=st.data())
def test_pow_scalar(shape, p, data):
    x = data.draw(positive_arrays(shape, 0.3, 3.0))
    check(lambda t: t ** p, x ** float(p), x)


@FAST
@given(shape=shapes(), data=st.data())
def test_pow_number_base(shape, data):
    x = data.draw(arrays(shape, -2, 2))
    check(lambda t: 2.5 ** t, 2.5 ** x, x)


@FAST
@given(shape=shapes(), data=st.data())
def test_neg(shape, data):
    x = data.draw(arrays(shape))
    check(lambda t: -t, -x, x)


@pytest.mark.parametrize("fn, ref", [
    (lambda t: 3.0 - t, lambda x: 3.0 - x), (lambda t: 2.0 / t, lambda x: 2.0 / x),
    (lambda t: t - np.array([1.0]), lambda x: x - 1.0),
    (lambda t: np.full((2, 1, 1), 2.0) * t, lambda x: 2.0 * x * np.ones((2, 1, 1))),
])
def test_numbers_and_arrays_on_either_side_gradcheck(fn, ref):
    x = np.array([[0.7, 1.3, 2.1]])
    check(fn, ref(x), x)


# --- unary elementwise ops, as methods and as F.<name> -------------------------------------------

def _np_sigmoid(x):
    return 0.5 * (1 + np.tanh(x / 2))


UNARY = {
    # name: (method, reference, domain)
    "exp": (lambda t: t.exp(), np.exp, "any"),
    "log": (lambda t: t.log(), np.log, "positive"),
    "sqrt": (lambda t: t.sqrt(), np.sqrt, "positive"),
    "abs": (lambda t: t.abs(), np.abs, "nonzero"),
    "sigmoid": (lambda t: t.sigmoid(), _np_sigmoid, "any"),
    "tanh": (lambda t: t.tanh(), np.tanh, "any"),
    "relu": (lambda t: t.relu(), lambda x: np.maximum(x, 0), "nonzero"),
    "leaky_relu": (lambda t: t.leaky_relu(), lambda x: np.where(x > 0, x, 0.01 * x), "nonzero"),
}


@pytest.mark.parametrize("name", list(UNARY))
@FAST
@given(shape=shapes(), data=st.data())
def test_unary_method(name, shape, data):
    method, ref, domain = UNARY[name]
    x = data.draw(domain_arrays(shape, domain, bound=3.0, positive=(0.2, 4.0)))
    check(method, ref(x), x)


@pytest.mark.parametrize("name", list(UNARY))
def test_unary_functional_matches_method(name):
    method, ref, domain = UNARY[name]
    x = np.array([[0.3, -1.2, 2.0], [1.1, -0.4, 0.8]])
    if domain == "positive":
        x = np.abs(x)
    check(getattr(F, name), ref(x), x)
    np.testing.assert_array_equal(getattr(F, name)(Tensor(x)).data, method(Tensor(x)).data)


@FAST
@given(shape=shapes(), slope=st.sampled_from([0.0, 0.01, 0.2, 1.0, 2.0]), data=st.data())
def test_leaky_relu_slope(shape, slope, data):
    x = data.draw(arrays(shape, away_from_zero=0.05))
    expected = np.where(x > 0, x, slope * x)
    check(lambda t: t.leaky_relu(slope), expected, x)
    check(lambda t: t.leaky_relu(negative_slope=slope), expected, x)
    check(lambda t: F.leaky_relu(t, negative_slope=slope), expected, x)
    check(lambda t: F.leaky_relu(t, slope), expected, x)


def test_relu_and_abs_gradient_at_exactly_zero_is_zero_like_pytorch():
    x = leaf([0.0, -1.0, 2.0])
    x.relu().sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 1.0])
    y = leaf([0.0, -1.0, 2.0])
    y.abs().sum().backward()
    np.testing.assert_array_equal(y.grad.data, [0.0, -1.0, 1.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_finite_and_silent_at_plus_minus_1000(dtype):
    with strict_numpy():
        x = Tensor(np.array([-1000.0, -100.0, 0.0, 100.0, 1000.0], dtype=dtype), requires_grad=True)
        s = x.sigmoid()
        assert np.all(np.isfinite(s.data))
        np.testing.assert_allclose(s.data, [0.0, 0.0, 0.5, 1.0, 1.0], atol=1e-30)
        s.sum().backward()
        assert np.all(np.isfinite(x.grad.data))
        np.testing.assert_allclose(x.grad.data[[0, 4]], 0.0, atol=1e-30)
        assert np.all(np.isfinite(F.sigmoid(x).data))


def test_tanh_is_finite_at_extremes():
    with strict_numpy():
        x = leaf([-1000.0, 1000.0])
        x.tanh().sum().backward()
        np.testing.assert_array_equal(x.tanh().data, [-1.0, 1.0])
        np.testing.assert_array_equal(x.grad.data, [0.0, 0.0])


# --- reductions ---------------------------------------------------------------------------------

def _reduction_case(data, distinct=False):
    shape, axis = data.draw(shape_and_axis(min_dims=1))
    keepdims = data.draw(st.booleans())
    x = data.draw(distinct_arrays(shape) if distinct else arrays(shape))
    return x, axis, keepdims


@pytest.mark.parametrize("name", ["sum", "mean"])
@FAST
@given(data=st.data())
def test_sum_mean_over_any_axes(name, data):
    x, axis, keepdims = _reduction_case(data)
    ref = getattr(np, name)(x, axis=axis, keepdims=keepdims)
    check(lambda t: getattr(t, name)(axis=axis, keepdims=keepdims), ref, x)
    check(lambda t: getattr(t, name)(axis, keepdims), ref, x)


@FAST
@given(data=st.data())
def test_max_over_any_axes(data):
    x, axis, keepdims = _reduction_case(data, distinct=True)
    check(lambda t: t.max(axis=axis, keepdims=keepdims), np.max(x, axis=axis, keepdims=keepdims), x)


def test_reductions_of_zero_dim_and_defaults():
    x = leaf(2.0)
    check(lambda t: t.sum(), 2.0, 2.0)
    np.testing.assert_allclose(leaf([[1.0, 2.0], [3.0, 4.0]]).mean().data, 2.5)
    assert leaf([[1.0, 2.0], [3.0, 4.0]]).sum().shape == ()
    assert leaf([[1.0, 2.0], [3.0, 4.0]]).max(axis=-1).shape == (2,)
    assert leaf([[1.0, 2.0], [3.0, 4.0]]).max(axis=(0, 1), keepdims=True).shape == (1, 1)
    assert x.sum(axis=None).shape == ()


def test_max_ties_share_the_gradient_equally():
    x = leaf([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    x.max(axis=1).sum().backward()
    np.testing.assert_allclose(x.grad.data, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    y = leaf([5.0, 1.0, 5.0])
    y.max().backward()
    np.testing.assert_allclose(y.grad.data, [0.5, 0.0, 0.5])


# --- softmax and log_softmax ----------------------------------------------------------------------

def _np_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@FAST
@given(shape=shapes(min_dims=1), data=st.data())
def test_softmax_and_log_softmax_any_axis(shape, data):
    axis = data.draw(single_axis(len(shape)))
    x = data.draw(arrays(shape, -5, 5))
    expected = _np_softmax(x, axis)
    check(lambda t: t.softmax(axis), expected, x)
    check(lambda t: t.softmax(axis=axis), expected, x)
    check(lambda t: F.softmax(t, axis), expected, x)
    check(lambda t: t.log_softmax(axis=axis), np.log(expected), x)
    check(lambda t: F.log_softmax(t, axis), np.log(expected), x)


def test_softmax_default_axis_is_last():
    x = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 5.0]])
    check(lambda t: t.softmax(), _np_softmax(x, -1), x)
    check(lambda t: F.log_softmax(t), np.log(_np_softmax(x, -1)), x)


@pytest.mark.parametrize("scale", [1e2, 1e4, 1e8, 1e300])
def test_softmax_log_softmax_stable_for_huge_finite_inputs(scale):
    with strict_numpy():
        x = leaf(np.array([[1.0, -1.0, 0.5], [-1.0, -1.0, -1.0]]) * scale)
        s, ls = x.softmax(), x.log_softmax()
        assert np.all(np.isfinite(s.data)) and np.all(np.isfinite(ls.data))
        np.testing.assert_allclose(s.data.sum(axis=-1), 1.0)
        np.testing.assert_allclose(s.data[0], [1.0, 0.0, 0.0], atol=1e-12)
        np.testing.assert_allclose(s.data[1], [1 / 3] * 3)
        assert ls.data[0, 0] == 0.0
        (ls[:, 0].sum() + (s * Tensor(np.array([1.0, 2.0, 3.0]))).sum()).backward()
        assert np.all(np.isfinite(x.grad.data))


def test_softmax_float32_stays_float32_and_sums_to_one():
    x = Tensor(np.array([[1000.0, 0.0], [-1000.0, 3.0]], dtype=np.float32), requires_grad=True)
    s = x.softmax(axis=1)
    assert s.dtype == np.float32
    np.testing.assert_allclose(s.data.sum(axis=1), 1.0, rtol=1e-6)


# --- shape ops ------------------------------------------------------------------------------------

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


def test_repeated_integer_indices_accumulate_their_gradients():
    x = leaf(np.arange(4.0))
    x[np.array([0, 0, 2, 0, 3])].sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 0.0, 1.0, 1.0])
    y = leaf(np.ones((3, 2)))
    (y[[2, 2]] * Tensor(np.array([[1.0, 2.0], [10.0, 20.0]]))).sum().backward()
    np.testing.assert_array_equal(y.grad.data, [[0, 0], [0, 0], [11, 22]])


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


# --- losses ----------------------------------------------------------------------------------------

REDUCTIONS = ["mean", "sum", "none"]


def _reduce(v, reduction):
    return v.mean() if reduction == "mean" else v.sum() if reduction == "sum" else v


def _np_log_softmax(z):
    s = z - z.max(axis=1, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=1, keepdims=True))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("target_kind", ["list", "ndarray", "tensor", "tensor_int64"])
def test_cross_entropy_with_class_indices(reduction, target_kind):
    rng = np.random.default_rng(3)
    z = rng.standard_normal((5, 4)) * 3
    labels = np.array([0, 3, 3, 1, 2])
    target = {"list": labels.tolist(), "ndarray": labels, "tensor": Tensor(labels),
              "tensor_int64": Tensor(labels, dtype=np.int64)}[target_kind]
    expected = _reduce(-_np_log_softmax(z)[np.arange(5), labels], reduction)
    check(lambda t: F.cross_entropy(t, target, reduction=reduction), expected, z)


def test_cross_entropy_default_reduction_is_mean_and_gradient_is_softmax_minus_onehot_over_n():
    z = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    t = leaf(z)
    loss = F.cross_entropy(t, [1, 2])
    np.testing.assert_allclose(loss.data, -_np_log_softmax(z)[[0, 1], [1, 2]].mean())
    loss.backward()
    onehot = np.eye(3)[[1, 2]]
    np.testing.assert_allclose(t.grad.data, (_np_softmax(z, 1) - onehot) / 2)
    assert loss.grad_fn.name == "cross_entropy"


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_probabilities(reduction):
    rng = np.random.default_rng(4)
    z = rng.standard_normal((4, 3))
    y = _np_softmax(rng.standard_normal((4, 3)), 1)
    expected = _reduce(-(y * _np_log_softmax(z)).sum(axis=1), reduction)
    check(lambda t: F.cross_entropy(t, y, reduction=reduction), expected, z)
    check(lambda t: F.cross_entropy(t, Tensor(y), reduction=reduction), expected, z)
    # both logits and probabilities differentiable
    check(lambda t, p: F.cross_entropy(t, p, reduction=reduction), expected, z, y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_finite_for_logits_of_1e4(reduction, dtype):
    with strict_numpy():
        z = Tensor(np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4], [1e4, 1e4, 1e4]], dtype=dtype),
                   requires_grad=True)
        loss = F.cross_entropy(z, [1, 2, 0], reduction=reduction)
        assert np.all(np.isfinite(loss.data))
        np.testing.assert_allclose(_reduce(np.array([2e4, 0.0, np.log(3)]), reduction), loss.data, rtol=1e-5)
        loss.sum().backward()
        assert np.all(np.isfinite(z.grad.data)) and z.grad.dtype == dtype
        zp = Tensor(z.data, requires_grad=True)
        lp = F.cross_entropy(zp, np.eye(3, dtype=dtype)[[1, 2, 0]], reduction=reduction)
        np.testing.assert_allclose(lp.data, loss.data, rtol=1e-5)
        lp.sum().backward()
        assert np.all(np.isfinite(zp.grad.data))


def _np_bce(p, y):
    return -(y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log(1 - p), -100))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@FAST
@given(shape=shapes(min_dims=1), data=st.data())
def test_binary_cross_entropy(reduction, shape, data):
    p = data.draw(arrays(shape, 0.05, 0.95))
    y = data.draw(arrays(shape, 0.0, 1.0))
    expected = _reduce(_np_bce(p, y), reduction)
    check(lambda a: F.binary_cross_entropy(a, y, reduction=reduction), expected, p)
    check(lambda a, b: F.binary_cross_entropy(a, b, reduction=reduction), expected, p, y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_clamps_logs_at_minus_100(reduction):
    with strict_numpy():
        p = leaf([0.0, 1.0, 0.0, 1.0])
        y = np.array([1.0, 0.0, 0.0, 1.0])
        loss = F.binary_cross_entropy(p, y, reduction=reduction)
        np.testing.assert_allclose(loss.data, _reduce(np.array([100.0, 100.0, 0.0, 0.0]), reduction))
        loss.sum().backward()
        assert np.all(np.isfinite(p.grad.data))


def _np_bce_logits(x, y):
    return np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x)))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@FAST
@given(shape=shapes(min_dims=1), data=st.data())
def test_binary_cross_entropy_with_logits(reduction, shape, data):
    x = data.draw(arrays(shape, -6, 6))
    y = data.draw(arrays(shape, 0.0, 1.0))
    expected = _reduce(_np_bce_logits(x, y), reduction)
    np.testing.assert_allclose(expected, _reduce(_np_bce(_np_sigmoid(x), y), reduction), rtol=1e-8)
    check(lambda a: F.binary_cross_entropy_with_logits(a, y, reduction=reduction), expected, x)
    check(lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=reduction), expected, x, y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_with_logits_stable_for_huge_logits(reduction, dtype):
    with strict_numpy():
        x = Tensor(np.array([1e4, -1e4, 1000.0, -1000.0], dtype=dtype), requires_grad=True)
        y = np.array([0.0, 1.0, 1.0, 0.0], dtype=dtype)
        loss = F.binary_cross_entropy_with_logits(x, y, reduction=reduction)
        np.testing.assert_allclose(loss.data, _reduce(np.array([1e4, 1e4, 0.0, 0.0]), reduction), rtol=1e-6)
        loss.sum().backward()
        np.testing.assert_allclose(x.grad.data * (4 if reduction == "mean" else 1), [1, -1, 0, 0], atol=1e-6)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@FAST
@given(shapes_=broadcastable_pair(min_dims=1).filter(lambda s: s[0] == s[1]) | shapes(min_dims=1).map(lambda s: (s, s)),
       data=st.data())
def test_mse_loss(reduction, shapes_, data):
    shape = shapes_[0]
    pred, target = data.draw(arrays(shape)), data.draw(arrays(shape))
    expected = _reduce((pred - target) ** 2, reduction)
    check(lambda a: F.mse_loss(a, target, reduction=reduction), expected, pred)
    check(lambda a, b: F.mse_loss(a, b, reduction=reduction), expected, pred, target)


def test_mse_sum_is_the_sum_of_squares_error_and_default_is_mean():
    pred, target = leaf([[1.0, 2.0], [3.0, 5.0]]), np.array([[0.0, 2.0], [1.0, 1.0]])
    assert F.mse_loss(pred, target, reduction="sum").item() == pytest.approx(1 + 0 + 4 + 16)
    assert F.mse_loss(pred, target).item() == pytest.approx(21 / 4)
    F.mse_loss(pred, target, reduction="sum").backward()
    np.testing.assert_allclose(pred.grad.data, 2 * (pred.data - target))


@pytest.mark.parametrize("loss", ["cross_entropy", "binary_cross_entropy", "binary_cross_entropy_with_logits",
                                  "mse_loss"])
def test_losses_keep_float32(loss):
    x = Tensor(np.full((2, 3), 0.4, dtype=np.float32), requires_grad=True)
    target = [0, 2] if loss == "cross_entropy" else np.full((2, 3), 0.5, dtype=np.float32)
    out = getattr(F, loss)(x, target)
    assert out.dtype == np.float32
    out.backward()
    assert x.grad.dtype == np.float32


# --- gradcheck itself ------------------------------------------------------------------------------

def test_gradcheck_returns_true_and_supports_non_scalar_outputs():
    x = leaf(np.array([[0.5, -1.0], [2.0, 0.3]]))
    assert tg.gradcheck(lambda t: t * t.sigmoid(), [x]) is True
    assert tg.gradcheck(lambda t: (t.exp(), t.sum()), [x]) is True


def test_gradcheck_perturbs_an_input_whose_memory_is_not_in_c_order():
    """A transposed (Fortran-order) input: its finite differences must still see each element."""
    data = np.asfortranarray(np.array([[0.5, -1.0, 0.2], [2.0, 0.3, -0.7]]))
    x = Tensor(data, requires_grad=True)
    assert not x.data.flags.c_contiguous
    weights = Tensor(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    assert tg.gradcheck(lambda t: (t * t * weights).sum(), [x])


def test_gradcheck_evaluates_float32_inputs_in_float64():
    seen = []

    def fn(t):
        seen.append(t.dtype)
        return (t * t * t).sum()

    x = Tensor(np.array([0.3, 1.7, -2.1], dtype=np.float32), requires_grad=True)
    assert tg.gradcheck(fn, [x], eps=1e-6, atol=1e-7, rtol=1e-7)
    assert set(seen) == {np.dtype(np.float64)}


def test_gradcheck_skips_inputs_that_do_not_require_grad_and_keeps_values():
    calls = []
    x = leaf([1.0, 2.0])
    c = Tensor(np.array([3.0, 4.0]))
    x_before, c_before = x.data.copy(), c.data.copy()

    def fn(a, b):
        calls.append(1)
        return (a * b).sum()

    assert tg.gradcheck(fn, [x, c])
    assert len(calls) == 1 + 2 * 2          # one analytic pass + two per element of x only
    np.testing.assert_array_equal(x.data, x_before)
    np.testing.assert_array_equal(c.data, c_before)
    assert x.grad is None and c.grad is None


def test_gradcheck_accepts_a_single_tensor_and_non_tensor_arguments():
    x = leaf([0.1, 0.2])
    assert tg.gradcheck(lambda t, k: (t * k).sum(), [x, 3.0])


def test_gradcheck_catches_a_wrong_gradient():
    class WrongSquare(tg.Function):
        name = "wrong_square"

        def forward(self, x):
            return x * x

        def backward(self, g):
            return (g * self.inputs[0] * 3,)   # should be 2x

    x = leaf([1.0, 2.0])
    with pytest.raises(tg.GradcheckError):
        tg.gradcheck(lambda t: WrongSquare.apply(t).sum(), [x])
    assert issubclass(tg.GradcheckError, Exception)


def test_pow_zero_has_zero_gradient_even_at_zero():
    with np.errstate(all="raise"):
        x = leaf([0.0, 2.0])
        (x ** 0).sum().backward()
        np.testing.assert_array_equal(x.grad.data, [0.0, 0.0])


def test_indexing_with_default_float_tensor_of_labels():
    x = np.arange(6.0)
    check(lambda t: t[Tensor([5, 0, 5])], x[[5, 0, 5]], x)


def test_gradcheck_defaults_and_tolerances():
    import inspect
    params = inspect.signature(tg.gradcheck).parameters
    assert (params["eps"].default, params["atol"].default, params["rtol"].default) == (1e-6, 1e-5, 1e-3)

    class SlightlyOff(tg.Function):
        name = "slightly_off"

        def forward(self, x):
            return x * x

        def backward(self, g):
            return (g * self.inputs[0] * (2 * (1 + 1e-4)),)   # relative error 1e-4

    x = leaf([1.0, 3.0])
    assert tg.gradcheck(lambda t: SlightlyOff.apply(t).sum(), [x])             # within rtol 1e-3
    with pytest.raises(tg.GradcheckError):
        tg.gradcheck(lambda t: SlightlyOff.apply(t).sum(), [x], atol=0.0, rtol=1e-6)
    assert tg.gradcheck(lambda t: SlightlyOff.apply(t).sum(), [x], atol=1e-3, rtol=0.0)
