"""Semantics of the backward engine: reuse, accumulation, intermediates, grad modes, tg.grad,
deep graphs, gradient dtypes."""
import threading

import numpy as np
import pytest
from conftest import leaf

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import Tensor

# --- reused nodes, accumulation, repeated backward ---------------------------------------------

def test_reused_tensor_gets_the_sum_of_its_gradients():
    x = leaf(3.0)
    y = x * x + x            # x used three times
    y.backward()
    assert x.grad.item() == pytest.approx(2 * 3.0 + 1)


def test_reused_intermediate_node_sums_gradients():
    x = leaf([1.0, 2.0])
    h = x * 2                # h feeds two branches
    y = (h * h).sum() + h.sum()
    y.backward()
    np.testing.assert_allclose(h.grad.data, 2 * h.data + 1)
    np.testing.assert_allclose(x.grad.data, 2 * (2 * h.data + 1))


def test_same_tensor_as_both_inputs_of_one_op():
    x = leaf([1.0, -2.0, 3.0])
    (x + x).sum().backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 2.0, 2.0])
    x.zero_grad()
    (x @ x).backward()
    np.testing.assert_allclose(x.grad.data, 2 * x.data)


def test_diamond_graph():
    x = leaf(0.5)
    a, b = x.exp(), x.sin() if hasattr(x, "sin") else x.tanh()
    y = a * b
    y.backward()
    expected = np.exp(0.5) * np.tanh(0.5) + np.exp(0.5) * (1 - np.tanh(0.5) ** 2)
    if hasattr(x, "sin"):
        expected = np.exp(0.5) * np.sin(0.5) + np.exp(0.5) * np.cos(0.5)
    assert x.grad.item() == pytest.approx(expected)


def test_gradients_accumulate_across_backward_calls_until_zero_grad():
    x = leaf([1.0, 2.0])
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.data, 3 + 2 * x.data)
    x.zero_grad()
    (x * 5).sum().backward()
    np.testing.assert_allclose(x.grad.data, [5.0, 5.0])


def test_backward_twice_on_the_same_graph_accumulates_again():
    x = leaf([1.0, 2.0])
    h = x.tanh()
    y = (h * x).sum()
    y.backward()
    first = x.grad.data.copy()
    first_h = h.grad.data.copy()
    y.backward()
    np.testing.assert_allclose(x.grad.data, 2 * first)
    np.testing.assert_allclose(h.grad.data, 2 * first_h)


def test_backward_with_explicit_gradient_tensor_or_array():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    y = x * x
    y.backward(np.array([[1.0, 0.0], [0.0, 2.0]]))
    np.testing.assert_allclose(x.grad.data, [[2.0, 0.0], [0.0, 16.0]])
    x.zero_grad()
    y2 = x * x
    y2.backward(Tensor(np.array([[1.0, 1.0], [1.0, 1.0]])))
    np.testing.assert_allclose(x.grad.data, 2 * x.data)


def test_backward_on_single_element_non_scalar_needs_no_gradient():
    x = leaf([[2.0]])
    (x * x).backward()
    assert x.grad.item() == 4.0


# --- intermediate .grad (Z2.grad beside a hand-derived dZ2) -------------------------------------

def test_intermediate_grads_match_hand_derived_two_layer_network():
    rng = np.random.default_rng(0)
    m = 5
    X = Tensor(rng.standard_normal((3, m)))
    Y = (rng.uniform(size=(1, m)) > 0.5).astype(np.float64)
    W1, b1 = leaf(rng.standard_normal((4, 3)) * 0.5), leaf(np.zeros((4, 1)))
    W2, b2 = leaf(rng.standard_normal((1, 4)) * 0.5), leaf(np.zeros((1, 1)))
    Z1 = W1 @ X + b1
    A1 = Z1.tanh()
    Z2 = W2 @ A1 + b2
    A2 = Z2.sigmoid()
    cost = F.binary_cross_entropy(A2, Y, reduction="sum") * (1.0 / m)
    cost.backward()
    dZ2 = A2.data - Y
    dW2 = dZ2 @ A1.data.T / m
    db2 = dZ2.sum(axis=1, keepdims=True) / m
    dZ1 = (W2.data.T @ dZ2) * (1 - A1.data ** 2)
    dW1 = dZ1 @ X.data.T / m
    np.testing.assert_allclose(Z2.grad.data * m, dZ2, rtol=1e-6)   # .grad of an intermediate
    np.testing.assert_allclose(W2.grad.data, dW2, rtol=1e-6)
    np.testing.assert_allclose(b2.grad.data, db2, rtol=1e-6)
    np.testing.assert_allclose(Z1.grad.data * m, dZ1, rtol=1e-6)
    np.testing.assert_allclose(W1.grad.data, dW1, rtol=1e-6)
    assert A1.grad is not None and A2.grad is not None and cost.grad.item() == 1.0
    assert X.grad is None                                            # does not require grad


