"""Tensor construction, dtype rules, attributes, factories, repr, and operands of every kind."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor

# --- construction and dtype rules ------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
def test_floating_numpy_array_keeps_its_dtype(dtype):
    t = Tensor(np.arange(6, dtype=dtype).reshape(2, 3))
    assert t.dtype == dtype
    assert t.shape == (2, 3)
    np.testing.assert_array_equal(t.data, np.arange(6).reshape(2, 3))


@pytest.mark.parametrize("data", [[1, 2, 3], [[1.5, 2.5], [3.5, 4.5]], 3, 2.5, True,
                                  np.arange(4), np.arange(4, dtype=np.int32), [np.float64(1.0)]])
def test_lists_scalars_and_integer_arrays_become_float32(data):
    t = Tensor(data)
    assert t.dtype == np.float32
    np.testing.assert_array_equal(t.data, np.asarray(data, dtype=np.float32))


def test_scalar_makes_a_zero_dim_tensor():
    t = Tensor(2.5)
    assert t.shape == () and t.ndim == 0 and t.size == 1
    assert t.item() == 2.5


@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.int32, np.float32])
def test_explicit_dtype_wins(dtype):
    t = Tensor([1, 2, 3], dtype=dtype)
    assert t.dtype == dtype
    assert Tensor(np.ones(2, dtype=np.float32), dtype=dtype).dtype == dtype


def test_labels_with_int64_dtype_stay_int64():
    labels = Tensor(np.array([0, 2, 1]), dtype=np.int64)
    assert labels.dtype == np.int64
    np.testing.assert_array_equal(labels.data, [0, 2, 1])


def test_tensor_from_tensor_copies_values_and_dtype():
    a = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    b = Tensor(a)
    assert b.dtype == np.float64
    np.testing.assert_array_equal(b.data, a.data)
    assert not b.requires_grad and b.is_leaf
    b.data[0] = 100.0
    assert a.data[0] == 1.0


def test_tensor_does_not_alias_callers_array():
    arr = np.array([1.0, 2.0, 3.0])
    t = Tensor(arr)
    arr[0] = 100.0                      # the caller mutates its array...
    assert t.data[0] == 1.0             # ...the tensor does not see it
    with tg.no_grad():
        t += 1.0                        # the tensor mutates its array...
    assert arr[1] == 2.0                # ...the caller does not see it
    np.testing.assert_array_equal(t.data, [2.0, 3.0, 4.0])


def test_requires_grad_on_integer_dtype_is_a_type_error():
    with pytest.raises(TypeError):
        Tensor([1, 2], dtype=np.int64, requires_grad=True)
    with pytest.raises(TypeError):
        Tensor.zeros(2, dtype=np.int32, requires_grad=True)


def test_object_data_is_rejected():
    with pytest.raises((TypeError, ValueError)):
        Tensor([object(), object()])


# --- attributes --------------------------------------------------------------------------------

def test_attributes_of_a_leaf():
    t = Tensor(np.zeros((2, 3, 4)), requires_grad=True, name="W1")
    assert isinstance(t.data, np.ndarray)
    assert t.shape == (2, 3, 4) and isinstance(t.shape, tuple)
    assert t.ndim == 3 and t.size == 24 and t.dtype == np.float64
    assert t.requires_grad is True and t.is_leaf and t.grad_fn is None
    assert t.name == "W1" and t.grad is None
    assert len(t) == 2
    assert t.numpy() is t.data


def test_attributes_of_an_op_result():
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = a * 2
    assert b.requires_grad and not b.is_leaf and b.grad_fn is not None
    assert b.grad_fn.name == "mul"
    c = Tensor([1.0, 2.0]) * 2           # no input requires grad: nothing is recorded
    assert not c.requires_grad and c.is_leaf and c.grad_fn is None


def test_default_requires_grad_is_false_and_name_none():
    t = Tensor([1.0])
    assert t.requires_grad is False and t.name is None and t.grad is None


def test_len_of_zero_dim_tensor_is_a_type_error():
    with pytest.raises(TypeError):
        len(Tensor(1.0))


# --- item --------------------------------------------------------------------------------------

def test_item_returns_python_float_or_int():
    x = Tensor([[3.5]])
    assert x.item() == 3.5 and type(x.item()) is float
    i = Tensor([7], dtype=np.int64)
    assert i.item() == 7 and type(i.item()) is int
    assert type(Tensor(np.float32(1.25)).item()) is float


def test_item_on_many_elements_is_a_value_error():
    with pytest.raises(ValueError, match="3"):
        Tensor([1.0, 2.0, 3.0]).item()


# --- detach and zero_grad ---------------------------------------------------------------------

def test_detach_cuts_the_graph_and_keeps_values():
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = (a * 3).detach()
    assert not b.requires_grad and b.is_leaf and b.grad_fn is None
    np.testing.assert_array_equal(b.data, [3.0, 6.0])
    c = (b * a).sum()
    c.backward()
    np.testing.assert_array_equal(a.grad.data, [3.0, 6.0])   # no gradient flowed through b
    assert b.grad is None


def test_zero_grad_clears_the_gradient():
    a = Tensor([1.0, 2.0], requires_grad=True)
    (a * a).sum().backward()
    assert a.grad is not None
    a.zero_grad()
    assert a.grad is None or np.all(a.grad.data == 0)
    (a * 1.0).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [1.0, 1.0])


# --- repr --------------------------------------------------------------------------------------

def test_repr_shows_shape_dtype_values_and_grad_fn():
    a = Tensor([1.5, -2.0], requires_grad=True)
    r = repr(a * 2)
    assert "(2,)" in r and "float32" in r and "3." in r and "-4." in r and "mul" in r
    assert repr(Tensor(np.zeros((1000, 1000)))).count("\n") < 20   # large tensors: no wall of values
    assert "(1000, 1000)" in repr(Tensor(np.zeros((1000, 1000))))


# --- factories ---------------------------------------------------------------------------------

@pytest.mark.parametrize("factory", ["zeros", "ones", "randn", "uniform"])
def test_factories_shape_dtype_and_requires_grad(factory):
    make = getattr(Tensor, factory)
    t = make(2, 3)
    assert t.shape == (2, 3) and t.dtype == np.float32 and not t.requires_grad and t.is_leaf
    assert make((4, 1)).shape == (4, 1)
    t64 = make(3, dtype=np.float64, requires_grad=True)
    assert t64.dtype == np.float64 and t64.requires_grad and t64.is_leaf


def test_zeros_and_ones_values():
    np.testing.assert_array_equal(Tensor.zeros(2, 2).data, np.zeros((2, 2)))
    np.testing.assert_array_equal(Tensor.ones(3).data, np.ones(3))


def test_uniform_respects_bounds():
    tg.manual_seed(0)
    t = Tensor.uniform(2000)
    assert t.data.min() >= -1 and t.data.max() <= 1 and t.data.min() < -0.9 and t.data.max() > 0.9
    u = Tensor.uniform(2000, low=2.0, high=3.0)
    assert u.data.min() >= 2.0 and u.data.max() <= 3.0


def test_randn_looks_standard_normal():
    tg.manual_seed(0)
    t = Tensor.randn(20000, dtype=np.float64)
    assert abs(t.data.mean()) < 0.05 and abs(t.data.std() - 1) < 0.05


def test_manual_seed_makes_random_factories_reproducible():
    tg.manual_seed(123)
    a, b = Tensor.randn(5), Tensor.uniform(5)
    tg.manual_seed(123)
    c, d = Tensor.randn(5), Tensor.uniform(5)
    np.testing.assert_array_equal(a.data, c.data)
    np.testing.assert_array_equal(b.data, d.data)
    tg.manual_seed(124)
    assert not np.array_equal(Tensor.randn(5).data, a.data)


def test_successive_draws_differ():
    tg.manual_seed(1)
    assert not np.array_equal(Tensor.randn(5).data, Tensor.randn(5).data)


# --- operands of every kind on either side -----------------------------------------------------

X = np.array([[1.0, 2.0], [3.0, 4.0]])


def _t(requires_grad=False):
    return Tensor(X.copy(), requires_grad=requires_grad)


@pytest.mark.parametrize("expr, expected", [
    (lambda t: t + 2, X + 2), (lambda t: 2 + t, 2 + X),
    (lambda t: t - 1, X - 1), (lambda t: 1 - t, 1 - X),
    (lambda t: t * 3, X * 3), (lambda t: 3 * t, 3 * X),
    (lambda t: t / 2, X / 2), (lambda t: 2 / t, 2 / X),
    (lambda t: t ** 2, X ** 2), (lambda t: 2.0 ** t, 2.0 ** X), (lambda t: 2 ** t, 2.0 ** X),
    (lambda t: t ** 0.5, X ** 0.5), (lambda t: t ** -1, X ** -1.0),
    (lambda t: -t, -X),
    (lambda t: t + np.array([10.0, 20.0]), X + [10, 20]),
    (lambda t: np.array([10.0, 20.0]) + t, X + [10, 20]),
    (lambda t: np.array([10.0, 20.0]) - t, [10, 20] - X),
    (lambda t: np.array([10.0, 20.0]) * t, X * [10, 20]),
    (lambda t: np.array([10.0, 20.0]) / t, [10, 20] / X),
    (lambda t: np.array([2.0, 3.0]) ** t, np.array([2.0, 3.0]) ** X),
    (lambda t: np.eye(2) @ t, X), (lambda t: t @ np.eye(2), X),
    (lambda t: np.array([1.0, -1.0]) @ t, np.array([1.0, -1.0]) @ X),
    (lambda t: t @ Tensor(np.eye(2)), X),
    (lambda t: t.matmul(np.array([1.0, 1.0])), X @ [1, 1]),
    (lambda t: t ** Tensor(np.array(2.0)), X ** 2),
    (lambda t: [1.0, 2.0] + t, X + [1, 2]),
])
def test_operands_on_either_side(expr, expected):
    for requires_grad in (False, True):
        out = expr(_t(requires_grad))
        assert isinstance(out, Tensor)
        assert out.requires_grad == requires_grad
        np.testing.assert_allclose(out.data, expected, rtol=1e-12)


def test_reflected_ops_with_numpy_array_have_correct_gradient():
    t = _t(requires_grad=True)
    w = np.array([[1.0, 2.0], [3.0, 5.0]])
    (w @ t).sum().backward()
    np.testing.assert_allclose(t.grad.data, w.T @ np.ones((2, 2)))
    t2 = _t(requires_grad=True)
    (2.0 ** t2).sum().backward()
    np.testing.assert_allclose(t2.grad.data, 2.0 ** X * np.log(2.0))
    t3 = _t(requires_grad=True)
    (1 - t3).sum().backward()
    np.testing.assert_allclose(t3.grad.data, -np.ones((2, 2)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("expr", [lambda t: t * 2.0, lambda t: 2.0 * t, lambda t: t + 1, lambda t: 1 - t,
                                  lambda t: t / 3.0, lambda t: 3.0 / t, lambda t: t ** 2.0,
                                  lambda t: t ** 3, lambda t: 2.0 ** t, lambda t: -t,
                                  lambda t: t.exp(), lambda t: t.sigmoid(), lambda t: t.mean(),
                                  lambda t: t.softmax(), lambda t: t.leaky_relu(0.1)])
def test_python_numbers_never_change_the_dtype(dtype, expr):
    t = Tensor(np.array([0.5, 1.5], dtype=dtype), requires_grad=True)
    out = expr(t)
    assert out.dtype == dtype
    out.sum().backward()
    assert t.grad.dtype == dtype


def test_bool_of_single_element_and_ambiguous_bool():
    assert bool(Tensor([1.0]))
    with pytest.raises((ValueError, RuntimeError)):
        bool(Tensor([1.0, 2.0]))


def test_manual_seed_also_seeds_layer_initialisation():
    nn = pytest.importorskip("tinygrad_edu.nn")
    tg.manual_seed(7)
    a = nn.Linear(3, 2)
    tg.manual_seed(7)
    b = nn.Linear(3, 2)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    np.testing.assert_array_equal(a.bias.data, b.bias.data)


def test_numpy_floating_scalar_keeps_its_dtype():
    assert Tensor(np.float64(0.5)).dtype == np.float64
    assert Tensor(np.float32(0.5)).dtype == np.float32
    assert Tensor(0.5).dtype == np.float32


def test_complex_data_is_refused():
    with pytest.raises(TypeError, match="complex"):
        Tensor(np.array([1 + 2j]))


def test_requires_grad_set_by_hand_to_a_numpy_bool_still_records_the_graph():
    x = Tensor([1.0, 2.0])
    x.requires_grad = np.True_       # e.g. t.requires_grad = mask.any()
    w = Tensor([3.0, 4.0], requires_grad=True)
    for y in (x * x, x * w, x.exp()):
        assert y.requires_grad
    (x * w).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 4.0])
