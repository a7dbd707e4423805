"""PyTorch's functions and methods as a script calls them: tg.nn.functional, the top-level
functions (elementwise, reductions, bmm, sort, linalg.norm, the *_like factories), t.repeat,
comparison and in-place methods by name — values, dtypes and gradients against PyTorch where it
is installed, finite differences for repeat."""
import importlib

import numpy as np
import pytest
from conftest import leaf, strict_numpy
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu import Tensor

FAST = settings(max_examples=25, deadline=None)


def test_nn_functional_is_the_same_module_as_functional():
    import tinygrad_edu.nn.functional as F1

    from tinygrad_edu.nn import functional as F2
    assert F1 is F2 is tg.functional is importlib.import_module("tinygrad_edu.nn.functional")
    assert tg.nn.functional is tg.functional


# --- top-level functions -----------------------------------------------------------------------


UNARY = ["exp", "log", "sqrt", "abs", "sigmoid", "tanh", "relu"]


@pytest.mark.parametrize("name", UNARY)
def test_top_level_elementwise_functions_against_pytorch(name):
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(0).uniform(0.1, 2, (2, 3)) * np.array([1, -1, 1])
    a = np.abs(a) if name in ("log", "sqrt") else a
    x, t = leaf(a), torch.tensor(a, requires_grad=True)
    out, ref = getattr(tg, name)(x), getattr(torch, name)(t)
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-12)
    out.sum().backward()
    ref.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12)


REDUCTIONS = [
    ("softmax", lambda m, x: m.softmax(x, 1)), ("log_softmax", lambda m, x: m.log_softmax(x, dim=-1)),
    ("sum", lambda m, x: m.sum(x)), ("sum dim", lambda m, x: m.sum(x, 1)),
    ("sum keepdim", lambda m, x: m.sum(x, dim=0, keepdim=True)), ("mean", lambda m, x: m.mean(x)),
    ("mean dim", lambda m, x: m.mean(x, dim=1)), ("max", lambda m, x: m.max(x)), ("min", lambda m, x: m.min(x)),
    ("max dim values", lambda m, x: m.max(x, 1)[0]), ("max dim keepdim", lambda m, x: m.max(x, 1, True).values),
    ("min dim", lambda m, x: m.min(x, dim=0).values), ("max of two", lambda m, x: m.max(x, x * 0.5)),
    ("clamp", lambda m, x: m.clamp(x, min=-0.5, max=0.7)), ("clamp min", lambda m, x: m.clamp(x, min=0.1)),
    ("t.clamp", lambda m, x: x.clamp(max=0.3)), ("matmul", lambda m, x: m.matmul(x, x.T)),
    ("flatten", lambda m, x: m.flatten(x)),
]


@pytest.mark.parametrize("name, fn", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
def test_top_level_reductions_against_pytorch(name, fn):
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(1).permutation(12).reshape(3, 4) / 7.0 - 0.8
    x, t = leaf(a), torch.tensor(a, requires_grad=True)
    out, ref = fn(tg, x), fn(torch, t)
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-12)
    w = np.random.default_rng(2).uniform(-1, 1, out.shape)
    (out * Tensor(w)).sum().backward()
    (ref * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_indices_argmax_and_bmm_against_pytorch():
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(3).permutation(24).reshape(2, 3, 4).astype(np.float64)
    assert tg.argmax(Tensor(a)).item() == torch.argmax(torch.tensor(a)).item()
    assert tg.argmax(Tensor(a), dim=1).tolist() == torch.argmax(torch.tensor(a), dim=1).tolist()
    assert tg.max(Tensor(a), 2)[1].tolist() == torch.max(torch.tensor(a), 2)[1].tolist()
    assert tg.max(Tensor(a), 2).indices.dtype == np.int64
    _, predicted = tg.max(Tensor(a[0]).numpy(), 1)   # `torch.max(outputs.data, 1)`: an array works too
    assert predicted.tolist() == torch.max(torch.tensor(a[0]), 1)[1].tolist()
    b = np.random.default_rng(4).uniform(-1, 1, (2, 4, 5))
    x, y = leaf(a), leaf(b)
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    out, ref = tg.bmm(x, y), torch.bmm(tx, ty)
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-12)
    out.sum().backward()
    ref.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(y.grad.numpy(), ty.grad.numpy(), rtol=1e-12)


def test_bmm_names_the_shapes_that_do_not_fit():
    with pytest.raises(ValueError, match=r"bmm: input and mat2 must be 3-D .*\(2, 3\)"):
        tg.bmm(tg.zeros(2, 3), tg.zeros(2, 3, 4))
    with pytest.raises(ValueError, match=r"bmm: input of shape \(2, 3, 4\) and mat2 of shape \(3, 4, 5\)"):
        tg.bmm(tg.zeros(2, 3, 4), tg.zeros(3, 4, 5))
    with pytest.raises(TypeError, match="sum: .*numeric"):
        tg.sum("abc")


