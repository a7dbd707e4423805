"""PyTorch's spellings a script carries over: t.size() beside numpy's t.size, devices,
dtype methods and names, tg.nn.functional, the top-level functions, t.repeat, tg.from_numpy —
each as PyTorch does it (values, dtypes and gradients against torch where it is installed)."""
import importlib
import json
import pickle

import numpy as np
import pytest
from conftest import leaf, strict_numpy
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu import Tensor, nn

FAST = settings(max_examples=25, deadline=None)


# --- t.size ---------------------------------------------------------------------------------

def test_size_called_is_pytorchs_and_as_a_number_numpys():
    t = tg.zeros(2, 3, 4)
    assert t.size() == (2, 3, 4) and t.size(0) == 2 and t.size(-1) == 4 and t.size(-3) == 2
    n = t.size
    assert n == 24 and isinstance(n, int) and n + 1 == 25 and n * 2 == 48 and n // 5 == 4 and -n == -24
    assert n > 23 and n <= 24 and hash(n) == hash(24) and {24: "x"}[n] == "x"
    assert f"{n}" == "24" and f"{n:05d}" == "00024" and str(n) == "24" and repr(n) == "24" and f"{n:d}" == "24"
    assert list(range(t.size)) == list(range(24)) and [0] * n == [0] * 24
    assert json.dumps({"n": n}) == '{"n": 24}'
    assert np.zeros(t.size).shape == (24,) and np.array(n).dtype.kind == "i" and np.arange(n)[-1] == 23
    assert pickle.loads(pickle.dumps(n)) == 24 and type(pickle.loads(pickle.dumps(n))) is int
    assert type(n + 1) is int and Tensor(3.0).size == 1 and Tensor(3.0).size() == ()
    assert t.size(dim=1) == 3 and x_view_habit(t).shape == (2, 12)


def x_view_habit(x):
    return x.view(x.size(0), -1)  # the classic flatten of a CNN's forward


@pytest.mark.parametrize("dim", [3, -4, 10])
def test_size_of_a_dim_out_of_range_says_the_range(dim):
    with pytest.raises(IndexError, match=r"range of \[-3, 2\]"):
        tg.zeros(2, 3, 4).size(dim)
    with pytest.raises(IndexError):
        Tensor(1.0).size(0)


def test_size_against_pytorch():
    torch = pytest.importorskip("torch")
    a = np.zeros((2, 1, 5))
    ours, theirs = Tensor(a), torch.tensor(a)
    assert ours.size() == tuple(theirs.size())
    assert [ours.size(d) for d in range(-3, 3)] == [theirs.size(d) for d in range(-3, 3)]
    assert ours.size == theirs.numel() == ours.numel()


# --- devices and dtypes ---------------------------------------------------------------------

def test_cpu_is_the_device_and_other_devices_say_the_engine_runs_on_the_cpu():
    t = leaf([1.0, 2.0])
    assert t.to("cpu") is t and t.cpu() is t and t.to(tg.device("cpu")) is t and str(t.device) == "cpu"
    m = nn.Linear(2, 2)
    assert m.to("cpu") is m and m.cpu() is m
    assert tg.cuda.is_available() is False
    for device in ["cuda", "cuda:0", "mps", tg.device("cuda")]:
        with pytest.raises(RuntimeError, match="runs on the CPU"):
            t.to(device)
        with pytest.raises(RuntimeError, match="runs on the CPU"):
            m.to(device)
    assert t.to("cpu", tg.float64).dtype == np.float64 and t.to(device="cpu", dtype=tg.float64).dtype == np.float64
    m.to("cpu", tg.float64)
    assert m.weight.dtype == np.float64


def test_dtype_methods_as_pytorch():
    t = leaf([1.7, -2.2, 0.0], dtype=np.float32)
    assert t.float().dtype == np.float32 and t.double().dtype == np.float64
    assert t.long().dtype == np.int64 and t.int().dtype == np.int32 and t.bool().dtype == np.bool_
    assert t.long().tolist() == [1, -2, 0] and t.bool().tolist() == [True, True, False]
    assert not t.long().requires_grad and t.double().requires_grad
    t.double().sum().backward()
    assert t.grad.dtype == np.float32
    torch = pytest.importorskip("torch")
    ref = torch.tensor([1.7, -2.2, 0.0])
    assert t.long().tolist() == ref.long().tolist() and t.int().tolist() == ref.int().tolist()
    assert t.bool().tolist() == ref.bool().tolist()


def test_dtype_names_are_numpys_dtypes_accepted_wherever_a_dtype_is():
    assert (tg.float32, tg.float, tg.float64, tg.double) == (np.float32, np.float32, np.float64, np.float64)
    assert (tg.int64, tg.long, tg.int32, tg.int, tg.bool) == (np.int64, np.int64, np.int32, np.int32, np.bool_)
    assert tg.zeros(2, dtype=tg.float64).dtype == np.float64
    assert tg.tensor([1, 2], dtype=tg.long).dtype == np.int64
    assert Tensor([1, 0], dtype=tg.bool).dtype == np.bool_
    assert tg.arange(3, dtype=tg.float32).dtype == np.float32
    assert tg.ones(2).to(tg.double).dtype == np.float64 and tg.ones(2).to(tg.long).dtype == np.int64
    assert nn.Linear(2, 2, dtype=tg.float64).weight.dtype == np.float64
    assert tg.zeros(2).dtype == tg.float32 and tg.tensor([1]).dtype == tg.long
    with pytest.raises(TypeError, match="parameters need a floating dtype"):
        nn.Linear(2, 2).to(tg.long)


def test_nn_functional_is_the_same_module_as_functional():
    import tinygrad_edu.nn.functional as F1

    from tinygrad_edu.nn import functional as F2
    assert F1 is F2 is tg.functional is importlib.import_module("tinygrad_edu.nn.functional")
    assert tg.nn.functional is tg.functional


# --- top-level functions --------------------------------------------------------------------

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


# --- from_numpy -----------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.int32, np.bool_])
def test_from_numpy_keeps_dtype_values_and_memory(dtype):
    a = np.arange(6).reshape(2, 3).astype(dtype)
    t = tg.from_numpy(a)
    assert t.dtype == a.dtype and t.shape == a.shape
    np.testing.assert_array_equal(t.numpy(), a)
    if dtype != np.bool_:
        a[0, 0] = 5   # shares memory, as torch.from_numpy
        assert t.numpy()[0, 0] == 5
    torch = pytest.importorskip("torch")
    assert str(torch.from_numpy(a).dtype).removeprefix("torch.") == str(t.dtype).replace("bool", "bool")
    with pytest.raises(TypeError, match="from_numpy: expected a numpy.ndarray, got list"):
        tg.from_numpy([1, 2])
