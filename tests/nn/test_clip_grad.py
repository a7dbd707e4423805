"""nn.utils.clip_grad_norm_: the total norm before clipping and the clipped gradients, worked by
hand and against PyTorch (float64, float32, several norm types)."""
import numpy as np
import pytest

from tinygrad_edu import Tensor, nn


def params_with_grads(grads, dtype=np.float64):
    ps = []
    for g in grads:
        p = nn.Parameter(np.zeros(np.shape(g), dtype=dtype))
        p.grad = None if g is None else Tensor(np.asarray(g, dtype=dtype))
        ps.append(p)
    return ps


def test_worked_by_hand_clips_to_max_norm_and_returns_the_norm_before():
    a, b = params_with_grads([[3.0, 0.0], [[4.0]]])        # ‖(3, 0, 4)‖ = 5
    total = nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
    assert isinstance(total, Tensor) and total.item() == pytest.approx(5.0, rel=1e-15)
    scale = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(a.grad.data, [3 * scale, 0.0], rtol=1e-15)
    np.testing.assert_allclose(b.grad.data, [[4 * scale]], rtol=1e-15)
    assert np.linalg.norm([*a.grad.data, b.grad.data[0, 0]]) == pytest.approx(1.0, abs=1e-6)


def test_small_gradients_are_left_alone_and_params_without_grad_skipped():
    a, b, c = params_with_grads([[0.3, 0.4], None, [0.0]])
    before = a.grad
    total = nn.utils.clip_grad_norm_([a, b, c], max_norm=1.0)
    assert total.item() == pytest.approx(0.5) and a.grad is before and b.grad is None
    assert nn.utils.clip_grad_norm_(params_with_grads([None]), 1.0).item() == 0.0


def test_inf_norm_single_tensor_and_read_only_grads_are_replaced_not_written():
    (p,) = params_with_grads([[-6.0, 2.0, 3.0]])
    p.grad.data.flags.writeable = False
    old = p.grad
    total = nn.utils.clip_grad_norm_(p, max_norm=3.0, norm_type=float("inf"))
    assert total.item() == 6.0
    np.testing.assert_allclose(p.grad.data, np.array([-6.0, 2.0, 3.0]) * 3.0 / (6.0 + 1e-6), rtol=1e-15)
    np.testing.assert_array_equal(old.data, [-6.0, 2.0, 3.0])   # the old gradient is untouched
    assert not p.grad.requires_grad and p.grad.grad_fn is None


def test_errors():
    with pytest.raises(TypeError, match="clip_grad_norm_: parameter 1 is a ndarray"):
        nn.utils.clip_grad_norm_([nn.Parameter(np.ones(1)), np.ones(1)], 1.0)
    with pytest.raises(ValueError, match="norm_type must be >= 0"):
        nn.utils.clip_grad_norm_(params_with_grads([[1.0]]), 1.0, norm_type=-1)
    (p,) = params_with_grads([[np.inf, 1.0]])
    with pytest.raises(RuntimeError, match="total norm of order 2.0 .* is inf"):
        nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf"), 0.0])
@pytest.mark.parametrize("max_norm", [0.5, 2.0, 1e3])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_against_pytorch(norm_type, max_norm, dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    grads = [rng.standard_normal(s).astype(dtype) for s in [(4, 3), (3,), (2, 2, 2)]]
    ours = params_with_grads(grads, dtype)
    theirs = [torch.zeros(g.shape, dtype=torch.from_numpy(g).dtype, requires_grad=True) for g in grads]
    for t, g in zip(theirs, grads):
        t.grad = torch.from_numpy(g.copy())
    total = nn.utils.clip_grad_norm_([*ours, nn.Parameter(np.ones(2))], max_norm, norm_type=norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    tol = 1e-12 if dtype == np.float64 else 1e-6
    assert total.dtype == dtype
    np.testing.assert_allclose(total.data, expected.numpy(), rtol=tol)
    for p, t in zip(ours, theirs):
        assert p.grad.dtype == dtype
        np.testing.assert_allclose(p.grad.data, t.grad.numpy(), rtol=tol, atol=tol)


def test_exposed_as_nn_utils():
    from tinygrad_edu.nn.utils import clip_grad_norm_
    assert nn.utils.clip_grad_norm_ is clip_grad_norm_
