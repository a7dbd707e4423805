"""In-place safety, as PyTorch does it: version counters, saved-tensor checks, views, read-only .grad."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor


def _data(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


# --- the version counter ---------------------------------------------------------------------

@pytest.mark.parametrize("edit, expected", [
    (lambda t: t.__iadd__(2.0), [3.0, 4.0]),
    (lambda t: t.__isub__(Tensor([1.0, 1.0])), [0.0, 1.0]),
    (lambda t: t.__imul__(np.array([2.0, 3.0], dtype=np.float32)), [2.0, 6.0]),
    (lambda t: t.__itruediv__(2), [0.5, 1.0]),
    (lambda t: t.__setitem__(0, 7.0), [7.0, 2.0]),
    (lambda t: t.__setitem__(slice(None), Tensor([5.0, 6.0])), [5.0, 6.0]),
])
def test_every_inplace_edit_changes_values_and_bumps_version(edit, expected):
    t = Tensor([1.0, 2.0])
    assert t._version[0] == 0
    edit(t)
    np.testing.assert_array_equal(t.data, expected)
    assert t._version[0] == 1
    assert t.dtype == np.float32


def test_augmented_assignment_keeps_the_same_tensor():
    t = Tensor([1.0])
    alias = t
    t += 1
    t *= 3
    assert t is alias and t._version[0] == 2 and t.item() == 6.0


# --- backward after a saved tensor changed ---------------------------------------------------

def test_backward_after_saved_input_changed_raises_naming_tensor_and_op():
    a = Tensor(_data(3), name="a")
    w = Tensor(_data(3, seed=1), requires_grad=True)
    y = (w * a).sum()
    a += 1
    with pytest.raises(RuntimeError) as info:
        y.backward()
    msg = str(info.value)
    assert "'a'" in msg and "'mul'" in msg and "in-place" in msg
    assert "version 1" in msg and "expected version 0" in msg
    assert w.grad is None  # nothing was deposited before the check fired


def test_backward_after_saved_output_changed_raises():
    x = Tensor(_data(4), requires_grad=True)
    y = x.exp()
    with tg.no_grad():  # allowed under no_grad, and recorded in the version counter
        y *= 2
    with pytest.raises(RuntimeError, match="'exp'"):
        y.sum().backward()


def test_setitem_on_saved_tensor_is_caught():
    a = Tensor(_data(2, 3), name="inputs")
    w = Tensor(_data(3, 4), requires_grad=True)
    y = (a @ w).sum()
    a[0, 0] = 100.0
    with pytest.raises(RuntimeError, match="'inputs'.*'matmul'"):
        y.backward()


def test_edit_of_a_tensor_no_op_saved_is_fine_and_gradient_correct():
    a = Tensor(_data(3))
    w = Tensor(_data(3, seed=1), requires_grad=True)
    y = (w + a).sum()  # add's derivative does not read its inputs
    a += 5
    y.backward()
    np.testing.assert_array_equal(w.grad.data, np.ones(3, dtype=np.float32))


def test_the_check_passes_when_nothing_changed_and_on_second_backward():
    a = Tensor(_data(3))
    w = Tensor(_data(3, seed=1), requires_grad=True)
    y = (w * a).sum()
    y.backward()
    y.backward()
    np.testing.assert_allclose(w.grad.data, 2 * a.data)


# --- refusals while recording ------------------------------------------------------------------

@pytest.mark.parametrize("op", ["+=", "-=", "*=", "/="])
def test_inplace_on_leaf_requiring_grad_raises_outside_no_grad(op):
    w = Tensor(_data(3), requires_grad=True, name="w")
    before = w.data.copy()
    with pytest.raises(RuntimeError, match=r"leaf tensor that requires grad.*'w'.*no_grad"):
        exec(f"w {op} 1.0")
    np.testing.assert_array_equal(w.data, before)
    assert w._version[0] == 0


def test_inplace_on_leaf_under_no_grad_is_allowed_and_bumps_version():
    w = Tensor([1.0, 2.0], requires_grad=True)
    with tg.no_grad():
        w -= 0.5
        w[0] = 0.0
    np.testing.assert_array_equal(w.data, [0.0, 1.5])
    assert w._version[0] == 2 and w.requires_grad and w.is_leaf


def test_inplace_on_non_leaf_in_graph_raises_while_recording():
    # stricter than PyTorch (which rebases the history): our graph edges point at tensors
    x = Tensor(_data(3), requires_grad=True)
    h = x * 2
    with pytest.raises(RuntimeError, match="part of a graph"):
        h += 1
    with pytest.raises(RuntimeError, match="part of a graph"):
        h[0] = 1.0


def test_setitem_of_a_value_requiring_grad_raises_while_recording():
    buffer = Tensor.zeros(3)
    v = Tensor([1.0], requires_grad=True, name="v")
    with pytest.raises(RuntimeError, match="'v'.*requires grad"):
        buffer[0:1] = v
    with tg.no_grad():
        buffer[0:1] = v
    assert buffer.data[0] == 1.0 and not buffer.requires_grad


# --- views share the version counter ---------------------------------------------------------

@pytest.mark.parametrize("make_view", [
    lambda a: a.reshape(-1),
    lambda a: a.T,
    lambda a: a.transpose(1, 0),
    lambda a: a[0],
    lambda a: a[:, 1:],
    lambda a: a[None, ..., 0],
    lambda a: a.detach(),
])
def test_views_share_memory_and_version_counter(make_view):
    a = Tensor(_data(2, 3))
    with tg.no_grad():
        v_no_grad = make_view(a)
    v = make_view(a)
    assert v._version is a._version and v_no_grad._version is a._version
    with tg.no_grad():
        v *= 0.0
    # numpy semantics: the view and its base are one memory
    assert np.count_nonzero(a.data) == a.size - v.size
    assert a._version[0] == 1


@pytest.mark.parametrize("make_copy", [
    lambda a: a[np.array([0, 1])],       # integer-array indexing copies
    lambda a: a.T.reshape(-1),           # reshaping a transposed array copies
    lambda a: a * 1.0,
    lambda a: a.sum(axis=0, keepdims=True),
])
def test_copies_do_not_share_the_version_counter(make_copy):
    a = Tensor(_data(2, 3))
    c = make_copy(a)
    assert c._version is not a._version
    c += 1
    assert a._version[0] == 0


def test_inplace_edit_through_a_view_is_caught():
    a = Tensor(_data(2, 3), name="a")
    w = Tensor(_data(2, 3, seed=1), requires_grad=True)
    y = (w * a).sum()
    view = a.reshape(6)
    view[0] = 100.0
    with pytest.raises(RuntimeError, match="'a'.*'mul'"):
        y.backward()


def test_inplace_edit_of_the_base_is_caught_when_a_view_was_saved():
    a = Tensor(_data(2, 3))
    w = Tensor(_data(3, seed=1), requires_grad=True)
    y = (w * a[1]).sum()  # mul saved the view a[1]
    a /= 2
    with pytest.raises(RuntimeError, match="'mul'"):
        y.backward()


def test_edit_through_detach_is_caught():
    w = Tensor(_data(3), requires_grad=True, name="w")
    y = (w * w).sum()
    w.detach()[1] = 0.0  # allowed (as in PyTorch): the detached tensor does not require grad
    with pytest.raises(RuntimeError, match="'w'"):
        y.backward()


# --- read-only gradients -----------------------------------------------------------------------

@pytest.mark.parametrize("edit", [
    lambda g: g.__imul__(0.5),
    lambda g: g.__iadd__(1.0),
    lambda g: g.__setitem__(0, 0.0),
])
def test_inplace_on_grad_raises_a_clear_error(edit):
    x = Tensor(_data(3), requires_grad=True)
    (x * 3).sum().backward()
    for mode in (tg.enable_grad, tg.no_grad):
        with mode(), pytest.raises(RuntimeError) as info:
            edit(x.grad)
        msg = str(info.value)
        assert "read-only" in msg and ".grad" in msg and "x.grad = x.grad * 0.5" in msg
        assert "assignment destination" not in msg
    np.testing.assert_array_equal(x.grad.data, np.full(3, 3.0, dtype=np.float32))


def test_gradients_may_share_memory_which_is_why_they_are_read_only():
    a = Tensor(_data(3), requires_grad=True)
    b = Tensor(_data(3, seed=1), requires_grad=True)
    (a + b).sum().backward()
    assert np.shares_memory(a.grad.data, b.grad.data)
    a.grad = a.grad * 0.5  # the out-of-place rewrite works and leaves b.grad alone
    np.testing.assert_array_equal(b.grad.data, np.ones(3, dtype=np.float32))


def test_broadcast_result_is_read_only_with_a_clear_error():
    t = Tensor([1.0, 2.0]).broadcast_to((3, 2))
    with pytest.raises(RuntimeError, match="read-only"):
        t += 1


# --- numpy's errors, translated ----------------------------------------------------------------

def test_inplace_float_into_integer_tensor_raises_type_error():
    t = Tensor(np.array([1, 2]), dtype=np.int64)
    with pytest.raises(TypeError, match=r"int64.*cast first"):
        t += 0.5
    t += 1  # same kind is fine
    assert t.data.tolist() == [2, 3] and t._version[0] == 1


def test_inplace_float64_into_float32_keeps_float32():
    t = Tensor([1.0, 2.0])
    t += np.array([0.5, 0.5])
    assert t.dtype == np.float32 and t.data.tolist() == [1.5, 2.5]


def test_inplace_with_non_broadcastable_shape_names_both_shapes():
    t = Tensor(_data(3))
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3,\)"):
        t += Tensor(_data(2, 3))
    with pytest.raises(ValueError, match=r"\(2,\)"):
        t[:] = np.ones(2)
    assert t._version[0] == 0


# --- optimizers -----------------------------------------------------------------------------------

@pytest.mark.parametrize("make_optimizer", [
    lambda ps: tg.optim.SGD(ps, lr=0.1),
    lambda ps: tg.optim.Adam(ps, lr=0.1),
])
def test_optimizer_step_between_forward_and_backward_raises_version_error(make_optimizer):
    tg.manual_seed(0)
    model = tg.nn.Linear(3, 2)
    opt = make_optimizer(model.parameters())
    x = Tensor(_data(4, 3))
    model(x).sum().backward()
    opt.step()  # fine: updates under the hood, bumps versions
    loss = model(x).sum()
    opt.step()  # the parameters this graph saved change now
    with pytest.raises(RuntimeError, match=r"'weight'.*'linear'|'linear'.*'weight'"):
        loss.backward()


def test_optimizer_step_leaves_parameters_usable():
    tg.manual_seed(0)
    model = tg.nn.Linear(3, 1)
    opt = tg.optim.SGD(model.parameters(), lr=0.1)
    x = Tensor(_data(5, 3))
    for _ in range(3):
        opt.zero_grad()
        loss = (model(x) ** 2).mean()
        loss.backward()
        opt.step()
    assert all(p.requires_grad and p.is_leaf for p in model.parameters())


def test_version_error_says_what_to_do_and_under_anomaly_where_the_op_was_created():
    a = Tensor(_data(3), name="a")
    w = Tensor(_data(3, seed=1), requires_grad=True)
    with tg.detect_anomaly():
        y = (w * a).sum()  # the-mul-line
    a += 1
    with pytest.raises(RuntimeError) as info:
        y.backward()
    msg = str(info.value)
    assert "before optimizer.step()" in msg and "out of place" in msg
    assert "test_inplace.py" in msg and "(w * a).sum()  # the-mul-line" in msg
