"""Buffers (state that is saved but not learned): register_buffer, named_buffers, and their
place in state_dict / load_state_dict / save / load / to(dtype)."""
import numpy as np
import pytest

from tinygrad_edu import Tensor, nn, optim


class WithMask(nn.Module):
    def __init__(self):
        self.fc = nn.Linear(3, 3)
        self.register_buffer("mask", np.tril(np.ones((3, 3))))
        self.register_buffer("steps", np.array(0, dtype=np.int64))
        self.register_buffer("nothing", None)

    def forward(self, x):
        return x @ (self.fc.weight * self.mask).T


def test_register_buffer_keeps_dtype_and_object_and_is_not_a_parameter():
    m = WithMask()
    assert m.mask.dtype == np.float64 and m.steps.dtype == np.int64 and m.nothing is None
    t = Tensor(np.zeros(2), name="mine")
    m.register_buffer("own", t)
    assert m.own is t
    assert [n for n, _ in m.named_buffers()] == ["mask", "steps", "own"]
    assert [b is m.mask for b in m.buffers()] == [True, False, False]
    assert all(p is not m.mask for p in m.parameters()) and len(m.parameters()) == 2
    assert not m.mask.requires_grad


def test_state_dict_holds_parameters_and_buffers_in_order_as_copies():
    m = WithMask()
    sd = m.state_dict()
    assert list(sd) == ["fc.weight", "fc.bias", "mask", "steps"]
    sd["mask"][...] = 7
    assert np.all(m.mask.data <= 1)
    bn = nn.BatchNorm2d(4)
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    model = nn.Sequential(nn.Linear(2, 4), nn.BatchNorm1d(4))
    assert [n for n, _ in model.named_buffers()] == ["1.running_mean", "1.running_var", "1.num_batches_tracked"]
    assert list(model.state_dict())[2:] == ["1.weight", "1.bias", "1.running_mean", "1.running_var",
                                            "1.num_batches_tracked"]
    assert {k: v.shape for k, v in bn.state_dict().items()}["num_batches_tracked"] == ()


def test_load_state_dict_loads_buffers_and_checks_them_before_copying_anything():
    source = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    source(Tensor(np.random.default_rng(0).normal(size=(5, 2))))  # one training step moves the stats
    target = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    before = target.state_dict()
    bad = source.state_dict()
    bad["1.running_var"] = np.ones(4)
    with pytest.raises(ValueError, match=r"'1.running_var': expected shape \(3,\), got shape \(4,\)"):
        target.load_state_dict(bad)
    missing = source.state_dict()
    del missing["1.num_batches_tracked"]
    with pytest.raises(ValueError, match="missing keys: 1.num_batches_tracked"):
        target.load_state_dict(missing)
    floats = source.state_dict()
    floats["1.num_batches_tracked"] = np.array(1.5)
    with pytest.raises(ValueError, match="'1.num_batches_tracked': expected an integer array"):
        target.load_state_dict(floats)
    for k, v in target.state_dict().items():  # nothing was loaded
        np.testing.assert_array_equal(v, before[k])
    target.load_state_dict(source.state_dict())
    for k, v in target.state_dict().items():
        np.testing.assert_array_equal(v, source.state_dict()[k])
    assert int(target[1].num_batches_tracked.item()) == 1
    partial = {"1.running_mean": np.full(3, 2.0)}
    target.load_state_dict(partial, strict=False)
    np.testing.assert_array_equal(target[1].running_mean.data, 2.0)


def test_save_and_load_round_trip_buffers(tmp_path):
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    for _ in range(3):
        model(Tensor(np.random.default_rng(1).normal(size=(6, 2))))
    path = model.save(tmp_path / "bn.npz")
    fresh = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3)).load(path)
    np.testing.assert_array_equal(fresh[1].running_var.data, model[1].running_var.data)
    assert int(fresh[1].num_batches_tracked.item()) == 3


def test_to_converts_floating_buffers_but_not_the_batch_counter():
    bn = nn.BatchNorm1d(3).double()
    assert bn.weight.dtype == bn.running_mean.dtype == bn.running_var.dtype == np.float64
    assert bn.num_batches_tracked.dtype == np.int64
    y = bn(Tensor(np.random.default_rng(2).normal(size=(4, 3))))
    assert y.dtype == np.float64


def test_optimizers_do_not_touch_buffers():
    bn = nn.BatchNorm1d(2)
    opt = optim.SGD(bn.parameters(), lr=0.1)
    bn(Tensor(np.random.default_rng(3).normal(size=(4, 2)))).sum().backward()
    running = bn.running_mean.data.copy()
    opt.step()
    np.testing.assert_array_equal(bn.running_mean.data, running)


def test_register_buffer_refuses_parameters_bad_names_and_non_numeric_data():
    m = nn.Module()
    with pytest.raises(TypeError, match="'w' is a Parameter"):
        m.register_buffer("w", nn.Parameter(np.ones(2)))
    with pytest.raises(KeyError, match="must be an identifier"):
        m.register_buffer("a.b", np.ones(2))
    with pytest.raises(TypeError, match="must be numeric"):
        m.register_buffer("s", np.array(["x"]))


def test_a_buffer_replaced_by_a_plain_array_is_named_in_the_error():
    bn = nn.BatchNorm1d(2)
    bn.running_mean = np.zeros(2)
    with pytest.raises(TypeError, match="buffer 'running_mean' is a ndarray, not a Tensor"):
        bn.state_dict()
    bn.register_buffer("running_mean", np.zeros(2))
    assert "running_mean" in bn.state_dict()
