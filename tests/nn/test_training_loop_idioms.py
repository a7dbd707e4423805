"""The idioms of a course's training loop: next(model.parameters()), tg.inference_mode, the MNIST
example's accuracy line, gradient descent by hand with grad.zero_(), and saving a whole model
(a clear error saying to save its state_dict) — as PyTorch."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn


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


def test_saving_a_whole_model_says_to_save_its_state_dict(tmp_path):
    with pytest.raises(TypeError, match=r"save its weights, tg.save\(model.state_dict\(\), path\)"):
        tg.save(nn.Linear(2, 2), tmp_path / "model.pt")
