"""More habits of course scripts (issue 22, tried beyond the contract): device= on the factories,
next(model.parameters()), tg.inference_mode, comparison and in-place methods by name, view_as /
type_as, and more of torch's top-level functions — each against PyTorch where it is installed."""
import numpy as np
import pytest
from conftest import leaf

import tinygrad_edu as tg
from tinygrad_edu import Tensor, nn

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


def test_next_of_parameters_and_the_list_still_works():
    model = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    params = model.parameters()
    assert next(model.parameters()) is model[0].weight
    assert next(params) is model[0].weight and next(params) is model[0].bias
    assert len(params) == 4 and params[3] is model[1].bias and len(list(params)) == 4
    assert next(model.parameters()).device == tg.device("cpu") and str(next(model.parameters()).device) == "cpu"
    assert [p.shape for p in model.parameters() + model.buffers()] == [(3, 2), (3,), (1, 3), (1,)]
    with pytest.raises(StopIteration):
        for _ in range(5):
            next(params)


def test_inference_mode_is_no_grad():
    w = tg.randn(2, requires_grad=True)
    with tg.inference_mode():
        out = w * 2
    assert not out.requires_grad and tg.is_tensor(out) and not tg.is_tensor(out.numpy())


@pytest.mark.parametrize("name", ["eq", "ne", "gt", "ge", "lt", "le"])
def test_comparison_methods_against_pytorch(name):
    torch = pytest.importorskip("torch")
    a, b = np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 1.0])
    assert getattr(Tensor(a), name)(Tensor(b)).tolist() == getattr(torch.tensor(a), name)(torch.tensor(b)).tolist()
    assert getattr(Tensor(a), name)(2.0).tolist() == getattr(torch.tensor(a), name)(2.0).tolist()


def test_the_mnist_example_accuracy_line():
    torch = pytest.importorskip("torch")
    logits = np.random.default_rng(0).normal(size=(6, 4))
    target = np.array([0, 1, 2, 3, 0, 1])
    counts = []
    for lib in (tg, torch):
        output, t = lib.tensor(logits), lib.tensor(target)
        pred = output.argmax(dim=1, keepdim=True)
        counts.append(pred.eq(t.view_as(pred)).sum().item())
    assert counts[0] == counts[1]


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


def test_view_as_type_as_and_is_cuda():
    x = tg.arange(6)
    assert x.view_as(tg.zeros(2, 3)).shape == (2, 3)
    assert x.type_as(tg.zeros(1, dtype=tg.float64)).dtype == np.float64
    assert x.is_cuda is False


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


def test_saving_a_whole_model_says_to_save_its_state_dict(tmp_path):
    with pytest.raises(TypeError, match=r"save its weights, tg.save\(model.state_dict\(\), path\)"):
        tg.save(nn.Linear(2, 2), tmp_path / "model.pt")


def test_manual_gradient_descent_with_grad_zero_as_pytorch():
    """The first training loop of many courses: update under no_grad, then w.grad.zero_()."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    X, y, w0 = rng.normal(size=(8, 3)), rng.normal(size=8), rng.normal(size=3)
    losses = []
    for lib in (tg, torch):
        X_, y_, w = lib.tensor(X), lib.tensor(y), lib.tensor(w0, requires_grad=True)
        run = []
        for _ in range(5):
            loss = ((X_ @ w - y_) ** 2).mean()
            loss.backward()
            with lib.no_grad():
                w -= 0.1 * w.grad
                w.grad.zero_()
            run.append(loss.item())
        assert not w.grad.numpy().any()
        losses.append(run)
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-12)


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
