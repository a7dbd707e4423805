"""Reductions and softmax: forward values against numpy, gradients by tg.gradcheck with
hypothesis-drawn shapes, axes and dims — sum, mean, max, min, prod, var, std, logsumexp, norm,
argmax/argmin, max/min with dim (values and indices), the dim=/keepdim= spellings, ties, zeros,
constants and huge inputs."""
import numpy as np
import pytest
from conftest import check, leaf, np_softmax, strict_numpy
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import (
    arrays,
    axes_for,
    distinct_arrays,
    shape_and_axis,
    shapes,
    single_axis,
)

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor

FAST = settings(max_examples=20, deadline=None)


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


REDUCTION_OPS = ["sum", "mean", "max", "min", "prod", "var", "std", "logsumexp", "norm"]


@pytest.mark.parametrize("op", REDUCTION_OPS)
def test_dim_and_keepdim_are_axis_and_keepdims(op):
    x = Tensor(np.arange(1.0, 25.0).reshape(2, 3, 4) / 7)
    for dim in (None, 0, -1, (0, 2)) if op not in ("max", "min") else (None,):   # max(dim=int): pairs
        for keep in (False, True):
            ours = getattr(x, op)(dim=dim, keepdim=keep)
            ref = getattr(x, op)(axis=dim, keepdims=keep)
            np.testing.assert_array_equal(ours.data, ref.data)
            np.testing.assert_array_equal(getattr(x, op)(axis=dim, keepdim=keep).data, ref.data)


@pytest.mark.parametrize("op", REDUCTION_OPS + ["argmax", "argmin", "softmax", "log_softmax"])
def test_giving_both_spellings_is_a_type_error(op):
    x = Tensor(np.ones((2, 3)))
    with pytest.raises(TypeError, match=rf"{op}.*both dim= and axis="):
        getattr(x, op)(axis=0, dim=0)
    if op not in ("softmax", "log_softmax"):
        with pytest.raises(TypeError, match=rf"{op}.*both keepdim= and keepdims="):
            getattr(x, op)(keepdims=True, keepdim=True)


# --- softmax and log_softmax ----------------------------------------------------------------------



@FAST
@given(shape=shapes(min_dims=1), data=st.data())
def test_softmax_and_log_softmax_any_axis(shape, data):
    axis = data.draw(single_axis(len(shape)))
    x = data.draw(arrays(shape, -5, 5))
    expected = np_softmax(x, axis)
    check(lambda t: t.softmax(axis), expected, x)
    check(lambda t: t.softmax(axis=axis), expected, x)
    check(lambda t: F.softmax(t, axis), expected, x)
    check(lambda t: t.log_softmax(axis=axis), np.log(expected), x)
    check(lambda t: F.log_softmax(t, axis), np.log(expected), x)


def test_softmax_default_axis_is_last():
    x = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 5.0]])
    check(lambda t: t.softmax(), np_softmax(x, -1), x)
    check(lambda t: F.log_softmax(t), np.log(np_softmax(x, -1)), x)


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


def test_softmax_takes_dim_also_in_functional_form():
    x = np.array([[1.0, 2.0, 0.5], [0.1, -1.0, 3.0]])
    for dim in (0, 1, -1):
        check(lambda t: t.softmax(dim=dim), Tensor(x).softmax(dim).data, x)
        check(lambda t: F.softmax(t, dim=dim), Tensor(x).softmax(dim).data, x)
        check(lambda t: F.log_softmax(t, dim=dim), Tensor(x).log_softmax(dim).data, x)
        check(lambda t: t.log_softmax(dim=dim), Tensor(x).log_softmax(dim).data, x)