TOP = [
    ("squeeze", lambda m, x: m.squeeze(x.reshape(1, 2, 3)), True),
    ("squeeze dim", lambda m, x: m.squeeze(x.reshape(1, 2, 3), 0), True),
    ("unsqueeze", lambda m, x: m.unsqueeze(x, 1), True),
    ("reshape", lambda m, x: m.reshape(x, (3, 2)), True),
    ("transpose", lambda m, x: m.transpose(x, 0, 1), True),
    ("permute", lambda m, x: m.permute(x.reshape(1, 2, 3), (2, 0, 1)), True),
    ("pow", lambda m, x: m.pow(x, 3), True),
    ("mm", lambda m, x: m.mm(x, x.T), True),
    ("std", lambda m, x: m.std(x), True),
    ("std dim", lambda m, x: m.std(x, dim=1), True),
    ("var", lambda m, x: m.var(x, dim=0), True),
    ("norm", lambda m, x: m.norm(x), True),
    ("sign", lambda m, x: m.sign(x), False),
    ("isnan", lambda m, x: m.isnan(x / x), False),
    ("numel", lambda m, x: m.numel(x), False),
    ("allclose", lambda m, x: m.allclose(x, x + 1e-9), False),
    ("allclose no", lambda m, x: m.allclose(x, x * 1.1), False),
    ("empty shape", lambda m, x: m.empty(2, 3).shape, False),
]


@pytest.mark.parametrize("name, fn, differentiable", TOP, ids=[t[0] for t in TOP])
def test_more_top_level_functions_against_pytorch(name, fn, differentiable):
    torch = pytest.importorskip("torch")
    a = np.array([[0.5, -1.5, 2.0], [0.0, 3.0, -0.25]])
    x, t = leaf(a), torch.tensor(a, requires_grad=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        ours, theirs = fn(tg, x), fn(torch, t)
    if isinstance(theirs, torch.Tensor):
        np.testing.assert_allclose(np.asarray(ours.numpy(), dtype=float), theirs.detach().numpy().astype(float))
    else:
        assert ours == theirs
    if differentiable:
        ours.sum().backward()
        theirs.sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("dim, descending", [(-1, False), (0, True), (1, True), (0, False)])
def test_sort_and_argsort_against_pytorch(dim, descending):
    torch = pytest.importorskip("torch")
    a = np.array([[3.0, 1.0, 2.0, 1.0], [0.5, 7.0, -1.0, 4.0], [2.0, 2.0, 0.0, -3.0]])   # ties too
    x, t = leaf(a), torch.tensor(a, requires_grad=True)
    (values, indices), ref = x.sort(dim, descending), torch.sort(t, stable=True, dim=dim, descending=descending)
    np.testing.assert_array_equal(values.numpy(), ref.values.detach().numpy())
    assert indices.tolist() == ref.indices.tolist() and indices.dtype == np.int64
    assert tg.argsort(x, dim, descending).tolist() == torch.argsort(t, stable=True, dim=dim,
                                                                     descending=descending).tolist()
    w = np.random.default_rng(0).normal(size=a.shape)
    (tg.sort(x, dim, descending).values * Tensor(w)).sum().backward()
    (ref.values * torch.tensor(w)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), t.grad.numpy())
    with_nan = np.array([0.5, np.nan, -1.0])
    assert Tensor(with_nan).sort(descending=descending).indices.tolist() == \
        torch.tensor(with_nan).sort(descending=descending).indices.tolist()


def test_like_factories_linalg_logsumexp_expand_as_and_backends():
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(0).normal(size=(2, 3))
    x, t = leaf(a), torch.tensor(a, requires_grad=True)
    for name in ("randn_like", "rand_like"):
        ours = getattr(tg, name)(x)
        assert ours.shape == x.shape and ours.dtype == np.float64 and not ours.requires_grad
    assert tg.full_like(x, 2.5).tolist() == torch.full_like(t, 2.5).tolist()
    tg.manual_seed(1)
    first = tg.randn_like(x).numpy()
    tg.manual_seed(1)
    np.testing.assert_array_equal(tg.randn_like(x).numpy(), first)
    for ours, theirs in [(tg.linalg.norm(x), torch.linalg.norm(t)),
                         (tg.linalg.norm(x, dim=1), torch.linalg.norm(t, dim=1)),
                         (tg.logsumexp(x, dim=1), torch.logsumexp(t, dim=1))]:
        np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-12)
    assert tg.ones(1, 3).expand_as(tg.zeros(4, 3)).shape == tuple(torch.ones(1, 3).expand_as(torch.zeros(4, 3)).shape)
    tg.backends.cudnn.deterministic = True       # the reproducibility lines of a script: accepted
    tg.backends.cudnn.benchmark = False
    assert tg.backends.mps.is_available() is False
    with pytest.raises(ValueError, match="only the 2-norm"):
        tg.linalg.norm(x, ord=1)