def test_intermediate_grad_shapes_and_dtypes():
    x = Tensor(np.ones((2, 3), dtype=np.float32), requires_grad=True)
    h = x.sum(axis=0)
    h.sum().backward()
    assert h.grad.shape == h.shape and h.grad.dtype == np.float32


# --- no_grad / enable_grad ------------------------------------------------------------------------

def test_no_grad_context_manager():
    x = leaf([1.0, 2.0])
    with tg.no_grad():
        y = x * 2
        z = (x @ x).exp()
    assert not y.requires_grad and y.grad_fn is None and not z.requires_grad
    assert (x * 2).requires_grad


def test_no_grad_as_decorator():
    @tg.no_grad()
    def f(t):
        return t * 2

    x = leaf([1.0])
    assert not f(x).requires_grad
    assert (x * 2).requires_grad


def test_no_grad_as_bare_decorator_like_pytorch():
    @tg.no_grad
    def f(t):
        return t * 2

    x = leaf([1.0])
    assert not f(x).requires_grad
    assert (x * 2).requires_grad


def test_no_grad_restores_state_after_an_exception():
    x = leaf([1.0])
    with pytest.raises(ZeroDivisionError):
        with tg.no_grad():
            1 / 0
    assert (x * 2).requires_grad


def test_no_grad_nests_and_enable_grad_reenables():
    x = leaf([1.0])
    with tg.no_grad():
        with tg.no_grad():
            assert not (x * 2).requires_grad
        assert not (x * 2).requires_grad
        with tg.enable_grad():
            assert (x * 2).requires_grad
        assert not (x * 2).requires_grad

    @tg.enable_grad()
    def g(t):
        return t * 3

    with tg.no_grad():
        assert g(x).requires_grad


def test_no_grad_is_thread_local():
    x = leaf([1.0])
    results = {}
    inside = threading.Event()
    done = threading.Event()

    def worker():
        inside.wait(5)
        results["other_thread"] = (x * 2).requires_grad
        done.set()

    thread = threading.Thread(target=worker)
    thread.start()
    with tg.no_grad():
        inside.set()
        done.wait(5)
        results["this_thread"] = (x * 2).requires_grad
    thread.join()
    assert results == {"other_thread": True, "this_thread": False}


def test_no_grad_in_another_thread_does_not_leak():
    x = leaf([1.0])

    def worker():
        with tg.no_grad():
            threading.Event().wait(0.01)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    assert (x * 2).requires_grad
    for t in threads:
        t.join()
    assert (x * 2).requires_grad


# --- detach ---------------------------------------------------------------------------------------

def test_detach_stops_gradient_flow():
    x = leaf([1.0, 2.0])
    y = x * x
    z = (y.detach() * x).sum()
    z.backward()
    np.testing.assert_allclose(x.grad.data, x.data ** 2)   # y treated as a constant
    assert y.grad is None


# --- tg.grad --------------------------------------------------------------------------------------

def test_grad_returns_tuple_and_leaves_grad_untouched():
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    h = x * w
    y = h.sum()
    gx, gw = tg.grad(y, [x, w])
    np.testing.assert_allclose(gx.data, w.data)
    np.testing.assert_allclose(gw.data, x.data)
    assert x.grad is None and w.grad is None and h.grad is None and y.grad is None
    assert not gx.requires_grad
    (g,) = tg.grad(y, [x])
    assert isinstance(tg.grad(y, [x]), tuple)
    np.testing.assert_allclose(g.data, w.data)


def test_grad_leaves_existing_grad_untouched():
    x = leaf([1.0, 2.0])
    (x * 2).sum().backward()
    before = x.grad.data.copy()
    tg.grad((x * x).sum(), [x])
    np.testing.assert_array_equal(x.grad.data, before)


