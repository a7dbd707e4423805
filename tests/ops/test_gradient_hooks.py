"""Tensor.register_hook (in backward, tg.grad and under create_graph), retain_grad, contiguous and
boolean data, worked by hand and against PyTorch."""
import numpy as np
import pytest
from conftest import leaf

import tinygrad_edu as tg
from tinygrad_edu import Tensor


def test_a_hook_on_a_leaf_sees_its_gradient_and_what_it_returns_is_deposited():
    x = leaf([1.0, 2.0, 3.0])
    seen = []
    x.register_hook(lambda g: seen.append(g.data.copy()))
    x.register_hook(lambda g: g * 10)
    (x * x).sum().backward()
    np.testing.assert_array_equal(seen[0], [2.0, 4.0, 6.0])
    np.testing.assert_array_equal(x.grad.data, [20.0, 40.0, 60.0])


def test_a_hook_on_an_intermediate_changes_what_flows_below_it():
    x = leaf([1.0, -2.0])
    y = x * 3
    y.register_hook(lambda g: g * 0 + 1)   # the gradient of y becomes ones
    (y * y).sum().backward()
    np.testing.assert_array_equal(y.grad.data, [1.0, 1.0])
    np.testing.assert_array_equal(x.grad.data, [3.0, 3.0])


def test_hooks_chain_in_order_and_a_removed_hook_no_longer_runs():
    x = leaf([2.0])
    order = []
    x.register_hook(lambda g: (order.append(("a", g.item())), g + 1)[1])
    handle = x.register_hook(lambda g: (order.append(("b", g.item())), g * 2)[1])
    (x * 5).sum().backward()
    assert order == [("a", 5.0), ("b", 6.0)] and x.grad.item() == 12.0
    handle.remove()
    x.grad = None
    (x * 5).sum().backward()
    assert x.grad.item() == 6.0


def test_a_hook_on_the_root_gets_the_seed_and_tg_grad_runs_hooks_too():
    x = leaf([1.0, 2.0])
    loss = (x * x).sum()
    loss.register_hook(lambda g: g * 2)
    (gx,) = tg.grad(loss, [x])
    np.testing.assert_array_equal(gx.data, [4.0, 8.0])
    assert x.grad is None


def test_a_hook_runs_once_with_the_summed_gradient_of_a_reused_tensor():
    x = leaf([1.0])
    y = x * 2
    calls = []
    y.register_hook(lambda g: calls.append(g.item()))
    (y + y * y).sum().backward()
    assert calls == [1.0 + 2 * 2.0]


def test_hooks_under_create_graph_are_differentiated_through():
    x = leaf([0.5, -1.5])
    y = x ** 3
    y.register_hook(lambda g: g * x)   # the hook's own ops are recorded under create_graph
    (gx,) = tg.grad(y.sum(), [x], create_graph=True)
    np.testing.assert_allclose(gx.data, 3 * x.data ** 3)
    (ggx,) = tg.grad(gx.sum(), [x])
    np.testing.assert_allclose(ggx.data, 9 * x.data ** 2)


def test_register_hook_matches_pytorch_first_and_second_order():
    torch = pytest.importorskip("torch")
    a = np.array([[0.3, -1.2, 2.0], [0.7, 0.1, -0.4]])
    x = leaf(a)
    tx = torch.tensor(a, requires_grad=True)
    h = (x @ x.T).tanh()
    th = (tx @ tx.T).tanh()
    h.register_hook(lambda g: g * h)
    th.register_hook(lambda g: g * th)
    x.register_hook(lambda g: g.sin())
    tx.register_hook(lambda g: g.sin())
    (gx,) = tg.grad((h * h).sum(), [x], create_graph=True)
    (tgx,) = torch.autograd.grad((th * th).sum(), [tx], create_graph=True)
    np.testing.assert_allclose(gx.data, tgx.detach().numpy(), rtol=1e-12)
    gx.sum().backward()
    tgx.sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-10)


def test_a_hook_cannot_write_into_a_gradient_that_may_be_shared():
    x = leaf([1.0, 2.0])
    y = leaf([3.0, 4.0])

    def edit(g):
        g.data[0] = 99.0
    z = x + y
    x.register_hook(edit)
    with pytest.raises(ValueError, match="read-only"):
        z.sum().backward()


def test_bad_hooks_and_tensors_without_gradient_are_refused_with_clear_errors():
    with pytest.raises(RuntimeError, match="register_hook: cannot register a hook on tensor of shape "
                                           r"\(2,\) \(float32\): it does not require grad"):
        Tensor([1.0, 2.0]).register_hook(lambda g: g)
    x = leaf([1.0, 2.0], name="x")
    with pytest.raises(TypeError, match="register_hook: the hook must be callable"):
        x.register_hook("not a function")

    def wrong_shape(g):
        return g.sum()
    x.register_hook(wrong_shape)
    with pytest.raises(RuntimeError, match=r"gradient hook 'wrong_shape' of tensor 'x' .*changed the "
                                           r"gradient's shape or dtype: it got \(2,\) \(float64\) and returned \(\)"):
        (x * 2).sum().backward()
    y = leaf([1.0])

    def a_list(g):
        return [1.0]
    y.register_hook(a_list)
    with pytest.raises(TypeError, match="gradient hook 'a_list' .* returned a list; a hook returns a Tensor or None"):
        (y * 2).sum().backward()


def test_a_handle_removes_as_a_context_manager_and_hooks_die_with_their_tensor():
    from tinygrad_edu.hooks import tensor_hooks
    x = leaf([1.0])
    with x.register_hook(lambda g: g * 0):
        (x * 2).sum().backward()
    assert x.grad.item() == 0.0
    x.grad = None
    (x * 2).sum().backward()
    assert x.grad.item() == 2.0
    before = len(tensor_hooks)
    y = leaf([1.0])
    y.register_hook(lambda g: g)
    assert len(tensor_hooks) == before + 1
    del y
    assert len(tensor_hooks) == before


def test_retain_grad_and_retains_grad_as_pytorch():
    x = leaf([1.0, 2.0])
    y = x * 2
    assert y.retain_grad() is None and y.retains_grad and not x.retains_grad
    x.retain_grad()  # on a leaf: nothing to do, as PyTorch
    (y * y).sum().backward()
    np.testing.assert_array_equal(y.grad.data, [4.0, 8.0])
    with pytest.raises(RuntimeError, match="retain_grad: tensor of shape .* does not require grad"):
        Tensor([1.0]).retain_grad()


def test_contiguous_returns_an_equal_tensor_that_keeps_the_graph():
    x = leaf(np.arange(6.0).reshape(2, 3))
    t = x.T.contiguous()
    np.testing.assert_array_equal(t.data, x.data.T)
    t.sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.ones((2, 3)))


def test_boolean_numpy_data_keeps_dtype_bool():
    mask = np.array([[True, False], [False, True]])
    t = Tensor(mask)
    assert t.dtype == np.bool_ and Tensor(t).dtype == np.bool_ and tg.tensor(mask).dtype == np.bool_
    assert Tensor(np.bool_(True)).dtype == np.bool_
    np.testing.assert_array_equal(t.data, mask)
    assert Tensor([True, False]).dtype == np.float32  # a list of Python bools: as torch.Tensor
    assert Tensor(mask, dtype=np.float64).dtype == np.float64
    with pytest.raises(TypeError, match="only floating tensors can have gradients"):
        Tensor(mask, requires_grad=True)
