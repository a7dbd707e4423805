"""The contract's transpose rule: transpose(dim0, dim1) swaps two axes as PyTorch (any rank);
transpose() and .T reverse the axes; a full permutation of 3 or more axes keeps numpy's
meaning. Values and gradients against PyTorch, finite differences, second derivatives."""
import numpy as np
import pytest
from conftest import leaf
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, shapes

import tinygrad_edu as tg
from tinygrad_edu import Tensor

FAST = settings(max_examples=25, deadline=None)


def test_transpose_0_1_of_a_matrix_swaps_it_as_pytorch():
    x = Tensor(np.arange(6.0).reshape(2, 3))
    assert x.transpose(0, 1).shape == (3, 2)
    assert x.transpose(1, 0).shape == (3, 2)
    assert x.transpose(-1, -2).shape == (3, 2)
    np.testing.assert_array_equal(x.transpose(0, 1).data, x.data.T)
    np.testing.assert_array_equal(x.transpose(0, 0).data, x.data)   # a dim with itself: unchanged


def test_transpose_of_two_dims_swaps_them_at_any_rank():
    x = Tensor(np.zeros((2, 3, 4, 5)))
    assert x.transpose(0, 1).shape == (3, 2, 4, 5)
    assert x.transpose(1, 3).shape == (2, 5, 4, 3)
    assert x.transpose(-1, 0).shape == (5, 3, 4, 2)
    assert x.transpose((2, 3)).shape == (2, 3, 5, 4)


def test_no_axes_and_T_reverse_and_a_full_permutation_is_numpys():
    a = np.arange(24.0).reshape(2, 3, 4)
    x = Tensor(a)
    np.testing.assert_array_equal(x.transpose().data, a.transpose())
    np.testing.assert_array_equal(x.T.data, a.T)
    np.testing.assert_array_equal(x.transpose(2, 0, 1).data, a.transpose(2, 0, 1))
    np.testing.assert_array_equal(x.transpose((1, 2, 0)).data, a.transpose(1, 2, 0))
    np.testing.assert_array_equal(Tensor(np.arange(3.0)).transpose().data, np.arange(3.0))


def test_transpose_results_are_views_sharing_the_version_counter():
    x = Tensor(np.arange(6.0).reshape(2, 3))
    v = x.transpose(0, 1)
    assert v._version is x._version and np.shares_memory(v.data, x.data)


@pytest.mark.parametrize("dims", [(0,), (0, 2), (-3, 0), (0, 1, 2)])
def test_bad_dims_name_transpose_the_dims_and_the_shape(dims):
    with pytest.raises((ValueError, RuntimeError)) as err:
        Tensor.ones(2, 3).transpose(*dims)
    message = str(err.value)
    assert "transpose" in message and "(2, 3)" in message


def test_t_is_the_2d_transpose_and_refuses_more_axes_as_pytorch():
    a = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(Tensor(a).t().data, a.T)
    assert Tensor(np.arange(3.0)).t().shape == (3,)
    assert Tensor(2.0).t().shape == ()
    with pytest.raises(RuntimeError, match="t\\(\\).*2 dimensions.*3"):
        Tensor.ones(2, 3, 4).t()


@FAST
@given(shape=shapes(min_dims=1, max_dims=4), data=st.data())
def test_swap_gradcheck_and_second_derivative(shape, data):
    nd = len(shape)
    d0, d1 = (data.draw(st.integers(-nd, nd - 1)) for _ in range(2))
    x = leaf(data.draw(arrays(shape)))
    assert tg.gradcheck(lambda t: t.transpose(d0, d1) * t.transpose(d0, d1), [x])
    # second order: d/dx of the gradient of Σ (swap(x))³
    (g,) = tg.grad((x.transpose(d0, d1) ** 3).sum(), x, create_graph=True)
    (gg,) = tg.grad(g.sum(), x)
    np.testing.assert_allclose(gg.data, 6 * x.data, rtol=1e-12)


@FAST
@given(shape=shapes(min_dims=1, max_dims=4), data=st.data())
def test_against_pytorch(shape, data):
    torch = pytest.importorskip("torch")
    nd = len(shape)
    d0, d1 = (data.draw(st.integers(-nd, nd - 1)) for _ in range(2))
    a = data.draw(arrays(shape))
    upstream = np.random.default_rng(0).uniform(0.5, 1.5, torch.empty(shape).transpose(d0, d1).shape)
    x, p = leaf(a), torch.tensor(a, requires_grad=True)
    ours, theirs = x.transpose(d0, d1), p.transpose(d0, d1)
    np.testing.assert_array_equal(ours.data, theirs.detach().numpy())
    ours.backward(upstream)
    theirs.backward(torch.tensor(upstream))
    np.testing.assert_array_equal(x.grad.data, p.grad.numpy())
    if nd == 2:
        np.testing.assert_array_equal(x.t().data, p.t().detach().numpy())
    if nd >= 3:
        perm = data.draw(st.permutations(range(nd)))
        np.testing.assert_array_equal(x.transpose(*perm).data, p.permute(*perm).detach().numpy())