def test_grad_with_grad_outputs_and_intermediate_inputs():
    x = leaf([1.0, 2.0])
    h = x * 3
    y = h * h
    gh, gx = tg.grad(y, [h, x], grad_outputs=Tensor(np.array([1.0, 0.5])))
    np.testing.assert_allclose(gh.data, 2 * h.data * [1.0, 0.5])
    np.testing.assert_allclose(gx.data, 6 * h.data * [1.0, 0.5])
    (g2,) = tg.grad([y], [x], grad_outputs=[np.array([1.0, 1.0])])
    np.testing.assert_allclose(g2.data, 6 * h.data)


def test_grad_of_unused_input_is_zero():
    x, unused = leaf([1.0, 2.0]), leaf([[5.0]])
    gx, gu = tg.grad((x * x).sum(), [x, unused])
    np.testing.assert_array_equal(gu.data, [[0.0]])
    assert gu.shape == unused.shape


def test_grad_with_create_graph_is_differentiable():
    x = leaf([0.5, 1.5])
    (g,) = tg.grad((x ** 3).sum(), [x], create_graph=True)
    assert g.requires_grad
    (gg,) = tg.grad(g.sum(), [x])
    np.testing.assert_allclose(gg.data, 6 * x.data)


def test_grad_with_multiple_outputs_sums():
    x = leaf([1.0, 2.0])
    (g,) = tg.grad([(x * x).sum(), (x * 3).sum()], [x])
    np.testing.assert_allclose(g.data, 2 * x.data + 3)


# --- deep graphs -----------------------------------------------------------------------------------

def test_chain_of_100000_ops_has_no_recursion_error():
    x = leaf(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y = y + 0.0
    y.backward()
    assert x.grad.item() == 1.0
    (g,) = tg.grad(y, [x])
    assert g.item() == 1.0


def test_deep_chain_of_mixed_ops():
    x = leaf(0.3)
    y = x
    for _ in range(5000):
        y = (y.tanh() + y) * 0.5
    y.backward()
    assert np.isfinite(x.grad.item()) and x.grad.item() > 0


# --- dtypes and requires_grad of .grad --------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_grad_has_the_tensors_dtype(dtype):
    x = leaf([1.0, 2.0], dtype=dtype)
    w = leaf([[0.5], [0.25]], dtype=dtype)
    h = (x * 2.0 + 1).exp()
    y = (h @ w).sum() / 3.0
    y.backward()
    for t in (x, w, h, y):
        assert t.grad.dtype == dtype


def test_grad_dtype_follows_the_tensor_when_the_seed_gradient_has_another_dtype():
    x = leaf([1.0, 2.0], dtype=np.float32)
    y = x * 2
    y.backward(Tensor(np.ones(2, dtype=np.float64)))
    assert x.grad.dtype == np.float32
    assert y.grad.dtype == np.float32
    z = x * 3
    z.backward(np.ones(2, dtype=np.float64))
    assert z.grad.dtype == np.float32


def test_grad_dtype_follows_each_input_in_mixed_dtype_ops():
    a = leaf([1.0, 2.0], dtype=np.float32)
    b = leaf([3.0, 4.0], dtype=np.float64)
    (a * b).sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64


def test_grad_does_not_require_grad_after_plain_backward():
    x = leaf([1.0, 2.0])
    h = x * x
    h.sum().backward()
    assert not x.grad.requires_grad and not h.grad.requires_grad


def test_grad_requires_grad_after_create_graph_and_can_be_differentiated():
    x = leaf([1.0, 2.0])
    (x ** 3).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    g = x.grad
    (gg,) = tg.grad(g.sum(), [x])
    np.testing.assert_allclose(gg.data, 6 * x.data)


def test_grad_is_a_tensor_of_the_same_shape():
    x = leaf(np.ones((2, 3, 1)))
    (x * leaf(np.ones((4,)))).sum().backward()
    assert isinstance(x.grad, Tensor) and x.grad.shape == (2, 3, 1)


def test_leaf_and_non_leaf_flags_after_backward():
    x = leaf([1.0])
    y = x * 2
    y.backward()
    assert x.is_leaf and not y.is_leaf and x.grad_fn is None and y.grad_fn is not None


def test_inputs_not_requiring_grad_get_no_grad():
    x = leaf([1.0, 2.0])
    c = Tensor([3.0, 4.0])
    (x * c).sum().backward()
    assert c.grad is None


def test_modifying_a_saved_tensor_in_place_is_detected():
    x = leaf([1.0, 2.0])
    w = Tensor([3.0, 4.0])
    y = (x * w).sum()
    with tg.no_grad():
        w *= 2
    with pytest.raises(RuntimeError, match="in-place"):
        y.backward()


def test_in_place_on_leaf_requiring_grad_is_refused_outside_no_grad():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError):
        x += 1
    with tg.no_grad():
        x -= 1
    np.testing.assert_array_equal(x.data, [0.0, 1.0])


