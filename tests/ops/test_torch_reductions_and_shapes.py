"""Reductions, softmax, shape ops, indexing and matrix products against PyTorch (float64, same
inputs, same upstream gradient): values and every input's gradient, with dim/keepdim, ties of
max/min (PyTorch's split of the gradient), prod with zeros, std of a constant, norm of zeros
(skipped when torch is absent)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, matmul_shapes, shape_and_axis, shapes, single_axis

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor

torch = pytest.importorskip("torch")
from torch_compare import compare  # noqa: E402  (after the skip)

TF = torch.nn.functional

FAST = settings(max_examples=15, deadline=None)


@pytest.mark.parametrize("name", ["sum", "mean", "max"])
@FAST
@given(data=st.data())
def test_reductions(name, data):
    (shape, axis), keepdims = data.draw(shape_and_axis()), data.draw(st.booleans())
    # small integers make ties in max likely: both must share the gradient the same way (amax)
    x = data.draw(arrays(shape, -2, 2)).round() if name == "max" else data.draw(arrays(shape))
    dims = tuple(range(len(shape))) if axis is None else axis
    theirs = {"sum": lambda t: torch.sum(t, dim=dims, keepdim=keepdims),
              "mean": lambda t: torch.mean(t, dim=dims, keepdim=keepdims),
              "max": lambda t: torch.amax(t, dim=dims, keepdim=keepdims)}[name]
    compare(lambda t: getattr(t, name)(axis=axis, keepdims=keepdims), theirs, x)


def test_full_max_with_ties_like_torch_max():
    compare(lambda t: t.max(), lambda t: t.max(), np.array([[1.0, 3.0], [3.0, 0.0]]))



REDUCTIONS_WITH_DIM = {
    "sum": (lambda t, d, k: t.sum(dim=d, keepdim=k), lambda t, d, k: t.sum(dim=d, keepdim=k)),
    "mean": (lambda t, d, k: t.mean(dim=d, keepdim=k), lambda t, d, k: t.mean(dim=d, keepdim=k)),
    "amax": (lambda t, d, k: t.max(axis=d, keepdim=k), lambda t, d, k: t.amax(dim=d, keepdim=k)),
    "amin": (lambda t, d, k: t.min(axis=d, keepdims=k), lambda t, d, k: t.amin(dim=d, keepdim=k)),
    "prod": (lambda t, d, k: t.prod(dim=d, keepdim=k), lambda t, d, k: t.prod(dim=d, keepdim=k)),
    "var": (lambda t, d, k: t.var(dim=d, keepdim=k), lambda t, d, k: t.var(dim=d, keepdim=k)),
    "var0": (lambda t, d, k: t.var(dim=d, correction=0, keepdim=k),
             lambda t, d, k: t.var(dim=d, correction=0, keepdim=k)),
    "std": (lambda t, d, k: t.std(dim=d, keepdim=k), lambda t, d, k: t.std(dim=d, keepdim=k)),
    "logsumexp": (lambda t, d, k: t.logsumexp(dim=d, keepdim=k), lambda t, d, k: t.logsumexp(dim=d, keepdim=k)),
    "norm": (lambda t, d, k: t.norm(dim=d, keepdim=k), lambda t, d, k: t.norm(dim=d, keepdim=k)),
}



@pytest.mark.parametrize("name", list(REDUCTIONS_WITH_DIM))
@FAST
@given(data=st.data())
def test_reductions_with_dim(name, data):
    shape = data.draw(shapes(min_dims=1, min_side=2))
    dim = data.draw(single_axis(len(shape)))
    keep = data.draw(st.booleans())
    # (norm: PyTorch's √Σx² underflows to 0 for |x| ~ 1e−163, where ours is scaled and exact)
    x = data.draw(arrays(shape, -2, 2, away_from_zero=1e-3 if name == "norm" else 0.0))
    if name in ("amax", "amin", "prod"):
        x = x.round()     # ties and zeros: PyTorch's rules for both
    if name == "std":
        # a constant slice is std's kink: PyTorch's own gradient there is rounding noise (its
        # std is 0 or ~1e-16 depending on the reduction); test_ties_and_zeros pins the exact case
        x = x + np.arange(x.size).reshape(x.shape) * 0.1
    ours, theirs = REDUCTIONS_WITH_DIM[name]
    compare(lambda t: ours(t, dim, keep), lambda t: theirs(t, dim, keep), x)
    if name not in ("logsumexp",):     # torch.logsumexp needs a dim
        full = (lambda t: getattr(t, name)()) if name in ("sum", "mean", "prod", "var", "std", "norm") else None
        if full is not None:
            compare(full, full, x)



@pytest.mark.parametrize("op", ["max", "min"])
def test_full_max_min_and_dim_forms_with_ties(op):
    x = np.array([[1.0, 3.0, 3.0], [1.0, 1.0, 0.0]])
    compare(lambda t: getattr(t, op)(), lambda t: getattr(t, op)(), x)        # ties share
    compare(lambda t: getattr(t, op)(dim=1).values, lambda t: getattr(t, op)(dim=1).values, x)  # to the index
    compare(lambda t: getattr(t, op)(dim=0, keepdim=True)[0], lambda t: getattr(t, op)(dim=0, keepdim=True)[0], x)
    ours, theirs = getattr(Tensor(x), op)(dim=1), getattr(torch.tensor(x), op)(dim=1)
    np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())


def test_argmax_argmin_match_torch():
    x = np.array([[1.0, 3.0, 3.0], [2.0, -1.0, 2.0]])
    for op in ("argmax", "argmin"):
        for dim in (None, 0, 1, -1):
            for keep in (False, True):
                ours = getattr(Tensor(x), op)(dim=dim, keepdim=keep)
                theirs = getattr(torch.tensor(x), op)(dim=dim, keepdim=keep)
                np.testing.assert_array_equal(ours.data, theirs.numpy())
                assert ours.shape == tuple(theirs.shape)


def test_ties_and_zeros():
    x = np.array([[2.0, 2.0, 1.0], [0.0, 0.0, 0.0]])
    compare(lambda t: t.max(), lambda t: t.max(), x)
    compare(lambda t: t.max(axis=1), lambda t: t.amax(dim=1), x)
    compare(lambda t: t.min(dim=0).values, lambda t: t.min(dim=0).values, x)
    compare(lambda t: tg.maximum(t, t.detach()), lambda t: torch.maximum(t, t.detach()), x)
    compare(lambda t: t.prod(dim=1), lambda t: t.prod(dim=1),
            np.array([[0.0, 2.0, 3.0], [0.0, 0.0, 5.0], [1.0, 2.0, 3.0]]))
    compare(lambda t: t.prod(), lambda t: t.prod(), np.array([0.0, 2.0, 3.0]))
    compare(lambda t: t.std(dim=1), lambda t: t.std(dim=1), np.array([[1.0, 1.0, 1.0], [1.0, 2.0, 4.0]]))
    compare(lambda t: t.norm(), lambda t: t.norm(), np.zeros(3))
    compare(lambda t: t.abs(), lambda t: t.abs(), np.array([0.0, -0.0]))
    compare(lambda t: t.relu(), lambda t: t.relu(), np.array([0.0]))
    compare(lambda t: t.elu(), TF.elu, np.array([0.0]))
    compare(lambda t: t.clip(0.0, 1.0), lambda t: t.clamp(0.0, 1.0), np.array([0.0, 1.0, 0.5]))



@pytest.mark.parametrize("method", ["softmax", "log_softmax"])
@FAST
@given(shape=shapes(min_dims=1), data=st.data())
def test_softmax(method, shape, data):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    x = data.draw(arrays(shape, -50, 50))
    compare(lambda t: getattr(t, method)(axis), lambda t: getattr(torch, method)(t, dim=axis), x)
    compare(lambda t: getattr(F, method)(t, axis), lambda t: getattr(TF, method)(t, dim=axis), x * 1e3)


@FAST
@given(shape=shapes(min_dims=1), data=st.data())
def test_reshape_transpose(shape, data):
    x = data.draw(arrays(shape))
    nd = len(shape)
    d0, d1 = (data.draw(st.integers(-nd, nd - 1)) for _ in range(2))
    compare(lambda t: t.transpose(d0, d1).reshape(-1), lambda t: t.transpose(d0, d1).reshape(-1), x)
    if nd >= 3:  # transpose with a full permutation of 3 or more axes is numpy's (torch's permute)
        perm = data.draw(st.permutations(range(nd)))
        compare(lambda t: t.transpose(*perm).reshape(-1), lambda t: t.permute(*perm).reshape(-1), x)
    compare(lambda t: t.T if t.ndim == 2 else t.transpose(), lambda t: t.permute(*reversed(range(t.ndim))), x)


@pytest.mark.parametrize("index", [
    (1,), (slice(None), -1), (None, Ellipsis, 0), (np.array([0, 0, 2, 0]),), (slice(None), np.array([3, 3, 1])),
    (np.array([[1, 1], [2, 0]]),), (slice(None, None, 2), slice(1, 3)), (np.array([2, 2]), np.array([1, 1])),
])
def test_indexing(index):
    x = np.arange(12.0).reshape(3, 4) / 5
    torch_index = tuple(torch.tensor(i) if isinstance(i, np.ndarray) else i for i in index)
    compare(lambda t: t[index], lambda t: t[torch_index], x)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_matmul(data):
    shape_a, shape_b = data.draw(matmul_shapes())
    a, b = data.draw(arrays(shape_a)), data.draw(arrays(shape_b))
    compare(lambda x, y: x @ y, torch.matmul, a, b)


def test_linear():
    rng = np.random.default_rng(5)
    x, w, b = rng.standard_normal((2, 4, 3)), rng.standard_normal((5, 3)), rng.standard_normal(5)
    compare(F.linear, TF.linear, x, w, b)
    compare(F.linear, TF.linear, x[0], w)



def test_shape_ops():
    x = np.arange(24.0).reshape(2, 1, 3, 4) / 7
    for ours, theirs in [
        (lambda t: t.view(6, 4), lambda t: t.view(6, 4)), (lambda t: t.flatten(1), lambda t: t.flatten(1)),
        (lambda t: t.flatten(1, 2), lambda t: t.flatten(1, 2)), (lambda t: t.squeeze(), lambda t: t.squeeze()),
        (lambda t: t.squeeze(1), lambda t: t.squeeze(1)), (lambda t: t.squeeze(0), lambda t: t.squeeze(0)),
        (lambda t: t.unsqueeze(-1), lambda t: t.unsqueeze(-1)), (lambda t: t.unsqueeze(0), lambda t: t.unsqueeze(0)),
        (lambda t: t.expand(5, 2, 2, 3, 4), lambda t: t.expand(5, 2, 2, 3, 4)),
        (lambda t: t.expand(-1, 3, -1, -1), lambda t: t.expand(-1, 3, -1, -1)),
        (lambda t: t.permute(3, 1, 0, 2), lambda t: t.permute(3, 1, 0, 2)),
        (lambda t: t.permute(-1, 0, 1, 2), lambda t: t.permute(-1, 0, 1, 2)),
        (lambda t: t.narrow(3, 1, 2), lambda t: t.narrow(3, 1, 2)),
        (lambda t: F.pad(t, (1, 2, 0, 1), value=0.5), lambda t: TF.pad(t, (1, 2, 0, 1), value=0.5)),
        (lambda t: F.pad(t, (0, 0, 0, 0, 2, 0)), lambda t: TF.pad(t, (0, 0, 0, 0, 2, 0))),
    ]:
        compare(ours, theirs, x)


@pytest.mark.parametrize("sizes, dim", [(2, 0), (1, 2), ([1, 2], 2), (3, -1), ([4, 0], 3), (5, 3)])
def test_split_and_chunk(sizes, dim):
    x = np.arange(24.0).reshape(2, 1, 3, 4) / 7
    w = [np.random.default_rng(i).uniform(-1, 1, 24) for i in range(5)]

    def weigh(pieces, make):
        return sum((p * make(w[i][:int(np.prod(p.shape))].reshape(tuple(p.shape)))).sum() for i, p in enumerate(pieces))
    compare(lambda t: weigh(t.split(sizes, dim), Tensor), lambda t: weigh(t.split(sizes, dim), torch.tensor), x)
    n = sizes if isinstance(sizes, int) else 2
    compare(lambda t: weigh(t.chunk(n, dim), Tensor), lambda t: weigh(t.chunk(n, dim), torch.tensor), x)
    assert [p.shape for p in Tensor(x).chunk(n, dim)] == [tuple(p.shape) for p in torch.tensor(x).chunk(n, dim)]


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cat_and_stack(dim):
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    compare(lambda x, y: tg.cat([x, y * 2, x], dim=dim), lambda x, y: torch.cat([x, y * 2, x], dim=dim), a, b)
    compare(lambda x, y: tg.stack([x, y], dim=dim), lambda x, y: torch.stack([x, y], dim=dim), a, b)
    compare(lambda x, y: tg.stack((x, y), dim=2), lambda x, y: torch.stack((x, y), dim=2), a, b)


def test_creation_matches_torch():
    for args in [(5,), (2, 9), (2, 9, 3), (0, 1, 0.1), (1.5, 4), (5, 0, -1), (0, -3, -0.5)]:
        ours, theirs = tg.arange(*args), torch.arange(*args)
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-6)
        assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_allclose(tg.linspace(-1, 2, 7).data, torch.linspace(-1, 2, 7).numpy(), rtol=1e-6)
    for data in ([1, 2], [1.0, 2], 3, 2.5, [True], [[1, 2], [3, 4]]):
        assert str(tg.tensor(data).dtype) == str(torch.tensor(data).dtype).removeprefix("torch.")
    for fill in (3, 2.5, True):
        assert str(tg.full((2,), fill).dtype) == str(torch.full((2,), fill).dtype).removeprefix("torch.")

