"""A PyTorch user's habits, end to end: code written the way PyTorch
tutorials write it, without reading our docs, must run and give PyTorch's numbers."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import tinygrad_edu as tg  # noqa: E402
import tinygrad_edu.functional as F  # noqa: E402
from tinygrad_edu import Tensor, nn, optim  # noqa: E402


def _data(seed=0, n=32):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64) + (X[:, 2] > 1).astype(np.int64)
    return X, y


def test_a_tutorial_training_loop_with_logging_plotting_and_accuracy(capsys):
    tg.manual_seed(0)
    X, y = _data()
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    opt = optim.SGD(model.parameters(), lr=0.5)
    xb, yb = Tensor(X), Tensor(y, dtype=np.int64)
    losses = []
    for epoch in range(30):
        opt.zero_grad()
        logits = model(xb)
        loss = F.cross_entropy(logits, yb)
        loss.backward()
        opt.step()
        losses.append(loss)                       # the tensor itself, as tutorials do
        if epoch % 10 == 0:
            print(f"epoch {epoch}: loss {loss:.4f}")
    assert capsys.readouterr().out.count("loss ") == 3
    assert float(losses[-1]) < float(losses[0])
    assert np.mean(losses) == pytest.approx(np.mean([t.item() for t in losses]), rel=1e-6)
    line, = plt.plot(losses)
    np.testing.assert_allclose(np.asarray(line.get_ydata(), dtype=float), [float(t) for t in losses])
    plt.close("all")

    pred = np.asarray(model(xb)).argmax(axis=1)
    correct = Tensor(pred, dtype=np.int64) == yb          # elementwise, as PyTorch
    accuracy = correct.float().mean()
    assert correct.dtype == bool and correct.shape == (32,)
    assert float(accuracy) == pytest.approx(np.mean(pred == y))
    assert int(correct.sum()) == int(np.sum(pred == y))


def test_the_same_loop_gives_pytorchs_losses():
    torch = pytest.importorskip("torch")
    X, y = _data(1)
    ours = nn.Sequential(nn.Linear(4, 5, dtype=np.float64), nn.Tanh(), nn.Linear(5, 3, dtype=np.float64))
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3)).double()
    with torch.no_grad():
        for p, q in zip(ours.parameters(), theirs.parameters()):
            q.copy_(torch.from_numpy(np.array(p)))              # np.array(t): the values
    opt_a, opt_b = optim.SGD(ours.parameters(), lr=0.3), torch.optim.SGD(theirs.parameters(), lr=0.3)
    xa, xb = Tensor(X.astype(np.float64)), torch.tensor(X, dtype=torch.float64)
    for _ in range(5):
        opt_a.zero_grad()
        opt_b.zero_grad()
        la = F.cross_entropy(ours(xa), y)
        lb = torch.nn.functional.cross_entropy(theirs(xb), torch.tensor(y))
        la.backward()
        lb.backward()
        opt_a.step()
        opt_b.step()
        assert float(la) == pytest.approx(lb.item(), rel=1e-10)
        assert f"{la:.6f}" == f"{lb.item():.6f}"


def test_transpose_0_1_and_t_as_pytorch():
    torch = pytest.importorskip("torch")
    a = np.arange(6.0).reshape(2, 3)
    assert Tensor(a).transpose(0, 1).shape == tuple(torch.tensor(a).transpose(0, 1).shape) == (3, 2)
    w = Tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
    x = Tensor(np.ones((2, 4)))
    (x @ w.t()).sum().backward()
    wt = torch.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
    (torch.ones(2, 4, dtype=torch.float64) @ wt.t()).sum().backward()
    np.testing.assert_array_equal(w.grad.data, wt.grad.numpy())
    b = Tensor(np.zeros((5, 2, 3)))
    assert b.transpose(1, 2).shape == (5, 3, 2)


def test_python_and_numpy_conveniences():
    x = Tensor([[1.0, -2.0], [3.0, 0.5]], requires_grad=True)
    assert x.numel() == 4 and x.dim() == 2 and x.size == 4 and x.tolist()[1] == [3.0, 0.5]
    y = np.exp(x) * np.array([1.0, 2.0]) + x.clone().to("float64")   # ufuncs and arrays mix in
    assert isinstance(y, Tensor) and y.requires_grad
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, np.exp(x.data) * [1.0, 2.0] + 1.0, rtol=1e-6)
    with pytest.raises(TypeError, match=r"np\.sum\(t\): .*t\.sum"):
        np.sum(x)
    assert np.asarray(x).shape == (2, 2) and np.array(x.detach()).dtype == np.float32
    assert (x == x).data.all() and not (x != x).data.any()
    assert {x: 1}[x] == 1                                  # still a dict key
    if x.grad is not None:                                 # the usual check, by identity
        assert x.grad.shape == x.shape


def test_a_list_of_ints_with_requires_grad_is_float32_and_integer_arrays_are_refused():
    x = Tensor([1, 2, 3], requires_grad=True)
    assert x.dtype == np.float32
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 4.0, 6.0])
    with pytest.raises(TypeError, match="floating"):
        Tensor(np.arange(3), requires_grad=True)


def test_the_common_mistakes_get_errors_that_say_what_to_do():
    with pytest.raises(TypeError, match="class indices of shape"):
        F.cross_entropy(Tensor.randn(2, 3), np.eye(3, dtype=np.int64)[[0, 1]])
    with pytest.raises(ValueError, match=r"shapes \(2, 3\) and \(2, 3\)"):
        Tensor.ones(2, 3) @ Tensor.ones(2, 3)
    with pytest.raises(RuntimeError, match="sum\\(\\)"):
        (Tensor([1.0, 2.0], requires_grad=True) * 2).backward()
    h = Tensor([1.0], requires_grad=True).sigmoid()
    with pytest.raises(RuntimeError, match="the output of sigmoid"):
        h += 1


def test_tutorial_tensor_code_with_views_joins_and_reductions_matches_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    a = rng.normal(size=(4, 3))
    y = np.array([0, 2, 1, 2])

    def program(lib, functional, x, labels):
        # written as a PyTorch tutorial writes it; `lib` is torch or tinygrad_edu
        z = (x - x.mean(dim=0, keepdim=True)) / x.std(dim=0, keepdim=True)
        z = lib.cat([z, z.pow(2).unsqueeze(0).squeeze(0)], dim=1)
        z = lib.where(z > 0, z.sin(), lib.maximum(z, lib.zeros_like(z)) - z.exp())
        h = z.view(4, 2, 3).permute(1, 0, 2).flatten(1).t()          # (12, 2)
        pieces = h.chunk(2, dim=0)
        logits = lib.stack([p.logsumexp(dim=0) for p in pieces], dim=0).t()   # (2, 2)
        logits = lib.cat([logits, logits.transpose(0, 1)], dim=0)            # (4, 2)
        correct = (logits.argmax(dim=1) == labels).float().mean()
        return logits.softmax(dim=-1).sum() * functional.gelu(x).norm() + correct

    xt = Tensor(a, requires_grad=True)
    xp = torch.tensor(a, requires_grad=True)
    ours = program(tg, F, xt, Tensor(y % 2, dtype=np.int64))
    theirs = program(torch, torch.nn.functional, xp, torch.tensor(y % 2))
    assert float(ours) == pytest.approx(theirs.item(), rel=1e-10)
    ours.backward()
    theirs.backward()
    np.testing.assert_allclose(xt.grad.data, xp.grad.numpy(), rtol=1e-8, atol=1e-12)
    assert tg.tensor([1, 2]).dtype == np.int64 and tg.arange(3).tolist() == [0, 1, 2]
    assert xt.numel() == 12 and xt.dim() == 2 and xt.clone().to("float32").dtype == np.float32