def test_constant_gradient_under_create_graph_is_still_differentiable():
    x = leaf([1.0, 2.0])
    (x * 2 - 1).sum().backward(create_graph=True)
    assert x.grad.requires_grad                                 # contract: requires grad...
    (gg,) = tg.grad(x.grad.sum(), [x])                          # ...and can be differentiated again
    np.testing.assert_array_equal(gg.data, [0.0, 0.0])
    (g,) = tg.grad((-x).sum(), [x], create_graph=True)
    assert g.requires_grad
    np.testing.assert_array_equal(tg.grad(g.sum(), [x])[0].data, [0.0, 0.0])


# --- every op records itself, under its contract name ----------------------------------------------

@pytest.mark.parametrize("expr, name", [
    (lambda a, b: a + b, "add"), (lambda a, b: a - b, "sub"), (lambda a, b: a * b, "mul"),
    (lambda a, b: a / b, "div"), (lambda a, b: -a, "neg"), (lambda a, b: a ** 2, "pow"),
    (lambda a, b: a ** b, "pow"), (lambda a, b: a @ b.T, "matmul"), (lambda a, b: a.exp(), "exp"),
    (lambda a, b: a.log(), "log"), (lambda a, b: a.sqrt(), "sqrt"), (lambda a, b: a.abs(), "abs"),
    (lambda a, b: a.sigmoid(), "sigmoid"), (lambda a, b: a.tanh(), "tanh"), (lambda a, b: a.relu(), "relu"),
    (lambda a, b: a.leaky_relu(), "leaky_relu"), (lambda a, b: a.sum(), "sum"), (lambda a, b: a.mean(), "mean"),
    (lambda a, b: a.max(), "max"), (lambda a, b: a.softmax(), "softmax"),
    (lambda a, b: a.log_softmax(), "log_softmax"), (lambda a, b: a.reshape(-1), "reshape"),
    (lambda a, b: a.T, "transpose"), (lambda a, b: a[0], "index"),
    (lambda a, b: F.cross_entropy(a, [0, 1]), "cross_entropy"),
])
def test_every_op_records_a_named_node_only_when_an_input_requires_grad(expr, name):
    data_a, data_b = np.array([[0.5, 1.0], [2.0, 0.3]]), np.array([[1.5, 0.2], [0.7, 1.1]])
    out = expr(leaf(data_a), Tensor(data_b))
    assert out.requires_grad and out.grad_fn is not None and out.grad_fn.name == name
    out_b = expr(Tensor(data_a), leaf(data_b))
    assert out_b.requires_grad == (out_b.grad_fn is not None)
    plain = expr(Tensor(data_a), Tensor(data_b))
    assert not plain.requires_grad and plain.grad_fn is None


def test_grad_with_single_tensor_input_returns_a_tuple():
    x = leaf([1.0, 2.0])
    result = tg.grad((x * x).sum(), x)
    assert isinstance(result, tuple) and len(result) == 1
    np.testing.assert_allclose(result[0].data, [2.0, 4.0])
    second = tg.grad(tg.grad((x ** 3).sum(), x, create_graph=True)[0].sum(), x)   # the contract's example
    np.testing.assert_allclose(second[0].data, 6 * x.data)


def test_numpy_operand_changed_after_forward_does_not_change_the_gradient():
    w = Tensor([1.0, 2.0], requires_grad=True)
    x = np.array([3.0, 4.0], dtype=np.float32)
    y = (w * x).sum()
    x[:] = 100.0
    y.backward()
    np.testing.assert_allclose(w.grad.data, [3.0, 4.0])


def test_backward_seed_tensor_stays_the_callers():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    seed = Tensor.ones(3)
    (x * 2).backward(seed)
    assert seed.data.flags.writeable      # the caller's tensor is not made read-only
    seed += 1                             # and can still be changed in place
    np.testing.assert_allclose(x.grad.data, [2.0, 2.0, 2.0])   # without changing the gradient


def test_grad_outputs_tensor_stays_the_callers():
    x = Tensor([1.0, 2.0], requires_grad=True)
    seed = Tensor([1.0, 1.0])
    (gx,) = tg.grad(x * 3, x, grad_outputs=seed)
    seed += 5
    np.testing.assert_allclose(gx.data, [3.0, 3.0])
