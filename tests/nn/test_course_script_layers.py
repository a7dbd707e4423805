"""Layers and containers course scripts use beyond the contract:
Sequential(OrderedDict), ModuleDict, Dropout2d, AdaptiveAvgPool2d, t.new_zeros / t.type —
against PyTorch where it is installed."""
from collections import OrderedDict

import numpy as np
import pytest
import tinygrad_edu.nn.functional as F
from conftest import leaf

import tinygrad_edu as tg
from tinygrad_edu import nn


def _named(lib):
    return lib.nn.Sequential(OrderedDict([("fc1", lib.nn.Linear(3, 4)), ("act", lib.nn.ReLU()),
                                          ("fc2", lib.nn.Linear(4, 2))]))


def test_sequential_of_an_ordered_dict_has_pytorchs_names_and_loads_both_ways():
    torch = pytest.importorskip("torch")
    tg.manual_seed(0)
    ours, theirs = _named(tg), _named(torch)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert ours.fc1 is ours[0] and ours.fc2 is ours[2] and len(ours) == 3
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    with torch.no_grad():
        np.testing.assert_allclose(ours(tg.tensor(x)).numpy(), theirs(torch.from_numpy(x)).numpy(), rtol=1e-6)
    assert "(fc1): Linear" in repr(ours)
    with pytest.raises(AttributeError, match="fc3"):
        ours.fc3
    assert [n for n, _ in nn.Sequential(nn.Linear(2, 2)).named_parameters()] == ["0.weight", "0.bias"]


def test_module_dict_names_as_pytorch():
    torch = pytest.importorskip("torch")
    ours = nn.ModuleDict({"encoder": nn.Linear(3, 4), "head": nn.Linear(4, 2)})
    theirs = torch.nn.ModuleDict({"encoder": torch.nn.Linear(3, 4), "head": torch.nn.Linear(4, 2)})
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours["extra"] = nn.Linear(2, 1)
    assert list(ours) == ["encoder", "head", "extra"] and "head" in ours and len(ours) == 3
    assert len(ours.parameters()) == 6 and ours["head"].weight.shape == (2, 4)
    assert [k for k, _ in ours.items()] == list(ours.keys())
    with pytest.raises(TypeError, match="not a Module"):
        ours["bad"] = 3


def test_dropout2d_zeroes_whole_channels_and_is_the_identity_in_eval():
    tg.manual_seed(0)
    x = tg.ones(8, 16, 3, 3)
    layer = nn.Dropout2d(0.25)
    out = layer(x).numpy()
    per_channel = out.reshape(8, 16, 9)
    assert np.all((per_channel == 0).all(axis=2) | (per_channel == 1 / 0.75).all(axis=2))  # whole maps
    assert 0.1 < (per_channel[:, :, 0] == 0).mean() < 0.4
    layer.eval()
    assert layer(x) is x
    w = leaf(np.ones((2, 3, 2, 2)))
    F.dropout2d(w, 0.5).sum().backward()
    assert set(np.unique(w.grad.numpy())) <= {0.0, 2.0}
    with pytest.raises(ValueError, match=r"dropout2d: expected a floating \(N, C, H, W\) batch"):
        F.dropout2d(tg.ones(3, 4), 0.5)
    torch = pytest.importorskip("torch")
    theirs = torch.nn.Dropout2d(0.25)(torch.ones(8, 16, 3, 3)).numpy().reshape(8, 16, 9)
    assert np.all((theirs == 0).all(axis=2) | (theirs == 1 / 0.75).all(axis=2))   # PyTorch's rule too


@pytest.mark.parametrize("size", [1, (1, 1), 2, (2, 1), (None, 2), (4, 4)])
def test_adaptive_average_pooling_against_pytorch(size):
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(0).normal(size=(2, 3, 4, 4))
    x, t = leaf(a), torch.tensor(a, requires_grad=True)
    ours, theirs = nn.AdaptiveAvgPool2d(size)(x), torch.nn.AdaptiveAvgPool2d(size)(t)
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-12)
    w = np.random.default_rng(1).normal(size=ours.shape)
    (ours * tg.tensor(w)).sum().backward()
    (theirs * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12)


def test_adaptive_pooling_that_does_not_divide_says_so():
    with pytest.raises(ValueError, match=r"do not divide into \(3, 3\)"):
        F.adaptive_avg_pool2d(tg.ones(1, 1, 4, 4), 3)


def test_new_tensors_and_type_as_pytorch():
    torch = pytest.importorskip("torch")
    for lib in (tg, torch):
        x = lib.ones(2, dtype=lib.float64)
        assert str(x.new_zeros(3).dtype).endswith("float64") and x.new_ones((2, 2)).shape == (2, 2)
        assert x.new_full((2,), 7.0).tolist() == [7.0, 7.0] and x.new_tensor([1, 2]).tolist() == [1.0, 2.0]
        assert str(x.type(lib.float32).dtype).endswith("float32")
    assert tg.ones(2).type() == "tinygrad_edu.float32"


def test_apply_named_children_and_requires_grad_as_pytorch():
    torch = pytest.importorskip("torch")
    seen = {}
    for lib in (tg, torch):
        model = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU(), lib.nn.Sequential(lib.nn.Linear(3, 1)))
        order = []
        assert model.apply(lambda m: order.append(type(m).__name__)) is model
        seen[lib.__name__] = (order, [n for n, _ in model.named_children()])
        assert model.requires_grad_(False) is model
        assert not any(p.requires_grad for p in model.parameters())
        model.requires_grad_()
        assert all(p.requires_grad for p in model.parameters())
    assert seen["tinygrad_edu"] == seen["torch"]


def test_init_weights_through_apply():
    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.zeros_(m.weight)
            nn.init.zeros_(m.bias)
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1)).apply(init_weights)
    assert all(not p.numpy().any() for p in model.parameters())


@pytest.mark.parametrize("name, kw", [("L1Loss", {}), ("HuberLoss", {}), ("HuberLoss", {"delta": 0.3}),
                                      ("SmoothL1Loss", {}), ("SmoothL1Loss", {"beta": 0.4}),
                                      ("SmoothL1Loss", {"beta": 0.0})])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_regression_losses_against_pytorch(name, kw, reduction):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    x, t = leaf(a), torch.tensor(a, requires_grad=True)
    ours = getattr(nn, name)(reduction=reduction, **kw)(x, tg.tensor(b))
    theirs = getattr(torch.nn, name)(reduction=reduction, **kw)(t, torch.tensor(b))
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-12)
    w = rng.normal(size=ours.shape)
    (ours * tg.tensor(w)).sum().backward()
    (theirs * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12)
    assert tg.gradcheck(lambda v: getattr(nn, name)(reduction=reduction, **kw)(v, tg.tensor(b)), [leaf(a)])


def test_softplus_elu_and_unflatten_modules_against_pytorch():
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(0).normal(size=(2, 6))
    for ours, theirs in [(nn.Softplus(beta=2.0), torch.nn.Softplus(beta=2.0)), (nn.ELU(0.5), torch.nn.ELU(0.5)),
                         (nn.Unflatten(1, (2, 3)), torch.nn.Unflatten(1, (2, 3)))]:
        np.testing.assert_allclose(ours(tg.tensor(a)).numpy(), theirs(torch.tensor(a)).numpy(), rtol=1e-12)
