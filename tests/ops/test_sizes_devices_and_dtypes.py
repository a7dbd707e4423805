"""PyTorch's spellings for what a tensor is, as a script carries them over: t.size() beside
numpy's t.size, device= on every factory (the CPU, and a clear error for the others), is_cuda,
dtype methods and names, view_as / type_as, tg.from_numpy, randint and randperm — each as
PyTorch does it (values and dtypes against torch where it is installed)."""
import json
import pickle

import numpy as np
import pytest
from conftest import leaf

import tinygrad_edu as tg
from tinygrad_edu import Tensor, nn

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


# --- devices and dtypes ----------------------------------------------------------------------


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


FACTORIES = [
    lambda device: tg.zeros(2, 3, device=device), lambda device: tg.ones(2, device=device),
    lambda device: tg.randn(2, device=device), lambda device: tg.rand(2, device=device),
    lambda device: tg.tensor([1.0], device=device), lambda device: tg.full((2,), 1.5, device=device),
    lambda device: tg.zeros_like(tg.ones(2), device=device), lambda device: tg.ones_like(tg.ones(2), device=device),
    lambda device: tg.arange(3, device=device), lambda device: tg.linspace(0, 1, 3, device=device),
    lambda device: tg.eye(2, device=device), lambda device: tg.randint(0, 3, (2,), device=device),
    lambda device: tg.randperm(3, device=device), lambda device: tg.empty(2, device=device),
]


@pytest.mark.parametrize("make", FACTORIES)
def test_factories_take_device_cpu_and_refuse_others(make):
    assert isinstance(make("cpu"), Tensor) and isinstance(make(tg.device("cpu")), Tensor)
    assert isinstance(make(None), Tensor)
    with pytest.raises(RuntimeError, match="runs on the CPU"):
        make("cuda")


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


def test_view_as_type_as_and_is_cuda():
    x = tg.arange(6)
    assert x.view_as(tg.zeros(2, 3)).shape == (2, 3)
    assert x.type_as(tg.zeros(1, dtype=tg.float64)).dtype == np.float64
    assert x.is_cuda is False


# --- from_numpy, randint, randperm ---------------------------------------------------------------


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


def test_randint_and_randperm_as_pytorch():
    torch = pytest.importorskip("torch")
    tg.manual_seed(0)
    a = tg.randint(0, 10, (50,))
    tg.manual_seed(0)
    assert tg.randint(0, 10, (50,)).tolist() == a.tolist()          # tg.manual_seed decides
    b = tg.randint(5, (3, 4))
    for ours, theirs in [(a, torch.randint(0, 10, (50,))), (b, torch.randint(5, (3, 4)))]:
        assert ours.dtype == np.int64 and str(theirs.dtype) == "torch.int64" and ours.shape == tuple(theirs.shape)
    assert a.numpy().min() >= 0 and a.numpy().max() < 10 and b.numpy().max() < 5
    assert sorted(tg.randperm(7).tolist()) == list(range(7)) and tg.randperm(7).dtype == np.int64