# --- repeat ---------------------------------------------------------------------------------


@FAST
@given(st.lists(st.integers(1, 3), min_size=0, max_size=3), st.lists(st.integers(0, 3), min_size=0, max_size=2),
       st.integers(0, 10**6))
def test_repeat_matches_numpy_tile_and_finite_differences(shape, extra, seed):
    repeats = [int(k) for k in np.random.default_rng(seed).integers(1, 3, len(shape))]
    sizes = tuple(extra + repeats) or (2,)
    a = np.random.default_rng(seed).uniform(-1, 1, shape)
    with strict_numpy():
        x = leaf(a)
        out = x.repeat(*sizes)
        np.testing.assert_array_equal(out.numpy(), np.tile(a, sizes))
        assert tg.gradcheck(lambda t: t.repeat(*sizes), [x])


def test_repeat_against_pytorch_values_gradients_and_second_order():
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(5).uniform(-1, 1, (2, 3))
    x, t = leaf(a), torch.tensor(a, requires_grad=True)
    assert x.repeat(0, 1).shape == t.repeat(0, 1).shape == (0, 3)
    for sizes in [(2, 1), (1, 3), (2, 2, 2), ((3, 1),)]:
        out, ref = x.repeat(*sizes), t.repeat(*sizes)
        np.testing.assert_array_equal(out.numpy(), ref.detach().numpy())
        w = np.random.default_rng(6).uniform(-1, 1, out.shape)
        g, = tg.grad((out * out * Tensor(w)).sum(), [x], create_graph=True)
        tg_ref, = torch.autograd.grad((ref * ref * torch.tensor(w)).sum(), [t], create_graph=True)
        np.testing.assert_allclose(g.numpy(), tg_ref.detach().numpy(), rtol=1e-12)
        h, = tg.grad(g.sum(), [x])
        th, = torch.autograd.grad(tg_ref.sum(), [t])
        np.testing.assert_allclose(h.numpy(), th.numpy(), rtol=1e-12)
    with pytest.raises(ValueError, match=r"repeat: 1 repeat counts \(2,\) are fewer than the 2 dimensions"):
        x.repeat(2)


# --- methods by name: comparisons, in place ----------------------------------------------------


@pytest.mark.parametrize("name", ["eq", "ne", "gt", "ge", "lt", "le"])
def test_comparison_methods_against_pytorch(name):
    torch = pytest.importorskip("torch")
    a, b = np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 1.0])
    assert getattr(Tensor(a), name)(Tensor(b)).tolist() == getattr(torch.tensor(a), name)(torch.tensor(b)).tolist()
    assert getattr(Tensor(a), name)(2.0).tolist() == getattr(torch.tensor(a), name)(2.0).tolist()


@pytest.mark.parametrize("name, other", [("add_", 2.0), ("sub_", [1.0, 2.0]), ("mul_", 3.0), ("div_", 4.0)])
def test_in_place_methods_against_pytorch(name, other):
    torch = pytest.importorskip("torch")
    a = np.array([1.0, -2.0])
    x, t = Tensor(a), torch.tensor(a)
    assert getattr(x, name)(other) is x
    getattr(t, name)(torch.tensor(other) if isinstance(other, list) else other)
    np.testing.assert_allclose(x.numpy(), t.numpy())
    w = leaf([1.0])
    with pytest.raises(RuntimeError):        # a leaf that requires grad: refused, as PyTorch
        getattr(w, name)(1.0)


def test_fill_zero_and_clamp_in_place_as_pytorch():
    torch = pytest.importorskip("torch")
    a = np.array([-2.0, 0.5, 3.0])
    x, t = Tensor(a), torch.tensor(a)
    assert x.clamp_(min=-1.0, max=1.0) is x
    t.clamp_(min=-1.0, max=1.0)
    np.testing.assert_array_equal(x.numpy(), t.numpy())
    assert x.fill_(7.0).tolist() == t.fill_(7.0).tolist() and x.zero_().tolist() == [0.0] * 3
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (a + b).sum().backward()                      # a.grad and b.grad may share one read-only array
    a.grad.zero_()
    assert a.grad.tolist() == [0.0, 0.0] and b.grad.tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError, match="clamp_"):
        leaf([1.0]).clamp_(min=0.0)               # a leaf that requires grad, outside no_grad
